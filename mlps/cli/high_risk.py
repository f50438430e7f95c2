"""`mlps high-risk`: the cases of the 2025 high-risk guideline that apply at a level.

    mlps high-risk --level 3
    mlps high-risk --level 2 --extensions cloud,iot --format csv
    mlps high-risk --level 3 --condition business_continuity --condition cloud_customer   # only what these allow

Without --condition every case of the level is listed with the conditions it needs; with --condition (repeatable)
a conditional case is listed only when all its conditions are given. JSON: a list, each with `case`, `levels`,
`items` (the catalogue items at this level), `trigger`, `conditions`, `can_lower`, `title_zh`, `title_en`.
Bad input: one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from mlps.cli import UsageError, parse_extensions
from mlps.rules.high_risk import (
    ALL_CONDITIONS,
    CONDITIONS,
    EXTENSION_SCOPES,
    HighRiskError,
    SystemConditions,
    applicable_cases,
    load_guideline,
)

COLUMNS = ("case", "levels", "items", "trigger", "conditions", "can_lower", "title_zh", "title_en")


def _level(text: str) -> int:
    if text.strip() not in ("1", "2", "3", "4"):
        raise UsageError(f"--level must be 1, 2, 3 or 4, got {text!r}")
    return int(text)


def rows(level: int, extensions: list[str], conditions: SystemConditions) -> list[dict[str, Any]]:
    guideline = load_guideline()
    out = []
    for c in applicable_cases(guideline, level, extensions, conditions):
        out.append(
            {
                "case": c.case,
                "levels": list(c.levels),
                "items": list(c.items_at(level)),
                "trigger": c.trigger,
                "conditions": list(c.conditions),
                "can_lower": c.can_lower,
                "title_zh": c.title_zh,
                "title_en": c.title_en,
            }
        )
    return out


def cmd_high_risk(args: argparse.Namespace) -> int:
    level = _level(args.level)
    extensions = parse_extensions(args.extensions)
    unknown = [e for e in extensions if e not in EXTENSION_SCOPES]
    if unknown:
        raise UsageError(f"--extensions: unknown {', '.join(unknown)}; known: {', '.join(EXTENSION_SCOPES)}")
    if args.condition:
        bad = [c for c in args.condition if c not in CONDITIONS]
        if bad:
            raise UsageError(f"--condition: unknown {', '.join(bad)}; known: {', '.join(CONDITIONS)}")
        conditions = SystemConditions.of(args.condition)
    else:
        conditions = ALL_CONDITIONS
    try:
        data = rows(level, extensions, conditions)
    except HighRiskError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for r in data:
            writer.writerow(
                {
                    **r,
                    "levels": "|".join(map(str, r["levels"])),
                    "items": "|".join(r["items"]),
                    "conditions": "|".join(r["conditions"]),
                    "trigger": r["trigger"] or "",
                }  # fmt: skip
            )
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("high-risk", help="the 2025 high-risk guideline's cases that apply at a level")
    p.add_argument("--level", required=True, help="1, 2, 3 or 4")
    p.add_argument("--extensions", default="", help="comma-separated: " + ",".join(EXTENSION_SCOPES))
    p.add_argument(
        "--condition",
        action="append",
        default=[],
        help="a condition the system meets (repeatable): " + ", ".join(CONDITIONS),
    )
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.set_defaults(func=cmd_high_risk)
