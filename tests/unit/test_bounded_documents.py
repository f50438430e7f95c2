"""Bounded work for hostile sizes (issue 13, item 6): the assessment report with 100,000-character records on
several objects builds in seconds and keeps every character (cells show the start, the whole text follows the
table); an Excel export with a record over Excel's 32,767-character cell limit continues it in the next cells
instead of failing."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import time

from openpyxl import load_workbook
from pypdf import PdfReader

from mlps.adapters.exchange.xlsx_export import EXCEL_CELL_MAX, ExportMeta, export_xlsx
from mlps.adapters.reports.assessment_report import build_assessment_report
from mlps.adapters.reports.sample import sample_assessment_data
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import ItemResult, Result
from tests.conftest import ROOT

LONG = "".join(f"第{n}段：核查了交换机配置与日志留存。" for n in range(6000))[:100_000]


def test_a_report_with_huge_records_is_built_in_bounded_time_and_memory():
    data = sample_assessment_data(load_catalogue().select(2, [])[:20], 2)
    first = data.item_results[0]
    data.item_results[:0] = [dataclasses.replace(first, record=LONG, assessed_object=f"对象{k}") for k in range(4)]
    began = time.perf_counter()
    pdf = build_assessment_report(data, "zh")
    took = time.perf_counter() - began
    assert took < 60, took  # was over 400 s with the records in table cells (3.5 s on an idle 2-core machine)
    pages = PdfReader(io.BytesIO(pdf)).pages
    last = "".join(page.extract_text() for page in pages[-3:]).replace("\n", "")
    assert LONG[-30:] in last  # the end of the fourth 100,000-character record closes the document



def test_an_excel_export_continues_a_record_over_the_cell_limit():
    cat = load_catalogue()
    item = cat.select(2, [])[0]
    record = "很长的记录" * 14_000  # 70,000 characters: three cells
    data = export_xlsx(cat.select(2, []), [ItemResult(item_id=item.id, result=Result.PARTIAL, record=record)],
                       ExportMeta(organisation="学校", system="系统", level=2), cat.taxonomy)  # fmt: skip
    wb = load_workbook(io.BytesIO(data))
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    parts = [v for v in cells if v and set(v) <= set("很长的记录")]
    assert all(len(p) <= EXCEL_CELL_MAX for p in parts)
    assert "".join(parts) == record


def test_the_long_record_report_is_built_within_bounded_memory():
    """Measured in a fresh process (benchmarks/bench_worst_case.py): what building the report adds to the memory
    the process held once its input was ready (two 1 MB records used 852 MB before the bound)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_worst_case.py"), "report_long_records"],
                          capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["added_mb"] < 200, got
    assert got["seconds"] < 60, got
