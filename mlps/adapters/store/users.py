"""Local accounts and memberships: create, sign in (with slow-down), and load an Actor."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.models import AuditEventRow, MembershipRow, OrganisationRow, UserRow
from mlps.adapters.store.repository.audit import now
from mlps.rules.auth import Actor, Role, hash_password, lock_seconds, verify_password
from mlps.rules.errors import NotFound

GENERIC_FAILURE = "unknown user name or wrong password"
_DUMMY_HASH = hash_password("not-a-real-password-0")


class SignInFailed(Exception):
    """Says nothing about which part was wrong; `wait` is how many seconds until the next attempt counts."""

    def __init__(self, wait: int = 0):
        self.wait = wait
        super().__init__(GENERIC_FAILURE if not wait else f"{GENERIC_FAILURE}; try again in {wait} s")


def has_users(sm: sessionmaker) -> bool:
    with sm() as s:
        return bool(s.scalar(select(func.count()).select_from(UserRow)))


def create_user(
    sm: sessionmaker, username: str, password: str, *, by: str, is_admin: bool = False, display_name: str = "",
    email: str = "",
) -> Actor:  # fmt: skip
    username = username.strip()
    if not username or len(username) > 100 or any(ch.isspace() for ch in username):
        raise ValueError("a user name is 1-100 characters without spaces")
    hashed = hash_password(password)
    with sm.begin() as s:
        if s.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
            raise ValueError(f"the user name '{username}' is taken")
        s.add(UserRow(username=username, display_name=display_name, email=email, password_hash=hashed,
                      is_admin=is_admin, created_at=now()))  # fmt: skip
        s.add(AuditEventRow(at=now(), user=by, entity="user", entity_id=username, action="create", before=None,
                            after={"is_admin": is_admin, "display_name": display_name}))  # fmt: skip
    return actor(sm, username)


def set_password(sm: sessionmaker, username: str, password: str, *, by: str) -> None:
    hashed = hash_password(password)
    with sm.begin() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound(f"user {username}")
        row.password_hash, row.failed_count, row.locked_until = hashed, 0, None
        s.add(AuditEventRow(at=now(), user=by, entity="user", entity_id=username, action="password", before=None,
                            after=None))  # fmt: skip


def set_role(sm: sessionmaker, username: str, organisation_id: int, role: Role | None, *, by: str) -> None:
    """Give a user a role in an organisation (None removes the membership)."""
    with sm.begin() as s:
        user = s.scalar(select(UserRow).where(UserRow.username == username))
        if user is None:
            raise NotFound(f"user {username}")
        if s.get(OrganisationRow, organisation_id) is None:
            raise NotFound(f"organisation {organisation_id}")
        row = s.scalar(
            select(MembershipRow).where(
                MembershipRow.user_id == user.id, MembershipRow.organisation_id == organisation_id
            )
        )
        before = {"role": row.role} if row else None
        if role is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(MembershipRow(user_id=user.id, organisation_id=organisation_id, role=role.name.lower()))
        else:
            row.role = role.name.lower()
        after = {"role": role.name.lower() if role else None}
        s.add(AuditEventRow(at=now(), user=by, entity="membership", entity_id=f"{username}/{organisation_id}",
                            action="set", before=before, after=after))  # fmt: skip


def actor(sm: sessionmaker, username: str) -> Actor:
    with sm() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username))
        if row is None or not row.active:
            raise NotFound(f"user {username}")
        roles = {
            org: Role.parse(role)
            for org, role in s.execute(
                select(MembershipRow.organisation_id, MembershipRow.role).where(MembershipRow.user_id == row.id)
            )
        }
        return Actor(row.username, row.display_name, row.is_admin, roles)


def actor_by_email(sm: sessionmaker, email: str) -> Actor:
    with sm() as s:
        username = s.scalar(select(UserRow.username).where(func.lower(UserRow.email) == email.strip().lower()))
    if username is None:
        raise NotFound(f"user with e-mail {email}")
    return actor(sm, username)


def sign_in(sm: sessionmaker, username: str, password: str, at: datetime | None = None) -> Actor:
    """Check a password. After three failures in a row, attempts are refused for a growing time, whatever
    the password; the message never says whether the name or the password was wrong."""
    at = at or now()
    failure: SignInFailed | None = None
    with sm.begin() as s:  # failures are committed before they are reported
        row = s.scalar(select(UserRow).where(UserRow.username == username.strip()))
        if row is None or not row.active:
            verify_password(_DUMMY_HASH, password)  # the same work whether or not the user exists
            failure = SignInFailed()
        elif row.locked_until and row.locked_until > at:
            failure = SignInFailed(wait=int((row.locked_until - at).total_seconds()) + 1)
        elif not verify_password(row.password_hash, password):
            row.failed_count += 1
            wait = lock_seconds(row.failed_count)
            row.locked_until = at + timedelta(seconds=wait) if wait else None
            s.add(AuditEventRow(at=at, user=username, entity="user", entity_id=username, action="sign_in_failed",
                                before=None, after={"failures": row.failed_count}))  # fmt: skip
            failure = SignInFailed(wait=wait)
        else:
            row.failed_count, row.locked_until = 0, None
            s.add(AuditEventRow(at=at, user=username, entity="user", entity_id=username, action="sign_in",
                                before=None, after=None))  # fmt: skip
    if failure is not None:
        raise failure
    return actor(sm, username)


def list_users(sm: sessionmaker) -> list[tuple[str, str, bool, dict[int, str]]]:
    with sm() as s:
        users = list(s.scalars(select(UserRow).order_by(UserRow.username)))
        members: dict[int, dict[int, str]] = {}
        for uid, org, role in s.execute(
            select(MembershipRow.user_id, MembershipRow.organisation_id, MembershipRow.role)
        ):
            members.setdefault(uid, {})[org] = role
        return [(u.username, u.display_name, u.is_admin, members.get(u.id, {})) for u in users]
