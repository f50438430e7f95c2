"""The 2025 conclusion: rate of conformity (符合率), major risk hazards and 符合 / 基本符合 / 不符合.

Facts (docs/domain.md, "The rules since 2025"; the MPS Cybersecurity Bureau's letter of 2025-04-27):
- Q20: rate above 90% and no major risk hazard -> 符合; above 60% and below 90% -> 基本符合 whatever the high
  risks and hazards; below 60% -> 不符合.
- Q21: the 2025 report template applies to reports dated on or after 2025-03-20; earlier reports may keep the
  earlier templates (here: the methods mlps2019 and deduction2021, unchanged).
- Q22: the hazard count on the conclusion page is the count before remediation, with the remediated marked.

Our readings (parameters in controls/scoring_methods.yaml, shown in the UI as such): how 部分符合 counts in the
rate (0.5 by default; the range for 0 and 1 is always shown), which side exactly 60 and 90 fall on (both give
基本符合 and are flagged as boundary cases), and that a remediated hazard no longer stands in the way of 符合.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BeforeValidator, Field, field_validator, model_validator

from mlps.rules.domain import Risk
from mlps.rules.hazards import NO_HAZARDS, HazardTally
from mlps.rules.rulefiles import At, RuleFileError, RuleModel, Words, load
from mlps.rules.scoring_methods import (
    RISK_RANK,
    RULES,
    Conclusion,
    ItemArrays,
    Reading,
    ResultGrid,
    ScoringConfigError,
    default_methods_path,
    load_scoring_config,
)

SCHEME = "rate2025"
CONFORM, BASIC, NONCONFORM = 0, 1, 2


@dataclass(frozen=True)
class Verdict:
    code: str  # conform / basic / nonconform
    zh: str  # 符合 / 基本符合 / 不符合
    en: str


@dataclass(frozen=True)
class VerdictRules:
    """The 2025 conclusion table and which method a report date gets."""

    source: str
    rate_decimals: int
    conform_above: float  # rate strictly above this and no open hazard -> 符合
    basic_from: float  # rate at least this -> at least 基本符合
    verdicts: tuple[Verdict, Verdict, Verdict]  # conform, basic, nonconform
    readings: tuple[Reading, ...]
    by_date: tuple[tuple[date, str], ...]  # (from date, method), latest first; the last starts at date.min

    def method_for(self, report_date: date | None, today: date | None = None) -> str:
        """The method a report dated `report_date` (default today) is scored with (Q21)."""
        d = report_date or today or date.today()
        for start, name in self.by_date:
            if d >= start:
                return name
        return self.by_date[-1][1]


# ---------------------------------------------------------------- the file (the 2025 parts of scoring_methods.yaml)


Percent = Annotated[float, BeforeValidator(lambda v: _percent(v))]


def _percent(v: Any) -> float:
    if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 100:
        raise ValueError(f"must be a number 0-100, not {v!r}")
    return float(v)


class _VerdictEntry(RuleModel):
    code: str
    zh: str
    en: str


class _ReadingEntry(RuleModel):
    confidence: str = "R"
    note_zh: Words
    note_en: Words


class _Conclusion2025(RuleModel):
    source: str = ""
    rate_decimals: Annotated[int, Field(ge=0, le=6, strict=True)] = 2
    conform_above: Percent
    basic_from: Percent
    verdicts: list[_VerdictEntry]
    readings: dict[str, _ReadingEntry] = {}

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, v: Any) -> str:
        return " ".join(str(v or "").split())

    @field_validator("verdicts", mode="before")
    @classmethod
    def _in_order(cls, v: Any) -> Any:
        if not isinstance(v, list) or [x.get("code") for x in v if isinstance(x, Mapping)] != [
            "conform",
            "basic",
            "nonconform",
        ]:
            raise ValueError("must list conform, basic, nonconform in order")
        return v

    @model_validator(mode="after")
    def _bands(self) -> _Conclusion2025:
        if self.basic_from > self.conform_above:
            raise ValueError("basic_from must not be above conform_above")
        return self


class _ByDate(RuleModel):
    from_: date | None = Field(None, alias="from")
    method: str


class VerdictFile(RuleModel):
    """The 2025 parts of scoring_methods.yaml: the conclusion table and which method a report date gets."""

    methods: dict[str, Any]
    conclusion_2025: _Conclusion2025
    method_by_date: Annotated[list[_ByDate], Field(min_length=1)]

    @model_validator(mode="after")
    def _methods_known(self) -> VerdictFile:
        for n, row in enumerate(self.method_by_date):
            if row.method not in self.methods:
                raise At("method_by_date", n, message=f"method {row.method!r} is not configured")
        if all(row.from_ is not None for row in self.method_by_date):
            raise At("method_by_date", message="one entry must have no 'from' (the earliest reports)")
        return self

    def rules(self) -> VerdictRules:
        c = self.conclusion_2025
        by_date = sorted(((row.from_ or date.min, row.method) for row in self.method_by_date), reverse=True)
        return VerdictRules(
            source=c.source,
            rate_decimals=c.rate_decimals,
            conform_above=c.conform_above,
            basic_from=c.basic_from,
            verdicts=tuple(Verdict(v.code, v.zh, v.en) for v in c.verdicts),  # type: ignore[arg-type]
            readings=tuple(Reading(k, r.confidence, r.note_zh, r.note_en) for k, r in c.readings.items()),
            by_date=tuple(by_date),
        )


def load_verdict_rules(path: Path | str | None = None) -> VerdictRules:
    """The 2025 conclusion table and the methods by report date, from the scoring methods file (checked whole
    first). A malformed file raises ScoringConfigError naming the file and the entry."""
    p = Path(path) if path else default_methods_path()
    load_scoring_config(p)
    try:
        return load(p, VerdictFile, into=VerdictFile.rules)
    except RuleFileError as exc:
        raise ScoringConfigError(exc.file, exc.entry or "file", exc.reason) from None


def method_for(report_date: date | None, chosen: str | None = None, *, today: date | None = None) -> str:
    """The scoring method of an assessment: the one chosen, else the one its report date gets."""
    if chosen:
        return chosen
    return load_verdict_rules().method_for(report_date, today)


# ---------------------------------------------------------------- the rate


def rate_range(grid: ResultGrid, items: ItemArrays, params: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The rate if 部分符合 counted as 不符合 (low) or as 符合 (high), per assessment."""
    rule = RULES["conformity_rate"][1]
    return (
        rule(grid, items, dict(params, partial=params["nonconform"])),
        rule(grid, items, dict(params, partial=params["conform"])),
    )


