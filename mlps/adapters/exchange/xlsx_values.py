"""One cell's value as the Excel import reads it: blank or not, as text, as a number, as a date, quoted in a
message, and an item's letter split from its text. No knowledge of the catalogue or of the sheet's layout."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from openpyxl.utils.datetime import from_excel

# "a) …", "(a) …", "a. …", "a、…" at the start of an item cell (after NFKC: full-width brackets are ASCII).
_LETTER_FIRST = re.compile(r"^\(?\s*([a-zA-Z])\s*[).、:]")
# "物理位置选择 a)", "物理位置选择(a)", "Physical access control a)": a control point name, then a bracketed letter.
_NAME_LETTER = re.compile(r"^(?P<cp>[^()]{1,40}?)[\s\-_:、,/]*\(?\s*(?P<letter>[a-zA-Z])\s*\)")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def shown_value(value: Any) -> str:
    """A cell's value as a message quotes it: one line, at most 60 characters."""
    text = " ".join(cell_text(value).split())
    return text if len(text) <= 60 else text[:57] + "…"


def cell_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(unicodedata.normalize("NFKC", value).strip())
        except ValueError:
            return None
    return None


def cell_date(value: Any) -> date | None:
    """Raises ValueError for a cell that is not a date."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date()  # a date typed into a cell without a date format
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def split_letter(text: str) -> tuple[str, str] | None:
    """(control point name or "", letter) from "a) …" or "物理位置选择 a)"; None when no letter is there."""
    clean = unicodedata.normalize("NFKC", text).strip()
    m = _LETTER_FIRST.match(clean)
    if m:
        return "", m.group(1).lower()
    m = _NAME_LETTER.match(clean)
    if m:
        return m.group("cp").strip(" -_:、,/"), m.group("letter").lower()
    return None


def fmt_weight(value: float) -> str:
    return f"{value:.2f}"
