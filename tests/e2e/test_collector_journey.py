"""In a browser: an assessor uploads a server's collector bundle on the assessment page, accepts the proposed
results, and sees the score appear and the obligations page take the server's log retention as evidence."""

from __future__ import annotations

import calendar
import json
import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from mlps.adapters.collector.bundle import collect
from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.rules.catalogue import load_catalogue
from mlps.rules.collector import load_collector_map
from mlps.rules.domain import HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.rules.grading import grade
from tests.e2e.conftest import sign_in

TREES = Path(__file__).resolve().parents[1] / "data" / "collector"


def test_upload_a_bundle_accept_the_proposals_and_see_score_and_obligations(
    page: Page, app_url: str, app_db_url, tmp_path
):
    sm = open_store(app_db_url)
    org = repo.save_organisation(sm, Organisation(name="青山县职业中学"), "test")
    system = repo.save_system(sm, System(name="招生网站", organisation_id=org.id), "test")
    graded = grade(
        Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS), Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL)
    )
    repo.add_grading(sm, graded.to_record(system.id, graded_on=date.today() - timedelta(days=20), graded_by="王"), "t")
    cat = load_catalogue()
    repo.start_assessment(sm, system.id, 3, [], cat.version, "test", valid_item_ids={i.id for i in cat.select(3, [])})
    bundle = collect(
        str(TREES / "conform"), load_collector_map().for_bundle(), 3, calendar.timegm(date.today().timetuple())
    )
    path = tmp_path / "web-01.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")

    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, f"{app_url}/?org={org.id}&system={system.id}")
    page.get_by_role("link", name="法定义务与期限", exact=True).click()
    expect(page.get_by_text("还没有记录这个系统实际配置的日志留存天数。")).to_be_visible(timeout=30_000)

    page.get_by_role("link", name="测评记录", exact=True).click()
    expect(page.get_by_role("heading", name="测评记录")).to_be_visible(timeout=30_000)
    score = page.locator('[data-testid="stMetric"]', has_text="符合率").locator('[data-testid="stMetricValue"]')
    expect(score).to_have_text("—", timeout=15_000)
    page.get_by_text("服务器采集的证据（Linux）").click()
    page.locator('[class*="st-key-col_up_"] input[type=file]').set_input_files(str(path))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("主机 web-01")).to_be_visible(timeout=20_000)
    accept = page.get_by_role("button", name=re.compile(r"确认 \d+ 项建议结果"))
    expect(accept).to_be_visible(timeout=15_000)
    accept.click()
    expect(page.get_by_text("建议结果都已确认。")).to_be_visible(timeout=20_000)
    expect(score).not_to_have_text("—", timeout=15_000)

    page.get_by_role("link", name="法定义务与期限", exact=True).click()
    expect(page.get_by_text(re.compile("采集器在服务器上读到日志留存约 189 天"))).to_be_visible(timeout=30_000)
    sm.kw["bind"].dispose()
