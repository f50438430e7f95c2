"""`mlps grade` prints the levels and a rationale for scripts; bad words exit 2 with one clear line."""

from __future__ import annotations

import json

import pytest

from tests.cli import Run, run


def mlps(*args: str) -> Run:
    return run(*args)


def test_grade_prints_business_service_and_final_level_with_rationale():
    out = mlps("grade", "--business", "society:serious", "--service", "citizens:especially_serious", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["business_level"], data["service_level"], data["level"]) == (3, 2, 3)
    assert "第三级" in data["rationale_zh"] and "level 3" in data["rationale_en"]
    assert data["business"] == {**data["business"], "object": "society", "degree": "serious", "level": 3}
    assert "征求意见稿" in data["draft_2018_note_zh"]  # the service side uses the disputed cell


def test_grade_accepts_chinese_words():
    data = json.loads(mlps("grade", "--business", "国家安全:特别严重", "--service", "公民:一般").stdout)
    assert (data["business_level"], data["service_level"], data["level"]) == (5, 1, 5)


def test_grade_from_a_school_preset_is_marked_as_a_suggestion():
    data = json.loads(mlps("grade", "--preset", "admissions").stdout)
    assert data["level"] == 3 and data["preset"]["is_suggestion"] is True and data["preset"]["source_mark"] == "R"


def test_departing_from_a_preset_with_a_reason_records_it():
    out = mlps("grade", "--preset", "office", "--service", "society:serious", "--override-reason", "也服务家长")
    data = json.loads(out.stdout)
    assert (data["service_level"], data["level"], data["override_reason"]) == (3, 3, "也服务家长")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--business", "people:serious", "--service", "citizens:general"], "--business: 'people' is not an object"),
        (["--business", "citizens:general", "--service", "society:awful"], "--service: 'awful' is not a degree"),
        (["--business", "citizens", "--service", "citizens:general"], "--business: 'citizens' is not OBJECT:DEGREE"),
        (["--business", "citizens:general"], "--business and --service are both required"),
        (["--preset", "canteen"], "--preset: 'canteen' is not a preset"),
        (["--preset", "office", "--service", "society:serious"], "--override-reason: service differ from the preset"),
    ],
)
def test_bad_words_exit_2_with_one_clear_line_and_no_output(args, message):
    out = mlps("grade", *args)
    assert out.returncode == 2 and out.stdout == ""
    assert message in out.stderr and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
