"""A user opens the workbench in a browser and finds a level-3 requirement."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in


def test_requirements_table_shows_a_level_3_item_and_switches_to_english(page: Page, app_url: str):
    sign_in(page, app_url)
    page.get_by_role("link", name="要求目录").click()
    expect(page.get_by_role("heading", name="等级保护要求目录")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("第3级：共 211 项")).to_be_visible(timeout=15_000)  # 4.6-6.8 s seen under load
    search = page.get_by_role("textbox", name="搜索（中文或英文）")
    search.fill("L3-CES1-17")
    search.press("Enter")
    expect(page.get_by_text("当前显示 1 项")).to_be_visible()
    # the grid is drawn on a canvas; its accessible table mirrors the visible cells
    expect(page.locator("[role=gridcell]").filter(has_text="L3-CES1-17").first).to_be_attached(timeout=15_000)
    expect(page.locator("[role=gridcell]").filter(has_text="L3-PES1-01")).to_have_count(0)
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="MLPS requirement catalogue")).to_be_visible()
    expect(page.get_by_text("Level 3: 211 items, 1 shown")).to_be_visible()
    assert "lang=en" in page.url
