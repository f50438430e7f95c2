"""`mlps applicability`: which extensions apply to a described system, and its statement of applicability.

    mlps applicability --level 3 --profile profile.json
    mlps applicability --level 2 --profile '{"cloud_role": "customer", "cloud_platform": {"name": "阿里云"}}'
    mlps applicability --level 3 --profile p.json --overrides '[{"item_id": "L3-PES1-01", "reason": "…"}]'
    mlps applicability --level 3 --profile p.json --format csv      # the statement rows only

JSON output: level, catalogue_version, extensions (each with applies and its reason in zh and en), platform,
findings, suggestions (keyword hints from the description the profile does not reflect), counts, rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from mlps.cli import UsageError
from mlps.rules.applicability import (
    ROW_FIELDS,
    parse_overrides,
    profile_from_dict,
    statement_of_applicability,
    statement_to_dict,
)
from mlps.rules.catalogue import load_catalogue


def read_json_argument(text: str, option: str) -> Any:
    """A JSON value given inline (starting with { or [) or as the path of a JSON file."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        source, where = stripped, "inline JSON"
    else:
        path = Path(stripped)
        if not path.is_file():
            raise UsageError(f"{option}: no such file '{text}' (give a JSON file or inline JSON starting with {{)")
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"{option}: '{text}' is not UTF-8 text") from None
        where = f"file '{text}'"
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{option}: {where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def cmd_applicability(args: argparse.Namespace) -> int:
    try:
        profile = profile_from_dict(read_json_argument(args.profile, "--profile"))
        overrides = parse_overrides(read_json_argument(args.overrides, "--overrides")) if args.overrides else []
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    statement = statement_of_applicability(load_catalogue(args.controls), args.level, profile, overrides)
    data = statement_to_dict(statement)
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(ROW_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(data["rows"])
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "applicability",
        help="which extensions apply to a described system, and its statement of applicability",
    )
    p.add_argument("--level", type=int, required=True, choices=[1, 2, 3, 4])
    p.add_argument(
        "--profile",
        required=True,
        help="the system's profile: a JSON file or inline JSON (cloud_role, cloud_platform {name, level, "
        "filing_number}, hosted_entirely_on_cloud, mobile, mobile_apps, sensing_devices, industrial_control, "
        "big_data, description)",
    )
    p.add_argument(
        "--overrides",
        default=None,
        help="the user's judgements: a JSON file or inline JSON list of {item_id, reason, status}",
    )
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--controls", default=None, help="catalogue folder (default: the bundled controls/)")
    p.set_defaults(func=cmd_applicability)
