"""Locating a sheet's layout in an Excel import: the header row among the first rows, the columns by the
vocabulary (and an unlabelled weight column), the object's details written above the header, the scope a sheet
starts in; and the findings about one sheet (left-out rows, decisions, warnings) with the column they point at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from mlps.adapters.exchange.vocabulary import Both, Issue, field_label, issue, match_header, norm
from mlps.adapters.exchange.xlsx_context import ImportContext
from mlps.adapters.exchange.xlsx_plan import ImportPlan, SheetPlan
from mlps.adapters.exchange.xlsx_read import RawSheet
from mlps.adapters.exchange.xlsx_values import cell_number, cell_text, is_blank, shown_value

# A row of the object's details above the header: "IP：172.16.6.3  版本：server 2012" (key, colon, value).
_DETAILS = re.compile(r"[^\s:：]{1,12}\s*[:：]\s*\S")
MIN_HINT = 2  # a sheet-name hint must be at least this long once normalised ("云" alone says nothing)
_WEIGHT_SAMPLE = 60  # data rows looked at to recognise an unlabelled weight column


@dataclass
class Column:
    index: int  # 0-based
    header: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)



class SheetColumns:
    """One sheet being read: its header row and columns (`cols`), its SheetPlan, and its findings."""

    def __init__(self, raw: RawSheet, ctx: ImportContext, obj: str, plan: ImportPlan):
        self.raw, self.ctx, self.obj = raw, ctx, obj
        self.out = plan
        self.cols: dict[str, list[Column]] = {}
        self.plan = SheetPlan(sheet=raw.title, status="results", assessed_object=obj)
        self.decisions: list[tuple[int, Issue]] = []

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
        best: tuple[int, int, dict[str, list[Column]]] | None = None
        for number, values in self.raw.rows:
            if number > self.ctx.limits.header_search_rows:
                break
            found: dict[str, list[Column]] = {}
            for idx, value in enumerate(values):
                name = match_header(value) if isinstance(value, str) else None
                if name:
                    found.setdefault(name, []).append(Column(idx, " ".join(str(value).split())))
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
            if idx in named or not is_blank(header[idx]):
                continue
            numbers = [cell_number(v[idx]) for v in sample if idx < len(v) and not is_blank(v[idx])]
            if not numbers or any(n is None for n in numbers):
                continue
            if all(n.is_integer() for n in numbers):
                continue  # a row number
            if all(any(abs(n - w) < 1e-6 for w in self.ctx.weights) for n in numbers):
                self.cols["weight"] = [Column(idx, "")]
                return

    def _read_details(self) -> None:
        """A row above the header that reads like 'IP：… 版本：…' describes the sheet's object."""
        for number, values in self.raw.rows:
            if number >= (self.plan.header_row or 0):
                break
            texts = [cell_text(v).strip() for v in values if not is_blank(v)]
            joined = "  ".join(texts)
            if texts and _DETAILS.search(joined):
                self.plan.details = f"{self.plan.details}\n{joined}".strip()
                self._decide("object_details", number, object=self.plan.assessed_object or self.raw.title,
                             details=shown_value(joined))  # fmt: skip

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
            if len(word) >= MIN_HINT and word in title and code != "general"
        }
        return named.pop() if len(named) == 1 and named <= set(self.ctx.extensions) else "general"
