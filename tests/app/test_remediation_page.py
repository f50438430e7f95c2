"""The remediation page: make the plan, assign and close tasks (with a refused stale save), update the item
results from a closed task, what-if and the suggested set, the burn-down, and a viewer who only reads."""

from __future__ import annotations

import json
from datetime import date

from mlps.adapters.store import hazards as hz
from mlps.adapters.store import remediation as rem
from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import Role
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Result
from mlps.rules.hazards import tally
from mlps.rules.high_risk import conditions_from_stored, load_guideline
from mlps.rules.remediation import TaskStatus, plan_tasks, what_if
from mlps.rules.results import results_frame
from mlps.rules.scoring import score_assessment
from mlps.rules.verdict2025 import method_for
from tests.app.conftest import PASSWORD, new_app

PAGE = "mlps/ui/pages/remediation.py"
SYSTEM = "学生信息管理系统"


def open_page(sm, signed_in: str = "wang", system_name: str = SYSTEM, **query):
    system = next(s for s in repo.list_systems(sm) if s.name == system_name)
    assessment = repo.list_assessments(sm, system.id)[0]
    at = new_app(signed_in=signed_in, org=system.organisation_id, system=system.id, **query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at, system, assessment


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def expected_plan(sm, assessment):
    items = load_catalogue().select(assessment.level, list(assessment.extensions))
    frame = results_frame(repo.results(sm, assessment.id), {i.id for i in items})
    # the demo's student system is dated today: the 2025 rules, with its two hazards (one remediated)
    score = score_assessment(frame, items, method_for(assessment.report_date, assessment.scoring_method),
                             hazards=tally(hz.list_hazards(sm, assessment.id)))  # fmt: skip
    conditions = conditions_from_stored(repo.get_system_profile(sm, assessment.system_id))
    return score, items, plan_tasks(score, items, assessment.level, results=frame, conditions=conditions)


def generate(at):
    button(at, "生成整改计划").click().run()
    assert not at.exception


def test_the_page_shows_the_score_and_makes_the_plan_high_risks_first(demo_store):
    at, _system, assessment = open_page(demo_store)
    score, _items, plan = expected_plan(demo_store, assessment)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["符合率"] == f"{score.score:.2f}%" and metrics["结论"] == score.conclusion.grade
    assert metrics["重大风险隐患"] == "2（1个已整改）"
    assert any(f"{len(plan)} 项建议任务" in i.value for i in at.info)  # a preview before anything is saved
    generate(at)
    stored = rem.list_tasks(demo_store, assessment.id)
    assert [t.key for t in stored] == [d.key for d in plan]
    highs = [t.risk for t in stored if t.risk and t.risk.value == "high"]
    assert stored[0].risk.value == "high" and len(highs) == score.conclusion.risk_counts["high"]
    assert {m.label: m.value for m in at.metric}["待整改"] == str(len(plan))
    assert button(at, "为新发现的问题补充任务")  # generating again only adds what is new
    assert at.get("plotly_chart"), "the burn-down is drawn once tasks exist"
    spec = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert [t["name"] for t in spec["data"]] == ["高风险", "中风险", "低风险", "未定风险"]


def test_assigning_a_task_persists_it_and_a_stale_save_keeps_my_text(demo_store):
    at, _system, assessment = open_page(demo_store)
    generate(at)
    task = rem.list_tasks(demo_store, assessment.id)[0]
    base = f"rem_{task.id}_1"
    at.text_input(key=f"{base}_owner").input("王老师")
    at.date_input(key=f"{base}_due").set_value(date(2027, 3, 1))
    at.selectbox(key=f"{base}_status_zh").set_value("in_progress")
    button(at, "保存任务").click().run()
    saved = rem.get_task(demo_store, task.id)
    assert (saved.owner, saved.due_on, saved.status, saved.updated_by) == (
        "王老师", date(2027, 3, 1), TaskStatus.IN_PROGRESS, "wang",
    )  # fmt: skip
    # Zhang changes the same task meanwhile; my next save is refused and my text stays
    rem.update_task(demo_store, task.id, "张老师", expected_version=saved.version, owner="张老师")
    base = f"rem_{task.id}_{saved.version}"
    at.text_area(key=f"{base}_evidence").input("机房门禁已安装")
    button(at, "保存任务").click().run()
    assert any("张老师" in e.value and "未保存" in e.value for e in at.error)
    assert at.text_area(key=f"{base}_evidence").value == "机房门禁已安装"
    assert rem.get_task(demo_store, task.id).closing_evidence == ""


def test_accepting_a_risk_without_a_reason_is_refused_and_changes_nothing(demo_store):
    at, _system, assessment = open_page(demo_store)
    generate(at)
    task = rem.list_tasks(demo_store, assessment.id)[0]
    at.selectbox(key=f"rem_{task.id}_1_status_zh").set_value("accepted_risk")
    button(at, "保存任务").click().run()
    assert any("必须说明接受风险的理由" in e.value for e in at.error)
    assert rem.get_task(demo_store, task.id).version == 1


def test_closing_a_task_with_evidence_updates_the_item_results(demo_store):
    at, _system, assessment = open_page(demo_store)
    generate(at)
    task = rem.list_tasks(demo_store, assessment.id)[0]
    at.selectbox(key=f"rem_{task.id}_1_status_zh").set_value("done")
    at.text_area(key=f"rem_{task.id}_1_evidence").input("已安装电子门禁，附进出记录")
    button(at, "保存任务").click().run()
    assert rem.get_task(demo_store, task.id).status is TaskStatus.DONE
    assert any("仍有" in i.value for i in at.info)
    button(at, "更新测评结果为“符合”").click().run()
    assert not at.exception
    now = {r.item_id: r for r in repo.results(demo_store, assessment.id)}
    for item_id in task.item_ids:
        assert now[item_id].result is Result.CONFORM and now[item_id].risk is None
        assert now[item_id].record.endswith("整改完成：已安装电子门禁，附进出记录")
        assert now[item_id].updated_by == "wang"
    assert not any(b.label == "更新测评结果为“符合”" for b in at.button)


def test_what_if_and_the_suggested_set_give_the_scores_of_the_core(demo_store):
    at, _system, assessment = open_page(demo_store)
    score, items, plan = expected_plan(demo_store, assessment)
    chosen = [d.key for d in plan[:3]]
    at.multiselect(key=f"rem_whatif_{assessment.id}_zh").set_value(chosen).run()
    hazards = hz.list_hazards(demo_store, assessment.id)
    expected = what_if(score, items, plan[:3], hazards=hazards)
    assert any(s.value == expected.summary("zh") for s in at.success)
    # each task's value in the plan table equals what the what-if shows for that task alone (issue 18 item 4)
    table = next(d.value for d in at.dataframe if "完成后可提高的分数" in d.value.columns)
    for task, value in zip(plan, table["完成后可提高的分数"], strict=True):
        assert value == round(what_if(score, items, [task], hazards=hazards).gain, 2)
    # the suggested set for 符合 (rate above 90, every hazard closed) is put into the what-if by its button
    button(at, "在上方模拟中选中这些任务").click().run()
    picked = at.multiselect(key=f"rem_whatif_{assessment.id}_zh").value
    assert picked and all(k in {d.key for d in plan} for k in picked)
    after = what_if(score, items, [d for d in plan if d.key in picked], hazards=hazards)
    assert after.score_after > 90 and after.conclusion_after.code == "conform"
    assert after.conclusion_after.hazards.text_zh == "2（2个已整改）"
    assert any(s.value == after.summary("zh") for s in at.success)


def test_a_viewer_reads_and_exports_but_cannot_change_the_plan(demo_store):
    system = next(s for s in repo.list_systems(demo_store) if s.name == SYSTEM)
    assessment = repo.list_assessments(demo_store, system.id)[0]
    users.create_user(demo_store, "zhao", PASSWORD, by="test")
    users.set_role(demo_store, "zhao", system.organisation_id, Role.VIEWER, by="test")
    _score, _items, plan = expected_plan(demo_store, assessment)
    rem.create_tasks(demo_store, assessment.id, plan, "wang")
    at, _, _ = open_page(demo_store, signed_in="zhao")
    assert any("只读" in i.value for i in at.info)
    assert not any(b.label in ("生成整改计划", "为新发现的问题补充任务") for b in at.button)
    assert at.get("form_submit_button")[0].proto.disabled
    assert at.get("download_button")[0].proto.label == "导出整改计划（Excel）"


def test_the_page_speaks_english(demo_store):
    at, _system, _assessment = open_page(demo_store, lang="en")
    assert at.title[0].value == "Remediation plan"
    assert button(at, "Make the plan")


def test_last_years_problem_list_becomes_tasks_after_review(demo_store):
    from tests.data.xlsx.agency import problem_list_docx

    at, system, assessment = open_page(demo_store, system_name="学校门户网站")
    before = rem.list_tasks(demo_store, assessment.id)
    at.file_uploader(key=f"bk_up_{assessment.id}_0").upload(
        "2025测评报告.docx", problem_list_docx(), "application/octet-stream"
    )
    at.run()
    assert not at.exception
    assert any(s.value == "导入前请核对问题与测评项的对应" for s in at.subheader)
    tasks = next(d.value for d in at.dataframe if "重大风险隐患触发项" in d.value.columns)
    assert tasks["重大风险隐患触发项"].tolist() == ["A-18", "", "", "A-26"]
    left_out = next(d.value for d in at.dataframe if "建议" in d.value.columns)
    assert left_out.iloc[0]["问题"] == "第 2 级没有控制点“集中管控”，这一行不导入。"
    hazards = next(d.value for d in at.dataframe if "判定依据" in d.value.columns)
    assert [c.split()[0] for c in hazards["触发项"]] == ["A-18", "A-26"]
    assert any("2 项重大风险隐患将与整改任务一起记录到本次测评" in m.value for m in at.markdown)
    assert rem.list_tasks(demo_store, assessment.id) == before  # nothing before confirmation
    hazards_before = [h.code for h in hz.list_hazards(demo_store, assessment.id)]
    button(at, "确认导入 4 个整改任务").click().run()
    assert not at.exception
    after = rem.list_tasks(demo_store, assessment.id)
    imported = [t for t in after if t.origin == "problem_list"]
    assert len(imported) == 4 and {c for t in imported for c in t.hazard_codes} == {"A-18", "A-26"}
    recorded = [h.code for h in hz.list_hazards(demo_store, assessment.id)]
    assert sorted(recorded) == sorted([*hazards_before, "A-18", "A-26"])


def test_tasks_cite_the_2025_guideline_case_the_system_profile_allows(demo_store):
    """Under 2025 a task carries the guideline case of its item (and its fix) exactly when the conditions recorded
    once on the system profile allow it: the same cases the assessment page offers on the gap."""
    system = next(s for s in repo.list_systems(demo_store) if s.name == "学校门户网站")
    assessment = repo.list_assessments(demo_store, system.id)[0]
    assert "cloud" in assessment.extensions and method_for(assessment.report_date, assessment.scoring_method) == (
        "mlps2025")  # fmt: skip
    for item_id in ("L2-CES1-01", "L2-CES2-08"):  # weak passwords (6.4.1.1); no local backup on a cloud (7.4.3.1)
        before = {r.item_id: r for r in repo.results(demo_store, assessment.id)}.get(item_id)
        repo.save_result(demo_store, assessment.id, item_id, "test", expected_version=before.version if before else 0,
                         result=Result.NONCONFORM, record="发现问题")  # fmt: skip

    def cited() -> dict[str, str]:
        at, _, _ = open_page(demo_store, system_name="学校门户网站")
        table = next(d.value for d in at.dataframe if "高风险情形" in d.value.columns)
        return {k: c for k, c in zip(table["测评项"], table["高风险情形"], strict=True)}

    # no cloud role recorded: the customer-only case is not cited, the unconditional one is
    rows = cited()
    assert "6.4.1.1" in rows["L2-CES1-01"] and "7.4.3.1" not in rows.get("L2-CES2-08", "")
    repo.set_system_profile(demo_store, system.id, {"profile": {"cloud_role": "customer"}}, "test")
    assert "7.4.3.1" in cited()["L2-CES2-08"]
    tasks = plan_tasks(*expected_plan(demo_store, assessment)[:2], assessment.level)
    weak = next(t for t in tasks if "L2-CES1-01" in t.item_ids)
    assert load_guideline().by_case("6.4.1.1").fix_zh in weak.action_zh
