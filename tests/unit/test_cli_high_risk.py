"""`mlps high-risk --level N` lists the 2025 guideline's cases that apply at that level as JSON (or CSV); bad
input is one line on stderr and exit 2."""

from __future__ import annotations

import csv
import io
import json

import pytest

from mlps.cli import main


@pytest.fixture
def mlps(capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_level_3_lists_the_general_cases_with_their_items_at_that_level(mlps):
    code, out, err = mlps("high-risk", "--level", "3")
    assert code == 0 and err == ""
    rows = json.loads(out)
    assert set(rows[0]) == {"case", "levels", "items", "trigger", "conditions", "can_lower", "title_zh", "title_en"}
    by_case = {r["case"]: r for r in rows}
    assert len(rows) == 40  # the 42 general cases less the two for level 4 only (6.1.3.2, 6.4.6.3)
    assert by_case["6.4.1.1"]["items"] == ["L3-CES1-01"] and by_case["6.4.1.1"]["trigger"] == "A-18"
    assert by_case["6.4.1.1"]["levels"] == [2, 3, 4]
    assert by_case["6.1.3.1"]["conditions"] == ["business_continuity"]
    assert "弱口令" in by_case["6.4.1.1"]["title_zh"] and by_case["6.4.1.1"]["title_en"]
    assert all(r["case"].startswith("6.") for r in rows)


def test_extensions_and_conditions_narrow_the_list(mlps):
    rows = json.loads(mlps("high-risk", "--level", "2", "--extensions", "cloud")[1])
    cases = {r["case"] for r in rows}
    assert {"7.1.1.1", "7.4.3.1", "7.6.1.1"} <= cases and "7.3.2.1" not in cases  # 7.3.2.1 from level 3
    assert "6.1.1.1" not in cases and "6.4.1.1" in cases
    args = ("high-risk", "--level", "2", "--extensions", "cloud", "--condition", "cloud_customer")
    customer = json.loads(mlps(*args)[1])
    assert {r["case"] for r in customer if r["case"].startswith("7.")} == {"7.3.1.1", "7.4.3.1", "7.6.1.1"}
    level4 = {r["case"] for r in json.loads(mlps("high-risk", "--level", "4", "--extensions", "mobile")[1])}
    assert {"8.1.1.1", "6.1.3.2", "6.4.6.3"} <= level4


def test_csv_has_one_row_per_case(mlps):
    code, out, _ = mlps("high-risk", "--level", "2", "--extensions", "ics,iot", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["case"] for r in rows} >= {"10.1.1.1", "9.2.1.1"}
    assert next(r for r in rows if r["case"] == "9.2.1.1")["items"] == "L2-ABS4-01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--level", "5"), "--level must be 1, 2, 3 or 4, got '5'"),
        (("--level", "three"), "--level must be 1, 2, 3 or 4"),
        (("--level", "3", "--extensions", "cloud,space"), "--extensions: unknown space"),
        (("--level", "3", "--condition", "big_school"), "--condition: unknown big_school"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(mlps, args, message):
    code, out, err = mlps("high-risk", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("mlps high-risk:")
