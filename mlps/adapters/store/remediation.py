"""Repository functions of the remediation plan and of the portfolio's bulk reads.

Tasks use optimistic locking like item results: an update names the version it started from; an update
against a newer version is refused with who changed it and when (ConflictError, carrying the
current task). Every write is audited (audit_event, entity `remediation_task`), and every status a task takes
is kept in task_event for the burn-down.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.models import AssessmentRow, GradingRow, ItemResultRow, SystemRow
from mlps.adapters.store.remediation_models import RemediationTaskRow, TaskEventRow
from mlps.adapters.store.repository.assessments import Assessment, _assessment
from mlps.adapters.store.repository.audit import _audit, _snapshot, now
from mlps.adapters.store.repository.gradings import _grading
from mlps.adapters.store.repository.organisations import list_systems
from mlps.adapters.store.repository.ownership import organisation_of
from mlps.rules.domain import GradingRecord, Risk, System
from mlps.rules.errors import ConflictError, NotFound
from mlps.rules.lifecycle import LifecycleFacts
from mlps.rules.remediation import (
    RemediationError,
    RemediationTask,
    StatusEvent,
    TaskDraft,
    TaskStatus,
    check_task_update,
    priority_key,
)

TASK_FIELDS = ("owner", "due_on", "status", "reason", "closing_evidence")
ENTITY = "remediation_task"


def _task(row: RemediationTaskRow) -> RemediationTask:
    return RemediationTask(
        key=row.key,
        item_ids=tuple(row.item_ids or ()),
        scope=row.scope,
        category=row.category,
        control_point=row.control_point,
        control_point_zh=row.control_point_zh,
        control_point_en=row.control_point_en,
        title_zh=row.title_zh,
        title_en=row.title_en,
        action_zh=row.action_zh,
        action_en=row.action_en,
        risk=Risk(row.risk) if row.risk else None,
        case_ids=tuple(row.case_ids or ()),
        points=float(row.points or 0.0),
        priority=row.priority,
        origin=row.origin or "",
        origin_ref=row.origin_ref or "",
        hazard_codes=tuple(row.hazard_codes or ()),
        id=row.id,
        assessment_id=row.assessment_id,
        owner=row.owner,
        due_on=row.due_on,
        status=TaskStatus(row.status),
        reason=row.reason,
        closing_evidence=row.closing_evidence,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        version=row.version,
    )


def _renumber(s, assessment_id: int) -> None:
    """Priorities of every task of the assessment, by the plan's rule (high risk first, then points)."""
    rows = list(s.scalars(select(RemediationTaskRow).where(RemediationTaskRow.assessment_id == assessment_id)))
    ordered = sorted(rows, key=lambda r: priority_key(_task(r)))
    for n, r in enumerate(ordered, start=1):
        if r.priority != n:
            r.priority = n


def create_tasks(sm: sessionmaker, assessment_id: int, drafts: Sequence[TaskDraft], user: str) -> list[RemediationTask]:
    """Store the drafts as open tasks (all or nothing). A draft whose key the assessment already has, or whose
    items an existing task already covers, is skipped. Returns the tasks created; priorities of the whole plan
    are renumbered."""
    stamp = now()
    try:
        with sm.begin() as s:
            if s.get(AssessmentRow, assessment_id) is None:
                raise NotFound(f"assessment {assessment_id}")
            existing = list(
                s.scalars(select(RemediationTaskRow).where(RemediationTaskRow.assessment_id == assessment_id))
            )
            keys = {r.key for r in existing}
            covered = {i for r in existing for i in (r.item_ids or ())}
            created: list[RemediationTaskRow] = []
            for d in drafts:
                if not d.item_ids:
                    raise RemediationError(f"task {d.key}: it covers no item")
                if d.key in keys or covered.intersection(d.item_ids):
                    continue
                row = RemediationTaskRow(
                    assessment_id=assessment_id,
                    key=d.key,
                    item_ids=list(d.item_ids),
                    scope=d.scope,
                    category=d.category,
                    control_point=d.control_point,
                    control_point_zh=d.control_point_zh,
                    control_point_en=d.control_point_en,
                    title_zh=d.title_zh,
                    title_en=d.title_en,
                    action_zh=d.action_zh,
                    action_en=d.action_en,
                    risk=d.risk.value if d.risk else None,
                    case_ids=list(d.case_ids),
                    points=float(d.points),
                    priority=d.priority,
                    origin=d.origin,
                    origin_ref=d.origin_ref[:200],
                    hazard_codes=list(d.hazard_codes),
                    owner="",
                    due_on=None,
                    status=TaskStatus.OPEN.value,
                    reason="",
                    closing_evidence="",
                    created_by=user,
                    created_at=stamp,
                    updated_by=user,
                    updated_at=stamp,
                    version=1,
                )
                s.add(row)
                s.flush()
                s.add(TaskEventRow(task_id=row.id, at=stamp, user=user, status=TaskStatus.OPEN.value, note="create"))
                _audit(s, user, ENTITY, row.id, "create", None, _snapshot(row))
                keys.add(d.key)
                covered.update(d.item_ids)
                created.append(row)
            s.flush()
            _renumber(s, assessment_id)
            s.flush()
            return [_task(r) for r in created]
    except IntegrityError:
        raise ConflictError("?", None) from None  # someone generated the same tasks at the same moment


