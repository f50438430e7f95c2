"""High-risk cases and the assessor's risk decisions.

`controls/high_risk.yaml` lists high-risk cases (docs/domain.md; the high-risk guide T/ISEAA 001-2020, R), each
tied to catalogue items and the level it applies from. A partial or nonconform result on such an item is
*suggested* as high risk. The assessor then confirms it, lowers it with a recorded compensating measure, or
raises a problem (any problem, with or without a case); every decision keeps its reason. `apply_decisions`
turns results, suggestions and decisions into the effective risk of every row, ready for mlps.rules.scoring.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mlps.rules.catalogue import Catalogue
from mlps.rules.domain import Result, Risk, parse_result, parse_risk
from mlps.rules.rulefiles import rule_file
from mlps.rules.scoring_methods import RISK_RANK

HIGH_RISK_FILE = "high_risk.yaml"
CASE_ID = re.compile(r"^HR-[A-Z]{3}-\d{2}$")
ITEM_LEVEL = re.compile(r"^(?:BDS-)?L(?P<level>[1-4])-")
HAN = re.compile(r"[\u4e00-\u9fff]")
PROBLEM_RESULTS = frozenset({Result.PARTIAL, Result.NONCONFORM})


class HighRiskError(ValueError):
    """controls/high_risk.yaml is malformed. The message names the file and the case."""

    def __init__(self, file: str, case: str | None, message: str):
        self.file, self.case = file, case
        super().__init__(f"{file}, case {case}: {message}" if case else f"{file}: {message}")


class RiskDecisionError(ValueError):
    """A risk decision that cannot apply: the message names the item and the decision."""


@dataclass(frozen=True)
class HighRiskCase:
    id: str  # HR-PES-01
    category: str
    confidence: str  # S (in docs/domain.md) or R (recalled from the guide)
    applies_from: int  # the lowest protection level the case applies to
    items: tuple[str, ...]  # catalogue item ids
    title_zh: str
    title_en: str
    scenario_zh: str
    scenario_en: str
    compensating_zh: tuple[str, ...]
    compensating_en: tuple[str, ...]
    fix_zh: str
    fix_en: str
    condition_zh: str = ""  # when the case applies only to some systems
    condition_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "confidence": self.confidence,
            "applies_from": self.applies_from,
            "items": list(self.items),
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "condition_zh": self.condition_zh,
            "condition_en": self.condition_en,
            "scenario_zh": self.scenario_zh,
            "scenario_en": self.scenario_en,
            "compensating_zh": list(self.compensating_zh),
            "compensating_en": list(self.compensating_en),
            "fix_zh": self.fix_zh,
            "fix_en": self.fix_en,
        }


@dataclass(frozen=True)
class HighRiskCatalogue:
    version: str
    source: str
    cases: tuple[HighRiskCase, ...]
    _by_item: dict[str, tuple[HighRiskCase, ...]] = field(default_factory=dict, compare=False, repr=False, hash=False)

    def by_id(self, case_id: str) -> HighRiskCase:
        for c in self.cases:
            if c.id == case_id:
                return c
        raise KeyError(case_id)

    def for_item(self, item_id: str) -> list[HighRiskCase]:
        """The cases tied to an item, at any level."""
        return list(self._by_item.get(item_id, ()))

    def __post_init__(self) -> None:
        index: dict[str, list[HighRiskCase]] = {}
        for c in self.cases:
            for i in c.items:
                index.setdefault(i, []).append(c)
        object.__setattr__(self, "_by_item", {k: tuple(v) for k, v in index.items()})


# ---------------------------------------------------------------- loading and validation


def _text(raw: Mapping[str, Any], key: str, file: str, case: str, *, zh: bool = False, required: bool = True) -> str:
    value = raw.get(key, "" if not required else None)
    if value is None or (required and (not isinstance(value, str) or not value.strip())):
        raise HighRiskError(file, case, f"'{key}' is missing or empty")
    if not isinstance(value, str):
        raise HighRiskError(file, case, f"'{key}' must be text")
    if zh and value.strip() and not HAN.search(value):
        raise HighRiskError(file, case, f"'{key}' has no Chinese text")
    return " ".join(value.split())


def _texts(raw: Mapping[str, Any], key: str, file: str, case: str, *, zh: bool = False) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise HighRiskError(file, case, f"'{key}' must be a non-empty list of texts")
    if zh and not all(HAN.search(v) for v in value):
        raise HighRiskError(file, case, f"'{key}' has an entry with no Chinese text")
    return tuple(" ".join(v.split()) for v in value)


def _parse_case(raw: Any, n: int, file: str) -> HighRiskCase:
    if not isinstance(raw, Mapping):
        raise HighRiskError(file, f"#{n}", "must be a mapping")
    cid = raw.get("id")
    if not isinstance(cid, str) or not CASE_ID.match(cid):
        raise HighRiskError(file, f"#{n}", f"id {cid!r} must look like HR-PES-01")
    level = raw.get("applies_from")
    if level not in (1, 2, 3, 4):
        raise HighRiskError(file, cid, f"applies_from must be a level 1-4, not {level!r}")
    confidence = raw.get("confidence")
    if confidence not in ("S", "R"):
        raise HighRiskError(file, cid, f"confidence must be S or R, not {confidence!r}")
    items = raw.get("items")
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise HighRiskError(file, cid, "items must be a non-empty list of catalogue item ids")
    if len(set(items)) != len(items):
        raise HighRiskError(file, cid, "an item id appears twice")
    for i in items:
        m = ITEM_LEVEL.match(i)
        if not m:
            raise HighRiskError(file, cid, f"item '{i}' is not a catalogue item id (e.g. L3-PES1-03)")
        if int(m["level"]) < level:
            raise HighRiskError(file, cid, f"item '{i}' is below the case's level {level} (applies_from)")
    condition_zh = _text(raw, "condition_zh", file, cid, zh=True, required=False)
    condition_en = _text(raw, "condition_en", file, cid, required=False)
    if bool(condition_zh) != bool(condition_en):
        raise HighRiskError(file, cid, "condition_zh and condition_en must both be given or both be absent")
    return HighRiskCase(
        id=cid,
        category=_text(raw, "category", file, cid),
        confidence=confidence,
        applies_from=level,
        items=tuple(items),
        title_zh=_text(raw, "title_zh", file, cid, zh=True),
        title_en=_text(raw, "title_en", file, cid),
        scenario_zh=_text(raw, "scenario_zh", file, cid, zh=True),
        scenario_en=_text(raw, "scenario_en", file, cid),
        compensating_zh=_texts(raw, "compensating_zh", file, cid, zh=True),
        compensating_en=_texts(raw, "compensating_en", file, cid),
        fix_zh=_text(raw, "fix_zh", file, cid, zh=True),
        fix_en=_text(raw, "fix_en", file, cid),
        condition_zh=condition_zh,
        condition_en=condition_en,
    )


def check_against_catalogue(cases: HighRiskCatalogue, catalogue: Catalogue, file: str = HIGH_RISK_FILE) -> None:
    """Every item a case names exists in the catalogue, and the case has an item at each level it applies to
    that has any item of the same area. Raises HighRiskError naming the case."""
    for c in cases.cases:
        for i in c.items:
            if i not in catalogue:
                raise HighRiskError(file, c.id, f"item '{i}' is not in the catalogue")
        levels = {catalogue.get(i).level for i in c.items}
        missing = [lv for lv in range(c.applies_from, 5) if lv in catalogue.levels() and lv not in levels]
        if missing:
            raise HighRiskError(
                file, c.id, f"no item at level(s) {', '.join(map(str, missing))} (applies_from {c.applies_from})"
            )


def default_high_risk_path() -> Path:
    """$MLPS_CONTROLS_DIR/high_risk.yaml when that folder has one, else the bundled controls/ file."""
    return rule_file(HIGH_RISK_FILE)


def load_high_risk_cases(path: Path | str | None = None, catalogue: Catalogue | None = None) -> HighRiskCatalogue:
    """Load and check the high-risk cases; with `catalogue`, also check every item id exists there."""
    p = Path(path) if path else default_high_risk_path()
    if not p.exists():
        raise HighRiskError(p.name, None, f"not found at {p}")
    cases = _load_cached(str(p), p.stat().st_mtime_ns)
    if catalogue is not None:
        check_against_catalogue(cases, catalogue, p.name)
    return cases


@lru_cache(maxsize=8)
def _load_cached(path: str, _mtime: int) -> HighRiskCatalogue:
    p = Path(path)
    file = p.name
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise HighRiskError(file, None, f"not valid UTF-8 YAML: {exc}") from None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("cases"), list) or not raw["cases"]:
        raise HighRiskError(file, None, "must be a mapping with a non-empty list 'cases'")
    cases = [_parse_case(c, n, file) for n, c in enumerate(raw["cases"], start=1)]
    seen: set[str] = set()
    for c in cases:
        if c.id in seen:
            raise HighRiskError(file, c.id, "id appears twice")
        seen.add(c.id)
    return HighRiskCatalogue(
        version=str(raw.get("version") or ""), source=str(raw.get("source") or ""), cases=tuple(cases)
    )


# ---------------------------------------------------------------- suggestions


def suggest_risk(
    item_id: str, level: int, result: Result | str, cases: HighRiskCatalogue | None = None
) -> list[HighRiskCase]:
    """The high-risk cases a result on `item_id` matches for a system at `level`: empty unless the result is
    partial or nonconform (a gap) and a case tied to the item applies from `level` or below."""
    r = result if isinstance(result, Result) else parse_result(result)
    if r not in PROBLEM_RESULTS:
        return []
    cases = cases or load_high_risk_cases()
    return [c for c in cases.for_item(item_id) if c.applies_from <= level]


# ---------------------------------------------------------------- decisions


class DecisionKind(StrEnum):
    CONFIRM = "confirm"  # accept the suggested (or recorded) risk as it is
    LOWER = "lower"  # lower it because a compensating measure was found (整体测评)
    RAISE = "raise"  # raise it, e.g. a problem with no matching case that the assessor judges serious


DECISION_ZH = {DecisionKind.CONFIRM: "确认", DecisionKind.LOWER: "降低", DecisionKind.RAISE: "提高"}


@dataclass(frozen=True)
class RiskDecision:
    """One assessor decision on the risk of a problem; every decision keeps its reason."""

    item_id: str
    kind: DecisionKind
    reason: str
    risk: Risk | None = None  # the level after the decision; for confirm, None keeps the current level
    assessed_object: str = ""  # '' = the item on every object it was assessed on
    compensating_measure: str = ""  # required when lowering
    case_id: str = ""  # the high-risk case the decision is about, if any
    decided_by: str = ""
    decided_at: datetime | None = None

    def validate(self) -> None:
        """Checks that need nothing but the decision itself. Raises RiskDecisionError."""
        where = f"decision on {self.item_id}" + (f" / {self.assessed_object}" if self.assessed_object else "")
        if not self.item_id.strip():
            raise RiskDecisionError("a risk decision names no item")
        if not isinstance(self.kind, DecisionKind):
            raise RiskDecisionError(f"{where}: kind must be confirm, lower or raise")
        if not self.reason.strip():
            raise RiskDecisionError(f"{where}: every decision needs a reason")
        if self.kind is DecisionKind.LOWER and not self.compensating_measure.strip():
            raise RiskDecisionError(f"{where}: lowering a risk needs the compensating measure that justifies it")
        if self.kind in (DecisionKind.LOWER, DecisionKind.RAISE) and self.risk is None:
            done = "lowered" if self.kind is DecisionKind.LOWER else "raised"
            raise RiskDecisionError(f"{where}: say which level the risk is {done} to")

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "kind": self.kind.value,
            "risk": self.risk.value if self.risk else None,
            "reason": self.reason,
            "assessed_object": self.assessed_object,
            "compensating_measure": self.compensating_measure,
            "case_id": self.case_id,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


def _word(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def apply_decisions(
    results: pd.DataFrame,
    level: int,
    decisions: Sequence[RiskDecision] = (),
    cases: HighRiskCatalogue | None = None,
) -> pd.DataFrame:
    """The effective risk of every result row.

    For each row with a partial or nonconform result: the suggested risk is high when a case applies
    (`suggest_risk`); the starting risk is the higher of the suggested and the recorded one (column `risk`,
    optional) — a recorded level below the suggestion counts only through a `lower` decision, which must
    name its compensating measure. Decisions then apply: confirm keeps the level, lower must go below it,
    raise must go above it. Rows that are not problems carry no risk.

    Returns a copy of `results` with columns `risk` (effective, a Risk or None, ready for score_assessment),
    `recorded_risk`, `suggested_risk`, `suggested_cases` (tuple of case ids), `risk_source` (recorded /
    suggested / confirmed / lowered / raised / ''), `risk_reason` (the decision's reason) and
    `compensating_measure` (for lowered rows). Raises RiskDecisionError naming the item
    when a decision cannot apply; nothing is changed then.
    """
    cases = cases or load_high_risk_cases()
    out = results.copy()
    n = len(out)
    res = [parse_result(_word(v)) for v in out["result"]] if n else []
    recorded = [parse_risk(_word(v)) for v in out["risk"]] if "risk" in out.columns else [None] * n
    objects = [_word(v) for v in out["assessed_object"]] if "assessed_object" in out.columns else [""] * n
    items = [str(v) for v in out["item_id"]]
    suggested_cases = [
        tuple(c.id for c in suggest_risk(i, level, r, cases)) if r in PROBLEM_RESULTS else ()
        for i, r in zip(items, res, strict=True)
    ]
    risk: list[Risk | None] = []
    source: list[str] = []
    reason: list[str] = []
    measure: list[str] = [""] * n
    for r, rec, sc in zip(res, recorded, suggested_cases, strict=True):
        if r not in PROBLEM_RESULTS:
            risk.append(None)
            source.append("")
            reason.append("")
            continue
        sug = Risk.HIGH if sc else None
        if RISK_RANK[rec] >= RISK_RANK[sug] and rec is not None:
            risk.append(rec)
            source.append("recorded")
            reason.append("")
        elif sug is not None:
            risk.append(sug)
            source.append("suggested")
            reason.append("")
        else:
            risk.append(None)
            source.append("")
            reason.append("")
    for d in decisions:
        d.validate()
        rows = [
            k for k in range(n) if items[k] == d.item_id and (not d.assessed_object or objects[k] == d.assessed_object)
        ]
        where = f"decision on {d.item_id}" + (f" / {d.assessed_object}" if d.assessed_object else "")
        if not rows:
            raise RiskDecisionError(f"{where}: the item has no result{' on that object' if d.assessed_object else ''}")
        rows = [k for k in rows if res[k] in PROBLEM_RESULTS]
        if not rows:
            raise RiskDecisionError(f"{where}: the item is not a problem (no partial or nonconform result)")
        if d.case_id and not any(d.case_id in suggested_cases[k] for k in rows):
            raise RiskDecisionError(f"{where}: case {d.case_id} does not apply to this item at level {level}")
        for k in rows:
            current = risk[k]
            if d.kind is DecisionKind.CONFIRM:
                if current is None:
                    raise RiskDecisionError(f"{where}: there is no risk level to confirm; use raise to set one")
                if d.risk is not None and d.risk is not current:
                    raise RiskDecisionError(
                        f"{where}: confirm keeps the level {current.value}; use lower or raise to change it"
                    )
                source[k] = "confirmed"
            elif d.kind is DecisionKind.LOWER:
                if RISK_RANK[d.risk] >= RISK_RANK[current]:
                    now = current.value if current else "none"
                    raise RiskDecisionError(f"{where}: lowering must go below the current level ({now})")
                risk[k] = d.risk
                source[k] = "lowered"
            else:
                if RISK_RANK[d.risk] <= RISK_RANK[current]:
                    now = current.value if current else "none"
                    raise RiskDecisionError(f"{where}: raising must go above the current level ({now})")
                risk[k] = d.risk
                source[k] = "raised"
            reason[k] = d.reason.strip()
            measure[k] = d.compensating_measure.strip() if d.kind is DecisionKind.LOWER else ""

    def column(values: list[Any]) -> pd.Series:  # object dtype keeps Risk members and None as they are
        return pd.Series(values, index=out.index, dtype=object)

    out["recorded_risk"] = column(recorded)
    out["suggested_risk"] = column([Risk.HIGH if sc else None for sc in suggested_cases])
    out["suggested_cases"] = column(suggested_cases)
    out["risk"] = column(risk)
    out["risk_source"] = column(source)
    out["risk_reason"] = column(reason)
    out["compensating_measure"] = column(measure)
    return out
