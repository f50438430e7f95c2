"""Major risk hazards (重大风险隐患): the trigger table A-01 … A-32, hazard records, their count and candidates.

Facts (docs/domain.md, "The rules since 2025"):
- the MPS Cybersecurity Bureau's letter of 2025-04-27, Q18-Q19: a hazard is judged by three principles
  (相关性 relevance, 严重性 severity, 高发性 frequency) and may come from one high-risk problem or from several
  problems together; Q22: the conclusion page gives the count before remediation, remediated ones marked, as
  `10（5个已整改）`;
- the 2025 report template's appendix G lists the triggers A-01 … A-32; we have one public transcription only,
  so the table (`controls/hazard_triggers.yaml`) is marked unconfirmed (R) and the UI says so.

A hazard is recorded by a person; the workbench only suggests candidates: the trigger a case of the 2025
high-risk guideline names (mlps.rules.high_risk), where an item of that case at the assessed level has an open
high-risk problem, and the cross-cutting triggers (A-27 … A-32) as questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mlps.rules.high_risk import HighRiskGuideline, cases_for_gap, load_guideline
from mlps.rules.rulefiles import read_yaml, rule_file

TRIGGERS_FILE = "hazard_triggers.yaml"
CODE = re.compile(r"^A-(0[1-9]|[12][0-9]|3[0-2])$")
HAN = re.compile(r"[\u4e00-\u9fff]")
PRINCIPLES = ("relevance", "severity", "frequency")


class HazardError(ValueError):
    """A hazard that cannot be recorded, or a malformed trigger table: the message says what and where."""


# ---------------------------------------------------------------- the trigger table


@dataclass(frozen=True)
class Principle:
    key: str
    name_zh: str
    name_en: str
    question_zh: str
    question_en: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def question(self, lang: str) -> str:
        return self.question_zh if lang == "zh" else self.question_en


@dataclass(frozen=True)
class Trigger:
    code: str  # A-01 … A-32
    title_zh: str
    title_en: str
    situations_zh: tuple[str, ...]
    situations_en: tuple[str, ...]
    scope: str = ""  # general / cloud / iot / ics; '' for a cross-cutting trigger
    category: str = ""
    control_point: str = ""
    items: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # level -> item ids
    question_zh: str = ""
    question_en: str = ""

    @property
    def cross_cutting(self) -> bool:
        return not self.items

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def question(self, lang: str) -> str:
        return self.question_zh if lang == "zh" else self.question_en

    def label(self, lang: str) -> str:
        return f"{self.code} {self.title(lang)}"

    def applies(self, extensions: Iterable[str]) -> bool:
        """The trigger's catalogue is assessed: general always, an extension only when it is selected."""
        return self.cross_cutting or self.scope == "general" or self.scope in set(extensions)

    def items_at(self, level: int, extensions: Iterable[str] = ()) -> tuple[str, ...]:
        """The item ids this trigger relates to in the selection (level + extensions); () when none."""
        if self.cross_cutting or not self.applies(extensions):
            return ()
        return self.items.get(int(level), ())

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "situations_zh": list(self.situations_zh),
            "situations_en": list(self.situations_en),
            "scope": self.scope or None,
            "category": self.category or None,
            "control_point": self.control_point or None,
            "items": {str(k): list(v) for k, v in self.items.items()},
            "cross_cutting": self.cross_cutting,
            "question_zh": self.question_zh or None,
            "question_en": self.question_en or None,
        }


@dataclass(frozen=True)
class TriggerTable:
    version: str
    confidence: str
    source: str
    note_zh: str
    note_en: str
    principles: tuple[Principle, ...]
    triggers: tuple[Trigger, ...]

    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.triggers)

    def get(self, code: str) -> Trigger:
        """The trigger by code; an unknown code raises HazardError naming it and the valid range."""
        key = (code or "").strip().upper()
        for t in self.triggers:
            if t.code == key:
                return t
        raise HazardError(f"unknown trigger code '{code}'; the codes run from A-01 to A-32")

    def note(self, lang: str) -> str:
        return self.note_zh if lang == "zh" else self.note_en

    def for_item(self, item_id: str) -> list[Trigger]:
        return [t for t in self.triggers if any(item_id in ids for ids in t.items.values())]


