"""`mlps score RESULTS --level N [--extensions …] [--method …] --format json`: score an assessment from a CSV.

RESULTS has a header row with the columns item_id,result and optionally risk and object (also accepted:
assessed_object). Result words: conform, partial, nonconform, na (or 符合, 部分符合, 不符合, 不适用; empty or
not_assessed = not yet assessed); risk: high, medium, low (or 高, 中, 低), empty for none. UTF-8 (with or
without BOM) or GB18030, as Excel saves Chinese CSVs. A bad row exits 2 naming its row (the header is row 1) and column.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from mlps.cli import UsageError, parse_extensions
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import parse_result, parse_risk
from mlps.rules.hazards import Hazard, HazardError, check_hazard, parse_hazard_arg, tally
from mlps.rules.high_risk import CONDITIONS, LOWERING_BLOCKS, SystemConditions
from mlps.rules.risks import apply_decisions
from mlps.rules.scoring import score_assessment
from mlps.rules.scoring_methods import load_scoring_config
from mlps.rules.verdict2025 import method_for

CONDITION_NAMES = (*CONDITIONS, *LOWERING_BLOCKS)
REQUIRED = ("item_id", "result")
OPTIONAL = ("risk", "object", "assessed_object", "hazard")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "score", help="score an assessment from a results CSV (item_id,result[,risk][,object]) or an agency workbook"
    )
    p.add_argument(
        "results", help="CSV file with columns item_id,result[,risk][,object] ('-' reads stdin), or an .xlsx workbook"
    )
    p.add_argument("--level", type=int, required=True, choices=[1, 2, 3, 4])
    p.add_argument("--extensions", default="", help="comma-separated: cloud,mobile,iot,ics,bigdata")
    p.add_argument(
        "--method",
        default=None,
        help="scoring method: mlps2025, mlps2019 or deduction2021 (default: the one the report date gets)",
    )
    p.add_argument(
        "--report-date",
        default=None,
        help="the report's date, YYYY-MM-DD (default today): on or after 2025-03-20 the 2025 method applies",
    )
    p.add_argument(
        "--hazard",
        action="append",
        default=[],
        metavar="CODE[:remediated]",
        help="a major risk hazard by trigger code (A-01 … A-32), ':remediated' when remediated; repeatable",
    )
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("--top", type=int, default=10, help="how many items the explanation lists (default 10)")
    p.add_argument(
        "--suggest-risks",
        action="store_true",
        help="rate gaps matching a 2025 high-risk guideline case (high_risk_2025.yaml) as high",
    )
    p.add_argument(
        "--condition",
        action="append",
        default=[],
        help="with --suggest-risks, a condition the system meets (repeatable): " + ", ".join(CONDITION_NAMES),
    )
    p.add_argument("--controls", default=None, help="catalogue folder (default: the bundled controls/)")
    p.set_defaults(func=cmd_score)


def _read_text(name: str) -> tuple[str, str]:
    if name == "-":
        return sys.stdin.read(), "stdin"
    path = Path(name)
    if not path.is_file():
        raise UsageError(f"{name}: no such file")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), path.name
        except UnicodeDecodeError:
            continue
    raise UsageError(f"{path.name}: not UTF-8 or GB18030 text")


def read_results(text: str, shown: str, known_ids: set[str]) -> pd.DataFrame:
    """The results frame, indexed by row number (the header is row 1, as a spreadsheet shows it). Raises
    UsageError naming the row and column."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError(f"{shown}: the file is empty; it needs a header row item_id,result[,risk][,object]") from None
    except csv.Error as exc:
        raise UsageError(f"{shown} row 1: not valid CSV ({exc})") from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise UsageError(
            f"{shown} row 1: the header lacks column(s) {', '.join(missing)} (found: {', '.join(columns)})"
        )
    unknown = [c for c in columns if c and c not in REQUIRED + OPTIONAL]
    if unknown:
        raise UsageError(f"{shown} row 1: unknown column(s) {', '.join(unknown)}; use item_id,result[,risk][,object]")
    if "object" in columns and "assessed_object" in columns:
        raise UsageError(f"{shown} row 1: give either 'object' or 'assessed_object', not both")
    if len(set(columns)) != len(columns):
        raise UsageError(f"{shown} row 1: a column name appears twice")
    pos = {c: columns.index(c) for c in columns if c}
    obj_col = "object" if "object" in pos else "assessed_object" if "assessed_object" in pos else None
    rows, lines, seen = [], [], {}
    line = 1  # rows are numbered as a spreadsheet shows them: the header is row 1
    try:
        for record in reader:
            line += 1
            if not any(cell.strip() for cell in record):
                continue  # blank line
            if len(record) > len(columns):
                raise UsageError(f"{shown} row {line}: {len(record)} cells but the header has {len(columns)} columns")
            cell = {c: (record[i].strip() if i < len(record) else "") for c, i in pos.items()}
            item_id = cell["item_id"]
            if not item_id:
                raise UsageError(f"{shown} row {line}, column item_id: empty")
            if item_id not in known_ids:
                raise UsageError(
                    f"{shown} row {line}, column item_id: '{item_id}' is not an item of the level and extensions given"
                )
            try:
                result = parse_result(cell["result"])
            except ValueError as exc:
                raise UsageError(f"{shown} row {line}, column result: {exc}") from None
            try:
                risk = parse_risk(cell.get("risk", ""))
            except ValueError as exc:
                raise UsageError(f"{shown} row {line}, column risk: {exc}") from None
            hazard = cell.get("hazard", "")
            if hazard:
                try:
                    parse_hazard_arg(hazard)
                except HazardError as exc:
                    raise UsageError(f"{shown} row {line}, column hazard: {exc}") from None
            obj = cell.get(obj_col, "") if obj_col else ""
            key = (item_id, obj)
            if key in seen:
                where = f" on object '{obj}'" if obj else ""
                raise UsageError(f"{shown} row {line}: item {item_id}{where} already given on row {seen[key]}")
            seen[key] = line
            rows.append({"item_id": item_id, "result": result, "risk": risk, "assessed_object": obj, "hazard": hazard})
            lines.append(line)
    except csv.Error as exc:
        raise UsageError(f"{shown} row {line + 1}: not valid CSV ({exc})") from None
    frame = pd.DataFrame(
        rows, columns=["item_id", "result", "risk", "assessed_object", "hazard"], index=pd.Index(lines, name="row")
    )
    return frame.astype(object)


