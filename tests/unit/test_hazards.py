"""The major risk hazard triggers (2025 report template appendix G, one transcription: marked unconfirmed),
hazard checks and the candidates the workbench suggests."""

from __future__ import annotations

from datetime import date

import pytest

from mlps.rules.catalogue import load_catalogue
from mlps.rules.hazards import Hazard, HazardError, check_hazard, load_hazard_triggers, suggest_hazards


def test_32_triggers_item_tied_ones_name_existing_items_of_their_level_and_scope():
    table = load_hazard_triggers()
    assert table.codes() == tuple(f"A-{n:02d}" for n in range(1, 33))
    assert table.confidence == "R" and "lingfengz/dengbao-csps" in table.source
    cat = load_catalogue()
    for t in table.triggers[:26]:
        assert t.items, t.code
        for level, ids in t.items.items():
            for i in ids:
                item = cat.get(i)
                assert (item.level, item.scope, item.category, item.control_point) == (
                    level, t.scope, t.category, t.control_point), (t.code, i)  # fmt: skip
    for t in table.triggers[26:]:
        assert t.cross_cutting and t.question_zh and t.question_en
    assert [p.name_zh for p in table.principles] == ["相关性", "严重性", "高发性"]


def test_examples_named_in_the_issue():
    table = load_hazard_triggers()
    assert table.get("A-18").items_at(2) == ("L2-CES1-01",)  # empty / weak / shared passwords
    assert table.get("A-22").items_at(3) == ("L3-CES1-21",)  # exploitable high-risk vulnerabilities
    assert table.get("A-26").items_at(4) == ("L4-CES1-29",)  # no local backup of important data
    assert table.get("A-04").items_at(3) == ()  # cloud: only with the cloud extension
    assert table.get("A-04").items_at(3, ["cloud"]) == ("L3-CNS2-02",)


def selection(level, exts=()):
    return [i.id for i in load_catalogue().select(level, list(exts))]


@pytest.mark.parametrize(
    ("hazard", "level", "exts", "message"),
    [
        (Hazard("A-99"), 3, (), "unknown trigger code 'A-99'"),
        (Hazard("A-24"), 2, (), "hazard A-24 (Important data sent in clear): level 2 has no item it relates to"),
        (Hazard("A-04"), 3, (), "it concerns the cloud extension"),
        (Hazard("A-18", item_ids=("L3-CES1-01",)), 2, (), "L3-CES1-01 are not in the assessed level"),
        (Hazard("A-18", found_on=date(2026, 1, 1)), 2, (), "write the judgement"),
        (Hazard("A-18", judgement="三原则均满足"), 2, (), "the date it was found is missing"),
        (
            Hazard(
                "A-18", judgement="x", found_on=date(2026, 2, 1), remediated_on=date(2026, 1, 1), verification="复测"
            ),
            2,
            (),
            "before it was found",
        ),  # fmt: skip
        (
            Hazard("A-18", judgement="x", found_on=date(2026, 1, 1), remediated_on=date(2026, 2, 1)),
            2,
            (),
            "say how the remediation was verified",
        ),  # fmt: skip
    ],
)
def test_bad_hazards_are_refused_with_one_clear_message(hazard, level, exts, message):
    with pytest.raises(HazardError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_hazard(hazard, level, exts, selection(level, exts))


def test_a_complete_hazard_passes():
    h = Hazard("A-29", judgement="后台接口暴露在互联网上，可被直接利用", found_on=date(2026, 1, 1),
               remediated_on=date(2026, 2, 1), verification="复测确认接口已收口")  # fmt: skip
    assert check_hazard(h, 2, (), selection(2)).code == "A-29"


def test_candidates_come_from_high_risk_problems_and_questions():
    risks = {"L3-CES1-01": "high", "L3-CES1-21": "medium", "L3-CES1-29": "high"}
    found = suggest_hazards(risks, 3, [], existing=["A-26"])
    tied = [(c.trigger.code, c.item_ids) for c in found if not c.question]
    assert tied == [("A-18", ("L3-CES1-01",))]  # A-22 is only medium; A-26 is already recorded
    assert [c.trigger.code for c in found if c.question] == [f"A-{n}" for n in range(27, 33)]


def test_candidates_follow_the_guideline_cases_that_name_a_trigger():
    # L2-CES1-19 is A-26's level-2 item in the trigger table, but case 6.4.6.1 (no local backup) starts at
    # level 3: the guideline, not the table, says which high risks suggest a hazard
    assert [c.trigger.code for c in suggest_hazards({"L2-CES1-19": "high"}, 2, []) if not c.question] == []
    found = suggest_hazards({"L3-CES1-29": "high", "L3-CES1-01": "high"}, 3, [])
    assert [(c.trigger.code, c.item_ids) for c in found if not c.question] == [
        ("A-18", ("L3-CES1-01",)), ("A-26", ("L3-CES1-29",))]  # fmt: skip
    # case 7.3.2.1 (cloud platform) names A-16: only when the cloud extension is assessed
    assert [c.trigger.code for c in suggest_hazards({"L3-ABS2-03": "high"}, 3, ["cloud"]) if not c.question] == [
        "A-16"]  # fmt: skip
    assert [c.trigger.code for c in suggest_hazards({"L3-ABS2-03": "high"}, 3, []) if not c.question] == []


def test_every_trigger_a_case_names_accepts_the_case_items():
    """A candidate a person confirms passes check_hazard: the trigger table lists each case's items."""
    from mlps.rules.high_risk import load_guideline

    table = load_hazard_triggers()
    named = [c for c in load_guideline().cases if c.trigger]
    assert {c.trigger for c in named} == {f"A-{n:02d}" for n in range(1, 27)}
    for case in named:
        for level, ids in case.items.items():
            assert set(ids) <= set(table.get(case.trigger).items.get(level, ())), (case.case, level)
