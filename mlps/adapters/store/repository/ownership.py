"""Which organisation owns a record: what the access checks ask before every read and write."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.models import (
    AssessmentRow,
    AttachmentRow,
    GradingRow,
    ItemResultRow,
    SystemRow,
)
from mlps.rules.errors import NotFound

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
            from mlps.adapters.store.remediation_models import RemediationTaskRow

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
