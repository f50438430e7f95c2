"""`mlps setup-token` (the one-time token for the first administrator) and the account commands an
administrator needs at the server: `mlps user unlock | email | password`."""

from __future__ import annotations

import argparse
import json
import os
import sys

from mlps.adapters.store.db import open_store
from mlps.cli import UsageError
from mlps.services import accounts
from mlps.settings import Settings


def _store(args: argparse.Namespace):
    return open_store(args.database or Settings.from_env().database_url)


def _print(data: dict) -> int:
    json.dump(data, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cmd_setup_token(args: argparse.Namespace) -> int:
    token = accounts.issue_setup_token(_store(args))
    if token is None:
        if args.if_needed:
            return _print({"setup_token": None, "reason": "the workbench has accounts"})
        raise UsageError("the workbench already has accounts; a setup token is only for the first administrator")
    print(f"First administrator: enter this one-time setup token on the first page: {token}", file=sys.stderr)
    return _print({"setup_token": token})


def cmd_user_unlock(args: argparse.Namespace) -> int:
    sm = _store(args)
    return _print({"username": args.username, "was_waiting": accounts.unlock(sm, args.username, by="cli")})


def cmd_user_email(args: argparse.Namespace) -> int:
    accounts.set_email(_store(args), args.username, args.email, by="cli")
    return _print({"username": args.username, "email": args.email, "confirmed": False})


def cmd_user_password(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else os.environ.get("MLPS_NEW_PASSWORD", "")
    if not password:
        raise UsageError("give the new password on standard input with --password-stdin (or in MLPS_NEW_PASSWORD)")
    sm = _store(args)
    ended = accounts.reset_password(sm, args.username, password, by="cli")
    return _print({"username": args.username, "sessions_ended": ended})


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("setup-token", help="print a one-time token for creating the first administrator")
    p.add_argument("--if-needed", action="store_true", help="print nothing (exit 0) when accounts exist")
    p.add_argument("--database", default=None)
    p.set_defaults(func=cmd_setup_token)


def register_user_commands(usub: argparse._SubParsersAction) -> None:
    unlock = usub.add_parser("unlock", help="clear an account's sign-in wait after failed attempts")
    unlock.add_argument("username")
    unlock.add_argument("--database", default=None)
    unlock.set_defaults(func=cmd_user_unlock)
    email = usub.add_parser("email", help="set an account's e-mail for single sign-on (its owner confirms it)")
    email.add_argument("username")
    email.add_argument("email", help="the address; an empty string clears it")
    email.add_argument("--database", default=None)
    email.set_defaults(func=cmd_user_email)
    pw = usub.add_parser("password", help="reset an account's password (ends its sessions)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    pw.add_argument("--database", default=None)
    pw.set_defaults(func=cmd_user_password)
