"""The 2025 rules on the pages: the systems page offers the protection work plan of the demo school's level-3
system as PDF and Word (and the expert review form as Word); the obligations page records when the plan was
submitted, which closes the plan duty, and refuses a date after today."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
from pypdf import PdfReader

from mlps.adapters.store import repository as repo
from mlps.rules.filing_details import plan_submitted_from
from tests.app.conftest import new_app

PLATFORM = "智慧校园数据平台"


def _system(sm, name: str):
    return next(s for s in repo.list_systems(sm) if s.name == name)


def _page(system_id: int, page: str):
    at = new_app(system=system_id)
    at.run()
    return at.switch_page(page).run()


def test_the_level_3_system_offers_its_protection_plan_as_pdf_and_word(demo_store):
    sid = _system(demo_store, PLATFORM).id
    at = _page(sid, "mlps/ui/pages/systems.py")
    assert not at.exception
    labels = [b.label for b in at.button]
    assert "生成保护工作方案（PDF）" in labels and "生成保护工作方案（Word）" in labels
    assert "生成专家评审意见表（Word）" in labels
    at.button(key=f"report_prepare_protection-plan_{sid}_zh").click().run()
    at.button(key=f"report_prepare_protection-plan_{sid}_zh_docx").click().run()
    assert not at.exception
    pdf = at.session_state[f"report_pdf_protection-plan_{sid}_zh"]["pdf"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "网络安全等级保护保护工作方案" in text and "核心交换机" in text and PLATFORM in text
    word = at.session_state[f"report_pdf_protection-plan_{sid}_zh_docx"]["pdf"]
    cells = [c.text for t in docx.Document(io.BytesIO(word)).tables for r in t.rows for c in r.cells]
    assert "下一代防火墙" in cells
    downloads = {d.proto.label for d in at.get("download_button")}
    assert "下载保护工作方案（Word）" in downloads


def test_a_level_2_system_has_no_protection_plan(demo_store):
    sid = _system(demo_store, "学生信息管理系统").id
    at = _page(sid, "mlps/ui/pages/systems.py")
    assert "生成保护工作方案（PDF）" not in [b.label for b in at.button]


def test_recording_the_plan_submission_closes_the_duty(demo_store):
    system = _system(demo_store, PLATFORM)
    at = _page(system.id, "mlps/ui/pages/obligations.py")
    assert not at.exception
    field = at.date_input(key=f"sc_plan_on_{system.id}_0")
    day = field.max  # today, as the page sees it
    field.set_value(day - timedelta(days=1))
    next(b for b in at.button if b.label == "保存报送日期").click().run()
    assert not at.exception, at.exception
    assert plan_submitted_from(repo.get_system_profile(demo_store, system.id)) == day - timedelta(days=1)
    assert any("已记录保护工作方案的报送日期" in s.value for s in at.success)
    shown = " ".join(str(x.value) for x in at.markdown) + " ".join(
        df.value.to_string() for df in at.dataframe
    )
    assert "已报送保护工作方案" in shown  # the plan duty now shows its evidence



def test_an_asset_entered_on_the_grading_page_appears_in_the_regenerated_plan(demo_store):
    from mlps.rules.filing_details import assets_from
    from mlps.services import report_data as rd
    from mlps.ui.filing_details import assets_key

    system = _system(demo_store, PLATFORM)
    at = new_app(org=system.organisation_id, system=system.id)
    at.run()
    row = {"kind": "security", "name": "日志审计系统", "details": "留存 180 天", "quantity": "1"}
    at.session_state[assets_key(system.id, "zh")] = {"edited_rows": {}, "added_rows": [row], "deleted_rows": []}
    at.switch_page("mlps/ui/pages/grading.py").run()
    assert not at.exception
    next(b for b in at.button if b.label == "保存资产清单").click().run()
    assert not at.exception
    assert any(s.value == "已保存资产清单。" for s in at.success)
    stored = assets_from(repo.get_system_profile(demo_store, system.id))
    assert [a.name for a in stored][-1] == "日志审计系统" and len(stored) == 6
    reader = rd.RepositoryReader(demo_store)
    inputs = rd.gather_grading_inputs(reader, system.id)
    plan = rd.build_plan_document(rd.protection_plan_data(inputs, None, None, "zh"), "zh", "docx")
    cells = [c.text for t in docx.Document(io.BytesIO(plan)).tables for r in t.rows for c in r.cells]
    assert "日志审计系统" in cells and "留存 180 天" in cells


def test_an_asset_row_without_a_kind_is_refused_naming_the_row(demo_store):
    from mlps.rules.filing_details import assets_from
    from mlps.ui.filing_details import assets_key

    system = _system(demo_store, PLATFORM)
    at = new_app(org=system.organisation_id, system=system.id)
    at.run()
    at.session_state[assets_key(system.id, "zh")] = {"edited_rows": {}, "added_rows": [{"name": "堡垒机"}],
                                                     "deleted_rows": []}  # fmt: skip
    at.switch_page("mlps/ui/pages/grading.py").run()
    next(b for b in at.button if b.label == "保存资产清单").click().run()
    assert not at.exception
    assert any("资产第 6 行" in e.value for e in at.error)
    assert len(assets_from(repo.get_system_profile(demo_store, system.id))) == 5  # nothing saved
