"""`mlps xlsx-check FILE --level N [--extensions …]`: read a results workbook and print its import plan as JSON
(which sheet is which assessed object, rows mapped, counts, every error with sheet, row and column).
Nothing is written anywhere. Exit status 0 when the workbook could be imported as it is, 2 when it has errors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mlps.adapters.exchange import ImportLimits, plan_import
from mlps.cli import UsageError
from mlps.rules.catalogue import load_catalogue


def _extensions(text: str | None) -> list[str]:
    return [e.strip() for e in (text or "").split(",") if e.strip()]


def cmd_xlsx_check(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.controls)
    if args.level not in catalogue.levels():
        raise UsageError(f"level {args.level} has no catalogue; available: {catalogue.levels()}")
    try:
        items = catalogue.select(args.level, _extensions(args.extensions))
    except ValueError as exc:
        known = ", ".join(s for s in catalogue.taxonomy.scopes if s != "general")
        raise UsageError(f"{exc}; known: {known}") from None
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    limits = ImportLimits()
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)  # one byte more than allowed is enough to refuse it
    except OSError as exc:
        raise UsageError(f"{args.file}: cannot be read ({exc.strerror or exc})") from None
    objects = [o.strip() for o in args.objects.split(",")] if args.objects is not None else None
    plan = plan_import(data, items, catalogue.taxonomy, objects=objects, limits=limits, every_item=catalogue.items)
    json.dump(plan.as_dict(args.lang, rows=args.rows), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    if plan.errors:
        first = plan.errors[0]
        where = first.where(args.lang)
        print(
            f"mlps xlsx-check: {plan.error_count} error(s); first: {where + ': ' if where else ''}"
            f"{first.message(args.lang)}",
            file=sys.stderr,
        )
        return 2
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "xlsx-check",
        help="check a results workbook (.xlsx) and print its import plan; exit 2 when it has errors",
    )
    p.add_argument("file", help="the .xlsx workbook: our export or an agency's workbook")
    p.add_argument("--level", type=int, required=True, choices=[1, 2, 3, 4])
    p.add_argument("--extensions", default="", help="comma-separated: cloud,mobile,iot,ics,bigdata")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of messages (default zh)")
    p.add_argument("--objects", default=None, help="comma-separated assessed objects the assessment already has")
    p.add_argument("--rows", action="store_true", help="also list each row's item mapping")
    p.add_argument("--controls", default=None, help="catalogue folder (default: the bundled controls/)")
    p.set_defaults(func=cmd_xlsx_check)
