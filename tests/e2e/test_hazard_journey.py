"""From a gap to a confirmed major risk hazard to the conclusion page of the report: Ms Wang records open
high-risk ports as a high-risk gap, the page offers case 6.4.3.1 of the 2025 high-risk guideline with its
mitigations as questions and the trigger it names, the hazard panel suggests that trigger (A-21), she confirms it
with her judgement, and the assessment report she downloads says 符合率, the hazard count `1（0个已整改）` and
lists A-21 (read back with pypdf)."""

import io
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import sign_in
from tests.e2e.test_applicability_journey import add_system, choose
from tests.e2e.test_evidence_journey import search

ITEM = "L2-CES1-12"  # close unneeded services, default shares and high-risk ports (trigger A-21)


def test_gap_to_confirmed_hazard_to_the_report(page: Page, app_url: str):
    sign_in(page, app_url)
    add_system(page, "招生报名系统")
    page.get_by_role("link", name="测评记录").click()
    expect(page.get_by_role("heading", name="测评记录")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="开始测评").click()
    expect(page.get_by_text("已测评 0 / 适用 135 项")).to_be_visible(timeout=15_000)

    search(page, ITEM)
    form = f'[class*="st-key-as_"][class*="_{ITEM}__"]'
    page.locator(f'{form}[class*="_result"]').get_by_text("不符合", exact=True).click()
    choose(page, "风险", "高")
    page.locator(f'{form}[class*="_record"] textarea').fill("服务器开放 445、3389 端口且可从互联网访问。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已测评 1 / 适用 135 项")).to_be_visible(timeout=20_000)

    # the gap's guideline case, with its mitigations to check before lowering and the trigger it names
    case = page.locator("details").filter(has_text="判例 6.4.3.1")
    expect(case.first).to_be_visible(timeout=15_000)
    expect(case.first.get_by_text("降低风险前逐条核实")).to_be_visible()
    expect(case.first.get_by_text("是否有运行正常的主机入侵检测或恶意代码检测", exact=False)).to_be_visible()
    expect(case.first.get_by_text("对应重大风险隐患触发项 A-21")).to_be_visible()

    hazards = page.locator("details").filter(has_text="重大风险隐患")
    if hazards.first.get_attribute("open") is None:
        hazards.first.locator("summary").click()
    expect(page.get_by_text("A-21 开着多余的服务、默认共享或高危端口").first).to_be_visible(timeout=15_000)
    choose(page, "触发项", "A-21 开着多余的服务、默认共享或高危端口")
    page.get_by_role("textbox", name="三原则判断（相关性、严重性、高发性），用自己的话写").fill(
        "高危端口可从互联网直接访问，没有任何缓解措施；被利用可控制服务器；此类端口常被扫描利用。"
    )
    page.get_by_role("button", name="确认为重大风险隐患").click()
    expect(page.get_by_text("已确认重大风险隐患 A-21。")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("1（0个已整改）").first).to_be_visible(timeout=15_000)

    page.get_by_role("button", name="生成测评报告（PDF）").click()
    download_button = page.get_by_role("button", name="下载测评报告", exact=False)
    expect(download_button).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        download_button.click()
    pdf = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
    pages = [p.extract_text() or "" for p in pdf.pages]
    conclusion = next(p for p in pages if "重大风险隐患数量" in p)
    assert "符合率" in conclusion and "1（0个已整改）" in conclusion
    assert "A-21" in conclusion and "不符合" in conclusion  # 0 of 1 scored item conforms: rate 0.00%
