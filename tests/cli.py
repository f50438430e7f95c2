"""Run the `mlps` command in this process, as a test would read a subprocess: exit code, stdout, stderr.

Every CLI test uses this (a subprocess per test cost about a second each); one test per command family still
runs the installed command for real (`python -m mlps`)."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass

from mlps.cli import main


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run(*args: str, stdin: str | None = None) -> Run:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's own usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = saved
    return Run(code, out.getvalue(), err.getvalue())
