"""Errors a use case can end in, whatever store is behind it: the record is gone, someone saved first, an upload
was refused. Services and pages catch these; the store raises them."""

from __future__ import annotations

from datetime import datetime

from mlps.rules.domain import ItemResult


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


class StoreBusy(RuntimeError):
    """The database stayed busy (locked by another writer) through a few short retries; nothing was written."""
