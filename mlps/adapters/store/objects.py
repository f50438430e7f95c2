"""Assessed objects' descriptions: set from an imported workbook's details rows, read by the assessment page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.models import AssessmentRow
from mlps.adapters.store.object_models import AssessedObjectRow
from mlps.adapters.store.repository.audit import _audit, _snapshot, check_lengths, now
from mlps.rules.errors import NotFound


def set_descriptions(sm: sessionmaker, assessment_id: int, descriptions: dict[str, str], user: str) -> int:
    """Store each object's description (one transaction; an audit event per change). Returns how many changed."""
    if not descriptions:
        return 0
    stamp, changed = now(), 0
    with sm.begin() as s:
        if s.get(AssessmentRow, assessment_id) is None:
            raise NotFound(f"assessment {assessment_id}")
        rows = {
            r.name: r
            for r in s.scalars(select(AssessedObjectRow).where(AssessedObjectRow.assessment_id == assessment_id))
        }
        for name, text in descriptions.items():
            check_lengths(AssessedObjectRow, {"name": name}, "assessed object")
            row = rows.get(name)
            if row is not None and row.description == text:
                continue
            before = _snapshot(row) if row is not None else None
            if row is None:
                row = AssessedObjectRow(assessment_id=assessment_id, name=name)
                s.add(row)
            row.description, row.updated_by, row.updated_at = text, user, stamp
            s.flush()
            _audit(s, user, "assessed_object", f"{assessment_id}/{name}", "import", before, _snapshot(row))
            changed += 1
    return changed


def descriptions(sm: sessionmaker, assessment_id: int) -> dict[str, str]:
    with sm() as s:
        q = select(AssessedObjectRow).where(AssessedObjectRow.assessment_id == assessment_id)
        return {r.name: r.description for r in s.scalars(q)}
