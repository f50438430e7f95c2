"""The protection work plan (保护工作方案) a level-3+ operator submits under the 2025 rules (the Cybersecurity
Bureau's answers of 2025-04-27, Q23): assets by the five kinds the answer names, the protection measures in place
(the year's conforming results), the problems and major hazards with their causes (what the assessment saw), the
remediation approach and the work plan (the remediation tasks). PDF and editable Word from the same blocks.

Drafted from what the workbench holds; a section with nothing recorded says so, and the required parts still
missing are listed on the last page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from mlps.adapters.reports import docmodel as dm
from mlps.adapters.reports.layout import check_lang
from mlps.adapters.reports.missing import MissingField
from mlps.adapters.reports.render_pdf import render_pdf
from mlps.adapters.reports.texts import docs_text as _t
from mlps.adapters.reports.texts import field_label as _f
from mlps.adapters.reports.texts import level_label, word
from mlps.rules.domain import GradingRecord, Organisation, Risk, System
from mlps.rules.filing_details import ASSET_KINDS, AssetRow

PLAN_FROM_LEVEL = 3  # Q23


def _labels(missing: tuple[MissingField, ...], lang: str) -> tuple[str, ...]:
    return tuple(m.label(lang) for m in missing)


@dataclass(frozen=True)
class PlanProblem:
    """A problem or hazard of the year's assessment and what caused it (the record of what was seen)."""

    ref: str  # item id or hazard code
    title: str  # control point or hazard name
    risk: str  # high | medium | low | '' ; 'major' for a major risk hazard
    cause: str
    approach: str = ""  # the remediation approach (the item's requirement, in the plan's words)


@dataclass(frozen=True)
class PlanTask:
    task: str
    refs: tuple[str, ...] = ()
    owner: str = ""
    due: date | None = None
    status: str = "open"


@dataclass(frozen=True)
class ProtectionPlanData:
    organisation: Organisation
    system: System
    grading: GradingRecord
    assets: tuple[AssetRow, ...] = ()  # the system's asset inventory (filing details)
    measures: tuple[tuple[str, str, str], ...] = ()  # (category, control point, what is in place)
    problems: tuple[PlanProblem, ...] = ()
    hazards_recorded: bool = False  # True when the assessment's major hazards were available
    tasks: tuple[PlanTask, ...] = ()
    assessment_title: str = ""
    assessed_on: date | None = None
    missing: tuple[MissingField, ...] = field(default=())


def protection_plan_document(data: ProtectionPlanData, lang: str = "zh") -> dm.Document:
    check_lang(lang)
    org, s, g = data.organisation, data.system, data.grading
    blocks: list[dm.Block] = [
        dm.Title(_t("plan_title", lang)),
        dm.Subtitle(_t("plan_subtitle", lang, system=s.name)),
        dm.Subtitle(org.name),
        dm.Heading(_t("plan_s1", lang)),
        dm.fields(
            (_f("organisation.name", lang), org.name),
            (_f("system.name", lang), s.name),
            (_f("grading.level", lang), level_label(g.level, lang, full=True)),
            (_t("filing_number", lang), g.filing_number),
            (_t("plan_assessment", lang), " ".join(x for x in (data.assessment_title, dm.day(data.assessed_on)) if x)),
            (_t("plan_basis", lang), _t("plan_basis_text", lang)),
        ),
        dm.Heading(_t("plan_s2", lang)),
    ]
    by_kind: dict[str, list] = defaultdict(list)
    for a in data.assets:
        by_kind[a.kind].append(a)
    for kind in ASSET_KINDS:
        label = _t(f"asset_kind_{kind}", lang)
        rows = tuple((a.name, a.details, a.quantity) for a in by_kind.get(kind, ()))
        blocks.append(dm.Heading(label, 3))
        if rows:
            head = (_t("asset_name", lang), _t("asset_details", lang), _t("asset_quantity", lang))
            blocks.append(dm.Grid(head, rows, (1.6, 3, 0.7)))
        else:
            blocks.append(dm.Para(_t("no_assets", lang)))
    blocks.append(dm.Heading(_t("plan_s3", lang)))
    if data.measures:
        head = (_t("col_category", lang), _t("col_control_point", lang), _t("col_measure", lang))
        blocks.append(dm.Grid(head, tuple(data.measures), (1.1, 1.4, 3.5)))
    else:
        blocks.append(dm.Para(_t("no_measures", lang)))
    blocks.append(dm.Heading(_t("plan_s4", lang)))
    blocks.append(dm.Note(_t("hazards_used" if data.hazards_recorded else "hazards_absent", lang)))
    risk_words = {"major": _t("major_hazard", lang), **{r.value: word("risks", r.value, lang) for r in Risk}}
    if data.problems:
        head = ("#", _t("col_problem", lang), _t("col_risk", lang), _t("col_cause", lang))
        rows = tuple((p.ref, p.title, risk_words.get(p.risk, p.risk), p.cause) for p in data.problems)
        blocks.append(dm.Grid(head, rows, (0.9, 1.6, 0.6, 3)))
        blocks.append(dm.Heading(_t("plan_s5", lang)))
        blocks.append(dm.Grid(("#", _t("col_approach", lang)),
                              tuple((p.ref, p.approach) for p in data.problems), (0.9, 5)))  # fmt: skip
    else:
        blocks.append(dm.Para(_t("no_problems", lang)))
    blocks.append(dm.Heading(_t("plan_s6", lang)))
    if data.tasks:
        head = (_t("col_task", lang), _t("col_refs", lang), _t("col_owner", lang), _t("col_due", lang),
                _t("col_status", lang))  # fmt: skip
        rows = tuple((t.task, "、".join(t.refs) if lang == "zh" else ", ".join(t.refs), t.owner, dm.day(t.due),
                      word("remediation_status", t.status, lang)) for t in data.tasks)  # fmt: skip
        blocks.append(dm.Grid(head, rows, (2.4, 1.3, 0.9, 0.9, 0.8)))
    else:
        blocks.append(dm.Para(_t("no_tasks", lang)))
    return dm.Document(_t("plan_title", lang), org.name, s.name, lang, tuple(blocks),
                       missing=_labels(data.missing, lang))  # fmt: skip


def build_protection_plan(data: ProtectionPlanData, lang: str = "zh") -> bytes:
    return render_pdf(protection_plan_document(data, lang))


def build_protection_plan_docx(data: ProtectionPlanData, lang: str = "zh") -> bytes:
    from mlps.adapters.reports.render_docx import render_docx  # python-docx loads only when Word is asked for

    return render_docx(protection_plan_document(data, lang))
