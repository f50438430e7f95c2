"""`mlps score` under the 2025 method: the JSON fields of issue 14, hazards from --hazard and from the CSV's
`hazard` column, the method chosen by the report date, and bad input as one line with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlps.cli import main
from mlps.rules.catalogue import load_catalogue

FIELDS = {"method", "rate", "rate_range", "conclusion", "conclusion_code", "boundary", "hazards", "high_risks",
          "reason"}  # fmt: skip


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def csv(tmp_path: Path, rows: list[str], header: str = "item_id,result,risk,hazard") -> str:
    p = tmp_path / "r.csv"
    p.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(p)


def level2(n_nonconform: int, n_partial: int = 0) -> list[str]:
    """Every level-2 item: the first n nonconform, the next m partial, the rest conform."""
    ids = [i.id for i in load_catalogue().select(2)]
    return [
        f"{i},{'nonconform' if k < n_nonconform else 'partial' if k < n_nonconform + n_partial else 'conform'},,"
        for k, i in enumerate(ids)
    ]


def test_fields_and_hazards_from_the_column_and_the_option(capsys, tmp_path):
    rows = level2(0)
    rows[ids_index("L2-CES1-01")] = "L2-CES1-01,nonconform,high,A-18"
    rows[ids_index("L2-CES1-19")] = "L2-CES1-19,nonconform,high,A-26:remediated"
    code, out, err = run(capsys, "score", csv(tmp_path, rows), "--level", "2", "--hazard", "A-29", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert set(d) >= FIELDS
    assert d["method"] == "mlps2025"  # no --method, no --report-date: today's date picks the 2025 method
    assert d["rate"] == round(100 * 133 / 135, 2) and d["rate_range"] == [d["rate"], d["rate"]]
    assert d["hazards"] == {"count": 3, "remediated": 1, "codes": ["A-18", "A-26", "A-29"],
                            "text_zh": "3（1个已整改）", "text_en": "3 (1 remediated)"}  # fmt: skip
    assert (d["conclusion"], d["conclusion_code"], d["boundary"]) == ("基本符合", "basic", False)  # open hazards
    assert d["high_risks"] == 2
    assert "A-18" in d["reason"]["zh"] and "A-29" in d["reason"]["en"]


def ids_index(item_id: str) -> int:
    return [i.id for i in load_catalogue().select(2)].index(item_id)


def test_every_row_must_say_remediated_for_the_hazard_to_be_remediated(capsys, tmp_path):
    rows = level2(0)
    rows[ids_index("L2-CES1-01")] = "L2-CES1-01,nonconform,high,A-18:remediated"
    rows[ids_index("L2-CES1-02")] = "L2-CES1-02,nonconform,high,A-18"
    d = json.loads(run(capsys, "score", csv(tmp_path, rows), "--level", "2")[1])
    assert d["hazards"]["count"] == 1 and d["hazards"]["remediated"] == 0
    rows[ids_index("L2-CES1-02")] = "L2-CES1-02,nonconform,high,A-18:remediated"
    d = json.loads(run(capsys, "score", csv(tmp_path, rows), "--level", "2")[1])
    assert d["hazards"]["remediated"] == 1
    assert (d["conclusion_code"], d["rate"]) == ("conform", round(100 * 133 / 135, 2))  # > 90, nothing open


@pytest.mark.parametrize(
    ("nonconform", "partial", "code", "boundary", "depends"),
    [
        (0, 0, "conform", False, False),  # 100.00
        (13, 0, "conform", False, False),  # 90.37
        (0, 27, "basic", True, True),  # 90.00 exactly; 80.00 .. 100.00 over the reading of partial
        (14, 0, "basic", False, False),  # 89.63
        (27, 0, "basic", False, False),  # 80.00
        (54, 0, "basic", True, False),  # 60.00 exactly
        (55, 0, "nonconform", False, False),  # 59.26
        (40, 20, "basic", False, True),  # 62.96; 55.56 .. 70.37 over the reading of partial
    ],
)
def test_rule_table_through_the_command(capsys, tmp_path, nonconform, partial, code, boundary, depends):
    d = json.loads(run(capsys, "score", csv(tmp_path, level2(nonconform, partial)), "--level", "2",
                       "--report-date", "2025-03-20")[1])  # fmt: skip
    assert d["method"] == "mlps2025"
    assert d["rate"] == round(100 * (135 - nonconform - 0.5 * partial) / 135, 2)
    low, high = 100 * (135 - nonconform - partial) / 135, 100 * (135 - nonconform) / 135
    assert d["rate_range"] == [round(low, 2), round(high, 2)]
    assert (d["conclusion_code"], d["boundary"], d["depends_on_partial"]) == (code, boundary, depends)


def test_the_report_date_picks_the_method(capsys, tmp_path):
    path = csv(tmp_path, level2(1))
    assert (
        json.loads(run(capsys, "score", path, "--level", "2", "--report-date", "2025-03-20")[1])["method"] == "mlps2025"
    )
    old = json.loads(run(capsys, "score", path, "--level", "2", "--report-date", "2025-03-19")[1])
    assert old["method"] == "mlps2019" and old["conclusion"] in ("优", "良", "中", "差")
    chosen = json.loads(run(capsys, "score", path, "--level", "2", "--method", "deduction2021")[1])
    assert chosen["method"] == "deduction2021"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hazard", "A-33"], "mlps score: --hazard: unknown trigger code 'A-33'"),
        (
            ["--hazard", "A-24"],
            "mlps score: --hazard A-24: hazard A-24 (Important data sent in clear): level 2 has no item",
        ),
        (["--hazard", "A-04"], "mlps score: --hazard A-04: hazard A-04: it concerns the cloud extension"),
        (["--hazard", "A-18:fixed"], "mlps score: --hazard: 'A-18:fixed': after the code only ':remediated'"),
        (["--report-date", "2025-3-20"], "mlps score: --report-date '2025-3-20': use a real date written YYYY-MM-DD"),
        (["--report-date", "2025-02-30"], "mlps score: --report-date '2025-02-30': use a real date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, args, message):
    code, out, err = run(capsys, "score", csv(tmp_path, level2(0)), "--level", "2", *args)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_a_bad_hazard_cell_names_its_row(capsys, tmp_path):
    rows = level2(0)
    rows[2] = rows[2] + "B-01"
    code, out, err = run(capsys, "score", csv(tmp_path, rows), "--level", "2")
    assert code == 2 and err.startswith("mlps score: r.csv row 4, column hazard: unknown trigger code 'B-01'")
    rows[2] = rows[2][: -len("B-01")] + "A-25"  # a level-3 trigger on a level-2 assessment
    code, out, err = run(capsys, "score", csv(tmp_path, rows), "--level", "2")
    assert code == 2 and "row 4, column hazard: hazard A-25" in err and "level 2 has no item" in err
