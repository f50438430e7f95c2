"""In a browser: an assessor types a row into the data survey grid on the grading page, picks its data class,
saves, and the row is stored where the filing form reads it; then records a significant change on the
obligations page and sees re-grading due."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.rules.domain import HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.rules.grading import grade
from mlps.services.report_data import data_survey_from_profile
from tests.e2e.conftest import sign_in


def test_a_data_survey_row_typed_into_the_grid_is_stored_for_the_filing_form(page: Page, app_url: str, app_db_url):
    sm = open_store(app_db_url)
    org = repo.save_organisation(sm, Organisation(name="青山县第二中学"), "test")
    system = repo.save_system(sm, System(name="招生录取系统", organisation_id=org.id), "test")
    result = grade(
        Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS), Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL)
    )
    repo.add_grading(sm, result.to_record(system.id, graded_on=date.today() - timedelta(days=20), graded_by="王"), "t")

    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, f"{app_url}/?org={org.id}&system={system.id}")
    page.get_by_role("link", name="定级与备案", exact=True).click()
    expect(page.get_by_role("heading", name="备案表补充信息")).to_be_visible(timeout=30_000)
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid.locator("[role=columnheader]").filter(has_text="数据名称")).to_be_attached(timeout=15_000)
    page.get_by_role("button", name="保存数据资源调查表").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # let the scrolling settle before reading the grid's position
    box = grid.bounding_box()
    assert box is not None
    # the grid is a canvas: cells are reached by coordinates (header 35 px, rows 35 px; a row marker column first)
    name_cell = (box["x"] + 100, box["y"] + 35 + 17)
    page.mouse.click(*name_cell)
    page.mouse.dblclick(*name_cell)
    editor = page.locator("#portal textarea")
    expect(editor).to_be_visible(timeout=10_000)
    editor.fill("学生学籍信息")
    page.keyboard.press("Enter")
    expect(grid.locator("[role=gridcell]").filter(has_text="学生学籍信息").first).to_be_attached(timeout=15_000)
    page.mouse.dblclick(box["x"] + 230, box["y"] + 35 + 17)  # the data class of that row
    choice = page.locator("#portal [role=combobox]")
    expect(choice).to_be_attached(timeout=10_000)
    choice.fill("重要")  # the editor is a searchable list: type, then take the one match
    expect(page.get_by_role("option", name="重要数据")).to_be_visible(timeout=10_000)
    choice.press("Enter")
    # the grid's accessible mirror holds the option's value, not its label
    expect(grid.locator("[role=gridcell]").filter(has_text="important").first).to_be_attached(timeout=15_000)
    page.get_by_role("button", name="保存数据资源调查表").click()
    expect(page.get_by_text("已保存数据资源调查表（1 行）。")).to_be_visible(timeout=15_000)
    rows = data_survey_from_profile(repo.get_system_profile(sm, system.id))
    assert [(r.name, r.data_class) for r in rows] == [("学生学籍信息", "important")]

    page.get_by_role("link", name="法定义务与期限", exact=True).click()
    expect(page.get_by_role("heading", name="系统变化与重新定级")).to_be_visible(timeout=30_000)
    page.get_by_role("textbox", name="变化内容").fill("新增在线缴费功能")
    page.get_by_role("button", name="记录变化").click()
    expect(page.get_by_text(f"已记录 {date.today()} 的重大变化")).to_be_visible(timeout=15_000)
    due = (date.today() + timedelta(days=30)).isoformat()
    section = page.locator('[data-testid="stExpander"]', has_text="招生录取系统")
    expect(section.get_by_text(f"变更后重新定级：{due} 前")).to_be_visible(timeout=15_000)
    sm.kw["bind"].dispose()
