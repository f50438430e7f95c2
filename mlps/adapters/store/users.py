"""Local accounts and memberships: create, sign in (with slow-down), and load an Actor."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from mlps.adapters.store.models import (
    AuditEventRow,
    MembershipRow,
    OrganisationRow,
    SetupTokenRow,
    SignInThrottleRow,
    UserRow,
)
from mlps.adapters.store.repository.audit import now
from mlps.rules.auth import (
    ACCOUNT_FREE,
    ACCOUNT_MAX_LOCK,
    FAILURE_MEMORY,
    SOURCE_FREE,
    SOURCE_MAX_LOCK,
    Actor,
    Role,
    hash_password,
    lock_seconds,
    verify_password,
)
from mlps.rules.errors import NotFound

GENERIC_FAILURE = "unknown user name or wrong password"
_DUMMY_HASH = hash_password("dummy-hash-for-unknown-names-0")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


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
    username = _check_username(username)
    email = _check_email(email)
    if len(display_name) > 100:
        raise ValueError("a display name has at most 100 characters")
    hashed = hash_password(password, username)
    with sm.begin() as s:
        _insert_user(s, username, hashed, by=by, is_admin=is_admin, display_name=display_name, email=email)
    return actor(sm, username)


def _check_username(username: str) -> str:
    username = username.strip()
    if not username or len(username) > 100 or any(ch.isspace() or not ch.isprintable() for ch in username):
        raise ValueError("a user name is 1-100 characters without spaces")
    return username


def _check_email(email: str) -> str:
    email = (email or "").strip()
    if email and (len(email) > 200 or not _EMAIL.match(email)):
        raise ValueError(f"'{email[:80]}' is not an e-mail address")
    return email


def _insert_user(s: Session, username: str, hashed: str, *, by: str, is_admin: bool, display_name: str,
                 email: str) -> None:  # fmt: skip
    if s.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise ValueError(f"the user name '{username}' is taken")
    s.add(UserRow(username=username, display_name=display_name, email=email, password_hash=hashed,
                  is_admin=is_admin, created_at=now()))  # fmt: skip
    s.add(AuditEventRow(at=now(), user=by, entity="user", entity_id=username, action="create", before=None,
                        after={"is_admin": is_admin, "display_name": display_name, "email": email}))  # fmt: skip


# ---------------------------------------------------------------- the first administrator


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_setup_token(sm: sessionmaker) -> str | None:
    """On a database without accounts, a new one-time token for creating the first administrator (any earlier
    one stops working); None once an account exists."""
    token = secrets.token_urlsafe(18)
    with sm.begin() as s:
        if s.scalar(select(func.count()).select_from(UserRow)):
            return None
        s.execute(delete(SetupTokenRow))
        s.add(SetupTokenRow(token_hash=_digest(token), created_at=now()))
    return token


def create_first_admin(sm: sessionmaker, token: str, username: str, password: str, display_name: str = "") -> Actor:
    """The first site administrator, for whoever holds the setup token. Using the token up and inserting the
    account happen in one transaction with a conditional delete, so of two people at once only one succeeds."""
    username = _check_username(username)
    hashed = hash_password(password, username)
    try:
        with sm.begin() as s:
            used = s.execute(delete(SetupTokenRow).where(SetupTokenRow.token_hash == _digest(token.strip())))
            if used.rowcount != 1 or s.scalar(select(func.count()).select_from(UserRow)):
                raise PermissionError("the setup token is not valid (it works once; `mlps setup-token` prints a "
                                      "new one while the workbench has no accounts)")  # fmt: skip
            _insert_user(s, username, hashed, by=username, is_admin=True, display_name=display_name, email="")
    except IntegrityError:
        raise PermissionError("the setup token is not valid") from None
    return actor(sm, username)


def set_password(sm: sessionmaker, username: str, password: str, *, by: str) -> None:
    hashed = hash_password(password, username)
    with sm.begin() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound(f"user {username}")
        row.password_hash, row.failed_count, row.locked_until = hashed, 0, None
        s.execute(delete(SignInThrottleRow).where(SignInThrottleRow.key == f"account:{username}"))
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


def actor_by_email(sm: sessionmaker, email: object) -> Actor:
    """The active account whose e-mail an admin set and its owner confirmed, matching `email` (case aside).
    An empty or missing address never matches."""
    email = email.strip().lower() if isinstance(email, str) else ""
    if not email or not _EMAIL.match(email):
        raise NotFound("user with that e-mail")
    with sm() as s:
        names = list(s.scalars(select(UserRow.username).where(
            func.lower(UserRow.email) == email, UserRow.email_confirmed.is_(True), UserRow.active.is_(True))))
    if len(names) != 1:  # none, or (never set up so) ambiguous
        raise NotFound("user with that e-mail")
    return actor(sm, names[0])


def set_email(sm: sessionmaker, username: str, email: str, *, by: str) -> None:
    """An admin sets (or clears) an account's e-mail for single sign-on; its owner must confirm it."""
    email = _check_email(email)
    with sm.begin() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound(f"user {username}")
        if email and s.scalar(select(UserRow.id).where(func.lower(UserRow.email) == email.lower(),
                                                       UserRow.id != row.id)) is not None:  # fmt: skip
            raise ValueError(f"another account already has the e-mail {email}")
        before = {"email": row.email, "confirmed": row.email_confirmed}
        row.email, row.email_confirmed = email, False
        s.add(AuditEventRow(at=now(), user=by, entity="user", entity_id=username, action="email", before=before,
                            after={"email": email, "confirmed": False}))  # fmt: skip


