"""Obligations: the organisation's exposure first (red systems, the penalty in force today, the Yibin case), then
each system's obligations with due dates, evidence and citations, the configured log retention, and a timeline
of what is due in the next 12 months.

Rules live in mlps/obligations.py (settings in controls/obligations.yaml), lifecycles are built by
mlps/lifecycle.py, the figure by mlps/charts.py; this page draws them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.adapters.charts import obligations_timeline
from mlps.i18n import pick
from mlps.rules.domain import Organisation, System
from mlps.rules.lifecycle import open_assessments
from mlps.rules.obligations import (
    STATUS_NAMES,
    Exposure,
    ObligationSettings,
    Severity,
    Status,
    SystemObligations,
    exposure,
    load_settings,
    obligations_for,
    penalty_on,
    timeline,
    timeline_frame,
)
from mlps.services.lifecycles import lifecycles
from mlps.ui.common import lang, tr
from mlps.ui.context import in_view, ws
from mlps.ui.safe import one_line
from mlps.ui.system_changes import system_changes_section

STATUS_ICONS = {
    Status.OVERDUE: "🔴",
    Status.DUE_SOON: "🟠",
    Status.UPCOMING: "🔵",
    Status.DONE: "✅",
    Status.NOT_APPLICABLE: "⚪",
}
SEVERITY_ICONS = {Severity.RED: "🔴", Severity.AMBER: "🟠", Severity.GREEN: "🟢"}
FLASH = "ob_flash"


def _mark(mark: str) -> str:
    return tr(f"obligations.mark.{mark}") if mark in ("S", "R", "practice", "chosen") else tr("obligations.mark.none")


def _level(level: int | None) -> str:
    return tr("obligations.level", n=level) if level else tr("obligations.not_graded")


def _exposure(exp: Exposure, lg: str) -> None:
    st.subheader(tr("obligations.exposure"))
    headline = pick(exp.headline_zh, exp.headline_en, lg)
    if exp.severity is Severity.RED:
        st.error(tr("obligations.red_headline", n=len(exp.red)))
        for x in exp.red:
            reasons = "".join(x.reasons_zh) if lg == "zh" else " ".join(x.reasons_en)
            st.markdown("- " + tr("obligations.red_system", name=one_line(x.name), level=_level(x.level),
                                  reasons=reasons))  # fmt: skip
        st.caption(tr("obligations.fix_first"))
        st.page_link("mlps/ui/pages/grading.py", label=tr("obligations.go_grading"), icon="⚖️")
    elif exp.severity is Severity.AMBER:
        st.warning(headline)
        for x in exp.amber:
            reasons = "".join(x.reasons_zh) if lg == "zh" else " ".join(x.reasons_en)
            st.markdown("- " + tr("obligations.red_system", name=one_line(x.name), level=_level(x.level),
                                  reasons=reasons))  # fmt: skip
    else:
        st.success(headline)
    penalty = penalty_on(exp.today)
    with st.container(border=True):
        article = pick(penalty.article_zh, penalty.article_en, lg)
        st.markdown("**" + tr("obligations.penalty", today=exp.today.isoformat(), article=article) + "**")
        for tier in penalty.tiers:
            mark = f" {_mark(tier.mark)}" if tier.mark == "R" else ""
            st.markdown(f"- {pick(tier.text_zh, tier.text_en, lg)}{mark}")
        st.caption(tr("obligations.penalty_from", date=penalty.effective_from.isoformat()))
    case = exp.case
    st.info(
        f"**{tr('obligations.case', title=pick(case.title_zh, case.title_en, lg), year=case.year)}**\n\n"
        + pick(case.text_zh, case.text_en, lg)
    )


def _columns() -> dict:
    widths = {"status": "small", "title": "medium", "due": "small", "done": "small", "mark": "small",
              "evidence": "medium", "note": "large"}  # fmt: skip
    return {tr(f"obligations.col.{k}"): st.column_config.TextColumn(width=w) for k, w in widths.items()}


def _obligation_table(sysob: SystemObligations, lg: str) -> pd.DataFrame:
    rows = []
    for o in sysob.obligations:
        rows.append({
            tr("obligations.col.status"): f"{STATUS_ICONS[o.status]} {STATUS_NAMES[o.status][lg]}",
            tr("obligations.col.title"): pick(o.title_zh, o.title_en, lg),
            tr("obligations.col.due"): o.due_on.isoformat() if o.due_on else "",
            tr("obligations.col.done"): (o.done_on.isoformat() if o.done_on else "")
            + (tr("obligations.late") if o.late else ""),
            tr("obligations.col.mark"): _mark(o.mark),
            tr("obligations.col.evidence"): pick(o.evidence_zh, o.evidence_en, lg),
            tr("obligations.col.note"): pick(o.note_zh, o.note_en, lg),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _next_steps(sysob: SystemObligations, lg: str) -> None:
    """What is still open, soonest first, as plain text (the table below has the details)."""
    open_items = [o for o in sysob.obligations if o.status in (Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING)]
    if not open_items:
        st.caption(tr("obligations.nothing_open"))
        return
    open_items.sort(key=lambda o: (o.due_on is not None, o.due_on or sysob.today))
    lines = []
    for o in open_items:
        title = pick(o.title_zh, o.title_en, lg)
        status = STATUS_NAMES[o.status][lg]
        if o.due_on:
            lines.append(tr("obligations.next_item", icon=STATUS_ICONS[o.status], title=title, status=status,
                            due=o.due_on.isoformat()))  # fmt: skip
        else:
            lines.append(tr("obligations.next_item_nodate", icon=STATUS_ICONS[o.status], title=title, status=status))
    st.markdown(tr("obligations.next_steps") + "\n\n" + "\n".join(f"- {line}" for line in lines))


def _system_section(sysob: SystemObligations, in_progress: list, lg: str, expanded: bool) -> None:
    label = tr("obligations.system_label", icon=SEVERITY_ICONS[sysob.severity], name=one_line(sysob.name),
               level=_level(sysob.level))  # fmt: skip
    with st.expander(label, expanded=expanded):
        _next_steps(sysob, lg)
        st.dataframe(_obligation_table(sysob, lg), hide_index=True, column_config=_columns())
        if any(o.calendar_fallback for o in sysob.obligations):
            st.warning(tr("obligations.fallback"))
        if in_progress:
            titles = "、".join(a.title or f"#{a.id}" for a in in_progress)
            st.caption(tr("obligations.in_progress", titles=one_line(titles)))
        with st.popover(tr("obligations.citations")):
            for o in sysob.obligations:
                st.markdown(f"**{pick(o.title_zh, o.title_en, lg)}** · {_mark(o.mark)}")
                st.caption(pick(o.citation_zh, o.citation_en, lg))


def _log_form(org: Organisation, system: System | None, settings: ObligationSettings, editable: bool) -> None:
    st.subheader(tr("obligations.logs"))
    floor = settings.log_min_days
    st.caption(tr("obligations.logs_intro", min=floor))
    if system is None:
        st.info(tr("obligations.logs_no_system"))
        return
    current = ws().log_retention(system.id)
    collected = ws().collected_log_retention(system.id)  # what the collector read on the servers (issue 19)
    if collected is not None:
        shown = st.success if collected.days >= floor else st.error
        hosts = one_line(", ".join(collected.hosts))
        shown(tr("collector.obligation_days", days=collected.days, min=floor, when=collected.collected_at[:10],
                 hosts=hosts))  # fmt: skip
        st.caption(tr("collector.obligation_typed"))
    elif current is None:
        st.warning(tr("obligations.logs_unknown"))
    elif current < floor:
        st.error(tr("obligations.logs_short", days=current, min=floor))
    else:
        st.success(tr("obligations.logs_ok", days=current, min=floor))
    with st.form(f"ob_logs_{system.id}"):
        days = st.number_input(
            tr("obligations.logs_days", system=one_line(system.name)), min_value=0, max_value=36500, step=1,
            value=current, key=f"ob_logs_days_{system.id}",
        )  # fmt: skip
        if st.form_submit_button(tr("obligations.logs_save"), type="primary", disabled=not editable):
            if days is None:
                st.error(tr("obligations.logs_missing"))
                return
            ws().set_log_retention(system.id, int(days))
            st.session_state[FLASH] = tr("obligations.logs_saved", days=int(days))
            st.rerun()


def _settings_used(settings: ObligationSettings, lg: str) -> None:
    with st.expander(tr("obligations.settings")):
        st.caption(tr("obligations.settings_intro"))
        filing_mark = settings.citations["filing"]["mark"] if settings.filing_mode == "working_days" else "S"
        rows = [
            (
                tr("obligations.setting.filing"),
                tr("obligations.setting.filing_working", n=settings.filing_working_days)
                if settings.filing_mode == "working_days"
                else tr("obligations.setting.filing_calendar", n=settings.filing_calendar_days),
                filing_mark,
            ),
            (
                tr("obligations.setting.expert_review"),
                tr("obligations.setting.from_level", n=settings.expert_review_min_level),
                settings.citations["expert_review"]["mark"],
            ),
        ]
        for level, months in sorted(settings.assessment_months.items()):
            rows.append((tr("obligations.setting.assessment", level=level), tr("obligations.setting.months", n=months),
                         settings.assessment_marks.get(level, "")))  # fmt: skip
        for level, months in sorted(settings.self_inspection_months.items()):
            rows.append((tr("obligations.setting.self_inspection", level=level),
                         tr("obligations.setting.months", n=months),
                         settings.self_inspection_marks.get(level, "")))  # fmt: skip
        rows += [
            (tr("obligations.setting.logs"), tr("obligations.setting.days", n=settings.log_min_days),
             settings.citations["log_retention_after"]["mark"]),
            (tr("obligations.setting.regrading"), tr("obligations.setting.days", n=settings.regrading_due_days),
             "chosen"),
            (tr("obligations.setting.due_soon"), tr("obligations.setting.days", n=settings.due_soon_days), "chosen"),
        ]  # fmt: skip
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        tr("obligations.setting.name"): name,
                        tr("obligations.setting.value"): value,
                        tr("obligations.setting.mark"): _mark(mark),
                    }
                    for name, value, mark in rows
                ]
            ),
            hide_index=True,
        )


def _timeline(judged: list[SystemObligations], today, lg: str) -> None:
    st.subheader(tr("obligations.timeline"))
    frame = timeline_frame(timeline(judged, today))
    figure = obligations_timeline(frame, lg, today, title=False)
    st.plotly_chart(figure, config={"displaylogo": False}, key=f"ob_timeline_{lg}")
    st.caption(tr("obligations.timeline_help"))
    if frame.empty:
        st.info(tr("obligations.timeline_empty"))
        return
    rows = [
        {
            tr("obligations.col.due"): e.due_on.isoformat(),
            tr("obligations.col.system"): e.system_name,
            tr("obligations.col.title"): pick(e.title_zh, e.title_en, lg)
            + (tr("obligations.projected") if e.projected else ""),
            tr("obligations.col.status"): f"{STATUS_ICONS[Status(e.status)]} {STATUS_NAMES[Status(e.status)][lg]}",
        }
        for e in frame.itertuples()
    ]
    with st.expander(tr("obligations.timeline_list", n=len(rows))):
        st.dataframe(pd.DataFrame(rows), hide_index=True)


def render() -> None:
    lg = lang()
    st.title(tr("obligations.title"))
    org, system = in_view()
    if org is None:
        st.info(tr("obligations.no_org"))
        st.page_link("mlps/ui/pages/systems.py", label=tr("obligations.go_systems"), icon="➕")
        return
    w = ws()
    today = w.today()
    settings = load_settings()
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)
    systems = w.systems(org.id)
    if not systems:
        st.info(tr("obligations.no_systems"))
        st.page_link("mlps/ui/pages/systems.py", label=tr("obligations.go_systems"), icon="➕")
        return
    st.caption(tr("obligations.intro", today=today.isoformat()))
    judged: list[SystemObligations] = []
    for lc in lifecycles(w, systems):
        try:
            judged.append(obligations_for(lc, today, settings))
        except ValueError as exc:
            st.error(tr("obligations.system_error", name=one_line(lc.name), error=one_line(exc)))
    exp = exposure(judged, today, settings)
    _exposure(exp, lg)

    st.subheader(tr("obligations.per_system"))
    in_view_id = system.id if system else None
    for sysob in exp.systems:
        expanded = sysob.system_id == in_view_id or sysob.severity is Severity.RED
        _system_section(sysob, open_assessments(w.assessments(sysob.system_id)), lg, expanded)
    _settings_used(settings, lg)
    _log_form(org, system, settings, w.can_edit(org.id))
    system_changes_section(system, settings, w.can_edit(org.id))
    _timeline(exp.systems, today, lg)


render()
