"""Plotly figures as pure functions of frames: the pages draw them, the tests read them as data.

Each function takes the frame a core module produces and the language, and returns a `plotly.graph_objects.Figure`
whose every label exists in Chinese and English. No streamlit here. Helpers adding charts: append your functions
at the end of the file.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from mlps.rules.obligations import STATUS_NAMES, Status
from mlps.rules.workdays import add_months

# ---------------------------------------------------------------------------------------------- obligations

# The order the statuses are drawn (and listed in the legend), and their colours: red for legal exposure.
TIMELINE_STATUSES = (Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.DONE)
TIMELINE_COLOURS = {
    Status.OVERDUE: "#c62828",
    Status.DUE_SOON: "#ef6c00",
    Status.UPCOMING: "#1565c0",
    Status.DONE: "#2e7d32",
}
TIMELINE_TEXT = {
    "title": {"zh": "未来 {months} 个月的到期事项", "en": "What is due in the next {months} months"},
    "x": {"zh": "到期日", "en": "Due date"},
    "y": {"zh": "系统", "en": "System"},
    "today": {"zh": "今天", "en": "today"},
    "empty": {"zh": "未来 {months} 个月没有到期事项。", "en": "Nothing is due in the next {months} months."},
    "projected": {"zh": "（按周期推算）", "en": " (next cycle, projected)"},
}


def _tx(key: str, lang: str, **values: object) -> str:
    text = TIMELINE_TEXT[key]["zh" if lang == "zh" else "en"]
    return text.format(**values) if values else text


def _plain(text: object) -> str:
    """Plotly renders a few HTML tags in texts and tick labels (<a href>, <b>, <br>): user text (a system's name)
    is given with its angle brackets and ampersands as entities, which plotly shows as typed."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return pd.Timestamp(value).date().isoformat()


def obligations_timeline(
    frame: pd.DataFrame, lang: str, today: date | None = None, months: int = 12, title: bool = True
) -> go.Figure:
    """A dot per due item (x: due date, y: system), one trace per status, from `obligations.timeline_frame`.

    Overdue items sit left of the 'today' line at their past due date; projected later cycles of a recurring
    duty are open circles. Hover shows the obligation's title in `lang`. With no rows the figure says so.
    `title=False` leaves the figure untitled (for a page that has its own heading).
    """
    today = today or date.today()
    end = add_months(today, months)
    fig = go.Figure()
    title_col = "title_zh" if lang == "zh" else "title_en"
    earliest = today
    rows = frame if frame is not None else pd.DataFrame()
    for status in TIMELINE_STATUSES:
        part = rows[rows["status"] == status.value] if not rows.empty else rows
        if part.empty:
            continue
        xs = [_iso(v) for v in part["due_on"]]
        earliest = min(earliest, min(date.fromisoformat(x) for x in xs))
        projected = [bool(v) for v in part["projected"]]
        labels = [
            _plain(f"{title}{_tx('projected', lang) if p else ''}")
            for title, p in zip(part[title_col], projected, strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[_plain(name) for name in part["system_name"]],
                mode="markers",
                name=STATUS_NAMES[status]["zh" if lang == "zh" else "en"],
                text=labels,
                marker={
                    "color": TIMELINE_COLOURS[status],
                    "size": 14,
                    "symbol": ["circle-open" if p else "circle" for p in projected],
                    "line": {"width": 2, "color": TIMELINE_COLOURS[status]},
                },
                hovertemplate="%{y}<br>%{text}<br>%{x|%Y-%m-%d}<extra>%{fullData.name}</extra>",
            )
        )
    start = earliest - timedelta(days=15)
    fig.add_shape(
        type="line",
        x0=today.isoformat(),
        x1=today.isoformat(),
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#616161", "dash": "dot", "width": 1},
    )
    fig.add_annotation(
        x=today.isoformat(), y=1, xref="x", yref="paper", text=_tx("today", lang), showarrow=False, yanchor="bottom"
    )
    if not fig.data:
        fig.add_annotation(
            text=_tx("empty", lang, months=months),
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"size": 14},
        )
    fig.update_layout(
        title={"text": _tx("title", lang, months=months) if title else ""},
        xaxis={"title": {"text": _tx("x", lang)}, "type": "date", "range": [start.isoformat(), end.isoformat()]},
        yaxis={"title": {"text": _tx("y", lang)}, "type": "category", "automargin": True},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        height=max(260, 120 + 60 * max(1, len(set(rows["system_name"])) if not rows.empty else 1)),
    )
    return fig


