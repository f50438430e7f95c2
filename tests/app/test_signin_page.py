"""Only signed-in people see anything; the first run creates the administrator; viewers cannot edit."""

from __future__ import annotations

from mlps.auth import Role
from mlps.store import repository as repo
from mlps.store import users
from mlps.store.db import open_store
from tests.app.conftest import PASSWORD, new_app


def test_an_unauthenticated_visitor_sees_only_the_sign_in(demo_store):
    at = new_app(signed_in=None)
    at.run()
    assert [b.label for b in at.button] == ["登录"]
    assert not at.dataframe and not at.sidebar.selectbox
    at.text_input(key="signin_username").input("wang")
    at.text_input(key="signin_password").input("wrong-password-9")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["用户名或密码不正确。"]
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click().run()
    assert any("已登录：王老师" in c.value for c in at.sidebar.caption)


def test_the_first_run_asks_for_the_first_administrator(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("MLPS_DATABASE_URL", url)
    at = new_app(signed_in=None)
    at.run()
    assert at.title[0].value == "首次使用：创建管理员"
    at.text_input(key="first_username").input("admin")
    at.text_input(key="first_pw1").input("long-enough-pw-1")
    at.text_input(key="first_pw2").input("long-enough-pw-1")
    at.button[0].click().run()
    assert not at.exception
    assert users.actor(open_store(url), "admin").is_admin


def test_a_viewer_opening_an_assessment_cannot_save(demo_store):
    org = repo.list_organisations(demo_store)[0]
    users.create_user(demo_store, "zhao", PASSWORD, by="test")
    users.set_role(demo_store, "zhao", org.id, Role.VIEWER, by="test")
    system = repo.list_systems(demo_store, org.id)[0]
    assessment = repo.list_assessments(demo_store, system.id)[0]
    before = repo.results(demo_store, assessment.id)
    at = new_app(signed_in="zhao", org=org.id, system=system.id, assessment=assessment.id)
    at.run()
    at.switch_page("mlps/ui/pages/assessment.py").run()
    assert any(i.value == "你在该单位是“只读”角色，可以查看和下载，不能修改。" for i in at.info)
    save = next((b for b in at.button if b.label == "保存"), None)
    assert save is None or save.disabled
    assert repo.results(demo_store, assessment.id) == before