def list_tasks(sm: sessionmaker, assessment_id: int) -> list[RemediationTask]:
    """The plan of an assessment in priority order."""
    with sm() as s:
        q = (
            select(RemediationTaskRow)
            .where(RemediationTaskRow.assessment_id == assessment_id)
            .order_by(RemediationTaskRow.priority, RemediationTaskRow.id)
        )
        return [_task(r) for r in s.scalars(q)]


def get_task(sm: sessionmaker, task_id: int) -> RemediationTask:
    with sm() as s:
        row = s.get(RemediationTaskRow, task_id)
        if row is None:
            raise NotFound(f"remediation task {task_id}")
        return _task(row)


def _clean(name: str, value):
    if name == "status":
        return TaskStatus(value).value
    if name == "due_on":
        if value is not None and not isinstance(value, date):
            raise RemediationError(f"due_on must be a date, not {value!r}")
        return value
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RemediationError(f"{name} must be text, not {type(value).__name__}")
    limit = 100 if name == "owner" else 100_000
    value = value.strip()
    if len(value) > limit:
        raise RemediationError(f"{name} is longer than {limit} characters")
    return value


def update_task(sm: sessionmaker, task_id: int, user: str, *, expected_version: int, **changes) -> RemediationTask:
    """Change owner, due_on, status, reason or closing_evidence of a task.

    `expected_version` is the version the user's screen showed; if the task moved on since, nothing is written
    and ConflictError names who changed it and when. Accepting a risk needs a reason (in the change or already
    on the task). A status change is also kept in task_event for the burn-down.
    """
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise RemediationError(f"not a task field: {', '.join(sorted(unknown))}")
    if not changes:
        raise RemediationError("nothing to change")
    stamp = now()
    with sm.begin() as s:
        row = s.get(RemediationTaskRow, task_id)
        if row is None:
            raise NotFound(f"remediation task {task_id}")
        where = f"task {row.priority} ({row.key})"
        if "status" in changes:
            check_task_update(changes["status"], changes.get("reason", row.reason), where=where)
        values = {k: _clean(k, v) for k, v in changes.items()}
        status = values.get("status", row.status)
        if status == TaskStatus.ACCEPTED_RISK.value and not values.get("reason", row.reason):
            raise RemediationError(f"{where}: accepting a risk needs the reason (who decided and why)")
        before = _snapshot(row)
        old_status = row.status
        done = s.execute(
            update(RemediationTaskRow)
            .where(RemediationTaskRow.id == task_id, RemediationTaskRow.version == expected_version)
            .values(**values, updated_by=user, updated_at=stamp, version=expected_version + 1)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            raise ConflictError(row.updated_by, row.updated_at, _task(row))
        s.expire(row)
        if status != old_status:
            note = values.get("reason", "") if status == TaskStatus.ACCEPTED_RISK.value else ""
            s.add(TaskEventRow(task_id=task_id, at=stamp, user=user, status=status, note=note))
        _audit(s, user, ENTITY, task_id, "update", before, _snapshot(row))
        return _task(row)


def status_events(sm: sessionmaker, assessment_id: int) -> list[StatusEvent]:
    """Every status every task of the assessment took, oldest first (for the burn-down)."""
    with sm() as s:
        q = (
            select(TaskEventRow.task_id, TaskEventRow.at, TaskEventRow.status)
            .join(RemediationTaskRow, RemediationTaskRow.id == TaskEventRow.task_id)
            .where(RemediationTaskRow.assessment_id == assessment_id)
            .order_by(TaskEventRow.at, TaskEventRow.id)
        )
        return [StatusEvent(tid, at, TaskStatus(st)) for tid, at, st in s.execute(q)]


def organisation_of_task(sm: sessionmaker, task_id: int) -> int:
    return organisation_of(sm, "task", task_id)


# ---------------------------------------------------------------- bulk reads for the portfolio and the trend


def assessments_of_organisation(sm: sessionmaker, organisation_id: int) -> list[Assessment]:
    """Every assessment of every system of the organisation, newest first (one query)."""
    with sm() as s:
        q = (
            select(AssessmentRow)
            .join(SystemRow, SystemRow.id == AssessmentRow.system_id)
            .where(SystemRow.organisation_id == organisation_id)
            .order_by(AssessmentRow.id.desc())
        )
        return [_assessment(r) for r in s.scalars(q)]


def latest_assessments(sm: sessionmaker, organisation_id: int) -> dict[int, Assessment]:
    """The newest assessment of each system of the organisation that has one (one query)."""
    with sm() as s:
        newest = (
            select(func.max(AssessmentRow.id))
            .join(SystemRow, SystemRow.id == AssessmentRow.system_id)
            .where(SystemRow.organisation_id == organisation_id)
            .group_by(AssessmentRow.system_id)
        )
        rows = s.scalars(select(AssessmentRow).where(AssessmentRow.id.in_(newest)))
        return {r.system_id: _assessment(r) for r in rows}


def results_long(sm: sessionmaker, assessment_ids: Iterable[int]) -> pd.DataFrame:
    """Every recorded result of the given assessments in ONE query, as the long frame score_many takes:
    assessment, item_id, assessed_object, result, risk."""
    ids = sorted(set(assessment_ids))
    cols = ["assessment", "item_id", "assessed_object", "result", "risk"]
    if not ids:
        return pd.DataFrame(columns=cols)
    t = ItemResultRow.__table__.c  # a Core select: no ORM row processing for tens of thousands of rows
    q = select(t.assessment_id, t.item_id, t.assessed_object, t.result, t.risk).where(t.assessment_id.in_(ids))
    with sm() as s:
        rows = s.connection().execute(q).all()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in cols]
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in zip(cols, columns, strict=True)})


