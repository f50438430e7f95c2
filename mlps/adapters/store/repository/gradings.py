"""Gradings and their lifecycle steps (expert review, authority approval, filing)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.models import (
    GradingRow,
    SystemRow,
)
from mlps.adapters.store.repository.audit import _audit, _plain, _snapshot, check_lengths, now
from mlps.rules.domain import (
    GradingRecord,
    HarmDegree,
    HarmObject,
    Judgement,
)
from mlps.rules.errors import NotFound

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
