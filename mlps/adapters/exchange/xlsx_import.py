"""Import assessment results from an .xlsx workbook into an ImportPlan, which the user reviews before anything is
written: which sheet is which assessed object, which row is which item, the counts per object and per result,
every decision that was not an exact match (with its reason), and every row left out (with a suggestion).

Two layouts are read, by their headers (Chinese or English, controls/exchange.yaml):
- our own export (xlsx_export): an item id column (编号), matched exactly;
- the workbooks agencies keep: one sheet per assessed object (category sheets such as 中心机房 or 安全管理制度,
  one sheet per device or piece of software, sometimes an extension sheet), items named by extension (扩展标准),
  control point and letter (测评项 "a）…"), results as 符合 / 部分符合 / 不符合 / 不适用, a 结果记录 column, often an
  unlabelled weight column and an unlabelled row number. The header may sit below a row of the object's details
  (`IP：… 版本：…`), which becomes the object's description.

How a row finds its item (the decisions are rules, in mlps.rules.item_mapping and mlps.rules.text_match):
scope and control-point cells left blank take the value above (merged or written once per block); an extension
block whose scope is not written is recognised because its control points and letters start again; names of
other levels and known aliases are accepted; a control point and letter unique within the scope is accepted on
another category's sheet; where the place does not exist or fits several items, the requirement text decides.

Rows that are not items at this level or cannot be placed are left out with a suggestion and do not block the
rest. Only problems with the file as a whole block the import (`errors`): it cannot be read, it was exported
for another level, a sheet is too long, or no sheet holds results.
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
    scope_keywords,
    sheet_is_generic,
    sheet_is_skipped,
    text_match_parameters,
    weight_values,
)
from mlps.adapters.exchange.xlsx_export import PROP_LEVEL, PROP_MARKER
from mlps.adapters.exchange.xlsx_read import ImportLimits, RawSheet, RawWorkbook, WorkbookRejected, read_workbook
from mlps.rules.catalogue import Item, Taxonomy
from mlps.rules.domain import ItemResult, Result, Risk
from mlps.rules.item_ids import (
    LEGACY_BIGDATA,
    LEGACY_RETIRED_WHY,
    LEGACY_RETIRED_WHY_ZH,
    PRINTED_BIGDATA,
    display_id,
    read_bigdata_id,
)
from mlps.rules.item_mapping import ALIAS, EXACT, LEVEL_NAME, ItemIndex, decide_by_text, main_category

ITEM_ID = _ID = re.compile(r"(?<![A-Z0-9-])(BDS-L[1-4]-[A-Z]{3}-\d{2}|L[1-4]-[A-Z]{3}[1-5]-\d{2})(?![0-9])")
# "a) …", "(a) …", "a. …", "a、…" at the start of an item cell (after NFKC: full-width brackets are ASCII).
_LETTER_FIRST = re.compile(r"^\(?\s*([a-zA-Z])\s*[).、:]")
# "物理位置选择 a)", "物理位置选择(a)", "Physical access control a)": a control point name, then a bracketed letter.
_NAME_LETTER = re.compile(r"^(?P<cp>[^()]{1,40}?)[\s\-_:、,/]*\(?\s*(?P<letter>[a-zA-Z])\s*\)")
# A row of the object's details above the header: "IP：172.16.6.3  版本：server 2012" (key, colon, value).
_DETAILS = re.compile(r"[^\s:：]{1,12}\s*[:：]\s*\S")
_METHOD_SPLIT = re.compile(r"[,，、;；/|\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_RESULT_COLUMNS = ("result", "record", "risk", "risk_reason", "methods", "evidence_date")
_MIN_HINT = 2  # a sheet-name hint must be at least this long once normalised ("云" alone says nothing)
_WEIGHT_SAMPLE = 60  # data rows looked at to recognise an unlabelled weight column

# How a row found its item. Exact: an id, a clause, or control point + letter as the catalogue names them.
EXACT_HOWS = ("id", "clause", "control point")


@dataclass(frozen=True)
class RowMatch:
    """One workbook row mapped to a catalogue item, for the user to check before anything is written."""

    sheet: str
    row: int
    item_id: str
    assessed_object: str
    result: Result
    how: str  # "id", "clause", "control point" (exact); "alias", "level name", "other category", "inferred", "text"
    category: str = ""
    control_point_zh: str = ""
    control_point_en: str = ""
    letter: str = ""

    @property
    def exact(self) -> bool:
        return self.how in EXACT_HOWS


@dataclass
class SheetPlan:
    """What the import does with one sheet: status "results" (rows mapped), "skipped" or "left out"."""

    sheet: str
    status: str
    assessed_object: str = ""
    existing_object: bool | None = None  # None when the caller gave no list of known objects
    layout: str = ""  # "id": items by id column; "control point": by control point and letter
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field -> "F (符合情况)"
    matches: list[RowMatch] = field(default_factory=list)
    empty_rows: int = 0  # rows naming an item but recording nothing: skipped
    left_out: int = 0  # rows left out (each listed in ImportPlan.left_out)
    details: str = ""  # the object's details written above the header

    def counts(self) -> dict[str, int]:
        out = {r.value: 0 for r in Result}
        for m in self.matches:
            out[m.result.value] += 1
        return out


@dataclass
class ImportPlan:
    """The whole import, checked. `results` is empty when `errors` is not (a problem with the whole file);
    rows that could not be placed are in `left_out`, each with a suggestion, and do not block the rest."""

    level: int
    extensions: tuple[str, ...]
    sheets: list[SheetPlan]
    results: list[ItemResult]
    errors: list[Issue]
    warnings: list[Issue]
    error_count: int = 0  # all errors found; `errors` lists at most ImportLimits.max_errors
    own_export: bool = False  # the file is one of our exports
    decisions: list[Issue] = field(default_factory=list)  # every mapping that was not an exact match, and why
    left_out: list[Issue] = field(default_factory=list)  # rows and sheets not imported, with a suggestion
    left_out_count: int = 0  # all of them; `left_out` lists at most ImportLimits.max_errors
    objects: dict[str, str] = field(default_factory=dict)  # assessed object -> its details from the workbook

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_object(self) -> dict[str, dict[str, int]]:
        """Results per assessed object and result word ("" is the system as a whole)."""
        out: dict[str, dict[str, int]] = {}
        for r in self.results:
            counts = out.setdefault(r.assessed_object, {x.value: 0 for x in Result})
            counts[r.result.value] += 1
        return out

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
            "decisions": len(self.decisions),
            "left_out": self.left_out_count,
            "errors": self.error_count,
            "warnings": len(self.warnings),
        }

    def as_dict(self, lang: str = "zh", *, rows: bool = False) -> dict[str, Any]:
        """The plan as JSON-ready data: per-sheet mapping, counts per object and result, decisions, rows left out,
        errors and warnings (row mapping on request)."""
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
                "left_out": s.left_out,
                "details": s.details,
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
            "by_object": self.by_object(),
            "objects": self.objects,
            "sheets": sheets,
            "decisions": [d.as_dict(lang) for d in self.decisions],
            "left_out": [d.as_dict(lang) for d in self.left_out],
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
    every_item: Sequence[Item] = ()
    index: ItemIndex = field(init=False)
    by_clause: dict[str, Item] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    scopes: dict[str, str] = field(default_factory=dict)
    scope_words: list[tuple[str, str]] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)
    known_objects: dict[str, str] | None = None  # normalised -> as the caller spells it
    text_minimum: float = 0.2
    text_margin: float = 0.05
    weights: tuple[float, ...] = ()
    # item id -> [(sheet, row, the workbook's weight)] where it disagrees with the catalogue
    weight_differences: dict[str, list[tuple[str, int, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = ItemIndex(self.items, self.every_item, control_point_aliases(), self.level)
        for item in self.items:
            self.by_clause.setdefault(norm(item.clause), item)
        self.categories = category_index(self.taxonomy)
        self.scopes = scope_index(self.taxonomy)
        self.scope_words = scope_keywords()
        self.methods = method_index(self.taxonomy)
        self.text_minimum, self.text_margin = text_match_parameters()
        self.weights = weight_values()

    def scope_of(self, value: Any) -> str | None:
        """The scope a cell names: an exact name or alias, else a keyword it contains (云计算拓展要求 → cloud)."""
        key = norm(value)
        if key in self.scopes:
            return self.scopes[key]
        for word, code in self.scope_words:
            if word in key:
                return code
        return None

    def scope_name(self, scope: str) -> Both:
        names = self.taxonomy.scopes[scope]
        return Both(names["zh"], names["en"])

    def category_name(self, category: str) -> Both:
        names = self.taxonomy.categories[category]
        return Both(names["zh"], names["en"])

    def extensions_text(self) -> Both:
        zh = "、".join(self.taxonomy.scopes[e]["zh"] for e in self.extensions) or "无"
        en = ", ".join(self.taxonomy.scopes[e]["en"] for e in self.extensions) or "none"
        return Both(zh, en)

    def describe(self, item: Item) -> Both:
        cat = self.taxonomy.categories[item.category]
        scope = "" if item.scope == "general" else self.taxonomy.scopes[item.scope]
        zh = f"{cat['zh']} {item.control_point_zh} {item.letter}) [{display_id(item.id, 'zh', self.taxonomy)}]"
        en = f"{cat['en']} {item.control_point_en} {item.letter}) [{display_id(item.id, 'en', self.taxonomy)}]"
        if scope:
            zh, en = f"{scope['zh']} {zh}", f"{scope['en']} {en}"
        return Both(zh, en)

    def describe_all(self, items: Sequence[Item]) -> Both:
        return Both("；".join(self.describe(i).zh for i in items), "; ".join(self.describe(i).en for i in items))

    def short(self, item: Item) -> Both:
        """'网络架构 c) [L3-CNS2-03]'."""
        return Both(
            f"{item.control_point_zh} {item.letter}) [{display_id(item.id, 'zh', self.taxonomy)}]",
            f"{item.control_point_en} {item.letter}) [{display_id(item.id, 'en', self.taxonomy)}]",
        )


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


def _number(value: Any) -> float | None:
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


def _fmt_weight(value: float) -> str:
    return f"{value:.2f}"


# ---------------------------------------------------------------- one sheet


@dataclass
class _Column:
    index: int  # 0-based
    header: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class _Block:
    """The scope rows are read in, and the (control point, letter) pairs seen since it began."""

    scope: str
    written: bool  # the scope was written in a cell (not assumed)
    seen: set[tuple[str, str]] = field(default_factory=set)


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
    weight: float | None = None
    item: Item | None = None
    how: str = ""
    candidates: list[Item] = field(default_factory=list)
    other_level: list[Item] = field(default_factory=list)
    what: Both | None = None
    text: str = ""  # the requirement text written on the row, without its letter
    col: str = "item"  # the column messages about the placement point at
    via: str = EXACT  # how the control point name matched
    name: str = ""  # the control point as written
    name_levels: tuple[int, ...] = ()
    score: float = 0.0
    runner_up: float = 0.0


class _SheetReader:
    def __init__(self, raw: RawSheet, ctx: _Context, obj: str, plan: ImportPlan):
        self.raw, self.ctx, self.obj = raw, ctx, obj
        self.out = plan
        self.cols: dict[str, list[_Column]] = {}
        self.plan = SheetPlan(sheet=raw.title, status="results", assessed_object=obj)
        self.decisions: list[tuple[int, Issue]] = []
        self.block = _Block("general", written=False)

    # -- findings
    def _issue(self, code: str, row: int | None = None, col: str | None = None, **params: Any) -> Issue:
        column = self.cols.get(col, [None])[0] if col else None
        return issue(
            code,
            sheet=self.raw.title,
            row=row,
            column=column.letter if column else "",
            header=column.header if column else "",
            **params,
        )

    def _leave_out(self, code: str, row: int | None = None, col: str | None = None, **params: Any) -> None:
        self.out.left_out.append(self._issue(code, row, col, **params))
        if row is not None:
            self.plan.left_out += 1

    def _decide(self, code: str, row: int, col: str | None = None, **params: Any) -> None:
        self.decisions.append((row, self._issue(code, row, col, **params)))

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
                self.out.warnings.append(
                    issue(
                        "duplicate_column",
                        sheet=self.raw.title,
                        row=self.plan.header_row,
                        what=cols[0].header,
                        first=cols[0].letter,
                        second=cols[1].letter,
                    )
                )
        self._find_weight_column()
        self.plan.columns = {
            name: f"{cols[0].letter} ({cols[0].header})" if cols[0].header else cols[0].letter
            for name, cols in self.cols.items()
            if name != "ignore"
        }
        self._read_details()
        return True

    def _find_weight_column(self) -> None:
        """An unlabelled column holding only weights (0.40 / 0.70 / 1.00 …) is the weight column."""
        if "weight" in self.cols:
            return
        header = dict(self.raw.rows).get(self.plan.header_row or 0, ())
        named = {c.index for cols in self.cols.values() for c in cols}
        sample = [v for n, v in self.raw.rows if n > (self.plan.header_row or 0)][:_WEIGHT_SAMPLE]
        for idx in range(len(header)):
            if idx in named or not _blank(header[idx]):
                continue
            numbers = [_number(v[idx]) for v in sample if idx < len(v) and not _blank(v[idx])]
            if not numbers or any(n is None for n in numbers):
                continue
            if all(n.is_integer() for n in numbers):
                continue  # a row number
            if all(any(abs(n - w) < 1e-6 for w in self.ctx.weights) for n in numbers):
                self.cols["weight"] = [_Column(idx, "")]
                return

    def _read_details(self) -> None:
        """A row above the header that reads like 'IP：… 版本：…' describes the sheet's object."""
        for number, values in self.raw.rows:
            if number >= (self.plan.header_row or 0):
                break
            texts = [_text(v).strip() for v in values if not _blank(v)]
            joined = "  ".join(texts)
            if texts and _DETAILS.search(joined):
                self.plan.details = f"{self.plan.details}\n{joined}".strip()
                self._decide("object_details", number, object=self.plan.assessed_object or self.raw.title,
                             details=_shown(joined))  # fmt: skip

    def check_columns(self) -> bool:
        ok = True
        if "result" not in self.cols:
            label = Both(field_label("result", "zh"), field_label("result", "en"))
            self._leave_out("missing_column", self.plan.header_row, what=label)
            ok = False
        if not self.cols.keys() & {"id", "item", "control_point"}:
            label = Both(
                f"{field_label('id', 'zh')}”或“{field_label('item', 'zh')}",
                f"{field_label('id', 'en')}' or '{field_label('item', 'en')}",
            )
            self._leave_out("missing_column", self.plan.header_row, what=label)
            ok = False
        self.plan.layout = "id" if "id" in self.cols else "control point"
        return ok

    def _first_scope(self) -> str:
        """The scope a sheet starts in: the one extension its name names (安全计算环境云扩展), else general."""
        title = norm(self.raw.title)
        named = {
            code
            for word, code in self.ctx.scopes.items()
            if len(word) >= _MIN_HINT and word in title and code != "general"
        }
        return named.pop() if len(named) == 1 and named <= set(self.ctx.extensions) else "general"

    # -- rows
    def read_rows(self) -> list[_Row]:
        out: list[_Row] = []
        fill = {"category": None, "control_point": None}
        fill_cp = "item" in self.cols or "id" in self.cols  # with no item column the control point cell is the item
        self.block = _Block(self._first_scope(), written=False)
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
            scope_here = cell("scope")
            scope_ok = True
            if not _blank(scope_here):
                code = self.ctx.scope_of(scope_here)
                if code is None:
                    self._leave_out("bad_scope", number, "scope", value=_shown(scope_here))
                    scope_ok = False
                elif code != self.block.scope or not self.block.written:
                    self.block = _Block(code, written=True)
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
                self._leave_out("no_item", number, next(n for n in ("id", "item", "control_point") if n in self.cols))
                continue
            if not scope_ok:
                continue
            row, values_ok = self._values(number, cell)
            category = fill["category"] if "category" in self.cols else None
            cp = fill["control_point"] if fill_cp else own_cp
            placed = self._identify(row, cell, texts, category, cp, written_here=not _blank(scope_here))
            if placed and values_ok:  # both checked: every problem shown
                out.append(row)
        return out

    def _values(self, number: int, cell: Callable[[str], Any]) -> tuple[_Row, bool]:
        ok = True
        result = parse_result_word(_text(cell("result")))
        if result is None:
            self._leave_out("bad_result", number, "result", value=_shown(cell("result")))
            ok = False
        good, risk = parse_risk_word(_text(cell("risk")))
        if not good:
            self._leave_out("bad_risk", number, "risk", value=_shown(cell("risk")))
            ok = False
        methods: list[str] = []
        for token in _METHOD_SPLIT.split(_text(cell("methods"))):
            if not token:
                continue
            code = self.ctx.methods.get(norm(token))
            if code is None:
                self._leave_out("bad_method", number, "methods", value=_shown(token))
                ok = False
            elif code not in methods:
                methods.append(code)
        try:
            evidence_date = _parse_date(cell("evidence_date"))
        except (ValueError, OverflowError):
            self._leave_out("bad_date", number, "evidence_date", value=_shown(cell("evidence_date")))
            evidence_date, ok = None, False
        texts = {}
        for name in ("record", "risk_reason"):
            texts[name] = "" if _blank(cell(name)) else _text(cell(name))
            if len(texts[name]) > self.ctx.limits.max_cell_chars:
                limit = self.ctx.limits.max_cell_chars
                self._leave_out("text_too_long", number, name, length=len(texts[name]), limit=limit)
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
            weight=_number(cell("weight")) if not _blank(cell("weight")) else None,
        )
        return row, ok

    def _object_name(self, name: str) -> str:
        known = self.ctx.known_objects
        return known.get(norm(name), name) if known else name

    def _by_id(self, row: _Row, text: str, col: str, category: Any = None) -> bool | None:
        """True: matched by id; False: an id that is not in the selection (left out); None: no id in text.
        Big data as agencies write it, `安全计算环境 BDS-L3-05` (or the printed unit with the row's category
        column), and the catalogue's old `BD-…` ids (mlps.rules.item_ids) name their item too."""
        code = self.ctx.categories.get(norm(category)) if not _blank(category) else None
        found = read_bigdata_id(text, code, self.ctx.taxonomy)
        if found is None:
            printed = PRINTED_BIGDATA.search(unicodedata.normalize("NFKC", text).upper())
            if printed:
                self._leave_out("bigdata_no_category", row.number, col, value=printed.group(0))
                return False
            m = _ID.search(unicodedata.normalize("NFKC", text).upper())
            if not m:
                return None
            found = m.group(1)
        if found in LEGACY_BIGDATA and LEGACY_BIGDATA[found] is None:
            why = Both(LEGACY_RETIRED_WHY_ZH.get(found, "—"), LEGACY_RETIRED_WHY.get(found, "—"))
            self._leave_out("retired_id", row.number, col, value=found, why=why)
            return False
        item = self.ctx.index.by_id.get(found)
        if item is None:
            self._leave_out(
                "unknown_id", row.number, col, value=found, level=self.ctx.level,
                extensions=self.ctx.extensions_text(),
            )  # fmt: skip
            return False
        row.item, row.how = item, "id"
        return True

    def _identify(
        self, row: _Row, cell: Callable[[str], Any], texts: list, category: Any, cp_cell: Any, *, written_here: bool
    ) -> bool:
        """Place the row on an item (True), or leave it out (False). A row may start a new block (self.block)."""
        ctx = self.ctx
        # 1. an item id, in the id column or written in the item text
        id_text = _text(cell("id")).strip()
        if id_text:
            found = self._by_id(row, id_text, "id", category)
            if found is not None:
                return found
            if not texts and _blank(cp_cell):  # an id column with no id in it and nothing else to go by
                self._leave_out(
                    "unknown_id", row.number, "id", value=_shown(id_text), level=ctx.level,
                    extensions=ctx.extensions_text(),
                )  # fmt: skip
                return False
        for text in texts:
            if not _blank(text):
                found = self._by_id(row, _text(text), "item", category)
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
                row.text = _text(text)
                break
        cp_name = "" if _blank(cp_cell) else _text(cp_cell).strip()
        split = _split_letter(cp_name) if cp_name else None
        if split and split[0]:  # the control point cell itself reads "物理位置选择 a)"
            cp_name = split[0]
            if letter is None:
                letter, letter_col = split[1], "control_point"
        if letter is None:
            shown = next((_text(t) for t in texts if not _blank(t)), cp_name)
            self._leave_out("no_letter", row.number, "item" if texts else "control_point", value=_shown(shown))
            return False
        if cp_name and cp_from_item and norm(cp_name) != norm(cp_from_item):
            self._leave_out("control_point_conflict", row.number, "item", first=cp_name, second=cp_from_item)
            return False
        cp = cp_name or cp_from_item
        if not cp:
            col = "control_point" if "control_point" in self.cols else "item"
            self._leave_out("no_control_point", row.number, col)
            return False
        row.col, row.name = letter_col, cp
        matches = ctx.index.lookup(cp, letter)
        # 3. the scope: written, filled down, or an unmarked extension block recognised by its restart
        key = (norm(cp), letter)
        block = self.block
        in_scope = [m for m in matches if m.item.scope == block.scope]
        if not written_here and (key in block.seen or not in_scope):
            for ext in (*ctx.extensions, "general"):  # an unmarked block after an extension may be general again
                there = [m.item for m in matches if m.item.scope == ext]
                if ext != block.scope and there and (key in block.seen or self._fits_better(row, there, block.scope)):
                    block = self.block = _Block(ext, written=False)
                    self._decide("unmarked_extension", row.number, "item", scope=ctx.scope_name(ext))
                    in_scope = [m for m in matches if m.item.scope == ext]
                    break
        block.seen.add(key)
        scope = block.scope
        if scope != "general" and scope not in ctx.extensions:
            raw_scope = cell("scope")
            self._leave_out(
                "not_selected_scope", row.number, "scope", value=_shown(raw_scope) or ctx.scope_name(scope).zh,
                extensions=ctx.extensions_text(),
            )  # fmt: skip
            return False
        what_zh, what_en = f"{cp} {letter})", f"{cp} {letter})"
        if scope != "general":
            names = ctx.taxonomy.scopes[scope]
            what_zh, what_en = f"{names['zh']} {what_zh}", f"{names['en']} {what_en}"
        # 4. the category column, when the sheet has one
        code = None
        if not _blank(category):
            code = ctx.categories.get(norm(category))
            if code is None:
                self._leave_out("bad_category", row.number, "category", value=_shown(category))
                return False
            names = ctx.taxonomy.categories[code]
            what_zh, what_en = f"{names['zh']} {what_zh}", f"{names['en']} {what_en}"
            in_category = [m for m in in_scope if m.item.category == code]
            if not in_category and len(in_scope) == 1:  # unique within the scope: another category's item
                row.how = "other category"
            else:
                in_scope = in_category
        row.what = Both(what_zh, what_en)
        if not in_scope:
            others = ctx.index.other_levels(scope, cp, letter)
            if code is not None:
                others = [i for i in others if i.category == code] or others
            if others:
                row.other_level = others
                return True  # left out in resolve(), once the sheet's category is known
            pool = [i for i in ctx.index.in_scope(scope) if code is None or i.category == code]
            return self._by_text(row, pool, "text_wrong_place", "no_match")
        if len(in_scope) == 1:
            m = in_scope[0]
            row.item, row.via, row.name_levels = m.item, m.via, m.other_levels
            row.how = row.how or {EXACT: "control point", ALIAS: "alias", LEVEL_NAME: "level name"}[m.via]
        else:
            row.candidates = [m.item for m in in_scope]  # decided by the sheet, after every row is read
            row.via = in_scope[0].via if len({m.via for m in in_scope}) == 1 else EXACT
        return True

    def _fits_better(self, row: _Row, there: Sequence[Item], scope: str) -> bool:
        """Without a restart, a row whose place exists only in another scope moves the block there unless its
        text reads more like an item of the current scope (a misplaced row, not a new block)."""
        if not row.text:
            return True
        here = self.ctx.index.in_scope(scope)
        far = decide_by_text(row.text, there, minimum=0, margin=0).score
        near = decide_by_text(row.text, here, minimum=0, margin=0).score if here else 0.0
        return far >= near

    def _by_text(self, row: _Row, pool: Sequence[Item], decided: str, failed: str) -> bool:
        """Let the requirement text choose among `pool`; leave the row out with `failed` when it cannot."""
        ctx = self.ctx
        choice = decide_by_text(row.text, pool, minimum=ctx.text_minimum, margin=ctx.text_margin) if row.text else None
        if choice is not None and choice.chosen is not None:
            row.item, row.how = choice.chosen, "text"
            row.score, row.runner_up = choice.score, choice.runner_up
            row.candidates = list(pool) if decided == "text_ambiguous" else []
            return True
        guesses = [i for i, s in (choice.ranked if choice else ()) if s > 0][:3]
        params: dict[str, Any] = {"what": row.what, "level": ctx.level, "extensions": ctx.extensions_text()}
        if failed == "ambiguous":
            params = {"what": row.what, "candidates": ctx.describe_all(pool)}
        params["guesses"] = ctx.describe_all(guesses) if guesses else Both("无", "none")
        self._leave_out(failed, row.number, row.col, **params)
        return False

    def resolve(self, rows: list[_Row]) -> list[_Row]:
        """Decide rows that matched several items (from the sheet's name, its unambiguous rows, then the text),
        leave out rows of other levels, and record every decision that was not an exact match."""
        ctx = self.ctx
        title = norm(self.raw.title)
        hint_categories = {code for word, code in ctx.categories.items() if len(word) >= _MIN_HINT and word in title}
        hint_scopes = {
            code for word, code in ctx.scopes.items() if len(word) >= _MIN_HINT and word in title and code != "general"
        }
        sure = [r.item for r in rows if r.item is not None and not r.candidates]
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
        sheet_category = (
            next(iter(hint_categories)) if len(hint_categories) == 1 else main_category(i for i in sure if i)
        )
        out = []
        for row in rows:
            if row.other_level:
                near = hint_categories or categories
                others = [i for i in row.other_level if i.category in near] or row.other_level
                levels = sorted({i.level for i in others})
                self._leave_out(
                    "other_level", row.number, row.col, what=row.what, level=ctx.level,
                    levels=Both("、".join(f"第 {n} 级" for n in levels), ", ".join(f"level {n}" for n in levels)),
                    items=ctx.describe_all(others), other=levels[0],
                )  # fmt: skip
                continue
            if row.item is None:
                left = row.candidates
                for test in tests:
                    narrowed = [c for c in left if test(c)]
                    if narrowed:
                        left = narrowed
                    if len(left) == 1:
                        break
                if len(left) == 1:
                    row.item, row.how = left[0], "inferred"
                elif not self._by_text(row, left, "text_ambiguous", "ambiguous"):
                    continue
            self._explain(row, sheet_category)
            out.append(row)
        return out

    def _explain(self, row: _Row, sheet_category: str | None) -> None:
        """Record the decision behind a row that was not an exact match."""
        ctx, item = self.ctx, row.item
        assert item is not None
        if row.how in ("id", "clause"):
            return
        if row.via == LEVEL_NAME and row.how != "text":
            other = Both(
                "、".join(f"第 {n} 级" for n in row.name_levels), ", ".join(f"level {n}" for n in row.name_levels)
            )
            self._decide("cp_level_name", row.number, "control_point", name=row.name, levels=other,
                         ours=item.control_point_zh, item=ctx.describe(item))  # fmt: skip
            row.how = "level name"
        elif row.via == ALIAS and row.how != "text":
            self._decide("cp_alias", row.number, "control_point", name=row.name, ours=item.control_point_zh,
                         item=ctx.describe(item))  # fmt: skip
            row.how = "alias"
        if row.how == "inferred":
            self._decide("inferred", row.number, row.col, what=row.what, category=ctx.category_name(item.category),
                         item=ctx.describe(item), candidates=ctx.describe_all(row.candidates))  # fmt: skip
        elif row.how == "text":
            code = "text_ambiguous" if row.candidates else "text_wrong_place"
            self._decide(code, row.number, row.col, what=row.what, item=ctx.short(item), score=f"{row.score:.2f}",
                         runner_up=f"{row.runner_up:.2f}", level=ctx.level)  # fmt: skip
        elif (
            "category" not in self.cols
            and sheet_category is not None
            and item.category != sheet_category
            and row.how in ("control point", "alias", "level name", "other category")
        ) or row.how == "other category":
            self._decide("other_category", row.number, row.col, what=row.what,
                         category=ctx.category_name(item.category),
                         sheet_category=ctx.category_name(sheet_category or item.category),
                         item=ctx.describe(item))  # fmt: skip
            row.how = "other category"
        if row.weight is not None and abs(row.weight - item.weight) > 1e-6:
            ctx.weight_differences.setdefault(item.id, []).append((self.raw.title, row.number, row.weight))

    def finish(self) -> None:
        """Hand the sheet's decisions to the plan, in row order."""
        self.out.decisions.extend(d for _n, d in sorted(self.decisions, key=lambda p: p[0]))


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
    every_item: Sequence[Item] = (),
) -> ImportPlan:
    """Read and check a workbook against the items of an assessment (`catalogue.select(level, extensions)`).

    objects: the assessed objects the assessment already has; sheets are matched to them ignoring case, width
    and spaces, and SheetPlan.existing_object says whether each sheet's object is known. every_item: the whole
    catalogue (`catalogue.items`), so that control point names and letters of other levels are recognised.
    Never raises for a bad file: every problem is an Issue. Raises ValueError only for bad `items`.
    """
    limits = limits or ImportLimits()
    level, extensions = _selection(items, taxonomy)
    known = {norm(o): o for o in objects} if objects is not None else None
    ctx = _Context(items, taxonomy, limits, level, extensions, every_item=every_item, known_objects=known)
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
    all_rows: list[tuple[_SheetReader, list[_Row]]] = []
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
        reader = _SheetReader(raw, ctx, obj, plan)
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
            reader.plan.status = "left out"
            reader._leave_out("no_header", rows=limits.header_search_rows)
            continue
        if not reader.check_columns():
            reader.plan.status = "left out"
            continue
        rows = reader.resolve(reader.read_rows())
        reader.finish()
        all_rows.append((reader, rows))
        if reader.plan.details and reader.plan.assessed_object:
            plan.objects[reader.plan.assessed_object] = reader.plan.details

    if not errors and not any(s.status == "results" for s in plan.sheets):
        errors.append(issue("no_results_sheet"))

    # a row placed by its text on an item already recorded where the workbook itself puts it repeats that row
    placed_exactly: dict[str, tuple[str, int]] = {}
    for reader, rows in all_rows:
        for row in rows:
            if row.item is not None and row.how in EXACT_HOWS:
                placed_exactly.setdefault(row.item.id, (reader.raw.title, row.number))
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for reader, rows in all_rows:
        sheet_plan = reader.plan
        for row in rows:
            assert row.item is not None  # resolve() keeps only rows with an item
            first = placed_exactly.get(row.item.id)
            if row.how == "text" and first is not None and first[0] != sheet_plan.sheet:
                plan.decisions = [
                    d for d in plan.decisions if not (d.sheet == sheet_plan.sheet and d.row == row.number)
                ]
                reader._leave_out(
                    "repeat", row.number, row.col, what=row.what, item=ctx.short(row.item), first_sheet=first[0],
                    first_row=first[1],
                )  # fmt: skip
                continue
            key = (row.obj, row.item.id)
            if key in seen:
                first_sheet, first_row = seen[key]
                reader._leave_out(
                    "duplicate_item", row.number, None, item_id=row.item.id, object=row.obj,
                    first_sheet=first_sheet, first_row=first_row,
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
    for item_id, places in ctx.weight_differences.items():
        sheet, number, theirs = places[0]
        ours = ctx.index.by_id[item_id]
        plan.warnings.append(
            issue(
                "weight_differs", sheet=sheet, row=number, item=ctx.describe(ours), theirs=_fmt_weight(theirs),
                ours=_fmt_weight(ours.weight), count=len(places),
            )
        )  # fmt: skip

    order = {s.sheet: n for n, s in enumerate(plan.sheets)}

    def position(e: Issue) -> tuple:
        return (order.get(e.sheet, -1), e.row or 0, len(e.column), e.column)

    errors.sort(key=position)
    plan.left_out.sort(key=position)
    plan.error_count = len(errors)
    plan.errors = errors[: limits.max_errors]
    plan.left_out_count = len(plan.left_out)
    plan.left_out = plan.left_out[: limits.max_errors]
    if plan.errors:
        plan.results = []
    return plan
