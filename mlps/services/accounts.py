"""Accounts as the sign-in gate and the CLI use them: the first administrator, signing in, and who a session is.

The rules (roles, password strength, slow-down) are in mlps.rules.auth; the records in
mlps.adapters.store.users. Pages and commands call these, never the store.
"""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from mlps.adapters.store import users
from mlps.adapters.store.users import SignInFailed
from mlps.rules.auth import Actor, Role

__all__ = ["SignInFailed", "actor", "actor_by_email", "create_first_admin", "create_user", "has_users", "set_role",
           "sign_in"]  # fmt: skip


def has_users(sm: sessionmaker) -> bool:
    """False on a fresh database: the app then asks for the first administrator."""
    return users.has_users(sm)


def create_first_admin(sm: sessionmaker, username: str, password: str, display_name: str = "") -> Actor:
    """The first site administrator; refused (ValueError) once any account exists."""
    if users.has_users(sm):
        raise PermissionError("the workbench already has accounts")
    return users.create_user(sm, username, password, by=username.strip(), is_admin=True, display_name=display_name)


def create_user(sm: sessionmaker, username: str, password: str, *, by: str, is_admin: bool = False,
                display_name: str = "") -> Actor:  # fmt: skip
    return users.create_user(sm, username, password, by=by, is_admin=is_admin, display_name=display_name)


def set_role(sm: sessionmaker, username: str, organisation_id: int, role: Role | None, *, by: str) -> None:
    users.set_role(sm, username, organisation_id, role, by=by)


def sign_in(sm: sessionmaker, username: str, password: str) -> Actor:
    """The account's Actor, or SignInFailed (which never says which part was wrong)."""
    return users.sign_in(sm, username, password)


def actor(sm: sessionmaker, username: str) -> Actor:
    return users.actor(sm, username)


def actor_by_email(sm: sessionmaker, email: str) -> Actor:
    return users.actor_by_email(sm, email)
