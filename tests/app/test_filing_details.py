"""The filing details editor on the grading page: the data survey grid, the attachments checklist (level >= 3)
and the scenario extras are stored under "filing" in the system profile, beside what other pages keep there,
and the filing form PDF built through mlps.services.report_data then prints them. Bad rows are refused naming the row;
viewers cannot change anything."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import Role
from mlps.rules.domain import HarmDegree, HarmObject, Judgement, System
from mlps.rules.grading import grade
from mlps.services.report_data import RepositoryReader, build_grading_document, gather_grading_inputs
from mlps.ui.filing_details import survey_key
from tests.app.conftest import PASSWORD, new_app

PAGE = "mlps/ui/pages/grading.py"


def graded_system(sm, name: str, business: HarmDegree, extensions: tuple[str, ...] = ()) -> System:
    """A new system of the demo school graded 20 days ago: society x `business` decides the level (serious: 3)."""
    org = repo.list_organisations(sm)[0]
    system = repo.save_system(sm, System(name=name, organisation_id=org.id, extensions=extensions), "test")
    result = grade(Judgement(HarmObject.SOCIETY, business), Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL))
    record = result.to_record(system.id, graded_on=date.today() - timedelta(days=20), graded_by="王老师")
    repo.add_grading(sm, record, "test")
    return system


def open_page(system: System, user: str = "wang", survey_edits: dict | None = None):
    at = new_app(signed_in=user, org=system.organisation_id, system=system.id)
    at.run()
    if survey_edits is not None:
        at.session_state[survey_key(system.id, "zh", 0)] = survey_edits
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def pdf_text(sm, system_id: int, lang: str = "zh") -> str:
    pdf = build_grading_document("filing", gather_grading_inputs(RepositoryReader(sm), system_id), lang)
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


ROW = {
    "name": "学生学籍信息",
    "data_class": "important",
    "owner": "教务处",
    "personal_info": "yes",
    "volume": "约 3000 条",
    "sources": "新生报名",
    "flows": "上报教育局",
    "storage_location": "校内机房",
}


def test_a_data_row_and_an_attachment_entered_on_the_page_appear_on_the_filing_form_pdf(demo_store):
    system = graded_system(demo_store, "招生录取系统", HarmDegree.SERIOUS)
    assert repo.current_gradings(demo_store, [system.id])[system.id].level == 3
    at = open_page(system, survey_edits={"edited_rows": {}, "added_rows": [ROW], "deleted_rows": []})
    assert any(h.value == "备案表补充信息" for h in at.subheader)
    # the grid row (seeded as a browser would send it) is saved by the button's callback
    button(at, "保存数据资源调查表").click().run()
    assert not at.exception
    assert any(s.value == "已保存数据资源调查表（1 行）。" for s in at.success)
    # the attachments checklist of a level-3 filing: tick the topology and name its file
    sid = system.id
    at.checkbox(key=f"fd_att_topology_{sid}_0").check()
    at.text_input(key=f"fd_att_note_topology_{sid}_0").input("网络拓扑图-2026.pdf")
    button(at, "保存附件清单").click().run()
    assert not at.exception
    assert any(s.value == "已保存附件清单。" for s in at.success)

    stored = repo.get_system_profile(demo_store, sid)
    assert stored["filing"]["data_survey"] == [{**ROW, "personal_info": True}]
    assert stored["filing"]["attachments"] == {"topology": "网络拓扑图-2026.pdf"}
    # the page shows what was stored after the save (a new grid, the ticked attachment)
    assert at.checkbox(key=f"fd_att_topology_{sid}_1").value is True
    assert at.session_state[f"fd_survey_v_{sid}"] == 1

    text = pdf_text(demo_store, sid)
    assert "学生学籍信息" in text and "教务处" in text and "重要数据" in text and "校内机房" in text
    assert "网络拓扑图-2026.pdf" in text
    assert "Student" not in text
    english = pdf_text(demo_store, sid, "en")
    assert "学生学籍信息" in english and "Important" in english  # the cell wraps "Important data"


def test_saving_keeps_the_applicability_profile_and_the_other_filing_parts(demo_store):
    system = graded_system(demo_store, "招生录取系统", HarmDegree.SERIOUS, ("bigdata",))
    before = {
        "profile": {"cloud_role": "customer", "mobile_apps": ["青山一中"]},
        "overrides": [{"item_id": "L3-PES1-01", "reason": "无机房", "status": "not_applicable"}],
        "log_evidence": "日志服务器配置截图",
        "filing": {"attachments": {"service_list": "安全服务清单.xlsx"}, "iot_description": "旧的说明"},
    }
    repo.set_system_profile(demo_store, system.id, before, "test")
    at = open_page(system, survey_edits={"edited_rows": {}, "added_rows": [{"name": "招生报名数据"}],
                                         "deleted_rows": []})  # fmt: skip
    button(at, "保存数据资源调查表").click().run()
    sid = system.id
    # the scenario form asks only for big data here (the system has no IoT / ICS extension)
    assert not [t for t in at.text_area if t.key.startswith(f"fd_iot_description_{sid}")]
    at.text_area(key=f"fd_bigdata_description_{sid}_0").input("教育大数据分析平台，约 2 TB")
    at.radio(key=f"fd_cross_{sid}_0_zh").set_value("no")
    button(at, "保存扩展场景信息").click().run()
    assert not at.exception
    stored = repo.get_system_profile(demo_store, sid)
    assert {k: stored[k] for k in ("profile", "overrides", "log_evidence")} == {
        k: before[k] for k in ("profile", "overrides", "log_evidence")
    }
    assert stored["filing"] == {
        "attachments": {"service_list": "安全服务清单.xlsx"},
        "iot_description": "旧的说明",
        "data_survey": [{"name": "招生报名数据", "data_class": "", "owner": "", "personal_info": None, "volume": "",
                         "sources": "", "flows": "", "storage_location": ""}],
        "bigdata_description": "教育大数据分析平台，约 2 TB",
        "bigdata_cross_border": False,
    }  # fmt: skip
    text = pdf_text(demo_store, sid)
    assert "教育大数据分析平台" in text and "招生报名数据" in text


def test_editing_and_deleting_rows_of_the_stored_survey(demo_store):
    system = graded_system(demo_store, "招生录取系统", HarmDegree.SERIOUS)
    first, second = {**ROW, "personal_info": True}, {**ROW, "name": "教职工信息", "personal_info": False}
    repo.set_system_profile(demo_store, system.id, {"filing": {"data_survey": [first, second]}}, "test")
    edits = {"edited_rows": {1: {"volume": "约 200 条"}}, "added_rows": [], "deleted_rows": [0]}
    at = open_page(system, survey_edits=edits)
    button(at, "保存数据资源调查表").click().run()
    rows = repo.get_system_profile(demo_store, system.id)["filing"]["data_survey"]
    assert rows == [{**second, "volume": "约 200 条"}]


def test_a_row_without_a_data_name_is_refused_naming_the_row_and_nothing_changes(demo_store):
    system = graded_system(demo_store, "招生录取系统", HarmDegree.SERIOUS)
    edits = {"edited_rows": {}, "added_rows": [{"name": "学籍"}, {"owner": "教务处", "volume": "100"}],
             "deleted_rows": []}  # fmt: skip
    at = open_page(system, survey_edits=edits)
    button(at, "保存数据资源调查表").click().run()
    assert not at.exception
    assert any("第 2 行没有数据名称" in e.value for e in at.error)
    assert "filing" not in repo.get_system_profile(demo_store, system.id)
    assert f"fd_survey_v_{system.id}" not in at.session_state, "the same grid, with the user's edits, stays"


def test_a_ticked_attachment_needs_its_file_name_and_level_2_asks_for_no_attachments(demo_store):
    system = graded_system(demo_store, "招生录取系统", HarmDegree.SERIOUS)
    at = open_page(system)
    at.checkbox(key=f"fd_att_security_design_{system.id}_0").check()
    button(at, "保存附件清单").click().run()
    assert any("已勾选为已提供：请填写文件名或说明" in e.value for e in at.error)
    assert "filing" not in repo.get_system_profile(demo_store, system.id)

    level2 = graded_system(demo_store, "图书借阅系统", HarmDegree.GENERAL)
    at = open_page(level2)
    assert not [c for c in at.checkbox if c.key.startswith("fd_att_")]
    assert any("第2级系统备案时不需要提交附件" in c.value for c in at.caption)
    assert "保存数据资源调查表" in [b.label for b in at.button]


def test_a_viewer_sees_the_details_but_cannot_change_them(demo_store):
    system = graded_system(demo_store, "招生录取系统", HarmDegree.SERIOUS)
    stored = {"filing": {"attachments": {"topology": "拓扑.pdf"}, "data_survey": [{**ROW, "personal_info": True}]}}
    repo.set_system_profile(demo_store, system.id, stored, "test")
    users.create_user(demo_store, "zhao", PASSWORD, by="test")
    users.set_role(demo_store, "zhao", system.organisation_id, Role.VIEWER, by="test")
    at = open_page(system, user="zhao", survey_edits={"edited_rows": {}, "added_rows": [{"name": "x"}],
                                                      "deleted_rows": []})  # fmt: skip
    assert button(at, "保存数据资源调查表").disabled
    assert button(at, "保存附件清单").disabled
    assert at.checkbox(key=f"fd_att_topology_{system.id}_0").value is True
    assert at.checkbox(key=f"fd_att_topology_{system.id}_0").disabled
    assert repo.get_system_profile(demo_store, system.id) == stored


def test_level_1_is_not_filed_so_no_details_are_asked(demo_store):
    org = repo.list_organisations(demo_store)[0]
    system = repo.save_system(demo_store, System(name="班级相册", organisation_id=org.id), "test")
    result = grade(Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL), Judgement(HarmObject.CITIZENS,
                                                                                 HarmDegree.GENERAL))  # fmt: skip
    repo.add_grading(demo_store, result.to_record(system.id, graded_on=date.today(), graded_by="王老师"), "test")
    at = open_page(system)
    assert any("第一级定级对象不备案" in c.value for c in at.caption)
    assert "保存数据资源调查表" not in [b.label for b in at.button]


# ---------------------------------------------------------------- the 2025 form's coded fields (round trip)


def _docx_text(data: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "".join([p.text for p in d.paragraphs] + cells).replace(" ", "")


def _filing_docx(system_id: int) -> str:
    """The filing form generated on the systems page, as the user downloads it (Word)."""
    at = new_app(system=system_id)
    at.run()
    at.switch_page("mlps/ui/pages/systems.py").run()
    at.button(key=f"report_prepare_filing_{system_id}_zh_docx").click().run()
    assert not at.exception
    return _docx_text(at.session_state[f"report_pdf_filing_{system_id}_zh_docx"]["pdf"])


def test_the_coded_fields_edited_on_the_grading_page_change_the_regenerated_word_form(demo_store):
    platform = next(s for s in repo.list_systems(demo_store) if s.name == "智慧校园数据平台")
    before = _filing_docx(platform.id)
    assert "■2互联网" in before and "■3与本单位其他系统连接" in before  # the demo's answers
    at = open_page(platform)
    assert any("[R] 代码表按回忆整理" in c.value for c in at.caption)  # the lists are recalled, and it says so
    sid = platform.id
    at.selectbox(key=f"fd_form_network_nature_{sid}_0_zh").set_value("1")
    at.multiselect(key=f"fd_form_ic_{sid}_0_zh").set_value(["1", "3"])
    at.text_input(key=f"fd_form_domains_{sid}_0").set_value("")
    button(at, "保存备案表栏目").click().run()
    assert not at.exception and any(s.value == "已保存备案表栏目。" for s in at.success)
    after = _filing_docx(sid)
    assert "■1业务专网□2互联网" in after and "■1与其他行业系统连接" in after
    assert "parent.qsyz.example" not in after  # the domain was cleared; a private network asks for none


def test_a_unit_code_chosen_on_the_systems_page_is_ticked_on_the_regenerated_form(demo_store):
    platform = next(s for s in repo.list_systems(demo_store) if s.name == "智慧校园数据平台")
    org = repo.list_organisations(demo_store)[0]
    at = new_app(system=platform.id, org=org.id)
    at.run()
    at.switch_page("mlps/ui/pages/systems.py").run()
    assert any("[R] 代码表按回忆整理" in c.value for c in at.caption)
    at.selectbox(key=f"org_{org.id}_industry_zh").set_value("45")
    at.text_input(key=f"org_{org.id}_data_department").set_value("教务处")
    next(b for b in at.button if b.label == "保存单位信息").click().run()
    assert not at.exception
    saved = repo.get_organisation(demo_store, org.id)
    assert saved.industry == "45" and saved.data_department == "教务处"
    text = _filing_docx(platform.id)
    assert "□43教育" in text and "■45卫生" in text and "数据安全责任部门教务处" in text
