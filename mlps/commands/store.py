"""`mlps demo`: create or recreate the demo school in the database the settings name."""

from __future__ import annotations

import argparse
import json
import sys

from mlps import demo
from mlps.catalogue import load_catalogue
from mlps.settings import Settings
from mlps.store.db import open_store


def cmd_demo(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    sm = open_store(args.database or settings.database_url)
    if args.if_empty:
        created = demo.ensure(sm, load_catalogue())
    else:
        if demo.exists(sm) and not args.reset:
            print(json.dumps({"created": False, "reason": "the demo exists; use --reset to recreate it"}))
            return 0
        demo.ensure(sm, load_catalogue(), reset=True)
        created = True
    json.dump({"created": created, "organisation": demo.DEMO_NAME}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="create the demo school (secondary school with three systems)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--reset", action="store_true", help="delete the demo organisation and create it again")
    group.add_argument("--if-empty", action="store_true", help="create it only when the database has no organisation")
    p.add_argument("--database", default=None, help="database URL (default: MLPS_DATABASE_URL or data/mlps.db)")
    p.set_defaults(func=cmd_demo)