def _text(raw: Mapping[str, Any], key: str, where: str, *, zh: bool = False) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise HazardError(f"{TRIGGERS_FILE}, {where}: '{key}' is missing or empty")
    if zh and not HAN.search(value):
        raise HazardError(f"{TRIGGERS_FILE}, {where}: '{key}' has no Chinese text")
    return " ".join(value.split())


def _texts(raw: Mapping[str, Any], key: str, where: str, *, zh: bool = False) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise HazardError(f"{TRIGGERS_FILE}, {where}: '{key}' must be a non-empty list of texts")
    if zh and not all(HAN.search(v) for v in value):
        raise HazardError(f"{TRIGGERS_FILE}, {where}: '{key}' has an entry with no Chinese text")
    return tuple(" ".join(v.split()) for v in value)


def _parse_trigger(raw: Any, n: int) -> Trigger:
    if not isinstance(raw, Mapping):
        raise HazardError(f"{TRIGGERS_FILE}, trigger #{n}: must be a mapping")
    code = raw.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise HazardError(f"{TRIGGERS_FILE}, trigger #{n}: code {code!r} must be A-01 … A-32")
    where = f"trigger {code}"
    items_raw = raw.get("items") or {}
    if not isinstance(items_raw, Mapping):
        raise HazardError(f"{TRIGGERS_FILE}, {where}: 'items' must map a level to item ids")
    items: dict[int, tuple[str, ...]] = {}
    for lv, ids in items_raw.items():
        if lv not in (1, 2, 3, 4):
            raise HazardError(f"{TRIGGERS_FILE}, {where}: level {lv!r} must be 1-4")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i.startswith(f"L{lv}-") for i in ids):
            raise HazardError(f"{TRIGGERS_FILE}, {where}: items at level {lv} must be ids of that level")
        items[int(lv)] = tuple(ids)
    number = int(code[2:])
    if number <= 26 and not items:
        raise HazardError(f"{TRIGGERS_FILE}, {where}: A-01 … A-26 must name their items per level")
    if number > 26 and items:
        raise HazardError(f"{TRIGGERS_FILE}, {where}: A-27 … A-32 are cross-cutting and name no item")
    return Trigger(
        code=code,
        title_zh=_text(raw, "title_zh", where, zh=True),
        title_en=_text(raw, "title_en", where),
        situations_zh=_texts(raw, "situations_zh", where, zh=True),
        situations_en=_texts(raw, "situations_en", where),
        scope=_text(raw, "scope", where) if items else "",
        category=_text(raw, "category", where) if items else "",
        control_point=_text(raw, "control_point", where) if items else "",
        items=items,
        question_zh="" if items else _text(raw, "question_zh", where, zh=True),
        question_en="" if items else _text(raw, "question_en", where),
    )


def default_triggers_path() -> Path:
    """$MLPS_CONTROLS_DIR/hazard_triggers.yaml when that folder has one, else the bundled file."""
    return rule_file(TRIGGERS_FILE)


def load_hazard_triggers(path: Path | str | None = None) -> TriggerTable:
    """Load and check the trigger table (the file is read once per modification, mlps.rules.rulefiles)."""
    p = Path(path) if path else default_triggers_path()
    try:
        raw = read_yaml(p)
    except ValueError as exc:
        raise HazardError(str(exc)) from None
    return _parse_table(id(raw), raw)


_PARSED: dict[int, tuple[Any, TriggerTable]] = {}


def _parse_table(key: int, raw: Any) -> TriggerTable:
    hit = _PARSED.get(key)
    if hit is not None and hit[0] is raw:
        return hit[1]
    table = _build(raw)
    _PARSED[key] = (raw, table)
    return table


