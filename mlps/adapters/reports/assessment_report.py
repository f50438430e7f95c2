"""The assessment report for management: cover, score and conclusion with the reason, scores per category
(bar chart) and per control point, the result distribution (pie), the problem list with risk levels and
compensating measures, the remediation plan, and optional appendices (statement of applicability, item results).

The numbers come from the scoring core (GB/T 28448-2019 / the assessment report templates, see docs/domain.md);
this module only lays them out. A self-assessment says on its cover that it is not an accredited test report.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from mlps.adapters.reports.charts import category_bar_chart, result_pie_chart
from mlps.adapters.reports.grading_report import extensions_text
from mlps.adapters.reports.layout import (
    FRAME_WIDTH,
    LongTexts,
    build_pdf,
    check_lang,
    esc,
    field_table,
    fmt_date,
    or_empty,
    p,
    page_break,
    spacer,
    styles,
    table,
)
from mlps.adapters.reports.missing import MissingField, check, missing
from mlps.adapters.reports.texts import level_label, tx, word
from mlps.rules.catalogue import CatalogueError, Item, load_taxonomy
from mlps.rules.domain import AssessmentKind, Organisation, Result, Risk, System
from mlps.rules.item_ids import display_id
from mlps.rules.levels import ASSESSED_LEVELS
from mlps.rules.rulefiles import controls_dir
from mlps.rules.soa_apply import ApplicabilityRow

# The conclusion words of the 2021 assessment report template (docs/domain.md, Judging and scoring).
CONCLUSION_WORDS = {
    "优": "excellent",
    "良": "good",
    "中": "fair",
    "差": "poor",
    "excellent": "excellent",
    "good": "good",
    "fair": "fair",
    "poor": "poor",
    # the 2025 template (MPS letter of 2025-04-27, Q20)
    "符合": "conforms",
    "基本符合": "basically conforms",
    "不符合": "does not conform",
    "conforms": "conforms",
    "basically conforms": "basically conforms",
    "does not conform": "does not conform",
}


def number(value: object) -> float | None:
    """A score as float, with None and NaN (pandas' 'nothing scored') both meaning no score."""
    if value is None:
        return None
    value = float(value)  # type: ignore[arg-type]
    return None if math.isnan(value) else value


RISK_ORDER = {Risk.HIGH: 0, Risk.MEDIUM: 1, Risk.LOW: 2, None: 3}
RESULT_ORDER = (Result.CONFORM, Result.PARTIAL, Result.NONCONFORM, Result.NA, Result.NOT_ASSESSED)


@dataclass
class ControlPointScore:
    """One row of the control-point table. score: 0-10 (GB/T 28448-2019 control point score), None if no item
    was scored; scored: items with a conform / partial / nonconform result (not applicable and not assessed left
    out)."""

    category: str
    control_point_zh: str
    control_point_en: str
    items: int
    scored: int
    score: float | None
    scope: str = "general"

    @classmethod
    def rows_from_frame(cls, frame: Any) -> list[ControlPointScore]:
        """Rows from a frame with columns category, control_point_zh, control_point_en, items, scored, score
        and optionally scope (the shape of mlps.rules.scoring's ScoreResult.control_points); NaN scores become None."""
        return [
            cls(
                str(r["category"]),
                str(r["control_point_zh"]),
                str(r["control_point_en"]),
                int(r["items"]),
                int(r["scored"]),
                number(r["score"]),
                str(r.get("scope", "general") or "general"),
            )
            for r in frame.to_dict("records")
        ]


@dataclass
class ProblemRow:
    """A gap: an item that does not (fully) conform, with its risk and any compensating measure."""

    item_id: str
    control_point_zh: str
    control_point_en: str
    requirement_zh: str
    requirement_en: str
    result: Result
    record: str = ""  # 结果记录: what was seen
    risk: Risk | None = None
    compensating_measure: str = ""

    @classmethod
    def from_item(
        cls, item: Item, result: Result, record: str = "", risk: Risk | None = None, compensating_measure: str = ""
    ) -> ProblemRow:
        return cls(
            item.id,
            item.control_point_zh,
            item.control_point_en,
            item.requirement_zh,
            item.requirement_en,
            Result(result),
            record,
            Risk(risk) if risk else None,
            compensating_measure,
        )


@dataclass
class RemediationRow:
    task: str
    items: tuple[str, ...] = ()
    owner: str = ""
    due: date | None = None
    status: str = "open"  # open | planned | in_progress | done | verified | accepted, or the user's own word


@dataclass
class LastYearRow:
    """One problem of last year's report and what became of it (appendix 3): the remediation task imported from
    that report, its status, what was done, and whether this year's results verify it."""

    ref: str  # where in last year's report: "安全问题汇总#3"
    problem: str
    items: tuple[str, ...] = ()
    hazards: tuple[str, ...] = ()  # major risk hazard trigger codes the report gave it
    status: str = "open"  # the report's remediation_status word
    done: str = ""  # what was done (the task's closing evidence)
    retest: str = "not_retested"  # verified | failed | not_retested (mlps.rules.remediation.retest_outcome)


@dataclass
class ItemResultRow:
    """One item's result and record for the item-results appendix."""

    item_id: str
    control_point_zh: str
    control_point_en: str
    requirement_zh: str
    requirement_en: str
    result: Result
    record: str = ""
    assessed_object: str = ""

    @classmethod
    def from_item(cls, item: Item, result: Result, record: str = "", assessed_object: str = "") -> ItemResultRow:
        return cls(
            item.id,
            item.control_point_zh,
            item.control_point_en,
            item.requirement_zh,
            item.requirement_en,
            Result(result),
            record,
            assessed_object,
        )


@dataclass(frozen=True)
class HazardLine:
    """One major risk hazard on the conclusion page: trigger code and name, the problems, its state."""

    code: str
    trigger_zh: str
    trigger_en: str
    items: str
    state_zh: str
    state_en: str


@dataclass
class AssessmentReportData:
    """Everything the assessment report prints. The lead fills it from the scoring core.

    score: 0-100 overall score of `method_name`; category_scores: {category code: 0-100 or None};
    conclusion: 优/良/中/差 or excellent/good/fair/poor; result_counts: {result code: n}, computed from
    item_results when left empty."""

    organisation: Organisation
    system: System
    level: int
    extensions: tuple[str, ...]
    kind: AssessmentKind
    assessed_on: date | None
    method_name: str
    method_version: str
    score: float | None
    conclusion: str
    conclusion_reason_zh: str
    conclusion_reason_en: str
    category_scores: dict[str, float | None]
    control_points: list[ControlPointScore]
    coverage_assessed: int
    coverage_applicable: int
    problems: list[ProblemRow] = field(default_factory=list)
    remediation: list[RemediationRow] = field(default_factory=list)
    applicability: list[ApplicabilityRow] = field(default_factory=list)
    item_results: list[ItemResultRow] = field(default_factory=list)
    result_counts: dict[str, int] = field(default_factory=dict)
    agency_name: str = ""
    report_date: date | None = None  # defaults to assessed_on
    provisional: bool = False  # items not yet assessed or problems without a risk: the conclusion may change
    verdict_2025: bool = False  # the 2025 template: `score` is the rate of conformity, no 优/良/中/差
    rate_range: tuple[float, float] | None = None  # 2025: the rate with partial results counted 0 and 1
    hazard_count_zh: str = ""  # 2025, Q22: `N（M个已整改）`
    hazard_count_en: str = ""
    hazards: list[HazardLine] = field(default_factory=list)
    last_year: list[LastYearRow] = field(default_factory=list)  # last year's problems and their remediation


def missing_assessment_report_fields(data: AssessmentReportData) -> list[MissingField]:
    """Required fields the assessment report lacks."""
    out = check(data.organisation, "organisation", ("name",)) + check(data.system, "system", ("name",))
    if data.level not in ASSESSED_LEVELS:
        out.append(missing("assessment.level"))
    names = ("assessed_on", "method_name", "score", "conclusion", "conclusion_reason_zh", "conclusion_reason_en")
    out += check(data, "assessment", names)
    out += check(data, "assessment", ("category_scores", "control_points"))
    if data.coverage_applicable <= 0:
        out.append(missing("assessment.coverage"))
    if data.kind == AssessmentKind.AGENCY:
        out += check(data, "assessment", ("agency_name",))
    return out


def validate(data: AssessmentReportData) -> None:
    """Refuse values the report cannot print truthfully, with a message naming the field."""
    if data.level not in ASSESSED_LEVELS:
        raise ValueError(f"level must be 1 to 4 for an assessment report, not {data.level!r}")
    AssessmentKind(data.kind)
    if data.conclusion and data.conclusion.strip().lower() not in CONCLUSION_WORDS:
        raise ValueError(f"conclusion '{data.conclusion}' is not one of 优, 良, 中, 差 or 符合, 基本符合, 不符合")
    score = number(data.score)
    if score is not None and not 0 <= score <= 100:
        raise ValueError(f"score {data.score} is outside 0-100")
    for code, value in data.category_scores.items():
        value = number(value)
        if value is not None and not 0 <= value <= 100:
            raise ValueError(f"category {code}: score {value} is outside 0-100")
    for row in data.control_points:
        value = number(row.score)
        if value is not None and not 0 <= value <= 10:
            raise ValueError(f"control point {row.control_point_zh}: score {row.score} is outside 0-10")
    if data.coverage_assessed < 0 or data.coverage_assessed > max(data.coverage_applicable, 0):
        raise ValueError(
            f"coverage: {data.coverage_assessed} assessed of {data.coverage_applicable} applicable is impossible"
        )
    for n, prob in enumerate(data.problems, start=1):
        Result(prob.result)
        if prob.risk is not None:
            Risk(prob.risk)
        if not prob.item_id:
            raise ValueError(f"problem row {n} has no item id")


@lru_cache(maxsize=4)
def _category_names(directory: str) -> dict[str, dict[str, str]]:
    try:
        return load_taxonomy(Path(directory)).categories
    except CatalogueError:
        return {}


def category_name(code: str, lang: str) -> str:
    names = _category_names(str(controls_dir())).get(code)
    return names[lang] if names else code


def category_order(codes: list[str]) -> list[str]:
    known = list(_category_names(str(controls_dir())))
    return sorted(codes, key=lambda c: (known.index(c) if c in known else len(known), c))


def fmt_score(value: float | None, digits: int, lang: str) -> str:
    value = number(value)
    return tx("assessment", "not_scored", lang) if value is None else f"{value:.{digits}f}"


def conclusion_code(word_: str) -> str:
    return CONCLUSION_WORDS.get(word_.strip().lower(), "")


def conclusion_text(data: AssessmentReportData, lang: str) -> str:
    code = conclusion_code(data.conclusion)
    return tx("conclusions", code, lang) if code else tx("common", "empty", lang)


def result_counts(data: AssessmentReportData) -> dict[str, int]:
    if data.result_counts:
        return {str(getattr(k, "value", k)): int(v) for k, v in data.result_counts.items()}
    counted = Counter(Result(r.result).value for r in data.item_results)
    return dict(counted)


def _cp(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def cover(data: AssessmentReportData, lang: str) -> list[Flowable]:
    st = styles()
    is_self = AssessmentKind(data.kind) == AssessmentKind.SELF
    title = tx("assessment", "title_self" if is_self else "title_agency", lang)
    exts = extensions_text(data.extensions, lang) if data.extensions else tx("assessment", "general_only", lang)
    method = f"{data.method_name} {data.method_version}".strip()
    pairs = [
        (tx("assessment", "cover_system", lang), or_empty(data.system.name, lang)),
        (tx("assessment", "cover_unit", lang), or_empty(data.organisation.name, lang)),
        (tx("assessment", "cover_level", lang), esc(level_label(data.level, lang, full=True))),
        (tx("assessment", "cover_extensions", lang), esc(exts)),
        (tx("assessment", "cover_kind", lang), tx("assessment", "kind_self" if is_self else "kind_agency", lang)),
        (tx("fields", "assessment.assessed_on", lang), or_empty(data.assessed_on, lang)),
        (tx("assessment", "cover_date", lang), or_empty(data.report_date or data.assessed_on, lang)),
        (tx("assessment", "cover_method", lang), or_empty(method, lang)),
    ]
    if not is_self:
        pairs.append((tx("fields", "assessment.agency_name", lang), or_empty(data.agency_name, lang)))
    out: list[Flowable] = [
        spacer(30),
        p(title, st.cover_big),
        p(esc(data.system.name), st.subtitle),
        p(esc(data.organisation.name), st.subtitle),
        spacer(15),
        field_table(pairs, (1, 2)),
    ]
    if is_self:
        out.append(p(tx("assessment", "self_note", lang), st.note))
    out.append(page_break())
    return out


def conclusion_section(data: AssessmentReportData, lang: str) -> list[Flowable]:
    st = styles()
    risks = Counter(prob.risk for prob in data.problems)
    applicable = data.coverage_applicable
    percent = f"{data.coverage_assessed / applicable:.1%}" if applicable > 0 else "—"
    coverage = tx(
        "assessment",
        "coverage_value",
        lang,
        assessed=data.coverage_assessed,
        applicable=applicable,
        percent=percent,
    )
    reason = data.conclusion_reason_zh if lang == "zh" else data.conclusion_reason_en
    if data.verdict_2025:
        return conclusion_2025(data, lang, coverage, reason, risks)
    pairs = [
        (tx("assessment", "score", lang), esc(fmt_score(data.score, 2, lang))),
        (tx("assessment", "conclusion", lang), conclusion_text(data, lang)),
        (tx("assessment", "reason", lang), or_empty(reason, lang)),
        (tx("assessment", "coverage", lang), esc(coverage)),
        (
            tx("assessment", "risk_counts", lang),
            f"{risks.get(Risk.HIGH, 0)} / {risks.get(Risk.MEDIUM, 0)} / {risks.get(Risk.LOW, 0)}",
        ),
    ]
    method = tx(
        "assessment",
        "method_note",
        lang,
        method=esc(data.method_name) or tx("common", "empty", lang),
        version=esc(data.method_version) or tx("common", "empty", lang),
    )
    out = [p(tx("assessment", "s1", lang), st.h1), field_table(pairs, (1, 3)), p(method, st.cell_small)]
    if data.provisional:
        out.append(p(tx("assessment", "provisional", lang), st.note))
    if AssessmentKind(data.kind) == AssessmentKind.SELF:
        out.append(p(tx("assessment", "self_note", lang), st.note))
    return out


def conclusion_2025(data: AssessmentReportData, lang: str, coverage: str, reason: str, risks) -> list[Flowable]:
    """The 2025 conclusion page: rate of conformity (with its range), 符合 / 基本符合 / 不符合, the reason, the
    hazard count before remediation as `N（M个已整改）` (Q22) and the hazard list with triggers."""
    st = styles()
    rate = "—" if number(data.score) is None else f"{data.score:.2f}%"
    if data.rate_range and number(data.score) is not None:
        rate += tx("assessment", "rate_range", lang, low=f"{data.rate_range[0]:.2f}", high=f"{data.rate_range[1]:.2f}")
    pairs = [
        (tx("assessment", "rate", lang), esc(rate)),
        (tx("assessment", "conclusion", lang), conclusion_text(data, lang)),
        (tx("assessment", "hazard_count", lang), esc(data.hazard_count_zh if lang == "zh" else data.hazard_count_en)),
        (tx("assessment", "reason", lang), or_empty(reason, lang)),
        (tx("assessment", "coverage", lang), esc(coverage)),
        (
            tx("assessment", "risk_counts", lang),
            f"{risks.get(Risk.HIGH, 0)} / {risks.get(Risk.MEDIUM, 0)} / {risks.get(Risk.LOW, 0)}",
        ),
    ]
    method = tx(
        "assessment",
        "method_note",
        lang,
        method=esc(data.method_name) or tx("common", "empty", lang),
        version=esc(data.method_version) or tx("common", "empty", lang),
    )
    out = [p(tx("assessment", "s1", lang), st.h1), field_table(pairs, (1, 3)), p(method, st.cell_small)]
    if data.hazards:
        rows: list[list] = [[tx("assessment", "hz_code", lang), tx("assessment", "hz_trigger", lang),
                             tx("assessment", "hz_items", lang), tx("assessment", "hz_state", lang)]]  # fmt: skip
        for h in data.hazards:
            rows.append([esc(h.code), esc(h.trigger_zh if lang == "zh" else h.trigger_en), esc(h.items),
                         esc(h.state_zh if lang == "zh" else h.state_en)])  # fmt: skip
        out += [spacer(3), p(tx("assessment", "hz_title", lang), st.h2), table(rows, (1, 3, 2, 2))]
    out.append(p(tx("assessment", "readings_2025", lang), st.note))
    if data.provisional:
        out.append(p(tx("assessment", "provisional", lang), st.note))
    if AssessmentKind(data.kind) == AssessmentKind.SELF:
        out.append(p(tx("assessment", "self_note", lang), st.note))
    return out


def category_section(data: AssessmentReportData, lang: str) -> list[Flowable]:
    st = styles()
    codes = category_order(list(data.category_scores))
    scored = [c for c in codes if number(data.category_scores[c]) is not None]
    rows: list[list] = [[tx("assessment", "col_category", lang), tx("assessment", "col_score", lang)]]
    rows += [[f"{c} {category_name(c, lang)}", fmt_score(data.category_scores[c], 1, lang)] for c in codes]
    bar = category_bar_chart(
        [category_name(c, lang) for c in scored],
        [number(data.category_scores[c]) or 0.0 for c in scored],
        tx("assessment", "chart_categories", lang),
        FRAME_WIDTH,
    )
    counts = result_counts(data)
    pie = result_pie_chart(
        [(r.value, word("results", r.value, lang), counts.get(r.value, 0)) for r in RESULT_ORDER],
        tx("assessment", "chart_results", lang),
        FRAME_WIDTH,
    )
    return [p(tx("assessment", "s2", lang), st.h1), bar, spacer(3), table(rows, (3, 1)), spacer(4), pie]


def control_point_section(data: AssessmentReportData, lang: str) -> list[Flowable]:
    st = styles()
    heads = ("col_category", "col_control_point", "col_items", "col_scored", "col_cp_score")
    rows: list[list] = [[tx("assessment", k, lang) for k in heads]]
    for r in data.control_points:
        name = _cp(r.control_point_zh, r.control_point_en, lang)
        if r.scope != "general":
            name = f"{name} ({word('extensions', r.scope, lang)})"
        rows.append([category_name(r.category, lang), name, str(r.items), str(r.scored), fmt_score(r.score, 2, lang)])
    return [p(tx("assessment", "s3", lang), st.h1), table(rows, (1.5, 2.6, 0.7, 0.7, 0.9))]


def problem_section(data: AssessmentReportData, lang: str) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [p(tx("assessment", "s4", lang), st.h1)]
    if not data.problems:
        return [*out, p(tx("assessment", "no_problems", lang))]
    heads = (
        "col_item",
        "col_control_point",
        "col_requirement",
        "col_result",
        "col_risk",
        "col_compensating",
        "col_record",
    )
    small = st.cell_small
    long = LongTexts(lang)
    rows: list[list] = [[tx("assessment", k, lang) for k in heads]]
    ordered = sorted(data.problems, key=lambda r: RISK_ORDER.get(Risk(r.risk) if r.risk else None, 3))
    for r in ordered:
        rows.append(
            [
                p(esc(display_id(r.item_id, lang)), small),
                p(esc(_cp(r.control_point_zh, r.control_point_en, lang)), small),
                p(esc(_cp(r.requirement_zh, r.requirement_en, lang)), small),
                p(esc(word("results", r.result, lang)), small),
                p(esc(word("risks", r.risk, lang)) if r.risk else "—", small),
                p(long.cell(r.compensating_measure) or "—", small),
                p(long.cell(r.record) if (r.record or "").strip() else or_empty(r.record, lang), small),
            ]
        )
    return [*out, table(rows, (1.1, 1, 1.9, 0.85, 0.6, 1.3, 2.7)), *long.flowables(small)]


def remediation_section(data: AssessmentReportData, lang: str) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [p(tx("assessment", "s5", lang), st.h1)]
    if not data.remediation:
        return [*out, p(tx("assessment", "no_remediation", lang))]
    heads = ("col_task", "col_task_items", "col_owner", "col_due", "col_status")
    rows: list[list] = [[tx("assessment", k, lang) for k in heads]]
    sep = "、" if lang == "zh" else ", "
    for r in data.remediation:
        rows.append(
            [
                p(or_empty(r.task, lang), st.cell),
                p(esc(sep.join(display_id(i, lang) for i in r.items)) or "—", st.cell_small),
                p(or_empty(r.owner, lang), st.cell),
                p(or_empty(fmt_date(r.due), lang), st.cell),
                p(esc(word("remediation_status", r.status, lang)), st.cell),
            ]
        )
    return [*out, table(rows, (3, 1.6, 1, 0.9, 0.8))]


def applicability_section(data: AssessmentReportData, lang: str) -> list[Flowable]:
    st = styles()
    heads = ("col_item", "col_control_point", "col_applicable_yn", "col_na_reason")
    rows: list[list] = [[tx("assessment", k, lang) for k in heads]]
    for r in data.applicability:
        rows.append(
            [
                display_id(r.item_id, lang),
                _cp(r.control_point_zh, r.control_point_en, lang),
                tx("common", "answer_yes" if r.applicable else "answer_no", lang),
                p(esc(r.reason) or ("" if r.applicable else tx("common", "empty", lang)), st.cell),
            ]
        )
    return [page_break(), p(tx("assessment", "s6", lang), st.h1), table(rows, (1.1, 1.6, 0.7, 3))]


def item_results_section(data: AssessmentReportData, lang: str) -> list[Flowable]:
    st = styles()
    small = st.cell_small
    heads = ("col_item", "col_control_point", "col_requirement", "col_result", "col_record")
    rows: list[list] = [[tx("assessment", k, lang) for k in heads]]
    long = LongTexts(lang)
    for r in data.item_results:
        record = long.cell(r.record, f"[{esc(r.assessed_object)}] " if r.assessed_object else "")
        rows.append(
            [
                p(esc(display_id(r.item_id, lang)), small),
                p(esc(_cp(r.control_point_zh, r.control_point_en, lang)), small),
                p(esc(_cp(r.requirement_zh, r.requirement_en, lang)), small),
                p(esc(word("results", r.result, lang)), small),
                p(record or "—", small),
            ]
        )
    return [page_break(), p(tx("assessment", "s7", lang), st.h1), table(rows, (1.1, 1.1, 2.5, 0.85, 3.2)),
            *long.flowables(small)]  # fmt: skip


def last_year_section(data: AssessmentReportData, lang: str) -> list[Flowable]:
    """Appendix 3: last year's problems (imported from that report as remediation tasks), what was done about
    each and whether this year's results verify it."""
    st = styles()
    small = st.cell_small
    heads = ("col_ly_ref", "col_ly_problem", "col_task_items", "col_status", "col_ly_done", "col_ly_retest")
    rows: list[list] = [[tx("assessment", k, lang) for k in heads]]
    sep = "、" if lang == "zh" else ", "
    for r in data.last_year:
        items = sep.join(display_id(i, lang) for i in r.items)
        if r.hazards:
            codes = f"{tx('assessment', 'hz_title', lang)} {sep.join(r.hazards)}"
            items = (f"{items}（{codes}）" if lang == "zh" else f"{items} ({codes})") if items else codes
        rows.append(
            [
                p(esc(r.ref) or "—", small),
                p(or_empty(r.problem, lang), small),
                p(esc(items) or "—", small),
                p(esc(word("remediation_status", r.status, lang)), small),
                p(or_empty(r.done, lang), small),
                p(esc(word("retest", r.retest, lang)), small),
            ]
        )
    return [page_break(), p(tx("assessment", "s8", lang), st.h1), p(tx("assessment", "last_year_note", lang)),
            table(rows, (0.9, 2.2, 1.3, 0.8, 2.2, 1.1))]  # fmt: skip


def assessment_report_story(data: AssessmentReportData, lang: str) -> list[Flowable]:
    story = [
        *cover(data, lang),
        *conclusion_section(data, lang),
        *category_section(data, lang),
        *control_point_section(data, lang),
        *problem_section(data, lang),
        *remediation_section(data, lang),
    ]
    if data.applicability:
        story += applicability_section(data, lang)
    if data.item_results:
        story += item_results_section(data, lang)
    if data.last_year:
        story += last_year_section(data, lang)
    return story


def build_assessment_report(data: AssessmentReportData, lang: str = "zh") -> bytes:
    """The assessment report as PDF bytes (cover page without running header; numbered pages after it)."""
    check_lang(lang)
    validate(data)
    title = tx("assessment", "title_self" if data.kind == AssessmentKind.SELF else "title_agency", lang)
    return build_pdf(
        assessment_report_story(data, lang),
        title=f"{title} {data.system.name}",
        unit=data.organisation.name,
        system=data.system.name,
        lang=lang,
        cover=True,
    )
