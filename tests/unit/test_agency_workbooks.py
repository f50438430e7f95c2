"""Agency workbooks as they really are (issue 16): every layout habit imports, every mistake is reported with the
exact text the plan shows, and nothing that can be placed is held back by a row that cannot.

The workbooks are built by tests/data/xlsx/agency.py (committed .xlsx copies sit beside it)."""

from __future__ import annotations

import pytest

from mlps.adapters.exchange import plan_import
from mlps.rules.catalogue import load_catalogue
from tests.data.xlsx.agency import agency_l2_cloud, agency_l3_cloud, large_agency_workbook

CATALOGUE = load_catalogue()
TAX = CATALOGUE.taxonomy


def plan_of(data: bytes, level: int, extensions=("cloud",)):
    return plan_import(data, CATALOGUE.select(level, list(extensions)), TAX, every_item=CATALOGUE.items)


@pytest.fixture(scope="module")
def l2():
    return plan_of(agency_l2_cloud(), 2)


@pytest.fixture(scope="module")
def l3():
    return plan_of(agency_l3_cloud(), 3)


def rows_of(plan, sheet):
    return {m.row: (m.item_id, m.result.value, m.how) for s in plan.sheets if s.sheet == sheet for m in s.matches}


def found(plan, kind, sheet, row, code):
    listed = {"decisions": plan.decisions, "left_out": plan.left_out, "warnings": plan.warnings}[kind]
    hits = [i for i in listed if (i.sheet, i.row, i.code) == (sheet, row, code)]
    assert len(hits) == 1, [(i.sheet, i.row, i.code) for i in listed]
    return hits[0]


def test_a_level_2_agency_workbook_imports_with_only_non_blocking_findings(l2):
    assert l2.ok and l2.errors == []
    assert l2.counts()["results"] == 35 and l2.left_out_count == 3
    assert {s.sheet: s.status for s in l2.sheets} == {
        "封面": "skipped", "中心机房": "results", "安全通信网络": "results", "系统边界": "results",
        "出口防火墙": "results", "SQL server数据库": "results", "安全管理制度": "results",
        "安全计算环境云扩展": "results",
    }  # fmt: skip
    # counts per object and per result, as the review shows them
    assert l2.by_object()["中心机房"] == {"conform": 6, "partial": 0, "nonconform": 1, "na": 0, "not_assessed": 0}
    assert l2.by_object()["出口防火墙"]["partial"] == 1


def test_merged_scope_and_control_point_cells_fill_down_and_the_unlabelled_weight_column_is_found(l2):
    room = next(s for s in l2.sheets if s.sheet == "中心机房")
    assert room.header_row == 1
    # 控制点 with a trailing space is the control point column; F has no header and holds 0.40 / 0.70 / 1.00
    assert room.columns == {"scope": "A (扩展标准)", "control_point": "B (控制点)", "item": "C (测评项)",
                            "record": "D (结果记录)", "result": "E (符合程度)", "weight": "F"}  # fmt: skip
    assert rows_of(l2, "中心机房") == {
        2: ("L2-PES1-01", "conform", "control point"),
        3: ("L2-PES1-02", "conform", "control point"),  # control point merged from the row above
        4: ("L2-PES1-03", "conform", "control point"),
        5: ("L2-PES1-13", "conform", "control point"),
        6: ("L2-PES1-14", "nonconform", "control point"),
        7: ("L2-PES2-01", "conform", "control point"),  # the extension scope written once, merged over its block
        8: ("L2-MMS2-01", "conform", "other category"),
    }


def test_an_extension_item_on_another_categorys_sheet_is_placed_and_explained(l2):
    decision = found(l2, "decisions", "中心机房", 8, "other_category")
    assert decision.message("zh") == (
        "“云计算安全扩展要求 云计算环境管理 a)”属于安全运维管理，而本表其他测评项属于安全物理环境；"
        "该控制点和字母在本扩展中只有一项："
        "对应 云计算安全扩展要求 安全运维管理 云计算环境管理 a) [L2-MMS2-01]。"
    )


