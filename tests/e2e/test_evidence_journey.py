"""Ms Wang creates her school and a system, records three results with evidence, reloads, and sees them all."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

RECORDS = {
    "L2-PES1-03": ("符合", "机房门禁已启用，查看了近三个月的进出记录。"),
    "L2-CES1-01": ("部分符合", "口令长度 8 位，但没有定期更换要求。"),
    "L2-MMS1-01": ("不符合", "没有机房管理制度文件。"),
}


def search(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="搜索（中文或英文）")
    box.fill(text)
    box.press("Enter")
    expect(page.locator("strong", has_text=text)).to_be_visible(timeout=15_000)


def test_record_three_results_reload_and_see_them(page: Page, app_url: str):
    sign_in(page, app_url)
    page.get_by_role("link", name="单位与系统").click()
    expect(page.get_by_role("heading", name="单位与系统")).to_be_visible(timeout=30_000)
    page.get_by_role("textbox", name="名称").first.fill("青山县第三中学")
    page.get_by_role("button", name="保存单位信息").click()
    page.get_by_role("tab", name="定级对象").click()
    expect(page.get_by_text("青山县第三中学 的定级对象")).to_be_visible(timeout=15_000)
    page.get_by_role("textbox", name="名称").first.fill("学生信息管理系统")
    page.get_by_role("button", name="保存系统信息").click()
    expect(page.get_by_text("编辑系统：学生信息管理系统")).to_be_visible(timeout=15_000)

    page.get_by_role("link", name="测评记录").click()
    expect(page.get_by_role("heading", name="测评记录")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="开始测评").click()
    expect(page.get_by_text("已测评 0 / 适用 135 项")).to_be_visible(timeout=15_000)

    def record_box(item_id: str):
        """The record box of this item's form (Streamlit marks keyed widgets with a class naming their key)."""
        return page.locator(f'[class*="st-key-as_"][class*="_{item_id}__"][class*="_record"] textarea')

    for n, (item_id, (result, record)) in enumerate(RECORDS.items(), start=1):
        search(page, item_id)
        expect(record_box(item_id)).to_have_value("", timeout=15_000)
        page.locator(f'[class*="st-key-as_"][class*="_{item_id}__"][class*="_result"]').get_by_text(
            result, exact=True
        ).click()
        record_box(item_id).fill(record)
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text(f"已测评 {n} / 适用 135 项")).to_be_visible(timeout=20_000)

    page.reload()  # still signed in (the session cookie), and everything recorded is there
    expect(page.get_by_text("已登录：")).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="测评记录").click()
    expect(page.get_by_role("heading", name="测评记录")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("已测评 3 / 适用 135 项")).to_be_visible(timeout=30_000)
    for item_id, (_result, record) in RECORDS.items():
        search(page, item_id)
        expect(record_box(item_id)).to_have_value(record, timeout=15_000)
