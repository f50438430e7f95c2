"""A write that meets a busy database (another writer holds the lock) is retried briefly, then refused plainly."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from mlps.rules.errors import StoreBusy

T = TypeVar("T")

BUSY_WORDS = ("locked", "busy", "could not serialize", "lock timeout")


def with_retry(write: Callable[[], T], attempts: int = 4, pause: float = 0.2) -> T:
    """Run a write transaction, retrying briefly when the database is busy (SQLite's "database is locked",
    PostgreSQL's serialization or lock-timeout errors); after the last attempt, StoreBusy with a plain message."""
    for attempt in range(attempts):
        try:
            return write()
        except OperationalError as exc:
            text = str(exc.orig if exc.orig is not None else exc).lower()
            if not any(w in text for w in BUSY_WORDS):
                raise
            if attempt == attempts - 1:
                raise StoreBusy("the database is busy; nothing was saved, try again in a moment") from None
            time.sleep(pause * (attempt + 1))
    raise AssertionError("unreachable")