def test_an_unusual_spelling_of_the_extension_written_once_reads_as_cloud(l2):
    assert rows_of(l2, "安全通信网络") == {
        2: ("L2-CNS1-01", "conform", "control point"),
        3: ("L2-CNS1-02", "conform", "control point"),
        4: ("L2-CNS1-03", "conform", "control point"),
        5: ("L2-CNS2-01", "conform", "control point"),  # 云计算拓展要求
        6: ("L2-CNS2-02", "conform", "control point"),
        7: ("L2-CNS2-03", "conform", "control point"),
    }
    assert [m.item_id for m in next(s for s in l2.sheets if s.sheet == "安全计算环境云扩展").matches] == [
        "L2-CES2-01", "L2-CES2-02", "L2-CES2-03",  # 云计算安全扩展要求
    ]  # fmt: skip


def test_an_extension_block_with_no_scope_written_is_recognised_by_its_restart(l2):
    rows = rows_of(l2, "系统边界")
    general = ["L2-ABS1-01", "L2-ABS1-02", "L2-ABS1-06", "L2-ABS1-07", "L2-ABS1-08"]
    assert [rows[n][0] for n in (2, 3, 4, 5, 6)] == general
    assert [rows[n][0] for n in (7, 8, 9)] == ["L2-ABS2-01", "L2-ABS2-02", "L2-ABS2-03"]
    decision = found(l2, "decisions", "系统边界", 7, "unmarked_extension")
    assert decision.message("zh") == (
        "从第 7 行起控制点和字母重新开始，而“扩展标准”没有填写：从这一行起按云计算安全扩展要求读取。"
    )
    assert decision.message("en") == (
        "From row 7 the control points and letters start again with no extension written; "
        "read as Cloud computing extension from this row on."
    )


def test_a_level_3_control_point_name_in_a_level_2_workbook_is_accepted_and_explained(l2):
    assert rows_of(l2, "系统边界")[5] == ("L2-ABS1-07", "conform", "level name")
    decision = found(l2, "decisions", "系统边界", 5, "cp_level_name")
    assert decision.message("zh") == (
        "控制点“恶意代码和垃圾邮件防范”是第 3 级、第 4 级的名称，本级称“恶意代码防范”："
        "对应 安全区域边界 恶意代码防范 a) [L2-ABS1-07]。"
    )


def test_a_letter_the_level_does_not_have_is_left_out_with_the_levels_that_have_it(l2):
    audit = found(l2, "left_out", "SQL server数据库", 7, "other_level")
    assert audit.message("zh") == (
        "“安全审计 d)”不是第 2 级的测评项（第 3 级、第 4 级才有：安全计算环境 安全审计 d) [L3-CES1-15]；"
        "安全计算环境 安全审计 d) [L4-CES1-15]），这一行不导入。"
    )
    assert audit.suggestion("zh") == (
        "这是更高（或更低）等级的测评项，本级不计分；如果系统按第 3 级测评，请以第 3 级导入。"
    )
    rules = found(l2, "left_out", "安全管理制度", 5, "other_level")
    assert rules.message("zh") == (
        "“管理制度 c)”不是第 2 级的测评项（第 3 级、第 4 级才有：安全管理制度 管理制度 c) [L3-PSS1-04]；"
        "安全管理制度 管理制度 c) [L4-PSS1-04]），这一行不导入。"
    )


def test_a_row_no_catalogue_knows_is_left_out_with_a_suggestion(l2):
    row = found(l2, "left_out", "系统边界", 10, "no_match")
    assert row.message("zh") == (
        "在第 2 级（扩展要求：云计算安全扩展要求）中找不到测评项“云计算安全扩展要求 安全检查 a)”。"
    )
    assert row.suggestion("zh").startswith("核对控制点名称和字母，或所选扩展要求；内容最接近的测评项：")


def test_the_object_details_row_becomes_the_objects_description(l2):
    assert l2.objects == {"出口防火墙": "IP：10.10.1.1  型号：USG6000E  版本：V600R007",
                          "SQL server数据库": "IP：172.16.6.3  版本：server 2012"}  # fmt: skip
    firewall = next(s for s in l2.sheets if s.sheet == "出口防火墙")
    assert firewall.header_row == 2
    decision = found(l2, "decisions", "SQL server数据库", 1, "object_details")
    assert decision.message("zh") == (
        "第 1 行是测评对象“SQL server数据库”的信息，导入后作为该对象的说明：IP：172.16.6.3 版本：server 2012"
    )