def open_task_counts(sm: sessionmaker, assessment_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Open (open or in progress) tasks per assessment and risk: {assessment: {high: n, …, total: n}}."""
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    out: dict[int, dict[str, int]] = {}
    with sm() as s:
        q = (
            select(RemediationTaskRow.assessment_id, RemediationTaskRow.risk, func.count())
            .where(
                RemediationTaskRow.assessment_id.in_(ids),
                RemediationTaskRow.status.in_([TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value]),
            )
            .group_by(RemediationTaskRow.assessment_id, RemediationTaskRow.risk)
        )
        for aid, risk, n in s.execute(q):
            d = out.setdefault(aid, {"high": 0, "medium": 0, "low": 0, "unrated": 0, "total": 0})
            d[risk or "unrated"] += n
            d["total"] += n
    return out


def gradings_of_organisation(sm: sessionmaker, organisation_id: int) -> dict[int, list[GradingRecord]]:
    """Every grading of every system of the organisation, newest first per system (one query)."""
    out: dict[int, list[GradingRecord]] = {}
    with sm() as s:
        q = (
            select(GradingRow)
            .join(SystemRow, SystemRow.id == GradingRow.system_id)
            .where(SystemRow.organisation_id == organisation_id)
            .order_by(GradingRow.id.desc())
        )
        for r in s.scalars(q):
            out.setdefault(r.system_id, []).append(_grading(r))
    return out


def profiles_of_organisation(sm: sessionmaker, organisation_id: int) -> dict[int, dict]:
    with sm() as s:
        q = select(SystemRow.id, SystemRow.profile).where(SystemRow.organisation_id == organisation_id)
        return {sid: (profile if isinstance(profile, dict) else {}) for sid, profile in s.execute(q).all()}


def changes_of_organisation(sm: sessionmaker, organisation_id: int) -> dict[int, list]:
    from mlps.adapters.store.changes import changes_of_systems

    with sm() as s:
        ids = list(s.scalars(select(SystemRow.id).where(SystemRow.organisation_id == organisation_id)))
    return changes_of_systems(sm, ids)


def log_retention_of_organisation(sm: sessionmaker, organisation_id: int) -> dict[int, int | None]:
    with sm() as s:
        q = select(SystemRow.id, SystemRow.log_retention_days).where(SystemRow.organisation_id == organisation_id)
        return dict(s.execute(q).all())


@dataclass
class PortfolioData:
    """What the portfolio page needs of one organisation, read in a handful of queries."""

    systems: list[System]
    gradings: dict[int, list[GradingRecord]]  # system -> history, newest first
    assessments: dict[int, list[Assessment]]  # system -> assessments, newest first
    latest: dict[int, Assessment]  # system -> its newest assessment
    log_retention: dict[int, int | None]
    results: pd.DataFrame  # results of the latest assessments (results_long)
    changes: dict[int, list] = field(default_factory=dict)  # system -> recorded changes
    profiles: dict[int, dict] = field(default_factory=dict)  # system -> stored profile (log-retention evidence)
    collected: dict[int, object] = field(default_factory=dict)  # system -> collector log retention (the service)

    def lifecycle_facts(self) -> LifecycleFacts:
        """The facts the one lifecycle builder takes, as read in bulk (mlps.rules.lifecycle)."""
        return LifecycleFacts(
            self.gradings, self.assessments, self.log_retention, self.changes, self.profiles, self.collected
        )

    def current_gradings(self) -> dict[int, GradingRecord]:
        return {sid: h[0] for sid, h in self.gradings.items() if h}


def portfolio_data(sm: sessionmaker, organisation_id: int) -> PortfolioData:
    systems = list_systems(sm, organisation_id)
    everything = assessments_of_organisation(sm, organisation_id)
    by_system: dict[int, list[Assessment]] = {}
    for a in everything:
        by_system.setdefault(a.system_id, []).append(a)
    latest = {sid: lst[0] for sid, lst in by_system.items()}
    return PortfolioData(
        systems=systems,
        gradings=gradings_of_organisation(sm, organisation_id),
        assessments=by_system,
        latest=latest,
        log_retention=log_retention_of_organisation(sm, organisation_id),
        results=results_long(sm, [a.id for a in latest.values()]),
        changes=changes_of_organisation(sm, organisation_id),
        profiles=profiles_of_organisation(sm, organisation_id),
    )
