"""Import assessment results from an .xlsx workbook into an ImportPlan, which the user sees before anything is
written: which sheet is which assessed object, which row is which item, the parsed results, and every problem
with its sheet, row and column. The caller writes `plan.results` only when `plan.errors` is empty; the results
list is empty whenever there is any error, so a half-valid file can never be half-written.

Two layouts are read, by their headers (Chinese or English, controls/exchange.yaml):
- our own export (xlsx_export): an item id column (编号), matched exactly;
- the workbooks agencies keep (docs/domain.md): one sheet per assessed object, items named by control point and
  letter (控制点 = 物理位置选择 with 测评项 = "a) …", or one cell "物理位置选择 a)"), no id column, results as
  符合 / 部分符合 / 不符合 / 不适用, a 结果记录 column, perhaps a category (安全类) and an extension (扩展要求) column.
  Items are found by (extension, category, control point, letter). Control point names repeat across categories
  and extensions (访问控制 is in ABS and CES, general and cloud): the category and extension columns decide when
  present; otherwise the sheet decides when it can (its name names a category or extension, or the rows on it
  that match one item only all lie in one category); otherwise the row is an error saying which items it could be.

Rows with neither a result nor a record (nor risk, methods, date) are counted as empty and skipped. Category and
control-point cells left blank take the value above (agencies write them once per group).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from mlps.adapters.exchange.vocabulary import (
    Both,
    Issue,
    category_index,
    control_point_aliases,
    export_text,
    field_label,
    issue,
    match_header,
    method_index,
    norm,
    parse_result_word,
    parse_risk_word,
    scope_index,
    sheet_is_generic,
    sheet_is_skipped,
)
from mlps.adapters.exchange.xlsx_export import PROP_LEVEL, PROP_MARKER
from mlps.adapters.exchange.xlsx_read import ImportLimits, RawSheet, RawWorkbook, WorkbookRejected, read_workbook
from mlps.rules.catalogue import Item, Taxonomy
from mlps.rules.domain import ItemResult, Result, Risk

_ID = re.compile(r"(?<![A-Z0-9-])(BDS-L[1-4]-[A-Z]{3}-\d{2}|L[1-4]-[A-Z]{3}[1-5]-\d{2})(?![0-9])")
# "a) …", "(a) …", "a. …", "a、…" at the start of an item cell (after NFKC: full-width brackets are ASCII).
_LETTER_FIRST = re.compile(r"^\(?\s*([a-zA-Z])\s*[).、:]")
# "物理位置选择 a)", "物理位置选择(a)", "Physical access control a)": a control point name, then a bracketed letter.
_NAME_LETTER = re.compile(r"^(?P<cp>[^()]{1,40}?)[\s\-_:、,/]*\(?\s*(?P<letter>[a-zA-Z])\s*\)")
_METHOD_SPLIT = re.compile(r"[,，、;；/|\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_RESULT_COLUMNS = ("result", "record", "risk", "risk_reason", "methods", "evidence_date")
_MIN_HINT = 2  # a sheet-name hint must be at least this long once normalised ("云" alone says nothing)


@dataclass(frozen=True)
class RowMatch:
    """One workbook row mapped to a catalogue item, for the user to check before anything is written."""

    sheet: str
    row: int
    item_id: str
    assessed_object: str
    result: Result
    how: str  # "id" (id column or an id in the text), "clause", "control point" (name + letter), "inferred"
    category: str = ""
    control_point_zh: str = ""
    control_point_en: str = ""
    letter: str = ""


@dataclass
class SheetPlan:
    """What the import does with one sheet: status "results" (rows mapped), "skipped" or "error"."""

    sheet: str
    status: str
    assessed_object: str = ""
    existing_object: bool | None = None  # None when the caller gave no list of known objects
    layout: str = ""  # "id": items by id column; "control point": by control point and letter
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field -> "F (符合情况)"
    matches: list[RowMatch] = field(default_factory=list)
    empty_rows: int = 0  # rows naming an item but recording nothing: skipped

    def counts(self) -> dict[str, int]:
        out = {r.value: 0 for r in Result}
        for m in self.matches:
            out[m.result.value] += 1
        return out


@dataclass
class ImportPlan:
    """The whole import, checked. `results` is empty unless `errors` is."""

    level: int
    extensions: tuple[str, ...]
    sheets: list[SheetPlan]
    results: list[ItemResult]
    errors: list[Issue]
    warnings: list[Issue]
    error_count: int = 0  # all errors found; `errors` lists at most ImportLimits.max_errors
    own_export: bool = False  # the file is one of our exports

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, Any]:
        by_result = {r.value: 0 for r in Result}
        for r in self.results:
            by_result[r.result.value] += 1
        return {
            "sheets": len(self.sheets),
            "result_sheets": sum(s.status == "results" for s in self.sheets),
            "rows_mapped": sum(len(s.matches) for s in self.sheets),
            "empty_rows": sum(s.empty_rows for s in self.sheets),
            "results": len(self.results),
            "by_result": by_result,
            "assessed_objects": len({s.assessed_object for s in self.sheets if s.status == "results"}),
            "errors": self.error_count,
            "warnings": len(self.warnings),
        }

    def as_dict(self, lang: str = "zh", *, rows: bool = False) -> dict[str, Any]:
        """The plan as JSON-ready data: per-sheet mapping, counts, errors and warnings (row mapping on request)."""
        sheets = []
        for s in self.sheets:
            entry: dict[str, Any] = {
                "sheet": s.sheet,
                "status": s.status,
                "assessed_object": s.assessed_object,
                "existing_object": s.existing_object,
                "layout": s.layout,
                "header_row": s.header_row,
                "columns": s.columns,
                "rows_mapped": len(s.matches),
                "empty_rows": s.empty_rows,
                "by_result": s.counts(),
            }
            if rows:
                entry["rows"] = [
                    {"row": m.row, "item_id": m.item_id, "assessed_object": m.assessed_object,
                     "result": m.result.value, "how": m.how}
                    for m in s.matches
                ]  # fmt: skip
            sheets.append(entry)
        return {
            "ok": self.ok,
            "level": self.level,
            "extensions": list(self.extensions),
            "own_export": self.own_export,
            "counts": self.counts(),
            "sheets": sheets,
            "errors": [e.as_dict(lang) for e in self.errors],
            "warnings": [w.as_dict(lang) for w in self.warnings],
        }


# ---------------------------------------------------------------- the catalogue side


@dataclass
class _Context:
    items: Sequence[Item]
    taxonomy: Taxonomy
    limits: ImportLimits
    level: int
    extensions: tuple[str, ...]
    by_id: dict[str, Item] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[Item]] = field(default_factory=dict)
    by_clause: dict[str, Item] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    scopes: dict[str, str] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)
    known_objects: dict[str, str] | None = None  # normalised -> as the caller spells it

    def __post_init__(self) -> None:
        aliases: dict[tuple[str, str], list[str]] = {}
        for a in control_point_aliases():
            aliases.setdefault((a["category"], norm(a["name"])), []).append(norm(a["alias"]))
        for item in self.items:
            self.by_id[item.id] = item
            self.by_clause.setdefault(norm(item.clause), item)
            names = {norm(item.control_point_zh), norm(item.control_point_en)}
            names.update(aliases.get((item.category, norm(item.control_point_zh)), []))
            for name in names:
                self.by_name.setdefault((name, item.letter.lower()), []).append(item)
        self.categories = category_index(self.taxonomy)
        self.scopes = scope_index(self.taxonomy)
        self.methods = method_index(self.taxonomy)

    def extensions_text(self) -> Both:
        zh = "、".join(self.taxonomy.scopes[e]["zh"] for e in self.extensions) or "无"
        en = ", ".join(self.taxonomy.scopes[e]["en"] for e in self.extensions) or "none"
        return Both(zh, en)

    def describe(self, item: Item) -> Both:
        cat = self.taxonomy.categories[item.category]
        scope = "" if item.scope == "general" else self.taxonomy.scopes[item.scope]
        zh = f"{cat['zh']} {item.control_point_zh} {item.letter}) [{item.id}]"
        en = f"{cat['en']} {item.control_point_en} {item.letter}) [{item.id}]"
        if scope:
            zh, en = f"{scope['zh']} {zh}", f"{scope['en']} {en}"
        return Both(zh, en)


# ---------------------------------------------------------------- cells


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _shown(value: Any) -> str:
    """A cell's value as a message quotes it: one line, at most 60 characters."""
    text = " ".join(_text(value).split())
    return text if len(text) <= 60 else text[:57] + "…"


