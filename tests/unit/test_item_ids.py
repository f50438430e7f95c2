"""Big-data ids as agencies write them (issue 17): category + `BDS-L3-05` on every page, in the Excel export and in
the PDFs, and read back from workbooks written that way or with the catalogue's old `BD-…` ids."""

from __future__ import annotations

import importlib
import io

import openpyxl
import pytest

from mlps.adapters.exchange import ExportMeta, export_xlsx, plan_import
from mlps.adapters.reports import build_assessment_report
from mlps.adapters.reports.assessment_report import ProblemRow, RemediationRow
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import ItemResult, Result, Risk
from mlps.rules.item_ids import LEGACY_BIGDATA, display_id, display_ids, read_bigdata_id
from mlps.rules.worklist import filter_worklist, worklist
from tests.data.xlsx import workbook
from tests.unit.test_reports_pdfs import all_text, assessment

CATALOGUE = load_catalogue()
TAX = CATALOGUE.taxonomy
L3_BIG = CATALOGUE.select(3, ["bigdata"])
META = ExportMeta(organisation="某县第一中学", system="学生信息管理系统", level=3, extensions=("bigdata",))


def test_a_big_data_id_is_shown_as_its_category_and_printed_unit_and_other_ids_as_they_are():
    assert display_id("BDS-L3-CES-05") == "安全计算环境 BDS-L3-05"
    assert display_id("BDS-L3-CES-05", "en") == "Computing environment BDS-L3-05"
    assert display_id("BDS-L2-MMS-01", "zh", TAX) == "安全运维管理 BDS-L2-01"
    assert display_id("L3-CES1-05", "zh") == "L3-CES1-05"
    assert display_ids(["L3-CES1-05", "BDS-L3-CMS-03"], "zh") == "L3-CES1-05, 安全建设管理 BDS-L3-03"
    # the printed unit the form shows is the one GB/T 28448-2019 Annex B prints, for every big-data item
    for item in (i for i in CATALOGUE.items if i.scope == "bigdata"):
        assert display_id(item.id).endswith(" " + item.official_id)


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("安全计算环境 BDS-L3-05", None, "BDS-L3-CES-05"),
        ("安全计算环境BDS-L3-05", None, "BDS-L3-CES-05"),
        ("Computing environment BDS-L3-05", None, "BDS-L3-CES-05"),
        ("ＢＤＳ－Ｌ３－０５", "CES", "BDS-L3-CES-05"),  # full-width, category from the row's category column
        ("BDS-L3-05", "MMS", "BDS-L3-MMS-05"),
        ("BDS-L3-CES-05", None, "BDS-L3-CES-05"),  # our stored form
        ("BD-L3-CES-08", None, "BDS-L3-CES-11"),  # old id, through the 0005_bigdata table
        ("bd-l2-mms-01", None, "BDS-L2-MMS-01"),
        ("BD-L4-CES-15", None, "BD-L4-CES-15"),  # retired: the old id itself, for the caller to explain
        ("BDS-L3-05", None, None),  # a printed unit alone names no item
        ("L3-CES1-05", None, None),
    ],
)
def test_a_big_data_id_is_read_as_agencies_write_it(text, category, expected):
    assert read_bigdata_id(text, category, TAX) == expected


def test_the_migration_and_the_import_use_one_mapping_table():
    migration = importlib.import_module("mlps.adapters.store.migrations.versions.0005_bigdata")
    assert migration.MAPPING is LEGACY_BIGDATA
    assert LEGACY_BIGDATA["BD-L3-CES-08"] == "BDS-L3-CES-11" and LEGACY_BIGDATA["BD-L3-CMS-03"] is None


def test_the_assessment_worklist_finds_a_big_data_item_by_its_printed_unit():
    frame = worklist(L3_BIG, [], "", "zh")
    found = filter_worklist(frame, text="BDS-L3-05")
    assert set(found["id"]) == {"BDS-L3-CES-05"}  # only CES has a fifth unit at level 3