# ---------------------------------------------------------------------------------------------- dashboards
# Per assessment (score card, categories, control-point heat map, problems by risk, coverage), the portfolio
# (scores by system), a system's trend, and the remediation burn-down. Inputs are what mlps.rules.scoring,
# mlps.rules.portfolio and mlps.rules.remediation produce.

RISK_COLOURS = {"high": "#c62828", "medium": "#ef6c00", "low": "#f9a825", "unrated": "#9e9e9e"}
GRADE_COLOURS = {"excellent": "#2e7d32", "good": "#7cb342", "fair": "#f9a825", "poor": "#c62828", None: "#9e9e9e"}
DASH_RISKS = ("high", "medium", "low", "unrated")
DASH_TEXT = {
    "risk.high": {"zh": "高风险", "en": "high risk"},
    "risk.medium": {"zh": "中风险", "en": "medium risk"},
    "risk.low": {"zh": "低风险", "en": "low risk"},
    "risk.unrated": {"zh": "未定风险", "en": "risk not rated"},
    "cat.title": {"zh": "各安全类得分", "en": "Score per category"},
    "cat.y": {"zh": "得分（0-100）", "en": "Score (0-100)"},
    "cat.none": {"zh": "未测评", "en": "not assessed"},
    "heat.title": {"zh": "控制点得分（10 分制）", "en": "Control points (10-point score)"},
    "heat.x": {"zh": "控制点（按标准顺序）", "en": "Control point (in the standard's order)"},
    "heat.score": {"zh": "得分", "en": "score"},
    "heat.none": {"zh": "未评分", "en": "not scored"},
    "gaps.title": {"zh": "问题按风险等级", "en": "Problems by risk level"},
    "gaps.y": {"zh": "问题项数", "en": "Items with a problem"},
    "cov.title": {"zh": "测评覆盖情况", "en": "Coverage"},
    "cov.scored": {"zh": "已测评", "en": "assessed"},
    "cov.na": {"zh": "不适用", "en": "not applicable"},
    "cov.gaps": {"zh": "未测评", "en": "not assessed"},
    "port.title": {"zh": "各系统最近一次测评得分", "en": "Last assessment score by system"},
    "port.x": {"zh": "得分", "en": "Score"},
    "port.never": {"zh": "未测评", "en": "never assessed"},
    "trend.title": {"zh": "得分与未整改问题的变化", "en": "Score and open problems over time"},
    "trend.score": {"zh": "得分", "en": "score"},
    "trend.problems": {"zh": "未整改问题", "en": "open problems"},
    "trend.x": {"zh": "测评", "en": "Assessment"},
    "burn.title": {"zh": "未完成整改任务（按风险）", "en": "Open remediation tasks by risk"},
    "burn.y": {"zh": "未完成任务数", "en": "Open tasks"},
    "burn.x": {"zh": "日期", "en": "Date"},
    "burn.empty": {"zh": "还没有整改任务。", "en": "No remediation task yet."},
    "line.pass": {"zh": "中 ≥ {v:g}", "en": "fair ≥ {v:g}"},
    "line.good": {"zh": "良 ≥ {v:g}", "en": "good ≥ {v:g}"},
    "line.excellent": {"zh": "优 ≥ {v:g}", "en": "excellent ≥ {v:g}"},
}
GRADE_LINES = (("line.pass", 70.0), ("line.good", 80.0), ("line.excellent", 90.0))  # the conclusion table's scores


def _dt(key: str, lang: str, **values: object) -> str:
    text = DASH_TEXT[key]["zh" if lang == "zh" else "en"]
    return text.format(**values) if values else text