def parse_report_date(text: str | None) -> date | None:
    """--report-date: exactly YYYY-MM-DD (None when not given). Raises UsageError."""
    if text is None:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--report-date '{text}': use a real date written YYYY-MM-DD, e.g. 2025-03-20") from None


def gather_hazards(
    results: pd.DataFrame,
    given: list[str],
    level: int,
    extensions: list[str],
    selection: list[str],
    shown: str,
) -> list[Hazard]:
    """The hazards of the CSV's `hazard` column and of --hazard: one per distinct trigger code, from the items
    of the rows naming it, remediated when every mention says so. Raises UsageError naming the row or option."""
    mentions: dict[str, list[bool]] = {}
    items: dict[str, list[str]] = {}
    where: dict[str, str] = {}
    column = results["hazard"] if "hazard" in results.columns else [""] * len(results)  # a workbook has none
    for row, item_id, text in zip(results.index, results["item_id"], column, strict=True):
        if text:
            code, remediated = parse_hazard_arg(text)
            mentions.setdefault(code, []).append(remediated)
            items.setdefault(code, []).append(str(item_id))
            where.setdefault(code, f"{shown} row {row}, column hazard")
    for text in given:
        try:
            code, remediated = parse_hazard_arg(text)
        except HazardError as exc:
            raise UsageError(f"--hazard: {exc}") from None
        mentions.setdefault(code, []).append(remediated)
        where.setdefault(code, f"--hazard {text}")
    out = []
    for code in sorted(mentions):
        h = Hazard(code, item_ids=tuple(dict.fromkeys(items.get(code, ()))),
                   remediated_on=date.min if all(mentions[code]) else None)  # fmt: skip
        try:
            check_hazard(h, level, extensions, selection, require_record=False)
        except HazardError as exc:
            raise UsageError(f"{where[code]}: {exc}") from None
        out.append(h)
    return out


