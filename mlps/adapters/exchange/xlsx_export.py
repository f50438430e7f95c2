"""Export an assessment as an .xlsx workbook in the layout agencies use.

A cover sheet (测评信息 / Assessment info) with the organisation, system, level, extensions, kind and date and a
table of the result sheets; then one sheet per assessed object (one sheet when the items are judged once for the
whole system), each listing every item of every category in catalogue order with the columns of
controls/exchange.yaml `export_columns`: category, extension, control point, item id, requirement (prefixed with its
letter, "a) …", so the sheet still imports if the id column is lost), result, record, risk, methods, evidence
date, risk reason. Result and risk cells offer a drop-down list.

Safety: no cell is ever a formula. Text that a spreadsheet could take for one (beginning with = + - @, a tab or
a line break) is stored as a text cell with Excel's quote prefix (the "'" a user types), so it shows and
re-imports unchanged and no spreadsheet evaluates it. Characters XML cannot hold (control characters) are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mlps.adapters.exchange.cells import clean_text, is_formula_like
from mlps.adapters.exchange.vocabulary import (
    export_columns,
    export_marker,
    export_text,
    kind_name,
    level_name,
    result_label,
    risk_label,
)
from mlps.rules.catalogue import Item, Taxonomy
from mlps.rules.domain import AssessmentKind, ItemResult, Result, Risk
from mlps.rules.item_ids import display_id

SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
_RESERVED_SHEETS = {"history"}  # Excel reserves this name
EXCEL_CELL_MAX = 32767
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")

# Custom document properties: how the import recognises our own export and the level it was made for.
PROP_MARKER = "mlps.export"
PROP_LEVEL = "mlps.level"
PROP_EXTENSIONS = "mlps.extensions"
PROP_LANG = "mlps.lang"


@dataclass(frozen=True)
class ExportMeta:
    """What the cover sheet says about the assessment."""

    organisation: str
    system: str
    level: int
    extensions: tuple[str, ...] = ()
    kind: AssessmentKind | str = AssessmentKind.SELF
    assessment_date: date | None = None
    catalogue_version: str = ""
    assessor: str = ""




def _utf16_len(text: str) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def sheet_name(name: str, used: set[str], fallback: str) -> str:
    """A valid, unique Excel sheet name for `name`: forbidden characters replaced, no leading or trailing
    apostrophe, at most 31 characters, unique ignoring case (a suffix " (2)" … when needed)."""
    base = clean_text(name).translate(_SHEET_FORBIDDEN).replace("\n", " ").replace("\r", " ").replace("\t", " ")
    base = base.strip().strip("'").strip() or fallback
    if base.casefold() in _RESERVED_SHEETS:
        base += "_"

    def fit(text: str, room: int) -> str:
        while _utf16_len(text) > room:
            text = text[:-1]
        return text.rstrip().rstrip("'") or fallback[:room]

    candidate = fit(base, SHEET_NAME_MAX)
    n = 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = fit(base, SHEET_NAME_MAX - len(suffix)) + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate


def _put(ws, row: int, col: int, value, *, wrap: bool = False, bold: bool = False):
    """Write one cell; text is never stored as a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = clean_text(value)
        if len(value) > EXCEL_CELL_MAX:  # Excel's limit for one cell: the rest continues in the cells to the right
            parts = [value[k : k + EXCEL_CELL_MAX] for k in range(0, len(value), EXCEL_CELL_MAX)]
            value, rest = parts[0], parts[1:]
            start = max(ws.max_column, col) + 1
            for k, part in enumerate(rest):
                _put(ws, row, start + k, part, wrap=wrap)
        cell.value = value
        if is_formula_like(value):
            cell.data_type = "s"  # openpyxl marks text beginning with "=" as a formula: force plain text
            cell.quotePrefix = True
    else:
        cell.value = value
    if wrap:
        cell.alignment = _WRAP
    else:
        cell.alignment = _TOP
    if bold:
        cell.font = Font(bold=True)
    return cell


def _scope_name(taxonomy: Taxonomy, scope: str, lang: str) -> str:
    entry = taxonomy.scopes.get(scope)
    return entry["zh" if lang == "zh" else "en"] if entry else scope


def _category_name(taxonomy: Taxonomy, category: str, lang: str) -> str:
    entry = taxonomy.categories.get(category)
    return entry["zh" if lang == "zh" else "en"] if entry else category


def _methods_text(taxonomy: Taxonomy, methods: Sequence[str], lang: str) -> str:
    names = [taxonomy.methods.get(m, {}).get("zh" if lang == "zh" else "en", m) for m in methods]
    return ("、" if lang == "zh" else ", ").join(names)


def _objects(results: Sequence[ItemResult], objects: Sequence[str] | None) -> list[str]:
    if objects is not None:
        out = list(dict.fromkeys(objects))
        missing = [r.assessed_object for r in results if r.assessed_object not in out]
        if missing:
            raise ValueError(f"result for assessed object '{missing[0]}', which is not in the objects to export")
        return out or [""]
    return list(dict.fromkeys(r.assessed_object for r in results)) or [""]


def _index_results(items: Sequence[Item], results: Sequence[ItemResult]) -> dict[tuple[str, str], ItemResult]:
    known = {i.id for i in items}
    index: dict[tuple[str, str], ItemResult] = {}
    for r in results:
        if r.item_id not in known:
            raise ValueError(f"result for item {r.item_id}, which is not an item of this level and its extensions")
        key = (r.assessed_object, r.item_id)
        if key in index:
            raise ValueError(f"two results for item {r.item_id} on assessed object '{r.assessed_object}'")
        index[key] = r
    return index


