"""The assessment page under the 2025 rules: the hazard count `N（M个已整改）`, candidates from high-risk problems,
a person confirming a hazard with the three-principle judgement, marking one remediated, and refusals."""

from __future__ import annotations

from mlps.adapters.store import hazards as hz
from mlps.adapters.store import users
from mlps.rules.auth import Role
from tests.app.conftest import new_app
from tests.app.test_assessment_page import PAGE, open_assessment


def _expander(at):
    return next(e for e in at.expander if e.label.startswith("重大风险隐患"))


def test_the_count_candidates_and_confirming_a_hazard(demo_store):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    assert _expander(at).label == "重大风险隐患 · 2（1个已整改）"
    captions = " ".join(c.value for c in at.caption)
    assert "A-29" in captions and "互联网出口" in captions  # a cross-cutting trigger asked as a question
    key = f"hz_new_{assessment.id}"
    at.selectbox(key=f"{key}_code").set_value("A-29")
    at.text_area(key=f"{key}_judgement").input(
        "招生报名小程序的后台接口直接暴露在互联网上，无任何访问控制：三原则均满足。"
    )
    at.button(key=f"FormSubmitter:{key}-确认为重大风险隐患").click().run()
    assert not at.exception
    assert [h.code for h in hz.list_hazards(demo_store, assessment.id)] == ["A-18", "A-26", "A-29"]
    assert {m.label: m.value for m in at.metric}["重大风险隐患"] == "3（1个已整改）"
    assert any("已确认重大风险隐患 A-29" in s.value for s in at.success)


def test_a_hazard_without_a_judgement_is_refused_and_nothing_stored(demo_store):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    key = f"hz_new_{assessment.id}"
    at.selectbox(key=f"{key}_code").set_value("A-30")
    at.button(key=f"FormSubmitter:{key}-确认为重大风险隐患").click().run()
    assert any("write the judgement" in e.value for e in at.error)
    assert len(hz.list_hazards(demo_store, assessment.id)) == 2


def test_marking_the_open_hazard_remediated_changes_the_count(demo_store):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    open_one = next(h for h in hz.list_hazards(demo_store, assessment.id) if not h.remediated)
    key = f"hz_rem_{assessment.id}_{open_one.id}"
    at.text_input(key=f"{key}_how").input("复测：所有管理员口令已改为 12 位以上")
    at.button(key=f"FormSubmitter:{key}-标记为已整改").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["重大风险隐患"] == "2（2个已整改）"


def test_a_viewer_sees_the_hazards_but_cannot_confirm(demo_store):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    users.create_user(demo_store, "zhao", "lantern-orchard-42", by="t")
    users.set_role(demo_store, "zhao", system.organisation_id, Role.VIEWER, by="t")
    at = new_app("zhao", org=system.organisation_id, system=system.id, assessment=assessment.id)
    at.run()
    at.switch_page(PAGE).run()
    assert _expander(at).label == "重大风险隐患 · 2（1个已整改）"
    assert not [b for b in at.button if "确认为重大风险隐患" in str(b.label)]
