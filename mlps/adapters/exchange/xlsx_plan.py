"""The import plan a person reviews before anything is written: per sheet its object, layout and row mapping,
the results, every decision that was not an exact match, every row left out, errors and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlps.adapters.exchange.vocabulary import Issue
from mlps.rules.domain import ItemResult, Result

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
