"""The obligations page on the demo school: exposure first (the student information system, graded 30 days ago
and not filed, is red), each system's obligations with due dates, the log-retention form, the timeline; and the
home banner built from the same exposure."""

from __future__ import annotations

import json
from datetime import date, timedelta

from mlps.adapters.store import repository as repo
from mlps.rules.obligations import filing_deadline, penalty_on
from tests.app.conftest import new_app

PAGE = "mlps/ui/pages/obligations.py"


def system_named(sm, name: str):
    return next(s for s in repo.list_systems(sm) if s.name == name)


def open_page(sm, system_name: str = "学生信息管理系统", **query):
    system = system_named(sm, system_name)
    at = new_app(org=system.organisation_id, system=system.id, **query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at, system


def table_of(at, system_name: str):
    section = next(e for e in at.expander if system_name in e.label)
    return section.dataframe[0].value


def test_the_student_information_system_graded_30_days_ago_and_not_filed_is_red(demo_store):
    at, system = open_page(demo_store)
    graded_on = repo.grading_history(demo_store, system.id)[0].graded_on
    assert graded_on == date.today() - timedelta(days=30)
    due = filing_deadline(graded_on).due
    # exposure first: red, naming the system and why, the penalty in force today, the Yibin case
    assert "1 个系统未定级、未按期备案或未按期测评" in at.error[0].value
    assert any("学生信息管理系统" in m.value and f"定级后未按期备案（应于 {due} 前）" in m.value for m in at.markdown)
    assert any(penalty_on(date.today()).article_zh in m.value for m in at.markdown)
    assert any("宜宾" in i.value and "1 万元" in i.value for i in at.info)
    # its obligations: filing overdue with its due date and the [R] mark; the other systems are listed too
    rows = table_of(at, "学生信息管理系统").set_index("义务")
    assert rows.loc["向公安机关备案", "状态"].endswith("已逾期")
    assert rows.loc["向公安机关备案", "截止日期"] == due.isoformat()
    assert rows.loc["向公安机关备案", "规则可信度"].startswith("[R]")
    assert rows.loc["等级测评", "规则可信度"] == "通行做法，非法定要求"
    assert rows.loc["定级", "完成日期"] == graded_on.isoformat()
    website = table_of(at, "学校门户网站").set_index("义务")
    assert website.loc["向公安机关备案", "状态"].endswith("已完成")
    assert "51150099000-00123" in website.loc["向公安机关备案", "完成依据"]


def test_the_exposure_turns_green_for_that_system_once_it_is_filed(demo_store):
    system = system_named(demo_store, "学生信息管理系统")
    grading = repo.grading_history(demo_store, system.id)[0]
    repo.record_grading_step(
        demo_store, grading.id, "test", expert_review_on=date.today() - timedelta(days=3), expert_opinion="同意",
        filed_on=date.today() - timedelta(days=1), filing_office="青山县公安局网安大队",
    )  # fmt: skip
    at, _ = open_page(demo_store)
    assert not at.error  # no red system left; the log retention still makes it amber
    assert at.warning[0].value.startswith("没有未定级、未备案或逾期测评的系统")
    rows = table_of(at, "学生信息管理系统").set_index("义务")
    assert rows.loc["向公安机关备案", "状态"].endswith("已完成") and rows.loc["向公安机关备案", "完成依据"]


def test_the_log_retention_form_saves_and_flags_less_than_six_months(demo_store):
    at, system = open_page(demo_store)
    assert any("还没有记录这个系统实际配置的日志留存天数" in w.value for w in at.warning)
    at.number_input(key=f"ob_logs_days_{system.id}").set_value(90)
    next(b for b in at.button if b.label == "保存日志留存天数").click().run()
    assert not at.exception
    assert repo.get_log_retention(demo_store, system.id) == 90
    assert any("已保存：日志留存 90 天" in s.value for s in at.success)
    assert any("日志只留存 90 天，少于法律要求的 180 天" in e.value for e in at.error)
    rows = table_of(at, "学生信息管理系统").set_index("义务")
    assert rows.loc["网络日志留存不少于六个月", "状态"].endswith("已逾期")
    at.number_input(key=f"ob_logs_days_{system.id}").set_value(200)
    next(b for b in at.button if b.label == "保存日志留存天数").click().run()
    assert repo.get_log_retention(demo_store, system.id) == 200
    rows = table_of(at, "学生信息管理系统").set_index("义务")
    assert rows.loc["网络日志留存不少于六个月", "状态"].endswith("已完成")
    assert "200 天" in rows.loc["网络日志留存不少于六个月", "完成依据"]


def test_the_timeline_shows_the_overdue_filing_and_the_coming_ones(demo_store):
    at, system = open_page(demo_store)
    graded_on = repo.grading_history(demo_store, system.id)[0].graded_on
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    traces = {t["name"]: t for t in spec["data"]}
    overdue = traces["已逾期"]
    assert filing_deadline(graded_on).due.isoformat() in overdue["x"]
    assert "学生信息管理系统" in overdue["y"] and "向公安机关备案" in overdue["text"]
    assert "即将到期" in traces  # the office system, graded 5 days ago, is due to file soon


def test_the_page_in_english(demo_store):
    at, _ = open_page(demo_store, lang="en")
    assert at.title[0].value == "Obligations and deadlines"
    rows = table_of(at, "学生信息管理系统").set_index("Obligation")
    assert rows.loc["Filing with the public security bureau", "Status"].endswith("overdue")
    assert rows.loc["Filing with the public security bureau", "How sure"].startswith("[R]")
    assert any("The Yibin case" in i.value for i in at.info)


def test_home_shows_the_exposure_and_start_opens_grading_for_the_red_system(demo_store):
    office = system_named(demo_store, "办公自动化系统")
    at = new_app(org=office.organisation_id, system=office.id)
    at.run()
    assert not at.exception
    assert "1 个系统存在法律风险（1 个未按期备案）" in at.error[0].value
    assert any("学生信息管理系统" in m.value for m in at.markdown)
    at.button(key="home_start").click().run()
    assert not at.exception
    assert at.title[0].value == "定级与备案"
    assert any("学生信息管理系统" in c.value for c in at.caption)


def test_user_text_is_shown_as_text_never_as_markdown_or_chart_html(demo_store):
    import dataclasses

    from tests.app.test_hostile_rendering import SCRIPT, SYSTEM, sinks

    system = system_named(demo_store, "学生信息管理系统")
    repo.save_system(demo_store, dataclasses.replace(system, name=SYSTEM), "test")
    with demo_store.begin() as s:  # an assessment title typed by a user
        from mlps.adapters.store.models import AssessmentRow

        s.get(AssessmentRow, repo.list_assessments(demo_store, system.id)[0].id).title = SCRIPT
    at, _ = open_page(demo_store, SYSTEM)
    assert sinks(at).offenders() == []
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    shown = [y for t in spec["data"] for y in t["y"]]
    assert "[click](javascript:alert(1)) &lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert not any("<script>" in y for y in shown)
