"""The assessment report for management: cover, score and conclusion with the reason, scores per category
(bar chart) and per control point, the result distribution (pie), the problem list with risk levels and
compensating measures, the remediation plan, and optional appendices (statement of applicability, item results).
One document model (docmodel.py) rendered to PDF (charts drawn) and to Word (the charts' figures as tables).

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

from mlps.adapters.reports import docmodel as dm
from mlps.adapters.reports.grading_report import extensions_text
from mlps.adapters.reports.layout import check_lang
from mlps.adapters.reports.missing import MissingField, check, missing
from mlps.adapters.reports.render_pdf import render_pdf
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
    return tx("conclusions", code, lang) if code else ""  # no conclusion yet: blank, listed as missing


def result_counts(data: AssessmentReportData) -> dict[str, int]:
    if data.result_counts:
        return {str(getattr(k, "value", k)): int(v) for k, v in data.result_counts.items()}
    counted = Counter(Result(r.result).value for r in data.item_results)
    return dict(counted)


def _cp(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def cover(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    is_self = AssessmentKind(data.kind) == AssessmentKind.SELF
    title = tx("assessment", "title_self" if is_self else "title_agency", lang)
    exts = extensions_text(data.extensions, lang) if data.extensions else tx("assessment", "general_only", lang)
    method = f"{data.method_name} {data.method_version}".strip()
    pairs: list[tuple[str, dm.Value]] = [
        (tx("assessment", "cover_system", lang), data.system.name),
        (tx("assessment", "cover_unit", lang), data.organisation.name),
        (tx("assessment", "cover_level", lang), level_label(data.level, lang, full=True)),
        (tx("assessment", "cover_extensions", lang), exts),
        (tx("assessment", "cover_kind", lang), tx("assessment", "kind_self" if is_self else "kind_agency", lang)),
        (tx("fields", "assessment.assessed_on", lang), dm.day(data.assessed_on)),
        (tx("assessment", "cover_date", lang), dm.day(data.report_date or data.assessed_on)),
        (tx("assessment", "cover_method", lang), method),
    ]
    if not is_self:
        pairs.append((tx("fields", "assessment.agency_name", lang), data.agency_name))
    out: list[dm.Block] = [
        dm.Title(title, big=True),
        dm.Subtitle(data.system.name),
        dm.Subtitle(data.organisation.name),
        dm.fields(*pairs, widths=(1, 2)),
    ]
    if is_self:
        out.append(dm.Note(tx("assessment", "self_note", lang)))
    out.append(dm.Break())
    return out


def _rate(data: AssessmentReportData, lang: str) -> str:
    rate = "—" if number(data.score) is None else f"{data.score:.2f}%"
    if data.rate_range and number(data.score) is not None:
        rate += tx("assessment", "rate_range", lang, low=f"{data.rate_range[0]:.2f}", high=f"{data.rate_range[1]:.2f}")
    return rate


def conclusion_section(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    """The conclusion page. Before 2025: the score and 优/良/中/差. The 2025 template: rate of conformity (with its
    range), 符合 / 基本符合 / 不符合, the hazard count before remediation as `N（M个已整改）` (Q22) and the hazard
    list with triggers."""
    risks = Counter(prob.risk for prob in data.problems)
    applicable = data.coverage_applicable
    percent = f"{data.coverage_assessed / applicable:.1%}" if applicable > 0 else "—"
    coverage = tx("assessment", "coverage_value", lang, assessed=data.coverage_assessed, applicable=applicable,
                  percent=percent)  # fmt: skip
    if data.verdict_2025:
        head: list[tuple[str, dm.Value]] = [
            (tx("assessment", "rate", lang), _rate(data, lang)),
            (tx("assessment", "conclusion", lang), conclusion_text(data, lang)),
            (tx("assessment", "hazard_count", lang), data.hazard_count_zh if lang == "zh" else data.hazard_count_en),
        ]
    else:
        head = [(tx("assessment", "score", lang), fmt_score(data.score, 2, lang)),
                (tx("assessment", "conclusion", lang), conclusion_text(data, lang))]  # fmt: skip
    pairs = [
        *head,
        (tx("assessment", "reason", lang), data.conclusion_reason_zh if lang == "zh" else data.conclusion_reason_en),
        (tx("assessment", "coverage", lang), coverage),
        (tx("assessment", "risk_counts", lang),
         f"{risks.get(Risk.HIGH, 0)} / {risks.get(Risk.MEDIUM, 0)} / {risks.get(Risk.LOW, 0)}"),
    ]  # fmt: skip
    empty = "—"  # a missing method is listed on the last page
    out: list[dm.Block] = [
        dm.Heading(tx("assessment", "s1", lang)),
        dm.fields(*pairs, widths=(1, 3)),
        dm.Para(tx("assessment", "method_note", lang, method=data.method_name or empty,
                   version=data.method_version or empty)),
    ]  # fmt: skip
    if data.verdict_2025 and data.hazards:
        hz = tuple(tx("assessment", k, lang) for k in ("hz_code", "hz_trigger", "hz_items", "hz_state"))
        rows = tuple((h.code, h.trigger_zh if lang == "zh" else h.trigger_en, h.items,
                      h.state_zh if lang == "zh" else h.state_en) for h in data.hazards)  # fmt: skip
        out += [dm.Heading(tx("assessment", "hz_title", lang), 2), dm.Grid(hz, rows, (1, 3, 2, 2))]
    if data.verdict_2025:
        out.append(dm.Note(tx("assessment", "readings_2025", lang)))
    if data.provisional:
        out.append(dm.Note(tx("assessment", "provisional", lang)))
    if AssessmentKind(data.kind) == AssessmentKind.SELF:
        out.append(dm.Note(tx("assessment", "self_note", lang)))
    return out


def category_section(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    codes = category_order(list(data.category_scores))
    scored = [c for c in codes if number(data.category_scores[c]) is not None]
    head = (tx("assessment", "col_category", lang), tx("assessment", "col_score", lang))
    rows = tuple((f"{c} {category_name(c, lang)}", fmt_score(data.category_scores[c], 1, lang)) for c in codes)
    counts = result_counts(data)
    return [
        dm.Heading(tx("assessment", "s2", lang)),
        dm.Chart("bar", tx("assessment", "chart_categories", lang),
                 tuple((c, category_name(c, lang), number(data.category_scores[c]) or 0.0) for c in scored), head),
        dm.Grid(head, rows, (3, 1)),
        dm.Chart("pie", tx("assessment", "chart_results", lang),
                 tuple((r.value, word("results", r.value, lang), counts.get(r.value, 0)) for r in RESULT_ORDER),
                 (tx("assessment", "col_result", lang), "#")),
    ]  # fmt: skip


def control_point_section(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    heads = ("col_category", "col_control_point", "col_items", "col_scored", "col_cp_score")
    rows = []
    for r in data.control_points:
        name = _cp(r.control_point_zh, r.control_point_en, lang)
        if r.scope != "general":
            name = f"{name} ({word('extensions', r.scope, lang)})"
        rows.append((category_name(r.category, lang), name, str(r.items), str(r.scored), fmt_score(r.score, 2, lang)))
    return [
        dm.Heading(tx("assessment", "s3", lang)),
        dm.Grid(tuple(tx("assessment", k, lang) for k in heads), tuple(rows), (1.5, 2.6, 0.7, 0.7, 0.9)),
    ]


def _long_texts(lang: str) -> dm.LongTexts:
    """Records too long for a cell are cut with a reference and printed in full after the table."""
    return dm.LongTexts(
        lambda n, ref: tx("common", "continued", lang, n=n, ref=ref), tx("common", "long_records", lang)
    )


def problem_section(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    out: list[dm.Block] = [dm.Heading(tx("assessment", "s4", lang))]
    if not data.problems:
        return [*out, dm.Para(tx("assessment", "no_problems", lang))]
    heads = (
        "col_item",
        "col_control_point",
        "col_requirement",
        "col_result",
        "col_risk",
        "col_compensating",
        "col_record",
    )
    long = _long_texts(lang)
    ordered = sorted(data.problems, key=lambda r: RISK_ORDER.get(Risk(r.risk) if r.risk else None, 3))
    rows = tuple(
        (
            display_id(r.item_id, lang),
            _cp(r.control_point_zh, r.control_point_en, lang),
            _cp(r.requirement_zh, r.requirement_en, lang),
            word("results", r.result, lang),
            word("risks", r.risk, lang) if r.risk else "—",
            long.cell(r.compensating_measure) or "—",
            long.cell(r.record),
        )
        for r in ordered
    )
    grid = dm.Grid(tuple(tx("assessment", k, lang) for k in heads), rows, (1.1, 1, 1.9, 0.85, 0.6, 1.3, 2.7))
    return [*out, grid, *long.blocks()]


def remediation_section(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    out: list[dm.Block] = [dm.Heading(tx("assessment", "s5", lang))]
    if not data.remediation:
        return [*out, dm.Para(tx("assessment", "no_remediation", lang))]
    heads = ("col_task", "col_task_items", "col_owner", "col_due", "col_status")
    sep = "、" if lang == "zh" else ", "
    rows = tuple(
        (
            r.task,
            sep.join(display_id(i, lang) for i in r.items) or "—",
            r.owner,
            dm.day(r.due),
            word("remediation_status", r.status, lang),
        )
        for r in data.remediation
    )
    return [*out, dm.Grid(tuple(tx("assessment", k, lang) for k in heads), rows, (3, 1.6, 1, 0.9, 0.8))]


def applicability_section(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    heads = ("col_item", "col_control_point", "col_applicable_yn", "col_na_reason")
    rows = tuple(
        (
            display_id(r.item_id, lang),
            _cp(r.control_point_zh, r.control_point_en, lang),
            tx("common", "answer_yes" if r.applicable else "answer_no", lang),
            r.reason,
        )
        for r in data.applicability
    )
    return [
        dm.Break(),
        dm.Heading(tx("assessment", "s6", lang)),
        dm.Grid(tuple(tx("assessment", k, lang) for k in heads), rows, (1.1, 1.6, 0.7, 3)),
    ]


def item_results_section(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    heads = ("col_item", "col_control_point", "col_requirement", "col_result", "col_record")
    long = _long_texts(lang)
    rows = tuple(
        (
            display_id(r.item_id, lang),
            _cp(r.control_point_zh, r.control_point_en, lang),
            _cp(r.requirement_zh, r.requirement_en, lang),
            word("results", r.result, lang),
            long.cell(r.record, f"[{r.assessed_object}] " if r.assessed_object else "") or "—",
        )
        for r in data.item_results
    )
    return [
        dm.Break(),
        dm.Heading(tx("assessment", "s7", lang)),
        dm.Grid(tuple(tx("assessment", k, lang) for k in heads), rows, (1.1, 1.1, 2.5, 0.85, 3.2)),
        *long.blocks(),
    ]


def last_year_section(data: AssessmentReportData, lang: str) -> list[dm.Block]:
    """Appendix 3: last year's problems (imported from that report as remediation tasks), what was done about
    each and whether this year's results verify it."""
    heads = ("col_ly_ref", "col_ly_problem", "col_task_items", "col_status", "col_ly_done", "col_ly_retest")
    sep = "、" if lang == "zh" else ", "
    rows = []
    for r in data.last_year:
        items = sep.join(display_id(i, lang) for i in r.items)
        if r.hazards:
            codes = f"{tx('assessment', 'hz_title', lang)} {sep.join(r.hazards)}"
            items = (f"{items}（{codes}）" if lang == "zh" else f"{items} ({codes})") if items else codes
        rows.append(
            (
                r.ref or "—",
                r.problem,
                items or "—",
                word("remediation_status", r.status, lang),
                r.done,
                word("retest", r.retest, lang),
            )
        )
    return [
        dm.Break(),
        dm.Heading(tx("assessment", "s8", lang)),
        dm.Para(tx("assessment", "last_year_note", lang)),
        dm.Grid(tuple(tx("assessment", k, lang) for k in heads), tuple(rows), (0.9, 2.2, 1.3, 0.8, 2.2, 1.1)),
    ]


