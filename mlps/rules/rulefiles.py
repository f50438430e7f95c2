"""The one way to find and read the rule files in `mlps/controls/` (catalogue, taxonomy, scoring methods,
obligations, wizard presets, high-risk cases, Excel vocabulary, ...).

The files ship inside the package. `$MLPS_CONTROLS_DIR` points the app and the CLI at another folder: a file
found there replaces the bundled one of the same name. Reading is cached per path and modification time, so a
changed file is read again and an unchanged one is parsed once per process. Each rule module validates what it
reads into its own typed model and names the file and entry in every error.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONTROLS_DIR = Path(__file__).resolve().parent.parent / "controls"  # the bundled rule files (package data)
CONTROLS_ENV = "MLPS_CONTROLS_DIR"  # points the app and the CLI at another folder


class RuleFileError(ValueError):
    """A rule file that cannot be read: missing, or not YAML. The message names the file."""


def controls_dir() -> Path:
    """The folder rule files are read from: $MLPS_CONTROLS_DIR when set, else the bundled one."""
    env = os.environ.get(CONTROLS_ENV)
    return Path(env) if env else CONTROLS_DIR


def rule_file(name: str) -> Path:
    """`name` in $MLPS_CONTROLS_DIR when that folder has it, else the bundled file."""
    env = os.environ.get(CONTROLS_ENV)
    if env and (Path(env) / name).is_file():
        return Path(env) / name
    return CONTROLS_DIR / name


def read_yaml(path: Path | str) -> Any:
    """The parsed YAML of a rule file, cached per path and modification time."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        raise RuleFileError(f"{p.name}: not found at {p}") from None
    return _read(str(p), mtime)


@lru_cache(maxsize=64)
def _read(path: str, _mtime: int) -> Any:
    name = Path(path).name
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or exc
        raise RuleFileError(f"{name}: not valid YAML ({exc.__class__.__name__}: {problem})") from None
    except UnicodeDecodeError:
        raise RuleFileError(f"{name}: not UTF-8 text") from None
