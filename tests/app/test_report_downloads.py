"""Download buttons for the PDF documents: the systems page offers the grading report, filing form and expert
review form of the system in view; the assessment page offers the assessment report. A PDF is generated only
when asked for, and the download carries its bytes."""

from __future__ import annotations

import dataclasses
import io

from pypdf import PdfReader

from mlps.adapters.store import repository as repo
from mlps.rules.domain import System
from tests.app.conftest import new_app


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _system(sm, name: str):
    return next(s for s in repo.list_systems(sm) if s.name == name)


def _systems_page(system_id: int, **query):
    at = new_app(system=system_id, **query)
    at.run()
    return at.switch_page("mlps/ui/pages/systems.py").run()


def test_systems_page_offers_the_three_documents_and_the_download_carries_the_pdf(demo_store):
    sis = _system(demo_store, "学生信息管理系统")
    at = _systems_page(sis.id)
    assert not at.exception
    labels = [b.label for b in at.button]
    for doc in ("定级报告", "备案表", "专家评审意见表"):
        assert f"生成{doc}（PDF）" in labels
    assert not at.get("download_button"), "nothing is generated before the user asks"
    at.button(key=f"report_prepare_grading_{sis.id}_zh").click().run()
    assert not at.exception
    downloads = at.get("download_button")
    assert len(downloads) == 1
    proto = downloads[0].proto
    assert proto.label.startswith("下载定级报告（PDF，")
    assert proto.url, "the download points at the generated file"
    stored = at.session_state[f"report_pdf_grading_{sis.id}_zh"]
    pdf = stored["pdf"]
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "青山县第一中学" in text and "学生信息管理系统" in text and "第二级" in text
    # the other two documents are still only offered for generation
    assert f"report_prepare_filing_{sis.id}_zh" in [b.key for b in at.button]


def test_missing_fields_are_listed_but_the_filing_form_can_still_be_downloaded(demo_store):
    web = _system(demo_store, "学校门户网站")
    at = _systems_page(web.id)
    warnings = " ".join(w.value for w in at.warning)
    # the demo school has no data-security contact and no data survey; the web site is on a cloud without a role
    # recorded; each group says where it is filled in
    assert "数据安全责任部门" in warnings and "数据资源调查表" in warnings and "云计算角色" in warnings
    assert "在“系统与单位”页面的单位信息中填写" in warnings and "在“定级”页面的“备案材料”中填写" in warnings
    at.button(key=f"report_prepare_filing_{web.id}_zh").click().run()
    assert not at.exception
    pdf = at.session_state[f"report_pdf_filing_{web.id}_zh"]["pdf"]
    text = _text(pdf)
    assert "网络安全等级保护备案表" in text and "学校门户网站" in text and "第二级" in text
    # the missing fields stay blank and are listed on the last page; nothing is invented
    assert "（未填写）" not in text and "数据安全责任部门" in text.split("附：提交前尚需填写的内容")[1]


def test_the_document_language_follows_the_ui_and_can_be_chosen(demo_store):
    sis = _system(demo_store, "学生信息管理系统")
    at = _systems_page(sis.id, lang="en")
    assert "Generate PDF: Expert review form" in [b.label for b in at.button]
    at.button(key=f"report_prepare_expert-review_{sis.id}_en").click().run()
    text = _text(at.session_state[f"report_pdf_expert-review_{sis.id}_en"]["pdf"])
    assert "expert review opinion form" in text and "Level 2" in text
    # an English-speaking user can still print the Chinese form for the public security bureau
    at.radio(key=f"report_lang_{sis.id}_en").set_value("zh").run()
    at.button(key=f"report_prepare_expert-review_{sis.id}_zh").click().run()
    assert "专家评审意见表" in _text(at.session_state[f"report_pdf_expert-review_{sis.id}_zh"]["pdf"])


def test_a_change_to_the_system_takes_the_old_pdf_away(demo_store):
    sis = _system(demo_store, "学生信息管理系统")
    at = _systems_page(sis.id)
    at.button(key=f"report_prepare_grading_{sis.id}_zh").click().run()
    assert len(at.get("download_button")) == 1
    repo.save_system(demo_store, dataclasses.replace(repo.get_system(demo_store, sis.id), owner="教务处（新）"), "test")
    at.run()
    assert not at.get("download_button")
    at.button(key=f"report_prepare_grading_{sis.id}_zh").click().run()
    assert "教务处（新）" in _text(at.session_state[f"report_pdf_grading_{sis.id}_zh"]["pdf"])


def test_an_ungraded_system_gets_a_hint_instead_of_buttons(demo_store):
    org = repo.list_organisations(demo_store)[0]
    new = repo.save_system(demo_store, System(name="图书管理系统", organisation_id=org.id), "test")
    at = _systems_page(new.id)
    assert not at.exception
    assert any("尚未定级" in i.value for i in at.info)
    assert not [b for b in at.button if str(b.key).startswith("report_prepare_")]


def test_assessment_page_offers_the_assessment_report(demo_store):
    sis = _system(demo_store, "学生信息管理系统")
    assessment = repo.list_assessments(demo_store, sis.id)[0]
    at = new_app(system=sis.id)
    at.run()
    at.switch_page("mlps/ui/pages/assessment.py").run()
    assert not at.exception
    at.button(key=f"report_prepare_assessment_{assessment.id}_zh").click().run()
    assert not at.exception
    dl = [d for d in at.get("download_button") if d.proto.label.startswith("下载测评报告")]
    assert len(dl) == 1
    pdf = at.session_state[f"report_pdf_assessment_{assessment.id}_zh"]["pdf"]
    text = _text(pdf)
    assert "学生信息管理系统" in text and "青山县第一中学" in text and "第二级" in text
    assert "网络安全等级保护自查报告" in text and "符合率" in text and "重大风险隐患数量" in text  # dated today: 2025
    assert "不是等级测评机构出具的正式测评报告" in text


def test_the_assessment_report_uses_the_scoring_method_picked_on_the_page(demo_store):
    sis = _system(demo_store, "学生信息管理系统")
    assessment = repo.list_assessments(demo_store, sis.id)[0]
    at = new_app(system=sis.id)
    at.run()
    at.switch_page("mlps/ui/pages/assessment.py").run()
    at.selectbox(key=f"score_method_{assessment.id}").set_value("deduction2021").run()
    at.button(key=f"report_prepare_assessment_{assessment.id}_zh").click().run()
    assert not at.exception
    text = _text(at.session_state[f"report_pdf_assessment_{assessment.id}_zh"]["pdf"])
    assert "扣分法" in text
    # going back to the default method makes the generated report outdated
    at.selectbox(key=f"score_method_{assessment.id}").set_value("mlps2019").run()
    assert not [d for d in at.get("download_button") if d.proto.label.startswith("下载测评报告")]
    assert any("重新生成" in c.value for c in at.caption)
