"""Who may do what: roles per organisation, password hashing, and the slow-down after failed sign-ins.

Roles (per organisation): admin (users, settings, everything below), assessor (edit systems, gradings,
assessments and plans), viewer (read and download). A site administrator is admin of every organisation and
the only one who creates organisations and users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_DATA = Path(__file__).resolve().parent.parent / "controls"  # where the catalogue and other rule data live

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters


class Role(IntEnum):
    VIEWER = 1
    ASSESSOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, word: str) -> Role:
        try:
            return cls[word.strip().upper()]
        except KeyError:
            raise ValueError(f"'{word}' is not a role (use admin, assessor or viewer)") from None


class PermissionDenied(PermissionError):
    """The signed-in user's role does not allow this; nothing was changed."""


@dataclass(frozen=True)
class Actor:
    username: str
    display_name: str = ""
    is_admin: bool = False
    roles: dict[int, Role] = field(default_factory=dict)  # organisation id -> role

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def role_in(self, organisation_id: int | None) -> Role | None:
        if self.is_admin:
            return Role.ADMIN
        return self.roles.get(organisation_id) if organisation_id is not None else None

    def can(self, organisation_id: int | None, needed: Role) -> bool:
        role = self.role_in(organisation_id)
        return role is not None and role >= needed

    def require(self, organisation_id: int | None, needed: Role, what: str) -> None:
        if not self.can(organisation_id, needed):
            raise PermissionDenied(f"{self.username} may not {what} (needs the {needed.name.lower()} role)")

    def visible(self, organisation_ids: list[int]) -> list[int]:
        return list(organisation_ids) if self.is_admin else [o for o in organisation_ids if o in self.roles]


MIN_PASSWORD = 12
MAX_PASSWORD = 200  # bounds the hashing work too


class PasswordRejected(ValueError):
    """A password the rules refuse: `code` names the rule (for a translated message), `params` its numbers."""

    def __init__(self, code: str, message: str, **params: object):
        super().__init__(message)
        self.code, self.params = code, params


_EDGES = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (controls/common_passwords.yaml), folded to lower case."""
    data = yaml.safe_load((_DATA / "common_passwords.yaml").read_text(encoding="utf-8"))
    return frozenset(str(p).casefold() for p in data["passwords"])


def check_password_strength(password: str, username: str = "") -> None:
    """At least 12 characters and no composition rule (OWASP ASVS 4.0.3 V2.1.1, V2.1.9); not a common password,
    nor one with only digits or symbols around a common one, nor one holding the user name (V2.1.7: the shipped
    list is an offline breached-password check)."""
    if len(password) < MIN_PASSWORD:
        raise PasswordRejected("short", f"a password needs at least {MIN_PASSWORD} characters", n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise PasswordRejected("long", f"a password has at most {MAX_PASSWORD} characters", n=MAX_PASSWORD)
    folded = password.casefold()
    common = common_passwords()
    if folded in common or _EDGES.sub("", folded) in common or len(set(folded)) < 4:
        raise PasswordRejected("common", "this password is on the list of common passwords; choose another")
    name = username.strip().casefold()
    if len(name) >= 3 and name in folded:
        raise PasswordRejected("username", "a password must not contain the user name")


def hash_password(password: str, username: str = "") -> str:
    check_password_strength(password, username)
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# Sign-in throttling. Failures are counted per account name (whether or not the account exists, so the answer
# never tells which names are real) and per source address; a count is forgotten FAILURE_MEMORY seconds after its
# last failure. An account's wait is bounded (ACCOUNT_MAX_LOCK) so that nobody can lock its owner out for long;
# one address guessing at many accounts waits longer.
ACCOUNT_FREE, ACCOUNT_MAX_LOCK = 5, 60
SOURCE_FREE, SOURCE_MAX_LOCK = 20, 900
FAILURE_MEMORY = 900


def lock_seconds(failures: int, free: int = ACCOUNT_FREE, cap: int = ACCOUNT_MAX_LOCK) -> int:
    """How long to refuse attempts after `failures` failures in a row: none for the first `free`, then doubling
    from 2 s up to `cap`."""
    if failures < free:
        return 0
    return min(2 ** (failures - free + 1), cap)
