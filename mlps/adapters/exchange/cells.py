"""The one guard for spreadsheet cells: text that a spreadsheet could run as a formula (or a DDE payload).

Every writer of .xlsx files uses it: the assessment workbook (`xlsx_export`, which stores such text with a
quote prefix), the statement of applicability (`soa_xlsx`) and any later export (`safe_cell`, a leading
apostrophe). OWASP's CSV-injection advice names these first characters.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")  # first characters a spreadsheet may treat as a formula


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could take this text for a formula (or a DDE payload) if it were typed in."""
    return text.startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """A value safe to put in a cell as typed text: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def clean_text(text: str) -> str:
    """Text an .xlsx can hold: control characters other than tab and line breaks removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)
