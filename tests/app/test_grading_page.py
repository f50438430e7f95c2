"""The grading page: preset -> suggestion -> accept saves a grading; an override needs a reason; the lifecycle
steps (expert review, filing) are checked and saved; level 1 is not filed; re-grading keeps the history."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import Role
from mlps.rules.domain import HarmDegree, HarmObject, System
from mlps.ui.safe import md_unescape
from tests.app.conftest import PASSWORD, new_app

PAGE = "mlps/ui/pages/grading.py"
C, S = HarmObject.CITIZENS, HarmObject.SOCIETY
G, SE = HarmDegree.GENERAL, HarmDegree.SERIOUS


def new_system(sm, name: str = "招生录取系统") -> System:
    org = repo.list_organisations(sm)[0]
    return repo.save_system(sm, System(name=name, organisation_id=org.id), "test")


def open_page(system: System, user: str = "wang"):
    at = new_app(signed_in=user, org=system.organisation_id, system=system.id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def choose_preset(at, system: System, preset_id: str):
    at.selectbox(key=f"gr_preset_{system.id}.zh").set_value(preset_id).run()
    assert not at.exception
    return at


def test_a_preset_fills_the_answers_and_accepting_the_suggestion_saves_the_grading(demo_store):
    system = new_system(demo_store, "新学生信息管理系统")
    at = open_page(system)
    assert any("尚未定级" in i.value for i in at.info)
    choose_preset(at, system, "student_information")
    # the preset is shown as a suggestion, marked [R], and its answers are filled in
    assert any("仅供参考" in i.value for i in at.info)
    assert any("[R]" in c.value for c in at.caption)
    assert at.radio(key=f"gr_q_{system.id}_data_kind.zh").value == "personal_sensitive"
    assert any("建议定为第二级（指导保护级）" in m.value for m in at.markdown)
    assert [m.value for m in at.metric] == ["2", "2", "2"]
    button(at, "保存定级结果").click().run()
    assert not at.exception
    [saved] = repo.grading_history(demo_store, system.id)
    assert (saved.business.harm_object, saved.business.degree) == (C, SE)
    assert (saved.service.harm_object, saved.service.degree) == (C, SE)
    assert (saved.business_level, saved.service_level, saved.level) == (2, 2, 2)
    assert saved.graded_on == date.today() and saved.graded_by == "王老师" and saved.override_reason == ""
    assert "GB/T 22240-2020" in saved.rationale_zh and "level 2" in saved.rationale_en
    # the page now shows the grading and the filing deadline, and the success message
    assert any("已保存定级" in s.value for s in at.success)
    assert any("当前等级：第二级" in m.value for m in at.markdown)
    assert any("备案截止日期" in i.value for i in at.info)


def test_changing_an_answer_changes_the_suggestion_and_its_reason(demo_store):
    system = new_system(demo_store)
    at = open_page(system)
    choose_preset(at, system, "office")
    at.radio(key=f"gr_q_{system.id}_people_count.zh").set_value("over_1m").run()
    assert any("建议定为第三级" in m.value for m in at.markdown)
    assert any("百万人以上" in m.value for m in at.markdown)  # the deciding answer's reason is quoted


def test_the_campus_card_preset_shows_the_2018_draft_note(demo_store):
    system = new_system(demo_store, "一卡通")
    at = open_page(system)
    choose_preset(at, system, "campus_card")
    assert any("征求意见稿" in i.value for i in at.info)


def test_an_override_without_a_reason_is_refused_and_with_one_it_is_saved(demo_store):
    system = new_system(demo_store, "学校门户网站二期")
    at = open_page(system)
    choose_preset(at, system, "website")  # suggests society x general on both sides: level 2
    at.radio(key=f"gr_mode_{system.id}.zh").set_value("override").run()
    at.selectbox(key=f"gr_deg_{system.id}_business.zh").set_value("serious").run()
    assert any("按你的决定：第三级" in m.value for m in at.markdown)
    button(at, "保存定级结果").click().run()
    assert any("请填写理由" in e.value and "业务信息安全" in e.value for e in at.error)
    assert repo.grading_history(demo_store, system.id) == []
    at.text_area(key=f"gr_reason_{system.id}").input("网站同时承载全县中考报名入口，篡改后果严重。")
    button(at, "保存定级结果").click().run()
    assert not at.exception
    [saved] = repo.grading_history(demo_store, system.id)
    assert (saved.business.harm_object, saved.business.degree, saved.business_level) == (S, SE, 3)
    assert (saved.service.harm_object, saved.service.degree, saved.service_level) == (S, G, 2)
    assert saved.level == 3 and saved.override_reason == "网站同时承载全县中考报名入口，篡改后果严重。"
    assert "网站同时承载全县中考报名入口" in saved.rationale_zh


def sis(sm):
    return next(s for s in repo.list_systems(sm) if s.name == "学生信息管理系统")


def test_recording_the_expert_review_then_the_filing(demo_store):
    system = sis(demo_store)  # graded 30 days ago at level 2, not filed
    grading = repo.grading_history(demo_store, system.id)[0]
    at = open_page(system)
    assert any("备案截止日期" in w.value for w in at.warning)  # already past
    # the filing before the review is refused, naming what is missing
    at.date_input(key=f"gr_filed_on_{grading.id}").set_value(date.today())
    button(at, "保存备案信息").click().run()
    assert any("受理备案的公安机关" in e.value for e in at.error)
    assert any("请先记录专家评审" in e.value for e in at.error)
    assert repo.grading_history(demo_store, system.id)[0].filed_on is None
    # a review without an opinion is refused
    at.date_input(key=f"gr_review_on_{grading.id}").set_value(date.today() - timedelta(days=2))
    button(at, "保存专家评审").click().run()
    assert any("专家评审意见" in e.value for e in at.error)
    assert repo.grading_history(demo_store, system.id)[0].expert_review_on is None
    at.text_area(key=f"gr_opinion_{grading.id}").input("同意定为第二级。专家：张三、李四、王五。")
    button(at, "保存专家评审").click().run()
    assert not at.exception
    after = repo.grading_history(demo_store, system.id)[0]
    assert after.id == grading.id and after.expert_review_on == date.today() - timedelta(days=2)
    assert after.expert_opinion == "同意定为第二级。专家：张三、李四、王五。"
    assert any("已记录：专家评审" in s.value for s in at.success)
    # now the filing
    at.date_input(key=f"gr_filed_on_{grading.id}").set_value(date.today())
    at.text_input(key=f"gr_office_{grading.id}").input("青山县公安局网安大队")
    at.text_input(key=f"gr_number_{grading.id}").input("51150099000-00456")
    button(at, "保存备案信息").click().run()
    assert not at.exception
    filed = repo.grading_history(demo_store, system.id)[0]
    assert (filed.filed_on, filed.filing_office, filed.filing_number) == (
        date.today(),
        "青山县公安局网安大队",
        "51150099000-00456",
    )
    steps = [e for e in repo.history(demo_store, "grading", str(grading.id)) if e.action == "step"]
    assert [e.user for e in steps] == ["wang", "wang"]  # who recorded each step, and when, is kept


def test_a_level_1_system_is_said_not_to_be_filed(demo_store):
    system = new_system(demo_store, "图书借阅查询")
    at = open_page(system)
    lowest = {
        "data_kind": "public_only",
        "people_count": "none",
        "tamper_effect": "little",
        "outage_effect": "little",
        "service_users": "staff",
        "tolerable_downtime": "days",
    }
    for qid, oid in lowest.items():
        at.radio(key=f"gr_q_{system.id}_{qid}.zh").set_value(oid)
    at.run()
    assert any("建议定为第一级" in m.value for m in at.markdown)
    button(at, "保存定级结果").click().run()
    assert repo.grading_history(demo_store, system.id)[0].level == 1
    assert any("第一级不需要备案" in s.value for s in at.success)
    assert any("不向公安机关备案" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "保存备案信息"]


def test_regrading_makes_a_new_record_and_keeps_the_history(demo_store):
    system = sis(demo_store)
    first = repo.grading_history(demo_store, system.id)[0]
    at = open_page(system)
    choose_preset(at, system, "admissions")
    button(at, "保存定级结果").click().run()
    assert not at.exception
    history = repo.grading_history(demo_store, system.id)
    assert [g.level for g in history] == [3, 2] and history[1].id == first.id
    table = at.dataframe[-1].value
    assert len(table) == 2 and list(table["等级"]) == [3, 2] and list(table["当前"]) == ["★", ""]


def test_a_viewer_sees_the_page_but_cannot_save(demo_store):
    system = sis(demo_store)
    users.create_user(demo_store, "zhao", PASSWORD, by="test")
    users.set_role(demo_store, "zhao", system.organisation_id, Role.VIEWER, by="test")
    at = open_page(system, user="zhao")
    assert button(at, "保存备案信息").disabled and button(at, "保存专家评审").disabled
    choose_preset(at, system, "website")
    assert button(at, "保存定级结果").disabled


def test_user_text_is_shown_as_text_never_as_markdown(demo_store):
    from tests.app.test_hostile_rendering import LINK, SYSTEM, sinks

    system = repo.save_system(demo_store, dataclasses.replace(sis(demo_store), name=SYSTEM), "test")
    grading = repo.grading_history(demo_store, system.id)[0]
    repo.record_grading_step(
        demo_store, grading.id, "test", authority_name=LINK, expert_review_on=grading.graded_on, expert_opinion=LINK
    )
    hostile = dataclasses.replace(grading, graded_by=LINK, override_reason=LINK, rationale_zh=LINK, id=None)
    hostile = repo.add_grading(demo_store, hostile, "test")
    hostile = repo.record_grading_step(demo_store, hostile.id, "test", authority_name=LINK)
    at = open_page(system)
    assert sinks(at).offenders() == []
    assert any(LINK in md_unescape(c.value) for c in at.caption)  # shown, escaped
    # a refused filing quotes the hostile authority name back in a warning: escaped too
    at.date_input(key=f"gr_filed_on_{hostile.id}").set_value(date.today())
    button(at, "保存备案信息").click().run()
    assert any("主管部门" in w.value and LINK in md_unescape(w.value) for w in at.warning)
    assert sinks(at).offenders() == []
