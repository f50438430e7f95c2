"""`mlps collect`: the single-file bundle runs with nothing but the standard library, in Python 3.8 syntax, and
writes nothing under the tree it reads."""

from __future__ import annotations

import ast
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlps.adapters.collector import package
from tests.conftest import ROOT

TREES = Path(__file__).resolve().parents[1] / "data" / "collector"
CORE = Path(package.__file__).parent


def mlps(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlps", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def tree_state(root: Path) -> dict:
    """Every path under `root` with its content's sha256 (or 'dir'), its mode and modification time."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            out[str(p.relative_to(root))] = (digest, st.st_mode, st.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def pyz(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "collector.pyz"
    done = mlps("collect", "--bundle", str(out))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["bundle"] == str(out) and report["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    return out


def interpreters() -> list[str]:
    """python3, and a Python 3.8 where this machine has one (the oldest the collector promises to run on)."""
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.8*/bin/python3")))
    candidates += [p for p in [shutil.which("python3.8")] if p]
    for python in candidates:
        check = [python, "-c", "import sys; sys.exit(sys.version_info[:2] != (3, 8))"]
        if subprocess.run(check, capture_output=True).returncode == 0:
            return ["python3", python]
    return ["python3"]


@pytest.mark.parametrize("python", interpreters())
def test_bundle_runs_isolated_and_writes_nothing_under_root(pyz, python):
    tree = TREES / "weak"
    before = tree_state(tree)
    done = subprocess.run(
        [python, "-I", "-S", str(pyz), "--root", str(tree), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=pyz.parent,
        env={"PATH": os.environ["PATH"]},
    )
    assert done.returncode == 0, done.stderr
    assert tree_state(tree) == before
    assert sorted(p.name for p in pyz.parent.iterdir()) == ["collector.pyz"]  # nothing written beside it either
    bundle = json.loads(done.stdout)
    assert bundle["host"]["hostname"] == "db-02" and bundle["log_retention_days"] == 8
    f = {x["check"]: x for x in bundle["findings"]}
    assert f["accounts_uid0"]["verdict"] == "nonconform" and f["accounts_uid0"]["item_ids"] == [
        "L3-CES1-01",
        "L3-CES1-08",
    ]


def test_text_format_for_reading_on_the_server(pyz):
    done = subprocess.run(
        ["python3", "-I", "-S", str(pyz), "--root", str(TREES / "conform"), "--format", "text", "--level", "2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "web-01" in done.stdout and "189 days" in done.stdout and "L2-CES1-10" in done.stdout
    assert "登录日志留存约 189 天" in done.stdout


def test_bad_root_is_one_line_and_exit_2(pyz, tmp_path):
    done = subprocess.run(
        ["python3", "-I", "-S", str(pyz), "--root", str(tmp_path / "nope")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and done.stdout == "" and len(done.stderr.strip().splitlines()) == 1


def test_mlps_collect_reads_a_tree_as_json():
    done = mlps("collect", "--root", str(TREES / "conform"), "--level", "4")
    assert done.returncode == 0, done.stderr
    bundle = json.loads(done.stdout)
    assert bundle["log_retention_days"] == 189
    assert {x["check"]: x for x in bundle["findings"]}["time_sync"]["item_ids"] == ["L4-CES1-13", "L4-SMC1-13"]


@pytest.mark.parametrize("args", [["--root", "/no/such/dir"], ["--level", "7"], ["--bundle", "/no/such/dir/x.pyz"]])
def test_mlps_collect_bad_input(args):
    done = mlps("collect", *args)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_the_same_sources_give_the_same_bundle(tmp_path):
    a, b = tmp_path / "a.pyz", tmp_path / "b.pyz"
    assert mlps("collect", "--bundle", str(a)).returncode == 0
    assert mlps("collect", "--bundle", str(b)).returncode == 0
    assert a.read_bytes() == b.read_bytes()


STDLIB_ONLY_BANNED = (
    "removeprefix",
    "removesuffix",
    "zoneinfo",
    "tomllib",
    "functools.cache",
    "datetime.UTC",
    "import UTC",
    "graphlib",
)


@pytest.mark.parametrize("module", package.CORE_MODULES)
def test_core_modules_are_python_3_8_and_standard_library_only(module):
    source = (CORE / f"{module}.py").read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 8))  # refuses newer syntax (match, parenthesised with, ...)
    for banned in STDLIB_ONLY_BANNED:
        assert banned not in source, f"{module}.py uses {banned!r} (newer than Python 3.8)"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top == "__future__" or top in sys.stdlib_module_names, f"{module}.py imports {name}"