def _cat_label(code: str, names: dict | None, lang: str) -> str:
    entry = (names or {}).get(code)
    if not entry:
        return code
    return f"{code} {entry['zh' if lang == 'zh' else 'en']}"


def _grade_lines(fig: go.Figure, lang: str, axis: str = "y", lines=GRADE_LINES) -> None:
    for key, value in lines:
        common = {"line": {"color": "#757575", "dash": "dot", "width": 1}}
        if axis == "y":
            fig.add_hline(y=value, annotation_text=_dt(key, lang, v=value), annotation_position="top left", **common)
        else:
            fig.add_vline(x=value, annotation_text=_dt(key, lang, v=value), annotation_position="top", **common)


def score_card(score, lang: str) -> dict:
    """The per-assessment card as plain data: score, grade, reason, method and how the number was computed.

    `score` is a mlps.rules.scoring.ScoreResult. Returns {score, score_text, grade, grade_code, reason, provisional,
    method, method_version, method_confidence, coverage_text, high, medium, low}."""
    c = score.conclusion
    d = score.method.describe()
    cov = score.coverage
    method = d["label_zh"] if lang == "zh" else d["label_en"]
    applicable = cov.total - cov.not_applicable
    if lang == "zh":
        how = f"{method}（{d['version']}），已测评 {cov.scored} / {applicable} 项适用测评项"
    else:
        how = f"{method} ({d['version']}), {cov.scored} of {applicable} applicable items assessed"
    counts = dict(c.risk_counts) if c else {}
    return {
        "score": score.score,
        "score_text": "—" if score.score is None else f"{score.score:.2f}",
        "grade": (c.grade if lang == "zh" else c.grade_en) if c else "—",
        "grade_code": c.code if c else None,
        "reason": c.reason(lang) if c else "",
        "provisional": c.provisional if c else True,
        "method": method,
        "method_version": d["version"],
        "method_confidence": d["confidence"],
        "coverage_text": how,
        "high": int(counts.get("high", 0)),
        "medium": int(counts.get("medium", 0)),
        "low": int(counts.get("low", 0)),
        "rate2025": score.method.conclusion == "rate2025",
        "hazards_text": c.hazards.text(lang) if c is not None and c.hazards is not None else "",
    }


def category_bars(categories: dict, lang: str, category_names: dict | None = None) -> go.Figure:
    """One horizontal bar per category (0-100 weighted conformity), in the taxonomy's order from the top; a
    category with nothing scored has no bar and is labelled 'not assessed'. Colour: red below 70, amber below 80,
    green from 80. A dotted line marks 70."""
    codes = list(categories)
    labels = [_cat_label(c, category_names, lang) for c in codes]
    values = [None if categories[c] is None else round(float(categories[c]), 2) for c in codes]
    colours = [
        "#bdbdbd" if v is None else ("#c62828" if v < 70 else "#f9a825" if v < 80 else "#2e7d32") for v in values
    ]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=values,
            orientation="h",
            marker={"color": colours},
            text=[_dt("cat.none", lang) if v is None else f"{v:.1f}" for v in values],
            textposition="outside",
            cliponaxis=False,
            customdata=codes,
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
            name=_dt("cat.title", lang),
        )
    )
    _grade_lines(fig, lang, axis="x", lines=GRADE_LINES[:1])
    fig.update_layout(
        title={"text": _dt("cat.title", lang)},
        xaxis={"title": {"text": _dt("cat.y", lang)}, "range": [0, 112]},
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        height=max(300, 80 + 30 * len(codes)),
        showlegend=False,
    )
    return fig


