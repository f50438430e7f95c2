"""A flood of anonymous browser sessions (issue 13, item 6): 100 websocket sessions opened at once without a session
cookie, each asking for a run of the app as a browser does. Before, every one of them was admitted and the health
check went unanswered for over a minute; now a few are admitted (a rate with a short burst, and a bound per
address), the rest are refused at the handshake (a real browser retries by itself), the health check keeps
answering, a signed-in browser's session is admitted whatever the flood, and a person can still sign in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from mlps.adapters.store.db import open_store
from mlps.services import accounts
from tests.e2e.conftest import ADMIN, sign_in
from tests.e2e.flood import flood


def test_a_flood_of_anonymous_sessions_is_bounded_and_the_app_keeps_answering(page: Page, app_url, app_db_url):
    sm = open_store(app_db_url)
    _sid, code = accounts.start_session(sm, ADMIN)
    cookie, _lifetime = accounts.exchange_code(sm, code)
    got = flood(app_url, 100, cookie)
    assert got["admitted"] <= 10, got  # a burst of 4 and 2 a second (Settings.new_sessions_per_second)
    assert got["refused_with"].get(403, 0) >= 90, got  # refused at the handshake
    assert got["signed_in_admitted"], got
    assert max(got["health_waits"]) < 10, got  # before: no answer for over a minute
    sign_in(page, app_url)  # the refused browser's retry gets in once the burst has passed
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
