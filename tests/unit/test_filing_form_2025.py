"""The 2025 filing form (备案表) read back field by field: every field of the unit table, the graded-object table,
the grading table, the scenarios, the attachments and the data sheets carries the value entered, and each coded
field ticks the right code (■) and only that one — in the Word file (python-docx, cell by cell) and in the PDF
(pypdf), in Chinese. The grading report is checked the same way."""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import pytest
from pypdf import PdfReader

from mlps.adapters.reports.filing_form import (
    DataSurveyRow,
    FilingEntry,
    ScenarioInfo,
    build_filing_form,
    build_filing_form_docx,
)
from mlps.adapters.reports.grading_report import build_grading_report, build_grading_report_docx
from mlps.rules.domain import GradingRecord, HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.rules.filing_codes import load_filing_codes
from mlps.rules.filing_details import FormDetails

ORG = Organisation(
    name="青山县第二中学", credit_code="12511500MB7654321Y", province="四川省", city="青山市", county="青山县",
    address="学府路 8 号", postal_code="644100", region_code="511502", head_name="周校长", head_title="校长",
    head_phone="0831-1110001", head_email="head@qs2.example", security_department="网络中心",
    security_contact="吴老师", security_title="网络管理员", security_phone="0831-1110002",
    security_mobile="13811110002", security_email="net@qs2.example", data_department="教务处",
    data_contact="郑主任", data_title="教务主任", data_phone="0831-1110003", data_mobile="13811110003",
    data_email="jw@qs2.example", affiliation="4", unit_type="事业单位", industry="43",
)  # fmt: skip
SYSTEM = System(
    name="选课与成绩平台", id=7, code="QS2-XK", object_type="information_system", business_type="教学管理",
    business_description="学生网上选课、教师录入成绩、家长查询", service_scope="全县高中",
    service_users="师生与家长", deployment="县教育云两台虚拟机", internet_facing=True, go_live=date(2023, 2, 20),
    parent_system="县教育云平台", extensions=("cloud", "mobile", "bigdata"),
)  # fmt: skip
FORM = FormDetails(business_type="5", service_scope="30", service_targets="3", deployment_scope="2",
                   network_nature="2", interconnection=("2", "3"), source_ips="任意（公众访问）",
                   domains="xk.qs2.example", protocols_ports="HTTPS/443", parent_unit="青山县教育局")  # fmt: skip
GRADING = GradingRecord(
    7, Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS, "成绩被篡改会扰乱招生秩序"),
    Judgement(HarmObject.CITIZENS, HarmDegree.SERIOUS, "选课中断影响学生"), 3, 2, 3,
    graded_on=date(2026, 3, 2), graded_by="吴老师", expert_review_on=date(2026, 3, 9),
    authority_name="青山县教育局", authority_approved_on=date(2026, 3, 16),
)  # fmt: skip
SCENARIO = ScenarioInfo(cloud_role="customer", cloud_platform_name="县教育云", cloud_platform_level=3,
                        cloud_platform_filing_number="51150000000-00001", mobile_apps="青山选课",
                        bigdata_description="成绩分析库", bigdata_cross_border=False)  # fmt: skip
ATTACHMENTS = {"topology": "拓扑图.pdf", "organisation_policies": "管理制度汇编.pdf",
               "security_design": "设计方案.docx", "product_list": "产品清单.xlsx", "service_list": "服务清单.pdf",
               "authority_approval": "教育局批复.pdf"}
SHEETS = [DataSurveyRow("学生学籍", "important", "学籍办", True, "3 万条", "招生录入", "学校→县教育局", "县教育云"),
          DataSurveyRow("课程安排", "general", "教务处", False, "800 条", "教务处编排", "仅校内", "县教育云")]
ENTRY = FilingEntry(SYSTEM, GRADING, SCENARIO, ATTACHMENTS, SHEETS, FORM)

