"""The assessment page: recording a result persists it; a stale save is refused and keeps the text."""

from __future__ import annotations

from mlps.adapters.store import repository as repo
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Result
from tests.app.conftest import new_app

PAGE = "mlps/ui/pages/assessment.py"


def open_assessment(sm, system_name: str):
    system = next(s for s in repo.list_systems(sm) if s.name == system_name)
    assessment = repo.list_assessments(sm, system.id)[0]
    at = new_app(org=system.organisation_id, system=system.id, assessment=assessment.id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at, system, assessment


def select_item(at, assessment_id: int, item_id: str) -> None:
    at.text_input(key=f"as_f_text_{assessment_id}").input(item_id).run()
    at.session_state[f"as_table_{assessment_id}__0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()


def save_button(at):
    return next(b for b in at.button if b.label == "保存")


def test_recording_a_result_on_the_page_persists_it(demo_store):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    item_id = "L2-CES1-01"
    before = {r.item_id: r for r in repo.results(demo_store, assessment.id)}.get(item_id)
    select_item(at, assessment.id, item_id)
    base = f"as_{assessment.id}_{item_id}__{before.version if before else 0}"
    at.radio(key=f"{base}_result").set_value("partial")
    at.text_area(key=f"{base}_record").input("口令策略已配置，但未启用登录失败锁定。")
    save_button(at).click().run()
    assert not at.exception
    saved = {r.item_id: r for r in repo.results(demo_store, assessment.id)}[item_id]
    assert saved.result == Result.PARTIAL
    assert saved.record == "口令策略已配置，但未启用登录失败锁定。"
    assert saved.updated_by == "wang"
    # a fresh session (a reload) shows it
    at2, _, _ = open_assessment(demo_store, "学生信息管理系统")
    select_item(at2, assessment.id, item_id)
    assert any(t.value == "口令策略已配置，但未启用登录失败锁定。" for t in at2.text_area)


def test_a_stale_save_is_refused_naming_who_and_keeps_my_text(demo_store):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    item_id = "L2-PES1-01"
    before = {r.item_id: r for r in repo.results(demo_store, assessment.id)}.get(item_id)
    version = before.version if before else 0
    select_item(at, assessment.id, item_id)
    # meanwhile Zhang saves the same item
    repo.save_result(demo_store, assessment.id, item_id, "张老师", expected_version=version, record="张老师的记录")
    base = f"as_{assessment.id}_{item_id}__{version}"
    at.text_area(key=f"{base}_record").input("我的记录，不能丢")
    save_button(at).click().run()
    assert any("张老师" in e.value and "未保存" in e.value for e in at.error)
    assert at.text_area(key=f"{base}_record").value == "我的记录，不能丢"
    assert {r.item_id: r for r in repo.results(demo_store, assessment.id)}[item_id].record == "张老师的记录"
    # the user decides to keep theirs: it is saved over Zhang's, knowingly
    next(b for b in at.button if b.label == "用我的内容覆盖").click().run()
    assert {r.item_id: r for r in repo.results(demo_store, assessment.id)}[item_id].record == "我的记录，不能丢"


def test_bulk_setting_a_result_on_several_items(demo_store):
    at, system, assessment = open_assessment(demo_store, "办公自动化系统")
    at.text_input(key=f"as_f_text_{assessment.id}").input("L2-PES1-0").run()
    at.session_state[f"as_table_{assessment.id}__0"] = {"selection": {"rows": [0, 1, 2], "columns": []}}
    at.run()
    at.selectbox(key=f"as_bulk_value_{assessment.id}").set_value("na")
    at.button(key=f"as_bulk_apply_{assessment.id}").click().run()
    got = {r.item_id: r.result for r in repo.results(demo_store, assessment.id)}
    assert [got.get(f"L2-PES1-0{n}") for n in (1, 2, 3)] == [Result.NA] * 3


def test_starting_from_last_year_copies_results_marked_for_review(demo_store):
    at, system, assessment = open_assessment(demo_store, "学校门户网站")
    old_results = repo.results(demo_store, assessment.id)
    form_buttons = [b for b in at.button if b.label == "开始测评"]
    at.selectbox[[s.label for s in at.selectbox].index("以往测评作为基线（从去年开始）")].set_value(assessment.id)
    form_buttons[0].click().run()
    assert not at.exception
    newest = repo.list_assessments(demo_store, system.id)[0]
    assert newest.id != assessment.id and newest.baseline_of == assessment.id
    copied = repo.results(demo_store, newest.id)
    assert len(copied) == len(old_results) and all(r.needs_review for r in copied)


def gap(sm, assessment, item_id: str) -> None:
    before = {r.item_id: r for r in repo.results(sm, assessment.id)}.get(item_id)
    repo.save_result(sm, assessment.id, item_id, "test", expected_version=before.version if before else 0,
                     result=Result.NONCONFORM, risk=None, record="发现问题")  # fmt: skip


def test_a_gap_shows_its_2025_guideline_case_with_the_mitigations_as_questions(demo_store):
    _, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    gap(demo_store, assessment, "L2-CES1-01")
    at, _, _ = open_assessment(demo_store, "学生信息管理系统")
    select_item(at, assessment.id, "L2-CES1-01")
    case = next(e for e in at.expander if "判例 6.4.1.1" in e.label)
    texts = " ".join(t.value for t in case.text)
    assert "弱口令" in case.label and "有能登录的空口令账户" in texts
    assert "1. 该对象是否只能本地登录" in texts and "2. 是否采用了不可绕过的两种或以上组合鉴别方式？" in texts
    captions = " ".join(c.value for c in case.caption)
    assert "降低风险前逐条核实" in captions and "A-18" in captions
    assert any("建议判为高风险" in w.value for w in case.warning)


def test_recorded_conditions_decide_the_case_and_whether_it_can_be_lowered(demo_store):
    _, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    gap(demo_store, assessment, "L2-CES1-15")  # known vulnerabilities not patched: case 6.4.3.2
    at, _, _ = open_assessment(demo_store, "学生信息管理系统")
    select_item(at, assessment.id, "L2-CES1-15")
    case = next(e for e in at.expander if "判例 6.4.3.2" in e.label)
    assert "降低风险前逐条核实" in " ".join(c.value for c in case.caption)
    # the system is recorded as internet facing: no mitigation applies any more
    repo.set_system_profile(demo_store, system.id, {"profile": {"internet_facing": True}}, "test")
    at, _, _ = open_assessment(demo_store, "学生信息管理系统")
    select_item(at, assessment.id, "L2-CES1-15")
    case = next(e for e in at.expander if "判例 6.4.3.2" in e.label)
    assert any("经互联网管理或访问" in i.value and "缓解措施不适用" in i.value for i in case.info)
    assert "降低风险前逐条核实" not in " ".join(c.value for c in case.caption)


def test_a_big_data_item_is_listed_and_headed_as_agencies_write_it(demo_store):
    """The worklist and the item form show category + printed unit (安全计算环境 BDS-L2-03), never the stored id."""
    system = next(s for s in repo.list_systems(demo_store) if s.name == "学生信息管理系统")
    big = repo.start_assessment(demo_store, system.id, 2, ["bigdata"], load_catalogue().version, "wang")
    at = new_app(org=system.organisation_id, system=system.id, assessment=big.id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    select_item(at, big.id, "BDS-L2-03")
    table = next(d.value for d in at.dataframe if "编号" in d.value.columns)
    assert list(table["编号"]) == ["安全计算环境 BDS-L2-03"]
    assert any(m.value.startswith("**安全计算环境 BDS-L2-03** · ") for m in at.markdown)
    assert not any("BDS-L2-CES-03" in m.value for m in at.markdown)
