"""Recorded changes and log-retention evidence on the obligations page: a significant change recorded after the
grading makes re-grading due 30 days after the change; a minor one, or one before the grading, does not; the
evidence text is kept in the system profile beside the other keys and shown with the retention obligation;
viewers cannot record anything."""

from __future__ import annotations

from datetime import date, timedelta

from mlps.adapters.store import changes as ch
from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import Role
from tests.app.conftest import PASSWORD, new_app

PAGE = "mlps/ui/pages/obligations.py"
SIS = "学生信息管理系统"  # the demo school's system graded 30 days ago, not filed


def system_named(sm, name: str = SIS):
    return next(s for s in repo.list_systems(sm) if s.name == name)


def open_page(sm, user: str = "wang"):
    system = system_named(sm)
    at = new_app(signed_in=user, org=system.organisation_id, system=system.id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at, system


def obligations_of(at, name: str = SIS):
    section = next(e for e in at.expander if name in e.label)
    return section.dataframe[0].value.set_index("义务")


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def record_change(at, sid: int, on: date, text: str, significant: bool = True, version: int = 0):
    at.date_input(key=f"sc_on_{sid}_{version}").set_value(on)
    at.text_area(key=f"sc_desc_{sid}_{version}").input(text)
    if not significant:
        at.checkbox(key=f"sc_significant_{sid}_{version}").uncheck()
    button(at, "记录变化").click().run()
    assert not at.exception
    return at


def test_a_significant_change_recorded_on_the_page_makes_re_grading_due_30_days_later(demo_store):
    at, system = open_page(demo_store)
    assert obligations_of(at).loc["变更后重新定级", "状态"].endswith("不适用")
    changed_on = date.today() - timedelta(days=2)  # after the grading 30 days ago
    record_change(at, system.id, changed_on, "新增学生健康信息采集，用户扩展到全县")
    assert any(f"已记录 {changed_on} 的重大变化" in s.value for s in at.success)
    # stored, audited, and listed on the page
    stored = ch.list_changes(demo_store, system.id)
    assert [(c.on, c.significant, c.recorded_by) for c in stored] == [(changed_on, True, "wang")]
    assert repo.history(demo_store, "system_change", str(stored[0].id))[0].action == "create"
    listed = next(d.value for d in at.dataframe if "变化内容" in d.value.columns)
    assert listed.iloc[0]["变化内容"] == "新增学生健康信息采集，用户扩展到全县"
    # the re-grading obligation is due 30 days after the change (28 days from today: due soon)
    row = obligations_of(at).loc["变更后重新定级"]
    assert row["截止日期"] == (changed_on + timedelta(days=30)).isoformat()
    assert row["状态"].endswith("即将到期")
    assert "新增学生健康信息采集" in row["说明"]


def test_a_minor_change_or_one_before_the_grading_makes_nothing_due(demo_store):
    at, system = open_page(demo_store)
    record_change(at, system.id, date.today() - timedelta(days=1), "更换了登录页面的校徽", significant=False)
    assert any("非重大变化" in s.value for s in at.success)
    assert obligations_of(at).loc["变更后重新定级", "状态"].endswith("不适用")
    before_grading = date.today() - timedelta(days=40)
    record_change(at, system.id, before_grading, "上线前调整了数据范围", version=1)
    row = obligations_of(at).loc["变更后重新定级"]
    assert row["状态"].endswith("已完成") and before_grading.isoformat() in row["完成依据"]


def test_an_empty_description_is_refused_and_nothing_is_recorded(demo_store):
    at, system = open_page(demo_store)
    button(at, "记录变化").click().run()
    assert any(e.value == "请填写变化内容。" for e in at.error)
    assert ch.list_changes(demo_store, system.id) == []


def test_the_log_retention_evidence_is_kept_beside_the_profile_and_shown_with_the_retention(demo_store):
    system = system_named(demo_store)
    repo.set_log_retention(demo_store, system.id, 200, "test")
    repo.set_system_profile(demo_store, system.id, {"profile": {"cloud_role": "customer"}}, "test")
    at, _ = open_page(demo_store)
    at.text_input(key=f"sc_evidence_text_{system.id}_0").input("日志服务器保留策略截图 2026-11")
    button(at, "保存日志留存依据").click().run()
    assert not at.exception
    assert repo.get_system_profile(demo_store, system.id) == {
        "profile": {"cloud_role": "customer"},
        "log_evidence": "日志服务器保留策略截图 2026-11",
    }
    row = obligations_of(at).loc["网络日志留存不少于六个月"]
    assert row["状态"].endswith("已完成")
    assert "日志留存配置为 200 天（日志服务器保留策略截图 2026-11）" in row["完成依据"]
    # the form shows the stored text; clearing it removes the key
    at.text_input(key=f"sc_evidence_text_{system.id}_1").input("")
    button(at, "保存日志留存依据").click().run()
    assert repo.get_system_profile(demo_store, system.id) == {"profile": {"cloud_role": "customer"}}


def test_a_viewer_sees_the_changes_but_cannot_record_one(demo_store):
    system = system_named(demo_store)
    ch.add_change(demo_store, system.id, date.today() - timedelta(days=3), "新增缴费功能", True, "wang")
    users.create_user(demo_store, "zhao", PASSWORD, by="test")
    users.set_role(demo_store, "zhao", system.organisation_id, Role.VIEWER, by="test")
    at, _ = open_page(demo_store, user="zhao")
    assert button(at, "记录变化").disabled and button(at, "保存日志留存依据").disabled
    assert any("新增缴费功能" in d.value.to_string() for d in at.dataframe if "变化内容" in d.value.columns)
    assert obligations_of(at).loc["变更后重新定级", "状态"].endswith("即将到期")
