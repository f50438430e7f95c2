"""Mapping a sheet's rows to catalogue items in an Excel import: scope and control point filled down, unmarked
extension blocks recognised by their restart, ids (big data as agencies write it), clauses, control point and
letter with aliases and other levels' names, the category column, a fallback across categories, and the
requirement text where the place is ambiguous or wrong; each row's values checked; every decision recorded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mlps.adapters.exchange.vocabulary import Both, match_header, norm, parse_result_word, parse_risk_word
from mlps.adapters.exchange.xlsx_columns import MIN_HINT, SheetColumns
from mlps.adapters.exchange.xlsx_context import ImportContext
from mlps.adapters.exchange.xlsx_plan import ImportPlan
from mlps.adapters.exchange.xlsx_read import RawSheet
from mlps.adapters.exchange.xlsx_values import cell_date, cell_number, cell_text, is_blank, shown_value, split_letter
from mlps.rules.catalogue import Item
from mlps.rules.domain import Result, Risk
from mlps.rules.item_ids import (
    LEGACY_BIGDATA,
    LEGACY_RETIRED_WHY,
    LEGACY_RETIRED_WHY_ZH,
    PRINTED_BIGDATA,
    read_bigdata_id,
)
from mlps.rules.item_mapping import ALIAS, EXACT, LEVEL_NAME, decide_by_text, main_category

ITEM_ID = _ID = re.compile(r"(?<![A-Z0-9-])(BDS-L[1-4]-[A-Z]{3}-\d{2}|L[1-4]-[A-Z]{3}[1-5]-\d{2})(?![0-9])")
_METHOD_SPLIT = re.compile(r"[,，、;；/|\s]+")
_RESULT_COLUMNS = ("result", "record", "risk", "risk_reason", "methods", "evidence_date")


@dataclass
class Block:
    """The scope rows are read in, and the (control point, letter) pairs seen since it began."""

    scope: str
    written: bool  # the scope was written in a cell (not assumed)
    seen: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Row:
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



class SheetReader(SheetColumns):
    """One sheet read row by row onto the catalogue's items (SheetColumns found its header and columns)."""

    def __init__(self, raw: RawSheet, ctx: ImportContext, obj: str, plan: ImportPlan):
        super().__init__(raw, ctx, obj, plan)
        self.block = Block("general", written=False)

    # -- rows
    def read_rows(self) -> list[Row]:
        out: list[Row] = []
        fill = {"category": None, "control_point": None}
        fill_cp = "item" in self.cols or "id" in self.cols  # with no item column the control point cell is the item
        self.block = Block(self._first_scope(), written=False)
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
                if not is_blank(cell(name)):
                    fill[name] = cell(name)
            scope_here = cell("scope")
            scope_ok = True
            if not is_blank(scope_here):
                code = self.ctx.scope_of(scope_here)
                if code is None:
                    self._leave_out("bad_scope", number, "scope", value=shown_value(scope_here))
                    scope_ok = False
                elif code != self.block.scope or not self.block.written:
                    self.block = Block(code, written=True)
            texts = [values[c.index] for c in self.cols.get("item", [])]
            names_item = not is_blank(cell("id")) or any(not is_blank(t) for t in texts)
            if not fill_cp:
                names_item = names_item or not is_blank(own_cp)
            recorded = [name for name in _RESULT_COLUMNS if not is_blank(cell(name))]
            if recorded == ["result"] and parse_result_word(cell_text(cell("result"))) is Result.NOT_ASSESSED:
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
            placed = self._identify(row, cell, texts, category, cp, written_here=not is_blank(scope_here))
            if placed and values_ok:  # both checked: every problem shown
                out.append(row)
        return out

    def _values(self, number: int, cell: Callable[[str], Any]) -> tuple[Row, bool]:
        ok = True
        result = parse_result_word(cell_text(cell("result")))
        if result is None:
            self._leave_out("bad_result", number, "result", value=shown_value(cell("result")))
            ok = False
        good, risk = parse_risk_word(cell_text(cell("risk")))
        if not good:
            self._leave_out("bad_risk", number, "risk", value=shown_value(cell("risk")))
            ok = False
        methods: list[str] = []
        for token in _METHOD_SPLIT.split(cell_text(cell("methods"))):
            if not token:
                continue
            code = self.ctx.methods.get(norm(token))
            if code is None:
                self._leave_out("bad_method", number, "methods", value=shown_value(token))
                ok = False
            elif code not in methods:
                methods.append(code)
        try:
            evidence_date = cell_date(cell("evidence_date"))
        except (ValueError, OverflowError):
            self._leave_out("bad_date", number, "evidence_date", value=shown_value(cell("evidence_date")))
            evidence_date, ok = None, False
        texts = {}
        for name in ("record", "risk_reason"):
            texts[name] = "" if is_blank(cell(name)) else cell_text(cell(name))
            if len(texts[name]) > self.ctx.limits.max_cell_chars:
                limit = self.ctx.limits.max_cell_chars
                self._leave_out("text_too_long", number, name, length=len(texts[name]), limit=limit)
                ok = False
        obj = self.obj
        if not is_blank(cell("assessed_object")):
            obj = self._object_name(cell_text(cell("assessed_object")).strip())
        row = Row(
            number=number,
            obj=obj,
            result=result or Result.NOT_ASSESSED,
            record=texts["record"],
            risk=risk,
            risk_reason=texts["risk_reason"],
            methods=tuple(methods),
            evidence_date=evidence_date,
            weight=cell_number(cell("weight")) if not is_blank(cell("weight")) else None,
        )
        return row, ok

    def _object_name(self, name: str) -> str:
        known = self.ctx.known_objects
        return known.get(norm(name), name) if known else name

    def _by_id(self, row: Row, text: str, col: str, category: Any = None) -> bool | None:
        """True: matched by id; False: an id that is not in the selection (left out); None: no id in text.
        Big data as agencies write it, `安全计算环境 BDS-L3-05` (or the printed unit with the row's category
        column), and the catalogue's old `BD-…` ids (mlps.rules.item_ids) name their item too."""
        code = self.ctx.categories.get(norm(category)) if not is_blank(category) else None
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
        self, row: Row, cell: Callable[[str], Any], texts: list, category: Any, cp_cell: Any, *, written_here: bool
    ) -> bool:
        """Place the row on an item (True), or leave it out (False). A row may start a new block (self.block)."""
        ctx = self.ctx
        # 1. an item id, in the id column or written in the item text
        id_text = cell_text(cell("id")).strip()
        if id_text:
            found = self._by_id(row, id_text, "id", category)
            if found is not None:
                return found
            if not texts and is_blank(cp_cell):  # an id column with no id in it and nothing else to go by
                self._leave_out(
                    "unknown_id", row.number, "id", value=shown_value(id_text), level=ctx.level,
                    extensions=ctx.extensions_text(),
                )  # fmt: skip
                return False
        for text in texts:
            if not is_blank(text):
                found = self._by_id(row, cell_text(text), "item", category)
                if found is not None:
                    return found
                clause = ctx.by_clause.get(norm(cell_text(text)))
                if clause is not None:
                    row.item, row.how = clause, "clause"
                    return True
        # 2. control point and letter
        letter, cp_from_item, letter_col = None, "", "item"
        for text in texts:
            split = split_letter(cell_text(text)) if not is_blank(text) else None
            if split:
                cp_from_item, letter = split
                row.text = cell_text(text)
                break
        cp_name = "" if is_blank(cp_cell) else cell_text(cp_cell).strip()
        split = split_letter(cp_name) if cp_name else None
        if split and split[0]:  # the control point cell itself reads "物理位置选择 a)"
            cp_name = split[0]
            if letter is None:
                letter, letter_col = split[1], "control_point"
        if letter is None:
            shown = next((cell_text(t) for t in texts if not is_blank(t)), cp_name)
            self._leave_out("no_letter", row.number, "item" if texts else "control_point", value=shown_value(shown))
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
                    block = self.block = Block(ext, written=False)
                    self._decide("unmarked_extension", row.number, "item", scope=ctx.scope_name(ext))
                    in_scope = [m for m in matches if m.item.scope == ext]
                    break
        block.seen.add(key)
        scope = block.scope
        if scope != "general" and scope not in ctx.extensions:
            raw_scope = cell("scope")
            self._leave_out(
                "not_selected_scope", row.number, "scope", value=shown_value(raw_scope) or ctx.scope_name(scope).zh,
                extensions=ctx.extensions_text(),
            )  # fmt: skip
            return False
        what_zh, what_en = f"{cp} {letter})", f"{cp} {letter})"
        if scope != "general":
            names = ctx.taxonomy.scopes[scope]
            what_zh, what_en = f"{names['zh']} {what_zh}", f"{names['en']} {what_en}"
        # 4. the category column, when the sheet has one
        code = None
        if not is_blank(category):
            code = ctx.categories.get(norm(category))
            if code is None:
                self._leave_out("bad_category", row.number, "category", value=shown_value(category))
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

    def _fits_better(self, row: Row, there: Sequence[Item], scope: str) -> bool:
        """Without a restart, a row whose place exists only in another scope moves the block there unless its
        text reads more like an item of the current scope (a misplaced row, not a new block)."""
        if not row.text:
            return True
        here = self.ctx.index.in_scope(scope)
        far = decide_by_text(row.text, there, minimum=0, margin=0).score
        near = decide_by_text(row.text, here, minimum=0, margin=0).score if here else 0.0
        return far >= near

    def _by_text(self, row: Row, pool: Sequence[Item], decided: str, failed: str) -> bool:
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

    def resolve(self, rows: list[Row]) -> list[Row]:
        """Decide rows that matched several items (from the sheet's name, its unambiguous rows, then the text),
        leave out rows of other levels, and record every decision that was not an exact match."""
        ctx = self.ctx
        title = norm(self.raw.title)
        hint_categories = {code for word, code in ctx.categories.items() if len(word) >= MIN_HINT and word in title}
        hint_scopes = {
            code for word, code in ctx.scopes.items() if len(word) >= MIN_HINT and word in title and code != "general"
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

    def _explain(self, row: Row, sheet_category: str | None) -> None:
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
