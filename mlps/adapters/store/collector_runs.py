"""Repository functions of imported collector bundles (table collector_run, mlps.adapters.store.collector_models).

An import stores the bundle's bytes once (blob, sha256) and a row with what the workbench needs from it. Accepting
proposals writes the results through the assessments repository (optimistic locking, audited), attaches the
bundle to each written result, and remembers per item the version it wrote: a later import may update a result
only while it still has that version (nobody changed it since). Every write is audited (entity `collector_run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.collector_models import CollectorRunRow
from mlps.adapters.store.models import AssessmentRow, AttachmentRow, BlobRow, ItemResultRow, SystemRow
from mlps.adapters.store.repository.audit import _audit, now
from mlps.rules.errors import NotFound

ENTITY = "collector_run"


@dataclass(frozen=True)
class CollectorRun:
    id: int
    assessment_id: int
    assessed_object: str
    sha256: str
    hostname: str
    os_name: str
    collector_version: str
    collected_at: str
    level: int | None
    log_retention_days: int | None
    findings: tuple[dict, ...]
    findings_sha256: str
    accepted: dict[str, int]
    imported_by: str
    imported_at: datetime


def _run(row: CollectorRunRow) -> CollectorRun:
    return CollectorRun(
        id=row.id,
        assessment_id=row.assessment_id,
        assessed_object=row.assessed_object,
        sha256=row.sha256,
        hostname=row.hostname,
        os_name=row.os_name,
        collector_version=row.collector_version,
        collected_at=row.collected_at,
        level=row.level,
        log_retention_days=row.log_retention_days,
        findings=tuple(row.findings or ()),
        findings_sha256=row.findings_sha256,
        accepted={str(k): int(v) for k, v in (row.accepted or {}).items()},
        imported_by=row.imported_by,
        imported_at=row.imported_at,
    )


def add_run(
    sm: sessionmaker,
    assessment_id: int,
    assessed_object: str,
    data: bytes,
    fields: dict,
    user: str,
    mime: str = "application/json",
) -> CollectorRun:
    """Store a bundle (its bytes once per content) and its import row."""
    with sm.begin() as s:
        if s.get(AssessmentRow, assessment_id) is None:
            raise NotFound(f"assessment {assessment_id}")
        if s.get(BlobRow, fields["sha256"]) is None:
            s.add(BlobRow(sha256=fields["sha256"], size=len(data), mime=mime, data=data))
            s.flush()
        row = CollectorRunRow(
            assessment_id=assessment_id,
            assessed_object=assessed_object,
            imported_by=user,
            imported_at=now(),
            accepted={},
            **fields,
        )
        s.add(row)
        s.flush()
        _audit(
            s,
            user,
            ENTITY,
            row.id,
            "import",
            None,
            {
                "assessment_id": assessment_id,
                "assessed_object": assessed_object,
                "sha256": row.sha256,
                "hostname": row.hostname,
                "collected_at": row.collected_at,
                "log_retention_days": row.log_retention_days,
            },
        )
        return _run(row)


def runs(sm: sessionmaker, assessment_id: int) -> list[CollectorRun]:
    """The imports of an assessment, newest first."""
    with sm() as s:
        q = select(CollectorRunRow).where(CollectorRunRow.assessment_id == assessment_id)
        return [_run(r) for r in s.scalars(q.order_by(CollectorRunRow.id.desc()))]


def get_run(sm: sessionmaker, run_id: int) -> CollectorRun:
    with sm() as s:
        row = s.get(CollectorRunRow, run_id)
        if row is None:
            raise NotFound(f"collector import {run_id}")
        return _run(row)


def system_runs(sm: sessionmaker, system_id: int) -> list[CollectorRun]:
    """Every import of every assessment of a system, newest first."""
    with sm() as s:
        q = (
            select(CollectorRunRow)
            .join(AssessmentRow, AssessmentRow.id == CollectorRunRow.assessment_id)
            .where(AssessmentRow.system_id == system_id)
            .order_by(CollectorRunRow.id.desc())
        )
        return [_run(r) for r in s.scalars(q)]


def record_accepted(sm: sessionmaker, run_id: int, written: dict[str, tuple[int, int]], user: str) -> None:
    """After results were written: per item (result id, new version), attach the bundle to the result and
    remember the version this import wrote."""
    with sm.begin() as s:
        row = s.get(CollectorRunRow, run_id)
        if row is None:
            raise NotFound(f"collector import {run_id}")
        accepted = dict(row.accepted or {})
        for item_id, (result_id, version) in sorted(written.items()):
            accepted[item_id] = version
            have = s.scalar(
                select(AttachmentRow.id).where(AttachmentRow.result_id == result_id, AttachmentRow.sha256 == row.sha256)
            )
            if have is None:
                s.add(
                    AttachmentRow(
                        result_id=result_id,
                        sha256=row.sha256,
                        uploaded_by=user,
                        uploaded_at=now(),
                        original_name=f"collector-{row.hostname or 'bundle'}-{row.sha256[:12]}.json",
                    )
                )
        row.accepted = accepted
        _audit(s, user, ENTITY, run_id, "accept", None, {"items": {k: v for k, (_, v) in sorted(written.items())}})


def organisation_of_run(sm: sessionmaker, run_id: int) -> int:
    with sm() as s:
        q = (
            select(SystemRow.organisation_id)
            .join(AssessmentRow, AssessmentRow.system_id == SystemRow.id)
            .join(CollectorRunRow, CollectorRunRow.assessment_id == AssessmentRow.id)
            .where(CollectorRunRow.id == run_id)
        )
        org = s.scalar(q)
        if org is None:
            raise NotFound(f"collector import {run_id}")
        return org


def result_ids(
    sm: sessionmaker, assessment_id: int, assessed_object: str, item_ids: list[str]
) -> dict[str, tuple[int, int]]:
    """item id -> (result id, version) of the results on one object."""
    with sm() as s:
        q = select(ItemResultRow.item_id, ItemResultRow.id, ItemResultRow.version).where(
            ItemResultRow.assessment_id == assessment_id,
            ItemResultRow.assessed_object == assessed_object,
            ItemResultRow.item_id.in_(item_ids),
        )
        return {item: (rid, v) for item, rid, v in s.execute(q)}
