"""`mlps collect`: run the read-only Linux collector here (JSON or text), or write it as one file for a server.

    mlps collect --root DIR [--level N] [--format json|text]   # read DIR (default /) as the machine's /
    mlps collect --bundle OUT [--level N]                       # write the single-file collector (a zipapp)

The collector itself is mlps.adapters.collector (standard library only); which items its findings are evidence
for comes from mlps/controls/collector.yaml (mlps.rules.collector), copied into the bundle.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

from mlps.adapters.collector.bundle import as_text, collect
from mlps.adapters.collector.package import build_zipapp
from mlps.cli import UsageError
from mlps.rules.collector import load_collector_map
from mlps.rules.levels import is_level


def run(args: argparse.Namespace) -> int:
    if args.level is not None and not is_level(args.level, assessed=True):
        raise UsageError(f"--level: must be 1, 2, 3 or 4, not {args.level}")
    cmap = load_collector_map()
    mapping = cmap.for_bundle()
    if args.level is not None:
        mapping["default_level"] = args.level
    if args.bundle:
        out = Path(args.bundle)
        if not out.parent.is_dir():
            raise UsageError(f"--bundle: the folder {out.parent} does not exist")
        data = build_zipapp(mapping)
        out.write_bytes(data)
        os.chmod(out, 0o755)
        json.dump(
            {
                "bundle": str(out),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "mapping_version": cmap.version,
                "default_level": mapping["default_level"],
                "run": f"python3 -I -S {out.name} --format text",
            },
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        sys.stdout.write("\n")
        return 0
    if not os.path.isdir(args.root):
        raise UsageError(f"--root: {args.root} is not a directory")
    bundle = collect(args.root, mapping, args.level or cmap.default_level)
    if args.format == "text":
        sys.stdout.write(as_text(bundle) + "\n")
    else:
        json.dump(bundle, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "collect",
        help="read-only Linux evidence collector (or --bundle OUT: write it as one file to run on a server)",
        description="Reads settings only; writes nothing on the machine it reads and sends nothing anywhere.",
    )
    p.add_argument("--root", default="/", help="read this directory as the machine's / (default: /)")
    p.add_argument("--level", type=int, default=None, help="the system's protection level (1-4), for the item ids")
    p.add_argument("--format", choices=["json", "text"], default="json")
    p.add_argument("--bundle", metavar="OUT", default=None, help="write the single-file collector (zipapp) to OUT")
    p.set_defaults(func=run)
