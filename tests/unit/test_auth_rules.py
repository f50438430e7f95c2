"""Roles, passwords and the slow-down after failed sign-ins."""

import pytest

from mlps.rules.auth import (
    ACCOUNT_MAX_LOCK,
    Actor,
    PasswordRejected,
    PermissionDenied,
    Role,
    check_password_strength,
    hash_password,
    lock_seconds,
    verify_password,
)


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
    h = hash_password("lantern-orchard-42")
    assert h.startswith("$argon2id$") and "lantern-orchard-42" not in h
    assert verify_password(h, "lantern-orchard-42") and not verify_password(h, "lantern-orchard-43")
    assert not verify_password("", "anything") and not verify_password("garbage", "x")
    with pytest.raises(ValueError):
        hash_password("short1")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("eleven-char", "short"),  # 11 characters: ASVS asks for at least 12
        ("x" * 201, "long"),
        ("password1234", "common"),  # on the shipped list
        ("Password-2024!", "common"),  # a listed word with only digits and symbols around it
        ("qwertyuiopasdf", "common"),  # a keyboard walk
        ("aaaaaaaaaaaaaaaa", "common"),  # too few different characters
        ("zhangsan-is-here-9", "username"),
    ],
)
def test_weak_passwords_are_refused_with_the_rule_they_break(password, code):
    with pytest.raises(PasswordRejected) as caught:
        check_password_strength(password, username="zhangsan")
    assert caught.value.code == code


def test_a_long_password_needs_no_digit_symbol_or_capital():
    """No composition rule (ASVS V2.1.9): twelve lower-case letters in words pass, and so does Chinese."""
    for fine in ("lanternorchard", "purple elephant dances", "青山县一中的机房钥匙在这里"):
        check_password_strength(fine, username="zhangsan")


def test_failed_sign_ins_slow_down_after_five_and_an_account_waits_at_most_a_minute():
    assert [lock_seconds(n) for n in range(1, 10)] == [0, 0, 0, 0, 2, 4, 8, 16, 32]
    assert lock_seconds(50) == ACCOUNT_MAX_LOCK == 60
