"""Properties every scoring method must keep, whatever the results: the score stays in [0, 100], all conform
gives 100, improving one item never lowers the score, and not-applicable results do not move it."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlps.rules.catalogue import Item
from mlps.rules.scoring import score_assessment, score_many

CATEGORIES = ["PES", "CNS", "ABS", "CES", "SMC", "PSS", "ORS", "HRS", "CMS", "MMS"]
TIERS = {"key": 1.0, "important": 0.7, "general": 0.4}
RESULTS = ["conform", "partial", "nonconform", "na", "not_assessed"]
METHODS = ["mlps2019", "deduction2021", "mlps2025"]
BETTER = {"nonconform": "partial", "partial": "conform"}


def make_item(n: int, category: str, tier: str) -> Item:
    return Item(
        id=f"I{n:03d}",
        scope="general",
        level=3,
        category=category,
        control_point=f"cp{n % 4}",
        control_point_zh="控制点",
        control_point_en="Control point",
        letter="a",
        clause="8.1",
        tier=tier,
        weight=TIERS[tier],
        tier_source="chosen",
        methods=("examine",),
        requirement_zh="要求",
        requirement_en="requirement",
        evidence_zh="证据",
        evidence_en="evidence",
    )


@st.composite
def assessments(draw):
    """Items (random category and tier) and results: each item on 0-3 objects, each with any result."""
    n = draw(st.integers(min_value=1, max_value=25))
    specs = draw(st.lists(st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(list(TIERS))), min_size=n, max_size=n))
    items = [make_item(k, c, t) for k, (c, t) in enumerate(specs)]
    rows = []
    for it in items:
        for obj in range(draw(st.integers(min_value=0, max_value=3))):
            rows.append({"item_id": it.id, "assessed_object": f"o{obj}", "result": draw(st.sampled_from(RESULTS))})
    return items, rows


def score(items, rows, method):
    frame = pd.DataFrame(rows, columns=["item_id", "assessed_object", "result"])
    return score_assessment(frame, items, method).score


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("method", METHODS)
@FAST
@given(data=assessments())
def test_the_score_stays_between_0_and_100(method, data):
    items, rows = data
    s = score(items, rows, method)
    assert s is None or 0.0 <= s <= 100.0
    scored = any(r["result"] in ("conform", "partial", "nonconform") for r in rows)
    assert (s is not None) == scored  # a score exactly when something is scored


@pytest.mark.parametrize("method", METHODS)
@FAST
@given(data=assessments())
def test_all_conform_gives_100(method, data):
    items, rows = data
    rows = [{**r, "result": "conform"} for r in rows] or [
        {"item_id": items[0].id, "assessed_object": "", "result": "conform"}
    ]
    assert score(items, rows, method) == 100.0


@pytest.mark.parametrize("method", METHODS)
@FAST
@given(data=assessments(), pick=st.integers(min_value=0, max_value=10_000))
def test_improving_one_result_never_lowers_the_score(method, data, pick):
    items, rows = data
    improvable = [k for k, r in enumerate(rows) if r["result"] in BETTER]
    if not improvable:
        return
    k = improvable[pick % len(improvable)]
    better = [dict(r) for r in rows]
    better[k]["result"] = BETTER[rows[k]["result"]]
    before, after = score(items, rows, method), score(items, better, method)
    assert after >= before - 1e-9


@pytest.mark.parametrize("method", METHODS)
@FAST
@given(data=assessments(), category=st.sampled_from(CATEGORIES), tier=st.sampled_from(list(TIERS)))
def test_not_applicable_items_and_objects_do_not_move_the_score(method, data, category, tier):
    items, rows = data
    before = score(items, rows, method)
    # a new item that is not applicable on every object it was checked on
    extra = make_item(999, category, tier)
    with_na_item = [*rows, {"item_id": extra.id, "assessed_object": "x", "result": "na"}]
    after = score([*items, extra], with_na_item, method)
    assert (after is None and before is None) or after == pytest.approx(before, abs=1e-9)
    # a not-applicable result on one more object of every item
    with_na_objects = rows + [{"item_id": i.id, "assessed_object": "extra", "result": "na"} for i in items]
    after = score(items, with_na_objects, method)
    assert (after is None and before is None) or after == pytest.approx(before, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=25, deadline=None)
@given(batch=st.lists(assessments(), min_size=1, max_size=4))
def test_score_many_agrees_with_score_assessment(method, batch):
    items = batch[0][0]
    ids = {i.id for i in items}
    frames = []
    for k, (_, rows) in enumerate(batch):
        kept = [r for r in rows if r["item_id"] in ids]  # every assessment scores against the first item set
        frames.append(pd.DataFrame(kept, columns=["item_id", "assessed_object", "result"]).assign(assessment=k))
    long = pd.concat(frames)
    many = score_many(long, items, method)
    for k, f in enumerate(frames):
        if k not in many.index:
            continue  # an assessment with no rows at all does not appear
        one = score_assessment(f.drop(columns="assessment"), items, method).score
        got = many.loc[k, "score"]
        assert (one is None and pd.isna(got)) or got == pytest.approx(one, abs=1e-9)
