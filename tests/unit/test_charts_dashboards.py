"""Dashboard figures as data: traces, values, colours and labels of the per-assessment, portfolio, trend and
burn-down charts, on the worked example of test_remediation (hand arithmetic in the comments)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from mlps.adapters import charts
from mlps.rules.catalogue import load_catalogue
from mlps.rules.scoring import score_assessment
from tests.unit.test_remediation import ITEMS, frame

NAMES = load_catalogue().taxonomy.categories


@pytest.fixture
def scored():
    return score_assessment(frame(), ITEMS, "mlps2019")


def test_score_card_says_the_score_conclusion_and_how_it_was_computed(scored):
    card = charts.score_card(scored, "zh")
    assert card["score_text"] == "21.43" and card["grade"] == "差" and card["grade_code"] == "poor"
    assert card["high"] == 1 and card["medium"] == 1 and card["low"] == 1
    assert card["coverage_text"].startswith("2019 版测评报告模板得分")
    assert "已测评 6 / 6 项适用测评项" in card["coverage_text"]
    en = charts.score_card(scored, "en")
    assert en["grade"] == "poor" and "6 of 6 applicable items assessed" in en["coverage_text"]
    assert en["reason"] == scored.conclusion.reason_en


def test_category_bars_show_each_category_score_and_mark_unassessed_ones(scored):
    fig = charts.category_bars(dict(scored.categories), "zh", NAMES)
    bar = fig.data[0]
    # PES 100·(1 − 1.35/2.1) = 35.71; CES 100·(1 − 1/1.4) = 28.57; MMS 0
    assert list(bar.y) == ["PES 安全物理环境", "CES 安全计算环境", "MMS 安全运维管理"]
    assert list(bar.x) == [35.71, 28.57, 0.0]
    assert list(bar.customdata) == ["PES", "CES", "MMS"]
    assert list(bar.marker.color) == ["#c62828"] * 3  # all below 70
    assert fig.layout.title.text == "各安全类得分"
    blank = charts.category_bars({"PES": 85.0, "CES": None}, "en", NAMES)
    assert list(blank.data[0].x) == [85.0, None]
    assert list(blank.data[0].text) == ["85.0", "not assessed"]
    assert blank.data[0].marker.color[0] == "#2e7d32"
    assert blank.layout.title.text == "Score per category"


def test_heat_map_has_a_row_per_category_and_control_points_by_their_10_point_score(scored):
    fig = charts.control_point_heatmap(scored.control_points, "zh", NAMES)
    heat = fig.data[0]
    assert list(heat.y) == ["PES 安全物理环境", "CES 安全计算环境", "MMS 安全运维管理"]
    assert list(heat.x) == [1, 2]
    # p1 = (1.0·0 + 0.7·0.5) / 1.7 · 10 = 2.06; p2 = 10; c1 = (1.0·0 + 0.4·1) / 1.4 · 10 = 2.86; m1 = 0
    assert [list(row) for row in heat.z] == [[2.06, 10.0], [2.86, None], [0.0, None]]
    assert [list(row) for row in heat.text] == [["控制点p1", "控制点p2"], ["控制点c1", ""], ["控制点m1", ""]]
    assert (heat.zmin, heat.zmax) == (0, 10)
    en = charts.control_point_heatmap(scored.control_points, "en", NAMES)
    assert en.data[0].text[0][0] == "Control point p1" and en.layout.title.text == "Control points (10-point score)"


def test_problems_by_risk_count_items_with_a_problem(scored):
    fig = charts.gaps_by_risk(scored.items, "zh")
    bar = fig.data[0]
    assert list(bar.x) == ["高风险", "中风险", "低风险", "未定风险"]
    assert list(bar.y) == [1, 1, 1, 1]  # A high, B medium, D low, F not rated; C and E conform
    assert list(bar.marker.color) == ["#c62828", "#ef6c00", "#f9a825", "#9e9e9e"]
    assert list(charts.gaps_by_risk(scored.items, "en").data[0].x)[0] == "high risk"


def test_coverage_chart_counts_assessed_not_applicable_and_missing():
    rows = [("A", "", "conform", None), ("B", "", "na", None), ("C", "", "partial", "low")]
    scored = score_assessment(frame(rows), ITEMS)
    fig = charts.coverage_chart(scored.coverage, "zh")
    pie = fig.data[0]
    assert list(pie.labels) == ["已测评", "不适用", "未测评"]
    assert list(pie.values) == [2, 1, 3]  # A, C scored; B not applicable; D, E, F not assessed
    assert fig.layout.annotations[0].text == "50%"  # (2 + 1) of 6 decided


def portfolio_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "system_id": [3, 1, 2],
            "system": ["办公自动化系统", "学生信息管理系统", "门户网站"],
            "score": [float("nan"), 64.2, 83.456],
            "grade": [None, "差", "良"],
            "grade_code": [None, "poor", "good"],
        }
    )


def test_portfolio_chart_has_a_bar_per_system_coloured_by_conclusion():
    fig = charts.portfolio_scores(portfolio_frame(), "zh")
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["办公自动化系统", "学生信息管理系统", "门户网站"]
    assert list(bar.x) == [0, 64.2, 83.46]
    assert list(bar.text) == ["未测评", "64.2 差", "83.5 良"]
    assert list(bar.marker.color) == ["#9e9e9e", "#c62828", "#7cb342"]
    assert list(bar.customdata) == [3, 1, 2]
    lines = sorted(s.x0 for s in fig.layout.shapes)
    assert lines == [70, 80, 90]
    assert fig.layout.yaxis.autorange == "reversed"  # the first (worst) system on top
    en = charts.portfolio_scores(portfolio_frame(), "en")
    assert list(en.data[0].text) == ["never assessed", "64.2 poor", "83.5 good"]


def test_trend_draws_the_score_line_over_the_open_problems():
    trend = pd.DataFrame(
        {
            "grade_code": ["poor", "fair"],
            "assessment_id": [1, 2],
            "title": ["2025 年自查", "2026 年自查"],
            "day": [date(2025, 5, 1), date(2026, 5, 1)],
            "score": [61.5, 74.25],
            "grade": ["差", "中"],
            "problems": [40, 22],
        }
    )
    fig = charts.score_trend(trend, "zh")
    bars, line = fig.data
    assert bars.type == "bar" and list(bars.y) == [40, 22] and bars.name == "未整改问题"
    assert line.type == "scatter" and list(line.y) == [61.5, 74.25] and list(line.text) == ["差", "中"]
    assert line.yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"
    assert list(line.x) == ["2025 年自查 (2025-05-01)", "2026 年自查 (2026-05-01)"]
    en = charts.score_trend(trend, "en").data[1]
    assert en.name == "score" and list(en.text) == ["poor", "fair"]


def test_burndown_stacks_open_tasks_by_risk():
    b = pd.DataFrame(
        {
            "day": [date(2026, 3, 1), date(2026, 3, 2)],
            "high": [2, 1],
            "medium": [3, 3],
            "low": [1, 0],
            "unrated": [0, 0],
            "total": [6, 4],
        }
    )
    fig = charts.burndown_chart(b, "zh")
    assert [t.name for t in fig.data] == ["高风险", "中风险", "低风险", "未定风险"]
    assert [list(t.y) for t in fig.data] == [[2, 1], [3, 3], [1, 0], [0, 0]]
    assert all(t.stackgroup == "open" for t in fig.data)
    assert list(fig.data[0].x) == ["2026-03-01", "2026-03-02"]
    empty = charts.burndown_chart(pd.DataFrame(), "en")
    assert not empty.data and empty.layout.annotations[0].text == "No remediation task yet."


def test_a_one_day_burndown_is_still_visible():
    b = pd.DataFrame({"day": [date(2026, 3, 1)], "high": [1], "medium": [2], "low": [0], "unrated": [0], "total": [3]})
    fig = charts.burndown_chart(b, "en")
    assert [list(t.y) for t in fig.data][:2] == [[1], [2]]
    assert "markers" in fig.data[0].mode
    assert [x[:10] for x in fig.layout.xaxis.range] == ["2026-02-28", "2026-03-02"]
