"""The review of an import plan before anything is written, shared by the assessment page's Excel panel and the
remediation page's backlog panel: every decision that was not an exact match, and every row left out with a
suggestion, each saying where it is."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from mlps.ui.common import tr


def review_findings(decisions: Sequence, left_out: Sequence, lg: str, *, left_out_count: int | None = None) -> None:
    """Two tables: the non-exact decisions (where, decision and reason) and the rows left out (where, problem,
    suggestion). `left_out_count` is the number of rows left out when the plan lists only the first of them."""
    if decisions:
        st.markdown(f"**{tr('review.decisions', n=len(decisions))}**")
        st.dataframe(
            pd.DataFrame([{tr("review.col_where"): d.where(lg), tr("review.col_decision"): d.message(lg)}
                          for d in decisions]),
            hide_index=True,
        )  # fmt: skip
    if left_out:
        st.markdown(f"**{tr('review.left_out', n=len(left_out) if left_out_count is None else left_out_count)}**")
        st.dataframe(
            pd.DataFrame([{tr("review.col_where"): d.where(lg), tr("review.col_problem"): d.message(lg),
                           tr("review.col_suggestion"): d.suggestion(lg)} for d in left_out]),
            hide_index=True,
        )  # fmt: skip
