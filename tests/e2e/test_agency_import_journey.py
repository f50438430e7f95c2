"""Mr Li imports the workbook the agency sent (journey 2, step 3): he uploads an agency-layout workbook on the
assessment page, reviews the plan (the rows left out and why), confirms, and sees the results and the conclusion."""

from playwright.sync_api import Page, expect

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Organisation, System
from tests.data.xlsx.agency import HERE
from tests.e2e.conftest import sign_in


def test_upload_review_confirm_and_see_the_conclusion(page: Page, app_url: str, app_db_url: str):
    sm = open_store(app_db_url)
    org = repo.save_organisation(sm, Organisation(name="某县教育局"), "test")
    system = repo.save_system(sm, System(name="教育局门户网站", organisation_id=org.id, extensions=("cloud",)), "test")
    repo.start_assessment(sm, system.id, 2, ["cloud"], load_catalogue().version, "test")
    sm.kw["bind"].dispose()

    sign_in(page, f"{app_url}/?org={org.id}&system={system.id}")
    page.get_by_role("link", name="测评记录").click()
    expect(page.get_by_role("heading", name="测评记录")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("已测评 0 / 适用 164 项", exact=False)).to_be_visible(timeout=20_000)
    conclusion = page.get_by_test_id("stMetricLabel").filter(has_text="结论")
    expect(conclusion).to_have_count(0)  # nothing recorded yet: no conclusion
    page.get_by_text("Excel 导出与导入").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        str(HERE / "agency_l2_cloud.xlsx")
    )
    expect(page.get_by_text("导入前请核对对应关系")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("3 行不导入", exact=True)).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="确认导入 35 条结果").click()
    expect(page.get_by_text("导入前请核对对应关系")).to_be_hidden(timeout=30_000)  # landed: the uploader is reset
    # the score panel now judges the imported results: a rate of conformity and a conclusion with its reason (2025)
    expect(conclusion).to_be_visible(timeout=30_000)
    expect(page.get_by_text("符合率", exact=True).first).to_be_visible(timeout=15_000)
    sm = open_store(app_db_url)
    assert len(repo.results(sm, repo.list_assessments(sm, system.id)[0].id)) == 35
    sm.kw["bind"].dispose()