def _parse_date(value: Any) -> date | None:
    """Raises ValueError for a cell that is not a date."""
    if _blank(value):
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


def _split_letter(text: str) -> tuple[str, str] | None:
    """(control point name or "", letter) from "a) …" or "物理位置选择 a)"; None when no letter is there."""
    clean = unicodedata.normalize("NFKC", text).strip()
    m = _LETTER_FIRST.match(clean)
    if m:
        return "", m.group(1).lower()
    m = _NAME_LETTER.match(clean)
    if m:
        return m.group("cp").strip(" -_:、,/"), m.group("letter").lower()
    return None


# ---------------------------------------------------------------- one sheet


@dataclass
class _Column:
    index: int  # 0-based
    header: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class _Row:
    number: int
    obj: str
    result: Result
    record: str
    risk: Risk | None
    risk_reason: str
    methods: tuple[str, ...]
    evidence_date: date | None
    item: Item | None = None
    how: str = ""
    candidates: list[Item] = field(default_factory=list)
    what: Both | None = None


class _SheetReader:
    def __init__(self, raw: RawSheet, ctx: _Context, obj: str, errors: list[Issue], warnings: list[Issue]):
        self.raw, self.ctx, self.obj = raw, ctx, obj
        self.errors, self.warnings = errors, warnings
        self.cols: dict[str, list[_Column]] = {}
        self.plan = SheetPlan(sheet=raw.title, status="results", assessed_object=obj)

    # -- problems
    def _error(self, code: str, row: int | None = None, col: str | None = None, **params: Any) -> None:
        column = self.cols.get(col, [None])[0] if col else None
        self.errors.append(
            issue(
                code,
                sheet=self.raw.title,
                row=row,
                column=column.letter if column else "",
                header=column.header if column else "",
                **params,
            )
        )

    # -- header
    def find_header(self) -> bool:
        best: tuple[int, int, dict[str, list[_Column]]] | None = None
        for number, values in self.raw.rows:
            if number > self.ctx.limits.header_search_rows:
                break
            found: dict[str, list[_Column]] = {}
            for idx, value in enumerate(values):
                name = match_header(value) if isinstance(value, str) else None
                if name:
                    found.setdefault(name, []).append(_Column(idx, " ".join(str(value).split())))
            named = set(found) - {"ignore"}
            usable = len(named) >= 2 and named & {"result", "id", "item", "control_point"}
            if usable and (best is None or len(named) > best[0]):
                best = (len(named), number, found)
        if best is None:
            return False
        _score, self.plan.header_row, self.cols = best
        for name, cols in self.cols.items():
            if name not in ("ignore", "item") and len(cols) > 1:
                self.warnings.append(
                    issue(
                        "duplicate_column",
                        sheet=self.raw.title,
                        row=self.plan.header_row,
                        what=cols[0].header,
                        first=cols[0].letter,
                        second=cols[1].letter,
                    )
                )
        self.plan.columns = {
            name: f"{cols[0].letter} ({cols[0].header})" for name, cols in self.cols.items() if name != "ignore"
        }
        return True

    def check_columns(self) -> bool:
        ok = True
        if "result" not in self.cols:
            label = Both(field_label("result", "zh"), field_label("result", "en"))
            self._error("missing_column", row=self.plan.header_row, what=label)
            ok = False
        if not self.cols.keys() & {"id", "item", "control_point"}:
            label = Both(
                f"{field_label('id', 'zh')}”或“{field_label('item', 'zh')}",
                f"{field_label('id', 'en')}' or '{field_label('item', 'en')}",
            )
            self._error("missing_column", row=self.plan.header_row, what=label)
            ok = False
        self.plan.layout = "id" if "id" in self.cols else "control point"
        return ok

    # -- rows
    def read_rows(self) -> list[_Row]:
        out: list[_Row] = []
        fill = {"category": None, "control_point": None}
        fill_cp = "item" in self.cols or "id" in self.cols  # with no item column the control point cell is the item
        for number, values in self.raw.rows:
            if number <= (self.plan.header_row or 0):
                continue

            def cell(name: str, values: tuple = values) -> Any:
                cols = self.cols.get(name)
                return values[cols[0].index] if cols else None

            if isinstance(cell("result"), str) and match_header(cell("result")) == "result":
                continue  # the header repeated further down (print titles, pasted blocks)
            own_cp = cell("control_point")
            for name in ("category", "control_point"):
                if not _blank(cell(name)):
                    fill[name] = cell(name)
            texts = [values[c.index] for c in self.cols.get("item", [])]
            names_item = not _blank(cell("id")) or any(not _blank(t) for t in texts)
            if not fill_cp:
                names_item = names_item or not _blank(own_cp)
            recorded = [name for name in _RESULT_COLUMNS if not _blank(cell(name))]
            if recorded == ["result"] and parse_result_word(_text(cell("result"))) is Result.NOT_ASSESSED:
                recorded = []  # "未测评" and nothing else: as good as blank
            if not recorded:
                if names_item:
                    self.plan.empty_rows += 1
                continue
            if not names_item:
                self._error("no_item", number, next(n for n in ("id", "item", "control_point") if n in self.cols))
                continue
            row, values_ok = self._values(number, cell)
            category = fill["category"] if "category" in self.cols else None
            cp = fill["control_point"] if fill_cp else own_cp
            if self._identify(row, cell, texts, category, cp) and values_ok:  # both checked: every problem shown
                out.append(row)
        return out

    def _values(self, number: int, cell: Callable[[str], Any]) -> tuple[_Row, bool]:
        ok = True
        result = parse_result_word(_text(cell("result")))
        if result is None:
            self._error("bad_result", number, "result", value=_shown(cell("result")))
            ok = False
        good, risk = parse_risk_word(_text(cell("risk")))
        if not good:
            self._error("bad_risk", number, "risk", value=_shown(cell("risk")))
            ok = False
        methods: list[str] = []
        for token in _METHOD_SPLIT.split(_text(cell("methods"))):
            if not token:
                continue
            code = self.ctx.methods.get(norm(token))
            if code is None:
                self._error("bad_method", number, "methods", value=_shown(token))
                ok = False
            elif code not in methods:
                methods.append(code)
        try:
            evidence_date = _parse_date(cell("evidence_date"))
        except (ValueError, OverflowError):
            self._error("bad_date", number, "evidence_date", value=_shown(cell("evidence_date")))
            evidence_date, ok = None, False
        texts = {}
        for name in ("record", "risk_reason"):
            texts[name] = "" if _blank(cell(name)) else _text(cell(name))
            if len(texts[name]) > self.ctx.limits.max_cell_chars:
                limit = self.ctx.limits.max_cell_chars
                self._error("text_too_long", number, name, length=len(texts[name]), limit=limit)
                ok = False
        obj = self.obj
        if not _blank(cell("assessed_object")):
            obj = self._object_name(_text(cell("assessed_object")).strip())
        row = _Row(
            number=number,
            obj=obj,
            result=result or Result.NOT_ASSESSED,
            record=texts["record"],
            risk=risk,
            risk_reason=texts["risk_reason"],
            methods=tuple(methods),
            evidence_date=evidence_date,
        )
        return row, ok

    def _object_name(self, name: str) -> str:
        known = self.ctx.known_objects
        return known.get(norm(name), name) if known else name

    def _by_id(self, row: _Row, text: str, col: str) -> bool | None:
        """True: matched by id; False: an id that is not in the selection (error given); None: no id in text."""
        m = _ID.search(unicodedata.normalize("NFKC", text).upper())
        if not m:
            return None
        item = self.ctx.by_id.get(m.group(1))
        if item is None:
            self._error(
                "unknown_id", row.number, col, value=m.group(1), level=self.ctx.level,
                extensions=self.ctx.extensions_text(),
            )  # fmt: skip
            return False
        row.item, row.how = item, "id"
        return True

    def _identify(self, row: _Row, cell: Callable[[str], Any], texts: list, category: Any, cp_cell: Any) -> bool:
        ctx = self.ctx
        # 1. an item id, in the id column or written in the item text
        id_text = _text(cell("id")).strip()
        if id_text:
            found = self._by_id(row, id_text, "id")
            if found is not None:
                return found
            if not texts and _blank(cp_cell):  # an id column with no id in it and nothing else to go by
                self._error(
                    "unknown_id", row.number, "id", value=_shown(id_text), level=ctx.level,
                    extensions=ctx.extensions_text(),
                )  # fmt: skip
                return False
        for text in texts:
            if not _blank(text):
                found = self._by_id(row, _text(text), "item")
                if found is not None:
                    return found
                clause = ctx.by_clause.get(norm(_text(text)))
                if clause is not None:
                    row.item, row.how = clause, "clause"
                    return True
        # 2. control point and letter
        letter, cp_from_item, letter_col = None, "", "item"
        for text in texts:
            split = _split_letter(_text(text)) if not _blank(text) else None
            if split:
                cp_from_item, letter = split
                break
        cp_name = "" if _blank(cp_cell) else _text(cp_cell).strip()
        split = _split_letter(cp_name) if cp_name else None
        if split and split[0]:  # the control point cell itself reads "物理位置选择 a)"
            cp_name = split[0]
            if letter is None:
                letter, letter_col = split[1], "control_point"
        if letter is None:
            shown = next((_text(t) for t in texts if not _blank(t)), cp_name)
            self._error("no_letter", row.number, "item" if texts else "control_point", value=_shown(shown))
            return False
        if cp_name and cp_from_item and norm(cp_name) != norm(cp_from_item):
            self._error("control_point_conflict", row.number, "item", first=cp_name, second=cp_from_item)
            return False
        cp = cp_name or cp_from_item
        if not cp:
            self._error("no_control_point", row.number, "control_point" if "control_point" in self.cols else "item")
            return False
        candidates = list(ctx.by_name.get((norm(cp), letter), []))
        what_zh, what_en = f"{cp} {letter})", f"{cp} {letter})"
        # 3. the extension and category columns, when the sheet has them
        if "scope" in self.cols:
            raw_scope = cell("scope")
            scope = "general" if _blank(raw_scope) else ctx.scopes.get(norm(raw_scope))
            if scope is None:
                self._error("bad_scope", row.number, "scope", value=_shown(raw_scope))
                return False
            if scope != "general" and scope not in ctx.extensions:
                self._error(
                    "not_selected_scope", row.number, "scope", value=_shown(raw_scope),
                    extensions=ctx.extensions_text(),
                )  # fmt: skip
                return False
            candidates = [c for c in candidates if c.scope == scope]
            if scope != "general":
                names = ctx.taxonomy.scopes[scope]
                what_zh, what_en = f"{names['zh']} {what_zh}", f"{names['en']} {what_en}"
        if not _blank(category):
            code = ctx.categories.get(norm(category))
            if code is None:
                self._error("bad_category", row.number, "category", value=_shown(category))
                return False
            candidates = [c for c in candidates if c.category == code]
            names = ctx.taxonomy.categories[code]
            what_zh, what_en = f"{names['zh']} {what_zh}", f"{names['en']} {what_en}"
        row.what = Both(what_zh, what_en)
        if not candidates:
            self._error(
                "no_match", row.number, letter_col, what=row.what, level=ctx.level,
                extensions=ctx.extensions_text(),
            )  # fmt: skip
            return False
        if len(candidates) == 1:
            row.item, row.how = candidates[0], "control point"
        else:
            row.candidates = candidates  # decided by the sheet, after every row is read
        return True

    def resolve(self, rows: list[_Row]) -> list[_Row]:
        """Decide rows that matched several items, from the sheet's name and its unambiguous rows."""
        title = norm(self.raw.title)
        hint_categories = {
            code for word, code in self.ctx.categories.items() if len(word) >= _MIN_HINT and word in title
        }
        hint_scopes = {
            code
            for word, code in self.ctx.scopes.items()
            if len(word) >= _MIN_HINT and word in title and code != "general"
        }
        sure = [r.item for r in rows if r.item is not None]
        pairs = {(i.scope, i.category) for i in sure}
        categories = {i.category for i in sure}
        scopes = {i.scope for i in sure}
        tests: list[Callable[[Item], bool]] = [
            lambda i: i.category in hint_categories,
            lambda i: i.scope in hint_scopes,
            lambda i: (i.scope, i.category) in pairs,
            lambda i: i.category in categories,
            lambda i: i.scope in scopes,
        ]
        out = []
        for row in rows:
            if row.item is None:
                left = row.candidates
                for test in tests:
                    narrowed = [c for c in left if test(c)]
                    if narrowed:
                        left = narrowed
                    if len(left) == 1:
                        break
                if len(left) != 1:
                    joined = Both(
                        "；".join(self.ctx.describe(c).zh for c in row.candidates),
                        "; ".join(self.ctx.describe(c).en for c in row.candidates),
                    )
                    col = "item" if "item" in self.cols else "control_point"
                    self._error("ambiguous", row.number, col, what=row.what, candidates=joined)
                    continue
                row.item, row.how = left[0], "inferred"
            out.append(row)
        return out


