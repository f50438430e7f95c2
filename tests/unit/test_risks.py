"""Risk decisions on top of the 2025 high-risk guideline: a gap on a case's item is suggested as high risk
(for a system whose recorded conditions the case needs); the assessor confirms, lowers with a compensating
measure, or raises, and every decision keeps its reason and changes the conclusion."""

from __future__ import annotations

import pandas as pd
import pytest

from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Risk
from mlps.rules.high_risk import SystemConditions, load_guideline
from mlps.rules.risks import (
    DecisionKind,
    RiskDecision,
    RiskDecisionError,
    apply_decisions,
    suggest_risk,
)
from mlps.rules.scoring import score_assessment


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def cases():
    return load_guideline()


def test_a_gap_on_a_case_item_is_suggested_and_a_conforming_item_is_not(cases):
    assert [c.id for c in suggest_risk("L3-PES1-03", 3, "nonconform", cases)] == ["6.1.1.1"]
    assert [c.id for c in suggest_risk("L3-PES1-03", 3, "部分符合", cases)] == ["6.1.1.1"]
    assert suggest_risk("L3-PES1-03", 3, "conform", cases) == []
    assert suggest_risk("L3-PES1-03", 3, "na", cases) == []
    assert suggest_risk("L3-PES1-01", 3, "nonconform", cases) == []  # no case for site selection


def test_a_case_does_not_apply_below_its_level(cases):
    # 6.1.1.1 (machine-room door) names level 3 and above: the level-2 door item is no case in 2025
    assert suggest_risk("L2-PES1-03", 2, "nonconform", cases) == []
    assert [c.id for c in suggest_risk("L2-CES1-01", 2, "nonconform", cases)] == ["6.4.1.1"]


def test_a_conditional_case_is_suggested_only_when_the_system_records_the_condition(cases):
    assert suggest_risk("L3-PES1-19", 3, "nonconform", cases) == []  # no UPS: only with continuity needs
    bank = SystemConditions(business_continuity=True)
    assert [c.id for c in suggest_risk("L3-PES1-19", 3, "nonconform", cases, bank)] == ["6.1.3.1"]
    frame = pd.DataFrame({"item_id": ["L3-PES1-19"], "result": ["nonconform"]})
    assert apply_decisions(frame, 3, cases=cases)["risk"].iloc[0] is None
    assert apply_decisions(frame, 3, cases=cases, conditions=bank)["risk"].iloc[0] is Risk.HIGH


# ---------------------------------------------------------------- decisions


def level3_results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": ["L3-PES1-03", "L3-PES1-09", "L3-PES1-01", "L3-CES1-04", "L3-CES1-01", "L3-CES1-01"],
            "assessed_object": ["", "", "", "", "db1", "web1"],
            "result": ["nonconform", "partial", "nonconform", "conform", "nonconform", "conform"],
            "risk": [None, None, "low", None, "medium", None],
        }
    )


def test_suggestions_become_the_starting_risk_unless_a_higher_one_is_recorded(cases):
    out = apply_decisions(level3_results(), 3, cases=cases).set_index(["item_id", "assessed_object"])
    assert out.loc[("L3-PES1-03", ""), "risk"] is Risk.HIGH
    assert out.loc[("L3-PES1-03", ""), "risk_source"] == "suggested"
    assert out.loc[("L3-PES1-03", ""), "suggested_cases"] == ("6.1.1.1",)
    assert out.loc[("L3-PES1-01", ""), "risk"] is Risk.LOW  # no case: the recorded level stands
    assert out.loc[("L3-CES1-04", ""), "risk"] is None  # conforms: no problem, no risk
    # a recorded medium under a high suggestion does not lower it: that needs a decision
    assert out.loc[("L3-CES1-01", "db1"), "risk"] is Risk.HIGH
    assert out.loc[("L3-CES1-01", "db1"), "recorded_risk"] is Risk.MEDIUM