def test_a_weight_that_disagrees_with_the_catalogue_is_reported(l2):
    [warning] = [w for w in l2.warnings if w.code == "weight_differs"]
    assert (warning.sheet, warning.row) == ("出口防火墙", 4)
    assert warning.message("zh") == (
        "工作簿中 安全计算环境 身份鉴别 b) [L2-CES1-02] 的权重是 1.00，本目录是 0.70（共 1 行）；计分使用本目录的权重。"
    )


def test_a_shared_control_point_is_settled_by_the_sheet_and_the_plan_says_so(l2):
    assert rows_of(l2, "出口防火墙")[6] == ("L2-CES1-04", "partial", "inferred")
    decision = found(l2, "decisions", "出口防火墙", 6, "inferred")
    assert decision.message("zh") == (
        "“访问控制 a)”可能是 安全区域边界 访问控制 a) [L2-ABS1-02]；安全计算环境 访问控制 a) [L2-CES1-04]；"
        "本表其他测评项属于安全计算环境：对应 安全计算环境 访问控制 a) [L2-CES1-04]。"
    )


def test_a_not_applicable_reason_citing_ga_t_2347_is_kept_as_the_record(l2):
    [result] = [r for r in l2.results if r.item_id == "L2-CES2-03"]
    assert result.result.value == "na"
    assert result.record == "依据GA/T 2347-2025，镜像加固由云服务商负责，本系统作为云服务客户不适用。"


def test_every_non_exact_row_has_a_decision_and_every_exact_row_has_none(l2):
    decided = {(d.sheet, d.row) for d in l2.decisions if d.code not in ("object_details", "unmarked_extension")}
    for s in l2.sheets:
        for m in s.matches:
            assert ((s.sheet, m.row) in decided) == (not m.exact), (s.sheet, m.row, m.how)


def test_capability_items_repeated_under_the_wrong_control_point_are_recognised_by_text_and_left_out(l3):
    assert l3.ok and [r.item_id for r in l3.results] == [
        "L3-CNS2-01", "L3-CNS2-02", "L3-CNS2-03", "L3-CNS2-04", "L3-CNS2-05", "L3-ABS2-01", "L3-ABS2-02",
    ]  # fmt: skip
    repeats = [i for i in l3.left_out if i.code == "repeat"]
    assert [(i.sheet, i.row) for i in repeats] == [("系统边界", 4), ("系统边界", 5), ("系统边界", 6)]
    assert repeats[0].message("zh") == (
        "这一行把 网络架构 c) [L3-CNS2-03] 重复写在“云计算安全扩展要求 访问控制 c)”下（测评项内容相符），"
        "该项已在工作表“安全通信网络”第 4 行记录，这一行不导入。"
    )


def test_a_wrong_place_whose_item_is_not_recorded_elsewhere_is_imported_by_its_text():
    plan = plan_of(agency_l3_cloud(), 3)
    data_without_network = plan_import(
        _only_sheet(agency_l3_cloud(), "系统边界"), CATALOGUE.select(3, ["cloud"]), TAX, every_item=CATALOGUE.items
    )
    assert {r.item_id for r in data_without_network.results} >= {"L3-CNS2-03", "L3-CNS2-04", "L3-CNS2-05"}
    decision = found(data_without_network, "decisions", "系统边界", 4, "text_wrong_place")
    assert decision.message("zh").startswith(
        "第 3 级没有“云计算安全扩展要求 访问控制 c)”；测评项内容与 网络架构 c) [L3-CNS2-03] 最接近（相似度 "
    )
    assert plan.ok


def _only_sheet(data: bytes, keep: str) -> bytes:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    for ws in list(book.worksheets):
        if ws.title != keep:
            book.remove(ws)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_large_benchmark_workbook_has_the_size_it_claims():
    items = CATALOGUE.select(3, ["cloud"])
    plan = plan_import(large_agency_workbook(items), items, TAX, every_item=CATALOGUE.items)
    assert plan.ok and len(plan.sheets) == 40 and plan.counts()["rows_mapped"] == 1000