def assessment_report_document(data: AssessmentReportData, lang: str = "zh") -> dm.Document:
    """The assessment report as blocks (one model for the PDF and the Word file); required fields still empty are
    listed on its last page."""
    check_lang(lang)
    validate(data)
    blocks = [
        *cover(data, lang),
        *conclusion_section(data, lang),
        *category_section(data, lang),
        *control_point_section(data, lang),
        *problem_section(data, lang),
        *remediation_section(data, lang),
    ]
    if data.applicability:
        blocks += applicability_section(data, lang)
    if data.item_results:
        blocks += item_results_section(data, lang)
    if data.last_year:
        blocks += last_year_section(data, lang)
    title = tx("assessment", "title_self" if data.kind == AssessmentKind.SELF else "title_agency", lang)
    gaps = missing_assessment_report_fields(data)
    return dm.Document(
        f"{title} {data.system.name}",
        data.organisation.name,
        data.system.name,
        lang,
        tuple(blocks),
        cover=True,
        missing=tuple(m.label(lang) for m in gaps),
    )


def build_assessment_report(data: AssessmentReportData, lang: str = "zh") -> bytes:
    """The assessment report as PDF bytes (cover page without running header; numbered pages after it)."""
    return render_pdf(assessment_report_document(data, lang))


def build_assessment_report_docx(data: AssessmentReportData, lang: str = "zh") -> bytes:
    """The same report as an editable Word file."""
    from mlps.adapters.reports.render_docx import render_docx  # python-docx loads only when Word is asked for

    return render_docx(assessment_report_document(data, lang))
