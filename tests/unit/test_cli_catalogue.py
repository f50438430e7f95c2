"""`mlps catalogue` prints the items of a level and its extensions as JSON or CSV, for scripts."""

from __future__ import annotations

import csv
import io
import json

from tests.cli import Run, run


def mlps(*args: str) -> Run:
    return run(*args)


def test_json_lists_every_level_3_item_with_the_documented_fields():
    out = mlps("catalogue", "--level", "3", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 211
    first = rows[0]
    for field in ("id", "level", "extension", "category", "control_point", "clause", "weight"):
        assert field in first
    assert first == {
        **first,
        "id": "L3-PES1-01",
        "level": 3,
        "extension": "general",
        "category": "PES",
        "control_point": "物理位置选择",
        "clause": "8.1.1.1 a)",
        "weight": 0.4,
    }


def test_json_with_extensions_adds_their_items_marked_with_the_extension():
    rows = json.loads(mlps("catalogue", "--level", "3", "--extensions", "cloud,iot").stdout)
    extensions = {r["extension"] for r in rows}
    assert extensions == {"general", "cloud", "iot"}
    assert sum(r["extension"] == "cloud" for r in rows) == 46
    assert sum(r["extension"] == "iot" for r in rows) == 21


def test_csv_has_a_header_and_one_row_per_item():
    out = mlps("catalogue", "--level", "2", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 135
    assert rows[0]["id"] == "L2-PES1-01" and rows[0]["level"] == "2" and rows[0]["extension"] == "general"
    assert {r["weight"] for r in rows} <= {"1.0", "0.7", "0.4"}


def test_an_unknown_extension_exits_non_zero_with_a_clear_message():
    out = mlps("catalogue", "--level", "3", "--extensions", "cloud,blockchain")
    assert out.returncode == 2
    assert "unknown extension(s): blockchain" in out.stderr
    assert out.stdout == ""


def test_a_broken_catalogue_folder_is_reported_by_file_and_item(mini_dir):
    text = (mini_dir / "general-L2.yaml").read_text(encoding="utf-8").replace("L2-CMS1-02", "L2-CMS1-01")
    (mini_dir / "general-L2.yaml").write_text(text, encoding="utf-8")
    out = mlps("catalogue", "--level", "2", "--controls", str(mini_dir))
    assert out.returncode == 2
    assert "general-L2.yaml, item L2-CMS1-01" in out.stderr
    assert "Traceback" not in out.stderr
