"""Ms Wang adds her student-records system (and her school, on an empty database), grades it with the wizard
from the school preset, and sees the filing deadline (10 working days on the official calendar) on the
obligations page."""

from datetime import date

from playwright.sync_api import Page, expect

from mlps.rules.obligations import filing_deadline
from tests.e2e.conftest import sign_in

SCHOOL = "青山县第五中学"
SYSTEM = "学籍管理系统"


def test_grade_a_new_system_and_see_its_filing_deadline(page: Page, app_url: str):
    sign_in(page, app_url)
    page.get_by_role("link", name="单位与系统", exact=True).click()
    expect(page.get_by_role("heading", name="单位与系统")).to_be_visible(timeout=30_000)
    new_org = page.locator("details", has_text="新建单位").first
    if new_org.get_attribute("open") is not None:  # an empty database: create the school first
        new_org.get_by_role("textbox", name="名称").fill(SCHOOL)
        new_org.get_by_role("button", name="保存单位信息").click()
        expect(page.get_by_text(f"编辑单位：{SCHOOL}")).to_be_visible(timeout=15_000)
    page.get_by_role("tab", name="定级对象").click()  # otherwise: a new system in the school already there
    new_system = page.locator("details", has_text="新建定级对象").first
    expect(new_system).to_be_visible(timeout=15_000)
    if new_system.get_attribute("open") is None:
        new_system.locator("summary").click()
    name = new_system.get_by_role("textbox", name="名称")
    expect(name).to_be_visible(timeout=15_000)
    name.fill(SYSTEM)
    name.press("Tab")
    expect(name).to_have_value(SYSTEM)
    new_system.get_by_role("button", name="保存系统信息").click()
    expect(page.get_by_text(f"编辑系统：{SYSTEM}")).to_be_visible(timeout=30_000)

    page.get_by_role("link", name="定级与备案", exact=True).click()
    expect(page.get_by_role("heading", name="定级与备案")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("该系统尚未定级")).to_be_visible(timeout=15_000)
    page.locator('[data-testid="stSelectbox"]', has_text="从学校常见系统开始").click()
    page.get_by_role("option", name="学生信息管理系统（学籍）（建议第2级）").click()
    expect(page.get_by_text("建议定为第二级（指导保护级）")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="保存定级结果").click()
    expect(page.get_by_text("已保存定级：第二级（指导保护级）")).to_be_visible(timeout=15_000)
    due = filing_deadline(date.today()).due.isoformat()
    expect(page.get_by_text(f"备案截止日期：{due}")).to_be_visible(timeout=15_000)

    page.get_by_role("link", name="法定义务与期限", exact=True).click()
    expect(page.get_by_role("heading", name="法定义务与期限")).to_be_visible(timeout=15_000)
    section = page.locator('[data-testid="stExpander"]', has_text=SYSTEM)
    expect(section.get_by_text(f"向公安机关备案：{due} 前")).to_be_visible(timeout=15_000)
    expect(section.get_by_text(f"专家评审：{due} 前")).to_be_visible()
