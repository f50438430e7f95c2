"""The `mlps` command line: one subcommand per core capability, JSON (or CSV) on stdout.

Errors a user can cause print one clear line on stderr and exit with status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import json
import sys
from collections.abc import Callable, Sequence

from mlps.rules.catalogue import CatalogueError, item_rows, load_catalogue, meaning_fingerprints

CATALOGUE_COLUMNS = [
    "id",
    "level",
    "extension",
    "category",
    "control_point",
    "control_point_en",
    "clause",
    "letter",
    "tier",
    "weight",
    "methods",
    "requirement_zh",
    "requirement_en",
    "prev",
]


class UsageError(Exception):
    """Bad input from the user: reported as one line, exit status 2."""


def parse_extensions(text: str | None) -> list[str]:
    return [e.strip() for e in (text or "").split(",") if e.strip()]


def cmd_catalogue(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.controls)
    if args.level not in catalogue.levels():
        raise UsageError(f"level {args.level} has no catalogue; available: {catalogue.levels()}")
    try:
        items = catalogue.select(args.level, parse_extensions(args.extensions))
    except ValueError as exc:
        raise UsageError(f"{exc}; known: {', '.join(s for s in catalogue.taxonomy.scopes if s != 'general')}") from None
    if args.fingerprints:
        json.dump(meaning_fingerprints(catalogue), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    rows = item_rows(items)
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=CATALOGUE_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "methods": "|".join(row["methods"]), "prev": row["prev"] or ""})
    return 0


# Other capabilities register their subcommands from modules of their own: each module in this list has
# `register(subparsers)`, which adds a parser and sets `func` (taking the parsed args, returning an exit code).
COMMAND_MODULES: list[str] = [
    "mlps.cli.score",
    "mlps.cli.grade",
    "mlps.cli.obligations",
    "mlps.cli.applicability",
    "mlps.cli.report",
    "mlps.cli.exchange",
    "mlps.cli.admin",
    "mlps.cli.backup",
    "mlps.cli.collect",
    "mlps.cli.high_risk",
    "mlps.cli.security",
]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (and exits 2), like every other error of the CLI."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog.split()[0]} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlps", description="MLPS 2.0 workbench command line")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        if importlib.util.find_spec(name) is not None:  # modules land one capability at a time
            importlib.import_module(name).register(sub)
    p = sub.add_parser("catalogue", help="list the requirement items of a level and its extensions")
    p.add_argument("--level", type=int, required=True, choices=[1, 2, 3, 4])
    p.add_argument("--extensions", default="", help="comma-separated: cloud,mobile,iot,ics,bigdata")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--controls", default=None, help="catalogue folder (default: the bundled controls/)")
    p.add_argument("--fingerprints", action="store_true", help="print each file's version and meaning hash")
    p.set_defaults(func=cmd_catalogue)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (UsageError, CatalogueError, ValueError) as exc:
        print(f"mlps {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except (LookupError, PermissionError) as exc:  # an unknown user, organisation, system ...; not allowed
        print(f"mlps {args.command}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=sys.stderr)
        return 2
    except Exception as exc:  # anything else: still one line, never a traceback
        first = str(exc).splitlines()[0][:300] if str(exc) else ""
        print(f"mlps {args.command}: {type(exc).__name__}: {first}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
