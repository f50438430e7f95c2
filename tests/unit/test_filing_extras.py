"""The filing extras kept in the system profile (mlps.rules.filing_details): what is written is exactly what
mlps.services.report_data reads for the filing form, only its own part of the profile changes, and bad input is refused
naming the row and column in both languages."""

from __future__ import annotations

import pandas as pd
import pytest

from mlps.adapters.reports import DataSurveyRow
from mlps.rules.filing_details import (
    FilingDetailsError,
    apply_editor_state,
    clean_survey_rows,
    filing_details_from,
    log_evidence_from,
    with_attachments,
    with_data_survey,
    with_log_evidence,
    with_scenario,
)
from mlps.services.report_data import attachments_from_profile, data_survey_from_profile, scenario_from_profile

OTHERS = {"profile": {"cloud_role": "customer"}, "overrides": [{"item_id": "L2-PES1-01"}], "log_evidence": "截图"}


def test_a_survey_row_is_stored_in_the_shape_the_filing_form_reads():
    row = {"name": " 学籍 ", "data_class": "core", "owner": "教务处", "personal_info": "yes", "volume": "3000",
           "sources": "报名", "flows": "教育局", "storage_location": "机房"}  # fmt: skip
    stored = with_data_survey(OTHERS, [row, {"name": "工资", "personal_info": "no"}, {}])
    assert data_survey_from_profile(stored) == [
        DataSurveyRow("学籍", "core", "教务处", True, "3000", "报名", "教育局", "机房"),
        DataSurveyRow("工资", personal_info=False),
    ]
    assert {k: stored[k] for k in OTHERS} == OTHERS, "the other keys are kept"
    # and the editor reads back what it wrote (personal information stays true / false / unknown)
    assert [r["personal_info"] for r in filing_details_from(stored).data_survey] == [True, False]


def test_attachments_are_stored_as_code_to_note_for_those_provided():
    stored = {**OTHERS, "filing": {"attachments": {"service_list": "服务清单.xlsx"}, "data_survey": [{"name": "x"}]}}
    out = with_attachments(stored, {"topology": (True, " 拓扑图.pdf "), "security_design": (False, "")})
    assert out["filing"]["attachments"] == {"topology": "拓扑图.pdf", "service_list": "服务清单.xlsx"}
    assert attachments_from_profile(out) == {"topology": "拓扑图.pdf", "service_list": "服务清单.xlsx"}
    assert out["filing"]["data_survey"] == [{"name": "x"}], "the other parts of 'filing' are kept"
    # unticking removes it; the details report which are provided
    out = with_attachments(out, {"service_list": (False, "")})
    assert out["filing"]["attachments"] == {"topology": "拓扑图.pdf"}
    details = filing_details_from(out)
    assert details.provided("topology") and not details.provided("service_list")


@pytest.mark.parametrize(
    ("checklist", "zh", "en"),
    [
        ({"topology": (True, "  ")}, "已勾选为已提供：请填写文件名或说明", "ticked as provided: give its file name"),
        ({"product_list": (False, "清单.pdf")}, "没有勾选为已提供，却填写了说明", "not ticked as provided"),
        ({"topology": (True, "x" * 501)}, "最多 500 个字符", "at most 500 characters"),
        ({"bogus": (True, "x")}, "未知的附件", "Unknown attachment"),
    ],
)
def test_an_inconsistent_attachment_is_refused_in_both_languages(checklist, zh, en):
    with pytest.raises(FilingDetailsError) as caught:
        with_attachments(OTHERS, checklist)
    assert zh in caught.value.text("zh") and en in caught.value.text("en")


def test_scenario_extras_merge_and_the_filing_form_reads_them():
    stored = {**OTHERS, "filing": {"iot_description": "门禁", "attachments": {"topology": "t.pdf"}}}
    out = with_scenario(stored, bigdata_description=" 大数据平台 ", bigdata_cross_border=True)
    info = scenario_from_profile(out)
    assert (info.iot_description, info.bigdata_description, info.bigdata_cross_border) == ("门禁", "大数据平台", True)
    assert out["filing"]["attachments"] == {"topology": "t.pdf"}
    assert info.cloud_role == "customer", "the applicability profile is untouched"
    # an emptied description and an unanswered cross-border question are removed; the default keeps the answer
    out = with_scenario(out, iot_description="")
    assert "iot_description" not in out["filing"] and out["filing"]["bigdata_cross_border"] is True
    out = with_scenario(out, bigdata_cross_border=None)
    assert "bigdata_cross_border" not in out["filing"] and scenario_from_profile(out).bigdata_cross_border is None
    with pytest.raises(FilingDetailsError, match="at most 5000"):
        with_scenario(out, ics_description="x" * 5001)


def test_survey_rows_are_checked_naming_the_row_and_the_column():
    with pytest.raises(FilingDetailsError) as caught:
        clean_survey_rows([{"name": "a"}, {}, {"owner": "教务处"}])
    assert "第 3 行没有数据名称" in caught.value.zh and "Row 3 has no data name" in caught.value.en
    with pytest.raises(FilingDetailsError, match="Row 1, data class: choose core, important or general"):
        clean_survey_rows([{"name": "a", "data_class": "secret"}])
    with pytest.raises(FilingDetailsError, match="Row 2, personal information: choose yes or no"):
        clean_survey_rows([{"name": "a"}, {"name": "b", "personal_info": "maybe"}])
    with pytest.raises(FilingDetailsError, match="Row 1, sources: at most 500 characters, not 501"):
        clean_survey_rows([{"name": "a", "sources": "x" * 501}])
    with pytest.raises(FilingDetailsError, match="unknown column"):
        clean_survey_rows([{"name": "a", "colour": "red"}])


def test_the_grids_missing_values_count_as_empty():
    rows = [{"name": "学籍", "owner": pd.NA, "volume": float("nan"), "personal_info": None, "flows": "  "},
            {"name": pd.NA, "owner": None}]  # fmt: skip
    assert clean_survey_rows(rows) == [
        {"name": "学籍", "data_class": "", "owner": "", "personal_info": None, "volume": "", "sources": "",
         "flows": "", "storage_location": ""}
    ]  # fmt: skip


def test_the_grids_edits_deletions_and_additions_apply_to_the_rows_it_showed():
    base = [{"name": "a", "owner": "x"}, {"name": "b"}, {"name": "c"}]
    state = {"edited_rows": {"0": {"owner": "y"}, 2: {"name": "C"}}, "deleted_rows": [1], "added_rows": [{"name": "d"}]}
    assert apply_editor_state(base, state) == [{"name": "a", "owner": "y"}, {"name": "C"}, {"name": "d"}]
    assert base[0]["owner"] == "x", "the rows shown are not changed"
    assert apply_editor_state(base, None) == base


def test_the_log_evidence_is_kept_beside_the_other_keys_and_an_empty_text_removes_it():
    out = with_log_evidence({"profile": {"a": 1}}, "  日志配置截图 ")
    assert out == {"profile": {"a": 1}, "log_evidence": "日志配置截图"} and log_evidence_from(out) == "日志配置截图"
    assert with_log_evidence(out, "") == {"profile": {"a": 1}}
    with pytest.raises(FilingDetailsError, match="Log retention evidence: at most 1000"):
        with_log_evidence(out, "x" * 1001)
