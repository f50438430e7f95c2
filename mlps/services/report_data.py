"""What each PDF document needs, gathered from the store and turned into the report builders' inputs.

The builders in mlps.adapters.reports take plain domain objects; this module reads them through a `Reader` (the
app's role-checked Workspace, or `RepositoryReader` over a session factory for the admin CLI) and maps:

- the system profile the store keeps (``{"profile": {cloud_role, cloud_platform {name, level, filing_number},
  mobile_apps, …}}``, possibly empty) onto the filing form's scenario table (`ScenarioInfo`);
- optional filing extras kept beside it under ``"filing"`` (attachments, data survey rows, IoT / ICS / big-data
  descriptions) onto `FilingEntry`; nothing writes them yet, so until then the filing form lists them missing;
- an assessment's results, scored by mlps.rules.scoring (GB/T 28448-2019 as docs/domain.md summarises it), onto
  `AssessmentReportData`: score, conclusion and reason, category and control-point scores, coverage, the
  problem list with its risks (as recorded, or on request as mlps.rules.risks puts them in effect: a problem matching
  a high-risk case counts as high unless a decision lowered it with a compensating measure), the remediation
  plan where the reader has one (mlps.rules.remediation tasks) and the item results; when the system has a saved
  profile, the statement of applicability appendix lists every item with its status and reason (mlps.rules.soa_apply).

Nothing here invents a value: an empty field stays empty and shows up in the `missing_*` lists.
No streamlit.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import sessionmaker

from mlps.adapters.reports import (
    ApplicabilityRow,
    AssessmentReportData,
    ControlPointScore,
    DataSurveyRow,
    FilingEntry,
    HazardLine,
    ItemResultRow,
    MissingField,
    ProblemRow,
    RemediationRow,
    ScenarioInfo,
    build_assessment_report,
    build_expert_review_form,
    build_filing_form,
    build_grading_report,
    missing_assessment_report_fields,
    missing_expert_review_fields,
    missing_filing_fields,
    missing_grading_report_fields,
)
from mlps.adapters.reports.assessment_report import LastYearRow, build_assessment_report_docx
from mlps.adapters.reports.expert_review import build_expert_review_docx
from mlps.adapters.reports.filing_form import build_filing_form_docx
from mlps.adapters.reports.grading_report import build_grading_report_docx
from mlps.adapters.reports.missing import missing
from mlps.adapters.reports.protection_plan import (
    PLAN_FROM_LEVEL,
    PlanProblem,
    PlanTask,
    ProtectionPlanData,
    build_protection_plan,
    build_protection_plan_docx,
)
from mlps.adapters.store import repository as repo
from mlps.rules.catalogue import Catalogue, Item
from mlps.rules.domain import AssessmentKind, GradingRecord, ItemResult, Organisation, Result, Risk, System
from mlps.rules.filing_details import (
    ATTACHMENTS,
    AUTHORITY_ATTACHMENT,
    FILING_TEXT_FIELDS,
    assets_from,
    form_details_from,
)
from mlps.rules.hazards import Hazard, load_hazard_triggers, tally
from mlps.rules.high_risk import conditions_of
from mlps.rules.item_ids import display_ids
from mlps.rules.levels import is_level
from mlps.rules.remediation import PROBLEM_LIST, retest_outcome
from mlps.rules.results import results_frame
from mlps.rules.risks import RiskDecision, apply_decisions
from mlps.rules.scoring import ScoreResult, score_assessment
from mlps.rules.soa_apply import SavedStatement, applicability_rows, saved_statement
from mlps.rules.verdict2025 import SCHEME as RATE2025
from mlps.rules.verdict2025 import method_for

KINDS = ("grading", "filing", "expert-review", "protection-plan", "assessment")
FORMATS = ("pdf", "docx")
GRADING_KINDS = ("grading", "filing", "expert-review")
LANGS = ("zh", "en")
CLOUD_ROLES = {"provider": "provider", "customer": "customer", "both": "both", "云服务商": "provider",
               "云服务客户": "customer", "云租户": "customer", "tenant": "customer"}  # fmt: skip
DATA_ROW_FIELDS = ("name", "data_class", "owner", "volume", "sources", "flows", "storage_location")


class Reader(Protocol):
    """The reads this module needs; mlps.services.workspace.Workspace has them (role-checked)."""

    def get_organisation(self, org_id: int) -> Organisation: ...
    def get_system(self, system_id: int) -> System: ...
    def current_gradings(self, system_ids: list[int]) -> dict[int, GradingRecord]: ...
    def system_profile(self, system_id: int) -> dict: ...
    def systems(self, org_id: int) -> list[System]: ...
    def assessments(self, system_id: int) -> list[repo.Assessment]: ...
    def get_assessment(self, assessment_id: int) -> repo.Assessment: ...
    def results(self, assessment_id: int) -> list[ItemResult]: ...


class RepositoryReader:
    """A Reader straight over the repository, without role checks: for the admin CLI only."""

    def __init__(self, sm: sessionmaker):
        self._sm = sm

    def get_organisation(self, org_id: int) -> Organisation:
        return repo.get_organisation(self._sm, org_id)

    def get_system(self, system_id: int) -> System:
        return repo.get_system(self._sm, system_id)

    def current_gradings(self, system_ids: list[int]) -> dict[int, GradingRecord]:
        return repo.current_gradings(self._sm, system_ids)

    def system_profile(self, system_id: int) -> dict:
        return repo.get_system_profile(self._sm, system_id)

    def systems(self, org_id: int) -> list[System]:
        return repo.list_systems(self._sm, org_id)

    def assessments(self, system_id: int) -> list[repo.Assessment]:
        return repo.list_assessments(self._sm, system_id)

    def get_assessment(self, assessment_id: int) -> repo.Assessment:
        return repo.get_assessment(self._sm, assessment_id)

    def results(self, assessment_id: int) -> list[ItemResult]:
        return repo.results(self._sm, assessment_id)

    def remediation_tasks(self, assessment_id: int) -> list:
        try:
            from mlps.adapters.store import remediation
        except ImportError:  # the remediation store is optional for the report
            return []
        return remediation.list_tasks(self._sm, assessment_id)

    def hazards(self, assessment_id: int) -> list:
        from mlps.adapters.store import hazards

        return hazards.list_hazards(self._sm, assessment_id)


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown document '{kind}'; use one of {', '.join(KINDS)}")
    return kind


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language must be zh or en, not {lang!r}")
    return lang


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """Pages of a PDF the report builders wrote (reportlab keeps page objects uncompressed)."""
    return len(_PAGE.findall(pdf))


def fingerprint(*parts: object) -> str:
    """A short stable digest of the data a document is made from (for caching generated PDFs)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- the system profile -> the filing form


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def profile_part(stored: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The profile inside what the store keeps: ``stored["profile"]``, or the dict itself if it is a bare profile."""
    stored = _mapping(stored)
    if "profile" in stored:
        return _mapping(stored["profile"])
    return stored


def scenario_from_profile(stored: Mapping[str, Any] | None, lang: str = "zh") -> ScenarioInfo:
    """The filing form's scenario table from the stored profile (and its optional ``filing`` extras). Values the
    profile lacks or that are not of the expected type stay empty; nothing is guessed from the free text."""
    prof = profile_part(stored)
    extra = _mapping(_mapping(stored).get("filing"))
    role = CLOUD_ROLES.get(_text(prof.get("cloud_role")).lower(), "")
    platform = _mapping(prof.get("cloud_platform"))
    level = platform.get("level")
    level = level if is_level(level) else None
    apps = prof.get("mobile_apps")
    apps = [a.strip() for a in apps if isinstance(a, str) and a.strip()] if isinstance(apps, list | tuple) else []
    cross = extra.get("bigdata_cross_border")
    return ScenarioInfo(
        cloud_role=role,
        cloud_platform_name=_text(platform.get("name")),
        cloud_platform_level=level,
        cloud_platform_filing_number=_text(platform.get("filing_number")),
        mobile_apps=("、" if lang == "zh" else ", ").join(apps),
        bigdata_cross_border=cross if isinstance(cross, bool) else None,
        **{name: _text(extra.get(name)) for name in FILING_TEXT_FIELDS},
    )


def attachments_from_profile(stored: Mapping[str, Any] | None) -> dict[str, str]:
    """``stored["filing"]["attachments"]``: attachment code -> file name or note (unknown codes dropped)."""
    raw = _mapping(_mapping(_mapping(stored).get("filing")).get("attachments"))
    known = (*ATTACHMENTS, AUTHORITY_ATTACHMENT)
    return {code: _text(raw.get(code)) for code in known if _text(raw.get(code))}


def data_survey_from_profile(stored: Mapping[str, Any] | None) -> list[DataSurveyRow]:
    """``stored["filing"]["data_survey"]``: a list of rows with the DataSurveyRow fields (rows without a name
    are dropped: a nameless row cannot be printed)."""
    raw = _mapping(_mapping(stored).get("filing")).get("data_survey")
    rows = []
    for r in raw if isinstance(raw, list) else []:
        r = _mapping(r)
        if not _text(r.get("name")):
            continue
        personal = r.get("personal_info")
        rows.append(
            DataSurveyRow(
                personal_info=personal if isinstance(personal, bool) else None,
                **{name: _text(r.get(name)) for name in DATA_ROW_FIELDS},
            )
        )
    return rows


# ---------------------------------------------------------------- grading, filing and expert review


@dataclass(frozen=True)
class GradingInputs:
    """What the grading report, the filing form and the expert review form are made from (one system)."""

    organisation: Organisation
    system: System
    grading: GradingRecord | None
    profile: Mapping[str, Any] = field(default_factory=dict)
    all_levels: tuple[int, ...] = ()  # the current levels of every graded object of the unit (filing form)

    def filing_entry(self, lang: str = "zh") -> FilingEntry | None:
        if self.grading is None:
            return None
        return FilingEntry(
            self.system,
            self.grading,
            scenario_from_profile(self.profile, lang),
            attachments_from_profile(self.profile),
            data_survey_from_profile(self.profile),
            form_details_from(self.profile),
        )

    @property
    def version(self) -> str:
        """Changes whenever anything the three documents print changes."""
        return fingerprint(self.organisation, self.system, self.grading, sorted(self.profile.items(), key=str),
                           self.all_levels)  # fmt: skip


def gather_grading_inputs(reader: Reader, system_id: int) -> GradingInputs:
    """The organisation, system, current grading and stored profile of `system_id`. Raises NotFound for an
    unknown system (and PermissionError from a Workspace the user may not read)."""
    system = reader.get_system(system_id)
    org = reader.get_organisation(system.organisation_id)
    grading = reader.current_gradings([system_id]).get(system_id)
    ids = [s.id for s in reader.systems(org.id)]
    levels = tuple(sorted(g.level for g in reader.current_gradings(ids).values()))
    return GradingInputs(org, system, grading, dict(reader.system_profile(system_id) or {}), levels)


def missing_fields(kind: str, inputs: GradingInputs | AssessmentReportData | ProtectionPlanData) -> list[MissingField]:
    """The required fields `kind` lacks (empty: complete). The labels are in both languages (MissingField)."""
    check_kind(kind)
    if kind == "protection-plan":
        if not isinstance(inputs, ProtectionPlanData):
            raise TypeError("the protection work plan is checked on its ProtectionPlanData")
        return list(inputs.missing)
    if kind == "assessment":
        if not isinstance(inputs, AssessmentReportData):
            raise TypeError("the assessment report is checked on its AssessmentReportData")
        return missing_assessment_report_fields(inputs)
    if not isinstance(inputs, GradingInputs):
        raise TypeError(f"the {kind} document is checked on GradingInputs")
    org, system, grading = inputs.organisation, inputs.system, inputs.grading
    if kind == "grading":
        return missing_grading_report_fields(org, system, grading)
    if kind == "expert-review":
        return missing_expert_review_fields(org, system, grading)
    entry = inputs.filing_entry()
    if entry is None:
        unit = [m for m in missing_filing_fields(org, []) if m.key != "filing.systems"]
        return [*unit, missing("grading.record")]
    return missing_filing_fields(org, [entry])


def check_format(fmt: str, kind: str) -> str:
    """Every document is written as PDF or as an editable Word file (one document model for both)."""
    check_kind(kind)
    if fmt not in FORMATS:
        raise ValueError(f"format must be pdf or docx, not {fmt!r}")
    return fmt


def build_grading_document(kind: str, inputs: GradingInputs, lang: str = "zh", fmt: str = "pdf") -> bytes:
    """The grading report, the filing form or the expert review form as PDF (or Word, where `DOCX_KINDS` has it)
    bytes. Raises ValueError when the system has no grading (the documents cannot exist without one)."""
    check_kind(kind)
    check_lang(lang)
    if kind not in GRADING_KINDS:
        raise ValueError(f"'{kind}' is not a grading document; use one of {', '.join(GRADING_KINDS)}")
    check_format(fmt, kind)
    org, system, grading = inputs.organisation, inputs.system, inputs.grading
    if grading is None:
        raise ValueError(f"system '{system.name}' has no grading record: grade it first")
    docx = fmt == "docx"
    if kind == "grading":
        return (build_grading_report_docx if docx else build_grading_report)(org, system, grading, lang)
    if kind == "expert-review":
        build = build_expert_review_docx if docx else build_expert_review_form
        return build(org, system, grading, lang)
    build = build_filing_form_docx if docx else build_filing_form
    return build(org, [inputs.filing_entry(lang)], lang, all_levels=inputs.all_levels, filed_on=grading.filed_on)


def build_plan_document(data: ProtectionPlanData, lang: str = "zh", fmt: str = "pdf") -> bytes:
    """The protection work plan as PDF or Word bytes."""
    check_lang(lang)
    check_format(fmt, "protection-plan")
    return build_protection_plan_docx(data, lang) if fmt == "docx" else build_protection_plan(data, lang)


def document_file_name(kind: str, system: System, lang: str, assessment_id: int | None = None, fmt: str = "pdf") -> str:
    """A plain ASCII file name: grading-report-sys3-zh.pdf, assessment-report-sys3-a7-en.pdf."""
    stem = {"grading": "grading-report", "filing": "filing-form", "expert-review": "expert-review-form",
            "protection-plan": "protection-plan", "assessment": "assessment-report"}[check_kind(kind)]  # fmt: skip
    tail = f"-a{assessment_id}" if assessment_id is not None else ""
    return f"{stem}-sys{system.id}{tail}-{lang}.{fmt}"


# ---------------------------------------------------------------- the assessment report


def _records(rows: list[ItemResult], results: set[Result] | None = None) -> str:
    """The records of an item's rows, each prefixed with its object when there are several."""
    chosen = [r for r in rows if results is None or Result(r.result) in results]
    if len(chosen) == 1 and not chosen[0].assessed_object:
        return chosen[0].record.strip()
    parts = [f"[{r.assessed_object}] {r.record.strip()}" if r.assessed_object else r.record.strip() for r in chosen]
    return "\n".join(p for p in parts if p.strip())


def _item_result(rows: list[ItemResult]) -> Result:
    """One result per item for the appendix: the worst scored result, else not applicable, else not assessed."""
    found = {Result(r.result) for r in rows}
    for r in (Result.NONCONFORM, Result.PARTIAL, Result.CONFORM, Result.NA):
        if r in found:
            return r
    return Result.NOT_ASSESSED


@dataclass(frozen=True)
class AssessmentInputs:
    """An assessment with everything its report is made from."""

    organisation: Organisation
    system: System
    assessment: repo.Assessment
    items: list[Item]
    results: list[ItemResult]
    tasks: list[Any] = field(default_factory=list)  # mlps.rules.remediation.RemediationTask, the plan in priority order
    soa: SavedStatement | None = None  # the system's saved statement of applicability at the assessment's level
    hazards: list[Any] = field(default_factory=list)  # mlps.rules.hazards.Hazard: the major risk hazards recorded

    @property
    def version(self) -> str:
        stamp = [(r.item_id, r.assessed_object, r.version, r.updated_at) for r in self.results]
        plan = [(getattr(t, "id", None), getattr(t, "version", None)) for t in self.tasks]
        soa = (self.soa.statement.profile, self.soa.statement.overrides) if self.soa else None
        plan += [(h.code, h.version) for h in self.hazards]
        return fingerprint(self.organisation, self.system, self.assessment, len(self.items), stamp, plan, soa)


def gather_assessment_inputs(reader: Reader, assessment_id: int, catalogue: Catalogue) -> AssessmentInputs:
    """The assessment, its system and organisation, the catalogue items of its level and extensions, its results
    and, where the reader has a remediation plan (`remediation_tasks`), the plan's tasks; and the system's saved
    statement of applicability at the assessment's level, when a profile is saved."""
    assessment = reader.get_assessment(assessment_id)
    system = reader.get_system(assessment.system_id)
    org = reader.get_organisation(system.organisation_id)
    items = catalogue.select(assessment.level, list(assessment.extensions))
    plan = getattr(reader, "remediation_tasks", None)
    tasks = list(plan(assessment_id)) if callable(plan) else []
    try:  # the system's saved statement of applicability (mlps.rules.soa_apply); an unreadable one is left out here
        soa = saved_statement(catalogue, assessment.level, reader.system_profile(system.id))
    except ValueError:  # the applicability page names what is wrong with it
        soa = None
    recorded = getattr(reader, "hazards", None)
    hazards = list(recorded(assessment_id)) if callable(recorded) else []
    return AssessmentInputs(org, system, assessment, items, reader.results(assessment_id), tasks, soa, hazards)


REMEDIATION_STATUS = {"accepted_risk": "accepted"}  # the plan's word -> the report's vocabulary (texts.yaml)


def remediation_rows(tasks: Sequence[Any], lang: str = "zh") -> list[RemediationRow]:
    """The report's remediation plan from the stored tasks (mlps.rules.remediation.RemediationTask: title, item_ids,
    owner, due_on, status), in the order given."""
    rows = []
    for t in tasks:
        title = t.title(lang) if callable(getattr(t, "title", None)) else str(getattr(t, "title_zh", ""))
        status = str(getattr(getattr(t, "status", "open"), "value", getattr(t, "status", "open")))
        rows.append(
            RemediationRow(
                task=title,
                items=tuple(getattr(t, "item_ids", ())),
                owner=str(getattr(t, "owner", "") or ""),
                due=getattr(t, "due_on", None),
                status=REMEDIATION_STATUS.get(status, status),
            )
        )
    return rows


def last_year_rows(tasks: Sequence[Any], results: dict[str, Result]) -> list[LastYearRow]:
    """Appendix 3 from the tasks imported from last year's problem list (origin PROBLEM_LIST, in plan order):
    the problem, its items and hazard codes, the task's status, what was done (its closing evidence) and what
    this year's results say (`results`: one result per item, mlps.rules.remediation.retest_outcome)."""
    rows = []
    for t in tasks:
        if getattr(t, "origin", "") != PROBLEM_LIST:
            continue
        status = str(getattr(t.status, "value", t.status))
        rows.append(
            LastYearRow(
                ref=t.origin_ref,
                problem=t.title_zh,
                items=tuple(t.item_ids),
                hazards=tuple(t.hazard_codes),
                status=REMEDIATION_STATUS.get(status, status),
                done=t.closing_evidence,
                retest=retest_outcome(t.item_ids, results),
            )
        )
    return rows


def assessment_report_data(
    inputs: AssessmentInputs,
    lang: str = "zh",
    *,
    method: str | None = None,
    suggest_risks: bool = False,
    decisions: Sequence[RiskDecision] = (),
    report_date: date | None = None,
    agency_name: str = "",
    hazards: Sequence[Hazard] = (),
) -> tuple[AssessmentReportData, ScoreResult]:
    """The assessment report's data from the results, scored with `method` (default: the configured one).

    Risks: as recorded (what the assessment page and its live score show). With `suggest_risks` or `decisions`,
    the risks in effect by mlps.rules.risks.apply_decisions instead: a problem matching a high-risk case counts as high
    unless a decision lowered it, naming the compensating measure the problem list then prints.
    Returns the data and the score it used. `lang` picks the language of the method's name and the task titles."""
    check_lang(lang)
    a, items = inputs.assessment, inputs.items
    by_id = {i.id: i for i in items}
    frame = results_frame(inputs.results, set(by_id))
    if suggest_risks or decisions:
        conditions = conditions_of(inputs.soa.statement.profile) if inputs.soa else None  # recorded on the profile
        risks = apply_decisions(frame, a.level, decisions, conditions=conditions)
    else:
        risks = frame.assign(compensating_measure=[""] * len(frame))
    hazards = list(hazards or inputs.hazards)
    tal = tally(hazards)
    method = method or method_for(a.report_date, a.scoring_method)
    scored = score_assessment(risks[["item_id", "result", "assessed_object", "risk"]], items, method, hazards=tal)
    per_item: dict[str, list[ItemResult]] = defaultdict(list)
    for r in inputs.results:
        if r.item_id in by_id:
            per_item[r.item_id].append(r)
    measures: dict[str, list[str]] = defaultdict(list)
    for item_id, measure in zip(risks["item_id"], risks["compensating_measure"], strict=True):
        if measure and measure not in measures[item_id]:
            measures[item_id].append(measure)
    problems = []
    for row in scored.items[scored.items["problem"]].to_dict("records"):
        item = by_id[row["item_id"]]
        worst = Result.NONCONFORM if row["nonconform"] else Result.PARTIAL
        record = _records(per_item[item.id], {Result.PARTIAL, Result.NONCONFORM})
        risk = Risk(row["risk"]) if row["risk"] else None
        problems.append(ProblemRow.from_item(item, worst, record, risk, "; ".join(measures[item.id])))
    item_rows = [
        ItemResultRow.from_item(i, _item_result(per_item[i.id]), _records(per_item[i.id]))
        for i in items
        if per_item[i.id]
    ]
    status = dict(zip(scored.items["item_id"], scored.items["status"], strict=True))
    na_rows = [
        ApplicabilityRow(i.id, i.control_point_zh, i.control_point_en, False, _records(per_item[i.id]))
        for i in items
        if status.get(i.id) == "na"
    ]
    if inputs.soa is not None:  # a saved statement of applicability: every item with its status and reason
        na_records = {r.item_id: r.reason for r in na_rows}
        na_rows = applicability_rows(items, inputs.soa.statement, na_records, lang)
    c, cov = scored.conclusion, scored.coverage
    counts: dict[str, int] = {res.value: 0 for res in Result}
    for i in items:
        counts[_item_result(per_item[i.id]).value] += 1
    data = AssessmentReportData(
        organisation=inputs.organisation,
        system=inputs.system,
        level=a.level,
        extensions=tuple(a.extensions),
        kind=AssessmentKind(a.kind),
        assessed_on=a.completed_on or a.started_on,
        method_name=scored.method.label(lang),
        method_version=scored.method.version,
        score=scored.score,
        conclusion=c.grade if c else "",
        conclusion_reason_zh=c.reason_zh if c else "",
        conclusion_reason_en=c.reason_en if c else "",
        category_scores=dict(scored.categories),
        control_points=ControlPointScore.rows_from_frame(scored.control_points),
        coverage_assessed=cov.scored,
        coverage_applicable=cov.total - cov.not_applicable,
        problems=problems,
        remediation=remediation_rows(inputs.tasks, lang),
        last_year=last_year_rows(inputs.tasks, {i.id: _item_result(per_item[i.id]) for i in items}),
        applicability=na_rows,
        item_results=item_rows,
        result_counts=counts,
        agency_name=agency_name,
        report_date=report_date,
        provisional=c is None or c.provisional or not cov.complete,
    )
    if scored.method.conclusion == RATE2025:
        table = load_hazard_triggers()
        data.verdict_2025 = True
        data.rate_range = c.rate_range if c else None
        data.hazard_count_zh, data.hazard_count_en = tal.text_zh, tal.text_en
        data.hazards = [
            HazardLine(
                code=h.code,
                trigger_zh=table.get(h.code).title_zh,
                trigger_en=table.get(h.code).title_en,
                items=display_ids(h.item_ids, lang),
                state_zh=f"已整改（{h.remediated_on.isoformat()}）" if h.remediated else "未整改",
                state_en=f"remediated ({h.remediated_on.isoformat()})" if h.remediated else "open",
            )
            for h in sorted(hazards, key=lambda x: x.code)
        ]
    return data, scored


def build_assessment_document(data: AssessmentReportData, lang: str = "zh", fmt: str = "pdf") -> bytes:
    """The assessment report as PDF or Word bytes (one document model)."""
    check_lang(lang)
    check_format(fmt, "assessment")
    return build_assessment_report_docx(data, lang) if fmt == "docx" else build_assessment_report(data, lang)


# ---------------------------------------------------------------- the protection work plan (2025 rules, Q23)


def protection_plan_data(
    inputs: GradingInputs, assessment: AssessmentInputs | None, catalogue: Catalogue, lang: str = "zh"
) -> ProtectionPlanData:
    """The protection work plan of a level-3+ system from what the workbench holds: the asset inventory of the
    filing details, and from the newest assessment (when there is one) the measures in place (conforming items,
    with what was seen), the problems with their causes (what was seen on the gaps) and the remediation tasks as the
    work plan. The major risk hazards recorded for the assessment come first; when none is recorded, the plan lists
    the problems and says so."""
    check_lang(lang)
    g = inputs.grading
    if g is None:
        raise ValueError(f"system '{inputs.system.name}' has no grading record: grade it first")
    assets = tuple(assets_from(inputs.profile))
    todo = [] if assets else [missing("plan.assets")]
    if g.level < PLAN_FROM_LEVEL:
        todo.append(missing("plan.level"))
    measures: list[tuple[str, str, str]] = []
    problems: list[PlanProblem] = []
    tasks: list[PlanTask] = []
    title, on = "", None
    if assessment is None:
        todo.append(missing("plan.assessment"))
    else:
        data, _score = assessment_report_data(assessment, lang)
        names = catalogue.taxonomy.categories
        by_id = {i.id: i for i in assessment.items}
        conform: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in data.item_results:
            if row.result is Result.CONFORM and row.item_id in by_id:
                item = by_id[row.item_id]
                cp = row.control_point_zh if lang == "zh" else row.control_point_en
                conform[(item.category, cp)].append(f"{row.item_id} {row.record}".strip())
        for (cat, cp), lines in conform.items():
            measures.append((names.get(cat, {}).get(lang, cat), cp, "\n".join(lines)))
        triggers = load_hazard_triggers() if assessment.hazards else None
        for h in assessment.hazards:  # the major risk hazards first: the plan is centred on them (Q23)
            trig = triggers.get(h.code)
            name = trig.title_zh if lang == "zh" else trig.title_en
            where = ", ".join(h.item_ids)
            problems.append(PlanProblem(h.code, name, "major", "；".join(x for x in (h.judgement, where) if x)))
        for p in data.problems:
            cp = p.control_point_zh if lang == "zh" else p.control_point_en
            requirement = p.requirement_zh if lang == "zh" else p.requirement_en
            problems.append(PlanProblem(p.item_id, cp, p.risk.value if p.risk else "", p.record, requirement))
        tasks = [PlanTask(r.task, tuple(r.items), r.owner, r.due, r.status) for r in data.remediation]
        title, on = assessment.assessment.title, data.assessed_on
    hazards_recorded = bool(assessment and assessment.hazards)
    return ProtectionPlanData(
        inputs.organisation, inputs.system, g, assets, tuple(measures), tuple(problems), hazards_recorded, tuple(tasks),
        title, on, tuple(todo),
    )  # fmt: skip
