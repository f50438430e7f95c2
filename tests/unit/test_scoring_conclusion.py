"""The 优/良/中/差 conclusion of the 2021 report template: score thresholds 90 / 80 / 70 and the highest open
risk, at the boundaries, with the reason in both languages."""

from __future__ import annotations

import numpy as np
import pytest

from mlps.rules.domain import Risk
from mlps.rules.scoring_methods import RISK_RANK, conclude, grade_indices, load_scoring_config

NONE: dict = {}
LOW = {"L3-PES1-01": Risk.LOW}
MEDIUM = {"L3-PES1-01": Risk.LOW, "L3-CES1-01": Risk.MEDIUM}
HIGH = {"L3-PES1-03": Risk.HIGH, "L3-CES1-01": Risk.MEDIUM}

TABLE = [
    # score, open risks, grade
    (69.99, NONE, "差"),
    (70, NONE, "中"),
    (79.99, NONE, "中"),
    (80, NONE, "良"),
    (89.99, NONE, "良"),
    (90, NONE, "优"),
    (100, NONE, "优"),
    (90, LOW, "优"),  # low risks do not stand in the way of 优
    (69.99, MEDIUM, "差"),
    (70, MEDIUM, "中"),
    (79.99, MEDIUM, "中"),
    (80, MEDIUM, "良"),
    (89.99, MEDIUM, "良"),
    (90, MEDIUM, "良"),  # 优 needs no medium or high risk
    (100, MEDIUM, "良"),
    (69.99, HIGH, "差"),
    (70, HIGH, "差"),
    (79.99, HIGH, "差"),
    (80, HIGH, "差"),
    (89.99, HIGH, "差"),
    (90, HIGH, "差"),
    (100, HIGH, "差"),  # any high risk is 差
]


@pytest.mark.parametrize(("score", "risks", "grade"), TABLE)
def test_conclusion_table_at_its_boundaries(score, risks, grade):
    assert conclude(score, risks).grade == grade


@pytest.mark.parametrize(("score", "risks", "grade"), TABLE)
def test_the_vectorised_grading_agrees_with_the_table(score, risks, grade):
    rules = load_scoring_config().conclusion
    worst = max((RISK_RANK[r] for r in risks.values()), default=0)
    n = grade_indices(np.array([score]), np.array([worst]), rules)[0]
    assert rules.grades[n].zh == grade


def test_the_score_is_judged_as_the_report_shows_it_with_two_decimals():
    assert conclude(89.994, NONE).grade == "良"  # shown as 89.99
    assert conclude(89.996, NONE).grade == "优"  # shown as 90.00
    assert conclude(69.999999999, NONE).grade == "中"  # float noise of an exact 70


def test_high_risks_are_named_in_the_reason_in_both_languages():
    labels = {"L3-PES1-03": ("物理访问控制 a", "Physical access control a")}
    c = conclude(95.0, {"L3-PES1-03": Risk.HIGH, "L3-CES1-04": Risk.HIGH}, labels=labels)
    assert c.grade == "差" and c.code == "poor"
    assert c.reason_en == (
        "差: 2 high-risk problems: L3-CES1-04, L3-PES1-03 (Physical access control a); score 95.00 alone would give 优"
    )
    assert c.reason_zh == "差：存在 2 个高风险问题：L3-CES1-04、L3-PES1-03（物理访问控制 a）；仅按得分 95.00 可评为优"
    assert c.risk_counts == {"high": 2, "medium": 0, "low": 0}
    assert c.worst_risk is Risk.HIGH


def test_reasons_for_the_score_alone():
    assert conclude(92.5, LOW).reason_en == "优: score 92.50 ≥ 90; no medium- or high-risk problem"
    assert conclude(85, NONE).reason_en == "良: score 85.00 ≥ 80; no high-risk problem"
    assert conclude(70, NONE).reason_zh == "中：得分 70.00 ≥ 70；无高风险问题"
    assert conclude(65.2, NONE).reason_en == "差: score 65.20 is below 70"
    assert conclude(90, {"x": Risk.MEDIUM}).reason_en == "良: 1 medium-risk problem: x; score 90.00 alone would give 优"


def test_gaps_and_unrated_problems_make_the_conclusion_provisional():
    c = conclude(95, {"L3-PES1-01": None}, gaps=3)
    assert c.grade == "优" and c.provisional
    assert "3 items not yet assessed" in c.reason_en and "1 problem without a risk level yet" in c.reason_en
    assert "尚有 3 个测评项未测评" in c.reason_zh
    assert not conclude(95, NONE).provisional


def test_long_lists_of_problems_are_cut_short():
    risks = {f"L3-CES1-{n:02d}": Risk.HIGH for n in range(1, 9)}
    c = conclude(50, risks)
    assert c.reason_en.startswith(
        "差: 8 high-risk problems: L3-CES1-01, L3-CES1-02, L3-CES1-03, L3-CES1-04, L3-CES1-05 and 3 more"
    )
    assert "等 8 项" in c.reason_zh


def test_no_score_means_no_conclusion():
    assert conclude(None, HIGH) is None
    assert conclude(float("nan"), NONE) is None
