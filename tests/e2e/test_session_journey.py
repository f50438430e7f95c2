"""Ms Wang signs in, reloads the page and is still signed in on the same page and school; the session lives in
an HttpOnly cookie checked against the server's session table, never in the URL; signing out ends it, so a
reload (or the old cookie replayed) asks to sign in again. Files need that session too."""

from __future__ import annotations

import urllib.error
import urllib.request

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.adapters.store.models import SessionRow
from mlps.rules.domain import Organisation
from tests.e2e.conftest import sign_in

SIDEBAR = '[data-testid="stSidebar"]'


def _status(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_reload_keeps_the_user_signed_in_until_sign_out(page: Page, app_url, app_db_url):
    sm = open_store(app_db_url)
    repo.save_organisation(sm, Organisation(name="甲校"), "setup")
    second = repo.save_organisation(sm, Organisation(name="乙校"), "setup")
    sign_in(page, app_url)
    page.goto(f"{app_url}/systems?org={second.id}")
    expect(page.locator(SIDEBAR).get_by_text("已登录：")).to_be_visible(timeout=20_000)
    page.wait_for_timeout(1500)  # the cookie exchange runs in the page after sign-in
    cookie = next(c for c in page.context.cookies() if c["name"] == "mlps_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] not in page.url

    page.reload()
    expect(page.locator(SIDEBAR).get_by_text("已登录：王老师")).to_be_visible(timeout=20_000)
    expect(page.locator(SIDEBAR).get_by_role("combobox", name="单位")).to_have_value("乙校")

    page.goto(app_url)  # a new visit without the organisation in the URL: it comes back from the session
    expect(page.locator(SIDEBAR).get_by_role("combobox", name="单位")).to_have_value("乙校", timeout=20_000)

    assert _status(f"{app_url}/media/0123456789abcdef.bin") == 403  # no session, no file
    assert _status(f"{app_url}/media/0123456789abcdef.bin", f"mlps_session={cookie['value']}") == 404  # let in

    page.locator(SIDEBAR).get_by_role("button", name="退出登录").click()
    # exact names: "退出登录" (sign out) contains "登录" (sign in)
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible(timeout=20_000)
    expect(page.get_by_role("textbox", name="用户名")).to_be_visible()
    expect(page.locator(SIDEBAR).get_by_text("已登录：")).to_have_count(0)
    with sm() as s:  # the session the cookie names is revoked on the server, not only forgotten by the tab
        assert s.scalar(select(func.count()).select_from(SessionRow).where(
            SessionRow.username == "wang", SessionRow.revoked_at.is_(None), SessionRow.token_hash.is_not(None))) == 0
    page.reload()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible(timeout=20_000)
    # the old cookie, replayed, names a revoked session: still the sign-in page, and no file either
    page.context.add_cookies([{**cookie}])
    page.reload()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible(timeout=20_000)
    expect(page.locator(SIDEBAR).get_by_text("已登录：")).to_have_count(0)
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
    assert _status(f"{app_url}/media/0123456789abcdef.bin", f"mlps_session={cookie['value']}") == 403


def test_the_app_sends_security_headers(app_url):
    with urllib.request.urlopen(f"{app_url}/", timeout=10) as r:
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert r.headers["Referrer-Policy"] == "no-referrer"
