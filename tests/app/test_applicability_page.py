"""The applicability page: describe a system, see which extensions apply and why, apply them to the system,
adjust items with a reason, see the platform-level flag, and download the statement of applicability."""

from __future__ import annotations

import dataclasses
import io

import pytest
from openpyxl import load_workbook
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import Role
from mlps.rules.domain import System
from mlps.ui.safe import md_unescape
from tests.app.conftest import PASSWORD, new_app

PAGE = "mlps/ui/pages/applicability.py"
REASON = "系统在云上只有一个网络区域，没有不同等级的区域"


def website(sm) -> System:
    """The demo school's website, graded level 2 (citizens, serious harm); its recorded extensions cleared so
    that applying them is visible."""
    system = next(s for s in repo.list_systems(sm) if s.name == "学校门户网站")
    assert system.level == 2
    return repo.save_system(sm, dataclasses.replace(system, extensions=()), "test")


def open_page(system: System, signed_in: str = "wang", lang: str | None = None):
    query = {"org": system.organisation_id, "system": system.id}
    if lang:
        query["lang"] = lang
    at = new_app(signed_in=signed_in, **query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def fill_profile(at, system: System, *, version: int = 0, role="customer", name="阿里云", level=3, filing="", text=""):
    k = f"ap_{system.id}_{version}_zh"
    at.radio(key=f"{k}_role").set_value(role)
    at.text_input(key=f"{k}_pname").input(name)
    at.selectbox(key=f"{k}_plevel").set_value(level)
    at.text_input(key=f"{k}_pfiling").input(filing)
    if text:
        at.text_area(key=f"{k}_description").input(text)
    button(at, "保存系统描述").click().run()
    assert not at.exception


def stored(sm, system: System) -> dict:
    return repo.get_system_profile(sm, system.id)


def test_a_school_website_on_a_public_cloud_gets_the_cloud_extension_applied_with_its_reason(demo_store):
    system = website(demo_store)
    at = open_page(system)
    assert metric(at, "测评项合计") == "135"  # level 2, general requirements only, before the profile says cloud
    fill_profile(at, system, filing="11010813001-20001", text="学校门户网站，部署在阿里云 ECS 上")
    saved = stored(demo_store, system)["profile"]
    assert saved["cloud_role"] == "customer"
    assert saved["cloud_platform"] == {"name": "阿里云", "level": 3, "filing_number": "11010813001-20001"}
    # the decision for cloud, with its reason naming the platform and the clause (level 2: chapter 7, 7.2)
    assert any("云计算安全扩展要求" in m.value and "适用" in m.value and "不适用" not in m.value for m in at.markdown)
    reasons = [md_unescape(c.value) for c in at.caption]  # user text in them (the platform's name) is escaped
    assert any("云服务客户" in r and "「阿里云」" in r and "GB/T 22239-2019 7.2" in r for r in reasons)
    # the difference from the system's current extensions is shown before applying
    assert any("应用后将增加：云计算安全扩展要求" in i.value for i in at.info)
    button(at, "把适用的扩展要求应用到系统").click().run()
    assert not at.exception
    assert repo.get_system(demo_store, system.id).extensions == ("cloud",)
    assert any("一致" in s.value for s in at.success)
    # level 2 + cloud: 135 general + 29 cloud items; the customer inherits 15 physical-environment items,
    # 2 machine-room management items and 14 provider-side cloud items
    assert metric(at, "测评项合计") == "164"
    assert metric(at, "继承（云服务商负责）") == "31"
    assert metric(at, "适用") == "133"
    assert any("安全通用要求 135 项 + 云计算安全扩展要求 29 项" in c.value for c in at.caption)
    assert not at.error  # platform level 3 ≥ system level 2: no high risk


def test_an_override_with_a_reason_persists_into_a_new_session(demo_store):
    system = website(demo_store)
    at = open_page(system)
    fill_profile(at, system, filing="11010813001-20001")
    k = f"ap_ov_{system.id}_0_zh"
    at.selectbox(key=f"{k}_item").set_value("L2-ABS2-02")
    at.radio(key=f"{k}_status").set_value("not_applicable")
    at.text_area(key=f"{k}_reason").input(REASON)
    button(at, "保存调整").click().run()
    assert not at.exception
    assert stored(demo_store, system)["overrides"] == [
        {"item_id": "L2-ABS2-02", "reason": REASON, "status": "not_applicable"}
    ]
    again = open_page(system)  # a new session (a reload) reads it from the database
    assert metric(again, "不适用") == "1"
    assert metric(again, "人工调整") == "1"
    assert any("L2-ABS2-02" in m.value and "没有不同等级的区域" in m.value for m in again.markdown)
    table = again.dataframe[0].value
    row = table[table["编号"] == "L2-ABS2-02"].iloc[0]
    assert row["适用性"] == "不适用" and "用户判定不适用" in row["理由"] and row["人工调整"] == "✎"
    # removing it restores the rules' status
    button(again, "删除").click().run()
    assert stored(demo_store, system)["overrides"] == []
    assert metric(again, "不适用") == "0"


def test_an_override_without_a_reason_is_refused_and_nothing_is_saved(demo_store):
    system = website(demo_store)
    at = open_page(system)
    fill_profile(at, system)
    at.selectbox(key=f"ap_ov_{system.id}_0_zh_item").set_value("L2-ABS2-02")
    button(at, "保存调整").click().run()
    assert any("请写明理由" in e.value for e in at.error)
    assert stored(demo_store, system)["overrides"] == []


def test_a_platform_graded_below_the_system_is_flagged_red_as_a_high_risk(demo_store):
    system = website(demo_store)
    at = open_page(system)
    fill_profile(at, system, level=1, filing="11010813001-20001")
    high = [e.value for e in at.error if "高风险" in e.value]
    assert len(high) == 1
    assert "第1级" in high[0] and "第2级" in high[0] and "「阿里云」" in high[0]
    # raising the platform's level (the record was wrong) clears it
    fill_profile(at, system, version=1, level=2, filing="11010813001-20001")
    assert not any("高风险" in e.value for e in at.error)


def test_platform_details_for_a_system_off_the_cloud_are_refused_and_nothing_is_saved(demo_store):
    system = website(demo_store)
    at = open_page(system)
    fill_profile(at, system, role="none", name="阿里云", level=None)
    assert any("只有云服务客户才记录所用的云平台" in e.value for e in at.error)
    assert stored(demo_store, system) == {}


def test_the_statement_downloads_as_xlsx_in_the_interface_language(demo_store, monkeypatch):
    files: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if filename and filename.endswith(".xlsx"):
            files.append(path_or_data)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    system = website(demo_store)
    at = open_page(system)
    fill_profile(at, system, filing="11010813001-20001")
    (download,) = at.get("download_button")
    assert download.label == "下载适用性声明（Excel，中文）"
    wb = load_workbook(io.BytesIO(files[-1]))
    assert wb.sheetnames == ["适用性声明", "概要"]
    assert wb["适用性声明"].max_row == 1 + 164
    en = open_page(system, lang="en")
    (download,) = en.get("download_button")
    assert download.label == "Download the statement (Excel, English)"
    wb = load_workbook(io.BytesIO(files[-1]))
    assert wb.sheetnames == ["Statement of applicability", "Summary"]


def test_suggestions_from_the_description_are_accepted_only_when_the_user_says_so(demo_store):
    org_id = website(demo_store).organisation_id
    system = repo.save_system(
        demo_store,
        System(name="成绩查询小程序", organisation_id=org_id, description="家长用微信小程序查成绩，后台部署在腾讯云上"),
        "test",
    )
    at = open_page(system)
    assert stored(demo_store, system) == {}  # suggestions alone change nothing
    labels = [c.label for c in at.checkbox if c.key.startswith(f"ap_sugg_{system.id}_")]
    assert any("云服务客户" in x for x in labels) and any("移动" in x for x in labels)
    assert any("「腾讯云」" in x for x in labels)
    button(at, "采纳选中的建议").click().run()
    assert not at.exception
    profile = stored(demo_store, system)["profile"]
    assert profile["cloud_role"] == "customer" and profile["mobile"] is True
    assert profile["cloud_platform"]["name"] == "腾讯云"
    assert not [c for c in at.checkbox if c.key.startswith(f"ap_sugg_{system.id}_")]  # all reflected now


def test_an_ungraded_system_is_previewed_at_a_level_the_user_picks(demo_store):
    org_id = website(demo_store).organisation_id
    system = repo.save_system(demo_store, System(name="门禁系统", organisation_id=org_id), "test")
    at = open_page(system)
    assert any("还没有定级" in w.value for w in at.warning)
    assert metric(at, "测评项合计") == "135"  # previewed at level 2 by default
    at.selectbox(key=f"ap_level_{system.id}.zh").set_value(3).run()
    assert metric(at, "测评项合计") == "211"


@pytest.fixture
def viewer(demo_store):
    users.create_user(demo_store, "zhao", PASSWORD, by="test", display_name="赵老师")
    org_id = repo.list_systems(demo_store)[0].organisation_id
    users.set_role(demo_store, "zhao", org_id, Role.VIEWER, by="test")
    return "zhao"


def test_a_viewer_reads_the_page_but_cannot_change_anything(demo_store, viewer):
    system = website(demo_store)
    profile = {"cloud_role": "customer", "cloud_platform": {"name": "阿里云", "level": 3, "filing_number": "x"}}
    repo.set_system_profile(demo_store, system.id, {"profile": profile, "overrides": []}, "test")
    at = open_page(system, signed_in=viewer)
    assert any("只读" in i.value for i in at.info)
    assert button(at, "保存系统描述").disabled
    assert button(at, "把适用的扩展要求应用到系统").disabled
    assert button(at, "保存调整").disabled
    assert all(c.disabled for c in at.checkbox if c.key.startswith("ap_sugg_"))
    assert len(at.get("download_button")) == 1  # viewers may download


def test_adjustments_that_no_longer_fit_are_kept_without_effect_and_can_be_removed(demo_store):
    system = website(demo_store)
    profile = {"cloud_role": "none"}
    overrides = [
        {"item_id": "L3-PES1-01", "reason": "记录于定为三级时", "status": "not_applicable"},  # level 3 item
        {"item_id": "L2-PES1-01", "reason": "机房在云上", "status": "inherited"},  # no longer a cloud customer
        {"item_id": "L2-PES1-02", "reason": "机房在一楼", "status": "not_applicable"},
    ]
    repo.set_system_profile(demo_store, system.id, {"profile": profile, "overrides": overrides}, "test")
    at = open_page(system)
    assert any("有 2 条人工调整与当前的适用性声明不符" in w.value for w in at.warning)
    assert any("L3-PES1-01" in w.value and "不在当前的适用性声明中" in w.value for w in at.warning)
    assert any("L2-PES1-01" in w.value and "只有云服务客户" in w.value for w in at.warning)
    assert metric(at, "不适用") == "1" and metric(at, "人工调整") == "1"  # only L2-PES1-02 takes effect
    at.button(key=f"ap_rm_{system.id}_L3-PES1-01").click().run()
    assert [o["item_id"] for o in stored(demo_store, system)["overrides"]] == ["L2-PES1-01", "L2-PES1-02"]
    assert any("有 1 条人工调整" in w.value for w in at.warning)


def test_the_page_works_in_english(demo_store):
    system = website(demo_store)
    at = open_page(system, lang="en")
    k = f"ap_{system.id}_0_en"
    at.radio(key=f"{k}_role").set_value("customer")
    at.text_input(key=f"{k}_pname").input("Alibaba Cloud")
    at.selectbox(key=f"{k}_plevel").set_value(1)
    button(at, "Save the system profile").click().run()
    assert not at.exception
    assert any("High risk" in e.value and "level 1" in e.value for e in at.error)
    assert any("Applying adds: Cloud computing extension" in i.value for i in at.info)
    assert not [m for m in at.markdown if "⟦" in m.value]  # no missing message keys


def test_hostile_text_in_the_profile_and_an_adjustment_is_never_rendered_as_markdown(demo_store):
    from tests.app.test_hostile_rendering import SYSTEM, sinks

    system = website(demo_store)
    system = repo.save_system(demo_store, dataclasses.replace(system, name=SYSTEM), "test")
    profile = {
        "cloud_role": "customer",
        "cloud_platform": {"name": SYSTEM, "level": 1, "filing_number": SYSTEM},
        "mobile_apps": [SYSTEM],
        "description": f"部署在阿里云上 {SYSTEM}",
    }
    overrides = [
        {"item_id": "L2-ABS2-02", "reason": SYSTEM, "status": "not_applicable"},
        {"item_id": "L3-PES1-01", "reason": SYSTEM, "status": "not_applicable"},
    ]
    repo.set_system_profile(demo_store, system.id, {"profile": profile, "overrides": overrides}, "test")
    at = open_page(system)
    found = sinks(at)
    assert found.offenders() == []
    assert any("高风险" in e.value for e in at.error)  # the finding is there, with the name escaped in it
    assert found.shows_plainly(SYSTEM)  # the platform name in its text box, exactly as typed


def test_the_high_risk_conditions_are_recorded_once_and_survive_saving_the_description(demo_store):
    system = website(demo_store)
    at = open_page(system)
    assert any("第 2 级共有" in c.value for c in at.caption)  # how many guideline cases apply now
    at.checkbox(key=f"hr_cond_internet_facing_{system.id}_0").check()
    at.checkbox(key=f"hr_cond_key_industry_{system.id}_0").check()
    button(at, "保存条件").click().run()
    assert not at.exception
    saved = stored(demo_store, system)["profile"]
    assert (saved["internet_facing"], saved["key_industry"], saved["business_continuity"]) == (True, True, False)
    # saving the system description afterwards keeps the conditions, and the form shows them again
    fill_profile(at, system, filing="11010813001-20001")
    saved = stored(demo_store, system)["profile"]
    assert saved["cloud_role"] == "customer" and saved["internet_facing"] and saved["key_industry"]
    assert at.checkbox(key=f"hr_cond_internet_facing_{system.id}_1").value is True


def test_a_viewer_cannot_change_the_high_risk_conditions(demo_store, viewer):
    system = website(demo_store)
    at = open_page(system, signed_in=viewer)
    assert button(at, "保存条件").disabled
    assert all(c.disabled for c in at.checkbox if (c.key or "").startswith("hr_cond_"))