# (label as printed, value as printed) for every field of the form, coded fields with their tick row
EXPECTED = [
    ("单位名称", "青山县第二中学"), ("统一社会信用代码", "12511500MB7654321Y"),
    ("单位地址", "四川省省（自治区、直辖市）青山市地（区、市、州、盟）青山县县（区、市、旗）学府路8号"),
    ("邮政编码", "644100"), ("行政区划代码", "511502"), ("单位负责人", "周校长"), ("负责人职务/职称", "校长"),
    ("负责人电话", "0831-1110001"), ("负责人电子邮件", "head@qs2.example"), ("网络安全责任部门", "网络中心"),
    ("网络安全责任部门联系人", "吴老师"), ("网络安全联系人职务/职称", "网络管理员"),
    ("网络安全联系人电话", "0831-1110002"), ("网络安全联系人移动电话", "13811110002"),
    ("网络安全联系人邮箱", "net@qs2.example"), ("数据安全责任部门", "教务处"), ("数据安全责任部门联系人", "郑主任"),
    ("数据安全联系人职务/职称", "教务主任"), ("数据安全联系人电话", "0831-1110003"),
    ("数据安全联系人移动电话", "13811110003"), ("数据安全联系人电子邮件", "jw@qs2.example"),
    ("本次备案定级对象数量", "第一级0个；第二级0个；第三级1个；第四级0个；第五级0个"),
    ("定级对象总数", "第一级0个；第二级2个；第三级1个；第四级0个；第五级0个"),
    ("定级对象名称", "选课与成绩平台"), ("定级对象编号", "QS2-XK"),
    ("业务描述", "学生网上选课、教师录入成绩、家长查询"), ("互联网访问源地址（IP）", "任意（公众访问）"),
    ("域名", "xk.qs2.example"), ("协议与端口", "HTTPS/443"), ("投入运行时间", "2023-02-20"),
    ("是否为分系统", "■是□否"), ("所属上级系统", "县教育云平台"), ("上级系统所属单位", "青山县教育局"),
    ("安全保护等级", "□第一级□第二级■第三级□第四级□第五级"), ("定级时间", "2026-03-02"),
    ("专家评审情况", "■已评审□未评审2026-03-09"), ("是否有主管部门", "■是□否"), ("主管部门", "青山县教育局"),
    ("主管部门审核情况", "■已审核□未审核2026-03-16"), ("填表人", "吴老师"),
    ("网络拓扑结构及说明", "■有□无拓扑图.pdf"), ("安全服务清单", "■有□无服务清单.pdf"),
    ("上级主管部门审批意见", "■有□无教育局批复.pdf"),
    ("数据名称", "学生学籍"), ("数据级别", "□核心数据■重要数据□一般数据"), ("数据责任部门", "学籍办"),
    ("是否含个人信息", "■是□否"), ("数据量", "3万条"), ("数据流转", "学校→县教育局"), ("存储位置", "县教育云"),
    ("数据名称", "课程安排"), ("数据级别", "□核心数据□重要数据■一般数据"), ("数据量", "800条"),
]  # fmt: skip
# the scenario table's details, one line each in the details cell
SCENARIO_LINES = ["云计算角色（服务商/用户）：云服务客户", "云计算平台名称：县教育云", "云计算平台安全保护等级：第三级",
                  "云计算平台备案证明编号：51150000000-00001", "移动应用名称：青山选课", "大数据平台情况：成绩分析库",
                  "是否涉及数据跨境：否"]  # fmt: skip
# coded fields: list key -> the code that must be ticked (all others unticked)
TICKED = {"affiliation": ["4"], "unit_type": ["3"], "industry": ["43"], "business_type": ["5"],
          "service_scope": ["30"], "service_targets": ["3"], "deployment_scope": ["2"], "network_nature": ["2"],
          "interconnection": ["2", "3"], "object_type": ["1"], "technology": ["1", "2", "5"]}  # fmt: skip


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_rows(data: bytes) -> list[tuple[str, ...]]:
    d = docx.Document(io.BytesIO(data))
    return [tuple(flat(c.text) for c in row.cells) for t in d.tables for row in t.rows]


def docx_all(data: bytes) -> str:
    """Paragraphs and table cells in document order (headings are paragraphs between the tables)."""
    d = docx.Document(io.BytesIO(data))
    out = []
    for block in d.element.body.iterchildren():
        if block.tag.endswith(("}p", "}tbl")):
            out.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
    return flat("".join(out))