RESULTS = [
    ItemResult("BDS-L3-CES-05", Result.PARTIAL, "大数据平台", "脱敏规则未覆盖导出接口", risk=Risk.MEDIUM),
    ItemResult("BDS-L3-CMS-03", Result.CONFORM, "", "共享协议约定了保护义务"),
    ItemResult("L3-CES1-01", Result.CONFORM, "大数据平台", "口令复杂度已启用"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_export_writes_the_agencys_form_and_imports_back_the_same_results(lang):
    data = export_xlsx(L3_BIG, RESULTS, META, TAX, lang=lang)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["大数据平台"]
    ids = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ("安全计算环境 BDS-L3-05" if lang == "zh" else "Computing environment BDS-L3-05") in ids
    assert "BDS-L3-CES-05" not in ids
    plan = plan_import(data, L3_BIG, TAX)
    assert plan.ok, [e.message("en") for e in plan.errors]
    got = {(r.assessed_object, r.item_id, r.result, r.record) for r in plan.results}
    assert got == {(r.assessed_object, r.item_id, r.result, r.record) for r in RESULTS}


def test_an_agency_workbook_with_printed_units_and_category_column_or_old_ids_maps_to_the_items():
    rows = [
        ["安全类", "编号", "符合情况", "结果记录"],
        ["安全计算环境", "BDS-L3-05", "部分符合", "导出接口未脱敏"],  # category in its own column
        ["", "安全建设管理 BDS-L3-03", "符合", "共享协议"],  # category written with the unit
        ["安全运维管理", "BD-L3-MMS-02", "符合", "旧编号"],  # old id: same place
        ["安全计算环境", "BD-L3-CES-08", "不符合", "接口访问控制"],  # old id: the interface item is k) = 11
        ["安全建设管理", "BD-L3-CMS-03", "符合", "供应商"],  # retired: no successor
    ]
    alone = [["编号", "符合情况"], ["BDS-L3-02", "符合"]]  # no category anywhere
    plan = plan_import(workbook({"大数据平台": rows, "接口服务": alone}), L3_BIG, TAX)
    assert plan.ok
    assert [(r.item_id, r.result) for r in plan.results] == [
        ("BDS-L3-CES-05", Result.PARTIAL),
        ("BDS-L3-CMS-03", Result.CONFORM),
        ("BDS-L3-MMS-02", Result.CONFORM),
        ("BDS-L3-CES-11", Result.NONCONFORM),
    ]
    left = {(e.sheet, e.row): e for e in plan.left_out}
    assert sorted(left) == [("大数据平台", 6), ("接口服务", 2)]
    assert left["大数据平台", 6].code == "retired_id"
    assert left["大数据平台", 6].message("zh") == (
        "旧编号“BD-L3-CMS-03”在现行目录中没有对应的测评项（H.4.4 中没有这一要求，其 c) 是约束共享数据的接收方，"
        "即 BDS-L3-CMS-03），这一行不导入。"
    )
    alone_out = left["接口服务", 2]
    assert alone_out.code == "bigdata_no_category"
    assert "GB/T 28448-2019 Annex B" in alone_out.message("en") and "'BDS-L3-02'" in alone_out.message("en")
    assert "安全计算环境 BDS-L3-02" in alone_out.suggestion("zh")


def test_the_assessment_report_prints_the_agencys_form():
    problem = ProblemRow("BDS-L3-CES-05", "大数据可参考安全控制措施", "Big-data reference measures",
                         "静态脱敏", "Static masking", Result.PARTIAL, "导出接口未脱敏", Risk.MEDIUM)  # fmt: skip
    data = assessment(
        extensions=("bigdata",),
        problems=[problem],
        remediation=[RemediationRow("导出接口脱敏", ("BDS-L3-CES-05",), "李老师", None, "planned")],
    )
    text = all_text(build_assessment_report(data, "zh"))
    assert text.count("安全计算环境BDS-L3-05") == 2  # the problem list and the plan
    assert "BDS-L3-CES-05" not in text


def test_last_years_problem_list_names_big_data_items_as_agencies_do():
    from mlps.adapters.exchange.problem_list import plan_backlog

    rows = [
        ["序号", "安全类", "测评项", "问题描述", "风险等级", "整改建议"],
        ["1", "安全计算环境", "BDS-L3-05", "导出接口未做静态脱敏", "中", "启用脱敏"],
        ["2", "", "安全建设管理 BDS-L3-03", "共享协议未约定保护义务", "低", "补签协议"],
        ["3", "安全计算环境", "BD-L3-CES-08", "接口未做访问控制", "高", "增加接口鉴权"],
    ]
    plan = plan_backlog(workbook({"安全问题汇总": rows}), "问题清单.xlsx", L3_BIG, TAX, every_item=CATALOGUE.items)
    assert plan.ok, [e.message("en") for e in plan.errors]
    found = {d.title_zh: d.item_ids for d in plan.drafts}
    assert found == {
        "导出接口未做静态脱敏": ("BDS-L3-CES-05",),  # category column + printed unit
        "共享协议未约定保护义务": ("BDS-L3-CMS-03",),  # category written with the unit
        "接口未做访问控制": ("BDS-L3-CES-11",),  # old id through the 0005_bigdata table
    }


def test_the_remediation_plan_table_and_workbook_show_big_data_items_as_agencies_write_them():
    from mlps.adapters.exchange.plan_xlsx import plan_xlsx
    from mlps.rules.remediation import TaskDraft, plan_rows

    task = TaskDraft("item:BDS-L3-CES-05", ("BDS-L3-CES-05", "L3-CES1-01"), "bigdata", "CES", "annex_h_ces",
                     "大数据可参考安全控制措施", "Big-data reference measures", "导出接口脱敏", "Mask the export API",
                     "启用静态脱敏", "Enable static masking", Risk.MEDIUM, (), 1.0, 1)  # fmt: skip
    zh = plan_rows([task], "zh", columns=("title", "items"))
    assert zh.iloc[0].tolist() == ["导出接口脱敏", "安全计算环境 BDS-L3-05, L3-CES1-01"]
    en = plan_rows([task], "en", columns=("title", "items"))
    assert en.iloc[0].tolist()[1] == "Computing environment BDS-L3-05, L3-CES1-01"
    sheet = openpyxl.load_workbook(io.BytesIO(plan_xlsx([task], "zh"))).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "安全计算环境 BDS-L3-05, L3-CES1-01" in cells