def control_point_heatmap(control_points: pd.DataFrame, lang: str, category_names: dict | None = None) -> go.Figure:
    """A heat map of control points coloured by their 10-point score: one row per category, the control points
    of the category left to right in the standard's order (extensions after the general ones). Cells of control
    points with nothing scored are empty; hover names the control point."""
    frame = control_points.reset_index(drop=True)
    cats = list(dict.fromkeys(frame["category"]))
    per_cat = {c: frame[frame["category"] == c] for c in cats}
    width = max((len(p) for p in per_cat.values()), default=0)
    name_col = "control_point_zh" if lang == "zh" else "control_point_en"
    z, text, custom = [], [], []
    for c in cats:
        part = per_cat[c]
        scores = [None if pd.isna(v) else round(float(v), 2) for v in part["score"]]
        names = [
            f"{n}{'' if s == 'general' else ' [' + s + ']'}" for n, s in zip(part[name_col], part["scope"], strict=True)
        ]
        pad = width - len(part)
        z.append(scores + [None] * pad)
        text.append(names + [""] * pad)
        custom.append([_dt("heat.none", lang) if v is None else f"{v:.2f}" for v in scores] + [""] * pad)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(1, width + 1)),
            y=[_cat_label(c, category_names, lang) for c in cats],
            text=text,
            customdata=custom,
            zmin=0,
            zmax=10,
            colorscale=[[0.0, "#c62828"], [0.5, "#f9a825"], [0.75, "#c0ca33"], [1.0, "#2e7d32"]],
            colorbar={"title": {"text": _dt("heat.score", lang)}},
            xgap=2,
            ygap=2,
            hovertemplate="%{y}<br>%{text}: %{customdata}<extra></extra>",
            hoverongaps=False,
        )
    )
    fig.update_layout(
        title={"text": _dt("heat.title", lang)},
        xaxis={"title": {"text": _dt("heat.x", lang)}, "dtick": 1},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        height=max(260, 60 + 32 * len(cats)),
    )
    return fig


def risk_counts_of(items: pd.DataFrame) -> dict[str, int]:
    """Items with an open problem by risk (high / medium / low / unrated) from ScoreResult.items."""
    problems = items[items["problem"]]
    risks = problems["risk"].map(lambda r: r if isinstance(r, str) and r else "unrated")
    return {r: int((risks == r).sum()) for r in DASH_RISKS}


