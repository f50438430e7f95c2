"""Mr Li opens the portfolio of the demo school and sees every system with its score, worst first."""

import pytest
from playwright.sync_api import Page, expect

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.rules.catalogue import load_catalogue
from mlps.services import demo
from tests.e2e.conftest import sign_in


@pytest.fixture
def demo_school(app_db_url, app_url):
    """The demo school in the shared app's database, removed afterwards (the other journeys make their own)."""
    sm = open_store(app_db_url)
    made = not demo.exists(sm)
    if made:
        demo.create(sm, load_catalogue())
    org = next(o for o in repo.list_organisations(sm) if o.name == demo.DEMO_NAME)
    yield org, repo.list_systems(sm, org.id)
    if made:
        demo.remove(sm)
    sm.kw["bind"].dispose()


def test_the_portfolio_of_the_demo_school_shows_every_system(page: Page, app_url: str, demo_school):
    org, systems = demo_school
    assert len(systems) == 4  # with the level-3 data platform that has a protection work plan
    sign_in(page, f"{app_url}/portfolio?org={org.id}")
    page.get_by_role("link", name="系统总览").click()
    expect(page.get_by_role("heading", name="系统总览")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(f"{org.name} 的全部 {len(systems)} 个系统")).to_be_visible(timeout=30_000)
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible(timeout=30_000)
    for s in systems:  # the chart of scores names every system (its axis labels are SVG text)
        expect(chart.get_by_text(s.name, exact=True)).to_be_visible(timeout=15_000)
    expect(page.get_by_text("各系统最近一次测评得分")).to_be_visible()
    expect(page.get_by_role("heading", name="当前系统的测评看板")).to_be_visible(timeout=15_000)
