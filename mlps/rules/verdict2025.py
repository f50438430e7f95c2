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
from typing import Any

import numpy as np

from mlps.rules.domain import Risk
from mlps.rules.hazards import NO_HAZARDS, HazardTally
from mlps.rules.rulefiles import read_yaml
from mlps.rules.scoring_methods import (
    RISK_RANK,
    RULES,
    Conclusion,
    ItemArrays,
    Reading,
    ResultGrid,
    ScoringConfig,
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


def _number(raw: Mapping[str, Any], key: str, file: str) -> float:
    v = raw.get(key)
    if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 100:
        raise ScoringConfigError(file, f"conclusion_2025.{key}", f"must be a number 0-100, not {v!r}")
    return float(v)


def _parse(raw: Mapping[str, Any], file: str, config: ScoringConfig) -> VerdictRules:
    c = raw.get("conclusion_2025")
    if not isinstance(c, Mapping):
        raise ScoringConfigError(file, "conclusion_2025", "must be a mapping")
    above, basic = _number(c, "conform_above", file), _number(c, "basic_from", file)
    if basic > above:
        raise ScoringConfigError(file, "conclusion_2025", "basic_from must not be above conform_above")
    decimals = c.get("rate_decimals", 2)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        raise ScoringConfigError(file, "conclusion_2025.rate_decimals", f"must be an integer 0-6, not {decimals!r}")
    vs = c.get("verdicts")
    if not isinstance(vs, list) or [v.get("code") for v in vs if isinstance(v, Mapping)] != [
        "conform",
        "basic",
        "nonconform",
    ]:
        raise ScoringConfigError(file, "conclusion_2025.verdicts", "must list conform, basic, nonconform in order")
    verdicts = tuple(Verdict(str(v["code"]), str(v["zh"]), str(v["en"])) for v in vs)
    readings = tuple(
        Reading(
            str(k),
            str(r.get("confidence", "R")),
            " ".join(str(r["note_zh"]).split()),
            " ".join(str(r["note_en"]).split()),
        )  # fmt: skip
        for k, r in (c.get("readings") or {}).items()
    )
    rows = raw.get("method_by_date")
    if not isinstance(rows, list) or not rows:
        raise ScoringConfigError(file, "method_by_date", "must list {from, method} entries")
    by_date: list[tuple[date, str]] = []
    for n, r in enumerate(rows, start=1):
        start = r.get("from") if isinstance(r, Mapping) else None
        name = r.get("method") if isinstance(r, Mapping) else None
        if name not in config.methods:
            raise ScoringConfigError(file, f"method_by_date #{n}", f"method {name!r} is not configured")
        if start is None:
            start = date.min
        if not isinstance(start, date):
            raise ScoringConfigError(file, f"method_by_date #{n}", f"'from' must be a date, not {start!r}")
        by_date.append((start, str(name)))
    by_date.sort(reverse=True)
    if by_date[-1][0] != date.min:
        raise ScoringConfigError(file, "method_by_date", "one entry must have no 'from' (the earliest reports)")
    return VerdictRules(
        source=" ".join(str(c.get("source") or "").split()),
        rate_decimals=decimals,
        conform_above=above,
        basic_from=basic,
        verdicts=verdicts,  # type: ignore[arg-type]
        readings=readings,
        by_date=tuple(by_date),
    )


def load_verdict_rules(path: Path | str | None = None) -> VerdictRules:
    """The 2025 conclusion table and the methods by report date, from the scoring methods file."""
    p = Path(path) if path else default_methods_path()
    raw = read_yaml(p)
    hit = _PARSED.get(str(p))
    if hit is not None and hit[0] is raw:
        return hit[1]
    rules = _parse(raw, p.name, load_scoring_config(p))
    _PARSED[str(p)] = (raw, rules)
    return rules


_PARSED: dict[str, tuple[Any, VerdictRules]] = {}


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
