"""A remediation plan as an .xlsx workbook: a header block with the title and the what-if, then one sheet of tasks.
Text that a spreadsheet could read as a formula stays text (the one guard in `cells`)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from mlps.adapters.exchange.cells import clean_text, is_formula_like
from mlps.adapters.exchange.xlsx_export import EXCEL_CELL_MAX
from mlps.rules.remediation import TaskDraft, WhatIf, _pick, plan_rows


def _put(ws, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = clean_text(value)[:EXCEL_CELL_MAX]
        cell.value = value
        if is_formula_like(value):  # = + - @ (and tab / line breaks) first: keep it text, never a formula
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    cell.alignment = Alignment(wrap_text=isinstance(value, str) and len(value) > 30, vertical="top")


def plan_xlsx(
    tasks: Sequence[TaskDraft],
    lang: str = "zh",
    *,
    title: str = "",
    category_names: Mapping[str, str] | None = None,
    outcome: WhatIf | None = None,
) -> bytes:
    """The plan as an .xlsx workbook: one sheet of tasks (and a header block with the title and the what-if)."""
    frame = plan_rows(tasks, lang, category_names)
    wb = Workbook()
    ws = wb.active
    ws.title = _pick("整改计划", "Remediation plan", lang)
    row = 1
    if title:
        _put(ws, row, 1, title)
        ws.cell(row=row, column=1).font = Font(bold=True, size=13)
        row += 1
    if outcome is not None:
        _put(ws, row, 1, outcome.summary(lang))
        row += 1
    if row > 1:
        row += 1
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, name in enumerate(frame.columns, start=1):
        _put(ws, row, col, name)
        ws.cell(row=row, column=col).font = Font(bold=True)
        ws.cell(row=row, column=col).fill = fill
    header_row = row
    for values in frame.itertuples(index=False):
        row += 1
        for col, v in enumerate(values, start=1):
            _put(ws, row, col, None if v is None or (isinstance(v, float) and np.isnan(v)) else v)
            if isinstance(v, date):
                ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
    widths = [8, 36, 22, 16, 18, 8, 14, 10, 70, 14, 12, 10, 30, 30]
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=header_row, column=col).column_letter].width = w
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
