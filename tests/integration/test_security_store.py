"""Issue 13 at the store: imports never overwrite a save made at the same moment, on both databases; text with
NUL characters and long object names are handled with a message; single sign-on matches only confirmed
e-mails; sign-in throttling is bounded and tells nothing about which accounts exist; the first administrator
needs the one-time setup token, and two people at once cannot both become it."""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
from datetime import timedelta

import pytest

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from mlps.adapters.store.repository.audit import now
from mlps.rules.domain import Organisation, Result, System
from mlps.rules.errors import NotFound
from tests.integration.import_race import race, seed

PW = "lantern-orchard-42"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'mlps.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, sqlite_url):
    return sqlite_url if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_an_import_racing_saves_never_overwrites_one(url):
    sm = open_store(url)
    counts = race(sm, seed(sm), seconds=4)
    assert counts["saves landed"] > 20 and counts["imports landed"] + counts["imports refused"] > 5, counts
    assert counts["lost"] == 0, counts
    assert not [k for k in counts if k.startswith("error")], counts


def test_nul_characters_and_long_object_names(url):
    sm = open_store(url)
    org = repo.save_organisation(sm, Organisation(name="学校"), "t")
    with pytest.raises(ValueError, match="NUL"):
        repo.save_system(sm, System(name="系统\x00", organisation_id=org.id), "t")
    assert repo.list_systems(sm, org.id) == []
    system = repo.save_system(sm, System(name="系统", organisation_id=org.id), "t")
    a = repo.start_assessment(sm, system.id, 2, [], "v", "t")
    with pytest.raises(ValueError, match="NUL"):
        repo.save_result(sm, a.id, "L2-CES1-01", "t", expected_version=0, record="a\x00b", result=Result.CONFORM)
    obj = "核心交换机" * 40  # 200 characters, the most the object column takes
    saved = repo.save_result(sm, a.id, "L2-CES1-01", "t", expected_version=0, assessed_object=obj,
                             result=Result.CONFORM)  # fmt: skip
    saved = repo.save_result(sm, a.id, "L2-CES1-01", "t", expected_version=saved.version, assessed_object=obj,
                             result=Result.PARTIAL)  # fmt: skip
    assert saved.version == 2 and len(repo.item_history(sm, a.id, "L2-CES1-01")) == 2


def test_single_sign_on_matches_only_an_e_mail_an_admin_set_and_its_owner_confirmed(sqlite_url):
    sm = open_store(sqlite_url)
    users.create_user(sm, "root", PW, by="t", is_admin=True)  # no e-mail, like every account before
    users.create_user(sm, "li", PW, by="t")
    for claim in ("", "   ", None, 42):
        with pytest.raises(NotFound):
            users.actor_by_email(sm, claim)
    with pytest.raises(NotFound):
        users.actor_by_email(sm, "li@example.edu.cn")
    users.set_email(sm, "li", "li@example.edu.cn", by="root")
    with pytest.raises(NotFound):  # set, not yet confirmed by li
        users.actor_by_email(sm, "li@example.edu.cn")
    users.confirm_email(sm, "li")
    assert users.actor_by_email(sm, "LI@example.edu.cn").username == "li"
    with pytest.raises(ValueError, match="already has"):
        users.set_email(sm, "root", "li@example.edu.cn", by="root")
    with pytest.raises(ValueError, match="not an e-mail"):
        users.set_email(sm, "root", "root", by="root")


def _attempt(sm, name, password, at, source="10.0.0.1"):
    began = time.perf_counter()
    try:
        users.sign_in(sm, name, password, at=at, source=source)
        outcome = "ok"
    except users.SignInFailed as exc:
        outcome = str(exc)
    return outcome, time.perf_counter() - began


def test_throttling_is_the_same_for_real_and_unknown_names_and_bounded(sqlite_url):
    sm = open_store(sqlite_url)
    users.create_user(sm, "wang", PW, by="t", is_admin=True)
    at = now()
    real = [_attempt(sm, "wang", "wrong-password-x", at, source=f"10.0.0.{n}") for n in range(12)]
    ghost = [_attempt(sm, "nobody", "wrong-password-x", at, source=f"10.0.1.{n}") for n in range(12)]
    assert [m for m, _ in real] == [m for m, _ in ghost]  # the same answers, waits included
    assert any("try again" in m for m, _ in real)
    # the same work: a locked real account and an unknown name both cost one argon2 verification
    locked = statistics.median(t for _, t in real[-5:])
    unknown = statistics.median(t for _, t in ghost[-5:])
    assert 0.5 < locked / unknown < 2, (locked, unknown)
    # the owner's wait is bounded: a minute after the last failure the right password works
    assert _attempt(sm, "wang", PW, at + timedelta(seconds=61), source="10.9.9.9")[0] == "ok"


def test_an_admin_can_clear_the_wait(sqlite_url):
    sm = open_store(sqlite_url)
    users.create_user(sm, "wang", PW, by="t", is_admin=True)
    at = now()
    for n in range(8):
        _attempt(sm, "wang", "wrong-password-x", at, source=f"10.0.0.{n}")
    assert "try again" in _attempt(sm, "wang", PW, at, source="10.9.9.9")[0]
    assert users.unlock(sm, "wang", by="root")
    assert _attempt(sm, "wang", PW, at, source="10.9.9.9")[0] == "ok"


def test_one_address_guessing_many_names_is_slowed_down(sqlite_url):
    sm = open_store(sqlite_url)
    users.create_user(sm, "wang", PW, by="t", is_admin=True)
    at = now()
    for n in range(25):
        _attempt(sm, f"guess{n}", "wrong-password-x", at, source="203.0.113.5")
    assert "try again" in _attempt(sm, "wang", PW, at, source="203.0.113.5")[0]
    assert _attempt(sm, "wang", PW, at, source="198.51.100.7")[0] == "ok"  # others are not affected


def test_the_first_administrator_needs_the_setup_token_and_only_one_wins(url):
    sm = open_store(url)
    with pytest.raises(PermissionError):
        users.create_first_admin(sm, "guessed", "admin", PW)
    token = users.issue_setup_token(sm)
    winners, barrier = [], threading.Barrier(4)

    def claim(k: int) -> None:
        barrier.wait()
        with contextlib.suppress(PermissionError):
            winners.append(users.create_first_admin(sm, token, f"admin{k}", PW).username)

    threads = [threading.Thread(target=claim, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert [u for u, *_ in users.list_users(sm)] == winners
    assert users.issue_setup_token(sm) is None  # no more tokens once an account exists
