"""The four PDF documents, read back with pypdf: headings, names, levels, score and conclusion in Chinese and
English; the CJK font embedded; long texts never cut; page 1 renders to a non-blank PNG. Golden structure,
not golden bytes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from mlps.adapters.reports import (
    AssessmentReportData,
    ControlPointScore,
    DataSurveyRow,
    FilingEntry,
    ItemResultRow,
    ProblemRow,
    RemediationRow,
    ScenarioInfo,
    build_assessment_report,
    build_expert_review_form,
    build_filing_form,
    build_grading_report,
)
from mlps.rules.domain import (
    AssessmentKind,
    GradingRecord,
    HarmDegree,
    HarmObject,
    Judgement,
    Organisation,
    Result,
    Risk,
    System,
)

UNIT = "示例市第一中学"
SYSTEM = "智慧校园平台"


def org(**changes: object) -> Organisation:
    base = Organisation(
        name=UNIT,
        credit_code="12510000MB0000000X",
        address="示例市学府路 1 号",
        region_code="510000",
        head_name="王校长",
        head_phone="0000-0000000",
        security_department="信息中心",
        security_contact="李老师",
        security_phone="0000-0000001",
        data_department="信息中心",
        data_contact="李老师",
        affiliation="市属",
        unit_type="事业单位",
        industry="教育",
    )
    return replace(base, **changes)


def system(**changes: object) -> System:
    base = System(
        name=SYSTEM,
        id=1,
        owner="信息中心",
        description="两台应用服务器与一台数据库服务器，位于学校机房。",
        business_type="教学管理",
        business_description="选课、成绩、学籍。",
        data_description="学生个人信息和成绩。",
        service_scope="全校",
        service_users="学生、教师、家长",
        deployment="本地机房",
        go_live=date(2024, 9, 1),
        extensions=("cloud",),
    )
    return replace(base, **changes)


def grading(**changes: object) -> GradingRecord:
    # society × serious = level 3 (business), society × general = level 2 (service): GB/T 22240-2020 matrix
    base = GradingRecord(
        system_id=1,
        business=Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS, "学生个人信息被泄露"),
        service=Judgement(HarmObject.SOCIETY, HarmDegree.GENERAL, "选课服务中断"),
        business_level=3,
        service_level=2,
        level=3,
        graded_on=date(2026, 10, 8),
        graded_by="李老师",
        rationale_zh="业务信息遭破坏会严重损害社会秩序。",
        rationale_en="Compromised information would seriously harm social order.",
    )
    return replace(base, **changes)


def assessment(**changes: object) -> AssessmentReportData:
    base = AssessmentReportData(
        organisation=org(),
        system=system(),
        level=3,
        extensions=("cloud",),
        kind=AssessmentKind.SELF,
        assessed_on=date(2026, 11, 20),
        method_name="GB/T 28448-2019",
        method_version="2019.1",
        score=82.35,
        conclusion="良",
        conclusion_reason_zh="得分不低于 80 且无高风险问题。",
        conclusion_reason_en="Score at least 80 and no high risk.",
        category_scores={"PES": 90.0, "CES": 75.5},
        control_points=[
            ControlPointScore("PES", "物理访问控制", "Physical access control", 1, 1, 10.0),
            ControlPointScore("CES", "身份鉴别", "Identification and authentication", 4, 4, 6.25),
        ],
        coverage_assessed=5,
        coverage_applicable=5,
        problems=[
            ProblemRow(
                "L3-CES1-01",
                "身份鉴别",
                "Identification and authentication",
                "登录用户要有唯一标识并使用复杂口令。",
                "Unique user ids and strong passwords.",
                Result.PARTIAL,
                "管理员账号使用弱口令。",
                Risk.HIGH,
                "堡垒机二次认证",
            )
        ],
        remediation=[RemediationRow("启用口令复杂度策略", ("L3-CES1-01",), "李老师", date(2027, 1, 31), "planned")],
        result_counts={"conform": 3, "partial": 1, "nonconform": 1},
    )
    return replace(base, **changes)


def filing_entry() -> FilingEntry:
    return FilingEntry(
        system(),
        grading(expert_review_on=date(2026, 10, 20)),
        ScenarioInfo(cloud_role="customer", cloud_platform_name="示例政务云", cloud_platform_level=3),
        {"topology": "拓扑图.pdf"},
        [DataSurveyRow("学生信息", "important", "教务处", True, "2 万条", "录入", "教务处→教育局", "本地机房")],
    )


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def all_text(pdf: bytes) -> str:
    return flat("".join(pages_text(pdf)))


def documents(lang: str) -> dict[str, bytes]:
    return {
        "grading": build_grading_report(org(), system(), grading(), lang),
        "filing": build_filing_form(org(), [filing_entry()], lang),
        "expert": build_expert_review_form(org(), system(), grading(), lang),
        "assessment": build_assessment_report(assessment(), lang),
    }


@pytest.fixture(scope="module")
def zh_docs() -> dict[str, bytes]:
    return documents("zh")


@pytest.fixture(scope="module")
def en_docs() -> dict[str, bytes]:
    return documents("en")


# ---------------------------------------------------------------- contents, in both languages


def test_grading_report_has_the_sections_the_levels_and_marks_the_matrix_cells(zh_docs):
    text = all_text(zh_docs["grading"])
    for heading in (
        "网络安全等级保护定级报告",
        "一、定级对象描述",
        "（一）定级对象的所有者",
        "（五）安全责任情况",
        "二、安全保护等级确定",
        "（一）业务信息安全保护等级的确定",
        "（二）系统服务安全保护等级的确定",
        "三、定级对象的安全保护等级",
        "定级结果汇总表",
    ):
        assert heading in text, heading
    assert UNIT in text and SYSTEM in text
    assert "业务信息安全保护等级为第三级（监督保护级）" in text
    assert "系统服务安全保护等级为第二级（指导保护级）" in text
    assert "最终确定为第三级（监督保护级）" in text
    # one marked cell per matrix: society × serious = 3, society × general = 2
    assert text.count("■第") == 2
    assert "■第三级" in text and "■第二级" in text
    # summary row: object | level | business level | service level
    assert f"{SYSTEM}第三级（监督保护级）第三级第二级" in text


def test_grading_report_in_english(en_docs):
    text = all_text(en_docs["grading"])
    for heading in ("MLPSgradingreport", "1.Thegradedobject", "2.Determiningtheprotectionlevel", "Summary"):
        assert heading in text, heading
    assert "ThebusinessinformationsecuritylevelisLevel3(supervisedprotection)." in text
    assert "ThesystemservicesecuritylevelisLevel2(guidedprotection)." in text
    assert UNIT in text and SYSTEM in text


def test_grading_report_notes_the_citizens_especially_serious_cell_and_an_override():
    g = grading(
        business=Judgement(HarmObject.CITIZENS, HarmDegree.ESPECIALLY_SERIOUS, "x"),
        business_level=3,
        override_reason="主管部门要求",
    )
    text = all_text(build_grading_report(org(), system(), g, "zh"))
    assert "2018年《网络安全等级保护条例（征求意见稿）》" in text  # the draft-regulation note
    assert "记录的等级（第三级）与矩阵结果（第二级）不一致" in text
    assert "主管部门要求" in text


def test_filing_form_has_every_table_and_the_values_entered(zh_docs):
    text = all_text(zh_docs["filing"])
    for heading in (
        "网络安全等级保护备案表",
        "备案单位（盖章）",
        "受理备案单位（公安机关）填写",
        "表一单位基本情况",
        f"表二定级对象情况（{SYSTEM}）",
        f"表三定级情况（{SYSTEM}）",
        f"表四扩展场景情况（{SYSTEM}）",
        f"表五第三级以上定级对象提交材料（{SYSTEM}）",
        f"表六数据摸底调查表（{SYSTEM}）",
        "数据类别1：学生信息",
    ):
        assert heading in text, heading
    assert "12510000MB0000000X" in text
    assert "云服务客户" in text and "示例政务云" in text
    assert "拓扑图.pdf" in text
    assert "学生信息" in text and "教务处→教育局" in text
    assert "■已评审□未评审2026-10-20" in text
    assert "■3事业单位" in text and "■43教育" in text  # a stored label ticks its code
    assert "本次备案定级对象数量第一级0个；第二级0个；第三级1个" in text
    # 市属 names no code of the affiliation list: nothing ticked there, and it is listed as missing
    assert "附：提交前尚需填写的内容" in text and "隶属关系" in text.split("附：提交前尚需填写的内容")[1]


def test_filing_form_leaves_empty_fields_blank_lists_them_and_invents_nothing():
    o = org(credit_code="", address="   ")
    s = system(go_live=None, extensions=())
    pdf = build_filing_form(o, [(s, grading())], "zh")
    text = all_text(pdf)
    form, annex = text.split("附：提交前尚需填写的内容")
    assert "（未填写）" not in text
    for label in ("统一社会信用代码", "单位地址", "投入运行时间", "数据资源调查表（至少一行）", "网络拓扑结构及说明"):
        assert label in annex, label
    # five of the six attachments are ticked as not provided; the sixth is not applicable (no competent authority)
    assert form.count("□有■无") == 5 and "无主管部门" in form
    assert "12510000MB0000000X" not in text


def test_filing_form_prints_table_five_for_every_object_saying_when_it_is_not_required():
    two = system(name="门户网站", id=2)
    g2 = grading(
        business=Judgement(HarmObject.CITIZENS, HarmDegree.SERIOUS), business_level=2, service_level=2, level=2
    )
    text = all_text(build_filing_form(org(), [filing_entry(), (two, g2)], "zh", all_levels=(2, 2, 3)))
    assert f"表五第三级以上定级对象提交材料（{SYSTEM}）" in text
    assert "表五第三级以上定级对象提交材料（门户网站）本定级对象为第二级，以下材料不作要求" in text
    assert "表二定级对象情况（门户网站）" in text
    assert "本次备案定级对象数量第一级0个；第二级1个；第三级1个" in text
    assert "定级对象总数第一级0个；第二级2个；第三级1个" in text


def test_filing_form_in_english(en_docs):
    text = all_text(en_docs["filing"])
    for heading in (
        "MLPSfilingform",
        "Table1Theunit",
        f"Table2Thegradedobject({SYSTEM})",
        f"Table6Datasurvey({SYSTEM})",
        "Annex:stilltobefilledinbeforesubmitting",
    ):
        assert heading in text, heading
    assert "Cloudservicecustomer" in text


def test_expert_review_form_is_ready_for_signatures(zh_docs):
    text = all_text(zh_docs["expert"])
    for heading in (
        "网络安全等级保护定级专家评审意见表",
        "一、定级对象基本情况",
        "二、专家评审意见",
        "三、评审结论",
        "四、专家组成员签字",
    ):
        assert heading in text, heading
    assert UNIT in text and SYSTEM in text
    assert "第三级（监督保护级）" in text
    assert "□同意定级为第三级" in text
    assert "（由专家组填写）" in text
    assert "姓名工作单位职务/职称专家组职务签字" in text
    assert "12345" in text  # five numbered signature rows


def test_expert_review_form_prints_a_recorded_opinion_and_in_english(en_docs):
    pdf = build_expert_review_form(org(), system(), grading(expert_opinion="同意第三级。"), "zh")
    assert "同意第三级。" in all_text(pdf)
    text = all_text(en_docs["expert"])
    assert "MLPSgrading—expertreviewopinionform" in text
    assert "□AgreewithLevel3" in text


def test_assessment_report_shows_score_conclusion_tables_problems_and_plan(zh_docs):
    pages = [flat(t) for t in pages_text(zh_docs["assessment"])]
    text = "".join(pages)
    cover = pages[0]
    assert "网络安全等级保护自查报告" in cover
    assert SYSTEM in cover and UNIT in cover
    assert "第三级（监督保护级）" in cover
    assert "2026-11-20" in cover and "GB/T28448-20192019.1" in cover
    assert "不是等级测评机构出具的正式测评报告" in cover
    for heading in ("一、测评结论", "二、安全类得分", "三、控制点得分", "四、问题清单", "五、整改计划"):
        assert heading in text, heading
    assert "综合得分82.35" in text
    assert "测评结论良" in text
    assert "得分不低于80且无高风险问题。" in text
    assert "已测评5项/适用5项（100.0%）" in text
    assert "PES安全物理环境90.0" in text and "CES安全计算环境75.5" in text
    assert "身份鉴别446.25" in text  # items | applicable | score of 10
    assert "部分符合高堡垒机二次认证管理员账号使用弱口令。" in text
    assert "启用口令复杂度策略L3-CES1-01李老师2027-01-31已计划" in text
    assert "问题数量（高/中/低风险）1/0/0" in text


def test_assessment_report_in_english_and_agency_kind_has_no_self_note(en_docs):
    text = all_text(en_docs["assessment"])
    assert "Self-assessment—notanaccreditedtestreport" in text
    assert "Overallscore82.35" in text and "ConclusionGood" in text
    for heading in ("1.Conclusion", "2.Scoresbycategory", "3.Scoresbycontrolpoint", "4.Problemsfound"):
        assert heading in text, heading
    agency = all_text(build_assessment_report(assessment(kind=AssessmentKind.AGENCY, agency_name="某测评中心"), "en"))
    assert "notanaccreditedtestreport" not in agency
    assert "MLPSassessmentreport" in agency and "某测评中心" in agency


def test_running_header_and_page_numbers_on_every_page_but_the_cover(zh_docs):
    pages = [flat(t) for t in pages_text(zh_docs["assessment"])]
    total = len(pages)
    assert f"第1页/共{total}页" not in pages[0]  # the cover has neither header nor number
    for n, page in enumerate(pages[1:], start=2):
        assert f"第{n}页/共{total}页" in page
        assert f"{UNIT}｜{SYSTEM}" in page
    grading_pages = [flat(t) for t in pages_text(zh_docs["grading"])]
    assert f"第1页/共{len(grading_pages)}页" in grading_pages[0]


# ---------------------------------------------------------------- font, long texts, hostile input, rendering


@pytest.mark.parametrize("kind", ["grading", "filing", "expert", "assessment"])
def test_the_cjk_font_is_embedded(zh_docs, kind):
    reader = PdfReader(io.BytesIO(zh_docs[kind]))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font["/BaseFont"]).split("+", 1)[1])
    assert embedded == {"WenQuanYiMicroHei-0"}


def test_a_20000_character_evidence_text_spans_pages_without_loss():
    segments = [f"〔{n:04d}〕核查防火墙策略与审计日志，" for n in range(1, 1251)]
    evidence = "START" + "".join(segments) + "END-OF-EVIDENCE"
    assert len(evidence) >= 20000
    row = ItemResultRow("L3-CES1-01", "身份鉴别", "Identification", "口令复杂度", "Passwords", Result.PARTIAL, evidence)
    problem = ProblemRow("L3-CES1-01", "身份鉴别", "Identification", "口令", "Passwords", Result.PARTIAL, evidence)
    pdf = build_assessment_report(assessment(item_results=[row], problems=[problem]), "zh")
    pages = pages_text(pdf)
    assert len(pages) >= 10
    # in the item-results appendix the record is the last column: drop the running header, page numbers and
    # the repeated table header, and the evidence must read back whole, in order
    start = next(i for i, t in enumerate(pages) if "附录二" in t)
    dropped = {f"{UNIT}｜{SYSTEM}", "测评项编号", "控制点", "要求", "结果", "结果记录"}
    kept = []
    for page in pages[start:]:
        for line in page.splitlines():
            if flat(line) in dropped or re.fullmatch(r"第\d+页/共\d+页", flat(line)):
                continue
            kept.append(line)
    assert flat(evidence) in flat("".join(kept))
    # the same text in the problem list reaches its end too
    text = flat("".join(pages[:start]))
    assert text.count("END-OF-EVIDENCE") == 1 and "〔1250〕" in text


def test_hostile_markup_in_user_text_prints_as_typed():
    evil = '<b>Evil</b> & <font size="40">X</font> <para> <br/> &amp; <img src="x"/>'
    o = org(name=evil)
    s = system(name="系统<script>", business_description=evil)
    g = grading(rationale_zh=evil, expert_opinion=evil)
    for pdf in (
        build_grading_report(o, s, g, "zh"),
        build_filing_form(o, [(s, g)], "zh"),
        build_expert_review_form(o, s, g, "zh"),
        build_assessment_report(assessment(organisation=o, system=s, conclusion_reason_zh=evil), "zh"),
    ):
        text = all_text(pdf)
        assert flat(evil) in text
        assert "系统<script>" in text


def _png_ink(pdf: bytes, tmp_path: Path, name: str) -> tuple[tuple[int, int], float]:
    from PIL import Image

    src = tmp_path / f"{name}.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(src), str(tmp_path / name)], check=True)
    (png,) = tmp_path.glob(f"{name}*.png")
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:160])  # pixels darker than light grey
    return image.size, dark / (image.size[0] * image.size[1])


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_one_of_every_document_renders_not_blank(zh_docs, en_docs, tmp_path, lang):
    docs = zh_docs if lang == "zh" else en_docs
    for kind, pdf in docs.items():
        size, ink = _png_ink(pdf, tmp_path, f"{kind}-{lang}")
        assert abs(size[0] - 413) <= 1 and abs(size[1] - 585) <= 1, kind  # A4 at 50 dpi
        assert ink > 0.01, f"{kind} page 1 looks blank ({ink:.3%} dark pixels)"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_a_blank_page_would_fail_the_render_check(tmp_path):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.showPage()
    c.save()
    _size, ink = _png_ink(buffer.getvalue(), tmp_path, "blank")
    assert ink == 0


def test_table_headers_repeat_on_every_page_of_a_long_table():
    rows = [
        ItemResultRow(f"L3-CES1-{n:02d}", "身份鉴别", "Id", "要求" * 30, "Req", Result.CONFORM, "记录" * 60)
        for n in range(1, 80)
    ]
    pages = pages_text(build_assessment_report(assessment(item_results=rows), "zh"))
    start = next(i for i, t in enumerate(pages) if "附录二" in t)
    appendix = pages[start:]
    assert len(appendix) >= 3
    for page in appendix:
        assert "测评项编号" in page and "结果记录" in page


def test_a_provisional_conclusion_and_an_unscored_category_are_said_so():
    data = assessment(provisional=True, category_scores={"PES": 90.0, "SMC": float("nan"), "CES": None})
    text = all_text(build_assessment_report(data, "zh"))
    assert "结论为暂定" in text
    assert "SMC安全管理中心—" in text and "CES安全计算环境—" in text
    assert "结论为暂定" not in all_text(build_assessment_report(assessment(), "zh"))


def test_bad_assessment_values_are_refused_naming_the_field():
    with pytest.raises(ValueError, match="level must be 1 to 4"):
        build_assessment_report(assessment(level=5), "zh")
    with pytest.raises(ValueError, match="conclusion 'great'"):
        build_assessment_report(assessment(conclusion="great"), "zh")
    with pytest.raises(ValueError, match="category CES: score 120"):
        build_assessment_report(assessment(category_scores={"CES": 120.0}), "zh")
