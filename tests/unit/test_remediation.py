"""The remediation plan, worked by hand: tasks in priority order with their fixes, what-ifs that equal a re-score,
a minimal set that reaches its target, the burn-down of open tasks, and the Excel export."""

from __future__ import annotations

import io
import random
from dataclasses import asdict, replace
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from mlps.adapters.exchange.plan_xlsx import plan_xlsx
from mlps.rules.catalogue import Item, load_catalogue
from mlps.rules.domain import ItemResult, Result, Risk
from mlps.rules.high_risk import HighRiskCase, HighRiskGuideline
from mlps.rules.remediation import (
    RemediationError,
    RemediationTask,
    StatusEvent,
    TaskStatus,
    apply_fixes,
    burndown,
    check_task_update,
    grade_target,
    plan_tasks,
    suggest_minimal_set,
    what_if,
)
from mlps.rules.results import results_frame
from mlps.rules.scoring import score_assessment

WEIGHT = {"key": 1.0, "important": 0.7, "general": 0.4}


def item(item_id: str, category: str, tier: str, cp: str, letter: str) -> Item:
    return Item(
        id=item_id,
        scope="general",
        level=3,
        category=category,
        control_point=cp,
        control_point_zh=f"控制点{cp}",
        control_point_en=f"Control point {cp}",
        letter=letter,
        clause="8.1",
        tier=tier,
        weight=WEIGHT[tier],
        tier_source="chosen",
        methods=("examine",),
        requirement_zh=f"要求{item_id}",
        requirement_en=f"requirement {item_id}",
        evidence_zh=f"证据{item_id}",
        evidence_en=f"evidence {item_id}",
    )


# The worked example.
#   PES: A key 1.0 nonconform, HIGH (a high-risk case names it); B important 0.7 partial, medium  (control point p1)
#        C general 0.4 conform                                                                   (control point p2)
#   CES: D key 1.0 nonconform, low; E general 0.4 conform                                        (control point c1)
#   MMS: F important 0.7 nonconform, no risk rated                                               (control point m1)
# mlps2019: d_PES = (1.0·1 + 0.7·0.5) / 2.1 = 1.35/2.1; d_CES = 1.0/1.4; d_MMS = 0.7/0.7 = 1
#           M = 100 · (1 − (1.35/2.1 + 1/1.4 + 1) / 3) = 21.428…
ITEMS = [
    item("A", "PES", "key", "p1", "a"),
    item("B", "PES", "important", "p1", "b"),
    item("C", "PES", "general", "p2", "a"),
    item("D", "CES", "key", "c1", "a"),
    item("E", "CES", "general", "c1", "b"),
    item("F", "MMS", "important", "m1", "a"),
]
ROWS = [
    ("A", "srv1", "nonconform", "high"),
    ("B", "", "partial", "medium"),
    ("C", "", "conform", None),
    ("D", "", "nonconform", "low"),
    ("E", "", "conform", None),
    ("F", "", "nonconform", None),
]


def _case(number: str, level: int, item: str, fix_zh: str, fix_en: str) -> HighRiskCase:
    """A guideline case tied to the made-up items above (built without the checks a real item id needs)."""
    return HighRiskCase.model_construct(
        case=number, scope="general", category="PES", title_zh="机房没有门禁" if level < 4 else "只在第四级",
        title_en="No door control" if level < 4 else "Level 4 only", applies_from=level, conditions=(),
        items={lv: (item,) for lv in range(level, 5)}, no_item_at={}, trigger=None, can_lower="no",
        no_lowering_when=(), situations_zh=("情形",), situations_en=("situation",), mitigations_zh=(),
        mitigations_en=(), lowering_note_zh="", lowering_note_en="", fix_zh=fix_zh, fix_en=fix_en,
    )  # fmt: skip


