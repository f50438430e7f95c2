"""`mlps applicability` for scripts, and `mlps catalogue` listing every extension at level 4."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from tests.cli import Run, run

SCHOOL = {
    "cloud_role": "customer",
    "cloud_platform": {"name": "阿里云", "level": 2, "filing_number": "11010813001-20001"},
    "mobile_apps": ["学习通"],
    "description": "学校网站部署在阿里云上，另有门禁",
}


def mlps(*args: str) -> Run:
    return run(*args)


def test_catalogue_lists_every_level_4_item_of_every_extension_with_its_extension_field():
    out = mlps("catalogue", "--level", "4", "--extensions", "cloud,mobile,iot,ics,bigdata", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 228 + 49 + 21 + 22 + 22 + 25
    assert Counter(r["extension"] for r in rows) == {
        "general": 228,
        "cloud": 49,
        "mobile": 21,
        "iot": 22,
        "ics": 22,
        "bigdata": 25,
    }
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["level"] for r in rows} == {4}
    assert all(r["id"].startswith("BDS-L4-") == (r["extension"] == "bigdata") for r in rows)


def test_applicability_prints_extensions_with_reasons_and_the_statement_rows(tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(SCHOOL, ensure_ascii=False), encoding="utf-8")
    out = mlps("applicability", "--level", "3", "--profile", str(profile))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    applies = {e["extension"]: e for e in data["extensions"]}
    assert [k for k, e in applies.items() if e["applies"]] == ["cloud", "mobile"]
    assert "「学习通」" in applies["mobile"]["reason_zh"] and "'学习通'" in applies["mobile"]["reason_en"]
    assert data["platform"] == SCHOOL["cloud_platform"]
    assert [(f["code"], f["risk"]) for f in data["findings"]] == [("platform_level_lower", "high")]
    assert [s["flag"] for s in data["suggestions"]] == ["sensing_devices"]  # 门禁, not ticked in the profile
    assert len(data["rows"]) == 211 + 46 + 19
    assert data["counts"] == {"applicable": 226, "not_applicable": 0, "inherited": 50}
    first = data["rows"][0]
    assert first["item_id"] == "L3-PES1-01" and first["status"] == "inherited"
    assert "「阿里云」" in first["reason_zh"]


def test_applicability_takes_inline_json_and_overrides_and_prints_csv():
    overrides = json.dumps([{"item_id": "L2-PES1-01", "reason": "=租用写字楼", "status": "不适用"}], ensure_ascii=False)
    out = mlps("applicability", "--level", "2", "--profile", "{}", "--overrides", overrides, "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 135
    assert rows[0]["item_id"] == "L2-PES1-01" and rows[0]["status"] == "not_applicable"
    assert rows[0]["overridden"] == "True" and "=租用写字楼" in rows[0]["reason_zh"]
    assert {r["status"] for r in rows[1:]} == {"applicable"}


def bad(*args: str) -> str:
    out = mlps("applicability", *args)
    assert out.returncode == 2, out.stdout
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr
    return out.stderr


def test_a_bad_profile_field_exits_2_naming_the_field():
    assert "'big_data' must be true or false" in bad("--level", "3", "--profile", '{"big_data": "yes"}')


def test_a_missing_profile_file_exits_2_naming_the_file(tmp_path):
    missing = tmp_path / "nope.json"
    assert f"--profile: no such file '{missing}'" in bad("--level", "3", "--profile", str(missing))


def test_invalid_json_exits_2_with_the_line_and_column():
    err = bad("--level", "3", "--profile", '{"mobile": tru}')
    assert "--profile: inline JSON is not valid JSON (line 1, column" in err


def test_an_override_for_an_item_outside_the_statement_exits_2_naming_it():
    err = bad("--level", "2", "--profile", "{}", "--overrides", '[{"item_id": "L2-CNS2-01", "reason": "x"}]')
    assert "override for item L2-CNS2-01: not an item of this statement" in err
