"""Mr Zhao, a viewer at his school, signs in (after one wrong password), sees only his school, tries to change
it and is refused, cannot save an assessment result, and signs out: the sign-in form is back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from mlps.adapters.store.models import AssessmentRow, MembershipRow, OrganisationRow, SystemRow, UserRow
from mlps.rules.auth import Role
from mlps.rules.domain import Organisation, System

VIEWER, VIEWER_PW = "zhao_viewer", "viewer-pass-42"
SCHOOL, OTHER = "青松县实验小学", "白云县第二中学"
SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture(scope="module")
def viewer_school(app_db_url, app_url):
    """In the shared app's database: a school with a system and an assessment where Zhao is a viewer, and
    another school he has no role in."""
    sm = open_store(app_db_url)
    school = repo.save_organisation(sm, Organisation(name=SCHOOL), "setup")
    other = repo.save_organisation(sm, Organisation(name=OTHER), "setup")
    system = repo.save_system(sm, System(name="图书借阅系统", organisation_id=school.id), "setup")
    assessment = repo.start_assessment(sm, system.id, 2, [], "setup", "setup", title="只读测试")
    users.create_user(sm, VIEWER, VIEWER_PW, by="setup", display_name="赵老师")
    users.set_role(sm, VIEWER, school.id, Role.VIEWER, by="setup")
    yield sm, school, system, assessment
    # leave the database as it was
    with sm.begin() as s:
        s.execute(delete(MembershipRow).where(MembershipRow.organisation_id == school.id))
        s.execute(delete(UserRow).where(UserRow.username == VIEWER))
        s.execute(delete(AssessmentRow).where(AssessmentRow.id == assessment.id))
        s.execute(delete(SystemRow).where(SystemRow.id == system.id))
        s.execute(delete(OrganisationRow).where(OrganisationRow.id.in_([school.id, other.id])))
    sm.kw["bind"].dispose()


def fill_sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_role("textbox", name="用户名").fill(username)
    page.get_by_role("textbox", name="密码").fill(password)
    page.get_by_role("button", name="登录").click()


def open_options(page: Page, combobox) -> list[str]:
    """The options of a select box. The app reruns after sign-in and may close a list opened meanwhile: retry."""
    for _ in range(5):
        combobox.click()
        try:
            expect(page.get_by_role("option").first).to_be_visible(timeout=3_000)
            return page.get_by_role("option").all_inner_texts()
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError("the select box did not open")


def test_sign_in_refused_edit_and_sign_out(page: Page, app_url: str, viewer_school):
    sm, school, system, assessment = viewer_school
    page.goto(app_url)
    expect(page.get_by_role("textbox", name="用户名")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name="测评记录")).to_have_count(0)  # nothing but the sign-in

    fill_sign_in(page, VIEWER, "wrong-password-1")
    expect(page.get_by_text("用户名或密码不正确。")).to_be_visible(timeout=15_000)
    fill_sign_in(page, VIEWER, VIEWER_PW)
    expect(page.get_by_text("已登录：赵老师")).to_be_visible(timeout=20_000)

    # only his school is offered
    assert open_options(page, page.locator(SIDEBAR).get_by_role("combobox").first) == [SCHOOL]
    page.keyboard.press("Escape")

    # changing the school's details is refused by the core, with a message; nothing changes
    page.get_by_role("link", name="单位与系统").click()
    expect(page.get_by_role("heading", name="单位与系统")).to_be_visible(timeout=15_000)
    save_org = page.get_by_role("button", name="保存单位信息").first
    if save_org.is_enabled():
        page.get_by_role("textbox", name="名称").first.fill("改过的名字")
        save_org.click()
        expect(page.get_by_text(re.compile(r"(未保存|没有权限)：.*may not"))).to_be_visible(timeout=15_000)
    assert repo.get_organisation(sm, school.id).name == SCHOOL

    # an assessment result cannot be saved
    page.get_by_role("link", name="测评记录").click()
    expect(page.get_by_text("你在该单位是“只读”角色，可以查看和下载，不能修改。")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="保存", exact=True)).to_be_disabled(timeout=30_000)
    expect(page.get_by_role("button", name="开始测评")).to_have_count(0)
    assert repo.results(sm, assessment.id) == []

    # sign out: the sign-in form is back and nothing of the school is shown, even through a page link
    # (the sidebar keeps the previous run's page links until a reload; following one shows the sign-in)
    page.locator(SIDEBAR).get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("textbox", name="用户名")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("已登录：赵老师")).to_have_count(0)
    expect(page.get_by_text(SCHOOL)).to_have_count(0)
    stale = page.get_by_role("link", name="单位与系统")
    if stale.count():
        stale.click()
        page.wait_for_timeout(1_500)
        expect(page.get_by_role("textbox", name="用户名")).to_be_visible(timeout=15_000)
        expect(page.get_by_text(SCHOOL)).to_have_count(0)
    page.reload()
    expect(page.get_by_role("textbox", name="用户名")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("link", name="测评记录")).to_have_count(0)
    events = [e.action for e in repo.history(sm, "user", VIEWER)]
    assert events[:2] == ["sign_in", "sign_in_failed"]
