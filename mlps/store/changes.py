"""Repository functions of a system's recorded changes (table system_change, mlps.store.change_models).

A change is recorded once, with the day it happened, what changed and whether it is significant; every
recording is audited (audit_event, entity `system_change`). The obligations read them (mlps.lifecycle ->
mlps.obligations): a significant change after the current grading makes re-grading due (GB/T 22240-2020
clause 8). Bad input raises ChangeError naming the field and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from mlps.obligations import Change
from mlps.store.change_models import SystemChangeRow
from mlps.store.models import SystemRow
from mlps.store.repository import NotFound, _audit, _snapshot, now

ENTITY = "system_change"
MAX_DESCRIPTION = 2000  # the workbench's own limit: a paragraph


class ChangeError(ValueError):
    """A change that cannot be recorded (the message names the field); nothing was written."""


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


def check_change(on: object, description: object, significant: object, today: date) -> str:
    """The description as it will be stored; ChangeError naming the field for anything wrong."""
    if not isinstance(on, date) or isinstance(on, datetime):
        raise ChangeError(f"the change date must be a date, not {on!r}")
    if on > today:
        raise ChangeError(f"the change date {on.isoformat()} is after today ({today.isoformat()})")
    if not isinstance(significant, bool):
        raise ChangeError(f"significant must be true or false, not {significant!r}")
    if not isinstance(description, str) or not description.strip():
        raise ChangeError("describe the change (what changed in the business, the data or the possible harm)")
    text = description.strip()
    if len(text) > MAX_DESCRIPTION:
        raise ChangeError(f"the description is {len(text)} characters long; at most {MAX_DESCRIPTION} are allowed")
    return text


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