def test_lower_confirm_and_raise_each_keep_their_reason(cases):
    decisions = [
        RiskDecision(
            "L3-PES1-03",
            DecisionKind.LOWER,
            "the floor entrance is guarded around the clock",
            Risk.MEDIUM,
            compensating_measure="guarded floor with an entry log",
            case_id="6.1.1.1",
        ),
        RiskDecision("L3-PES1-09", DecisionKind.CONFIRM, "no alarm and no camera"),
        RiskDecision("L3-PES1-01", DecisionKind.RAISE, "the roof leaks over the racks", Risk.HIGH),
    ]
    out = apply_decisions(level3_results(), 3, decisions, cases).set_index(["item_id", "assessed_object"])
    row = out.loc[("L3-PES1-03", "")]
    assert (row["risk"], row["risk_source"], row["risk_reason"], row["compensating_measure"]) == (
        Risk.MEDIUM,
        "lowered",
        "the floor entrance is guarded around the clock",
        "guarded floor with an entry log",
    )
    assert out.loc[("L3-PES1-09", ""), "risk_source"] == "confirmed"
    assert out.loc[("L3-PES1-09", ""), "risk"] is Risk.HIGH
    assert (out.loc[("L3-PES1-01", ""), "risk"], out.loc[("L3-PES1-01", ""), "risk_source"]) == (Risk.HIGH, "raised")


def test_a_decision_on_an_item_applies_to_its_problem_objects_only(cases):
    d = RiskDecision(
        "L3-CES1-01",
        DecisionKind.LOWER,
        "bastion enforces a second factor",
        Risk.LOW,
        compensating_measure="MFA bastion",
    )
    out = apply_decisions(level3_results(), 3, [d], cases).set_index(["item_id", "assessed_object"])
    assert out.loc[("L3-CES1-01", "db1"), "risk"] is Risk.LOW
    assert out.loc[("L3-CES1-01", "web1"), "risk"] is None  # conforms on web1


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (RiskDecision("L3-PES1-03", DecisionKind.LOWER, "why", Risk.MEDIUM), "needs the compensating measure"),
        (RiskDecision("L3-PES1-03", DecisionKind.CONFIRM, ""), "every decision needs a reason"),
        (
            RiskDecision("L3-PES1-03", DecisionKind.LOWER, "why", Risk.HIGH, compensating_measure="x"),
            "lowering must go below the current level (high)",
        ),
        (
            RiskDecision("L3-PES1-01", DecisionKind.RAISE, "why", Risk.LOW),
            "raising must go above the current level (low)",
        ),
        (RiskDecision("L3-PES1-03", DecisionKind.CONFIRM, "why", Risk.LOW), "confirm keeps the level high"),
        (RiskDecision("L3-CES1-04", DecisionKind.RAISE, "why", Risk.HIGH), "the item is not a problem"),
        (
            RiskDecision("L3-MMS1-01", DecisionKind.RAISE, "why", Risk.HIGH),
            "decision on L3-MMS1-01: the item has no result",
        ),
        (
            RiskDecision("L3-PES1-01", DecisionKind.CONFIRM, "why", case_id="6.1.1.1"),
            "case 6.1.1.1 does not apply to this item",
        ),
        (RiskDecision("L3-PES1-03", DecisionKind.RAISE, "why"), "say which level the risk is raised to"),
    ],
)
def test_a_decision_that_cannot_apply_is_refused_naming_the_item(cases, decision, message):
    results = level3_results()
    before = results.copy()
    with pytest.raises(RiskDecisionError) as err:
        apply_decisions(results, 3, [decision], cases)
    assert message in str(err.value)
    pd.testing.assert_frame_equal(results, before)  # nothing changed


def test_lowering_the_only_high_risk_changes_the_conclusion(catalogue, cases):
    items = catalogue.select(3)
    frame = pd.DataFrame({"item_id": [i.id for i in items], "result": "conform"})
    frame.loc[frame.item_id == "L3-PES1-03", "result"] = "nonconform"
    suggested = score_assessment(apply_decisions(frame, 3, cases=cases), items)
    assert suggested.conclusion.grade == "差"
    assert "L3-PES1-03" in suggested.conclusion.reason_en
    lowered = apply_decisions(
        frame,
        3,
        [
            RiskDecision(
                "L3-PES1-03", DecisionKind.LOWER, "guarded floor", Risk.MEDIUM, compensating_measure="guard and log"
            )
        ],
        cases,
    )
    again = score_assessment(lowered, items)
    assert again.score == suggested.score
    assert again.conclusion.grade == "良"  # ≥ 90 but one medium risk
