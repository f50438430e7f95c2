"""Agency workbooks and last year's problem list: plan, review, then land all or nothing.

The two use cases of issue 16, for the assessment page, the remediation page and the CLI:
- an agency's results workbook: `plan_workbook` reads it against the assessment's items (nothing is written) and
  keeps the versions of the records the plan was made against; `confirm_workbook` lands the plan's results
  through the repository's one import write (version-checked, all or nothing) and, in the same transaction,
  the assessed objects' details as their descriptions;
- the problem list of last year's report: `plan_backlog` reads it into remediation task drafts and marks
  problems whose items already have a task; `confirm_backlog` stores the drafts in one transaction.
Access is checked here (assessor to write, viewer to read), never in the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from mlps.adapters.exchange import ImportLimits, ImportPlan, plan_import
from mlps.adapters.exchange.problem_list import BacklogPlan, plan_backlog
from mlps.adapters.exchange.vocabulary import Both, issue
from mlps.adapters.store import hazards as hazard_store
from mlps.adapters.store import objects as object_store
from mlps.adapters.store import remediation as remediation_store
from mlps.adapters.store import repository as repo
from mlps.adapters.store.unit import one_transaction
from mlps.rules.auth import Role
from mlps.rules.catalogue import Catalogue
from mlps.rules.hazards import HazardError, check_hazard
from mlps.rules.remediation import hazards_from_problem_list
from mlps.rules.worklist import assessed_objects
from mlps.services.workspace import Workspace


@dataclass
class WorkbookReview:
    """A plan and the versions of the records it was made against ((item, object) -> version; 0 = none)."""

    assessment_id: int
    plan: ImportPlan
    versions: dict[tuple[str, str], int] = field(default_factory=dict)


def _items(ws: Workspace, catalogue: Catalogue, assessment_id: int):
    assessment = repo.get_assessment(ws._sm, assessment_id)
    return assessment, catalogue.select(assessment.level, list(assessment.extensions))


def plan_workbook(ws: Workspace, catalogue: Catalogue, assessment_id: int, data: bytes,
                  limits: ImportLimits | None = None) -> WorkbookReview:  # fmt: skip
    """Read a workbook against an assessment; nothing is written."""
    ws._need("assessment", assessment_id, Role.ASSESSOR, "import results")
    _assessment, items = _items(ws, catalogue, assessment_id)
    current = repo.results(ws._sm, assessment_id)
    plan = plan_import(
        data, items, catalogue.taxonomy, objects=assessed_objects(current), limits=limits, every_item=catalogue.items
    )
    return WorkbookReview(assessment_id, plan, {(r.item_id, r.assessed_object): r.version for r in current})


def confirm_workbook(ws: Workspace, review: WorkbookReview) -> int:
    """Land a reviewed plan: its results and its objects' descriptions, in one transaction, or nothing.
    Raises repo.ConflictError when a record changed since the plan was made, ValueError for a plan with errors."""
    ws._need("assessment", review.assessment_id, Role.ASSESSOR, "import results")
    if not review.plan.ok:
        raise ValueError("the plan has errors; nothing can be imported")
    with one_transaction(ws._sm) as sm:
        n = repo.import_results(sm, review.assessment_id, review.plan.results, ws.user, review.versions)
        object_store.set_descriptions(sm, review.assessment_id, review.plan.objects, ws.user)
    return n


def object_descriptions(ws: Workspace, assessment_id: int) -> dict[str, str]:
    ws._need("assessment", assessment_id, Role.VIEWER, "see this assessment")
    return object_store.descriptions(ws._sm, assessment_id)


def workbook_results(catalogue: Catalogue, level: int, extensions: list[str], data: bytes,
                     limits: ImportLimits | None = None) -> tuple[pd.DataFrame, ImportPlan]:  # fmt: skip
    """The results of an agency workbook as the scoring frame (item_id, result, risk, assessed_object), with
    the plan it came from: how `mlps score WORKBOOK.xlsx` scores a workbook the way it scores a CSV."""
    items = catalogue.select(level, extensions)
    plan = plan_import(data, items, catalogue.taxonomy, limits=limits, every_item=catalogue.items)
    frame = pd.DataFrame(
        [
            {"item_id": r.item_id, "result": r.result, "risk": r.risk, "assessed_object": r.assessed_object}
            for r in plan.results
        ],
        columns=["item_id", "result", "risk", "assessed_object"],
    ).astype(object)
    return frame, plan


# ---------------------------------------------------------------- the backlog


def plan_backlog_import(ws: Workspace, catalogue: Catalogue, assessment_id: int, data: bytes, filename: str,
                        limits: ImportLimits | None = None) -> BacklogPlan:  # fmt: skip
    """Read last year's problem list against this assessment; drafts whose items already have a task are moved
    to `left_out` with the task they would duplicate. Nothing is written."""
    ws._need("assessment", assessment_id, Role.ASSESSOR, "plan remediation")
    _assessment, items = _items(ws, catalogue, assessment_id)
    plan = plan_backlog(data, filename, items, catalogue.taxonomy, every_item=catalogue.items, limits=limits)
    existing = ws.remediation_tasks(assessment_id)
    keep = []
    for draft in plan.drafts:
        twin = next((t for t in existing if t.key == draft.key or set(t.item_ids) & set(draft.item_ids)), None)
        if twin is None:
            keep.append(draft)
            continue
        plan.left_out.append(
            issue("problem_already_planned", title=draft.title_zh[:40], priority=twin.priority,
                  existing=twin.title_zh[:40])  # fmt: skip
        )
    plan.drafts = [replace(d, priority=n) for n, d in enumerate(keep, start=1)]
    _propose_hazards(ws, plan, _assessment, items)
    return plan


NOT_RECORDABLE_ZH = "编码未知，或本次测评的等级和扩展要求中没有与之相关的测评项"


def _propose_hazards(ws: Workspace, plan: BacklogPlan, assessment, items) -> None:
    """The report's major risk hazards (trigger codes on its problems) become hazard records to review with the
    tasks; a code already recorded for this assessment, unknown, or with no item at its level is left out."""
    recorded = {h.code for h in ws.hazards(assessment.id)}
    ids = [i.id for i in items]
    for hazard in hazards_from_problem_list(plan.drafts, date.today()):
        if hazard.code in recorded:
            plan.left_out.append(issue("problem_hazard_recorded", trigger=hazard.code))
            continue
        try:
            check_hazard(hazard, assessment.level, assessment.extensions, ids)
        except HazardError as exc:
            why = Both(NOT_RECORDABLE_ZH, str(exc))
            plan.left_out.append(issue("problem_hazard_not_recordable", trigger=hazard.code, why=why))
            continue
        plan.hazards.append(hazard)


def confirm_backlog(ws: Workspace, assessment_id: int, plan: BacklogPlan) -> list:
    """Store the reviewed drafts as open remediation tasks and the plan's major risk hazards as hazard records,
    in one transaction: all or nothing (a hazard recorded meanwhile by someone else refuses the whole import
    with HazardError)."""
    if not plan.ok:
        raise ValueError("the problem list has errors; nothing can be imported")
    if not plan.hazards:
        return ws.create_remediation_tasks(assessment_id, plan.drafts)
    ws._need("assessment", assessment_id, Role.ASSESSOR, "plan remediation")
    ws._need("assessment", assessment_id, Role.ASSESSOR, "record major risk hazards")
    with one_transaction(ws._sm) as sm:
        tasks = remediation_store.create_tasks(sm, assessment_id, plan.drafts, ws.user)
        for hazard in plan.hazards:
            hazard_store.add_hazard(sm, assessment_id, hazard, ws.user)
    return tasks
