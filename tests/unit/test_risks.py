"""High-risk cases: tied to real catalogue items, suggested for gaps; the assessor confirms, lowers with a
compensating measure, or raises, and every decision keeps its reason and changes the conclusion."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Risk
from mlps.rules.risks import (
    DecisionKind,
    HighRiskError,
    RiskDecision,
    RiskDecisionError,
    apply_decisions,
    check_against_catalogue,
    load_high_risk_cases,
    suggest_risk,
)
from mlps.rules.scoring import score_assessment
from tests.conftest import ROOT

BUNDLED = ROOT / "mlps" / "controls" / "high_risk.yaml"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def cases():
    return load_high_risk_cases()


def test_every_item_a_case_names_exists_in_the_catalogue_at_every_level_it_applies_to(catalogue, cases):
    check_against_catalogue(cases, catalogue)  # raises naming the case otherwise
    for case in cases.cases:
        for item_id in case.items:
            assert item_id in catalogue, f"{case.id}: {item_id}"
            assert catalogue.get(item_id).level >= case.applies_from
        assert {catalogue.get(i).level for i in case.items} == set(range(case.applies_from, 5)), case.id


def test_every_case_is_complete_in_both_languages(cases):
    assert len(cases.cases) >= 30
    for c in cases.cases:
        for text in (c.title_zh, c.scenario_zh, c.fix_zh, *c.compensating_zh):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), c.id
        assert c.title_en and c.scenario_en and c.fix_en and c.compensating_en, c.id
        assert len(c.compensating_zh) == len(c.compensating_en), c.id
        assert c.confidence in ("S", "R")


@pytest.mark.parametrize(
    ("item_id", "applies_from"),
    [
        ("L3-PES1-03", 2),  # no access control on the machine-room door
        ("L3-PES1-06", 3),  # no anti-theft
        ("L3-PES1-09", 2),  # no fire protection
        ("L3-PES1-19", 2),  # no UPS
        ("L4-PES1-22", 4),  # no emergency power
        ("L3-CNS1-03", 2),  # flat network
        ("L3-ABS1-05", 2),  # no access control at important boundaries
        ("L3-CNS1-05", 3),  # no redundancy of key lines and devices
        ("L3-CNS1-07", 3),  # important data sent in clear
        ("L3-ABS1-04", 3),  # uncontrolled wireless
        ("L3-ABS1-10", 2),  # no defence against external attacks
        ("L3-CES1-23", 2),  # no malware protection
        ("L3-ABS1-16", 2),  # no network audit
        ("L3-CES1-01", 2),  # weak passwords
        ("L3-CES1-03", 2),  # credentials in clear for remote admin
        ("L3-CES1-04", 3),  # no multi-factor admin login
        ("L3-CES1-18", 2),  # high-risk ports
        ("L3-CES1-21", 2),  # known high-risk vulnerabilities
        ("L3-CES1-29", 2),  # no local backup
        ("L3-CES1-30", 3),  # no off-site backup
        ("L3-SMC1-10", 3),  # logs not kept six months
        ("L3-CNS2-01", 2),  # cloud platform level lower than the system's
        ("L3-CMS2-01", 2),  # … and the cloud provider choice
    ],
)
def test_the_domain_examples_are_cases(cases, item_id, applies_from):
    found = cases.for_item(item_id)
    assert found, item_id
    assert min(c.applies_from for c in found) == applies_from


def test_the_cloud_platform_level_case_ties_to_the_cloud_items(cases):
    case = next(c for c in cases.cases if "lower than the system" in c.title_en)
    assert {"L2-CNS2-01", "L3-CNS2-01", "L4-CNS2-01", "L3-CMS2-01"} <= set(case.items)
    assert "云平台" in case.title_zh


def test_a_gap_on_a_case_item_is_suggested_and_a_conforming_item_is_not(cases):
    assert [c.id for c in suggest_risk("L3-PES1-03", 3, "nonconform", cases)] == ["HR-PES-01"]
    assert [c.id for c in suggest_risk("L3-PES1-03", 3, "部分符合", cases)] == ["HR-PES-01"]
    assert suggest_risk("L3-PES1-03", 3, "conform", cases) == []
    assert suggest_risk("L3-PES1-03", 3, "na", cases) == []
    assert suggest_risk("L3-PES1-01", 3, "nonconform", cases) == []  # no case for site selection


def test_a_case_does_not_apply_below_its_level(tmp_path):
    path = tmp_path / "high_risk.yaml"
    raw = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    raw["cases"] = [c for c in raw["cases"] if c["id"] == "HR-PES-02"]  # applies from level 3
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    cases = load_high_risk_cases(path)
    assert [c.id for c in suggest_risk("L3-PES1-06", 3, "nonconform", cases)] == ["HR-PES-02"]
    assert suggest_risk("L3-PES1-06", 2, "nonconform", cases) == []


def write_cases(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    change(raw["cases"])
    path = tmp_path / "high_risk.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda cs: cs[0].pop("fix_en"), "case HR-PES-01: 'fix_en' is missing or empty"),
        (lambda cs: cs[1].update(title_zh="no Chinese"), "case HR-PES-02: 'title_zh' has no Chinese text"),
        (lambda cs: cs[2].update(id="HR-PES-01"), "case HR-PES-01: id appears twice"),
        (lambda cs: cs[0].update(applies_from=7), "case HR-PES-01: applies_from must be a level 1-4"),
        (
            lambda cs: cs[0].update(items=["L1-PES1-01"]),
            "case HR-PES-01: item 'L1-PES1-01' is below the case's level 2",
        ),
        (lambda cs: cs[0].update(items=[]), "case HR-PES-01: items must be a non-empty list"),
        (
            lambda cs: cs[3].update(compensating_en="one text"),
            "case HR-PES-04: 'compensating_en' must be a non-empty list",
        ),
        (lambda cs: cs[0].update(id="PES-1"), "case #1: id 'PES-1' must look like HR-PES-01"),
    ],
)
def test_a_malformed_case_is_refused_naming_it(tmp_path, change, message):
    with pytest.raises(HighRiskError) as err:
        load_high_risk_cases(write_cases(tmp_path, change))
    assert message in str(err.value)
    assert str(err.value).startswith("high_risk.yaml")


def test_an_item_missing_from_the_catalogue_is_refused_naming_the_case(tmp_path, catalogue):
    path = write_cases(tmp_path, lambda cs: cs[0].update(items=["L2-PES1-03", "L3-PES1-99", "L4-PES1-03"]))
    with pytest.raises(HighRiskError, match="case HR-PES-01: item 'L3-PES1-99' is not in the catalogue"):
        load_high_risk_cases(path, catalogue)


# ---------------------------------------------------------------- decisions


def level3_results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": ["L3-PES1-03", "L3-PES1-06", "L3-PES1-01", "L3-CES1-04", "L3-CES1-01", "L3-CES1-01"],
            "assessed_object": ["", "", "", "", "db1", "web1"],
            "result": ["nonconform", "partial", "nonconform", "conform", "nonconform", "conform"],
            "risk": [None, None, "low", None, "medium", None],
        }
    )


def test_suggestions_become_the_starting_risk_unless_a_higher_one_is_recorded(cases):
    out = apply_decisions(level3_results(), 3, cases=cases).set_index(["item_id", "assessed_object"])
    assert out.loc[("L3-PES1-03", ""), "risk"] is Risk.HIGH
    assert out.loc[("L3-PES1-03", ""), "risk_source"] == "suggested"
    assert out.loc[("L3-PES1-03", ""), "suggested_cases"] == ("HR-PES-01",)
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
            case_id="HR-PES-01",
        ),
        RiskDecision("L3-PES1-06", DecisionKind.CONFIRM, "no alarm and no camera"),
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
    assert out.loc[("L3-PES1-06", ""), "risk_source"] == "confirmed"
    assert out.loc[("L3-PES1-06", ""), "risk"] is Risk.HIGH
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
            RiskDecision("L3-PES1-01", DecisionKind.CONFIRM, "why", case_id="HR-PES-01"),
            "case HR-PES-01 does not apply to this item",
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
