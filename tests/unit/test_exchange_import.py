"""Importing results from .xlsx: our own export comes back equal, agencies' workbooks map to the right item ids,
and a bad workbook reports each bad row (sheet, row, column) and yields no results at all."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from mlps.adapters.exchange import ExportMeta, export_xlsx, plan_import
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import ItemResult, Result, Risk
from tests.data.xlsx import AGENCY_EXPECTED, agency_workbook, workbook

CATALOGUE = load_catalogue()
TAX = CATALOGUE.taxonomy
L3 = CATALOGUE.select(3)
L3_CLOUD = CATALOGUE.select(3, ["cloud"])
META = ExportMeta(organisation="某县第一中学", system="学生信息管理系统", level=3, extensions=("cloud",))


def key(r: ItemResult) -> tuple:
    return (r.assessed_object, r.item_id, r.result, r.record, r.risk, r.methods, r.evidence_date, r.risk_reason)


ORIGINAL = [
    ItemResult("L3-PES1-01", Result.CONFORM, "机房", "机房位于二层。\n有门禁。", ("interview", "examine"),
               date(2026, 3, 1)),
    ItemResult("L3-PES1-20", Result.NONCONFORM, "机房", "单路供电", risk=Risk.HIGH, risk_reason="断电即停机"),
    ItemResult("L3-CES1-01", Result.PARTIAL, "Web服务器", "口令 8 位", ("test",), risk=Risk.MEDIUM),
    ItemResult("L3-CES1-01", Result.NA, "数据库服务器", "  前后有空格  "),
    ItemResult("L3-CES2-01", Result.CONFORM, "Web服务器", "云平台账户双因素"),  # a cloud item
    ItemResult("L3-PSS1-01", Result.NOT_ASSESSED, "", "已索取文件，待审阅"),  # whole system, not assessed yet
    ItemResult("L3-MMS1-01", Result.CONFORM, "", "- 机房巡检记录齐全"),
]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_then_import_gives_back_the_same_results(lang):
    data = export_xlsx(L3_CLOUD, ORIGINAL, META, TAX, lang=lang)
    plan = plan_import(data, L3_CLOUD, TAX)
    assert plan.ok, [e.message("en") for e in plan.errors]
    assert plan.own_export
    assert sorted(map(key, plan.results)) == sorted(map(key, ORIGINAL))
    # items with nothing recorded are counted, not imported: 4 sheets x 257 items, 7 of them filled
    assert plan.counts()["empty_rows"] == 4 * 257 - 7
    assert {s.sheet: s.assessed_object for s in plan.sheets if s.status == "results"} == {
        "机房": "机房",
        "Web服务器": "Web服务器",
        "数据库服务器": "数据库服务器",
        ("测评结果" if lang == "zh" else "Results"): "",
    }


def test_our_export_still_imports_when_the_id_column_was_deleted():
    data = export_xlsx(L3_CLOUD, ORIGINAL, META, TAX)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets[1:]:
        assert ws["D1"].value == "编号"
        ws.delete_cols(4)
    buffer = io.BytesIO()
    wb.save(buffer)
    plan = plan_import(buffer.getvalue(), L3_CLOUD, TAX)
    assert plan.ok, [e.message("en") for e in plan.errors]
    # the extension column tells cloud 身份鉴别 a) (L3-CES2-01) from the general one (L3-CES1-01)
    assert sorted(map(key, plan.results)) == sorted(map(key, ORIGINAL))
    assert {m.how for s in plan.sheets for m in s.matches} == {"control point"}


def test_sheets_are_matched_to_the_assessed_objects_the_assessment_already_has():
    data = export_xlsx(L3_CLOUD, ORIGINAL, META, TAX)
    plan = plan_import(data, L3_CLOUD, TAX, objects=["机房", "WEB服务器"])
    by_sheet = {s.sheet: (s.assessed_object, s.existing_object) for s in plan.sheets if s.status == "results"}
    assert by_sheet["Web服务器"] == ("WEB服务器", True)  # the caller's spelling wins
    assert by_sheet["机房"] == ("机房", True)
    assert by_sheet["数据库服务器"] == ("数据库服务器", False)
    assert by_sheet["测评结果"] == ("", True)  # the system as a whole always exists
    assert {r.assessed_object for r in plan.results} == {"机房", "WEB服务器", "数据库服务器", ""}


def test_an_agency_workbook_maps_control_point_and_letter_to_the_item_ids():
    plan = plan_import(agency_workbook(), L3, TAX)
    assert plan.ok, [e.message("en") for e in plan.errors]
    assert {(r.assessed_object, r.item_id): r.result.value for r in plan.results} == AGENCY_EXPECTED
    sheets = {s.sheet: s for s in plan.sheets}
    assert sheets["说明"].status == "skipped" and [w.code for w in plan.warnings] == ["sheet_skipped"]
    room = sheets["物理机房"]
    assert room.header_row == 3 and room.layout == "control point"
    assert room.columns["result"] == "F (符合情况（符合/部分符合/不符合/不适用）)"
    assert room.empty_rows == 1  # 电力供应 a) has neither result nor record
    assert [(m.row, m.item_id, m.how) for m in room.matches] == [
        (4, "L3-PES1-01", "control point"),
        (5, "L3-PES1-02", "control point"),  # category and control point from the merged cells above
        (6, "L3-PES1-03", "control point"),
        (7, "L3-PES1-20", "control point"),
    ]
    # 访问控制 is in ABS and CES: the sheet's other rows (身份鉴别, CES only) decide, and the plan says so
    web = {m.item_id: m.how for m in sheets["Web服务器"].matches}
    assert web == {"L3-CES1-01": "control point", "L3-CES1-02": "control point", "L3-CES1-05": "inferred"}
    records = {(r.assessed_object, r.item_id): r.record for r in plan.results}
    assert records[("物理机房", "L3-PES1-02")] == "位于二层，但楼顶有渗水痕迹。"


def test_a_control_point_in_two_categories_with_nothing_to_tell_them_apart_is_left_out_listing_both():
    data = workbook({"网络设备": [["控制点", "测评项", "符合情况"], ["访问控制", "a)", "符合"]]})
    plan = plan_import(data, L3, TAX)
    assert plan.ok and plan.results == []
    [error] = plan.left_out
    assert (error.code, error.sheet, error.row, error.column, error.header) == (
        "ambiguous",
        "网络设备",
        2,
        "B",
        "测评项",
    )
    assert "L3-ABS1-05" in error.message("en") and "L3-CES1-05" in error.message("en")
    assert "安全区域边界" in error.message("zh") and "安全计算环境" in error.message("zh")


def test_a_category_column_or_a_category_in_the_sheet_name_settles_a_shared_control_point_name():
    rows = [["安全类", "控制点", "测评项", "符合情况"], ["安全区域边界", "访问控制", "a)", "符合"]]
    plan = plan_import(workbook({"网络": rows}), L3, TAX)
    assert [(r.item_id, r.assessed_object) for r in plan.results] == [("L3-ABS1-05", "网络")]
    named = workbook({"安全计算环境-交换机": [["控制点", "测评项", "符合情况"], ["访问控制", "a)", "符合"]]})
    assert [r.item_id for r in plan_import(named, L3, TAX).results] == ["L3-CES1-05"]


def test_an_extension_column_picks_the_cloud_item_of_a_name_the_general_requirements_share():
    rows = [
        ["扩展要求", "安全类", "控制点", "测评项", "符合情况"],
        ["安全通用要求", "安全计算环境", "身份鉴别", "a)", "符合"],
        ["云计算", "安全计算环境", "身份鉴别", "a)", "不符合"],
        [None, "安全计算环境", "身份鉴别", "b)", "部分符合"],  # blank extension = general
    ]
    plan = plan_import(workbook({"云平台": rows}), L3_CLOUD, TAX)
    assert plan.ok, [e.message("en") for e in plan.errors]
    assert [(r.item_id, r.result.value) for r in plan.results] == [
        ("L3-CES1-01", "conform"),
        ("L3-CES2-01", "nonconform"),
        ("L3-CES1-02", "partial"),
    ]


def test_an_item_written_as_one_cell_or_by_its_clause_is_found():
    rows = [
        ["测评指标", "符合程度"],
        ["物理位置选择 b）", "符合"],
        ["8.1.1.2 a)", "不符合"],  # the clause of 物理访问控制 a)
        ["L3-PES1-04 防盗窃和防破坏", "部分符合"],
    ]
    plan = plan_import(workbook({"Sheet1": rows}), L3, TAX)
    assert [(r.item_id, r.assessed_object) for r in plan.results] == [
        ("L3-PES1-02", ""),  # "Sheet1" names no object: the whole system
        ("L3-PES1-03", ""),
        ("L3-PES1-04", ""),
    ]


def test_english_headers_and_words_are_read():
    rows = [
        ["Control point", "Requirement", "Result", "Record", "Risk", "Methods", "Evidence date"],
        ["Identification and authentication", "a) unique users", "Partly conforms", "shared admin", "High",
         "interview, test", "2026/03/05"],
    ]  # fmt: skip
    plan = plan_import(workbook({"Server A": rows}), L3, TAX)
    assert plan.ok, [e.message("en") for e in plan.errors]
    [r] = plan.results
    assert (r.item_id, r.result, r.risk, r.methods, r.evidence_date) == (
        "L3-CES1-01",
        Result.PARTIAL,
        Risk.HIGH,
        ("interview", "test"),
        date(2026, 3, 5),
    )


# ---------------------------------------------------------------- bad workbooks


def test_a_missing_result_column_leaves_the_sheet_out_naming_it():
    data = workbook({"机房": [["控制点", "测评项", "结果记录"], ["物理位置选择", "a)", "在二层"]]})
    plan = plan_import(data, L3, TAX)
    assert plan.results == [] and [e.code for e in plan.errors] == ["no_results_sheet"]
    [error] = plan.left_out
    assert (error.code, error.sheet, error.row) == ("missing_column", "机房", 1)
    assert error.message("zh") == "工作表“机房”缺少“符合情况”列（第 1 行是表头）。"
    assert error.message("en") == "Sheet '机房' has no 'Result' column (row 1 is the header)."


def test_a_bad_result_word_is_reported_at_its_sheet_row_and_column_and_the_rest_is_imported():
    rows = [
        ["控制点", "测评项", "结果记录", "符合情况"],
        ["物理位置选择", "a)", "在二层", "符合"],
        [None, "b)", "顶层", "基本符合"],
        ["防火", "a)", "有灭火器", "不符合"],
    ]
    plan = plan_import(workbook({"机房": rows}), L3, TAX)
    assert plan.ok and [r.item_id for r in plan.results] == ["L3-PES1-01", "L3-PES1-09"]
    [error] = plan.left_out
    assert error.suggestion("zh") == "改为 符合、部分符合、不符合 或 不适用 后重新导入这一行。"
    assert (error.code, error.sheet, error.row, error.column, error.header) == (
        "bad_result",
        "机房",
        3,
        "D",
        "符合情况",
    )
    assert error.where("en") == "sheet '机房', row 3, column D (符合情况)"
    assert "基本符合" in error.message("zh")
    # the rows that are fine are in the mapping and are imported
    assert [(m.row, m.item_id) for s in plan.sheets for m in s.matches] == [(2, "L3-PES1-01"), (4, "L3-PES1-09")]


def test_every_bad_row_is_reported_not_only_the_first():
    rows = [
        ["控制点", "测评项", "符合情况", "风险等级", "取证日期", "测评方法"],
        ["物理位置选择", "c)", "符合", None, None, None],  # level 3 has only a) and b)
        ["防火", "a)", "符合", "严重", None, None],
        ["防火", "b)", "符合", None, "三月", None],
        ["防火", "c)", "符合", None, None, "拍照"],
        ["无此控制点", "a)", "符合", None, None, None],
        [None, "应配置门禁", "符合", None, None, None],
        ["防雷击", "x)", "大体符合", None, None, None],  # two problems in one row: both reported
    ]
    plan = plan_import(workbook({"机房": rows}), L3, TAX)
    assert plan.results == [] and plan.left_out_count == 8
    assert [(e.row, e.column, e.code) for e in plan.left_out] == [
        (2, "B", "no_match"),
        (3, "D", "bad_risk"),
        (4, "E", "bad_date"),
        (5, "F", "bad_method"),
        (6, "B", "no_match"),
        (7, "B", "no_letter"),
        (8, "B", "no_match"),
        (8, "C", "bad_result"),
    ]
    assert plan.left_out[0].message("en") == "No item '物理位置选择 c)' exists at level 3 (extensions: none)."


def test_an_unknown_item_id_is_left_out():
    data = export_xlsx(L3, [ItemResult("L3-PES1-01", Result.CONFORM)], META, TAX)
    plan = plan_import(data, CATALOGUE.select(3, []), TAX)
    assert plan.ok
    rows = [["编号", "符合情况"], ["L3-PES1-01", "符合"], ["L3-PES1-99", "符合"], ["L3-CES2-01", "符合"]]
    plan = plan_import(workbook({"测评结果": rows}), L3, TAX)
    assert [r.item_id for r in plan.results] == ["L3-PES1-01"]
    assert [(e.row, e.column, e.code) for e in plan.left_out] == [(3, "A", "unknown_id"), (4, "A", "unknown_id")]
    assert "L3-CES2-01" in plan.left_out[1].message("en")  # a cloud item, and this assessment has no cloud


def test_the_same_item_twice_for_one_object_keeps_the_first_row_and_names_it():
    rows = [["控制点", "测评项", "符合情况"], ["防火", "a)", "符合"], ["防火", "a)", "不符合"]]
    plan = plan_import(workbook({"机房": rows}), L3, TAX)
    assert [(r.item_id, r.result) for r in plan.results] == [("L3-PES1-09", Result.CONFORM)]
    [error] = plan.left_out
    assert (error.code, error.row) == ("duplicate_item", 3)
    assert "第 2 行" in error.message("zh")


def test_a_sheet_that_is_not_a_results_table_is_left_out_naming_it():
    data = workbook(
        {
            "机房": [["控制点", "测评项", "符合情况"], ["防火", "a)", "符合"]],
            "通讯录": [["姓名", "电话"], ["张三", "123"]],
        }
    )
    plan = plan_import(data, L3, TAX)
    assert [r.item_id for r in plan.results] == ["L3-PES1-09"]
    [error] = plan.left_out
    assert (error.code, error.sheet) == ("no_header", "通讯录")
    assert {s.sheet: s.status for s in plan.sheets} == {"机房": "results", "通讯录": "left out"}


def test_a_workbook_with_no_results_sheet_at_all_is_an_error():
    plan = plan_import(workbook({"说明": [["本文件没有结果"]]}), L3, TAX)
    assert [e.code for e in plan.errors] == ["no_results_sheet"]


def test_a_workbook_exported_for_another_level_is_refused():
    data = export_xlsx(L3, [ItemResult("L3-PES1-01", Result.CONFORM)], META, TAX)
    plan = plan_import(data, CATALOGUE.select(2), TAX)
    assert [e.code for e in plan.errors] == ["level_mismatch"] and plan.results == []
    assert plan.errors[0].message("en") == "This workbook was exported for level 3, but this assessment is at level 2."


def test_an_extension_the_assessment_does_not_have_is_left_out():
    rows = [["扩展要求", "控制点", "测评项", "符合情况"], ["物联网", "感知节点设备物理防护", "a)", "符合"]]
    plan = plan_import(workbook({"感知层": rows}), L3, TAX)
    assert [(e.code, e.column) for e in plan.left_out] == [("not_selected_scope", "A")]


def test_a_repeated_header_row_and_blank_rows_are_ignored():
    rows = [
        ["控制点", "测评项", "符合情况"],
        ["防火", "a)", "符合"],
        [],
        ["控制点", "测评项", "符合情况"],
        ["防火", "b)", "不适用"],
    ]
    plan = plan_import(workbook({"机房": rows}), L3, TAX)
    assert [(r.item_id, r.result.value) for r in plan.results] == [("L3-PES1-09", "conform"), ("L3-PES1-10", "na")]


def test_rows_left_out_beyond_the_limit_are_counted_but_not_all_listed():
    from mlps.adapters.exchange import ImportLimits

    rows = [["控制点", "测评项", "符合情况"]] + [["防火", "a)", f"错{n}"] for n in range(30)]
    plan = plan_import(workbook({"机房": rows}), L3, TAX, limits=ImportLimits(max_errors=10))
    assert len(plan.left_out) == 10 and plan.left_out_count == 30
    assert plan.as_dict()["counts"]["left_out"] == 30


def test_items_from_several_levels_are_refused_by_the_caller_contract():
    with pytest.raises(ValueError, match="mix levels"):
        plan_import(b"", CATALOGUE.select(2) + L3, TAX)
