"""Who may do what: roles per organisation, password hashing, and the slow-down after failed sign-ins.

Roles (per organisation): admin (users, settings, everything below), assessor (edit systems, gradings,
assessments and plans), viewer (read and download). A site administrator is admin of every organisation and
the only one who creates organisations and users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

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


MIN_PASSWORD = 10


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    if password.isdigit() or password.isalpha():
        raise ValueError("a password needs letters and at least one digit or symbol")


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def lock_seconds(failures: int) -> int:
    """How long to refuse attempts after `failures` consecutive failures: none for the first three, then
    doubling from 2 s up to 5 minutes."""
    if failures < 3:
        return 0
    return min(2 ** (failures - 2), 300)
