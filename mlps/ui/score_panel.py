"""The assessment page's live score: score, conclusion with its reason, coverage, and why this score."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.i18n import pick, t
from mlps.rules.catalogue import Item
from mlps.rules.domain import ItemResult
from mlps.rules.item_ids import display_id
from mlps.rules.results import results_frame
from mlps.rules.scoring import ScoreResult, methods_available, score_assessment
from mlps.rules.verdict2025 import SCHEME as RATE2025
from mlps.rules.verdict2025 import load_verdict_rules
from mlps.ui.common import catalogue, lang, tr
from mlps.ui.context import ws


def live_score(items: list[Item], results: list[ItemResult], assessment_id: int) -> ScoreResult | None:
    """Score the assessment with the method its report date gets (on or after 2025-03-20 the 2025 rate and
    conclusion), or the one the user picks here for comparison, and draw the card."""
    lg = lang()
    methods = methods_available()
    names = [m["name"] for m in methods]
    by_name = {m["name"]: m for m in methods}
    default = ws().scoring_method(assessment_id)  # the one the report date gets (2025-03-20), or chosen by hand
    key = f"score_method_{assessment_id}"
    if st.session_state.get(key) not in names:
        st.session_state[key] = default
    known = {i.id for i in items}
    frame = results_frame([r for r in results if r.item_id in known])
    with st.container(border=True):
        c0, c1, c2, c3 = st.columns([1.2, 1, 1, 2.2])
        method = c0.selectbox(
            tr("score.method"), names, key=key,
            format_func=lambda n: pick(by_name[n]["label_zh"], by_name[n]["label_en"], lg) + (
                " " + t("score.our_reading", lg) if by_name[n]["confidence"] == "R" else ""),
        )  # fmt: skip
        try:
            _, hazards = ws().verdict_inputs(assessment_id)
            result = score_assessment(frame, items, method, hazards=hazards)
        except ValueError as exc:
            st.error(tr("score.failed", error=str(exc)))
            return None
        if result.method.conclusion == RATE2025:
            _verdict_2025(result, (c1, c2, c3), lg)
            _why(result, lg)
            return result
        if method == default:  # judged by its report date (before 2025-03-20) or by hand: say so
            st.caption(tr("verdict.older", method=result.method.label(lg)))
        cov = result.coverage
        if result.score is None:
            c1.metric(tr("score.score"), "—")
            c3.info(tr("score.nothing_yet"))
            return result
        c1.metric(tr("score.score"), f"{result.score:.2f}")
        concl = result.conclusion
        c2.metric(tr("score.conclusion"), concl.grade if lg == "zh" else concl.grade_en)
        c3.write(concl.reason(lg))
        if concl.provisional:
            c3.caption(tr("score.provisional"))
        d = result.method.describe()
        st.caption(tr("score.how", method=pick(d["label_zh"], d["label_en"], lg), version=d["version"],
                      scored=cov.scored, total=cov.total - cov.not_applicable, gaps=cov.gaps))  # fmt: skip
        st.caption(tr("score.official_note"))
        _why(result, lg)
    return result


def _verdict_2025(result: ScoreResult, cols, lg: str) -> None:
    """The 2025 card: rate with its range, 符合 / 基本符合 / 不符合, the hazard count `N（M个已整改）`, the reason."""
    c1, c2, c3 = cols
    cov = result.coverage
    concl = result.conclusion
    if concl is None:
        c1.metric(tr("verdict.rate"), "—")
        c3.info(tr("score.nothing_yet"))
        return
    c1.metric(tr("verdict.rate"), f"{concl.score:.2f}%")
    c2.metric(tr("verdict.conclusion"), concl.grade if lg == "zh" else concl.grade_en)
    c3.metric(tr("verdict.hazards"), concl.hazards.text(lg))
    low, high = concl.rate_range
    st.caption(tr("verdict.range", low=f"{low:.2f}", high=f"{high:.2f}"))
    if concl.boundary:
        st.warning(tr("verdict.boundary"))
    if concl.depends_on_partial:
        st.warning(tr("verdict.depends"))
    st.write(concl.reason(lg))
    if concl.provisional:
        st.caption(tr("score.provisional"))
    d = result.method.describe()
    st.caption(tr("score.how", method=pick(d["label_zh"], d["label_en"], lg), version=d["version"],
                  scored=cov.scored, total=cov.total - cov.not_applicable, gaps=cov.gaps))  # fmt: skip
    notes = [pick(r.note_zh, r.note_en, lg) for r in (*result.method.readings, *load_verdict_rules().readings)]
    st.caption(tr("verdict.readings", notes=" ".join(notes)))
    st.caption(tr("verdict.official_note"))


def _why(result: ScoreResult, lg: str) -> None:
    tax = catalogue().taxonomy
    with st.expander(tr("score.why")):
        cats = {c: v for c, v in result.categories.items() if v is not None}
        st.dataframe(
            pd.DataFrame({tr("col.category"): [f"{c} {tax.categories[c][lg]}" for c in cats],
                          tr("score.category_score"): [round(v, 1) for v in cats.values()]}),
            hide_index=True,
        )  # fmt: skip
        top = result.explanation[:20]
        if not top:
            st.caption(tr("score.no_loss"))
            return
        st.caption(tr("score.why_intro"))
        st.dataframe(
            pd.DataFrame(
                {
                    tr("col.id"): [display_id(g.item_id, lg, tax) for g in top],
                    tr("col.control_point"): [f"{pick(g.control_point_zh, g.control_point_en, lg)} {g.letter})"
                                              for g in top],
                    tr("col.tier"): [tax.tier_names[g.tier][lg] for g in top],
                    tr("as.risk"): [t(f"risk.{g.risk.value}", lg) if g.risk else "" for g in top],
                    tr("score.points"): [round(g.points, 2) for g in top],
                    tr("col.requirement"): [pick(g.requirement_zh, g.requirement_en, lg) for g in top],
                }
            ),
            hide_index=True,
        )  # fmt: skip
