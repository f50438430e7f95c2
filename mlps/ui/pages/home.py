"""Home: the organisation in view, its systems, and what is missing before the law catches up."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.rules.obligations import Severity, exposure, obligations_for
from mlps.services.lifecycles import lifecycles
from mlps.ui.common import lang, tr
from mlps.ui.context import in_view, select_system, ws
from mlps.ui.safe import one_line


def _start_grading(system_id: int) -> None:
    select_system(system_id)


def _exposure_banner(w, systems: list) -> None:
    """The organisation's legal exposure (mlps.rules.obligations.exposure): red when a level >= 2 system is not graded,
    not filed or not assessed in time, with the Yibin case and a button to start grading."""
    if not systems:
        return
    today = w.today()
    judged = []
    for lc in lifecycles(w, systems):
        try:
            judged.append(obligations_for(lc, today))
        except ValueError:
            continue  # inconsistent records: the obligations page names them
    exp = exposure(judged, today)
    if exp.severity is Severity.RED:
        red = exp.red
        ungraded = [x for x in red if "grading" in x.red_kinds]
        with st.container(border=True):
            counts = {k: sum(k in x.red_kinds for x in red) for k in ("grading", "filing", "agency_assessment")}
            parts = [tr(f"obligations.home_part.{k}", n=n) for k, n in counts.items() if n]
            parts = tr("obligations.list_sep").join(parts)
            st.error(tr("obligations.home_banner", n=len(red), parts=parts))
            lg = lang()
            for x in red:
                reasons = "".join(x.reasons_zh) if lg == "zh" else " ".join(x.reasons_en)
                name = one_line(x.name)
                st.markdown(f"- **{name}**：{reasons}" if lg == "zh" else f"- **{name}**: {reasons}")
            st.write(tr("home.yibin"))
            c1, c2 = st.columns(2)
            target = (ungraded or list(red))[0]
            hint = tr("obligations.home_start_grading", name=one_line(target.name))
            if c1.button(tr("home.start"), type="primary", key="home_start", on_click=_start_grading,
                         args=(target.system_id,), help=hint):  # fmt: skip
                st.switch_page("mlps/ui/pages/grading.py", query_params=st.query_params.to_dict())
            c2.page_link("mlps/ui/pages/obligations.py", label=tr("obligations.home_link"), icon=":material/event:")
    elif exp.severity is Severity.AMBER:
        st.warning(tr("obligations.home_amber", n=len(exp.amber)))
        st.page_link("mlps/ui/pages/obligations.py", label=tr("obligations.home_link"), icon=":material/event:")


def render() -> None:
    org, _system = in_view()
    st.title(tr("home.title"))
    if org is None:
        st.info(tr("home.empty"))
        st.page_link("mlps/ui/pages/systems.py", label=tr("home.create_org"), icon=":material/add:")
        return
    w = ws()
    systems = w.systems(org.id)
    gradings = w.current_gradings([s.id for s in systems])
    st.subheader(one_line(org.name))
    _exposure_banner(w, systems)
    if not systems:
        st.info(tr("sys.no_systems"))
        return
    if len(systems) > 1:
        st.page_link("mlps/ui/pages/portfolio.py", label=tr("home.portfolio_link"), icon=":material/dashboard:")
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