# ---------------------------------------------------------------- the workbook


def _info_objects(raw: RawSheet) -> dict[str, str]:
    """Sheet title -> assessed object, from the table on our export's info sheet."""
    sheet_words = {norm(export_text("sheet", lang)) for lang in ("zh", "en")}
    object_words = {norm(export_text("object", lang)) for lang in ("zh", "en")}
    whole = {norm(export_text("whole_system", lang)) for lang in ("zh", "en")}
    out: dict[str, str] = {}
    inside = False
    for _number, values in raw.rows:
        first, second = (values + (None, None))[:2]
        if not inside:
            inside = norm(first) in sheet_words and norm(second) in object_words
            continue
        if _blank(first):
            break
        obj = _text(second).strip()
        out[_text(first).strip()] = "" if norm(obj) in whole else obj
    return out


def _is_info_sheet(title: str) -> bool:
    return norm(title) in {norm(export_text("info_sheet", lang)) for lang in ("zh", "en")}


def _selection(items: Sequence[Item], taxonomy: Taxonomy) -> tuple[int, tuple[str, ...]]:
    if not items:
        raise ValueError("no catalogue items to import against")
    levels = {i.level for i in items}
    if len(levels) != 1:
        raise ValueError(f"the items mix levels {sorted(levels)}; pass catalogue.select(level, extensions)")
    present = {i.scope for i in items}
    return levels.pop(), tuple(s for s in taxonomy.scopes if s in present and s != "general")


