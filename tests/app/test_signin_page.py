"""Only signed-in people see anything; the first run creates the administrator; viewers cannot edit."""

from __future__ import annotations

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from mlps.rules.auth import Role
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
    at.text_input(key="signin_username").input("nobody")  # an unknown name gets the very same answer
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["用户名或密码不正确。"]
    at.text_input(key="signin_username").input("wang")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click().run()
    assert any("已登录：王老师" in c.value for c in at.sidebar.caption)


def test_the_first_run_asks_for_the_first_administrator(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("MLPS_DATABASE_URL", url)
    at = new_app(signed_in=None)
    at.run()
    assert at.title[0].value == "首次使用：创建管理员"
    token = users.issue_setup_token(open_store(url))  # what `make run` / `mlps setup-token` prints
    at.text_input(key="first_token").input("a-guess")
    at.text_input(key="first_username").input("admin")
    at.text_input(key="first_pw1").input("long-enough-pw-1")
    at.text_input(key="first_pw2").input("long-enough-pw-1")
    at.button[0].click().run()
    assert [e.value[:9] for e in at.error] == ["初始化口令无效（只"]
    assert not users.has_users(open_store(url))
    at.text_input(key="first_token").input(token)
    at.text_input(key="first_pw1").input("password1234")
    at.text_input(key="first_pw2").input("password1234")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["未创建：这是常见密码，容易被猜中，请换一个。"]  # translated, not English
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


def test_single_sign_on_maps_a_verified_identity_to_the_account_whose_email_was_confirmed(demo_store):
    users.create_user(demo_store, "li", PASSWORD, by="test", display_name="李审计")
    users.set_email(demo_store, "li", "li@example.edu.cn", by="wang")
    users.confirm_email(demo_store, "li")
    at = new_app(signed_in=None)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "workbench", "client_secret": "s",
                          "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}  # fmt: skip
    at.run()
    assert "使用单位统一身份认证登录" in [b.label for b in at.button]
    at.user = {"is_logged_in": True, "email": "LI@example.edu.cn", "email_verified": True, "name": "Li"}
    at.run()
    assert any("已登录：李审计" in c.value for c in at.sidebar.caption)


def _sso_app(**claims):
    at = new_app(signed_in=None)
    at.secrets["auth"] = {"client_id": "workbench"}
    at.user = {"is_logged_in": True, **claims}
    return at.run()


def test_single_sign_on_without_a_verified_email_never_matches(demo_store):
    """Every account but one has an empty e-mail: an identity with an empty, missing or unverified e-mail claim
    (or someone else's address, unverified) gets no access, a plain message, and no traceback."""
    users.set_email(demo_store, "wang", "wang@example.edu.cn", by="wang")
    users.confirm_email(demo_store, "wang")
    for claims in ({"email": ""}, {}, {"email": None}, {"email": "wang@example.edu.cn", "email_verified": False},
                   {"email": "wang@example.edu.cn"}, {"email": "", "email_verified": True}):  # fmt: skip
        at = _sso_app(**claims)
        assert not at.exception, claims
        assert not any("已登录" in c.value for c in at.sidebar.caption), claims
        assert any("无法对应到工作台账号" in e.value for e in at.error), claims
    assert any("已登录：王老师" in c.value
               for c in _sso_app(email="wang@example.edu.cn", email_verified=True).sidebar.caption)  # fmt: skip


def test_single_sign_on_of_an_unknown_person_gets_no_access(demo_store):
    at = new_app(signed_in=None)
    at.secrets["auth"] = {"client_id": "workbench"}
    at.user = {"is_logged_in": True, "email": "stranger@example.com", "email_verified": True}
    at.run()
    assert any("尚未在工作台中开通" in e.value for e in at.error)
    assert not at.sidebar.selectbox


def test_a_database_error_while_signing_in_shows_no_traceback(demo_store, monkeypatch):
    """With the database failing under the gate (e.g. a write-locked SQLite file), a visitor sees the plain
    message with a reference number: no SQL, no parameters, no paths."""
    from sqlalchemy.exc import OperationalError

    def broken(*_a, **_k):
        raise OperationalError("UPDATE app_user SET failed_count=? WHERE username=?", ("wang",), Exception("locked"))

    monkeypatch.setattr(users, "sign_in", broken)
    at = new_app(signed_in=None)
    at.run()
    at.text_input(key="signin_username").input("wang")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert [e.value[:9] for e in at.error] == ["出错了，操作未完成。"[:9]]
    assert "app_user" not in str([e.value for e in at.error])


def test_a_query_parameter_that_is_not_an_ascii_number_is_ignored(demo_store):
    org = repo.list_organisations(demo_store)[0]
    system = repo.list_systems(demo_store, org.id)[0]
    for bad in ("²", "١", "1e3", "9" * 40, "-1"):
        at = new_app(org=bad, system=bad, assessment=bad)
        at.run()
        at.switch_page("mlps/ui/pages/assessment.py").run()
        assert not at.exception, bad
        assert not [e.value for e in at.error if "出错了" in e.value], bad
    at = new_app(org=org.id, system=system.id, assessment="²")
    at.run()
    at.switch_page("mlps/ui/pages/remediation.py").run()
    assert not at.exception and not [e.value for e in at.error if "出错了" in e.value]