CASES = HighRiskGuideline.model_construct(
    version="t",
    guideline="test",
    source="test",
    cases=(
        _case("6.1.1.1", 2, "A", "安装电子门禁并登记进出", "Fit an electronic lock and log entries"),
        _case("6.4.6.3", 4, "D", "第四级的修复", "a level 4 fix"),  # above the assessed level 3: not used
    ),
)


def frame(rows=ROWS) -> pd.DataFrame:
    return pd.DataFrame([{"item_id": i, "assessed_object": o, "result": r, "risk": k} for i, o, r, k in rows]).astype(
        object
    )


@pytest.fixture
def scored():
    return score_assessment(frame(), ITEMS, "mlps2019")


def test_the_worked_example_scores_as_the_hand_arithmetic(scored):
    assert scored.score == pytest.approx(100 * (1 - (1.35 / 2.1 + 1 / 1.4 + 1) / 3))
    assert scored.conclusion.grade == "差"


def test_tasks_per_item_come_high_risk_first_then_by_points_returned(scored):
    tasks = plan_tasks(scored, ITEMS, 3, results=frame(), cases=CASES)
    # points if fixed alone: A 100·(1.0/2.1)/3 = 15.87; F 100·1/3 = 33.33; D 100·(1/1.4)/3 = 23.81; B 100·(0.35/2.1)/3
    assert [t.item_ids for t in tasks] == [("A",), ("F",), ("D",), ("B",)]
    assert [t.priority for t in tasks] == [1, 2, 3, 4]
    assert [t.risk for t in tasks] == [Risk.HIGH, None, Risk.LOW, Risk.MEDIUM]
    assert [round(t.points, 2) for t in tasks] == [15.87, 33.33, 23.81, 5.56]
    assert tasks[0].key == "item:A" and tasks[0].case_ids == ("6.1.1.1",)


def test_a_task_is_prefilled_with_the_requirement_the_case_fix_and_the_evidence_in_both_languages(scored):
    a, f, d, _ = plan_tasks(scored, ITEMS, 3, results=frame(), cases=CASES)
    assert a.title_zh == "消除高风险：机房没有门禁" and a.title_en == "Remove a high risk: No door control"
    assert "要求A" in a.action_zh and "安装电子门禁并登记进出" in a.action_zh and "证据A" in a.action_zh
    assert "requirement A" in a.action_en and "Fit an electronic lock" in a.action_en and "evidence A" in a.action_en
    assert "srv1" in a.action_zh and "srv1" in a.action_en  # the object the problem was found on
    # the level-4 case does not apply to a level-3 assessment
    assert d.case_ids == () and "第四级的修复" not in d.action_zh
    assert f.title_zh.startswith("控制点m1 a）") and "高风险判例" not in f.action_zh


def test_tasks_per_control_point_cover_its_items_and_return_their_joint_points(scored):
    tasks = plan_tasks(scored, ITEMS, 3, grouping="control_point", cases=CASES)
    assert [t.item_ids for t in tasks] == [("A", "B"), ("F",), ("D",)]
    p1 = tasks[0]
    assert p1.key == "cp:general/PES/p1" and p1.risk is Risk.HIGH
    assert p1.points == pytest.approx(100 * (1.35 / 2.1) / 3)  # fixing both clears d_PES: 21.43
    assert "要求A" in p1.action_zh and "要求B" in p1.action_zh


def test_items_already_covered_are_left_out_when_generating_again(scored):
    tasks = plan_tasks(scored, ITEMS, 3, cases=CASES, exclude_items=["A", "F"])
    assert [t.item_ids for t in tasks] == [("D",), ("B",)]
    assert [t.priority for t in tasks] == [1, 2]


