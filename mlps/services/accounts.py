"""Accounts and sessions as the sign-in gate, the HTTP layer and the CLI use them: the first administrator (with
the one-time setup token), signing in (throttled by account and by source), who a session is, and the
server-side sessions a browser's HttpOnly cookie names.

The rules (roles, password strength, slow-down) are in mlps.rules.auth; the records in
mlps.adapters.store.users and mlps.adapters.store.sessions. Pages and commands call these, never the store.
Managing other people's accounts goes through the Workspace, which checks who may.
"""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from mlps.adapters.store import sessions, users
from mlps.adapters.store.sessions import LiveSession
from mlps.adapters.store.users import SignInFailed
from mlps.rules.auth import Actor, Role

__all__ = ["LiveSession", "SignInFailed", "actor", "actor_by_email", "create_first_admin", "create_user",
           "end_session", "end_session_by_token", "exchange_code", "has_users", "issue_setup_token",
           "remember_view", "reset_password", "session_by_token", "session_is_live", "set_email", "set_role",
           "sign_in", "start_session", "token_is_live", "unlock"]  # fmt: skip


def has_users(sm: sessionmaker) -> bool:
    """False on a fresh database: the app then asks for the first administrator."""
    return users.has_users(sm)


def issue_setup_token(sm: sessionmaker) -> str | None:
    """A fresh one-time setup token while the database has no account (None once it has one)."""
    return users.issue_setup_token(sm)


def create_first_admin(sm: sessionmaker, token: str, username: str, password: str, display_name: str = "") -> Actor:
    """The first site administrator, for the holder of the setup token; PermissionError for a wrong token or once
    any account exists (checked and inserted in one transaction)."""
    return users.create_first_admin(sm, token, username, password, display_name=display_name)


def create_user(sm: sessionmaker, username: str, password: str, *, by: str, is_admin: bool = False,
                display_name: str = "", email: str = "") -> Actor:  # fmt: skip
    return users.create_user(sm, username, password, by=by, is_admin=is_admin, display_name=display_name,
                             email=email)  # fmt: skip


def set_role(sm: sessionmaker, username: str, organisation_id: int, role: Role | None, *, by: str) -> None:
    users.set_role(sm, username, organisation_id, role, by=by)


def set_email(sm: sessionmaker, username: str, email: str, *, by: str) -> None:
    users.set_email(sm, username, email, by=by)


def unlock(sm: sessionmaker, username: str, *, by: str) -> bool:
    """Clear the account's sign-in wait; NotFound for an unknown name. True if it was waiting."""
    users.actor(sm, username)
    return users.unlock(sm, username, by=by)


def reset_password(sm: sessionmaker, username: str, password: str, *, by: str) -> int:
    """A new password (checked like any other); every session of the account ends. Returns how many ended."""
    users.set_password(sm, username, password, by=by)
    return sessions.revoke_user(sm, username)


def sign_in(sm: sessionmaker, username: str, password: str, source: str = "") -> Actor:
    """The account's Actor, or SignInFailed (which never says which part was wrong, and takes as long for an
    unknown name as for a wrong password)."""
    return users.sign_in(sm, username, password, source=source)


def actor(sm: sessionmaker, username: str) -> Actor:
    return users.actor(sm, username)


def actor_by_email(sm: sessionmaker, email: str) -> Actor:
    """The account whose confirmed e-mail this is; LookupError for an empty or unknown one."""
    return users.actor_by_email(sm, email)


# -- server-side sessions (the browser holds only a random token in an HttpOnly cookie)
def start_session(sm: sessionmaker, username: str) -> tuple[int, str]:
    """A new session: its id and the one-time code the page hands to the browser to trade for the cookie."""
    return sessions.start(sm, username)


def exchange_code(sm: sessionmaker, code: str) -> tuple[str, int] | None:
    return sessions.exchange(sm, code)


def session_by_token(sm: sessionmaker, token: str, idle_minutes: int) -> LiveSession | None:
    return sessions.by_token(sm, token, idle_minutes)


def session_is_live(sm: sessionmaker, session_id: int, idle_minutes: int) -> bool:
    return sessions.check(sm, session_id, idle_minutes)


def token_is_live(sm: sessionmaker, token: str, idle_minutes: int) -> bool:
    return sessions.token_is_live(sm, token, idle_minutes)


def remember_view(sm: sessionmaker, session_id: int, organisation_id: int | None, system_id: int | None) -> None:
    sessions.remember_view(sm, session_id, organisation_id, system_id)


def end_session(sm: sessionmaker, session_id: int) -> None:
    sessions.revoke(sm, session_id)


def end_session_by_token(sm: sessionmaker, token: str) -> None:
    sessions.revoke_token(sm, token)
