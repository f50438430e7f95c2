"""The assessor's risk decisions on problems, and the high risk a gap suggests.

A partial or nonconform result on an item tied to a case of the 2025 high-risk guideline (mlps.rules.high_risk,
mlps/controls/high_risk_2025.yaml), for a system whose recorded conditions the case needs, is *suggested* as high
risk. The assessor then confirms it, lowers it with a recorded compensating measure (the case's mitigation
questions say which), or raises a problem (any problem, with or without a case); every decision keeps its
reason. `apply_decisions` turns results, suggestions and decisions into the effective risk of every row, ready
for mlps.rules.scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import pandas as pd

from mlps.rules.domain import Result, Risk, parse_result, parse_risk
from mlps.rules.high_risk import HighRiskCase, HighRiskGuideline, SystemConditions, cases_for_gap, load_guideline
from mlps.rules.scoring_methods import RISK_RANK

PROBLEM_RESULTS = frozenset({Result.PARTIAL, Result.NONCONFORM})


class RiskDecisionError(ValueError):
    """A risk decision that cannot apply: the message names the item and the decision."""


# ---------------------------------------------------------------- suggestions


def suggest_risk(
    item_id: str,
    level: int,
    result: Result | str,
    cases: HighRiskGuideline | None = None,
    conditions: SystemConditions | None = None,
) -> list[HighRiskCase]:
    """The guideline cases a result on `item_id` matches for a system at `level` with `conditions` (None: no
    condition recorded, so conditional cases do not match): empty unless the result is partial or nonconform."""
    r = result if isinstance(result, Result) else parse_result(result)
    if r not in PROBLEM_RESULTS:
        return []
    guideline = cases or load_guideline()
    matched = cases_for_gap(guideline, item_id, conditions or SystemConditions())
    return [c for c in matched if item_id in c.items_at(level)]


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
    cases: HighRiskGuideline | None = None,
    conditions: SystemConditions | None = None,
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
    cases = cases or load_guideline()
    out = results.copy()
    n = len(out)
    res = [parse_result(_word(v)) for v in out["result"]] if n else []
    recorded = [parse_risk(_word(v)) for v in out["risk"]] if "risk" in out.columns else [None] * n
    objects = [_word(v) for v in out["assessed_object"]] if "assessed_object" in out.columns else [""] * n
    items = [str(v) for v in out["item_id"]]
    suggested_cases = [
        tuple(c.id for c in suggest_risk(i, level, r, cases, conditions)) if r in PROBLEM_RESULTS else ()
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