def _build(raw: Any) -> TriggerTable:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("triggers"), list):
        raise HazardError(f"{TRIGGERS_FILE}: must be a mapping with a list 'triggers'")
    triggers = tuple(_parse_trigger(t, n) for n, t in enumerate(raw["triggers"], start=1))
    codes = [t.code for t in triggers]
    expected = [f"A-{n:02d}" for n in range(1, 33)]
    if codes != expected:
        raise HazardError(f"{TRIGGERS_FILE}: triggers must be A-01 … A-32 in order, once each")
    principles_raw = raw.get("principles")
    if not isinstance(principles_raw, list) or [p.get("key") for p in principles_raw] != list(PRINCIPLES):
        raise HazardError(f"{TRIGGERS_FILE}: principles must be relevance, severity, frequency in that order")
    principles = tuple(
        Principle(
            key=p["key"],
            name_zh=_text(p, "name_zh", f"principle {p['key']}", zh=True),
            name_en=_text(p, "name_en", f"principle {p['key']}"),
            question_zh=_text(p, "question_zh", f"principle {p['key']}", zh=True),
            question_en=_text(p, "question_en", f"principle {p['key']}"),
        )
        for p in principles_raw
    )
    confidence = raw.get("confidence")
    if confidence not in ("S", "R"):
        raise HazardError(f"{TRIGGERS_FILE}: confidence must be S or R")
    return TriggerTable(
        version=str(raw.get("version") or ""),
        confidence=confidence,
        source=_text(raw, "source", "file"),
        note_zh=_text(raw, "note_zh", "file", zh=True),
        note_en=_text(raw, "note_en", "file"),
        principles=principles,
        triggers=triggers,
    )


def check_against_catalogue(table: TriggerTable, item_ids: Iterable[str], levels: Iterable[int]) -> None:
    """Every item a trigger names exists (in `item_ids`, the catalogue's ids). Raises HazardError."""
    known = set(item_ids)
    for t in table.triggers:
        for lv, ids in t.items.items():
            if lv not in set(levels):
                continue
            missing = [i for i in ids if i not in known]
            if missing:
                raise HazardError(
                    f"{TRIGGERS_FILE}, trigger {t.code}: item(s) {', '.join(missing)} not in the catalogue"
                )


# ---------------------------------------------------------------- hazards


@dataclass(frozen=True)
class Hazard:
    """A major risk hazard a person recorded for an assessment."""

    code: str  # the trigger, A-01 … A-32
    item_ids: tuple[str, ...] = ()  # the problems it comes from (items of the assessed selection)
    objects: tuple[str, ...] = ()  # the assessed objects concerned, if named
    judgement: str = ""  # the three-principle judgement, in words
    found_on: date | None = None
    remediated_on: date | None = None
    verification: str = ""  # how the remediation was verified
    id: int = 0
    assessment_id: int = 0
    created_by: str = ""
    updated_by: str = ""
    version: int = 1

    @property
    def remediated(self) -> bool:
        return self.remediated_on is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "item_ids": list(self.item_ids),
            "objects": list(self.objects),
            "judgement": self.judgement,
            "found_on": self.found_on.isoformat() if self.found_on else None,
            "remediated_on": self.remediated_on.isoformat() if self.remediated_on else None,
            "verification": self.verification,
            "remediated": self.remediated,
        }


def check_hazard(
    hazard: Hazard,
    level: int,
    extensions: Iterable[str],
    selection_ids: Iterable[str],
    table: TriggerTable | None = None,
    *,
    require_record: bool = True,
) -> Trigger:
    """Check a hazard before it is stored (or scored). Raises HazardError with one clear message:
    an unknown trigger; an item-tied trigger whose items the level (and extensions) lack; a problem item not
    in the assessed selection; with `require_record`, a missing judgement or found date, a remediation date
    before the found date or without its verification."""
    table = table or load_hazard_triggers()
    trig = table.get(hazard.code)
    exts = list(extensions)
    where = f"hazard {trig.code}"
    if not trig.cross_cutting and not trig.items_at(level, exts):
        if not trig.applies(exts):
            raise HazardError(
                f"{where}: it concerns the {trig.scope} extension, which this assessment does not include"
            )
        raise HazardError(f"{where} ({trig.title_en}): level {level} has no item it relates to")
    known = set(selection_ids)
    bad = [i for i in hazard.item_ids if i not in known]
    if bad:
        raise HazardError(f"{where}: item(s) {', '.join(bad)} are not in the assessed level and extensions")
    if require_record:
        if not hazard.judgement.strip():
            raise HazardError(f"{where}: write the judgement (relevance, severity, frequency) in words")
        if hazard.found_on is None:
            raise HazardError(f"{where}: the date it was found is missing")
        if hazard.remediated_on is not None:
            if hazard.remediated_on < hazard.found_on:
                raise HazardError(
                    f"{where}: remediated on {hazard.remediated_on} before it was found ({hazard.found_on})"
                )
            if not hazard.verification.strip():
                raise HazardError(f"{where}: say how the remediation was verified")
    return trig


