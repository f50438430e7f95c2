"""Scores the way the assessment report computes them, worked by hand: item, control point, category and overall
scores for both methods, coverage gaps, the 'why this score' explanation, and many assessments at once."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mlps.rules.catalogue import Item, load_catalogue
from mlps.rules.domain import Result, Risk
from mlps.rules.scoring import ScoringInputError, score_assessment, score_many
from mlps.rules.scoring_methods import get_method

WEIGHT = {"key": 1.0, "important": 0.7, "general": 0.4}


def item(item_id: str, category: str, tier: str, cp: str = "cp", letter: str = "a", scope: str = "general") -> Item:
    return Item(
        id=item_id,
        scope=scope,
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
        requirement_zh="要求",
        requirement_en="requirement",
        evidence_zh="证据",
        evidence_en="evidence",
    )


# The worked example used below.
#   PES: A key 1.0 conform; B important 0.7 partial (both control point p1); C general 0.4 nonconform (p2)
#   CES: D key 1.0 on two objects, conform + nonconform -> s = 0.5
#        E important 0.7 not applicable on every object -> drops out
#        F general 0.4 partial, plus NA on a second object -> s = 0.5 (NA left out of the mean)
#   MMS: G important 0.7 not assessed -> a coverage gap, MMS has no scored item and drops out
ITEMS = [
    item("A", "PES", "key", "p1", "a"),
    item("B", "PES", "important", "p1", "b"),
    item("C", "PES", "general", "p2", "a"),
    item("D", "CES", "key", "c1", "a"),
    item("E", "CES", "important", "c1", "b"),
    item("F", "CES", "general", "c2", "a"),
    item("G", "MMS", "important", "m1", "a"),
]
ROWS = [
    ("A", "", "conform"),
    ("B", "", "partial"),
    ("C", "", "nonconform"),
    ("D", "srv1", "conform"),
    ("D", "srv2", "nonconform"),
    ("E", "srv1", "na"),
    ("E", "srv2", "na"),
    ("F", "srv1", "partial"),
    ("F", "srv2", "na"),
    ("G", "", "not_assessed"),
]


def results(rows=ROWS, risks: dict[str, str] | None = None) -> pd.DataFrame:
    risks = risks or {}
    return pd.DataFrame([{"item_id": i, "assessed_object": o, "result": r, "risk": risks.get(i)} for i, o, r in rows])


def test_mlps2019_worked_example_matches_the_hand_arithmetic():
    r = score_assessment(results(), ITEMS, "mlps2019")
    # d_PES = (1.0*0 + 0.7*0.5 + 0.4*1) / (1.0 + 0.7 + 0.4) = 0.75 / 2.1 = 0.357142…
    # d_CES = (1.0*0.5 + 0.4*0.5) / (1.0 + 0.4) = 0.7 / 1.4 = 0.5          (E is NA everywhere: out)
    # MMS has no scored item: out of the mean.  M = 100 * (1 - (0.357142… + 0.5) / 2) = 57.142857…
    assert r.score == pytest.approx(100 * (1 - (0.75 / 2.1 + 0.5) / 2))
    assert r.score == pytest.approx(57.142857, abs=1e-6)
    assert r.method.name == "mlps2019" and r.method.version == "2019.1"
    # category scores are 100 * (1 - d_j); MMS has nothing scored yet
    assert r.categories["PES"] == pytest.approx(100 * (1 - 0.75 / 2.1))  # 64.2857…
    assert r.categories["CES"] == pytest.approx(50.0)
    assert r.categories["MMS"] is None


def test_item_scores_average_over_objects_and_leave_out_not_applicable():
    frame = score_assessment(results(), ITEMS).items.set_index("item_id")
    assert frame.loc["D", "score"] == 0.5  # (1 + 0) / 2
    assert frame.loc["F", "score"] == 0.5  # the NA object is not counted: 0.5 / 1
    assert frame.loc["B", "score"] == 0.5
    assert frame.loc["E", "status"] == "na" and math.isnan(frame.loc["E", "score"])
    assert frame.loc["G", "status"] == "gap" and math.isnan(frame.loc["G", "score"])
    assert list(frame["status"]) == ["scored", "scored", "scored", "scored", "na", "scored", "gap"]


def test_control_points_are_on_the_ten_point_scale():
    cps = score_assessment(results(), ITEMS).control_points.set_index("control_point")
    # p1: (1.0*1 + 0.7*0.5) / (1.0 + 0.7) * 10 = 1.35 / 1.7 * 10 = 7.941…
    assert cps.loc["p1", "score"] == pytest.approx(1.35 / 1.7 * 10)
    assert cps.loc["p2", "score"] == 0.0
    # c1: only D is scored (E is NA): 0.5 * 10
    assert cps.loc["c1", "score"] == pytest.approx(5.0)
    assert math.isnan(cps.loc["m1", "score"])  # nothing scored yet


def test_coverage_reports_gaps_and_not_applicable_items_by_id():
    cov = score_assessment(results(), ITEMS).coverage
    assert (cov.total, cov.scored, cov.not_applicable, cov.gaps) == (7, 5, 1, 1)
    assert cov.gap_ids == ("G",)
    assert cov.ratio == pytest.approx(6 / 7)
    assert not cov.complete


def test_an_item_with_no_row_at_all_is_a_gap_not_a_zero():
    rows = [r for r in ROWS if r[0] != "C"]  # C never assessed
    r = score_assessment(results(rows), ITEMS)
    assert "C" in r.coverage.gap_ids
    # d_PES = 0.35 / (1.0 + 0.7): C is not counted as nonconform
    assert r.score == pytest.approx(100 * (1 - (0.35 / 1.7 + 0.5) / 2))


def test_partly_assessed_items_are_scored_on_their_assessed_objects_and_listed():
    rows = [*ROWS, ("A", "srv9", "not_assessed")]
    r = score_assessment(results(rows), ITEMS)
    assert r.coverage.partly_assessed_ids == ("A",)
    assert r.score == pytest.approx(57.142857, abs=1e-6)


def test_deduction2021_worked_example_with_the_normalised_base():
    r = score_assessment(results(), ITEMS, "deduction2021")
    # technical side (PES, CES): units key 3 / important 2 / general 1 over applicable items A B C D F = 3+2+1+3+1 = 10
    # failed fractions: A 0, B 0.5, C 1, D (0 + 1)/2 = 0.5, F 0.5 (partial deducts half)
    # lost units = 2*0.5 + 1*1 + 3*0.5 + 1*0.5 = 4;  V_t = 100 * 0.5 * (1 - 4/10) = 30
    # management side has no scored item -> only the technical side counts: M = 30 / 0.5 = 60
    assert r.score == pytest.approx(60.0)
    assert r.method.name == "deduction2021"
    detail = r.to_dict()["method_detail"]
    assert detail["confidence"] == "R"
    assert detail["parameters"]["deduction_units"] == {"key": 3.0, "important": 2.0, "general": 1.0}
    assert detail["parameters"]["technical_share"] == 0.5
    assert set(detail["our_reading"]) == {"deduction_units", "base", "technical_share", "partial_deduction"}


def test_deduction2021_adds_the_management_side_with_its_share():
    rows = [*ROWS[:-1], ("G", "", "nonconform")]
    r = score_assessment(results(rows), ITEMS, "deduction2021")
    # technical V_t = 30 as above; management: G important 2 units, all lost -> V_m = 50 * (1 - 2/2) = 0
    assert r.score == pytest.approx(30.0)


def test_deduction2021_with_a_fixed_base_deducts_points_per_unit_and_floors_each_side_at_zero():
    rows = [*ROWS[:-1], ("G", "", "partial")]
    method = get_method("deduction2021").with_parameters("test-base-2", base=2)
    r = score_assessment(results(rows), ITEMS, method)
    # V_t = 50 - 4 units * 2 = 42;  V_m = 50 - (2 units * 0.5) * 2 = 48;  M = 90
    assert r.score == pytest.approx(90.0)
    assert r.method.version == "test-base-2" and r.method.parameters["base"] == 2.0
    harsh = get_method("deduction2021").with_parameters("test-base-30", base=30)
    # V_t = max(0, 50 - 4*30) = 0;  V_m = max(0, 50 - 1*30) = 20
    assert score_assessment(results(rows), ITEMS, harsh).score == pytest.approx(20.0)


def test_a_method_variant_must_have_its_own_version_and_valid_parameters():
    m = get_method("deduction2021")
    with pytest.raises(ValueError, match="version"):
        m.with_parameters(m.version, base=2)
    with pytest.raises(ValueError, match="technical_share"):
        m.with_parameters("x", technical_share=1.5)
    with pytest.raises(ValueError, match="no parameter"):
        m.with_parameters("x", gamma=1)


def test_explanation_lists_costly_items_largest_first_with_the_points_a_fix_returns():
    r = score_assessment(results(), ITEMS)
    gains = {g.item_id: g.points for g in r.explanation}
    # fixing one item re-scores with it conform on every object:
    #   D: d_CES -> 0.2/1.4 ; M' = 100*(1 - (0.75/2.1 + 0.2/1.4)/2) = 75      -> +17.857…
    #   C: d_PES -> 0.35/2.1; M' = 100*(1 - (0.35/2.1 + 0.5)/2)   = 66.667…  -> +9.524…
    #   B: d_PES -> 0.4/2.1 ; M' = 100*(1 - (0.4/2.1 + 0.5)/2)    = 65.476…  -> +8.333…
    #   F: d_CES -> 0.5/1.4 ; M' = 100*(1 - (0.75/2.1 + 0.5/1.4)/2) = 64.286… -> +7.143…
    assert [g.item_id for g in r.explanation] == ["D", "C", "B", "F"]
    assert gains["D"] == pytest.approx(75 - r.score)
    assert gains["C"] == pytest.approx(100 * 0.4 / 2.1 / 2)
    assert gains["B"] == pytest.approx(100 * 0.35 / 2.1 / 2)
    assert gains["F"] == pytest.approx(100 * 0.2 / 1.4 / 2)
    assert "A" not in gains  # conforming items cost nothing


def test_explanation_points_are_an_actual_rescore_for_the_deduction_method_too():
    r = score_assessment(results(), ITEMS, "deduction2021")
    top = r.explanation[0]
    fixed = [(i, o, "conform" if i == top.item_id and res != "na" else res) for i, o, res in ROWS]
    assert score_assessment(results(fixed), ITEMS, "deduction2021").score == pytest.approx(r.score + top.points)
    # D (key, 3 units, half failed): lost 4 -> 2.5 units: V_t = 50*(1 - 2.5/10) = 37.5 -> M = 75, +15
    assert (top.item_id, top.points) == ("D", pytest.approx(15.0))


def test_result_words_in_chinese_and_enum_members_score_the_same():
    words = {"conform": "符合", "partial": "部分符合", "nonconform": "不符合", "na": "不适用", "not_assessed": ""}
    zh = [(i, o, words[r]) for i, o, r in ROWS]
    enum = [(i, o, Result(r)) for i, o, r in ROWS]
    base = score_assessment(results(), ITEMS).score
    assert score_assessment(results(zh), ITEMS).score == pytest.approx(base)
    assert score_assessment(results(enum), ITEMS).score == pytest.approx(base)


def test_risk_counts_only_on_open_problems_and_takes_the_highest_per_item():
    rows = [*ROWS, ("C", "srv2", "partial")]
    frame = results(rows, {"A": "high"})  # A conforms: its risk is ignored
    frame.loc[(frame.item_id == "C") & (frame.assessed_object == ""), "risk"] = "low"
    frame.loc[(frame.item_id == "C") & (frame.assessed_object == "srv2"), "risk"] = "中"
    r = score_assessment(frame, ITEMS)
    assert r.items.set_index("item_id").loc["C", "risk"] == "medium"
    assert r.items.set_index("item_id").loc["A", "risk"] is None
    assert r.conclusion.risk_counts == {"high": 0, "medium": 1, "low": 0}


def test_nothing_assessed_gives_no_score_and_no_conclusion():
    r = score_assessment(pd.DataFrame({"item_id": ["E"], "result": ["na"]}), ITEMS)
    assert r.score is None and r.conclusion is None
    assert r.to_dict()["score"] is None and r.to_dict()["conclusion"] is None
    assert r.coverage.gaps == 6


def test_unknown_item_ids_are_errors_naming_the_rows():
    frame = pd.DataFrame({"item_id": ["A", "ZZ", "B"], "result": ["conform", "conform", "partial"]}, index=[2, 3, 4])
    with pytest.raises(ScoringInputError, match=r"row 3 \('ZZ'\)"):
        score_assessment(frame, ITEMS)


def test_a_bad_result_word_names_its_row_and_column():
    frame = pd.DataFrame({"item_id": ["A", "B"], "result": ["conform", "maybe"]}, index=[7, 8])
    with pytest.raises(ScoringInputError, match=r"row 8, column 'result': 'maybe' is not a result"):
        score_assessment(frame, ITEMS)


def test_a_bad_risk_word_names_its_row_and_column():
    frame = pd.DataFrame({"item_id": ["A"], "result": ["nonconform"], "risk": ["severe"]})
    with pytest.raises(ScoringInputError, match=r"row 0, column 'risk': 'severe' is not a risk level"):
        score_assessment(frame, ITEMS)


def test_the_same_item_twice_on_one_object_is_an_error_naming_both_rows():
    frame = pd.DataFrame(
        {"item_id": ["A", "B", "A"], "assessed_object": ["x", "", "x"], "result": ["conform", "partial", "nonconform"]}
    )
    with pytest.raises(ScoringInputError, match=r"row 2: item A on object 'x' is given twice \(first at row 0\)"):
        score_assessment(frame, ITEMS)


def test_score_many_gives_the_same_numbers_as_one_by_one():
    second = [(i, o, "conform" if r == "nonconform" else r) for i, o, r in ROWS]
    long = pd.concat([results().assign(assessment="a1"), results(second).assign(assessment="a2")])
    for method in ("mlps2019", "deduction2021"):
        many = score_many(long, ITEMS, method)
        assert list(many.index) == ["a1", "a2"]
        assert many.loc["a1", "score"] == pytest.approx(score_assessment(results(), ITEMS, method).score)
        assert many.loc["a2", "score"] == pytest.approx(score_assessment(results(second), ITEMS, method).score)
    many = score_many(long, ITEMS)
    assert many.loc["a1", "PES"] == pytest.approx(100 * (1 - 0.75 / 2.1))
    assert tuple(many.loc["a1", ["scored", "not_applicable", "gaps"]]) == (5, 1, 1)


def test_score_many_grades_with_the_open_risks():
    ok = [(i, o, "conform" if r in ("partial", "nonconform", "not_assessed") else r) for i, o, r in ROWS]
    long = pd.concat(
        [
            results(ok).assign(assessment=1),
            results([*ok[:2], ("C", "", "nonconform"), *ok[3:]], {"C": "high"}).assign(assessment=2),
            results([*ok[:2], ("C", "", "partial"), *ok[3:]], {"C": "medium"}).assign(assessment=3),
        ]
    )
    many = score_many(long, ITEMS)
    assert many.loc[1, "score"] == 100 and many.loc[1, "grade"] == "优"
    # C nonconform: d_PES = 0.4/2.1, M = 100 * (1 - 0.190476/3) = 93.65 (PES, CES, MMS all scored), but high risk
    assert many.loc[2, "score"] == pytest.approx(100 * (1 - 0.4 / 2.1 / 3))
    assert (many.loc[2, "grade"], many.loc[2, "high"], many.loc[2, "worst_risk"]) == ("差", 1, "high")
    assert many.loc[3, "grade"] == "良"  # ≥ 90 but a medium risk rules out 优


def test_score_many_on_the_real_catalogue_matches_score_assessment():
    catalogue = load_catalogue()
    items = catalogue.select(3, ["cloud"])
    ids = [i.id for i in items]
    words = ["conform", "partial", "nonconform", "na"]
    frames = {
        k: pd.DataFrame({"item_id": ids, "result": [words[(n * k) % 4] for n in range(len(ids))]}) for k in (1, 2, 3)
    }
    long = pd.concat([f.assign(assessment=k) for k, f in frames.items()])
    many = score_many(long, items, "deduction2021")
    for k, f in frames.items():
        assert many.loc[k, "score"] == pytest.approx(score_assessment(f, items, "deduction2021").score)


def test_result_to_dict_has_what_the_cli_and_report_print():
    d = score_assessment(results(risks={"C": "high"}), ITEMS).to_dict(top=2)
    assert d["method"] == "mlps2019" and d["score"] == 57.14
    assert d["conclusion"] == "差" and d["reason"]["en"].startswith("差: 1 high-risk problem: C")
    assert set(d["categories"]) == {"PES", "CES", "MMS"}
    assert [e["item_id"] for e in d["explanation"]] == ["D", "C"]
    assert d["coverage"]["gap_ids"] == ["G"]
    assert Risk.HIGH.value == d["explanation"][1]["risk"]