def _write_results_sheet(ws, items: Sequence[Item], index, obj: str, taxonomy: Taxonomy, lang: str) -> dict:
    columns = export_columns()
    for c, col in enumerate(columns, start=1):
        cell = _put(ws, 1, c, col["zh" if lang == "zh" else "en"], bold=True)
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(c)].width = col["width"]
    counts = {r: 0 for r in Result}
    for n, item in enumerate(items, start=2):
        res = index.get((obj, item.id))
        result = res.result if res else Result.NOT_ASSESSED
        counts[result] += 1
        values = {
            "category": _category_name(taxonomy, item.category, lang),
            "scope": _scope_name(taxonomy, item.scope, lang),
            "control_point": item.control_point_name(lang),
            "id": display_id(item.id, lang, taxonomy),
            "item": f"{item.letter}) {item.requirement(lang)}",
            "result": result_label(result, lang),
            "record": res.record if res else "",
            "risk": risk_label(res.risk, lang) if res else "",
            "methods": _methods_text(taxonomy, res.methods, lang) if res else "",
            "evidence_date": res.evidence_date if res and res.evidence_date else None,
            "risk_reason": res.risk_reason if res else "",
        }
        for c, col in enumerate(columns, start=1):
            value = values[col["field"]]
            cell = _put(ws, n, c, value, wrap=col["field"] in ("item", "record", "risk_reason"))
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    last = len(items) + 1
    fields = [col["field"] for col in columns]
    for name, words in (
        ("result", [result_label(r, lang) for r in Result]),
        ("risk", [risk_label(r, lang) for r in Risk]),
    ):
        letter = get_column_letter(fields.index(name) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
        dv.add(f"{letter}2:{letter}{max(last, 2)}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(last, 1)}"
    return counts


def _write_info_sheet(ws, meta: ExportMeta, taxonomy: Taxonomy, lang: str, sheets: list[tuple[str, str, dict]]):
    _put(ws, 1, 1, export_text("title", lang), bold=True).font = Font(bold=True, size=14)
    sep = "、" if lang == "zh" else ", "
    extensions = sep.join(_scope_name(taxonomy, e, lang) for e in meta.extensions) or export_text("none", lang)
    rows = [
        ("organisation", meta.organisation),
        ("system", meta.system),
        ("level", level_name(meta.level, lang)),
        ("extensions", extensions),
        ("kind", kind_name(str(meta.kind), lang)),
        ("assessment_date", meta.assessment_date),
        ("catalogue_version", meta.catalogue_version),
        ("assessor", meta.assessor),
    ]
    for n, (key, value) in enumerate(rows, start=3):
        _put(ws, n, 1, export_text(key, lang), bold=True)
        cell = _put(ws, n, 2, value)
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    top = 3 + len(rows) + 1
    header = ["sheet", "object", "items", *[r.value for r in Result]]
    for c, key in enumerate(header, start=1):
        text = export_text(key, lang) if c <= 3 else result_label(Result(key), lang)
        _put(ws, top, c, text, bold=True).fill = _HEADER_FILL
    for n, (title, obj, counts) in enumerate(sheets, start=top + 1):
        _put(ws, n, 1, title)
        _put(ws, n, 2, obj or export_text("whole_system", lang))
        _put(ws, n, 3, sum(counts.values()))
        for c, r in enumerate(Result, start=4):
            _put(ws, n, c, counts[r])
    note = top + len(sheets) + 2
    _put(ws, note, 1, export_text("note", lang), bold=True)
    _put(ws, note, 2, export_text("note_text", lang), wrap=True)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40
    for letter in "CDEFGH":
        ws.column_dimensions[letter].width = 10


def export_xlsx(
    items: Sequence[Item],
    results: Sequence[ItemResult],
    meta: ExportMeta,
    taxonomy: Taxonomy,
    *,
    lang: str = "zh",
    objects: Sequence[str] | None = None,
) -> bytes:
    """The assessment as .xlsx bytes.

    items: the catalogue items of the assessment, `catalogue.select(level, extensions)`, in that order.
    results: at most one per (assessed object, item); items without one are written as 未测评 / Not assessed.
    objects: the assessed objects, one sheet each, in this order (default: as they first appear in `results`;
    "" is the whole system, sheet 测评结果 / Results). lang: "zh" (default) or "en" for headers, names and words.
    Raises ValueError for a result whose item is not in `items`, two results for one item and object, or text
    longer than Excel can hold in one cell.
    """
    lang = "en" if lang == "en" else "zh"
    index = _index_results(items, results)
    wb = Workbook()
    info = wb.active
    used: set[str] = set()
    info.title = sheet_name(export_text("info_sheet", lang), used, "Info")
    sheets: list[tuple[str, str, dict]] = []
    for obj in _objects(results, objects):
        title = sheet_name(obj, used, export_text("results_sheet", lang)) if obj else None
        if title is None:
            title = sheet_name(export_text("results_sheet", lang), used, "Results")
        ws = wb.create_sheet(title)
        sheets.append((title, obj, _write_results_sheet(ws, items, index, obj, taxonomy, lang)))
    _write_info_sheet(info, meta, taxonomy, lang, sheets)
    wb.custom_doc_props.append(StringProperty(name=PROP_MARKER, value=export_marker()))
    wb.custom_doc_props.append(StringProperty(name=PROP_LEVEL, value=str(meta.level)))
    wb.custom_doc_props.append(StringProperty(name=PROP_EXTENSIONS, value=",".join(meta.extensions) or "-"))
    wb.custom_doc_props.append(StringProperty(name=PROP_LANG, value=lang))
    wb.properties.creator = "MLPS Workbench"
    wb.properties.title = clean_text(f"{meta.system} {export_text('title', lang)}")[:200]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