def confirm_email(sm: sessionmaker, username: str) -> str:
    """The account's owner, signed in, confirms that the e-mail an admin set is theirs."""
    with sm.begin() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound(f"user {username}")
        if not row.email:
            raise ValueError("no e-mail address has been set for this account")
        row.email_confirmed = True
        s.add(AuditEventRow(at=now(), user=username, entity="user", entity_id=username, action="email_confirm",
                            before=None, after={"email": row.email}))  # fmt: skip
        return row.email


def account(sm: sessionmaker, username: str) -> dict:
    """What the account page shows its owner."""
    with sm() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound(f"user {username}")
        return {"username": row.username, "display_name": row.display_name, "email": row.email,
                "email_confirmed": row.email_confirmed}  # fmt: skip


def _throttle_wait(s: Session, key: str, at: datetime) -> int:
    row = s.get(SignInThrottleRow, key)
    if row is None or row.locked_until is None or row.locked_until <= at:
        return 0
    return int((row.locked_until - at).total_seconds()) + 1


def _count_failure(s: Session, key: str, at: datetime, free: int, cap: int) -> int:
    """One more failure for `key` (forgotten after FAILURE_MEMORY); returns the wait it now imposes."""
    row = s.get(SignInThrottleRow, key, with_for_update=True)
    if row is None:
        row = SignInThrottleRow(key=key, failures=0, last_failure=at)
        s.add(row)
    if (at - row.last_failure).total_seconds() > FAILURE_MEMORY:
        row.failures = 0
    row.failures += 1
    row.last_failure = at
    wait = lock_seconds(row.failures, free, cap)
    row.locked_until = at + timedelta(seconds=wait) if wait else None
    return wait


def sign_in(sm: sessionmaker, username: str, password: str, at: datetime | None = None, source: str = "") -> Actor:
    """Check a password, throttled per account name and per source address.

    Every attempt does the same work (one argon2 verification: a dummy hash for an unknown name or while a wait
    is running) and gets the same answer whether or not the account exists; unknown names are throttled like
    real ones. An account's wait never exceeds ACCOUNT_MAX_LOCK seconds; `mlps user unlock` clears it."""
    at = at or now()
    username = username.strip()[:100]
    account_key, source_key = f"account:{username}", f"source:{source.strip()[:150]}"
    failure: SignInFailed | None = None
    for attempt in range(2):
        try:
            with sm.begin() as s:  # failures are committed before they are reported
                row = s.scalar(select(UserRow).where(UserRow.username == username))
                waiting = max(_throttle_wait(s, account_key, at), _throttle_wait(s, source_key, at) if source else 0)
                real = row is not None and row.active and not waiting
                ok = verify_password(row.password_hash if real else _DUMMY_HASH, password) and real
                if waiting:
                    failure = SignInFailed(wait=waiting)
                elif not ok:
                    wait = _count_failure(s, account_key, at, ACCOUNT_FREE, ACCOUNT_MAX_LOCK)
                    if source:
                        wait = max(wait, _count_failure(s, source_key, at, SOURCE_FREE, SOURCE_MAX_LOCK))
                    s.add(AuditEventRow(at=at, user=username or "?", entity="user", entity_id=username or "?",
                                        action="sign_in_failed", before=None, after={"source": source[:150]}))
                    failure = SignInFailed(wait=wait)
                else:
                    s.execute(delete(SignInThrottleRow).where(SignInThrottleRow.key == account_key))
                    s.add(AuditEventRow(at=at, user=username, entity="user", entity_id=username, action="sign_in",
                                        before=None, after={"source": source[:150]}))  # fmt: skip
            break
        except IntegrityError:  # two first failures for one key at once: count again
            if attempt:
                raise
    if failure is not None:
        raise failure
    return actor(sm, username)


def password_matches(sm: sessionmaker, username: str, password: str) -> bool:
    with sm() as s:
        stored = s.scalar(select(UserRow.password_hash).where(UserRow.username == username))
    return verify_password(stored or _DUMMY_HASH, password) and stored is not None


def unlock(sm: sessionmaker, username: str, *, by: str) -> bool:
    """Clear an account's sign-in wait (and its count of failures). True if there was one."""
    with sm.begin() as s:
        done = s.execute(delete(SignInThrottleRow).where(SignInThrottleRow.key == f"account:{username}"))
        s.execute(update(UserRow).where(UserRow.username == username).values(failed_count=0, locked_until=None))
        s.add(AuditEventRow(at=now(), user=by, entity="user", entity_id=username[:100], action="unlock",
                            before=None, after=None))  # fmt: skip
        return done.rowcount > 0


def list_users(sm: sessionmaker) -> list[tuple[str, str, bool, dict[int, str]]]:
    with sm() as s:
        users = list(s.scalars(select(UserRow).order_by(UserRow.username)))
        members: dict[int, dict[int, str]] = {}
        for uid, org, role in s.execute(
            select(MembershipRow.user_id, MembershipRow.organisation_id, MembershipRow.role)
        ):
            members.setdefault(uid, {})[org] = role
        return [(u.username, u.display_name, u.is_admin, members.get(u.id, {})) for u in users]
