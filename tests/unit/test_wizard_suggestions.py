"""The grading wizard: plain answers suggest the two judgements with reasons; presets for schools; overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mlps.rules.domain import HarmDegree, HarmObject, Judgement
from mlps.rules.rulefiles import rule_file
from mlps.rules.wizard import (
    PRESETS_FILE,
    OverrideReasonRequired,
    choose,
    load_wizard,
    suggest,
    suggest_preset,
)

C, S, N = HarmObject.CITIZENS, HarmObject.SOCIETY, HarmObject.NATION
G, SE, ES = HarmDegree.GENERAL, HarmDegree.SERIOUS, HarmDegree.ESPECIALLY_SERIOUS


@pytest.mark.parametrize(
    ("preset_id", "business", "service", "level"),
    [
        ("website", (S, G), (S, G), 2),
        ("office", (C, SE), (C, SE), 2),
        ("student_information", (C, SE), (C, SE), 2),
        ("admissions", (S, SE), (S, SE), 3),
        ("campus_card", (C, SE), (C, ES), 2),
    ],
)
def test_school_presets_suggest_the_expected_judgements_and_level(preset_id, business, service, level):
    preset, got = suggest_preset(preset_id)
    assert (got.business.harm_object, got.business.degree) == business
    assert (got.service.harm_object, got.service.degree) == service
    assert got.level == preset.suggested_level == level
    assert got.complete
    assert preset.is_suggestion and preset.source_mark == "R" and "教育部" in preset.source_zh


def test_campus_card_preset_carries_the_2018_draft_note_because_it_uses_the_disputed_cell():
    _, got = suggest_preset("campus_card")
    assert "征求意见稿" in got.draft_note_zh and "2018 draft" in got.draft_note_en
    _, website = suggest_preset("website")
    assert website.draft_note_zh == website.draft_note_en == ""


def test_the_answer_with_the_highest_level_decides_and_its_reason_is_quoted():
    got = suggest(
        {
            "data_kind": "personal_basic",
            "people_count": "100k_1m",
            "tamper_effect": "individuals",
            "outage_effect": "little",
            "service_users": "staff",
            "tolerable_downtime": "days",
        }
    )
    assert (got.business.harm_object, got.business.degree, got.business_level) == (S, G, 2)
    decisive = [r for r in got.reasons if r.decisive and r.aspect == "business"]
    assert [r.question_id for r in decisive] == ["people_count"]
    assert "数十万人" in got.business_reason_zh and "hundreds of thousands" in got.business_reason_en
    assert (got.service_level, got.level) == (1, 2)


def test_on_a_tie_the_wider_object_wins():
    # citizens × serious (2) and society × general (2): society is suggested
    got = suggest({"data_kind": "personal_sensitive", "tamper_effect": "public_trust"})
    assert (got.business.harm_object, got.business.degree) == (S, G)


def test_partial_answers_list_what_is_missing_and_default_the_unanswered_side_to_the_lowest_cell():
    got = suggest({"data_kind": "national"})
    assert (got.business.harm_object, got.business_level) == (N, 3)
    assert (got.service.harm_object, got.service.degree, got.service_level) == (C, G, 1)
    assert "尚未回答" in got.service_reason_zh and "no question answered" in got.service_reason_en
    assert set(got.unanswered) == {
        "people_count",
        "tamper_effect",
        "outage_effect",
        "service_users",
        "tolerable_downtime",
    }
    assert not got.complete


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"colour": "red"}, "'colour' is not a wizard question"),
        ({"data_kind": "secrets"}, "question 'data_kind': 'secrets' is not one of its options"),
    ],
)
def test_unknown_questions_or_options_are_refused_by_name(answers, message):
    with pytest.raises(ValueError, match=message):
        suggest(answers)


def test_question_list_gives_ids_bilingual_texts_and_options_for_the_page():
    questions = load_wizard().question_list()
    assert {q["aspect"] for q in questions} == {"business", "service"}
    ids = [q["id"] for q in questions]
    assert "data_kind" in ids and "outage_effect" in ids and len(ids) == len(set(ids))
    for q in questions:
        assert q["text_zh"] and q["text_en"] and q["options"]
        for o in q["options"]:
            assert o["id"] and o["label_zh"] and o["label_en"] and 1 <= o["level"] <= 5


def test_accepting_the_suggestion_needs_no_reason_and_records_none():
    _, got = suggest_preset("office")
    result = choose(got, override_reason="ignored, nothing overridden")
    assert result.level == 2 and result.override_reason == ""


def test_choosing_other_judgements_requires_a_reason_and_records_it():
    _, got = suggest_preset("office")
    with pytest.raises(OverrideReasonRequired) as err:
        choose(got, service=Judgement(S, G), override_reason="   ")
    assert err.value.aspects == ["service"] and "理由" in err.value.message_zh
    result = choose(got, service=Judgement(S, SE), override_reason="也为家长提供服务")
    assert (result.service_level, result.level) == (3, 3)
    assert result.override_reason == "也为家长提供服务" and "也为家长提供服务" in result.rationale_zh


def _write(tmp_path: Path, data: dict) -> Path:
    target = tmp_path / "grading_presets.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_a_preset_whose_suggested_level_disagrees_with_its_answers_is_refused(tmp_path):
    data = yaml.safe_load(rule_file(PRESETS_FILE).read_text(encoding="utf-8"))
    data["presets"][0]["suggested_level"] = 3  # the website's answers give 2
    with pytest.raises(
        ValueError,
        match=re.escape("grading_presets.yaml, presets[website]: suggested_level 3 but its answers give level 2"),
    ):
        load_wizard(_write(tmp_path, data))


def test_an_option_with_an_unknown_object_is_refused_naming_question_and_option(tmp_path):
    data = yaml.safe_load(rule_file(PRESETS_FILE).read_text(encoding="utf-8"))
    data["questions"][0]["options"][0]["object"] = "planet"
    with pytest.raises(
        ValueError, match=re.escape("grading_presets.yaml, questions[data_kind].options[public_only]: object/degree")
    ):
        load_wizard(_write(tmp_path, data))