def cmd_score(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.controls)
    if args.level not in catalogue.levels():
        raise UsageError(f"level {args.level} has no catalogue; available: {catalogue.levels()}")
    extensions = parse_extensions(args.extensions)
    try:
        items = catalogue.select(args.level, extensions)
    except ValueError as exc:
        raise UsageError(f"{exc}; known: {', '.join(s for s in catalogue.taxonomy.scopes if s != 'general')}") from None
    config = load_scoring_config()
    if args.method is not None and args.method not in config.methods:
        raise UsageError(f"unknown method '{args.method}'; known: {', '.join(config.methods)}")
    if args.top < 0:
        raise UsageError("--top must be 0 or more")
    report_date = parse_report_date(args.report_date)
    try:
        conditions = SystemConditions.of(args.condition)
    except ValueError as exc:
        raise UsageError(f"--condition: {exc}") from None
    method = method_for(report_date, args.method)
    results, workbook = load_results(args.results, items, catalogue, args.level, extensions)
    shown = "stdin" if args.results == "-" else Path(args.results).name
    hazards = gather_hazards(results, args.hazard, args.level, extensions, [i.id for i in items], shown)
    if args.suggest_risks:
        results = apply_decisions(results, args.level, conditions=conditions)
    scored = score_assessment(
        results.drop(columns=["hazard"], errors="ignore"), items, method, config=config, hazards=tally(hazards)
    )
    out = {
        "level": args.level,
        "extensions": extensions,
        "catalogue_version": catalogue.version,
        "report_date": (report_date or date.today()).isoformat(),
        **scored.to_dict(args.top),
    }
    if workbook is not None:
        out["workbook"] = workbook
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def load_results(name: str, items, catalogue, level: int, extensions: list[str]) -> tuple[pd.DataFrame, dict | None]:
    """The results to score: a CSV as above, or an agency workbook (.xlsx) read as the import reads it (objects
    from the sheets; rows that cannot be placed are left out and counted). For a workbook, also a summary of
    its plan; a workbook that cannot be read or holds no result is bad input."""
    path = Path(name)
    if name != "-" and path.suffix.lower() == ".xlsx":
        from mlps.adapters.exchange import ImportLimits
        from mlps.services.agency_import import workbook_results

        if not path.is_file():
            raise UsageError(f"{name}: no such file")
        limits = ImportLimits()
        try:
            with path.open("rb") as fh:
                data = fh.read(limits.max_bytes + 1)
        except OSError as exc:
            raise UsageError(f"{name}: cannot be read ({exc.strerror or exc})") from None
        frame, plan = workbook_results(catalogue, level, extensions, data, limits)
        if not plan.ok:
            first = plan.errors[0]
            where = first.where("en")
            raise UsageError(f"{path.name}: {where + ': ' if where else ''}{first.message('en')}")
        if frame.empty:
            raise UsageError(f"{path.name}: no result could be placed on an item of level {level}")
        summary = {
            "sheets": plan.counts()["result_sheets"],
            "results": len(plan.results),
            "assessed_objects": sorted(plan.by_object()),
            "decisions": len(plan.decisions),
            "left_out": plan.left_out_count,
            "warnings": len(plan.warnings),
        }
        return frame, summary
    text, shown = _read_text(name)
    return read_results(text, shown, {i.id for i in items}), None
