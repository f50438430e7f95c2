"""`mlps xlsx-check` prints a workbook's import plan as JSON and exits 2 when it has errors, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlps.cli import main
from tests.conftest import ROOT
from tests.data.xlsx import agency_workbook, workbook


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def mlps(capsys):
    """Run the command line in this process (the way `mlps` runs it), capturing its output."""

    def run(*args: str) -> Run:
        code = main(list(args))
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def test_the_installed_command_runs_it_end_to_end(tmp_path: Path):
    path = tmp_path / "agency.xlsx"
    path.write_bytes(agency_workbook())
    args = [sys.executable, "-m", "mlps", "xlsx-check", str(path), "--level", "3"]
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["counts"]["results"] == 12


def test_a_valid_agency_workbook_prints_the_mapping_and_exits_0(mlps, tmp_path: Path):
    path = tmp_path / "agency.xlsx"
    path.write_bytes(agency_workbook())
    out = mlps("xlsx-check", str(path), "--level", "3", "--format", "json", "--rows")
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["ok"] is True and plan["errors"] == []
    assert plan["counts"]["results"] == 12 and plan["counts"]["by_result"]["nonconform"] == 2
    sheets = {s["sheet"]: s for s in plan["sheets"]}
    assert sheets["物理机房"]["assessed_object"] == "物理机房"
    assert sheets["物理机房"]["rows"][0] == {
        "row": 4,
        "item_id": "L3-PES1-01",
        "assessed_object": "物理机房",
        "result": "conform",
        "how": "control point",
    }


def test_rows_left_out_are_listed_with_sheet_row_and_column_and_the_rest_is_ok(mlps, tmp_path: Path):
    path = tmp_path / "bad.xlsx"
    rows = [["控制点", "测评项", "符合情况"], ["防火", "a)", "OK"], ["防火", "b)", "符合"]]
    path.write_bytes(workbook({"机房": rows}))
    out = mlps("xlsx-check", str(path), "--level", "3", "--lang", "en")
    assert out.returncode == 0
    plan = json.loads(out.stdout)
    assert plan["ok"] is True and plan["counts"]["results"] == 1 and plan["counts"]["left_out"] == 1
    [error] = plan["left_out"]
    assert {k: error[k] for k in ("sheet", "row", "column", "header", "code")} == {
        "sheet": "机房",
        "row": 2,
        "column": "C",
        "header": "符合情况",
        "code": "bad_result",
    }
    assert error["where"] == "sheet '机房', row 2, column C (符合情况)"
    assert error["suggestion"] == "Change it to 符合, 部分符合, 不符合 or 不适用 and import again."
    assert out.stderr == ""


def test_a_file_that_is_not_xlsx_is_a_plan_error_not_a_traceback(mlps, tmp_path: Path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    out = mlps("xlsx-check", str(path), "--level", "2")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert [e["code"] for e in json.loads(out.stdout)["errors"]] == ["not_xlsx"]


def test_a_missing_file_or_an_unknown_extension_is_a_usage_error(mlps, tmp_path: Path):
    out = mlps("xlsx-check", str(tmp_path / "nope.xlsx"), "--level", "3")
    assert out.returncode == 2 and out.stdout == ""
    assert "nope.xlsx: no such file" in out.stderr
    out = mlps("xlsx-check", str(tmp_path / "nope.xlsx"), "--level", "3", "--extensions", "blockchain")
    assert out.returncode == 2 and "unknown extension(s): blockchain" in out.stderr
