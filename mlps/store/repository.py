"""Repository functions: every read and write the shell and the CLI make, each write audited.

Writes take the acting user's name. Item results use optimistic locking: a save names the version it started
from, and a save against a newer version is refused with who changed it and when (ConflictError), so the
second editor's text is kept by the caller and nothing is overwritten silently.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from mlps.domain import (
    GradingRecord,
    HarmDegree,
    HarmObject,
    ItemResult,
    Judgement,
    Organisation,
    Result,
    Risk,
    System,
)
from mlps.store.models import (
    AssessmentRow,
    AttachmentRow,
    AuditEventRow,
    BlobRow,
    GradingRow,
    ItemResultRow,
    OrganisationRow,
    SystemRow,
)
from mlps.store.sniff import sniff_mime


class NotFound(LookupError):
    pass


class ConflictError(RuntimeError):
    """Someone else saved the same record first. Carries who and when, and their current record."""

    def __init__(self, changed_by: str, changed_at: datetime | None, current: ItemResult | None = None):
        self.changed_by, self.changed_at, self.current = changed_by, changed_at, current
        when = changed_at.strftime("%Y-%m-%d %H:%M") if changed_at else "?"
        super().__init__(f"changed by {changed_by or '?'} at {when}")


class UploadRejected(ValueError):
    pass


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value
    return value


def _snapshot(obj) -> dict:
    if dataclasses.is_dataclass(obj):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key != "data"}


def check_lengths(table, values: dict, what: str) -> None:
    """Refuse, naming the field, any text longer than its column allows (SQLite would keep it, PostgreSQL
    would fail with a database error)."""
    for name, value in values.items():
        column = table.__table__.columns.get(name)
        limit = getattr(getattr(column, "type", None), "length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ValueError(f"{what}: '{name}' is {len(value)} characters long; at most {limit} are allowed")


def _audit(s: Session, user: str, entity: str, entity_id, action: str, before=None, after=None) -> None:
    s.add(
        AuditEventRow(
            at=now(),
            user=user or "?",
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            before=before,
            after=after,
        )
    )


# ---------------------------------------------------------------- organisations and systems

ORG_FIELDS = [f.name for f in dataclasses.fields(Organisation) if f.name != "id"]
SYSTEM_FIELDS = [f.name for f in dataclasses.fields(System) if f.name not in ("id", "level")]


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(id=row.id, **{f: getattr(row, f) for f in ORG_FIELDS})


def _system(row: SystemRow, level: int | None = None) -> System:
    values = {f: getattr(row, f) for f in SYSTEM_FIELDS}
    values["extensions"] = tuple(values["extensions"] or ())
    return System(id=row.id, level=level, **values)


def save_organisation(sm: sessionmaker, org: Organisation, user: str) -> Organisation:
    if not org.name.strip():
        raise ValueError("the organisation needs a name")
    check_lengths(OrganisationRow, {f: getattr(org, f) for f in ORG_FIELDS}, "organisation")
    with sm.begin() as s:
        if org.id is None:
            row = OrganisationRow(**{f: getattr(org, f) for f in ORG_FIELDS})
            s.add(row)
            s.flush()
            _audit(s, user, "organisation", row.id, "create", None, _snapshot(row))
        else:
            row = s.get(OrganisationRow, org.id)
            if row is None:
                raise NotFound(f"organisation {org.id}")
            before = _snapshot(row)
            for f in ORG_FIELDS:
                setattr(row, f, getattr(org, f))
            row.version += 1
            s.flush()
            _audit(s, user, "organisation", row.id, "update", before, _snapshot(row))
        return _org(row)


def list_organisations(sm: sessionmaker, ids: Iterable[int] | None = None) -> list[Organisation]:
    with sm() as s:
        q = select(OrganisationRow).order_by(OrganisationRow.name)
        if ids is not None:
            q = q.where(OrganisationRow.id.in_(list(ids)))
        return [_org(r) for r in s.scalars(q)]


def get_organisation(sm: sessionmaker, org_id: int) -> Organisation:
    with sm() as s:
        row = s.get(OrganisationRow, org_id)
        if row is None:
            raise NotFound(f"organisation {org_id}")
        return _org(row)


def _current_levels(s: Session, system_ids: list[int]) -> dict[int, int]:
    if not system_ids:
        return {}
    latest = (
        select(GradingRow.system_id, func.max(GradingRow.id).label("gid"))
        .where(GradingRow.system_id.in_(system_ids))
        .group_by(GradingRow.system_id)
        .subquery()
    )
    rows = s.execute(select(GradingRow.system_id, GradingRow.level).join(latest, GradingRow.id == latest.c.gid))
    return {sid: level for sid, level in rows}


def save_system(sm: sessionmaker, system: System, user: str) -> System:
    if not system.name.strip():
        raise ValueError("the system needs a name")
    if system.organisation_id is None:
        raise ValueError("the system needs an organisation")
    values = {f: getattr(system, f) for f in SYSTEM_FIELDS}
    values["extensions"] = list(values["extensions"])
    check_lengths(SystemRow, values, "system")
    with sm.begin() as s:
        if system.id is None:
            row = SystemRow(**values)
            s.add(row)
            s.flush()
            _audit(s, user, "system", row.id, "create", None, _snapshot(row))
        else:
            row = s.get(SystemRow, system.id)
            if row is None:
                raise NotFound(f"system {system.id}")
            before = _snapshot(row)
            for k, v in values.items():
                setattr(row, k, v)
            row.version += 1
            s.flush()
            _audit(s, user, "system", row.id, "update", before, _snapshot(row))
        return _system(row, _current_levels(s, [row.id]).get(row.id))


def set_system_profile(sm: sessionmaker, system_id: int, profile: dict, user: str) -> None:
    with sm.begin() as s:
        row = s.get(SystemRow, system_id)
        if row is None:
            raise NotFound(f"system {system_id}")
        before = dict(row.profile or {})
        row.profile = dict(profile)
        _audit(s, user, "system", system_id, "profile", before, dict(profile))


def update_system_profile(sm: sessionmaker, system_id: int, change, user: str, *, attempts: int = 5) -> dict:
    """Apply `change` (stored dict -> new dict) to the profile as it is at write time: if someone else saved the
    system meanwhile, `change` runs again on their version, so no page's part of the profile is lost."""
    for _ in range(attempts):
        with sm.begin() as s:
            row = s.get(SystemRow, system_id)
            if row is None:
                raise NotFound(f"system {system_id}")
            before, version = dict(row.profile or {}), row.version
            after = dict(change(dict(before)))
            done = s.execute(
                update(SystemRow)
                .where(SystemRow.id == system_id, SystemRow.version == version)
                .values(profile=after, version=version + 1)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount == 1:
                _audit(s, user, "system", system_id, "profile", before, after)
                return after
    raise ConflictError(user, now())


def get_system_profile(sm: sessionmaker, system_id: int) -> dict:
    with sm() as s:
        row = s.get(SystemRow, system_id)
        if row is None:
            raise NotFound(f"system {system_id}")
        return dict(row.profile or {})


def set_log_retention(sm: sessionmaker, system_id: int, days: int | None, user: str) -> None:
    with sm.begin() as s:
        row = s.get(SystemRow, system_id)
        if row is None:
            raise NotFound(f"system {system_id}")
        _audit(s, user, "system", system_id, "log_retention", {"days": row.log_retention_days}, {"days": days})
        row.log_retention_days = days


def get_log_retention(sm: sessionmaker, system_id: int) -> int | None:
    with sm() as s:
        row = s.get(SystemRow, system_id)
        return row.log_retention_days if row else None


def list_systems(sm: sessionmaker, organisation_id: int | None = None) -> list[System]:
    with sm() as s:
        q = select(SystemRow).order_by(SystemRow.organisation_id, SystemRow.name)
        if organisation_id is not None:
            q = q.where(SystemRow.organisation_id == organisation_id)
        rows = list(s.scalars(q))
        levels = _current_levels(s, [r.id for r in rows])
        return [_system(r, levels.get(r.id)) for r in rows]


def get_system(sm: sessionmaker, system_id: int) -> System:
    with sm() as s:
        row = s.get(SystemRow, system_id)
        if row is None:
            raise NotFound(f"system {system_id}")
        return _system(row, _current_levels(s, [row.id]).get(row.id))


# ---------------------------------------------------------------- grading and its lifecycle


def _grading(row: GradingRow) -> GradingRecord:
    return GradingRecord(
        id=row.id,
        system_id=row.system_id,
        business=Judgement(HarmObject(row.business_object), HarmDegree(row.business_degree), row.business_description),
        service=Judgement(HarmObject(row.service_object), HarmDegree(row.service_degree), row.service_description),
        business_level=row.business_level,
        service_level=row.service_level,
        level=row.level,
        rationale_zh=row.rationale_zh,
        rationale_en=row.rationale_en,
        override_reason=row.override_reason,
        graded_on=row.graded_on,
        graded_by=row.graded_by,
        expert_review_on=row.expert_review_on,
        expert_opinion=row.expert_opinion,
        authority_name=row.authority_name,
        authority_approved_on=row.authority_approved_on,
        filed_on=row.filed_on,
        filing_office=row.filing_office,
        filing_number=row.filing_number,
        created_at=row.created_at,
    )


GRADING_STEP_FIELDS = {
    "expert_review_on",
    "expert_opinion",
    "authority_name",
    "authority_approved_on",
    "filed_on",
    "filing_office",
    "filing_number",
}


def add_grading(sm: sessionmaker, record: GradingRecord, user: str) -> GradingRecord:
    """Record a (re-)grading. Earlier gradings stay in the history."""
    with sm.begin() as s:
        if s.get(SystemRow, record.system_id) is None:
            raise NotFound(f"system {record.system_id}")
        row = GradingRow(
            system_id=record.system_id,
            business_object=record.business.harm_object.value,
            business_degree=record.business.degree.value,
            business_description=record.business.description,
            service_object=record.service.harm_object.value,
            service_degree=record.service.degree.value,
            service_description=record.service.description,
            business_level=record.business_level,
            service_level=record.service_level,
            level=record.level,
            rationale_zh=record.rationale_zh,
            rationale_en=record.rationale_en,
            override_reason=record.override_reason,
            graded_on=record.graded_on,
            graded_by=record.graded_by or user,
            created_at=now(),
            **{f: getattr(record, f) for f in GRADING_STEP_FIELDS},
        )
        s.add(row)
        s.flush()
        _audit(s, user, "grading", row.id, "create", None, _snapshot(row))
        return _grading(row)


def record_grading_step(sm: sessionmaker, grading_id: int, user: str, **fields) -> GradingRecord:
    """Record a lifecycle step (expert review, approval, filing) on the current grading."""
    unknown = set(fields) - GRADING_STEP_FIELDS
    if unknown:
        raise ValueError(f"not a lifecycle field: {', '.join(sorted(unknown))}")
    check_lengths(GradingRow, fields, "grading")
    with sm.begin() as s:
        row = s.get(GradingRow, grading_id)
        if row is None:
            raise NotFound(f"grading {grading_id}")
        before = {k: _plain(getattr(row, k)) for k in fields}
        for k, v in fields.items():
            setattr(row, k, v)
        row.version += 1
        _audit(s, user, "grading", grading_id, "step", before, {k: _plain(v) for k, v in fields.items()})
        return _grading(row)


def grading_history(sm: sessionmaker, system_id: int) -> list[GradingRecord]:
    """Newest first."""
    with sm() as s:
        rows = s.scalars(select(GradingRow).where(GradingRow.system_id == system_id).order_by(GradingRow.id.desc()))
        return [_grading(r) for r in rows]


def current_gradings(sm: sessionmaker, system_ids: list[int]) -> dict[int, GradingRecord]:
    if not system_ids:
        return {}
    with sm() as s:
        latest = (
            select(func.max(GradingRow.id)).where(GradingRow.system_id.in_(system_ids)).group_by(GradingRow.system_id)
        )
        rows = s.scalars(select(GradingRow).where(GradingRow.id.in_(latest)))
        return {r.system_id: _grading(r) for r in rows}


# ---------------------------------------------------------------- assessments


@dataclass
class Assessment:
    id: int
    system_id: int
    level: int
    extensions: tuple[str, ...]
    catalogue_version: str
    kind: str
    status: str
    started_on: date | None
    completed_on: date | None
    title: str
    baseline_of: int | None
    created_by: str
    created_at: datetime


def _assessment(row: AssessmentRow) -> Assessment:
    return Assessment(
        id=row.id,
        system_id=row.system_id,
        level=row.level,
        extensions=tuple(row.extensions or ()),
        catalogue_version=row.catalogue_version,
        kind=row.kind,
        status=row.status,
        started_on=row.started_on,
        completed_on=row.completed_on,
        title=row.title,
        baseline_of=row.baseline_of,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def start_assessment(
    sm: sessionmaker,
    system_id: int,
    level: int,
    extensions: Iterable[str],
    catalogue_version: str,
    user: str,
    *,
    kind: str = "self",
    started_on: date | None = None,
    title: str = "",
    baseline_from: int | None = None,
    valid_item_ids: set[str] | None = None,
) -> Assessment:
    """Open a new assessment. With `baseline_from`, copy that assessment's results and evidence (for the items
    that still apply) as a starting point, each marked for review."""
    if level not in (1, 2, 3, 4):
        raise ValueError("an assessment covers levels 1 to 4 (level 5 has no public requirements)")
    if kind not in ("self", "agency"):
        raise ValueError("kind is self or agency")
    check_lengths(AssessmentRow, {"title": title}, "assessment")
    with sm.begin() as s:
        if s.get(SystemRow, system_id) is None:
            raise NotFound(f"system {system_id}")
        row = AssessmentRow(
            system_id=system_id,
            level=level,
            extensions=list(extensions),
            catalogue_version=catalogue_version,
            kind=kind,
            started_on=started_on or date.today(),
            title=title,
            baseline_of=baseline_from,
            created_by=user,
            created_at=now(),
        )
        s.add(row)
        s.flush()
        copied = 0
        if baseline_from is not None:
            old = s.scalars(select(ItemResultRow).where(ItemResultRow.assessment_id == baseline_from))
            stamp = now()
            for r in old:
                if valid_item_ids is not None and r.item_id not in valid_item_ids:
                    continue
                new = ItemResultRow(
                    assessment_id=row.id,
                    item_id=r.item_id,
                    assessed_object=r.assessed_object,
                    result=r.result,
                    record=r.record,
                    methods=list(r.methods or []),
                    evidence_date=r.evidence_date,
                    risk=r.risk,
                    risk_reason=r.risk_reason,
                    needs_review=True,
                    updated_by=user,
                    updated_at=stamp,
                    version=1,
                )
                s.add(new)
                s.flush()
                for a in s.scalars(select(AttachmentRow).where(AttachmentRow.result_id == r.id)):
                    s.add(
                        AttachmentRow(
                            result_id=new.id,
                            sha256=a.sha256,
                            original_name=a.original_name,
                            uploaded_by=a.uploaded_by,
                            uploaded_at=a.uploaded_at,
                        )
                    )
                copied += 1
        after = _snapshot(row) | {"copied_results": copied}
        _audit(s, user, "assessment", row.id, "create", None, after)
        return _assessment(row)


def list_assessments(sm: sessionmaker, system_id: int | None = None) -> list[Assessment]:
    """Newest first."""
    with sm() as s:
        q = select(AssessmentRow).order_by(AssessmentRow.id.desc())
        if system_id is not None:
            q = q.where(AssessmentRow.system_id == system_id)
        return [_assessment(r) for r in s.scalars(q)]


def get_assessment(sm: sessionmaker, assessment_id: int) -> Assessment:
    with sm() as s:
        row = s.get(AssessmentRow, assessment_id)
        if row is None:
            raise NotFound(f"assessment {assessment_id}")
        return _assessment(row)


def set_assessment_status(sm: sessionmaker, assessment_id: int, status: str, user: str) -> Assessment:
    if status not in ("in_progress", "completed"):
        raise ValueError("status is in_progress or completed")
    with sm.begin() as s:
        row = s.get(AssessmentRow, assessment_id)
        if row is None:
            raise NotFound(f"assessment {assessment_id}")
        before = {"status": row.status}
        row.status = status
        row.completed_on = date.today() if status == "completed" else None
        _audit(s, user, "assessment", assessment_id, "status", before, {"status": status})
        return _assessment(row)


# ---------------------------------------------------------------- item results


def _result(row: ItemResultRow, attachments: list[str] | None = None) -> ItemResult:
    return ItemResult(
        id=row.id,
        item_id=row.item_id,
        assessed_object=row.assessed_object,
        result=Result(row.result),
        record=row.record,
        methods=tuple(row.methods or ()),
        evidence_date=row.evidence_date,
        risk=Risk(row.risk) if row.risk else None,
        risk_reason=row.risk_reason,
        needs_review=row.needs_review,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        version=row.version,
        attachments=attachments or [],
    )


def results(sm: sessionmaker, assessment_id: int) -> list[ItemResult]:
    """Every recorded result of an assessment (items never touched have no row: they are not assessed)."""
    with sm() as s:
        rows = list(
            s.scalars(
                select(ItemResultRow)
                .where(ItemResultRow.assessment_id == assessment_id)
                .order_by(ItemResultRow.item_id, ItemResultRow.assessed_object)
            )
        )
        att: dict[int, list[str]] = {}
        if rows:
            q = select(AttachmentRow.result_id, AttachmentRow.sha256).join(
                ItemResultRow, ItemResultRow.id == AttachmentRow.result_id
            )
            for rid, sha in s.execute(q.where(ItemResultRow.assessment_id == assessment_id)):
                att.setdefault(rid, []).append(sha)
        return [_result(r, att.get(r.id)) for r in rows]


RESULT_FIELDS = ("result", "record", "methods", "evidence_date", "risk", "risk_reason", "needs_review")


def _store_value(name: str, value):
    if name in ("result", "risk") and value is not None:
        return value.value if hasattr(value, "value") else str(value)
    if name == "methods":
        return list(value or ())
    return value


def save_result(
    sm: sessionmaker,
    assessment_id: int,
    item_id: str,
    user: str,
    *,
    expected_version: int,
    assessed_object: str = "",
    **changes,
) -> ItemResult:
    """Save changes to one item's result on one assessed object.

    `expected_version` is the version the user's screen showed (0 when there was no record yet). If the record
    has moved on since, nothing is written and ConflictError says who changed it and when.
    """
    unknown = set(changes) - set(RESULT_FIELDS)
    if unknown:
        raise ValueError(f"not a result field: {', '.join(sorted(unknown))}")
    values = {k: _store_value(k, v) for k, v in changes.items()}
    check_lengths(ItemResultRow, {"assessed_object": assessed_object, "item_id": item_id}, "result")
    if "result" in values:
        Result(values["result"])
    if values.get("risk") is not None:
        Risk(values["risk"])
    stamp = now()
    try:
        with sm.begin() as s:
            if s.get(AssessmentRow, assessment_id) is None:
                raise NotFound(f"assessment {assessment_id}")
            row = s.scalars(
                select(ItemResultRow).where(
                    ItemResultRow.assessment_id == assessment_id,
                    ItemResultRow.item_id == item_id,
                    ItemResultRow.assessed_object == assessed_object,
                )
            ).first()
            if row is None:
                if expected_version != 0:
                    raise ConflictError("?", None)
                row = ItemResultRow(
                    assessment_id=assessment_id,
                    item_id=item_id,
                    assessed_object=assessed_object,
                    updated_by=user,
                    updated_at=stamp,
                    version=1,
                    **values,
                )
                s.add(row)
                s.flush()
                _audit(
                    s,
                    user,
                    "item_result",
                    f"{assessment_id}/{item_id}/{assessed_object}",
                    "create",
                    None,
                    _snapshot(row),
                )
                return _result(row)
            before = _snapshot(row)
            done = s.execute(
                update(ItemResultRow)
                .where(ItemResultRow.id == row.id, ItemResultRow.version == expected_version)
                .values(**values, updated_by=user, updated_at=stamp, version=expected_version + 1)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:
                raise ConflictError(row.updated_by, row.updated_at, _result(row))
            s.expire(row)
            after = _snapshot(row)
            _audit(s, user, "item_result", f"{assessment_id}/{item_id}/{assessed_object}", "update", before, after)
            return _result(row)
    except IntegrityError:
        # two first saves of the same item at once: the other one landed first
        with sm() as s:
            row = s.scalars(
                select(ItemResultRow).where(
                    ItemResultRow.assessment_id == assessment_id,
                    ItemResultRow.item_id == item_id,
                    ItemResultRow.assessed_object == assessed_object,
                )
            ).first()
            raise ConflictError(
                row.updated_by if row else "?", row.updated_at if row else None, _result(row) if row else None
            ) from None


def bulk_set_result(
    sm: sessionmaker, assessment_id: int, item_ids: Iterable[str], result: Result, user: str, assessed_object: str = ""
) -> int:
    """Set one result on many items at once (each change audited). Returns how many rows changed."""
    changed = 0
    current = {(r.item_id, r.assessed_object): r for r in results(sm, assessment_id)}
    for item_id in item_ids:
        existing = current.get((item_id, assessed_object))
        if existing is not None and existing.result == result:
            continue
        save_result(
            sm,
            assessment_id,
            item_id,
            user,
            expected_version=existing.version if existing else 0,
            assessed_object=assessed_object,
            result=result,
        )
        changed += 1
    return changed


def import_results(
    sm: sessionmaker,
    assessment_id: int,
    rows: list[ItemResult],
    user: str,
    expected_versions: dict[tuple[str, str], int] | None = None,
) -> int:
    """Write a validated set of results (e.g. an Excel import) in one transaction: all or nothing.

    With `expected_versions` ((item id, assessed object) -> the version the user's plan was made from; 0 for no
    record), a row someone changed since refuses the whole import with ConflictError, and nothing is written."""
    stamp = now()
    with sm.begin() as s:
        if s.get(AssessmentRow, assessment_id) is None:
            raise NotFound(f"assessment {assessment_id}")
        existing = {
            (r.item_id, r.assessed_object): r
            for r in s.scalars(select(ItemResultRow).where(ItemResultRow.assessment_id == assessment_id))
        }
        if expected_versions is not None:
            for ir in rows:
                row = existing.get((ir.item_id, ir.assessed_object))
                if (row.version if row else 0) != expected_versions.get((ir.item_id, ir.assessed_object), 0):
                    raise ConflictError(row.updated_by if row else "?", row.updated_at if row else None,
                                        _result(row) if row else None)  # fmt: skip
        for ir in rows:
            values = {
                "result": ir.result.value,
                "record": ir.record,
                "methods": list(ir.methods),
                "evidence_date": ir.evidence_date,
                "risk": ir.risk.value if ir.risk else None,
                "risk_reason": ir.risk_reason,
                "needs_review": ir.needs_review,
            }
            row = existing.get((ir.item_id, ir.assessed_object))
            key = f"{assessment_id}/{ir.item_id}/{ir.assessed_object}"
            if row is None:
                row = ItemResultRow(
                    assessment_id=assessment_id,
                    item_id=ir.item_id,
                    assessed_object=ir.assessed_object,
                    updated_by=user,
                    updated_at=stamp,
                    version=1,
                    **values,
                )
                s.add(row)
                s.flush()
                _audit(s, user, "item_result", key, "import", None, _snapshot(row))
            else:
                before = _snapshot(row)
                for k, v in values.items():
                    setattr(row, k, v)
                row.updated_by, row.updated_at, row.version = user, stamp, row.version + 1
                s.flush()
                _audit(s, user, "item_result", key, "import", before, _snapshot(row))
    return len(rows)


# ---------------------------------------------------------------- attachments


@dataclass
class Attachment:
    id: int
    sha256: str
    original_name: str
    size: int
    mime: str
    uploaded_by: str
    uploaded_at: datetime


def attach(
    sm: sessionmaker,
    result_id: int,
    data: bytes,
    original_name: str,
    user: str,
    *,
    max_bytes: int,
) -> Attachment:
    """Attach a file to a result. Stored once per content (sha256); the name is kept only as a label."""
    if not data:
        raise UploadRejected("the file is empty (0 bytes)")
    if len(data) > max_bytes:
        raise UploadRejected(f"the file is {len(data) / 1048576:.1f} MB; the limit is {max_bytes / 1048576:.0f} MB")
    label = (original_name or "file").replace("\\", "/").split("/")[-1].strip() or "file"
    label = "".join(ch for ch in label if ch.isprintable())[:255]
    digest = hashlib.sha256(data).hexdigest()
    mime = sniff_mime(data)
    with sm.begin() as s:
        if s.get(ItemResultRow, result_id) is None:
            raise NotFound(f"result {result_id}")
        if s.get(BlobRow, digest) is None:
            s.add(BlobRow(sha256=digest, size=len(data), mime=mime, data=data))
            s.flush()
        row = AttachmentRow(
            result_id=result_id, sha256=digest, original_name=label, uploaded_by=user, uploaded_at=now()
        )
        s.add(row)
        s.flush()
        _audit(s, user, "attachment", row.id, "create", None, {"result_id": result_id, "sha256": digest, "name": label})
        return Attachment(row.id, digest, label, len(data), mime, user, row.uploaded_at)


def attachments(sm: sessionmaker, result_id: int) -> list[Attachment]:
    with sm() as s:
        q = (
            select(AttachmentRow, BlobRow.size, BlobRow.mime)
            .join(BlobRow, BlobRow.sha256 == AttachmentRow.sha256)
            .where(AttachmentRow.result_id == result_id)
            .order_by(AttachmentRow.id)
        )
        return [
            Attachment(a.id, a.sha256, a.original_name, size, mime, a.uploaded_by, a.uploaded_at)
            for a, size, mime in s.execute(q)
        ]


def blob(sm: sessionmaker, sha256: str) -> tuple[bytes, str]:
    with sm() as s:
        row = s.get(BlobRow, sha256)
        if row is None:
            raise NotFound(f"file {sha256}")
        return row.data, row.mime


def remove_attachment(sm: sessionmaker, attachment_id: int, user: str) -> None:
    """Unlink a file from a result (the stored bytes stay: other results may use them; the audit names it)."""
    with sm.begin() as s:
        row = s.get(AttachmentRow, attachment_id)
        if row is None:
            raise NotFound(f"attachment {attachment_id}")
        _audit(s, user, "attachment", attachment_id, "delete", _snapshot(row), None)
        s.execute(delete(AttachmentRow).where(AttachmentRow.id == attachment_id))


# ---------------------------------------------------------------- audit trail


@dataclass
class AuditEvent:
    at: datetime
    user: str
    entity: str
    entity_id: str
    action: str
    before: dict | None
    after: dict | None


def history(sm: sessionmaker, entity: str, entity_id: str | None = None, prefix: bool = False) -> list[AuditEvent]:
    """Audit events of an entity, newest first. With `prefix`, every id starting with `entity_id`."""
    with sm() as s:
        q = select(AuditEventRow).where(AuditEventRow.entity == entity)
        if entity_id is not None:
            q = q.where(
                AuditEventRow.entity_id.startswith(entity_id, autoescape=True)
                if prefix
                else AuditEventRow.entity_id == entity_id
            )
        rows = s.scalars(q.order_by(AuditEventRow.id.desc()))
        return [AuditEvent(r.at, r.user, r.entity, r.entity_id, r.action, r.before, r.after) for r in rows]


def item_history(sm: sessionmaker, assessment_id: int, item_id: str) -> list[AuditEvent]:
    return history(sm, "item_result", f"{assessment_id}/{item_id}/", prefix=True)


# ---------------------------------------------------------------- ownership (for access checks)


def organisation_of(sm: sessionmaker, kind: str, entity_id: int) -> int:
    """The organisation a system, grading, assessment or item result belongs to."""
    with sm() as s:
        if kind == "system":
            q = select(SystemRow.organisation_id).where(SystemRow.id == entity_id)
        elif kind == "grading":
            q = (
                select(SystemRow.organisation_id)
                .join(GradingRow, GradingRow.system_id == SystemRow.id)
                .where(GradingRow.id == entity_id)
            )
        elif kind == "assessment":
            q = (
                select(SystemRow.organisation_id)
                .join(AssessmentRow, AssessmentRow.system_id == SystemRow.id)
                .where(AssessmentRow.id == entity_id)
            )
        elif kind == "result":
            q = (
                select(SystemRow.organisation_id)
                .join(AssessmentRow, AssessmentRow.system_id == SystemRow.id)
                .join(ItemResultRow, ItemResultRow.assessment_id == AssessmentRow.id)
                .where(ItemResultRow.id == entity_id)
            )
        elif kind == "task":
            from mlps.store.remediation_models import RemediationTaskRow

            q = (
                select(SystemRow.organisation_id)
                .join(AssessmentRow, AssessmentRow.system_id == SystemRow.id)
                .join(RemediationTaskRow, RemediationTaskRow.assessment_id == AssessmentRow.id)
                .where(RemediationTaskRow.id == entity_id)
            )
        elif kind == "attachment":
            q = (
                select(SystemRow.organisation_id)
                .join(AssessmentRow, AssessmentRow.system_id == SystemRow.id)
                .join(ItemResultRow, ItemResultRow.assessment_id == AssessmentRow.id)
                .join(AttachmentRow, AttachmentRow.result_id == ItemResultRow.id)
                .where(AttachmentRow.id == entity_id)
            )
        else:
            raise ValueError(f"unknown kind {kind}")
        org = s.scalar(q)
        if org is None:
            raise NotFound(f"{kind} {entity_id}")
        return org


def organisations_holding_blob(sm: sessionmaker, sha256: str) -> set[int]:
    with sm() as s:
        q = (
            select(SystemRow.organisation_id)
            .join(AssessmentRow, AssessmentRow.system_id == SystemRow.id)
            .join(ItemResultRow, ItemResultRow.assessment_id == AssessmentRow.id)
            .join(AttachmentRow, AttachmentRow.result_id == ItemResultRow.id)
            .where(AttachmentRow.sha256 == sha256)
        )
        return set(s.scalars(q))
