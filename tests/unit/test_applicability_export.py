"""The statement of applicability as a frame and as an Excel file a user can hand to an agency."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from mlps.adapters.exchange.cells import safe_cell
from mlps.adapters.exchange.soa_xlsx import XLSX_HEADERS, statement_xlsx
from mlps.rules.applicability import (
    ROW_FIELDS,
    CloudPlatform,
    CloudRole,
    Override,
    SystemProfile,
    statement_frame,
    statement_of_applicability,
    statement_to_dict,
)
from mlps.rules.catalogue import load_catalogue

CUSTOMER = SystemProfile(
    cloud_role=CloudRole.CUSTOMER,
    cloud_platform=CloudPlatform('=HYPERLINK("http://evil")', level=2, filing_number="@SUM(A1)"),
    mobile_apps=("学习通",),
)


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def statement(cat):
    return statement_of_applicability(cat, 3, CUSTOMER, [Override("L3-MMS3-01", "终端由学生自带，不做配置库")])


def test_the_frame_has_one_row_per_item_and_the_documented_columns(statement):
    frame = statement_frame(statement)
    assert list(frame.columns) == list(ROW_FIELDS)
    assert len(frame) == 211 + 46 + 19
    assert frame["status"].value_counts().to_dict() == {"applicable": 225, "inherited": 50, "not_applicable": 1}
    row = frame.set_index("item_id").loc["L3-MMS3-01"]
    assert row["status"] == "not_applicable" and bool(row["overridden"])


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_the_xlsx_reads_back_with_chinese_headers_and_every_item(statement):
    wb = read(statement_xlsx(statement, "zh"))
    assert wb.sheetnames == ["适用性声明", "概要"]
    ws = wb["适用性声明"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == XLSX_HEADERS["zh"]
    assert len(rows) == 1 + 276
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["L3-PES1-01"][1] == "安全通用要求" and by_id["L3-PES1-01"][7] == "继承（云服务商负责）"
    assert by_id["L3-CMS2-01"][1] == "云计算安全扩展要求" and by_id["L3-CMS2-01"][7] == "适用"
    assert by_id["L3-MMS3-01"][7] == "不适用" and by_id["L3-MMS3-01"][9] == "是"
    assert "终端由学生自带" in by_id["L3-MMS3-01"][8]
    assert by_id["L3-CES1-01"][3] == "身份鉴别" and by_id["L3-CES1-01"][6] in ("关键", "重要", "一般")


def test_the_xlsx_in_english_uses_english_headers_and_words(statement):
    wb = read(statement_xlsx(statement, "en"))
    ws = wb["Statement of applicability"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == XLSX_HEADERS["en"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["L3-PES1-01"][7] == "Inherited (cloud provider)"
    assert by_id["L3-CES1-01"][3] == "Identification and authentication"
    assert by_id["L3-MMS3-01"][9] == "yes"
    assert by_id["L3-MMS3-01"][1] == "Mobile internet extension"


def test_the_summary_sheet_records_the_platform_once_and_the_high_risk_flag(statement):
    ws = read(statement_xlsx(statement, "en"))["Summary"]
    cells = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert cells["Protection level"][0] == 3
    assert cells["Platform level"][0] == 2
    assert cells["Cloud platform"][0] == '\'=HYPERLINK("http://evil")'
    assert cells["Platform filing number"][0] == "'@SUM(A1)"
    high = [k for k, v in cells.items() if v[0] == "high"]
    assert len(high) == 1 and "below the system's level 3" in high[0]
    assert cells["Inherited (cloud provider)"][0] == 50


def test_no_cell_of_the_workbook_is_a_formula(statement):
    wb = read(statement_xlsx(statement, "zh"))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=x"])
def test_text_that_a_spreadsheet_would_run_is_escaped(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_values_are_left_alone():
    assert safe_cell("L3-PES1-01") == "L3-PES1-01"
    assert safe_cell(0.7) == 0.7 and safe_cell(None) is None


def test_an_unknown_language_is_refused(statement):
    with pytest.raises(ValueError, match="lang must be zh or en"):
        statement_xlsx(statement, "fr")


def test_the_json_form_carries_extensions_platform_findings_and_rows(statement):
    data = statement_to_dict(statement)
    assert [e["extension"] for e in data["extensions"] if e["applies"]] == ["cloud", "mobile"]
    assert data["platform"] == {"name": CUSTOMER.cloud_platform.name, "level": 2, "filing_number": "@SUM(A1)"}
    assert [f["code"] for f in data["findings"]] == ["platform_level_lower"]
    assert data["counts"] == {"applicable": 225, "not_applicable": 1, "inherited": 50}
    assert len(data["rows"]) == 276
