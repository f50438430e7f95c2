"""In a browser: a school's IT teacher opens the documents of a level-2 system, reads which fields the 2025 filing
form still lacks and where each is filled in, fills the data-security contact on the unit tab and the network
nature and interconnection on the grading page, comes back to a complete form and downloads it as Word; the
downloaded .docx (read with python-docx) carries what was typed and ticks the chosen codes."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import docx
from playwright.sync_api import Page, expect

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.rules.domain import HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.rules.filing_codes import load_filing_codes
from mlps.rules.filing_details import with_data_survey, with_form_details
from mlps.rules.grading import grade
from tests.e2e.conftest import sign_in

UNIT = Organisation(
    name="青山县第三中学", credit_code="12511500MB1111111Z", province="四川省", city="青山市", county="青山县",
    address="育才路 3 号", postal_code="644200", region_code="511503", head_name="陈校长", head_title="校长",
    head_phone="0831-2220001", head_email="head@qs3.example", security_department="信息中心",
    security_contact="林老师", security_title="信息技术教师", security_phone="0831-2220002",
    security_mobile="13822220002", security_email="it@qs3.example", affiliation="4", unit_type="3", industry="43",
)  # fmt: skip
DATA_CONTACT = {"数据安全责任部门": "教务处", "数据安全联系人": "何主任", "数据安全联系人职务/职称": "教务主任",
                "数据安全联系人电话": "0831-2220003", "数据安全联系人移动电话": "13822220003",
                "数据安全联系人电子邮件": "jw@qs3.example"}  # fmt: skip


def _school(sm) -> System:
    """A unit without its data-security contact and a level-2 system without its network nature and
    interconnection: everything else the form asks is there."""
    org = repo.save_organisation(sm, UNIT, "test")
    system = repo.save_system(sm, System(name="学生综合素质评价系统", organisation_id=org.id, code="QS3-PJ",
                                         business_description="记录学生综合素质评价", go_live=date(2024, 9, 1)),
                              "test")  # fmt: skip
    graded = grade(Judgement(HarmObject.CITIZENS, HarmDegree.SERIOUS), Judgement(HarmObject.CITIZENS,
                                                                                 HarmDegree.GENERAL))  # fmt: skip
    day = date.today() - timedelta(days=30)
    repo.add_grading(sm, graded.to_record(system.id, graded_on=day, graded_by="林老师",
                                          expert_review_on=day + timedelta(days=3)), "test")  # fmt: skip
    form = {"business_type": "4", "service_scope": "99", "service_targets": "1", "deployment_scope": "1"}
    sheets = [{"name": "学生评价记录", "data_class": "general", "personal_info": "yes", "storage_location": "校内机房"}]
    profile = with_data_survey(with_form_details({}, form, load_filing_codes()), sheets)
    repo.set_system_profile(sm, system.id, profile, "test")
    return system


def _pick(page: Page, testid: str, label: str, option: str) -> None:
    """Choose `option` in the Streamlit selectbox or multiselect labelled `label`; a rerun arriving just as the
    list opens closes it again, so retry."""
    box = page.locator(f'[data-testid="{testid}"]', has_text=label).first
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        box.click()
        try:
            expect(wanted).to_be_visible(timeout=2_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    wanted.click()
    page.keyboard.press("Escape")


def test_the_it_teacher_fills_what_the_filing_form_lacks_and_downloads_it_as_word(page: Page, app_url, app_db_url):
    sm = open_store(app_db_url)
    system = _school(sm)
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, f"{app_url}/?org={system.organisation_id}&system={system.id}")
    page.get_by_role("link", name="单位与系统", exact=True).click()
    page.get_by_role("tab", name="定级对象").click()
    missing = page.locator('[data-testid="stAlert"]').filter(has_text="在“系统与单位”页面的单位信息中填写").first
    expect(missing).to_be_visible(timeout=30_000)
    for label in ("数据安全责任部门", "网络性质", "系统互联情况"):  # the form says what it lacks and where
        expect(missing).to_contain_text(label)
    expect(missing).to_contain_text("在“定级”页面的“备案材料”中填写")

    # the unit tab: the data-security department and its contact
    page.get_by_role("tab", name="单位信息").click()
    for label, value in DATA_CONTACT.items():
        page.get_by_label(label, exact=True).first.fill(value)
    page.get_by_role("button", name="保存单位信息").first.click()
    expect(page.get_by_text(f"已保存：{UNIT.name}").first).to_be_visible(timeout=15_000)

    # the grading page: the object's network nature and interconnection (coded, with the [R] note)
    page.get_by_role("link", name="定级与备案", exact=True).click()
    expect(page.get_by_text("备案表（2025 版）定级对象栏目")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("[R] 代码表按回忆整理").first).to_be_visible()
    _pick(page, "stSelectbox", "网络性质", "1 业务专网")
    _pick(page, "stMultiSelect", "系统互联情况", "3 与本单位其他系统连接")
    page.get_by_role("button", name="保存备案表栏目").click()
    expect(page.get_by_text("已保存备案表栏目。")).to_be_visible(timeout=15_000)

    # back to the documents: the form is complete; generate and download it as Word
    page.get_by_role("link", name="单位与系统", exact=True).click()
    page.get_by_role("tab", name="定级对象").click()
    page.get_by_role("button", name="生成备案表（Word）").click()
    download_button = page.get_by_role("button", name="下载备案表（Word）")
    expect(download_button).to_be_visible(timeout=30_000)
    with page.expect_download(timeout=30_000) as info:
        download_button.click()
    assert info.value.suggested_filename == f"filing-form-sys{system.id}-zh.docx"
    body = docx.Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    rows = {row.cells[0].text: row.cells[-1].text for t in body.tables for row in t.rows if len(row.cells) >= 2}
    for label, value in DATA_CONTACT.items():
        key = "数据安全责任部门联系人" if label == "数据安全联系人" else label  # the form's own label
        assert rows.get(key) == value, (key, rows.get(key))
    assert "■1 业务专网" in rows["网络性质"] and "□2 互联网" in rows["网络性质"]
    assert "■3 与本单位其他系统连接" in rows["系统互联情况"]
    text = "".join(p.text for p in body.paragraphs)
    assert "附：提交前尚需填写的内容" not in text  # nothing is missing any more
    sm.kw["bind"].dispose()
