"""Users change their own password and confirm their e-mail; admins reset a password, set an e-mail and clear a
sign-in wait; an organisation admin sees and manages only their organisation's members."""

from __future__ import annotations

import contextlib

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.repository.audit import now
from mlps.rules.auth import Role
from mlps.rules.domain import Organisation
from tests.app.conftest import PASSWORD, new_app


def _page(page: str, user: str, **query):
    at = new_app(signed_in=user, **query)
    at.run()
    return at.switch_page(f"mlps/ui/pages/{page}.py").run()


def test_a_user_changes_their_own_password(demo_store):
    users.create_user(demo_store, "li", PASSWORD, by="test")
    at = _page("account", "li")
    at.text_input(key="pw_current").input("not-my-password")
    at.text_input(key="pw_new1").input("winter-lantern-93")
    at.text_input(key="pw_new2").input("winter-lantern-93")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["当前密码不正确。"]
    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new1").input("short")
    at.text_input(key="pw_new2").input("short")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["密码至少需要 12 个字符。"]
    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new1").input("winter-lantern-93")
    at.text_input(key="pw_new2").input("winter-lantern-93")
    at.button[0].click().run()
    assert [s.value for s in at.success] == ["密码已修改；其他已登录的浏览器已退出。"]
    assert users.sign_in(demo_store, "li", "winter-lantern-93").username == "li"


def test_a_user_confirms_the_email_an_admin_set(demo_store):
    users.create_user(demo_store, "li", PASSWORD, by="test")
    users.set_email(demo_store, "li", "li@example.edu.cn", by="wang")
    at = _page("account", "li")
    at.button(key="confirm_email").click().run()
    assert users.account(demo_store, "li")["email_confirmed"]
    assert users.actor_by_email(demo_store, "li@example.edu.cn").username == "li"


def test_an_organisation_admin_sees_and_manages_only_their_members(demo_store):
    school = repo.list_organisations(demo_store)[0]
    other = repo.save_organisation(demo_store, Organisation(name="别的学校"), "wang")
    for name, org in (("head", school), ("teacher", school), ("outsider", other)):
        users.create_user(demo_store, name, PASSWORD, by="test")
        users.set_role(demo_store, name, org.id, Role.ADMIN if name == "head" else Role.VIEWER, by="test")
    at = _page("users", "head", org=school.id)
    listed = set(at.dataframe[0].value.iloc[:, 0])
    assert listed == {"head", "teacher"}  # not the other school's member, not the site admin
    assert "outsider" not in at.selectbox(key="manage_user").options
    # an account created by an organisation admin is a member of that organisation, not a site-wide account
    at.text_input(key="new_user_name").input("newbie")
    at.text_input(key="new_user_pw").input("orchard-winter-77")
    at.button[0].click().run()
    assert users.actor(demo_store, "newbie").roles == {school.id: Role.VIEWER}


def test_an_admin_resets_a_password_and_clears_a_wait(demo_store):
    users.create_user(demo_store, "li", PASSWORD, by="test")
    at_ = now()
    for n in range(8):
        with contextlib.suppress(users.SignInFailed):
            users.sign_in(demo_store, "li", "wrong-password-x", at=at_, source=f"10.0.0.{n}")
    at = _page("users", "wang")
    at.selectbox(key="manage_user").set_value("li").run()
    at.button(key="manage_unlock").click().run()
    assert users.sign_in(demo_store, "li", PASSWORD, source="10.1.1.1").username == "li"
    at.text_input(key="manage_pw").input("meadow-copper-55")
    next(b for b in at.button if b.label == "重置密码").click().run()
    assert users.password_matches(demo_store, "li", "meadow-copper-55")
