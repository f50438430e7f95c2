"""Signed-in sessions kept on the server: a browser holds a random token in an HttpOnly cookie, the table holds
only its sha256; a session ends when revoked (sign-out, password change), after the idle time, or at its
absolute expiry. A new session starts with a one-time handoff code that the browser trades for the cookie."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.models import SessionRow
from mlps.adapters.store.repository.audit import now

HANDOFF_SECONDS = 60
MAX_HOURS = 12  # absolute lifetime of a session, whatever the activity
TOUCH_SECONDS = 60  # last_seen is written at most this often


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class LiveSession:
    id: int
    username: str
    organisation_id: int | None
    system_id: int | None


def start(sm: sessionmaker, username: str) -> tuple[int, str]:
    """A new session for `username`: its id and the one-time code that the browser trades for the cookie."""
    code = secrets.token_urlsafe(32)
    at = now()
    with sm.begin() as s:
        row = SessionRow(username=username, token_hash=None, handoff_hash=_digest(code),
                         handoff_until=at + timedelta(seconds=HANDOFF_SECONDS), created_at=at, last_seen=at,
                         expires_at=at + timedelta(hours=MAX_HOURS))  # fmt: skip
        s.add(row)
        s.flush()
        return row.id, code


def exchange(sm: sessionmaker, code: str) -> tuple[str, int] | None:
    """The cookie's token and its lifetime in seconds for a valid, unused handoff code; None otherwise. The code
    works once (a conditional update)."""
    if not code or len(code) > 100:
        return None
    token = secrets.token_urlsafe(32)
    at = now()
    with sm.begin() as s:
        row = s.scalar(select(SessionRow).where(SessionRow.handoff_hash == _digest(code)))
        if row is None or row.revoked_at is not None or row.handoff_until is None or row.handoff_until < at:
            return None
        done = s.execute(
            update(SessionRow)
            .where(SessionRow.id == row.id, SessionRow.handoff_hash == _digest(code))
            .values(handoff_hash=None, handoff_until=None, token_hash=_digest(token))
        )
        if done.rowcount != 1:
            return None
        return token, int((row.expires_at - at).total_seconds())


def _live(row, at: datetime, idle_minutes: int) -> bool:
    return (row is not None and row.revoked_at is None and row.expires_at > at
            and row.last_seen + timedelta(minutes=idle_minutes) > at)  # fmt: skip


def by_token(sm: sessionmaker, token: str, idle_minutes: int) -> LiveSession | None:
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    at = now()
    with sm.begin() as s:
        row = s.scalar(select(SessionRow).where(SessionRow.token_hash == _digest(token)))
        if not _live(row, at, idle_minutes):
            return None
        row.last_seen = at
        return LiveSession(row.id, row.username, row.organisation_id, row.system_id)


def check(sm: sessionmaker, session_id: int, idle_minutes: int) -> bool:
    """Whether the session is still live; records activity (at most once a minute)."""
    at = now()
    with sm.begin() as s:
        row = s.get(SessionRow, session_id)
        if not _live(row, at, idle_minutes):
            return False
        if (at - row.last_seen).total_seconds() >= TOUCH_SECONDS:
            row.last_seen = at
        return True


def remember_view(sm: sessionmaker, session_id: int, organisation_id: int | None, system_id: int | None) -> None:
    with sm.begin() as s:
        s.execute(update(SessionRow).where(SessionRow.id == session_id)
                  .values(organisation_id=organisation_id, system_id=system_id))  # fmt: skip


def revoke(sm: sessionmaker, session_id: int) -> None:
    with sm.begin() as s:
        s.execute(update(SessionRow).where(SessionRow.id == session_id, SessionRow.revoked_at.is_(None))
                  .values(revoked_at=now()))  # fmt: skip


def revoke_user(sm: sessionmaker, username: str, keep: int | None = None) -> int:
    with sm.begin() as s:
        q = update(SessionRow).where(SessionRow.username == username, SessionRow.revoked_at.is_(None))
        if keep is not None:
            q = q.where(SessionRow.id != keep)
        return s.execute(q.values(revoked_at=now())).rowcount


def token_is_live(sm: sessionmaker, token: str, idle_minutes: int) -> bool:
    """For the HTTP layer (attachments): a cookie naming a live session, without recording activity."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return False
    with sm() as s:
        row = s.scalar(select(SessionRow).where(SessionRow.token_hash == _digest(token)))
        return _live(row, now(), idle_minutes)


def revoke_token(sm: sessionmaker, token: str) -> None:
    """Sign-out from the browser's side: the session its cookie names ends."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return
    with sm.begin() as s:
        s.execute(update(SessionRow).where(SessionRow.token_hash == _digest(token), SessionRow.revoked_at.is_(None))
                  .values(revoked_at=now()))  # fmt: skip