def verdict_indices(rates: np.ndarray, open_hazards: np.ndarray, rules: VerdictRules) -> np.ndarray:
    """0 conform / 1 basic / 2 nonconform for each (rate, open hazard count); rates rounded as shown first."""
    r = np.round(np.asarray(rates, dtype=float), rules.rate_decimals)
    h = np.asarray(open_hazards)
    return np.where((r > rules.conform_above) & (h == 0), CONFORM, np.where(r >= rules.basic_from, BASIC, NONCONFORM))


def _pct(v: float, d: int) -> str:
    return f"{v:.{d}f}%"


def conclude_2025(
    rate: float | None,
    low: float | None = None,
    high: float | None = None,
    hazards: HazardTally = NO_HAZARDS,
    *,
    risks: Mapping[str, Risk | None] | None = None,
    gaps: int = 0,
    rules: VerdictRules | None = None,
) -> Conclusion | None:
    """符合 / 基本符合 / 不符合 with its reason in both languages (Q20, and our readings, said as such).

    `low`/`high`: the rate with 部分符合 counted 0 / 1 (default: the rate itself). `risks`: the open problems
    and their risk levels (counted, never deciding under the 2025 rules). `gaps`: items not yet assessed.
    Returns None when nothing is scored yet."""
    if rate is None or np.isnan(float(rate)):
        return None
    rules = rules or load_verdict_rules()
    d = rules.rate_decimals
    shown = float(np.round(float(rate), d))
    lo = shown if low is None or np.isnan(low) else float(np.round(float(low), d))
    hi = shown if high is None or np.isnan(high) else float(np.round(float(high), d))
    idx = int(verdict_indices(np.array([shown]), np.array([hazards.open]), rules)[0])
    ends = verdict_indices(np.array([lo, hi]), np.array([hazards.open, hazards.open]), rules)
    v = rules.verdicts[idx]
    boundary = shown in (rules.conform_above, rules.basic_from)
    depends = int(ends[0]) != int(ends[1])
    risks = dict(risks or {})
    counts = {r.value: sum(1 for x in risks.values() if x is r) for r in Risk}
    worst = max((x for x in risks.values() if x is not None), key=RISK_RANK.__getitem__, default=None)
    s, a, b = _pct(shown, d), f"{rules.conform_above:g}%", f"{rules.basic_from:g}%"
    zh: list[str] = []
    en: list[str] = []
    if idx == CONFORM:
        zh.append(f"符合率 {s} 高于 {a}，且没有未整改的重大风险隐患")
        en.append(f"the rate of conformity {s} is above {a} and no major risk hazard is open")
    elif idx == BASIC and shown > rules.conform_above:
        codes = "、".join(hazards.open_codes)
        zh.append(f"符合率 {s} 高于 {a}，但有 {hazards.open} 个未整改的重大风险隐患（{codes}）")
        en.append(
            f"the rate of conformity {s} is above {a}, but {hazards.open} major risk hazard"
            f"{'s are' if hazards.open != 1 else ' is'} open ({', '.join(hazards.open_codes)})"
        )
    elif idx == BASIC:
        zh.append(f"符合率 {s} 在 {b} 与 {a} 之间；此档不受高风险问题和重大风险隐患影响（问答第20条）")
        en.append(
            f"the rate of conformity {s} lies between {b} and {a}; high risks and hazards do not change this band (Q20)"
        )
    else:
        zh.append(f"符合率 {s} 低于 {b}")
        en.append(f"the rate of conformity {s} is below {b}")
    if boundary:
        zh.append(f"符合率恰为 {s}：文件未说明边界归属，本工具按{v.zh}计（我方理解，以测评机构判定为准）")
        en.append(f"the rate is exactly {s}: the rules do not say which side it falls on; we count it as "
                  f"'{v.en}' (our reading; the agency decides)")  # fmt: skip
    if depends:
        zh.append(
            f"部分符合按 0 或 1 计时符合率为 {_pct(lo, d)}–{_pct(hi, d)}，结论会是"
            f"{rules.verdicts[int(ends[0])].zh}至{rules.verdicts[int(ends[1])].zh}：结论取决于部分符合的计分方式"
        )
        en.append(
            f"with partial results counted 0 or 1 the rate is {_pct(lo, d)}–{_pct(hi, d)} and the conclusion "
            f"'{rules.verdicts[int(ends[0])].en}' to '{rules.verdicts[int(ends[1])].en}': it depends on how "
            "partial results count"
        )
    if hazards.count:
        zh.append(f"重大风险隐患 {hazards.text_zh}")
        en.append(f"major risk hazards {hazards.text_en}")
    if counts["high"]:
        zh.append(f"高风险问题 {counts['high']} 个（2025 规则下不单独决定结论）")
        en.append(f"{counts['high']} high-risk problem{'s' if counts['high'] != 1 else ''} "
                  "(under the 2025 rules they do not decide the conclusion alone)")  # fmt: skip
    if gaps:
        zh.append(f"尚有 {gaps} 个测评项未测评，结论可能变化")
        en.append(f"{gaps} item{'s' if gaps != 1 else ''} not yet assessed, so the conclusion may change")
    return Conclusion(
        grade=v.zh,
        code=v.code,
        grade_en=v.en,
        score=shown,
        worst_risk=worst,
        risk_counts=counts,
        reason_zh=f"{v.zh}：" + "；".join(zh),
        reason_en=f"{v.en[0].upper()}{v.en[1:]}: " + "; ".join(en),
        provisional=bool(gaps),
        scheme=SCHEME,
        rate_range=(lo, hi),
        boundary=boundary,
        depends_on_partial=depends,
        hazards=hazards,
    )
