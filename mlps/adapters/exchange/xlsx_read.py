"""Reading an uploaded .xlsx safely: the bytes are checked before any parser sees them, and sheets are read as
plain rows of values with hard limits, so an empty, foreign, encrypted, damaged or hostile file becomes one clear
Issue and never a traceback.

Checks, in order: empty; larger than the limit; an OLE2 container (password-protected workbook or old .xls);
not a zip; a damaged zip; too many parts or too many unpacked bytes (zip bomb); not a workbook (no
[Content_Types].xml or xl/workbook.xml, e.g. a .docx); a DTD in any XML part (entity expansion; no normal
.xlsx has one). Then openpyxl reads in read-only mode (streaming, no formulas evaluated: cached values only),
at most `max_rows` rows and `max_columns` columns per sheet. Merged cells are expanded downwards from their
top-left cell (agencies merge the category and control-point cells of consecutive rows), limited in count.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from mlps.adapters.exchange.vocabulary import Issue, issue

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: encrypted OOXML or legacy .xls
ZIP_MAGIC = b"PK"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\"")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SCAN_CHUNK = 1 << 16
_DTD_OVERLAP = 16  # bytes kept between chunks so that "<!DOCTYPE" split across two chunks is still seen


@dataclass(frozen=True)
class ImportLimits:
    """Upper bounds on what an import reads. A workbook beyond them is refused with a clear message."""

    max_bytes: int = 20 * 1024 * 1024  # the upload itself
    max_unpacked_bytes: int = 64 * 1024 * 1024  # all parts, uncompressed, counted while unpacking
    max_parts: int = 5000
    max_sheets: int = 100
    max_rows: int = 5000  # per sheet
    max_columns: int = 60  # columns read per row; more are ignored
    max_cell_chars: int = 32767  # Excel's own limit for one cell
    max_merged_cells: int = 200_000  # cells filled from merged ranges, whole workbook
    max_errors: int = 500  # listed; the count says how many there were
    header_search_rows: int = 20


@dataclass
class RawSheet:
    """One worksheet as values: (1-based row number, values of columns 1..n) for each non-empty row."""

    title: str
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)
    too_many_rows: bool = False


@dataclass
class RawWorkbook:
    sheets: list[RawSheet]
    properties: dict[str, str]  # the workbook's custom document properties (our export writes mlps.*)


class WorkbookRejected(Exception):
    """The file cannot be read as a workbook; `issue` says why, in both languages."""

    def __init__(self, problem: Issue):
        super().__init__(problem.message_en)
        self.issue = problem


def _start(data: bytes) -> str:
    head = data[:8]
    if all(32 <= b < 127 for b in head):
        return repr(head.decode("ascii"))
    return " ".join(f"{b:02x}" for b in head)


def _check_container(data: bytes, limits: ImportLimits) -> zipfile.ZipFile:
    if not data:
        raise WorkbookRejected(issue("empty_file"))
    if len(data) > limits.max_bytes:
        raise WorkbookRejected(issue("too_large", limit=limits.max_bytes))
    if data.startswith(OLE2_MAGIC):
        raise WorkbookRejected(issue("encrypted"))
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookRejected(issue("not_xlsx", start=_start(data)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError (odd zip versions), OSError, EOFError …
        raise WorkbookRejected(issue("bad_zip", detail=str(exc)[:200])) from None
    if len(infos) > limits.max_parts:
        raise WorkbookRejected(issue("too_many_parts", count=len(infos), limit=limits.max_parts))
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.max_unpacked_bytes:
        raise WorkbookRejected(issue("too_big_unpacked", size=unpacked, limit=limits.max_unpacked_bytes))
    names = {i.filename for i in infos}
    for part in ("[Content_Types].xml", "xl/workbook.xml"):
        if part not in names:
            raise WorkbookRejected(issue("not_workbook", part=part))
    try:  # every part unpacked once, in chunks: the real sizes counted (headers can lie), every byte searched
        unpacked = 0
        for info in infos:
            xml = info.filename.endswith((".xml", ".rels", ".vml"))
            tail = b""
            with archive.open(info) as fh:
                while chunk := fh.read(_SCAN_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > limits.max_unpacked_bytes:
                        raise WorkbookRejected(issue("too_big_unpacked", size=unpacked,
                                                     limit=limits.max_unpacked_bytes))  # fmt: skip
                    if xml and _DTD.search(tail + chunk):
                        raise WorkbookRejected(issue("dtd_forbidden", part=info.filename))
                    tail = chunk[-_DTD_OVERLAP:]
    except WorkbookRejected:
        raise
    except Exception as exc:  # damaged part, bad CRC, unsupported compression
        raise WorkbookRejected(issue("bad_zip", detail=str(exc)[:200])) from None
    return archive


def _merged_ranges(archive: zipfile.ZipFile, path: str | None) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range of a worksheet part."""
    if not path:
        return []
    path = path.lstrip("/")
    try:
        raw = archive.read(path)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return []
    out = []
    for m in _MERGE.finditer(raw):
        ref = m.group(1).decode("ascii")
        if ":" in ref:
            out.append(tuple(range_boundaries(ref)))
    return out


def _read_sheet(ws: Any, archive: zipfile.ZipFile, limits: ImportLimits, budget: list[int]) -> RawSheet:
    sheet = RawSheet(title=str(ws.title))
    grid: dict[int, list[Any]] = {}
    width = limits.max_columns
    for number, values in enumerate(
        ws.iter_rows(min_row=1, max_row=limits.max_rows + 1, max_col=width, values_only=True), start=1
    ):
        if not any(v is not None and v != "" for v in values):
            continue
        if number > limits.max_rows:
            sheet.too_many_rows = True
            break
        grid[number] = list(values) + [None] * (width - len(values))
    for min_col, min_row, _max_col, max_row in _merged_ranges(archive, getattr(ws, "_worksheet_path", None)):
        if min_col > width or min_row not in grid:
            continue
        value = grid[min_row][min_col - 1]
        for r in range(min_row + 1, min(max_row, limits.max_rows) + 1):
            if budget[0] <= 0:
                break
            budget[0] -= 1
            row = grid.setdefault(r, [None] * width)
            if row[min_col - 1] is None or row[min_col - 1] == "":
                row[min_col - 1] = value
    sheet.rows = [(n, tuple(grid[n])) for n in sorted(grid)]
    return sheet


def read_workbook(data: bytes, limits: ImportLimits | None = None) -> RawWorkbook:
    """The worksheets of an .xlsx as rows of values. Raises WorkbookRejected with a clear Issue otherwise."""
    limits = limits or ImportLimits()
    archive = _check_container(data, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                worksheets = list(wb.worksheets)
                if not worksheets:
                    raise WorkbookRejected(issue("no_sheets"))
                if len(worksheets) > limits.max_sheets:
                    raise WorkbookRejected(issue("too_many_sheets", count=len(worksheets), limit=limits.max_sheets))
                budget = [limits.max_merged_cells]
                sheets = [_read_sheet(ws, archive, limits, budget) for ws in worksheets]
                properties = {}
                for prop in getattr(getattr(wb, "custom_doc_props", None), "props", []) or []:
                    properties[str(prop.name)] = str(prop.value)
            finally:
                wb.close()
    except WorkbookRejected:
        raise
    except Exception as exc:  # openpyxl's many parse errors: report, never a traceback
        detail = f"{type(exc).__name__}: {exc}"[:300]
        raise WorkbookRejected(issue("unreadable", detail=detail)) from None
    finally:
        archive.close()
    return RawWorkbook(sheets=sheets, properties=properties)