def test_what_if_moves_the_conclusion_as_worked_by_hand(scored):
    tasks = {t.item_ids[0]: t for t in plan_tasks(scored, ITEMS, 3, cases=CASES)}
    w = what_if(scored, ITEMS, [tasks["A"], tasks["F"]])
    # d_PES = 0.35/2.1, d_CES = 1/1.4, d_MMS = 0 -> 100·(1 − (0.1667 + 0.7143)/3) = 70.63; open: B medium, D low
    assert w.score_after == pytest.approx(100 * (1 - (0.35 / 2.1 + 1 / 1.4) / 3))
    assert (w.conclusion_before.grade, w.conclusion_after.grade) == ("差", "中")
    assert (w.high_before, w.high_after) == (1, 0)
    assert w.summary("zh") == "完成这 2 项整改，结论由 差 变为 中（得分 21.43 → 70.63，高风险 1 → 0）"
    assert w.summary("en").startswith("Do these 2 tasks and you move from poor (差) to fair (中)")


@pytest.mark.parametrize("method", ["mlps2019", "deduction2021"])
def test_what_if_equals_a_rescore_of_the_changed_results(method):
    scored = score_assessment(frame(), ITEMS, method)
    tasks = plan_tasks(scored, ITEMS, 3, cases=CASES)
    for n in range(len(tasks) + 1):
        chosen = tasks[:n]
        w = what_if(scored, ITEMS, chosen)
        again = score_assessment(apply_fixes(frame(), chosen), ITEMS, method)
        assert w.score_after == pytest.approx(again.score)
        assert w.conclusion_after.grade == again.conclusion.grade
        assert w.conclusion_after.reason_zh == again.conclusion.reason_zh


