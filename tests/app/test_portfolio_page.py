"""The portfolio page: every system of the demo school worst first with its level, filing state, last score and
conclusion (the same numbers as scoring each assessment alone), high risks and overdue obligations; the chart
of scores; the dashboard and trend of the system in view; English; an organisation without systems."""

from __future__ import annotations

import json
from datetime import date

import pytest

from mlps.adapters.store import hazards as hz
from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Organisation
from mlps.rules.hazards import tally
from mlps.rules.results import results_frame
from mlps.rules.scoring import score_assessment
from mlps.rules.verdict2025 import method_for
from tests.app.conftest import new_app

PAGE = "mlps/ui/pages/portfolio.py"


def open_page(sm, system_name: str | None = None, **query):
    systems = repo.list_systems(sm)
    system = next(s for s in systems if s.name == system_name) if system_name else systems[0]
    at = new_app(org=system.organisation_id, system=system.id, **query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at, system


def scored_alone(sm, system):
    """The system's latest assessment scored alone, by its own method (report date) and with its hazards."""
    a = repo.list_assessments(sm, system.id)[0]
    items = load_catalogue().select(a.level, list(a.extensions))
    return a, score_assessment(results_frame(repo.results(sm, a.id), {i.id for i in items}), items,
                               method_for(a.report_date, a.scoring_method),
                               hazards=tally(hz.list_hazards(sm, a.id)))  # fmt: skip


def charts_by_title(at) -> dict[str, dict]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {s["layout"]["title"]["text"]: s for s in specs}


def test_every_system_is_listed_worst_first_with_the_scores_of_its_last_assessment(demo_store):
    at, _ = open_page(demo_store)
    table = at.dataframe[0].value
    systems = repo.list_systems(demo_store)
    assert sorted(table["系统"]) == sorted(s.name for s in systems)
    expected = {}
    for s in systems:
        _a, r = scored_alone(demo_store, s)
        expected[s.name] = (round(r.score, 2), r.conclusion.grade, r.conclusion.risk_counts.get("high", 0))
    for _, row in table.iterrows():
        assert (row["得分"], row["结论"], row["高风险"]) == expected[row["系统"]]
    rank = {"差": 1, "不符合": 1, "中": 2, "基本符合": 2, "良": 3, "优": 4, "符合": 4}
    keys = [(rank[row["结论"]], -row["高风险"], row["得分"]) for _, row in table.iterrows()]
    assert keys == sorted(keys)  # worst first
    filing = dict(zip(table["系统"], table["定级备案"], strict=True))
    assert filing["学校门户网站"].startswith("已备案") and "未备案" in filing["学生信息管理系统"]
    assert set(table["等级"]) == {"第2级", "第3级"}  # the demo's data platform is at level 3
    # the demo school: the student system under the 2025 rules with two hazards (one remediated), the office
    # system's older assessment under the 2019 formula, side by side
    judged = dict(zip(table["系统"], table["评判方法"], strict=True))
    assert judged["学生信息管理系统"] == "2025 版（符合率）"
    assert judged["办公自动化系统"] == "2025 年以前的方法（mlps2019，得分）"
    assert expected["学生信息管理系统"][1] in ("符合", "基本符合", "不符合")
    assert expected["办公自动化系统"][1] in ("优", "良", "中", "差")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["系统数"] == "4" and metrics["已定级未备案"] == "2" and metrics["未定级"] == "0"


def test_overdue_obligations_are_counted_per_system(demo_store):
    pytest.importorskip("mlps.rules.lifecycle")
    from mlps.rules.lifecycle import build_lifecycle
    from mlps.rules.obligations import Status, obligations_for

    at, _ = open_page(demo_store)
    table = at.dataframe[0].value
    today = date.today()
    for s in repo.list_systems(demo_store):
        lc = build_lifecycle(
            s,
            repo.grading_history(demo_store, s.id),
            repo.list_assessments(demo_store, s.id),
            repo.get_log_retention(demo_store, s.id),
        )
        n = sum(o.status is Status.OVERDUE for o in obligations_for(lc, today).obligations)
        assert table.loc[table["系统"] == s.name, "逾期义务"].iloc[0] == n
    total = int(table["逾期义务"].sum())
    assert {m.label: m.value for m in at.metric}["逾期义务"] == str(total)


def test_the_scores_chart_and_the_dashboard_of_the_system_in_view(demo_store):
    at, system = open_page(demo_store, "学校门户网站")
    charts = charts_by_title(at)
    bars = charts["各系统最近一次测评得分"]["data"][0]
    assert list(bars["y"]) == list(at.dataframe[0].value["系统"])
    a, r = scored_alone(demo_store, system)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["符合率"] == f"{r.score:.2f}" and metrics["结论"] == r.conclusion.grade  # dated today: 2025
    assert metrics["覆盖率"] == f"{r.coverage.ratio:.0%}"
    cats = charts["各安全类得分"]["data"][0]
    assert list(cats["customdata"]) == list(r.categories)
    heat = charts["控制点得分（10 分制）"]["data"][0]
    assert len(heat["y"]) == len(set(r.control_points["category"]))
    risk = charts["问题按风险等级"]["data"][0]
    assert sum(risk["y"]) == int(r.items["problem"].sum())
    assert "测评覆盖情况" in charts and "得分与未整改问题的变化" in charts
    assert any("一次测评" in c.value for c in at.caption)  # one assessment: the trend says so


def test_the_demo_school_shows_a_2025_verdict_with_its_hazards_beside_an_older_2019_score(demo_store):
    """The student system is judged by the 2025 rules with two major hazards, one remediated; the office system's
    older assessment keeps its 2019 score and 优/良/中/差. Each card says which it is."""
    at, system = open_page(demo_store, "学生信息管理系统")
    a, r = scored_alone(demo_store, system)
    assert sorted((h.code, h.remediated) for h in hz.list_hazards(demo_store, a.id)) == [
        ("A-18", False), ("A-26", True)]  # fmt: skip
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["符合率"] == f"{r.score:.2f}" and metrics["结论"] in ("符合", "基本符合", "不符合")
    assert metrics["结论"] != "符合"  # an open hazard keeps it from 符合 whatever the rate
    assert any("2（1个已整改）" in c.value for c in at.caption)
    at, office = open_page(demo_store, "办公自动化系统")
    older, r = scored_alone(demo_store, office)
    assert older.report_date < date(2025, 3, 20) and r.method.name == "mlps2019"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["结论"] in ("优", "良", "中", "差") and "符合率" not in metrics
    assert not any("个已整改" in c.value for c in at.caption)


def test_the_trend_adds_a_point_per_assessment(demo_store):
    system = next(s for s in repo.list_systems(demo_store) if s.name == "办公自动化系统")
    first = repo.list_assessments(demo_store, system.id)[0]
    repo.start_assessment(demo_store, system.id, first.level, first.extensions, "v", "wang", baseline_from=first.id,
                          title="复查", report_date=first.report_date)  # fmt: skip  (same date: same method)
    at, _ = open_page(demo_store, "办公自动化系统")
    trend = charts_by_title(at)["得分与未整改问题的变化"]["data"]
    line = next(t for t in trend if t["type"] == "scatter")
    assert len(line["y"]) == 2 and line["y"][0] == line["y"][1]  # the baseline copies every result


def test_the_page_speaks_english(demo_store):
    at, _ = open_page(demo_store, lang="en")
    assert at.title[0].value == "Portfolio"
    assert "System" in at.dataframe[0].value.columns
    assert "Last assessment score by system" in charts_by_title(at)


def test_an_organisation_without_systems_says_what_to_do(db_url):
    org = repo.save_organisation(open_store(db_url), Organisation(name="空白中学"), "wang")
    at = new_app(org=org.id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any("还没有定级对象" in i.value for i in at.info)
