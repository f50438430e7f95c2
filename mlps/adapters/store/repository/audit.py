"""The audit trail: every write records who, when, what, before and after; reading it back; length checks."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mlps.adapters.store.models import (
    AuditEventRow,
)


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
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(f"{what}: '{name}' contains a NUL character (\\0), which cannot be stored")
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