def random_assessment(seed: int, level: int = 3, extensions=("cloud",)):
    items = load_catalogue().select(level, list(extensions))
    rng = random.Random(seed)
    rows = []
    for i in items:
        for obj in ("", "srv2") if i.category == "CES" else ("",):
            r = rng.choices(["conform", "partial", "nonconform", "na", "not_assessed"], [50, 20, 20, 5, 5])[0]
            risk = rng.choice(["high", "medium", "low", None]) if r in ("partial", "nonconform") else None
            rows.append({"item_id": i.id, "assessed_object": obj, "result": r, "risk": risk})
    return items, pd.DataFrame(rows).astype(object)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_what_if_equals_a_rescore_on_real_assessments_with_several_objects(seed):
    items, results = random_assessment(seed)
    scored = score_assessment(results, items)
    tasks = plan_tasks(scored, items, 3, grouping="control_point", results=results)
    rng = random.Random(seed)
    chosen = rng.sample(tasks, k=len(tasks) // 3)
    w = what_if(scored, items, chosen)
    again = score_assessment(apply_fixes(results, chosen), items)
    assert w.score_after == pytest.approx(again.score)
    assert w.conclusion_after.grade == again.conclusion.grade
    assert w.high_after == again.conclusion.risk_counts.get("high", 0)


def test_the_minimal_set_for_fair_takes_the_high_risk_and_the_biggest_gain(scored):
    tasks = plan_tasks(scored, ITEMS, 3, cases=CASES)
    s = suggest_minimal_set(scored, ITEMS, tasks, 70)
    # A is required (high risk): 37.30; then F returns the most: 70.63 >= 70
    assert [t.item_ids for t in s.tasks] == [("A",), ("F",)]
    assert s.reached and s.required == ("item:A",)
    assert s.outcome.score_after >= 70 and s.outcome.conclusion_after.grade == "中"


def test_the_minimal_set_for_excellent_also_closes_medium_risks(scored):
    tasks = plan_tasks(scored, ITEMS, 3, cases=CASES)
    target, max_risk = grade_target("excellent")
    assert (target, max_risk) == (90, Risk.LOW)
    s = suggest_minimal_set(scored, ITEMS, tasks, target, max_risk=max_risk)
    assert set(s.required) == {"item:A", "item:B"}  # high and medium must go
    assert {t.item_ids[0] for t in s.tasks} == {"A", "B", "D", "F"}
    assert s.outcome.score_after == pytest.approx(100.0) and s.outcome.conclusion_after.grade == "优"


def test_an_unreachable_target_is_reported_not_faked(scored):
    tasks = [t for t in plan_tasks(scored, ITEMS, 3, cases=CASES) if t.item_ids != ("F",)]
    s = suggest_minimal_set(scored, ITEMS, tasks, 95)
    assert not s.reached
    assert "95" in s.note_zh and "95" in s.note_en
    missing_high = suggest_minimal_set(scored, ITEMS, tasks[1:], 10)  # no task for A, the high risk
    assert not missing_high.reached and missing_high.uncovered_ids == ("A",)
    with pytest.raises(RemediationError, match="0 to 100"):
        suggest_minimal_set(scored, ITEMS, tasks, 120)


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
def test_the_minimal_set_reaches_its_target_and_every_optional_task_in_it_is_needed(seed):
    items, results = random_assessment(seed)
    scored = score_assessment(results, items)
    tasks = plan_tasks(scored, items, 3)
    target = min(95.0, (scored.score or 0) + 15)
    s = suggest_minimal_set(scored, items, tasks, target)
    assert s.reached
    assert round(s.outcome.score_after, 2) >= target and s.outcome.high_after == 0
    again = score_assessment(apply_fixes(results, s.tasks), items)
    assert again.score == pytest.approx(s.outcome.score_after)
    for t in s.tasks:
        if t.key in s.required:
            continue
        without = what_if(scored, items, [x for x in s.tasks if x.key != t.key])
        assert round(without.score_after, 2) < target, f"{t.key} is not needed"
    assert len(s.tasks) < len(tasks)


def test_burndown_counts_open_tasks_by_risk_each_day():
    def task(n: int, risk):
        return RemediationTask(
            key=f"item:{n}", item_ids=(str(n),), scope="general", category="PES", control_point="p",
            control_point_zh="p", control_point_en="p", title_zh="t", title_en="t", action_zh="a", action_en="a",
            risk=risk, case_ids=(), points=1.0, priority=n, id=n,
        )  # fmt: skip

    tasks = [task(1, Risk.HIGH), task(2, Risk.MEDIUM), task(3, Risk.LOW), task(4, None)]
    at = lambda d, h=9: datetime(2026, 3, d, h)  # noqa: E731
    events = [StatusEvent(n, at(1), TaskStatus.OPEN) for n in (1, 2, 3)] + [
        StatusEvent(4, at(2), TaskStatus.OPEN),
        StatusEvent(1, at(3), TaskStatus.IN_PROGRESS),  # still open
        StatusEvent(2, at(4), TaskStatus.ACCEPTED_RISK),
        StatusEvent(1, at(5), TaskStatus.DONE),
        StatusEvent(3, at(6, 9), TaskStatus.DONE),
        StatusEvent(3, at(6, 17), TaskStatus.OPEN),  # reopened the same day: open at the end of the day
        StatusEvent(4, at(7), TaskStatus.DONE),
    ]
    b = burndown(tasks, events, end=date(2026, 3, 8))
    assert list(b["day"]) == [date(2026, 3, d) for d in range(1, 9)]
    assert list(b["high"]) == [1, 1, 1, 1, 0, 0, 0, 0]
    assert list(b["medium"]) == [1, 1, 1, 0, 0, 0, 0, 0]
    assert list(b["low"]) == [1, 1, 1, 1, 1, 1, 1, 1]
    assert list(b["unrated"]) == [0, 1, 1, 1, 1, 1, 0, 0]
    assert list(b["total"]) == [3, 4, 4, 3, 2, 2, 1, 1]
    with pytest.raises(RemediationError, match="before it starts"):
        burndown(tasks, events, end=date(2026, 2, 1))
    assert burndown(tasks, [], end=date(2026, 3, 8)).empty


def test_accepting_a_risk_needs_a_reason():
    assert check_task_update("done") is TaskStatus.DONE
    with pytest.raises(RemediationError, match="reason"):
        check_task_update("accepted_risk", "  ")
    assert check_task_update("accepted_risk", "校长批准：系统下月停用") is TaskStatus.ACCEPTED_RISK
    with pytest.raises(RemediationError, match="closed"):
        check_task_update("closed")


def test_xlsx_export_keeps_formula_like_text_as_text(scored):
    drafts = plan_tasks(scored, ITEMS, 3, cases=CASES)
    stored = RemediationTask(
        **asdict(drafts[0]),
        id=7,
        owner='=HYPERLINK("http://x")',
        due_on=date(2026, 12, 31),
        status=TaskStatus.IN_PROGRESS,
        closing_evidence="+1 门禁记录",
        reason="@SUM(A1)",
    )
    data = plan_xlsx([stored, *drafts[1:]], "zh", title="-青山县第一中学 整改计划")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "-青山县第一中学 整改计划" and ws["A1"].data_type == "s"
    header = [c.value for c in ws[3]]
    assert header[:3] == ["优先级", "任务", "测评项"] and "责任人" in header
    row = {h: c for h, c in zip(header, ws[4], strict=True)}
    assert row["责任人"].value == '=HYPERLINK("http://x")' and row["责任人"].data_type == "s"
    assert row["责任人"].quotePrefix and row["完成证据"].quotePrefix and row["接受风险的理由"].quotePrefix
    assert row["状态"].value == "整改中" and row["风险"].value == "高"
    assert row["完成期限"].value.date() == date(2026, 12, 31)
    assert ws.max_row == 3 + len(drafts)
    en = load_workbook(io.BytesIO(plan_xlsx(drafts, "en"))).active
    assert [c.value for c in en[1]][:2] == ["Priority", "Task"]
    assert en["B2"].value == "Remove a high risk: No door control"


def test_results_frame_keeps_only_the_assessed_items():
    rows = [ItemResult("A", Result.PARTIAL, risk=Risk.HIGH), ItemResult("ZZ", Result.CONFORM)]
    f = results_frame(rows, {"A", "B"})
    assert list(f["item_id"]) == ["A"] and list(f["risk"]) == ["high"] and list(f["result"]) == ["partial"]


def test_a_plan_needs_the_items_it_was_scored_on(scored):
    with pytest.raises(RemediationError, match="not the ones"):
        plan_tasks(scored, ITEMS[:-1], 3, cases=CASES)
    with pytest.raises(RemediationError, match="grouping"):
        plan_tasks(scored, ITEMS, 3, grouping="category", cases=CASES)


def test_pruning_drops_a_greedy_pick_the_later_picks_make_unnecessary():
    # One category; A, B key (1.0), C, D important (0.7) nonconform; G key conform. Σw = 4.4.
    # Overlapping tasks X = {A, B} (+45.45), Y = {A, C} (+38.64), Z = {B, D} (+38.64); target 90.
    # Greedy: X (68.18), then Y (+15.91 for C: 84.09), then Z (+15.91 for D: 100). Pruning, last pick first:
    # without Z 84.09, without Y 84.09 (both short), without X: Y + Z cover A, B, C, D = 100 -> X goes.
    items = [
        item("A", "PES", "key", "p", "a"),
        item("B", "PES", "key", "p", "b"),
        item("C", "PES", "important", "p", "c"),
        item("D", "PES", "important", "p", "d"),
        item("G", "PES", "key", "p", "e"),
    ]
    rows = [(i, "", "nonconform", None) for i in "ABCD"] + [("G", "", "conform", None)]
    scored = score_assessment(frame(rows), items)
    assert scored.score == pytest.approx(100 * (1 - 3.4 / 4.4))
    one = plan_tasks(scored, items, 3, cases=CASES)[0]
    x = replace(one, key="x", item_ids=("A", "B"))
    y = replace(one, key="y", item_ids=("A", "C"))
    z = replace(one, key="z", item_ids=("B", "D"))
    s = suggest_minimal_set(scored, items, [x, y, z], 90)
    assert s.reached and {t.key for t in s.tasks} == {"y", "z"}
    assert s.outcome.score_after == pytest.approx(100.0)
