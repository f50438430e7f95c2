"""Access is checked in the core: a viewer changes nothing, a user of organisation A never sees B."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import PermissionDenied, Role
from mlps.rules.domain import Organisation, Result, System
from mlps.services.workspace import Workspace

PW = "lantern-orchard-42"


@pytest.fixture
def two_schools(store):
    a = repo.save_organisation(store, Organisation(name="A 中学"), "setup")
    b = repo.save_organisation(store, Organisation(name="B 中学"), "setup")
    sa = repo.save_system(store, System(name="A 网站", organisation_id=a.id), "setup")
    sb = repo.save_system(store, System(name="B 网站", organisation_id=b.id), "setup")
    for name, org, role in (("viewer", a, Role.VIEWER), ("assessor", a, Role.ASSESSOR), ("other", b, Role.ADMIN)):
        users.create_user(store, name, PW, by="setup")
        users.set_role(store, name, org.id, role, by="setup")
    assessment = repo.start_assessment(store, sa.id, 2, [], "v", "setup")
    return a, b, sa, sb, assessment


def ws(store, name):
    return Workspace(store, users.actor(store, name))


def test_a_viewer_reads_but_cannot_change_anything(store, two_schools):
    a, _b, sa, _sb, assessment = two_schools
    viewer = ws(store, "viewer")
    assert [o.name for o in viewer.organisations()] == ["A 中学"]
    assert viewer.results(assessment.id) == []
    with pytest.raises(PermissionDenied):
        viewer.save_result(assessment.id, "L2-PES1-01", expected_version=0, result=Result.CONFORM)
    with pytest.raises(PermissionDenied):
        viewer.save_system(System(name="改名", organisation_id=a.id, id=sa.id))
    with pytest.raises(PermissionDenied):
        viewer.start_assessment(sa.id, 2, [], "v")
    assert repo.results(store, assessment.id) == []
    assert repo.get_system(store, sa.id).name == "A 网站"


def test_an_assessor_records_results_but_does_not_manage_the_organisation(store, two_schools):
    a, _b, _sa, _sb, assessment = two_schools
    assessor = ws(store, "assessor")
    saved = assessor.save_result(assessment.id, "L2-PES1-01", expected_version=0, result=Result.CONFORM)
    assert saved.updated_by == "assessor"
    with pytest.raises(PermissionDenied):
        assessor.save_organisation(Organisation(name="A 中学（改）", id=a.id))
    with pytest.raises(PermissionDenied):
        assessor.set_role("viewer", a.id, Role.ADMIN)


def test_a_user_of_one_organisation_cannot_see_another(store, two_schools):
    a, b, sa, sb, assessment = two_schools
    other = ws(store, "other")
    assert [o.name for o in other.organisations()] == ["B 中学"]
    for call in (lambda: other.systems(a.id), lambda: other.get_system(sa.id), lambda: other.results(assessment.id),
                 lambda: other.get_organisation(a.id)):  # fmt: skip
        with pytest.raises(PermissionDenied):
            call()
    assert [s.name for s in other.systems(b.id)] == ["B 网站"]


def test_a_system_cannot_be_moved_into_another_organisation(store, two_schools):
    _a, b, sa, _sb, _ = two_schools
    other = ws(store, "other")
    with pytest.raises(PermissionDenied):
        other.save_system(System(name="A 网站", organisation_id=b.id, id=sa.id))


def test_sign_in_is_generic_and_slows_down_after_repeated_failures(store, two_schools):
    start = datetime(2026, 11, 29, 9, 0)
    with pytest.raises(users.SignInFailed) as unknown:
        users.sign_in(store, "nobody", PW, at=start)
    with pytest.raises(users.SignInFailed) as wrong:
        users.sign_in(store, "viewer", "wrong-password-1", at=start)
    assert str(unknown.value) == str(wrong.value) == "unknown user name or wrong password"
    for _ in range(3):
        with pytest.raises(users.SignInFailed):
            users.sign_in(store, "viewer", "wrong-password-1", at=start)
    with pytest.raises(users.SignInFailed, match="try again in 2 s"):
        users.sign_in(store, "viewer", "wrong-password-1", at=start)  # fifth failure: waits 2 s
    with pytest.raises(users.SignInFailed) as locked:
        users.sign_in(store, "viewer", PW, at=start + timedelta(seconds=1))  # even the right password waits
    assert locked.value.wait >= 1
    actor = users.sign_in(store, "viewer", PW, at=start + timedelta(seconds=3))
    assert actor.username == "viewer" and actor.roles
    events = [e.action for e in repo.history(store, "user", "viewer")]
    assert events.count("sign_in_failed") == 5 and events[0] == "sign_in"
