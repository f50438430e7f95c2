"""`mlps demo`: create or recreate the demo school in the database the settings name."""

from __future__ import annotations

import argparse
import json
import os
import sys

from mlps.adapters.store.db import open_store
from mlps.cli import UsageError
from mlps.rules.catalogue import load_catalogue
from mlps.services import demo
from mlps.settings import Settings


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
    register_users(sub)


def cmd_user_add(args: argparse.Namespace) -> int:
    from mlps.services import accounts

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else os.environ.get("MLPS_NEW_PASSWORD", "")
    if not password:
        raise UsageError("give the password on standard input with --password-stdin (or in MLPS_NEW_PASSWORD)")
    sm = open_store(args.database or Settings.from_env().database_url)
    actor = accounts.create_user(sm, args.username, password, by="cli", is_admin=args.admin, display_name=args.display)
    json.dump({"username": actor.username, "is_admin": actor.is_admin}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cmd_user_role(args: argparse.Namespace) -> int:
    from mlps.rules.auth import Role
    from mlps.services import accounts

    sm = open_store(args.database or Settings.from_env().database_url)
    role = None if args.role == "none" else Role.parse(args.role)
    accounts.set_role(sm, args.username, args.organisation, role, by="cli")
    json.dump({"username": args.username, "organisation": args.organisation, "role": args.role}, sys.stdout)
    sys.stdout.write("\n")
    return 0


def register_users(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="manage local accounts")
    usub = p.add_subparsers(dest="user_command", required=True)
    add = usub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--display", default="")
    add.add_argument("--admin", action="store_true", help="site administrator")
    add.add_argument("--password-stdin", action="store_true")
    add.add_argument("--database", default=None)
    add.set_defaults(func=cmd_user_add)
    role = usub.add_parser("role", help="give an account a role in an organisation")
    role.add_argument("username")
    role.add_argument("--organisation", type=int, required=True)
    role.add_argument("--role", required=True, choices=["admin", "assessor", "viewer", "none"])
    role.add_argument("--database", default=None)
    role.set_defaults(func=cmd_user_role)
    from mlps.cli.security import register_user_commands

    register_user_commands(usub)
