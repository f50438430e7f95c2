"""Ms Wang describes her school website as running on a cloud graded below it, sees the high risk, applies the
cloud extension to the system, reads the statement's counts, reloads, and finds it all kept."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

COMPUTED = "共 164 项 = 安全通用要求 135 项 + 云计算安全扩展要求 29 项"


def open_applicability(page: Page) -> None:
    page.get_by_role("link", name="扩展要求适用性").click()
    expect(page.get_by_role("heading", name="扩展要求与适用性")).to_be_visible(timeout=30_000)


def add_system(page: Page, name: str) -> None:
    """A new system in the organisation in view (creating the organisation when the server has none yet: the
    e2e server is shared by every browser test)."""
    page.get_by_role("link", name="单位与系统").click()
    expect(page.get_by_role("heading", name="单位与系统")).to_be_visible(timeout=30_000)
    if page.get_by_text("还没有单位").first.is_visible():
        page.get_by_role("textbox", name="名称").first.fill("青山县实验小学")
        page.get_by_role("button", name="保存单位信息").click()
        expect(page.get_by_role("combobox", name="单位")).to_be_visible(timeout=15_000)
    page.get_by_role("tab", name="定级对象").click()
    new = page.locator("details").filter(has_text="新建定级对象")
    if new.get_attribute("open") is None:
        new.locator("summary").click()
    new.get_by_role("textbox", name="名称").fill(name)
    new.get_by_role("button", name="保存系统信息").click()
    expect(page.get_by_text(f"编辑系统：{name}")).to_be_visible(timeout=15_000)


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a selectbox; a rerun arriving just as the list opens closes it again, so retry."""
    box = page.locator('[data-testid="stSelectbox"]', has_text=label)
    wanted = page.get_by_role("option", name=option)
    for _ in range(5):
        box.click()
        try:
            expect(wanted).to_be_visible(timeout=2_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    wanted.click()


def test_describe_a_cloud_website_apply_the_extension_and_reload(page: Page, app_url: str):
    sign_in(page, app_url)
    add_system(page, "学校门户网站（云上）")
    open_applicability(page)
    expect(page.get_by_text("该系统还没有定级")).to_be_visible(timeout=15_000)  # previewed at level 2
    page.get_by_text("部署在别人的云平台上（云服务客户）").click()
    page.get_by_role("textbox", name="云平台名称").fill("某市政务云")
    choose(page, "云平台的保护等级", "第1级（自主保护级）")
    page.get_by_role("button", name="保存系统描述").click()
    expect(page.get_by_text("高风险", exact=False).first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("低于本系统（第2级）", exact=False)).to_be_visible()

    page.get_by_role("tab", name="② 适用的扩展要求").click()
    expect(page.get_by_text("应用后将增加：云计算安全扩展要求")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="把适用的扩展要求应用到系统").click()
    expect(page.get_by_text("系统登记的扩展要求与上面的判断一致")).to_be_visible(timeout=15_000)
    page.get_by_role("tab", name="③ 适用性声明").click()
    expect(page.get_by_text(COMPUTED)).to_be_visible(timeout=15_000)

    page.reload()  # still signed in (the session cookie), and everything recorded is there
    expect(page.get_by_text("已登录：")).to_be_visible(timeout=20_000)
    open_applicability(page)
    expect(page.get_by_role("textbox", name="云平台名称")).to_have_value("某市政务云", timeout=15_000)
    page.get_by_role("tab", name="② 适用的扩展要求").click()
    expect(page.get_by_text("系统登记的扩展要求与上面的判断一致")).to_be_visible(timeout=15_000)
    page.get_by_role("tab", name="③ 适用性声明").click()
    expect(page.get_by_text(COMPUTED)).to_be_visible(timeout=15_000)