def pdf_text(data: bytes) -> str:
    return flat("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


def tick_row(name: str) -> str:
    codes = load_filing_codes()
    return "".join(f"{'■' if c in TICKED[name] else '□'}{c}{label}" for c, label in codes.options(name, "zh"))


@pytest.fixture(scope="module")
def word_file() -> bytes:
    return build_filing_form_docx(ORG, [ENTRY], "zh", all_levels=(2, 2, 3), filed_on=date(2026, 4, 1))


@pytest.fixture(scope="module")
def word(word_file) -> list[tuple[str, ...]]:
    return docx_rows(word_file)


@pytest.fixture(scope="module")
def pdf() -> str:
    return pdf_text(build_filing_form(ORG, [ENTRY], "zh", all_levels=(2, 2, 3), filed_on=date(2026, 4, 1)))


def test_every_field_of_the_word_form_holds_its_value_in_its_own_row(word):
    pairs = [(r[0], "".join(r[1:])) for r in word if len(r) >= 2]
    for label, value in EXPECTED:
        assert (flat(label), flat(value)) in pairs or any(
            r[0] == flat(label) and flat(value) in "".join(r[1:]) for r in word
        ), (label, value)


def test_every_coded_field_of_the_word_form_ticks_the_right_code_and_no_other(word):
    cells = ["".join(r[1:]) for r in word]
    for name in TICKED:
        row = tick_row(name)
        assert any(row in c for c in cells), name


def test_the_pdf_form_prints_every_field_with_its_value_and_the_ticks(pdf):
    for label, value in EXPECTED:
        assert flat(label) + flat(value) in pdf or (flat(label) in pdf and flat(value) in pdf), (label, value)
    for name in TICKED:
        assert tick_row(name) in pdf.replace("\u3000", ""), name
    assert "备案单位（盖章）青山县第二中学备案日期2026-04-01" in pdf
    for part in ("受理备案单位（公安机关）填写", "受理日期", "备案证明编号", "受理人（签字）"):
        assert part in pdf
    assert "附：提交前尚需填写的内容" not in pdf  # complete: no annex


def test_the_scenarios_attachments_and_one_sheet_per_data_category(pdf, word_file):
    for text in (pdf, docx_all(word_file)):
        assert "表四扩展场景情况（选课与成绩平台）" in text
        for line in SCENARIO_LINES:
            assert flat(line) in text, line
        assert "物联网□是■否不涉及" in text and "云计算■是□否" in text
        assert "数据类别1：学生学籍" in text and "数据类别2：课程安排" in text
        assert "表五第三级以上定级对象提交材料（选课与成绩平台）" in text


def test_a_changed_value_changes_the_form_and_nothing_else_is_guessed():
    other = FilingEntry(SYSTEM, GRADING, SCENARIO, ATTACHMENTS, SHEETS,
                        FormDetails(**{**FORM.__dict__, "network_nature": "1", "service_scope": ""}))  # fmt: skip
    text = pdf_text(build_filing_form(ORG, [other], "zh"))
    assert "■1业务专网□2互联网" in text and "□10全国" in text and "■30" not in text
    annex = text.split("附：提交前尚需填写的内容")[1]
    assert "服务范围（代码）" in annex


def test_the_grading_report_in_word_and_pdf_has_the_object_and_both_determinations():
    body = build_grading_report_docx(ORG, SYSTEM, GRADING, "zh")
    rows = docx_rows(body)
    text = pdf_text(build_grading_report(ORG, SYSTEM, GRADING, "zh"))
    word = docx_all(body)
    for t in (text, word):
        for part in ("网络安全等级保护定级报告", "选课与成绩平台", "学生网上选课、教师录入成绩、家长查询",
                     "■第三级", "■第二级", "第三级（监督保护级）", "郑主任；教务主任；0831-1110003"):  # fmt: skip
            assert flat(part) in t, part
    assert ("定级对象名称", "选课与成绩平台") in [(r[0], r[1]) for r in rows if len(r) == 2]
