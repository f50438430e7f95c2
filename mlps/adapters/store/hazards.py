"""Repository functions of major risk hazards: record, remediate, list; optimistic locking and an audit event
on every write (entity `hazard`). Checks of meaning (trigger, level, dates) are the rules' (mlps.rules.hazards);
the service runs them before calling here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.hazard_models import HazardRow
from mlps.adapters.store.models import AssessmentRow, SystemRow
from mlps.adapters.store.repository.audit import _audit, _snapshot, now
from mlps.rules.errors import ConflictError, NotFound
from mlps.rules.hazards import Hazard, HazardError

ENTITY = "hazard"


def _hazard(row: HazardRow) -> Hazard:
    return Hazard(
        code=row.code,
        item_ids=tuple(row.item_ids or ()),
        objects=tuple(row.objects or ()),
        judgement=row.judgement,
        found_on=row.found_on,
        remediated_on=row.remediated_on,
        verification=row.verification,
        id=row.id,
        assessment_id=row.assessment_id,
        created_by=row.created_by,
        updated_by=row.updated_by,
        version=row.version,
    )


def list_hazards(sm: sessionmaker, assessment_id: int) -> list[Hazard]:
    with sm() as s:
        rows = s.scalars(select(HazardRow).where(HazardRow.assessment_id == assessment_id).order_by(HazardRow.code))
        return [_hazard(r) for r in rows]


def hazards_of(sm: sessionmaker, assessment_ids: list[int], organisation_id: int) -> dict[int, list[Hazard]]:
    """Hazards of several assessments of one organisation in one read (portfolio)."""
    out: dict[int, list[Hazard]] = {a: [] for a in assessment_ids}
    if not assessment_ids:
        return out
    query = (
        select(HazardRow)
        .join(AssessmentRow, AssessmentRow.id == HazardRow.assessment_id)
        .join(SystemRow, SystemRow.id == AssessmentRow.system_id)
        .where(HazardRow.assessment_id.in_(assessment_ids), SystemRow.organisation_id == organisation_id)
    )
    with sm() as s:
        for r in s.scalars(query):
            out[r.assessment_id].append(_hazard(r))
    return out


def assessment_of_hazard(sm: sessionmaker, hazard_id: int) -> int:
    with sm() as s:
        row = s.get(HazardRow, hazard_id)
        if row is None:
            raise NotFound(f"hazard {hazard_id}")
        return row.assessment_id


def add_hazard(sm: sessionmaker, assessment_id: int, hazard: Hazard, user: str) -> Hazard:
    """Store a confirmed hazard. A second hazard with the same trigger on one assessment is refused."""
    try:
        with sm.begin() as s:
            if s.get(AssessmentRow, assessment_id) is None:
                raise NotFound(f"assessment {assessment_id}")
            row = HazardRow(
                assessment_id=assessment_id,
                code=hazard.code,
                item_ids=list(hazard.item_ids),
                objects=list(hazard.objects),
                judgement=hazard.judgement.strip(),
                found_on=hazard.found_on,
                remediated_on=hazard.remediated_on,
                verification=hazard.verification.strip(),
                created_by=user,
                created_at=now(),
                version=1,
            )
            s.add(row)
            s.flush()
            _audit(s, user, ENTITY, row.id, "create", None, _snapshot(row))
            return _hazard(row)
    except IntegrityError:
        raise HazardError(f"hazard {hazard.code} is already recorded for this assessment") from None


def update_hazard(sm: sessionmaker, hazard_id: int, user: str, *, expected_version: int, **changes) -> Hazard:
    """Change a hazard (judgement, items, dates, verification). Refused with ConflictError when someone changed
    it since `expected_version`."""
    allowed = {"judgement", "item_ids", "objects", "found_on", "remediated_on", "verification"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"a hazard has no field(s) {', '.join(sorted(unknown))}")
    with sm.begin() as s:
        row = s.get(HazardRow, hazard_id)
        if row is None:
            raise NotFound(f"hazard {hazard_id}")
        if row.version != expected_version:
            raise ConflictError(row.updated_by or row.created_by, row.updated_at or row.created_at, _hazard(row))
        before = _snapshot(row)
        for k, v in changes.items():
            setattr(row, k, list(v) if k in ("item_ids", "objects") else v)
        row.updated_by, row.updated_at, row.version = user, now(), row.version + 1
        s.flush()
        _audit(s, user, ENTITY, row.id, "update", before, _snapshot(row))
        return _hazard(row)


def remove_hazard(sm: sessionmaker, hazard_id: int, user: str) -> None:
    with sm.begin() as s:
        row = s.get(HazardRow, hazard_id)
        if row is None:
            raise NotFound(f"hazard {hazard_id}")
        _audit(s, user, ENTITY, row.id, "delete", _snapshot(row), None)
        s.delete(row)
