"""The assessment page scores live, explains the score, and round-trips the Excel workbook."""

from __future__ import annotations

import io

import openpyxl

from mlps.adapters.store import hazards as hz
from mlps.adapters.store import repository as repo
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Result
from mlps.rules.hazards import tally
from mlps.rules.results import results_frame
from mlps.rules.scoring import score_assessment
from mlps.ui.safe import md_unescape
from tests.app.test_assessment_page import open_assessment


def test_the_live_score_matches_the_scoring_core_and_says_how_it_was_computed(demo_store):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    items = load_catalogue().select(assessment.level, list(assessment.extensions))
    # a new assessment is dated today: the 2025 method (rate of conformity, 符合 / 基本符合 / 不符合) by default
    expected = score_assessment(results_frame(repo.results(demo_store, assessment.id)), items, "mlps2025",
                                hazards=tally(hz.list_hazards(demo_store, assessment.id)))  # fmt: skip
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["符合率"] == f"{expected.score:.2f}%"
    assert metrics["结论"] == expected.conclusion.grade in ("符合", "基本符合", "不符合")
    assert metrics["重大风险隐患"] == expected.conclusion.hazards.text_zh
    assert any(expected.conclusion.reason_zh in m.value for m in at.markdown)
    how = next(c.value for c in at.caption if "已计分" in c.value)
    assert f"已计分 {expected.coverage.scored} /" in how
    why = next(e for e in at.expander if e.label == "为什么是这个分数")
    top = why.dataframe[1].value
    assert top.iloc[0]["编号"] == expected.explanation[0].item_id


def test_fixing_an_item_raises_the_score(demo_store):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    before = float(next(m.value for m in at.metric if m.label == "符合率").rstrip("%"))
    worst = next(r for r in repo.results(demo_store, assessment.id) if r.result == Result.NONCONFORM)
    repo.save_result(demo_store, assessment.id, worst.item_id, "wang", expected_version=worst.version,
                     result=Result.CONFORM)  # fmt: skip
    at.run()
    assert float(next(m.value for m in at.metric if m.label == "符合率").rstrip("%")) > before


def test_export_then_import_the_workbook_through_the_page(demo_store):
    at, system, assessment = open_assessment(demo_store, "办公自动化系统")
    at.button(key=f"xl_prepare_{assessment.id}").click().run()
    data = at.session_state[f"xl_file_{assessment.id}"]
    book = openpyxl.load_workbook(io.BytesIO(data))
    changed = 0
    for sheet in book.worksheets[1:]:  # the first sheet is the cover
        for row in sheet.iter_rows():
            if any(c.value == "L2-PES1-01" for c in row):
                for cell in row:
                    if cell.value in ("符合", "部分符合", "不符合", "不适用", "未测评"):
                        cell.value = "不符合"
                        changed += 1
    assert changed == 1
    buf = io.BytesIO()
    book.save(buf)
    at.file_uploader(key=f"xl_up_{assessment.id}_0").upload(
        "结果.xlsx", buf.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    at.run()
    assert any(s.value == "导入前请核对对应关系" for s in at.subheader)
    confirm = next(b for b in at.button if b.label.startswith("确认导入"))
    confirm.click().run()
    assert not at.exception
    got = {r.item_id: r.result for r in repo.results(demo_store, assessment.id)}
    assert got["L2-PES1-01"] == Result.NONCONFORM


def test_a_wrong_workbook_changes_nothing_and_says_where(demo_store):
    at, system, assessment = open_assessment(demo_store, "办公自动化系统")
    before = repo.results(demo_store, assessment.id)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "机房"
    sheet.append(["控制点", "测评项", "结果记录", "符合情况"])
    sheet.append(["物理访问控制", "a)", "有门禁", "也许"])
    buf = io.BytesIO()
    book.save(buf)
    at.file_uploader(key=f"xl_up_{assessment.id}_0").upload("bad.xlsx", buf.getvalue(), "application/octet-stream")
    at.run()
    assert any("没有写入任何内容" in i.value for i in at.info)
    left_out = next(d.value for d in at.dataframe if "建议" in d.value.columns)
    assert left_out.iloc[0]["位置"] == "工作表“机房”，第 2 行，D 列（符合情况）"
    assert "“也许”不是有效的结果" in left_out.iloc[0]["问题"]
    assert not [b for b in at.button if b.label.startswith("确认导入")]
    assert repo.results(demo_store, assessment.id) == before


def test_an_agency_workbook_is_reviewed_then_lands_with_its_object_details(demo_store):
    from mlps.services import agency_import as agency
    from tests.data.xlsx.agency import agency_l2_cloud

    at, system, assessment = open_assessment(demo_store, "学校门户网站")
    before = len(repo.results(demo_store, assessment.id))
    uploader = at.file_uploader(key=f"xl_up_{assessment.id}_0")
    uploader.upload("测评底稿.xlsx", agency_l2_cloud(), "application/octet-stream")
    at.run()
    assert not at.exception
    assert any(s.value == "导入前请核对对应关系" for s in at.subheader)
    assert any(m.value == "**3 行不导入**" for m in at.markdown)
    assert any(m.value.startswith("**") and "非精确对应" in m.value for m in at.markdown)
    shown = "".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "“管理制度 c)”不是第 2 级的测评项" in shown and "对应 安全区域边界 恶意代码防范 a) [L2-ABS1-07]" in shown
    assert any("权重是 1.00，本目录是 0.70" in md_unescape(w.value) for w in at.warning)
    assert len(repo.results(demo_store, assessment.id)) == before  # nothing before confirmation
    next(b for b in at.button if b.label == "确认导入 35 条结果").click().run()
    assert not at.exception
    stored = {(r.assessed_object, r.item_id): r.result for r in repo.results(demo_store, assessment.id)}
    assert len(stored) == before + 35 and stored[("中心机房", "L2-PES1-14")] == Result.NONCONFORM
    from mlps.adapters.store import users
    from mlps.services.workspace import Workspace

    described = agency.object_descriptions(Workspace(demo_store, users.actor(demo_store, "wang")), assessment.id)
    assert described["SQL server数据库"] == "IP：172.16.6.3  版本：server 2012"

