"""The statement of applicability as an Excel workbook."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from mlps.adapters.exchange.cells import safe_cell
from mlps.rules.applicability.statement import STATUS_WORDS, Statement, Status
from mlps.rules.domain import Risk

XLSX_HEADERS = {
    "zh": ("编号", "适用范围", "安全类", "控制点", "条款", "测评项要求", "重要程度", "适用性", "理由", "用户调整"),
    "en": (
        "ID",
        "Scope",
        "Category",
        "Control point",
        "Clause",
        "Requirement",
        "Importance",
        "Applicability",
        "Reason",
        "Changed by user",
    ),
}
XLSX_SHEETS = {"zh": ("适用性声明", "概要"), "en": ("Statement of applicability", "Summary")}
TIER_WORDS = {
    "key": {"zh": "关键", "en": "Key"},
    "important": {"zh": "重要", "en": "Important"},
    "general": {"zh": "一般", "en": "General"},
}


def statement_xlsx(statement: Statement, lang: str = "zh") -> bytes:
    """The statement as an Excel workbook: one sheet of items, one summary sheet; headers in `lang` (zh, en).
    Text a spreadsheet could run as a formula is escaped (`safe_cell`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    if lang not in XLSX_HEADERS:
        raise ValueError(f"lang must be zh or en, got {lang!r}")
    names = statement.scope_names
    yes_no = {"zh": ("是", ""), "en": ("yes", "")}[lang]
    wb = Workbook()
    ws = wb.active
    ws.title = XLSX_SHEETS[lang][0]
    ws.append(list(XLSX_HEADERS[lang]))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in statement.rows:
        scope = names.get(r.extension, {}).get(lang, r.extension)
        ws.append(
            [
                safe_cell(v)
                for v in (
                    r.item_id,
                    scope,
                    r.category,
                    r.control_point_zh if lang == "zh" else r.control_point_en,
                    r.clause,
                    r.requirement_zh if lang == "zh" else r.requirement_en,
                    TIER_WORDS.get(r.tier, {}).get(lang, r.tier),
                    STATUS_WORDS[r.status][lang],
                    r.reason(lang),
                    yes_no[0] if r.overridden else yes_no[1],
                )
            ]
        )
    for col, width in zip("ABCDEFGHIJ", (14, 14, 8, 18, 14, 60, 9, 14, 60, 10), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in (row[5], row[8]):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    _summary_sheet(wb.create_sheet(XLSX_SHEETS[lang][1]), statement, lang, names)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _summary_sheet(ws: Any, statement: Statement, lang: str, names: Mapping[str, Mapping[str, str]]) -> None:
    zh = lang == "zh"
    ws.append(["保护等级" if zh else "Protection level", statement.level])
    ws.append(["目录版本" if zh else "Catalogue version", statement.catalogue_version])
    ws.append([])
    ws.append(["扩展要求" if zh else "Extension", "是否适用" if zh else "Applies", "理由" if zh else "Reason"])
    for d in statement.extensions:
        applies = ("适用" if d.applies else "不适用") if zh else ("yes" if d.applies else "no")
        ws.append([safe_cell(names.get(d.extension, {}).get(lang, d.extension)), applies, safe_cell(d.reason(lang))])
    platform = statement.platform
    if platform is not None:
        ws.append([])
        ws.append(["云平台名称" if zh else "Cloud platform", safe_cell(platform.name)])
        ws.append(["云平台保护等级" if zh else "Platform level", platform.level])
        ws.append(["云平台备案证明编号" if zh else "Platform filing number", safe_cell(platform.filing_number)])
    if statement.findings:
        ws.append([])
        ws.append(["提示" if zh else "Findings", "风险" if zh else "Risk"])
        risk_words = {Risk.HIGH: ("高", "high"), Risk.MEDIUM: ("中", "medium"), Risk.LOW: ("低", "low")}
        for f in statement.findings:
            risk = risk_words[f.risk][0 if zh else 1] if f.risk else ""
            ws.append([safe_cell(f.message(lang)), risk])
    ws.append([])
    ws.append(["统计" if zh else "Counts"])
    for status, n in statement.counts().items():
        ws.append([STATUS_WORDS[Status(status)][lang], n])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["C"].width = 80
