"""Last year's problems as this year's backlog: read the problem list of an agency's report (安全问题汇总 /
问题清单: number, category, control point or item, problem, risk level, suggestion) and, in a 2025 report, its
major risk hazards with their trigger codes (A-01 … A-32, the 2025 template's appendix G), from an .xlsx sheet or
a .docx table, into a BacklogPlan of remediation task drafts linked to item ids, reviewed before anything is
written.

A row finds its items as a workbook row does (mlps.rules.item_mapping): an item id, or control point and letter
(with the names of other levels), or — when only the control point is given or the place is wrong — the problem
text compared with the candidate items' meaning; a control point whose items the text cannot tell apart links
all of them. Problems that land on the same items become one task. A hazard row that lands on a problem's items
gives that problem its trigger code. Rows that cannot be placed are left out with a suggestion.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mlps.adapters.exchange.vocabulary import (
    Both,
    Issue,
    category_index,
    control_point_aliases,
    issue,
    norm,
    parse_risk_word,
    problem_header,
    text_match_parameters,
)
from mlps.adapters.exchange.xlsx_read import ImportLimits, WorkbookRejected, read_workbook
from mlps.adapters.exchange.xlsx_rows import ITEM_ID as _ID
from mlps.rules.catalogue import Item, Taxonomy
from mlps.rules.domain import Risk
from mlps.rules.hazards import Hazard
from mlps.rules.item_ids import display_id, read_bigdata_id
from mlps.rules.item_mapping import ItemIndex, decide_by_text
from mlps.rules.remediation import PROBLEM_LIST, TaskDraft

_TRIGGER = re.compile(r"(?<![A-Za-z0-9])A\s*[-－—_]?\s*(\d{1,2})(?!\d)")
_LETTER = re.compile(r"^(?P<cp>[^()]{0,40}?)[\s\-_:、,/]*\(?\s*(?P<letter>[a-zA-Z])\s*[).、]")
_RISK_ORDER = {Risk.HIGH: 3, Risk.MEDIUM: 2, Risk.LOW: 1}
DOCX_MAIN = "word/document.xml"
ORIGIN = PROBLEM_LIST


@dataclass(frozen=True)
class Problem:
    """One row of the problem list, as read."""

    table: str  # sheet name, or "表 3" / "table 3" for the third table of a Word document
    row: int
    number: str
    problem: str
    suggestion: str
    risk: Risk | None
    triggers: tuple[str, ...]
    item_ids: tuple[str, ...]
    how: str  # "id", "control point", "text", "control point (all items)", "level name"


@dataclass
class BacklogPlan:
    """Task drafts from a problem list, for review. `drafts` holds one task per group of problems on the same
    items; `problems` every placed row; `left_out` rows not placed (with a suggestion); `errors` problems with
    the whole file (nothing can be imported)."""

    level: int
    drafts: list[TaskDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    decisions: list[Issue] = field(default_factory=list)
    left_out: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # where problems were found
    hazards: list[Hazard] = field(default_factory=list)  # major risk hazards to record with the tasks (the service)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, Any]:
        by_risk = {r.value: 0 for r in Risk} | {"none": 0}
        for d in self.drafts:
            by_risk[d.risk.value if d.risk else "none"] += 1
        return {
            "problems": len(self.problems),
            "tasks": len(self.drafts),
            "by_risk": by_risk,
            "hazards": sorted({c for d in self.drafts for c in d.hazard_codes}),
            "decisions": len(self.decisions),
            "left_out": len(self.left_out),
        }

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "ok": self.ok,
            "level": self.level,
            "tables": self.tables,
            "counts": self.counts(),
            "tasks": [d.to_dict() for d in self.drafts],
            "hazards": [h.to_dict() for h in self.hazards],
            "decisions": [d.as_dict(lang) for d in self.decisions],
            "left_out": [d.as_dict(lang) for d in self.left_out],
            "errors": [e.as_dict(lang) for e in self.errors],
        }


# ---------------------------------------------------------------- reading tables


def _docx_tables(data: bytes, limits: ImportLimits) -> list[tuple[str, list[tuple[int, tuple[Any, ...]]]]]:
    """The tables of a Word document as (name, rows); merged cells repeat their text (python-docx does that)."""
    from docx import Document  # python-docx; imported here so that reading workbooks never needs it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if DOCX_MAIN not in archive.namelist():
                raise WorkbookRejected(issue("not_docx"))
            if sum(i.file_size for i in archive.infolist()) > limits.max_unpacked_bytes:
                raise WorkbookRejected(issue("too_big_unpacked", size="?", limit=limits.max_unpacked_bytes))
            if re.search(rb"<!(?:DOCTYPE|ENTITY)", archive.read(DOCX_MAIN)[:65536], re.IGNORECASE):
                raise WorkbookRejected(issue("dtd_forbidden", part=DOCX_MAIN))
        document = Document(io.BytesIO(data))
    except WorkbookRejected:
        raise
    except Exception as exc:  # damaged zip or XML: one message, never a traceback
        raise WorkbookRejected(issue("unreadable", detail=f"{type(exc).__name__}: {exc}"[:300])) from None
    out = []
    for n, table in enumerate(document.tables, start=1):
        rows = []
        for r, row in enumerate(table.rows, start=1):
            if r > limits.max_rows:
                break
            values = tuple(cell.text.strip() for cell in row.cells[: limits.max_columns])
            if any(values):
                rows.append((r, values))
        out.append((f"表 {n}", rows))
    return out


def read_tables(data: bytes, filename: str, limits: ImportLimits | None = None) -> list[tuple[str, list]]:
    """The tables of an .xlsx (one per sheet) or a .docx (each table). Raises WorkbookRejected with a clear Issue."""
    limits = limits or ImportLimits()
    if not data:
        raise WorkbookRejected(issue("empty_file"))
    if len(data) > limits.max_bytes:
        raise WorkbookRejected(issue("too_large", limit=limits.max_bytes))
    is_docx = filename.lower().endswith(".docx")
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                is_docx = DOCX_MAIN in archive.namelist()
        except Exception:
            pass
    if is_docx:
        return _docx_tables(data, limits)
    book = read_workbook(data, limits)
    return [(s.title, s.rows) for s in book.sheets]


# ---------------------------------------------------------------- placing problems


def _clean(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(value or "")).split())


def _triggers(*texts: str) -> tuple[str, ...]:
    codes = []
    for text in texts:
        for m in _TRIGGER.finditer(unicodedata.normalize("NFKC", text or "")):
            n = int(m.group(1))
            if 1 <= n <= 32:
                code = f"A-{n:02d}"
                if code not in codes:
                    codes.append(code)
    return tuple(codes)


def _key(problem: str, item_ids: Sequence[str]) -> str:
    digest = hashlib.sha256(f"{problem}|{','.join(sorted(item_ids))}".encode()).hexdigest()[:16]
    return f"{ORIGIN}:{digest}"


class _Planner:
    def __init__(self, items: Sequence[Item], taxonomy: Taxonomy, every_item: Sequence[Item]):
        self.items, self.taxonomy = items, taxonomy
        self.level = items[0].level
        self.index = ItemIndex(items, every_item, control_point_aliases(), self.level)
        self.categories = category_index(taxonomy)
        self.minimum, self.margin = text_match_parameters()

    def describe(self, item: Item) -> Both:
        cat = self.taxonomy.categories[item.category]
        return Both(
            f"{cat['zh']} {item.control_point_zh} {item.letter}) [{display_id(item.id, 'zh', self.taxonomy)}]",
            f"{cat['en']} {item.control_point_en} {item.letter}) [{display_id(item.id, 'en', self.taxonomy)}]",
        )

    def place(self, table: str, row: int, cells: dict[str, str], plan: BacklogPlan) -> tuple[list[Item], str] | None:
        """The items a problem row is about and how they were found; None (left out, with a reason) otherwise."""
        text = cells.get("problem", "")
        where = {"sheet": table, "row": row}
        joined = " ".join(cells.get(k, "") for k in ("item", "control_point", "problem"))
        written = self.categories.get(norm(cells.get("category", ""))) if cells.get("category") else None
        big = read_bigdata_id(joined, written, self.taxonomy)  # 安全计算环境 BDS-L3-05, or an old BD- id
        ids = ([big] if big else []) + _ID.findall(joined.upper())
        if ids:
            known = [self.index.by_id[i] for i in dict.fromkeys(ids) if i in self.index.by_id]
            if known:
                return known, "id"
            plan.left_out.append(issue("problem_unknown_id", **where, value=ids[0], level=self.level))
            return None
        category = self.categories.get(norm(cells.get("category", ""))) if cells.get("category") else None
        cp, letter = cells.get("control_point", ""), None
        for source in (cells.get("item", ""), cp):
            m = _LETTER.match(source)
            if m:
                letter = m.group("letter").lower()
                cp = cp if (cp and source != cp) else m.group("cp").strip(" -_:、,/")
                break
        if cp and letter:
            found = [m for m in self.index.lookup(cp, letter) if category is None or m.item.category == category]
            if len(found) > 1:  # a problem list names general items unless it says otherwise
                found = [m for m in found if m.item.scope == "general"] or found
            if len(found) == 1:
                return [found[0].item], "control point" if found[0].via == "exact" else "level name"
            pool = [m.item for m in found]
            if not pool:
                others = self.index.other_levels("general", cp, letter)
                if others:
                    plan.left_out.append(issue("problem_other_level", **where, what=f"{cp} {letter})",
                                               level=self.level, items=self._all(others)))  # fmt: skip
                    return None
                pool = [i for i in self.index.named(cp) if category is None or i.category == category]
        elif cp:
            pool = [i for i in self.index.named(cp) if category is None or i.category == category]
            pool = list({i.id: i for i in pool}.values())
            if not pool:
                plan.left_out.append(issue("problem_no_control_point", **where, what=cp, level=self.level))
                return None
        else:
            pool = [i for i in self.items if category is None or i.category == category]
        choice = decide_by_text(text, pool, minimum=self.minimum, margin=self.margin) if text and pool else None
        if choice is not None and choice.chosen is not None:
            plan.decisions.append(issue("problem_by_text", **where, number=cells.get("number", ""),
                                        item=self.describe(choice.chosen), score=f"{choice.score:.2f}"))  # fmt: skip
            return [choice.chosen], "text"
        if cp and pool and len({(i.scope, i.category, i.control_point) for i in pool}) == 1:
            plan.decisions.append(issue("problem_whole_control_point", **where, number=cells.get("number", ""),
                                        what=cp, count=len(pool), items=self._all(pool)))  # fmt: skip
            return pool, "control point (all items)"
        guesses = [i for i, s in (choice.ranked if choice else ()) if s > 0][:3]
        plan.left_out.append(issue("problem_unplaced", **where, number=cells.get("number", ""),
                                   guesses=self._all(guesses) if guesses else Both("无", "none")))  # fmt: skip
        return None

    def _all(self, items: Sequence[Item]) -> Both:
        return Both("；".join(self.describe(i).zh for i in items), "; ".join(self.describe(i).en for i in items))


def _header(rows: list[tuple[int, tuple[Any, ...]]], search: int) -> tuple[int, dict[str, int]] | None:
    """The header row of a problem table: it names the problem column and one that places it."""
    best = None
    for number, values in rows[:search]:
        found: dict[str, int] = {}
        for idx, value in enumerate(values):
            name = problem_header(value)
            if name and name not in found:
                found[name] = idx
        places = found.keys() & {"control_point", "item", "category", "trigger"}
        if "problem" in found and places and (best is None or len(found) > len(best[1])):
            best = (number, found)
    return best


def plan_backlog(
    data: bytes,
    filename: str,
    items: Sequence[Item],
    taxonomy: Taxonomy,
    *,
    every_item: Sequence[Item] = (),
    limits: ImportLimits | None = None,
) -> BacklogPlan:
    """Read a problem list (.xlsx or .docx) against the items of this year's assessment. Never raises for a bad
    file: the problem is in `errors`."""
    limits = limits or ImportLimits()
    if not items:
        raise ValueError("no catalogue items to place problems on")
    planner = _Planner(items, taxonomy, every_item)
    plan = BacklogPlan(level=planner.level)
    try:
        tables = read_tables(data, filename, limits)
    except WorkbookRejected as rejected:
        plan.errors.append(rejected.issue)
        return plan
    groups: dict[tuple[str, ...], list[tuple[Problem, dict[str, str]]]] = {}
    hazards: list[tuple[Problem, dict[str, str]]] = []
    for name, rows in tables:
        header = _header(rows, limits.header_search_rows)
        if header is None:
            continue
        header_row, cols = header
        plan.tables.append(name)
        fill: dict[str, str] = {}
        for number, values in rows:
            if number <= header_row:
                continue
            cells = {f: _clean(values[i]) if i < len(values) else "" for f, i in cols.items()}
            for f in ("category", "control_point"):  # merged cells: written once per group
                if cells.get(f):
                    fill[f] = cells[f]
                elif f in fill:
                    cells[f] = fill[f]
            if not cells.get("problem"):
                continue
            if problem_header(cells["problem"]) == "problem":
                continue  # the header repeated
            ok, risk = parse_risk_word(cells.get("risk", ""))
            if not ok:
                plan.left_out.append(issue("bad_risk", sheet=name, row=number, value=cells.get("risk", "")[:60]))
                continue
            placed = planner.place(name, number, cells, plan)
            if placed is None:
                continue
            found, how = placed
            problem = Problem(
                table=name, row=number, number=cells.get("number", ""), problem=cells["problem"],
                suggestion=cells.get("suggestion", ""), risk=risk, triggers=_triggers(cells.get("trigger", "")),
                item_ids=tuple(i.id for i in found), how=how,
            )  # fmt: skip
            plan.problems.append(problem)
            if problem.triggers and "risk" not in cols and "suggestion" not in cols:
                hazards.append((problem, cells))  # a table of hazards: they attach to the problems they concern
            else:
                groups.setdefault(problem.item_ids, []).append((problem, cells))
    for hazard, _cells in hazards:
        target = next((k for k in groups if set(k) & set(hazard.item_ids)), None)
        if target is None:
            groups[hazard.item_ids] = [(hazard, _cells)]
            continue
        first = groups[target][0][0]
        groups[target].append((hazard, _cells))
        plan.decisions.append(
            issue("hazard_attached", sheet=hazard.table, row=hazard.row, codes=", ".join(hazard.triggers),
                  number=first.number or str(first.row))
        )  # fmt: skip
    merged = _merge_overlapping(groups)
    by_id = {i.id: i for i in items}
    for item_ids, members in merged:
        problems = [p for p, _c in members if not (p.triggers and p.risk is None and not p.suggestion)] or [
            p for p, _c in members
        ]
        if len(problems) > 1:
            plan.decisions.append(issue("problems_merged", sheet=problems[0].table, row=problems[0].row,
                                        numbers="、".join(p.number or str(p.row) for p in problems),
                                        items=", ".join(item_ids)))  # fmt: skip
        first_item = by_id[item_ids[0]]
        risks = [p.risk for p, _c in members if p.risk is not None]
        title = "；".join(dict.fromkeys(p.problem for p in problems))
        action = "；".join(dict.fromkeys(p.suggestion for p in problems if p.suggestion))
        codes = tuple(dict.fromkeys(c for p, _c in members for c in p.triggers))
        refs = ", ".join(f"{p.table}#{p.number or p.row}" for p in problems)
        plan.drafts.append(
            TaskDraft(
                key=_key(title, item_ids),
                item_ids=item_ids,
                scope=first_item.scope,
                category=first_item.category,
                control_point=first_item.control_point,
                control_point_zh=first_item.control_point_zh,
                control_point_en=first_item.control_point_en,
                title_zh=title,
                title_en=title,
                action_zh=action,
                action_en=action,
                risk=max(risks, key=_RISK_ORDER.__getitem__) if risks else None,
                case_ids=(),
                points=0.0,
                priority=len(plan.drafts) + 1,
                origin=ORIGIN,
                origin_ref=refs[:200],
                hazard_codes=codes,
            )
        )
    if not plan.tables:
        plan.errors.append(issue("no_problem_table", rows=limits.header_search_rows))
    return plan


def _merge_overlapping(groups: dict[tuple[str, ...], list]) -> list[tuple[tuple[str, ...], list]]:
    """Groups of problems whose items overlap become one group (one task covers an item once)."""
    merged: list[tuple[set[str], list]] = []
    for ids, members in groups.items():
        hit = [m for m in merged if m[0] & set(ids)]
        target = (set(ids), list(members))
        for m in hit:
            target[0].update(m[0])
            target[1][:0] = m[1]
            merged.remove(m)
        merged.append(target)
    order: dict[str, int] = {}
    for ids in groups:
        for i in ids:
            order.setdefault(i, len(order))
    return [(tuple(sorted(ids, key=order.__getitem__)), members) for ids, members in merged]
