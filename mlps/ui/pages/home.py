"""Home: the organisation in view, its systems, and what is missing before the law catches up."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.ui.common import tr
from mlps.ui.context import in_view, ws


def render() -> None:
    org, _system = in_view()
    st.title(tr("home.title"))
    if org is None:
        st.info(tr("home.empty"))
        st.page_link("mlps/ui/pages/systems.py", label=tr("home.create_org"), icon="➕")
        return
    w = ws()
    systems = w.systems(org.id)
    gradings = w.current_gradings([s.id for s in systems])
    not_graded = [s for s in systems if s.id not in gradings]
    not_filed = [s for s in systems if s.id in gradings and gradings[s.id].level >= 2 and not gradings[s.id].filed_on]
    st.subheader(org.name)
    if not_graded or not_filed:
        with st.container(border=True):
            st.error(tr("home.banner", graded=len(not_graded), filed=len(not_filed)))
            st.write(tr("home.yibin"))
            st.page_link("mlps/ui/pages/systems.py", label=tr("home.start"), icon="▶️")
    if not systems:
        st.info(tr("sys.no_systems"))
        return
    rows = []
    for s in systems:
        g = gradings.get(s.id)
        last = w.assessments(s.id)[:1]
        rows.append(
            {
                tr("col.system"): s.name,
                tr("col.level"): g.level if g else None,
                tr("col.filing"): tr("status.not_graded") if g is None else (
                    tr("status.no_filing_needed") if g.level == 1 else
                    tr("status.filed", date=g.filed_on.isoformat(), number=g.filing_number or "—") if g.filed_on
                    else tr("status.graded_not_filed", date=g.graded_on.isoformat() if g.graded_on else "—")),
                tr("col.assessment"): tr("status.assessment", date=last[0].started_on.isoformat(),
                                         status=tr(f"assessment.status.{last[0].status}")) if last
                else tr("status.never_assessed"),
            }
        )  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True)


render()
