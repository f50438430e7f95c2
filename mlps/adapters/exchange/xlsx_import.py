"""Build the ImportPlan of an .xlsx workbook, which the user reviews before anything is
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

from collections.abc import Sequence

from mlps.adapters.exchange.vocabulary import Issue, export_text, issue, norm, sheet_is_generic, sheet_is_skipped
from mlps.adapters.exchange.xlsx_context import ImportContext
from mlps.adapters.exchange.xlsx_export import PROP_LEVEL, PROP_MARKER
from mlps.adapters.exchange.xlsx_plan import EXACT_HOWS, ImportPlan, RowMatch, SheetPlan
from mlps.adapters.exchange.xlsx_read import ImportLimits, RawSheet, RawWorkbook, WorkbookRejected, read_workbook
from mlps.adapters.exchange.xlsx_rows import Row, SheetReader
from mlps.adapters.exchange.xlsx_values import cell_text, fmt_weight, is_blank
from mlps.rules.catalogue import Item, Taxonomy
from mlps.rules.domain import ItemResult


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
        if is_blank(first):
            break
        obj = cell_text(second).strip()
        out[cell_text(first).strip()] = "" if norm(obj) in whole else obj
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
    ctx = ImportContext(items, taxonomy, limits, level, extensions, every_item=every_item, known_objects=known)
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
    all_rows: list[tuple[SheetReader, list[Row]]] = []
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
        reader = SheetReader(raw, ctx, obj, plan)
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
                "weight_differs", sheet=sheet, row=number, item=ctx.describe(ours), theirs=fmt_weight(theirs),
                ours=fmt_weight(ours.weight), count=len(places),
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
