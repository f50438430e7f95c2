"""The 2025 conclusion table (MPS letter of 2025-04-27, Q20) at and around 60 and 90, with and without open or
remediated hazards, and with partial results (the range); and that a worse result never improves it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlps.rules.catalogue import load_catalogue
from mlps.rules.hazards import Hazard, HazardTally, tally
from mlps.rules.scoring import score_assessment
from mlps.rules.verdict2025 import conclude_2025, load_verdict_rules, method_for

OPEN1 = tally([Hazard("A-18")])
REMEDIATED1 = tally([Hazard("A-18", remediated_on=date(2026, 1, 5))])
NONE = tally([])


@pytest.mark.parametrize(
    ("rate", "hazards", "code", "boundary"),
    [
        (100.0, NONE, "conform", False),
        (90.01, NONE, "conform", False),
        (90.0, NONE, "basic", True),
        (89.99, NONE, "basic", False),
        (90.004, NONE, "basic", True),  # shown as 90.00: rounded first
        (90.006, NONE, "conform", False),  # shown as 90.01
        (95.0, OPEN1, "basic", False),
        (95.0, REMEDIATED1, "conform", False),
        (90.0, REMEDIATED1, "basic", True),
        (75.0, OPEN1, "basic", False),
        (60.01, NONE, "basic", False),
        (60.0, NONE, "basic", True),
        (60.0, OPEN1, "basic", True),
        (59.99, NONE, "nonconform", False),
        (59.99, REMEDIATED1, "nonconform", False),
        (0.0, NONE, "nonconform", False),
    ],
)
def test_rule_table(rate: float, hazards: HazardTally, code: str, boundary: bool) -> None:
    c = conclude_2025(rate, hazards=hazards)
    assert c is not None
    assert (c.code, c.boundary) == (code, boundary)
    assert c.grade == {"conform": "符合", "basic": "基本符合", "nonconform": "不符合"}[code]


def test_boundary_and_open_hazard_are_explained() -> None:
    c = conclude_2025(90.0)
    assert "恰为 90.00%" in c.reason_zh and "exactly 90.00%" in c.reason_en
    c = conclude_2025(95.0, hazards=OPEN1)
    assert "A-18" in c.reason_zh and "open" in c.reason_en
    assert "符合" not in c.reason_en  # no Chinese conclusion words inside English sentences


def test_hazard_count_text() -> None:
    t = tally([Hazard("A-18"), Hazard("A-22", remediated_on=date(2026, 1, 5)), Hazard("A-29")])
    assert (t.count, t.remediated, t.open) == (3, 1, 2)
    assert t.text_zh == "3（1个已整改）"
    assert t.text_en == "3 (1 remediated)"
    assert t.codes == ("A-18", "A-22", "A-29") and t.open_codes == ("A-18", "A-29")


@pytest.mark.parametrize(
    ("low", "rate", "high", "depends"),
    [(85.0, 92.0, 96.0, True), (91.0, 93.0, 95.0, False), (55.0, 62.0, 70.0, True), (61.0, 70.0, 89.0, False)],
)
def test_range_says_when_the_conclusion_depends_on_partial(low, rate, high, depends) -> None:
    c = conclude_2025(rate, low, high)
    assert c.depends_on_partial is depends
    assert c.rate_range == (low, high)
    assert ("取决于部分符合" in c.reason_zh) is depends


def _l2():
    return load_catalogue().select(2, [])


def test_rate_from_results_with_partial_and_objects() -> None:
    items = _l2()
    ids = [i.id for i in items]
    rows = [
        {"item_id": ids[0], "result": "conform", "assessed_object": "a"},
        {"item_id": ids[0], "result": "nonconform", "assessed_object": "b"},  # item 0: mean 0.5
        {"item_id": ids[1], "result": "partial", "assessed_object": ""},  # item 1: 0.5 (0 .. 1)
        {"item_id": ids[2], "result": "conform", "assessed_object": ""},  # item 2: 1
        {"item_id": ids[3], "result": "na", "assessed_object": ""},  # left out
        {"item_id": ids[4], "result": "not_assessed", "assessed_object": ""},  # left out
    ]
    r = score_assessment(pd.DataFrame(rows), items, "mlps2025")
    assert r.score == pytest.approx(100 * 2 / 3)
    assert r.conclusion.rate_range == (pytest.approx(50.0), pytest.approx(83.33))
    assert r.conclusion.code == "basic"


def test_method_by_report_date() -> None:
    assert method_for(date(2025, 3, 20)) == "mlps2025"
    assert method_for(date(2025, 3, 19)) == "mlps2019"
    assert method_for(None, today=date(2026, 12, 5)) == "mlps2025"
    assert method_for(date(2026, 1, 1), "deduction2021") == "deduction2021"
    assert load_verdict_rules().conform_above == 90


ORDER = ["conform", "partial", "nonconform"]
RANK = {"conform": 0, "basic": 1, "nonconform": 2}  # higher is worse


def _verdict(items, results, hazards) -> int:
    frame = pd.DataFrame({"item_id": [i.id for i in items], "result": results})
    return RANK[score_assessment(frame, items, "mlps2025", hazards=hazards).conclusion.code]


@settings(max_examples=60, deadline=None)
@given(
    results=st.lists(st.sampled_from([*ORDER, "na"]), min_size=8, max_size=8),
    which=st.integers(0, 7),
    remediated=st.lists(st.booleans(), max_size=3),
)
def test_a_worse_result_or_a_reopened_hazard_never_improves_the_conclusion(results, which, remediated) -> None:
    items = _l2()[:8]
    if all(r == "na" for r in results):
        results = ["conform", *results[1:]]
    codes = [f"A-{18 + n}" for n in range(len(remediated))]
    hazards = tally(
        [Hazard(c, remediated_on=date(2026, 1, 1) if r else None) for c, r in zip(codes, remediated, strict=True)]
    )
    before = _verdict(items, results, hazards)
    if results[which] in ("conform", "partial"):
        worse = list(results)
        worse[which] = ORDER[ORDER.index(worse[which]) + 1]
        assert _verdict(items, worse, hazards) >= before
    if any(remediated):
        reopened = tally([Hazard(c) for c in codes])
        assert _verdict(items, results, reopened) >= before
