"""Portfolio: every system of the organisation with its level, filing state, last score and conclusion, open high
risks and overdue obligations, worst first, with a chart of scores by system; then the dashboard of the system
in view (score card, categories, control-point heat map, problems by risk, coverage) and its trend.

The rules live in mlps.rules.portfolio, mlps.rules.scoring and mlps.adapters.charts; the page reads the organisation
of queries (Workspace.portfolio) and draws.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.adapters import charts
from mlps.i18n import t
from mlps.rules.errors import NotFound
from mlps.rules.portfolio import portfolio_table, trend_table
from mlps.rules.scoring import score_assessment
from mlps.ui.common import catalogue, lang, tr
from mlps.ui.context import in_view, ws
from mlps.ui.safe import one_line

PLOT_CONFIG = {"displayModeBar": False}


def _overdue(data) -> tuple[dict[int, int | None] | None, bool]:
    """Overdue obligations per system, or None when the lifecycle module is not installed."""
    try:
        from mlps.rules.lifecycle import organisation_lifecycles
        from mlps.rules.portfolio import overdue_counts

        return overdue_counts(organisation_lifecycles(data.systems, data.lifecycle_facts()), ws().today()), True
    except ImportError:
        return None, False


def _filing_text(row: pd.Series, lg: str) -> str:
    state = row["filing"]
    if state == "filed":
        return t("status.filed", lg, date=row["filed_on"].isoformat() if row["filed_on"] else "?",
                 number=row["filing_number"] or "—")  # fmt: skip
    if state == "graded_not_filed":
        return t("status.graded_not_filed", lg, date=row["graded_on"].isoformat() if row["graded_on"] else "?")
    return t(f"status.{state}", lg)


def _method_label(name: object, lg: str) -> str:
    """Which rules judged the row: the 2025 rate and conclusion, or an older method (labelled as such)."""
    if not isinstance(name, str) or not name:
        return ""
    return t("verdict.method_2025", lg) if name == "mlps2025" else t("verdict.method_older", lg, method=name)


def _display(table: pd.DataFrame, lg: str, overdue_known: bool) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            tr("portfolio.col_system"): table["system"],
            tr("portfolio.col_level"): [
                t("portfolio.level_value", lg, n=int(v)) if pd.notna(v) else t("status.not_graded", lg)
                for v in table["level"]
            ],
            tr("portfolio.col_filing"): [_filing_text(r, lg) for _, r in table.iterrows()],
            tr("portfolio.col_assessment"): [
                t("portfolio.never", lg)
                if pd.isna(r["assessment_id"])
                else t(
                    "portfolio.assessment_value",
                    lg,
                    title=r["assessment_title"] or f"#{int(r['assessment_id'])}",
                    date=r["assessment_date"].isoformat() if r["assessment_date"] else "—",
                )  # fmt: skip
                for _, r in table.iterrows()
            ],
            tr("portfolio.col_score"): table["score"].round(2),
            tr("verdict.col_method"): [_method_label(m, lg) for m in table["method"]],
            tr("portfolio.col_conclusion"): [
                "" if not g else (g if lg == "zh" else f"{code} {g}")
                for g, code in zip(table["grade"], table["grade_code"], strict=True)
            ],
            tr("portfolio.col_high"): table["high"],
        }
    )
    if overdue_known:
        out[tr("portfolio.col_overdue")] = pd.array(
            [None if v is None or pd.isna(v) else int(v) for v in table["overdue"]], dtype="Int64"
        )
    out[tr("portfolio.col_problems")] = table["problems"]
    out[tr("portfolio.col_gaps")] = table["gaps"]
    return out


def _metrics(table: pd.DataFrame, overdue_known: bool) -> None:
    c = st.columns(5)
    c[0].metric(tr("portfolio.metric_systems"), len(table))
    c[1].metric(tr("portfolio.metric_not_graded"), int((table["filing"] == "not_graded").sum()))
    c[2].metric(tr("portfolio.metric_not_filed"), int((table["filing"] == "graded_not_filed").sum()))
    c[3].metric(tr("portfolio.metric_high"), int((table["high"] > 0).sum()))
    overdue = pd.to_numeric(table["overdue"], errors="coerce")
    c[4].metric(tr("portfolio.metric_overdue"), int(overdue.fillna(0).sum()) if overdue_known else "—")


def _dashboard(system, data) -> None:
    lg = lang()
    st.subheader(tr("portfolio.dashboard", system=one_line(system.name)))
    assessments = data.assessments.get(system.id, [])
    if not assessments:
        st.info(tr("portfolio.no_assessment"))
        return
    by_id = {a.id: a for a in assessments}
    ids = list(by_id)
    key = f"pf_pick_{system.id}"
    if st.session_state.get(key) not in ids:
        st.session_state[key] = ids[0]
    chosen = st.selectbox(
        tr("portfolio.pick_assessment"), ids, key=key,
        format_func=lambda i: t("portfolio.assessment_option", lg, title=by_id[i].title or f"#{i}",
                                level=by_id[i].level,
                                date=by_id[i].started_on.isoformat() if by_id[i].started_on else "—"),
    )  # fmt: skip
    assessment = by_id[chosen]
    cat = catalogue()
    every = ws().results_of_assessments(system.id)
    try:
        items = cat.select(assessment.level, list(assessment.extensions))
    except ValueError as exc:
        st.error(tr("portfolio.score_failed", error=str(exc)))
        return
    known = {i.id for i in items}
    part = every[(every["assessment"] == assessment.id) & every["item_id"].isin(known)]
    try:
        method, hazards = ws().verdict_inputs(assessment.id)
        score = score_assessment(part.drop(columns="assessment").reset_index(drop=True), items, method,
                                 hazards=hazards)  # fmt: skip
    except ValueError as exc:
        st.error(tr("portfolio.score_failed", error=str(exc)))
        return
    if score.score is None:
        st.info(tr("portfolio.nothing_scored"))
    else:
        _card(score, lg)
        names = cat.taxonomy.categories
        left, right = st.columns(2)
        left.plotly_chart(charts.category_bars(dict(score.categories), lg, names), config=PLOT_CONFIG,
                          key=f"pf_cat_{assessment.id}")  # fmt: skip
        right.plotly_chart(charts.gaps_by_risk(score.items, lg), config=PLOT_CONFIG, key=f"pf_gaps_{assessment.id}")
        st.plotly_chart(charts.control_point_heatmap(score.control_points, lg, names), config=PLOT_CONFIG,
                        key=f"pf_heat_{assessment.id}")  # fmt: skip
    left, right = st.columns(2)
    left.plotly_chart(charts.coverage_chart(score.coverage, lg), config=PLOT_CONFIG, key=f"pf_cov_{assessment.id}")
    with right:
        st.markdown(f"**{tr('portfolio.trend')}**")
        if len(assessments) < 2:
            st.caption(tr("portfolio.trend_one"))
        trend = trend_table(assessments, every, cat)
        st.plotly_chart(charts.score_trend(trend, lg), config=PLOT_CONFIG, key=f"pf_trend_{system.id}")


def _card(score, lg: str) -> None:
    card = charts.score_card(score, lg)
    with st.container(border=True):
        c = st.columns([1, 1, 1, 1])
        c[0].metric(tr("verdict.rate") if card["rate2025"] else tr("portfolio.card_score"), card["score_text"])
        c[1].metric(tr("portfolio.card_conclusion"), card["grade"])
        c[2].metric(tr("portfolio.card_high"), card["high"])
        c[3].metric(tr("portfolio.card_coverage"), f"{score.coverage.ratio:.0%}")
        st.write(card["reason"])
        if card["provisional"]:
            st.caption(tr("portfolio.provisional"))
        st.caption(card["coverage_text"])
        if card["hazards_text"]:
            st.caption(tr("hazard.count", text=card["hazards_text"]))


def render() -> None:
    lg = lang()
    st.title(tr("portfolio.title"))
    org, system = in_view()
    if org is None:
        st.info(tr("portfolio.no_org"))
        return
    data = ws().portfolio(org.id)
    if not data.systems:
        st.info(tr("portfolio.no_systems"))
        return
    overdue, overdue_known = _overdue(data)
    hazards = ws().hazards_of(org.id, [a.id for a in data.latest.values()])
    open_hazards = {a: sum(1 for h in hs if not h.remediated) for a, hs in hazards.items()}
    table = portfolio_table(data.systems, data.current_gradings(), data.latest, data.results, catalogue(),
                            overdue=overdue, open_hazards=open_hazards)  # fmt: skip
    st.caption(tr("portfolio.intro", org=one_line(org.name), n=len(table)))
    _metrics(table, overdue_known)
    st.dataframe(_display(table, lg, overdue_known), hide_index=True, key="pf_table")
    st.caption(tr("verdict.portfolio_note"))
    if overdue_known:
        st.caption(tr("portfolio.obligations_note"))
        if any(v is None for v in (overdue or {}).values()):
            st.caption(tr("portfolio.obligations_error"))
    else:
        st.warning(tr("portfolio.obligations_unknown"))
    dropped = int(table["dropped_rows"].sum())
    if dropped:
        st.caption(tr("portfolio.dropped", n=dropped))
    st.plotly_chart(charts.portfolio_scores(table, lg), config=PLOT_CONFIG, key="pf_scores")
    if system is not None:
        st.divider()
        try:
            _dashboard(system, data)
        except NotFound:
            st.info(tr("portfolio.no_assessment"))


render()