def gaps_by_risk(items: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of the items with a problem (partial or nonconform) by risk level, from ScoreResult.items."""
    counts = risk_counts_of(items)
    fig = go.Figure(
        go.Bar(
            x=[_dt(f"risk.{r}", lang) for r in DASH_RISKS],
            y=[counts[r] for r in DASH_RISKS],
            customdata=list(DASH_RISKS),
            marker={"color": [RISK_COLOURS[r] for r in DASH_RISKS]},
            text=[counts[r] for r in DASH_RISKS],
            textposition="outside",
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": _dt("gaps.title", lang)},
        yaxis={"title": {"text": _dt("gaps.y", lang)}, "rangemode": "tozero"},
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        height=320,
        showlegend=False,
    )
    return fig


def coverage_chart(coverage, lang: str) -> go.Figure:
    """A donut of the items assessed, not applicable and not yet assessed (a mlps.rules.scoring.Coverage)."""
    keys = ("scored", "na", "gaps")
    values = [coverage.scored, coverage.not_applicable, coverage.gaps]
    fig = go.Figure(
        go.Pie(
            labels=[_dt(f"cov.{k}", lang) for k in keys],
            values=values,
            customdata=list(keys),
            hole=0.55,
            sort=False,
            marker={"colors": ["#2e7d32", "#90a4ae", "#e0e0e0"]},
            textinfo="value+percent",
        )
    )
    fig.update_layout(
        title={"text": _dt("cov.title", lang)},
        annotations=[{"text": f"{coverage.ratio:.0%}", "showarrow": False, "font": {"size": 20}}],
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        height=320,
    )
    return fig


def portfolio_scores(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars of the last score of every system (mlps.rules.portfolio.portfolio_table), worst at the top,
    coloured by conclusion; systems never assessed get an empty bar labelled so. Dotted lines at 70/80/90."""
    rows = frame.reset_index(drop=True)
    scores = [None if pd.isna(v) else round(float(v), 2) for v in rows["score"]]
    grades = rows["grade"] if lang == "zh" else rows["grade_code"]
    labels = [
        _dt("port.never", lang) if s is None else f"{s:.1f} {g or ''}".strip()
        for s, g in zip(scores, grades, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=list(rows["system"]),
            x=[0 if s is None else s for s in scores],
            orientation="h",
            marker={"color": [GRADE_COLOURS.get(c, "#9e9e9e") for c in rows["grade_code"]]},
            text=labels,
            textposition="auto",
            customdata=list(rows["system_id"]),
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    _grade_lines(fig, lang, axis="x")
    fig.update_layout(
        title={"text": _dt("port.title", lang)},
        xaxis={"title": {"text": _dt("port.x", lang)}, "range": [0, 100]},
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        height=max(260, 100 + 28 * len(rows)),
        showlegend=False,
    )
    return fig


def score_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """A system's assessments oldest first (mlps.rules.portfolio.trend_table): the score as a line (left axis, y2,
    drawn on top) and the open problems as bars (right axis, y)."""
    rows = frame.reset_index(drop=True)
    x = [
        f"{t} ({d.isoformat() if isinstance(d, date) else '—'})"
        for t, d in zip(rows["title"], rows["day"], strict=True)
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=x,
            y=list(rows["problems"]),
            name=_dt("trend.problems", lang),
            marker={"color": "#ef9a9a"},
            opacity=0.7,
            hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[None if pd.isna(v) else round(float(v), 2) for v in rows["score"]],
            name=_dt("trend.score", lang),
            mode="lines+markers+text",
            text=[g or "" for g in (rows["grade"] if lang == "zh" else rows["grade_code"])],
            textposition="top center",
            line={"color": "#1565c0", "width": 3},
            marker={"size": 10},
            yaxis="y2",
            hovertemplate="%{x}: %{y:.2f} %{text}<extra>%{fullData.name}</extra>",
        )
    )
    fig.update_layout(
        title={"text": _dt("trend.title", lang)},
        xaxis={"title": {"text": _dt("trend.x", lang)}, "type": "category"},
        # the problems' axis is the base (right); the score's overlays it (left) so its line is drawn on top
        yaxis={
            "title": {"text": _dt("trend.problems", lang)},
            "side": "right",
            "rangemode": "tozero",
            "tickformat": "d",
            "showgrid": False,
        },
        yaxis2={
            "title": {"text": _dt("trend.score", lang)},
            "range": [0, 105],
            "overlaying": "y",
            "side": "left",
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 20,
        },
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        height=360,
    )
    return fig


def burndown_chart(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Open remediation tasks per day, stacked by risk (mlps.rules.remediation.burndown)."""
    fig = go.Figure()
    if frame is None or frame.empty:
        fig.add_annotation(text=_dt("burn.empty", lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    else:
        days = [_iso(d) for d in frame["day"]]
        for r in DASH_RISKS:
            fig.add_trace(
                go.Scatter(
                    x=days,
                    y=[int(v) for v in frame[r]],
                    name=_dt(f"risk.{r}", lang),
                    customdata=[r] * len(days),
                    mode="lines+markers",
                    marker={"size": 5},
                    stackgroup="open",
                    line={"color": RISK_COLOURS[r], "width": 1},
                    hovertemplate="%{x|%Y-%m-%d}: %{y}<extra>%{fullData.name}</extra>",
                )
            )
    xaxis = {"title": {"text": _dt("burn.x", lang)}, "type": "date", "tickformat": "%Y-%m-%d"}
    if frame is not None and len(frame) == 1:  # one day: show the day between its neighbours, one tick a day
        day = pd.Timestamp(frame["day"].iloc[0])
        xaxis |= {"range": [_iso(day - pd.Timedelta(days=1)), _iso(day + pd.Timedelta(days=1))], "dtick": 86_400_000}
    fig.update_layout(
        title={"text": _dt("burn.title", lang)},
        xaxis=xaxis,
        yaxis={"title": {"text": _dt("burn.y", lang)}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
        height=340,
    )
    return fig
