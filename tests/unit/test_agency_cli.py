"""`mlps score WORKBOOK.xlsx` scores an agency workbook exactly as the CSV path scores the same results, and
`mlps xlsx-check` says ok with warnings when only non-blocking findings remain."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.data.xlsx.agency import HERE, agency_l2_cloud
from tests.unit.test_exchange_cli import mlps  # noqa: F401  (the in-process command fixture)


def test_scoring_a_workbook_equals_scoring_its_results_as_a_csv(mlps, tmp_path: Path):  # noqa: F811
    book = tmp_path / "agency.xlsx"
    book.write_bytes(agency_l2_cloud())
    check = mlps("xlsx-check", str(book), "--level", "2", "--extensions", "cloud", "--rows")
    plan = json.loads(check.stdout)
    assert check.returncode == 0 and plan["ok"] is True and plan["counts"]["left_out"] == 3
    assert plan["warnings"] and plan["decisions"] and check.stderr == ""
    assert {i["code"] for i in plan["left_out"]} == {"other_level", "no_match"}  # names other levels' items
    table = tmp_path / "results.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["item_id", "result", "object"])
        for sheet in plan["sheets"]:
            for row in sheet.get("rows", []):
                out.writerow([row["item_id"], row["result"], row["assessed_object"]])
    from_book = mlps("score", str(book), "--level", "2", "--extensions", "cloud", "--format", "json")
    from_csv = mlps("score", str(table), "--level", "2", "--extensions", "cloud", "--format", "json")
    assert from_book.returncode == 0 and from_csv.returncode == 0, from_book.stderr
    scored_book, scored_csv = json.loads(from_book.stdout), json.loads(from_csv.stdout)
    workbook = scored_book.pop("workbook")
    assert scored_book == scored_csv  # the same method, numbers and reasons, whatever the method is
    assert workbook["results"] == 35 and workbook["left_out"] == 3
    assert "出口防火墙" in workbook["assessed_objects"]


def test_the_committed_workbooks_are_what_the_generator_builds(mlps):  # noqa: F811
    for name in ("agency_l2_cloud.xlsx", "agency_l3_cloud.xlsx"):
        out = mlps("xlsx-check", str(HERE / name), "--level", name[8], "--extensions", "cloud")
        assert out.returncode == 0 and json.loads(out.stdout)["ok"] is True


def test_a_workbook_that_is_not_one_is_bad_input_with_one_line(mlps, tmp_path: Path):  # noqa: F811
    bad = tmp_path / "report.xlsx"
    bad.write_bytes(b"%PDF-1.7 not a workbook")
    out = mlps("score", str(bad), "--level", "2", "--format", "json")
    assert out.returncode == 2 and out.stdout == "" and out.stderr.count("\n") == 1
    assert "not an Excel .xlsx file" in out.stderr and "Traceback" not in out.stderr
