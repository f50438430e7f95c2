"""Roles, passwords and the slow-down after failed sign-ins."""

import pytest

from mlps.rules.auth import Actor, PermissionDenied, Role, hash_password, lock_seconds, verify_password


def test_roles_are_ordered_and_scoped_to_an_organisation():
    li = Actor("li", roles={1: Role.ASSESSOR, 2: Role.VIEWER})
    assert li.can(1, Role.VIEWER) and li.can(1, Role.ASSESSOR) and not li.can(1, Role.ADMIN)
    assert li.can(2, Role.VIEWER) and not li.can(2, Role.ASSESSOR)
    assert not li.can(3, Role.VIEWER)
    assert li.visible([1, 2, 3]) == [1, 2]
    with pytest.raises(PermissionDenied, match="li may not record results"):
        li.require(2, Role.ASSESSOR, "record results")


def test_a_site_administrator_is_admin_everywhere():
    root = Actor("root", is_admin=True)
    assert root.can(99, Role.ADMIN) and root.visible([5, 6]) == [5, 6]


def test_passwords_are_hashed_with_argon2_and_weak_ones_refused():
    h = hash_password("correct-horse-7")
    assert h.startswith("$argon2id$") and "correct-horse-7" not in h
    assert verify_password(h, "correct-horse-7") and not verify_password(h, "correct-horse-8")
    assert not verify_password("", "anything") and not verify_password("garbage", "x")
    for weak in ("short1", "onlyletterslong", "12345678901"):
        with pytest.raises(ValueError):
            hash_password(weak)


def test_failed_sign_ins_slow_down_after_three():
    assert [lock_seconds(n) for n in range(1, 8)] == [0, 0, 2, 4, 8, 16, 32]
    assert lock_seconds(50) == 300
