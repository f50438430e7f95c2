"""The account commands an administrator uses at the server (issue 13): the setup token only on a fresh database,
unlock, e-mail and password reset; an unknown user or a refused password is one line on stderr and exit 2, never a
traceback."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from mlps.adapters.store.repository.audit import now
from tests.cli import run

PW = "lantern-orchard-42"


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'mlps.db'}"


def _one_line_refusal(r) -> None:
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_the_setup_token_is_printed_once_for_an_empty_database_only(db):
    first = run("setup-token", "--database", db)
    assert first.returncode == 0 and len(json.loads(first.stdout)["setup_token"]) >= 20
    users.create_first_admin(open_store(db), json.loads(first.stdout)["setup_token"], "wang", PW)
    _one_line_refusal(run("setup-token", "--database", db))
    quiet = run("setup-token", "--if-needed", "--database", db)
    assert quiet.returncode == 0 and json.loads(quiet.stdout)["setup_token"] is None


def test_unknown_users_and_refused_passwords_are_one_line_and_exit_2(db):
    users.create_user(open_store(db), "wang", PW, by="t", is_admin=True)
    _one_line_refusal(run("user", "role", "nobody", "--organisation", "1", "--role", "viewer", "--database", db))
    _one_line_refusal(run("user", "unlock", "nobody", "--database", db))
    _one_line_refusal(run("user", "password", "wang", "--password-stdin", "--database", db, stdin="password123\n"))


def test_unlock_clears_a_wait_and_a_password_reset_ends_the_sessions(db):
    sm = open_store(db)
    users.create_user(sm, "wang", PW, by="t", is_admin=True)
    at = now()
    for _ in range(6):
        with pytest.raises(users.SignInFailed):
            users.sign_in(sm, "wang", "wrong-password-1", at=at)
    with pytest.raises(users.SignInFailed) as waiting:
        users.sign_in(sm, "wang", PW, at=at + timedelta(seconds=1))
    assert waiting.value.wait > 0
    unlocked = run("user", "unlock", "wang", "--database", db)
    assert unlocked.returncode == 0 and json.loads(unlocked.stdout)["was_waiting"] is True
    assert users.sign_in(sm, "wang", PW, at=at + timedelta(seconds=1)).username == "wang"
    reset = run("user", "password", "wang", "--password-stdin", "--database", db, stdin="violet-harbour-2031\n")
    assert reset.returncode == 0
    assert users.sign_in(sm, "wang", "violet-harbour-2031").username == "wang"
