"""`mlps backup --out FILE` and `mlps restore FILE [--yes]`: the whole database, attachments included, in one
archive verified by checksum on restore."""

from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy.engine import make_url

from mlps.adapters.store import backup as bk
from mlps.adapters.store.db import make_engine, open_store
from mlps.cli import UsageError
from mlps.settings import Settings


def _url(args: argparse.Namespace) -> str:
    return args.database or Settings.from_env().database_url


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def cmd_backup(args: argparse.Namespace) -> int:
    url = _url(args)
    engine = make_engine(url)  # no migration: a backup never changes the database it copies
    try:
        summary = bk.backup(engine, args.out)
    except bk.BackupError as exc:
        raise UsageError(str(exc)) from None
    finally:
        engine.dispose()
    json.dump({"database": _shown(url), **summary.as_dict()}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    url = _url(args)
    try:
        if args.check:
            json.dump({"checked": True, **bk.describe(args.file)}, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
            return 0
        bk.verify(args.file, expect_sha256=args.expect_sha256)  # refused before the database is even opened
        sm = open_store(url)  # an empty target gets the schema; restore checks the revision again
        try:
            summary = bk.restore(sm, args.file, replace=args.yes, expect_sha256=args.expect_sha256)
        finally:
            sm.kw["bind"].dispose()
    except bk.NotEmptyError as exc:
        raise UsageError(
            f"{_shown(url)}: {exc}. Run again with --yes to replace it (back it up first with mlps backup)"
        ) from None
    except bk.BackupError as exc:
        raise UsageError(f"{exc}; nothing was restored") from None
    json.dump({"restored": True, "database": _shown(url), **summary.as_dict()}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="write the whole database, attachments included, to one archive")
    p.add_argument("--out", required=True, help="the archive to create (.zip); refused if it exists")
    p.add_argument("--database", default=None, help="database URL (default: MLPS_DATABASE_URL or data/mlps.db)")
    p.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="check a backup archive and restore it (replacing the database's contents)")
    r.add_argument("file", help="an archive made by mlps backup")
    r.add_argument("--yes", action="store_true", help="replace a database that already holds data")
    r.add_argument("--check", action="store_true", help="only check the archive and say what it holds")
    r.add_argument("--expect-sha256", default="", help="refuse unless the archive file has this sha256")
    r.add_argument("--database", default=None, help="database URL (default: MLPS_DATABASE_URL or data/mlps.db)")
    r.set_defaults(func=cmd_restore)
