"""The obligations timeline figure, read as data: one trace per status, due dates on x, systems on y, labels."""

from __future__ import annotations

from datetime import date

import pandas as pd

from mlps.adapters.charts import obligations_timeline
from mlps.rules.domain import HarmDegree, HarmObject, Judgement
from mlps.rules.grading import grade
from mlps.rules.obligations import Status, SystemLifecycle, TimelineEntry, obligations_for, timeline, timeline_frame

TODAY = date(2026, 5, 4)


def entry(system: str, kind: str, title_zh: str, title_en: str, due: date, status: str, projected: bool = False):
    return TimelineEntry(1, system, kind, title_zh, title_en, due, Status(status), due.strftime("%Y-%m"), projected)


def frame() -> pd.DataFrame:
    return timeline_frame(
        [
            entry("学生信息管理系统", "filing", "向公安机关备案", "Filing", date(2026, 4, 20), "overdue"),
            entry("办公自动化系统", "filing", "向公安机关备案", "Filing", date(2026, 5, 18), "due_soon"),
            entry("招生系统", "agency_assessment", "等级测评", "Assessment", date(2026, 9, 1), "upcoming"),
            entry("招生系统", "agency_assessment", "等级测评", "Assessment", date(2027, 3, 1), "upcoming", True),
        ]
    )


def test_one_trace_per_status_in_order_with_due_dates_and_systems():
    fig = obligations_timeline(frame(), "zh", TODAY).to_plotly_json()
    assert [t["name"] for t in fig["data"]] == ["已逾期", "即将到期", "待办"]
    overdue, soon, upcoming = fig["data"]
    assert list(overdue["x"]) == ["2026-04-20"] and list(overdue["y"]) == ["学生信息管理系统"]
    assert list(soon["x"]) == ["2026-05-18"] and list(soon["y"]) == ["办公自动化系统"]
    assert list(upcoming["x"]) == ["2026-09-01", "2027-03-01"]
    assert list(upcoming["text"]) == ["等级测评", "等级测评（按周期推算）"]
    assert list(upcoming["marker"]["symbol"]) == ["circle", "circle-open"]  # a projected cycle is an open circle
    assert overdue["marker"]["color"] == "#c62828"


def test_axes_today_line_and_window_of_twelve_months():
    fig = obligations_timeline(frame(), "zh", TODAY).to_plotly_json()
    layout = fig["layout"]
    assert layout["title"]["text"] == "未来 12 个月的到期事项"
    assert layout["xaxis"]["title"]["text"] == "到期日" and layout["yaxis"]["title"]["text"] == "系统"
    # from 15 days before the earliest (overdue) item to 12 months after today
    assert layout["xaxis"]["range"] == ["2026-04-05", "2027-05-04"]
    [line] = layout["shapes"]
    assert line["x0"] == line["x1"] == "2026-05-04"
    assert [a["text"] for a in layout["annotations"]] == ["今天"]


def test_labels_in_english_and_an_untitled_variant():
    fig = obligations_timeline(frame(), "en", TODAY, title=False).to_plotly_json()
    assert [t["name"] for t in fig["data"]] == ["overdue", "due soon", "upcoming"]
    assert list(fig["data"][2]["text"]) == ["Assessment", "Assessment (next cycle, projected)"]
    assert fig["layout"]["xaxis"]["title"]["text"] == "Due date"
    assert fig["layout"]["title"]["text"] == ""


def test_an_empty_timeline_says_nothing_is_due():
    fig = obligations_timeline(timeline_frame([]), "en", TODAY).to_plotly_json()
    assert fig["data"] == []
    assert "Nothing is due in the next 12 months." in [a["text"] for a in fig["layout"]["annotations"]]


def test_from_a_real_system_graded_before_spring_festival():
    # level 3, graded 2026-02-10: filing due 10 working days later across the Spring Festival, on 2026-03-02
    j = Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS)
    lc = SystemLifecycle("招生系统", 1, [grade(j, j).to_record(1, graded_on=date(2026, 2, 10))], log_retention_days=180)
    today = date(2026, 2, 20)
    fig = obligations_timeline(timeline_frame(timeline([obligations_for(lc, today)], today)), "zh", today)
    traces = {t.name: t for t in fig.data}
    assert list(traces["即将到期"].x) == ["2026-03-02", "2026-03-02"]
    assert list(traces["即将到期"].text) == ["专家评审", "向公安机关备案"]
    # yearly assessment and self-inspection are due 2027-02-10, inside the 12-month window
    assert list(traces["待办"].x) == ["2027-02-10", "2027-02-10"]


def test_a_system_name_with_html_is_shown_as_typed_not_as_a_link():
    name = "<a href='http://evil.example'>A&B</a>"
    fig = obligations_timeline(
        timeline_frame([entry(name, "filing", "向公安机关备案", "Filing", date(2026, 5, 18), "due_soon")]), "zh", TODAY
    )
    assert list(fig.data[0].y) == ["&lt;a href='http://evil.example'&gt;A&amp;B&lt;/a&gt;"]