def plan_import(
    data: bytes,
    items: Sequence[Item],
    taxonomy: Taxonomy,
    *,
    objects: Sequence[str] | None = None,
    limits: ImportLimits | None = None,
) -> ImportPlan:
    """Read and check a workbook against the items of an assessment (`catalogue.select(level, extensions)`).

    objects: the assessed objects the assessment already has; sheets are matched to them ignoring case, width
    and spaces, and SheetPlan.existing_object says whether each sheet's object is known. Never raises for a
    bad file: every problem is an Issue in `errors`. Raises ValueError only for bad `items`.
    """
    limits = limits or ImportLimits()
    level, extensions = _selection(items, taxonomy)
    known = {norm(o): o for o in objects} if objects is not None else None
    ctx = _Context(items, taxonomy, limits, level, extensions, known_objects=known)
    plan = ImportPlan(level=level, extensions=extensions, sheets=[], results=[], errors=[], warnings=[])
    try:
        book: RawWorkbook = read_workbook(data, limits)
    except WorkbookRejected as rejected:
        plan.errors, plan.error_count = [rejected.issue], 1
        return plan
    plan.own_export = PROP_MARKER in book.properties
    exported_level = book.properties.get(PROP_LEVEL, "")
    if exported_level.isdigit() and int(exported_level) != level:
        plan.errors = [issue("level_mismatch", found=int(exported_level), expected=level)]
        plan.error_count = 1
        return plan

    errors: list[Issue] = []
    mapping: dict[str, str] = {}
    for raw in book.sheets:
        if _is_info_sheet(raw.title):
            mapping.update(_info_objects(raw))
    all_rows: list[tuple[SheetPlan, list[_Row]]] = []
    for raw in book.sheets:
        if _is_info_sheet(raw.title):
            plan.sheets.append(SheetPlan(sheet=raw.title, status="skipped"))
            continue
        if sheet_is_skipped(raw.title) or not raw.rows:
            plan.sheets.append(SheetPlan(sheet=raw.title, status="skipped"))
            plan.warnings.append(issue("sheet_skipped", sheet=raw.title))
            continue
        obj = "" if sheet_is_generic(raw.title) else raw.title.strip()
        obj = mapping.get(raw.title, obj)  # our export's info sheet knows the object a sanitised name stands for
        reader = _SheetReader(raw, ctx, obj, errors, plan.warnings)
        reader.plan.assessed_object = reader._object_name(obj) if obj else obj
        reader.obj = reader.plan.assessed_object
        if known is not None:
            reader.plan.existing_object = obj == "" or norm(obj) in known  # "" is the system itself
        plan.sheets.append(reader.plan)
        if raw.too_many_rows:
            reader.plan.status = "error"
            errors.append(issue("too_many_rows", sheet=raw.title, limit=limits.max_rows))
            continue
        if not reader.find_header():
            reader.plan.status = "error"
            errors.append(issue("no_header", sheet=raw.title, rows=limits.header_search_rows))
            continue
        if not reader.check_columns():
            reader.plan.status = "error"
            continue
        rows = reader.resolve(reader.read_rows())
        all_rows.append((reader.plan, rows))

    if not errors and not any(s.status == "results" for s in plan.sheets):
        errors.append(issue("no_results_sheet"))

    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for sheet_plan, rows in all_rows:
        for row in rows:
            if row.item is None:  # resolve() keeps only rows with an item
                continue
            key = (row.obj, row.item.id)
            if key in seen:
                first_sheet, first_row = seen[key]
                errors.append(
                    issue(
                        "duplicate_item", sheet=sheet_plan.sheet, row=row.number, item_id=row.item.id,
                        object=row.obj, first_sheet=first_sheet, first_row=first_row,
                    )
                )  # fmt: skip
                continue
            seen[key] = (sheet_plan.sheet, row.number)
            sheet_plan.matches.append(
                RowMatch(
                    sheet=sheet_plan.sheet,
                    row=row.number,
                    item_id=row.item.id,
                    assessed_object=row.obj,
                    result=row.result,
                    how=row.how,
                    category=row.item.category,
                    control_point_zh=row.item.control_point_zh,
                    control_point_en=row.item.control_point_en,
                    letter=row.item.letter,
                )
            )
            plan.results.append(
                ItemResult(
                    item_id=row.item.id,
                    result=row.result,
                    assessed_object=row.obj,
                    record=row.record,
                    methods=row.methods,
                    evidence_date=row.evidence_date,
                    risk=row.risk,
                    risk_reason=row.risk_reason,
                )
            )

    order = {s.sheet: n for n, s in enumerate(plan.sheets)}
    errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row or 0, len(e.column), e.column))
    plan.error_count = len(errors)
    plan.errors = errors[: limits.max_errors]
    if plan.errors:
        plan.results = []
    return plan
