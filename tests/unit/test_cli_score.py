"""`mlps score RESULTS --level N` prints the score, conclusion, categories, coverage and explanation as JSON;
a bad row exits 2 with one line naming the row (the header is row 1) and column."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlps.cli import main
from mlps.rules.catalogue import load_catalogue
from tests.conftest import ROOT


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def mlps(capsys, monkeypatch):
    """Run the command in this process (fast); one test below runs it as a real subprocess."""

    def run(*args: str, stdin: str | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def test_the_installed_command_runs_end_to_end(tmp_path):
    path = write(tmp_path, "item_id,result\nL2-PES1-01,nonconform\nL2-PES1-02,maybe\n")
    out = subprocess.run(
        [sys.executable, "-m", "mlps", "score", path, "--level", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == "mlps score: results.csv row 3, column result: 'maybe' is not a result " + (
        "(use conform, partial, nonconform, na or 符合, 部分符合, 不符合, 不适用)"
    )


def write(tmp_path: Path, text: str, name: str = "results.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def all_level2(result: str = "conform") -> list[str]:
    return [f"{i.id},{result}" for i in load_catalogue().select(2)]


def test_json_has_the_method_score_conclusion_and_categories(mlps, tmp_path):
    rows = all_level2()
    rows[0] = rows[0].replace("conform", "nonconform")  # L2-PES1-01, important (0.7) of PES's 15 items
    out = mlps(
        "score", write(tmp_path, "item_id,result\n" + "\n".join(rows) + "\n"), "--level", "2", "--format", "json",
        "--report-date", "2025-03-19",  # before the 2025 template: the 2019 formula
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["method"] == "mlps2019"
    # only PES loses: d_PES = 0.7 / Σ w(PES items), every other d_j = 0, so M = 100 × (1 − d_PES / 10 categories)
    pes = [i for i in load_catalogue().select(2) if i.category == "PES"]
    w = sum(i.weight for i in pes)
    assert d["score"] == round(100 * (1 - 0.7 / w / 10), 2)
    assert d["conclusion"] == "优"  # no risk given, ≥ 90
    assert set(d["categories"]) == {"PES", "CNS", "ABS", "CES", "SMC", "PSS", "ORS", "HRS", "CMS", "MMS"}
    assert d["categories"]["CES"] == 100.0
    assert d["categories"]["PES"] == round(100 * (1 - 0.7 / w), 2)
    assert d["coverage"]["complete"] is True and d["coverage"]["total"] == 135
    assert d["explanation"][0]["item_id"] == "L2-PES1-01"
    assert d["reason"]["zh"].startswith("优：") and d["reason"]["en"].startswith("优: ")


def test_chinese_words_risks_and_objects_and_a_gbk_file(mlps, tmp_path):
    text = (
        "item_id,result,risk,object\n"
        "L2-PES1-03,不符合,高,\n"
        "L2-CES1-01,部分符合,中,服务器1\n"
        "L2-CES1-01,符合,,服务器2\n"
        "L2-PES1-01,不适用,,\n"
    )
    out = mlps("score", write(tmp_path, text, encoding="gb18030"), "--level", "2", "--method", "mlps2019")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["conclusion"] == "差"
    assert d["risk_counts"] == {"high": 1, "medium": 1, "low": 0}
    assert "L2-PES1-03" in d["reason"]["en"]
    assert d["coverage"]["scored"] == 2 and d["coverage"]["not_applicable"] == 1 and d["coverage"]["gaps"] == 132
    assert d["provisional"] is True


def test_deduction2021_is_selectable_and_says_it_is_our_reading(mlps, tmp_path):
    path = write(tmp_path, "item_id,result\n" + "\n".join(all_level2()) + "\n")
    d = json.loads(mlps("score", path, "--level", "2", "--method", "deduction2021").stdout)
    assert d["method"] == "deduction2021" and d["method_confidence"] == "R"
    assert d["score"] == 100.0
    assert "technical_share" in d["method_detail"]["our_reading"]


def test_suggest_risks_rates_gaps_on_high_risk_items(mlps, tmp_path):
    path = write(tmp_path, "item_id,result\nL3-PES1-03,nonconform\nL3-PES1-01,conform\n")
    plain = json.loads(mlps("score", path, "--level", "3", "--method", "mlps2019").stdout)
    suggested = json.loads(mlps("score", path, "--level", "3", "--suggest-risks", "--method", "mlps2019").stdout)
    assert plain["risk_counts"]["high"] == 0
    assert suggested["risk_counts"]["high"] == 1 and suggested["conclusion"] == "差"


def test_suggested_risks_follow_the_conditions_given(mlps, tmp_path):
    # no short-term backup power (L3-PES1-19): case 6.1.3.1 only for systems with high business-continuity needs
    path = write(tmp_path, "item_id,result\nL3-PES1-19,nonconform\n")
    args = ("score", path, "--level", "3", "--suggest-risks", "--method", "mlps2019")
    assert json.loads(mlps(*args).stdout)["risk_counts"]["high"] == 0
    assert json.loads(mlps(*args, "--condition", "business_continuity").stdout)["risk_counts"]["high"] == 1
    bad = mlps(*args, "--condition", "bank")
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("\n") == 1
    assert "--condition: unknown condition(s): bank" in bad.stderr


def test_reads_stdin_and_limits_the_explanation(mlps, tmp_path):
    text = "item_id,result\nL2-PES1-01,nonconform\nL2-PES1-02,nonconform\nL2-PES1-03,partial\n"
    d = json.loads(mlps("score", "-", "--level", "2", "--top", "2", stdin=text).stdout)
    assert len(d["explanation"]) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "item_id,result\nL2-PES1-01,conform\nL2-PES1-02,maybe\n",
            "results.csv row 3, column result: 'maybe' is not a result",
        ),
        (
            "item_id,result,risk\nL2-PES1-01,nonconform,severe\n",
            "results.csv row 2, column risk: 'severe' is not a risk level",
        ),
        (
            "item_id,result\nL2-PES1-01,conform\nL3-PES1-01,conform\n",
            "results.csv row 3, column item_id: 'L3-PES1-01' is not an item of the level and extensions given",
        ),
        ("item_id,result\n,conform\n", "results.csv row 2, column item_id: empty"),
        (
            "item_id,result,object\nL2-PES1-01,conform,a\nL2-PES1-01,partial,a\n",
            "results.csv row 3: item L2-PES1-01 on object 'a' already given on row 2",
        ),
        ("item,result\nL2-PES1-01,conform\n", "results.csv row 1: the header lacks column(s) item_id"),
        ("item_id,result,colour\nL2-PES1-01,conform,red\n", "results.csv row 1: unknown column(s) colour"),
        ("item_id,result\nL2-PES1-01,conform,extra\n", "results.csv row 2: 3 cells but the header has 2 columns"),
        ("", "results.csv: the file is empty"),
    ],
)
def test_bad_rows_exit_2_naming_the_line_and_column(mlps, tmp_path, text, message):
    out = mlps("score", write(tmp_path, text), "--level", "2")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith(f"mlps score: {message}")
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_a_cloud_item_needs_the_cloud_extension(mlps, tmp_path):
    path = write(tmp_path, "item_id,result\nL2-CNS2-01,nonconform\n")
    assert mlps("score", path, "--level", "2").returncode == 2
    out = mlps("score", path, "--level", "2", "--extensions", "cloud")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["extensions"] == ["cloud"]


def test_an_unknown_method_or_missing_file_exits_2(mlps, tmp_path):
    path = write(tmp_path, "item_id,result\nL2-PES1-01,conform\n")
    out = mlps("score", path, "--level", "2", "--method", "mlps2030")
    assert out.returncode == 2 and "unknown method 'mlps2030'; known: mlps2019, deduction2021, mlps2025" in out.stderr
    out = mlps("score", str(tmp_path / "nope.csv"), "--level", "2")
    assert out.returncode == 2 and "nope.csv: no such file" in out.stderr