@dataclass(frozen=True)
class HazardTally:
    """The conclusion page's count (Q22): hazards found (before remediation) and how many are remediated."""

    count: int
    remediated: int
    codes: tuple[str, ...]  # every hazard's trigger, in code order
    open_codes: tuple[str, ...]

    @property
    def open(self) -> int:
        return self.count - self.remediated

    @property
    def text_zh(self) -> str:
        return f"{self.count}（{self.remediated}个已整改）" if self.count else "0"

    @property
    def text_en(self) -> str:
        return f"{self.count} ({self.remediated} remediated)" if self.count else "0"

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "remediated": self.remediated,
            "codes": list(self.codes),
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


NO_HAZARDS = HazardTally(0, 0, (), ())


def tally(hazards: Iterable[Hazard]) -> HazardTally:
    hs = sorted(hazards, key=lambda h: (h.code, h.id))
    return HazardTally(
        count=len(hs),
        remediated=sum(1 for h in hs if h.remediated),
        codes=tuple(h.code for h in hs),
        open_codes=tuple(h.code for h in hs if not h.remediated),
    )


def parse_hazard_arg(text: str) -> tuple[str, bool]:
    """'A-22' or 'A-22:remediated' -> (code, remediated). Raises HazardError for anything else."""
    raw = (text or "").strip()
    code, _, flag = raw.partition(":")
    code = code.strip().upper()
    if not CODE.match(code):
        raise HazardError(f"unknown trigger code '{raw}'; use A-01 … A-32, optionally followed by ':remediated'")
    flag = flag.strip().lower()
    if flag not in ("", "remediated"):
        raise HazardError(f"'{raw}': after the code only ':remediated' is allowed")
    return code, flag == "remediated"


# ---------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Candidate:
    """A trigger the workbench suggests a person look at; nothing is recorded until they confirm."""

    trigger: Trigger
    item_ids: tuple[str, ...]  # the items with open high-risk problems it relates to; () for a question

    @property
    def question(self) -> bool:
        return self.trigger.cross_cutting


def suggest_hazards(
    problem_risks: Mapping[str, str | None],
    level: int,
    extensions: Iterable[str],
    existing: Iterable[str] = (),
    table: TriggerTable | None = None,
    guideline: HighRiskGuideline | None = None,
) -> list[Candidate]:
    """Candidates: each trigger that a case of the 2025 high-risk guideline names, where an item the case ties to
    at this level (in the assessed extensions) has an open high-risk problem (`problem_risks`: item id ->
    'high' / 'medium' / 'low' / None, problems only), then every cross-cutting trigger as a question. The
    guideline (mlps.rules.high_risk) is the one source of which items are high-risk candidates; the trigger
    table only says what each code means and which items a recorded hazard may name. Triggers already
    recorded (`existing` codes) are left out."""
    table = table or load_hazard_triggers()
    guideline = guideline or load_guideline()
    scopes = {"general", *extensions}
    done = set(existing)
    hits: dict[str, list[str]] = {}
    for item_id, risk in problem_risks.items():
        if str(risk or "") != "high":
            continue
        for case in cases_for_gap(guideline, item_id):  # the risk is decided: every case tied to the item
            if case.trigger and case.scope in scopes and item_id in case.items_at(level):
                hits.setdefault(case.trigger, []).append(item_id)
    out = [
        Candidate(t, tuple(sorted(set(hits[t.code]))))
        for t in table.triggers
        if t.code in hits and t.code not in done and not t.cross_cutting
    ]
    out.extend(Candidate(t, ()) for t in table.triggers if t.cross_cutting and t.code not in done)
    return out


def closed_by(hazards: Sequence[Hazard], fixed_items: Iterable[str]) -> list[bool]:
    """For each open hazard: would fixing `fixed_items` close it (it comes from items, all of them fixed)?
    A hazard with no item (a cross-cutting one) is never closed by fixing items."""
    fixed = set(fixed_items)
    return [bool(h.item_ids) and set(h.item_ids) <= fixed for h in hazards]
