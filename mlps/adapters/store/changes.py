"""Repository functions of a system's recorded changes (table system_change, mlps.adapters.store.change_models).

A change is recorded once, with the day it happened, what changed and whether it is significant; every
recording is audited (audit_event, entity `system_change`). The obligations read them (mlps.rules.lifecycle ->
mlps.rules.obligations): a significant change after the current grading makes re-grading due (GB/T 22240-2020
clause 8). Bad input raises ChangeError naming the field and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.change_models import SystemChangeRow
from mlps.adapters.store.models import SystemRow
from mlps.adapters.store.repository.audit import _audit, _snapshot, now
from mlps.rules.errors import NotFound
from mlps.rules.obligations import Change
from mlps.rules.system_changes import check_change

ENTITY = "system_change"


@dataclass(frozen=True)
class RecordedChange:
    id: int
    system_id: int
    on: date
    description: str
    significant: bool
    recorded_by: str
    recorded_at: datetime

    def as_change(self) -> Change:
        """The fact the obligations are computed from."""
        return Change(on=self.on, description=self.description, significant=self.significant)


def _change(row: SystemChangeRow) -> RecordedChange:
    return RecordedChange(
        id=row.id,
        system_id=row.system_id,
        on=row.changed_on,
        description=row.description,
        significant=bool(row.significant),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )




def add_change(
    sm: sessionmaker,
    system_id: int,
    on: date,
    description: str,
    significant: bool,
    user: str,
    *,
    today: date | None = None,
) -> RecordedChange:
    """Record a change of the system that happened `on` (not after `today`, default: today)."""
    text = check_change(on, description, significant, today or date.today())
    with sm.begin() as s:
        if s.get(SystemRow, system_id) is None:
            raise NotFound(f"system {system_id}")
        row = SystemChangeRow(
            system_id=system_id,
            changed_on=on,
            description=text,
            significant=significant,
            recorded_by=user or "?",
            recorded_at=now(),
        )
        s.add(row)
        s.flush()
        _audit(s, user, ENTITY, row.id, "create", None, _snapshot(row))
        return _change(row)


def list_changes(sm: sessionmaker, system_id: int) -> list[RecordedChange]:
    """The system's recorded changes, oldest first (by the day they happened, then as recorded)."""
    with sm() as s:
        q = (
            select(SystemChangeRow)
            .where(SystemChangeRow.system_id == system_id)
            .order_by(SystemChangeRow.changed_on, SystemChangeRow.id)
        )
        return [_change(r) for r in s.scalars(q)]


def changes_of_systems(sm: sessionmaker, system_ids: list[int]) -> dict[int, list[RecordedChange]]:
    """The recorded changes of several systems in one query (system id -> changes, oldest first)."""
    if not system_ids:
        return {}
    out: dict[int, list[RecordedChange]] = {}
    with sm() as s:
        q = (
            select(SystemChangeRow)
            .where(SystemChangeRow.system_id.in_(system_ids))
            .order_by(SystemChangeRow.changed_on, SystemChangeRow.id)
        )
        for r in s.scalars(q):
            out.setdefault(r.system_id, []).append(_change(r))
    return out
