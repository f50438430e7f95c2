"""The words of the PDF documents (both languages for every key), escaping of user text, and the
missing-field checks the CLI and the UI use to say what a system lacks."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from reportlab.platypus import Paragraph

from mlps.adapters.reports import (
    AssessmentReportData,
    FilingEntry,
    ScenarioInfo,
    build_grading_report,
    missing_assessment_report_fields,
    missing_expert_review_fields,
    missing_filing_fields,
    missing_grading_report_fields,
)
from mlps.adapters.reports.filing_form import ORGANISATION_REQUIRED
from mlps.adapters.reports.layout import esc, styles
from mlps.adapters.reports.texts import level_label, texts, tx
from mlps.rules.domain import AssessmentKind, GradingRecord, HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.rules.filing_details import FormDetails

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def entries(node, path=()):
    if isinstance(node, dict) and set(node) == {"zh", "en"}:
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from entries(value, (*path, key))


def test_every_text_exists_in_chinese_and_english_with_the_same_placeholders():
    found = list(entries(texts()))
    assert len(found) > 200
    for path, entry in found:
        assert str(entry["zh"]).strip() and str(entry["en"]).strip(), path
        assert set(PLACEHOLDER.findall(str(entry["zh"]))) == set(PLACEHOLDER.findall(str(entry["en"]))), path


def test_level_labels():
    assert level_label(3, "zh") == "第三级"
    assert level_label(3, "zh", full=True) == "第三级（监督保护级）"
    assert level_label(4, "en", full=True) == "Level 4 (mandatory protection)"
    assert level_label(None, "zh") == "（未填写）"


def test_an_unknown_text_key_shows_itself():
    assert tx("grading", "no_such_key", "zh") == "⟦grading.no_such_key⟧"


def test_escaping_makes_markup_inert_and_keeps_line_breaks():
    assert esc('<b>x</b> & "y"\nz') == '&lt;b&gt;x&lt;/b&gt; &amp; "y"<br/>z'
    assert esc("a\x00b\x1bc") == "abc"
    assert esc(None) == ""
    # reportlab would refuse the raw text (unclosed tag); the escaped text parses and prints as typed
    with pytest.raises(ValueError):
        Paragraph("<b>unclosed", styles().body)
    assert Paragraph(esc("<b>unclosed"), styles().body).getPlainText() == "<b>unclosed"


def test_a_comma_never_starts_a_line():
    # 9 pt characters in a 90 pt line: ten per line, and the eleventh is a full-width comma
    style = styles().body.clone("probe", fontSize=9, leading=12, rightIndent=0)
    para = Paragraph("一二三四五六七八九十，十一十二十三十四十五", style)
    para.wrap(90.5, 1000)
    # one plain fragment: reportlab gives (extra space, [text]) per line
    lines = ["".join(words) for _extra, words in para.blPara.lines]
    assert lines == ["一二三四五六七八九十，", "十一十二十三十四十五"]  # the comma stays on the first line


def _org(**kw) -> Organisation:
    return Organisation(name=kw.pop("name", "示例学校"), **kw)


def _grading(level: int = 3, **kw) -> GradingRecord:
    return GradingRecord(
        1,
        Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS, kw.pop("business_description", "信息泄露")),
        Judgement(HarmObject.SOCIETY, HarmDegree.GENERAL, "服务中断"),
        level,
        2,
        level,
        **kw,
    )


def test_missing_fields_of_the_grading_report_name_each_gap_in_both_languages():
    s = System(name="教务系统", owner="教务处", description="两台服务器")
    found = missing_grading_report_fields(_org(), s, _grading(business_description="", graded_on=None))
    assert [m.key for m in found] == [
        "organisation.security_department",
        "system.business_description",
        "system.data_description",
        "grading.business_description",
        "grading.graded_on",
    ]
    assert found[0].label("zh") == "网络安全责任部门"
    assert found[0].label("en") == "Cybersecurity department"
    assert [m.key for m in missing_grading_report_fields(_org(), s, None)][-1] == "grading.record"


def test_missing_fields_of_the_filing_form_follow_level_extensions_and_authority():
    full_org = _org(**{f: "1" for f in ORGANISATION_REQUIRED if f != "name"}, affiliation="4", unit_type="事业单位",
                    industry="教育")  # fmt: skip
    s = System(
        name="平台",
        business_description="d",
        go_live=date(2024, 1, 1),
        internet_facing=True,
        parent_system="全市教育云",
        extensions=("cloud", "bigdata"),
    )
    form = FormDetails(business_type="5", service_scope="30", service_targets="3", deployment_scope="2",
                       network_nature="2", interconnection=("3",), domains="a.example")  # fmt: skip
    g = _grading(3, graded_on=date(2026, 1, 1), graded_by="x", authority_name="教育局")
    entry = FilingEntry(s, g, ScenarioInfo(cloud_role="customer", cloud_platform_name="云"), {"topology": "t.pdf"},
                        form=form)  # fmt: skip
    found = missing_filing_fields(full_org, [entry])
    assert all(m.where == "平台" for m in found)
    assert [m.key for m in found] == [
        "form.source_ips",
        "form.protocols_ports",
        "form.parent_unit",
        "grading.expert_review_on",
        "grading.authority_approved_on",
        "scenario.cloud_platform_level",
        "scenario.cloud_platform_filing_number",
        "scenario.bigdata_description",
        "scenario.bigdata_cross_border",
        "attachment.organisation_policies",
        "attachment.security_design",
        "attachment.product_list",
        "attachment.service_list",
        "attachment.authority_approval",
        "data.survey",
    ]
    assert found[0].label("zh") == "平台: 互联网访问源地址（IP）"
    level_one = missing_filing_fields(full_org, [(System(name="官网"), _grading(1))])
    assert "grading.filable" in [m.key for m in level_one]
    assert "attachment.topology" not in [m.key for m in level_one]  # attachments only from level 3
    assert {"form.business_type", "form.network_nature", "form.interconnection"} <= {m.key for m in level_one}
    assert [m.key for m in missing_filing_fields(full_org, [])] == ["filing.systems"]
    # a coded field whose stored value names no code is missing, the others are not
    unknown = missing_filing_fields(replace(full_org, affiliation="市属"), [])
    assert [m.key for m in unknown] == ["organisation.affiliation", "filing.systems"]


def test_missing_fields_of_the_expert_review_and_assessment_report():
    s = System(name="教务系统")
    assert [m.key for m in missing_expert_review_fields(_org(), s, _grading(graded_on=None))] == [
        "system.business_description",
        "grading.graded_on",
    ]
    data = AssessmentReportData(
        organisation=_org(),
        system=s,
        level=5,
        extensions=(),
        kind=AssessmentKind.AGENCY,
        assessed_on=None,
        method_name="m",
        method_version="1",
        score=None,
        conclusion="",
        conclusion_reason_zh="理由",
        conclusion_reason_en="",
        category_scores={},
        control_points=[],
        coverage_assessed=0,
        coverage_applicable=0,
    )
    assert [m.key for m in missing_assessment_report_fields(data)] == [
        "assessment.level",
        "assessment.assessed_on",
        "assessment.score",
        "assessment.conclusion",
        "assessment.conclusion_reason_en",
        "assessment.category_scores",
        "assessment.control_points",
        "assessment.coverage",
        "assessment.agency_name",
    ]


def test_bad_input_is_refused_with_a_message_naming_it():
    s = System(name="教务系统")
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en'"):
        build_grading_report(_org(), s, _grading(), "fr")
    bad = _grading()
    bad.business = Judgement("aliens", HarmDegree.SERIOUS)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="business judgement: 'aliens'"):
        build_grading_report(_org(), s, bad, "zh")
    with pytest.raises(ValueError, match="has no grading record"):
        build_grading_report(_org(), s, None, "zh")  # type: ignore[arg-type]


def test_control_point_rows_from_a_scoring_frame_turn_nan_into_no_score():
    import pandas as pd

    from mlps.adapters.reports import ControlPointScore

    frame = pd.DataFrame(
        [
            {"scope": "general", "category": "CES", "control_point": "k", "control_point_zh": "身份鉴别",
             "control_point_en": "Identification", "items": 4, "scored": 3, "score": 6.25},
            {"scope": "cloud", "category": "CES", "control_point": "m", "control_point_zh": "镜像和快照保护",
             "control_point_en": "Images", "items": 3, "scored": 0, "score": float("nan")},
        ]
    )  # fmt: skip
    rows = ControlPointScore.rows_from_frame(frame)
    assert rows[0] == ControlPointScore("CES", "身份鉴别", "Identification", 4, 3, 6.25, "general")
    assert rows[1].score is None and rows[1].scope == "cloud"
