"""On the obligations page, below the log-retention form: where the configured retention was seen (kept in the
system profile as "log_evidence", printed with the retention obligation), and the system's recorded changes
with a form to record one. A significant change after the current grading makes re-grading due within the
configured number of days (GB/T 22240-2020 clause 8; mlps.rules.obligations); the page's lifecycles read both
through mlps.services.lifecycles.

Viewers see everything read-only.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from mlps.rules.domain import System
from mlps.rules.filing_details import (
    MAX_LOG_EVIDENCE,
    FilingDetailsError,
    log_evidence_from,
    plan_submitted_from,
    with_log_evidence,
    with_plan_submitted,
)
from mlps.rules.obligations import ObligationSettings
from mlps.rules.system_changes import MAX_DESCRIPTION, ChangeError
from mlps.ui.common import lang, tr
from mlps.ui.context import ws
from mlps.ui.safe import one_line

FLASH = "sc_flash"
MIN_DATE = date(2000, 1, 1)


def _version(sid: int) -> int:
    """Bumped after each save, so the forms show what was stored (and an emptied form for the next change)."""
    return st.session_state.get(f"sc_v_{sid}", 0)


def _saved(sid: int, message: str) -> None:
    st.session_state[f"sc_v_{sid}"] = _version(sid) + 1
    st.session_state[FLASH] = message
    st.rerun()


def _log_evidence(system: System, editable: bool) -> None:
    sid = system.id
    w = ws()
    current = log_evidence_from(w.system_profile(sid))
    with st.form(f"sc_evidence_{sid}_{_version(sid)}"):
        text = st.text_input(
            tr("system_changes.evidence", system=one_line(system.name)), value=current, max_chars=MAX_LOG_EVIDENCE,
            key=f"sc_evidence_text_{sid}_{_version(sid)}", help=tr("system_changes.evidence_help"),
            disabled=not editable,
        )  # fmt: skip
        if not st.form_submit_button(tr("system_changes.evidence_save"), disabled=not editable):
            return
    try:
        data = w.update_system_profile(sid, lambda stored: with_log_evidence(stored, text))
    except FilingDetailsError as exc:
        st.error(tr("system_changes.invalid", error=one_line(exc.text(lang()))))
        return
    _saved(sid, tr("system_changes.evidence_saved" if data.get("log_evidence") else "system_changes.evidence_cleared"))


def _plan_submitted(system: System, settings: ObligationSettings, editable: bool, today: date) -> None:
    """When the protection work plan was submitted (2025 rules, Q23): closes the plan duty until the next
    assessment."""
    f = settings.filing_2025
    level = system.level or 0
    if f is None or level < f.plan_min_level:
        return
    sid, w = system.id, ws()
    current = plan_submitted_from(w.system_profile(sid))
    st.subheader(tr("filing2025.plan_title"))
    st.caption(tr("filing2025.plan_intro", days=f.plan_after_assessment_days))
    with st.form(f"sc_plan_{sid}_{_version(sid)}"):
        day = st.date_input(tr("filing2025.plan_on"), value=current, min_value=MIN_DATE, max_value=today,
                            key=f"sc_plan_on_{sid}_{_version(sid)}", disabled=not editable)  # fmt: skip
        c1, c2 = st.columns(2)
        save = c1.form_submit_button(tr("filing2025.plan_save"), disabled=not editable)
        clear = c2.form_submit_button(tr("filing2025.plan_clear"), disabled=not editable or current is None)
    if not (save or clear):
        return
    chosen = None if clear else day
    try:
        w.update_system_profile(sid, lambda stored: with_plan_submitted(stored, chosen, today))
    except FilingDetailsError as exc:
        st.error(tr("filing2025.invalid", error=one_line(exc.text(lang()))))
        return
    _saved(sid, tr("filing2025.plan_saved" if chosen else "filing2025.plan_cleared"))


def _change_list(changes: list) -> None:
    if not changes:
        st.caption(tr("system_changes.none"))
        return
    rows = [
        {
            tr("system_changes.col.on"): c.on.isoformat(),
            tr("system_changes.col.description"): c.description,
            tr("system_changes.col.significant"): tr("system_changes.yes" if c.significant else "system_changes.no"),
            tr("system_changes.col.recorded"): f"{c.recorded_by} · {c.recorded_at:%Y-%m-%d %H:%M}",
        }
        for c in reversed(changes)  # newest first
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def _change_form(system: System, editable: bool, today: date) -> None:
    sid = system.id
    v = _version(sid)
    with st.form(f"sc_change_{sid}_{v}"):
        st.markdown(f"**{tr('system_changes.record')}**")
        c1, c2 = st.columns([1, 3])
        on = c1.date_input(tr("system_changes.on"), value=today, min_value=MIN_DATE, max_value=today,
                           key=f"sc_on_{sid}_{v}", disabled=not editable)  # fmt: skip
        description = c2.text_area(tr("system_changes.description"), max_chars=MAX_DESCRIPTION,
                                   key=f"sc_desc_{sid}_{v}", help=tr("system_changes.description_help"),
                                   disabled=not editable)  # fmt: skip
        significant = st.checkbox(tr("system_changes.significant"), value=True, key=f"sc_significant_{sid}_{v}",
                                  help=tr("system_changes.significant_help"), disabled=not editable)  # fmt: skip
        if not st.form_submit_button(tr("system_changes.save"), type="primary", disabled=not editable):
            return
    if not (description or "").strip():
        st.error(tr("system_changes.need_description"))
        return
    if on is None or on > today:
        st.error(tr("system_changes.bad_date", today=today.isoformat()))
        return
    try:
        ws().add_change(sid, on, description, bool(significant))
    except ChangeError as exc:
        st.error(tr("system_changes.invalid", error=one_line(exc)))
        return
    _saved(sid, tr("system_changes.saved_significant" if significant else "system_changes.saved", on=on.isoformat()))


def system_changes_section(system: System | None, settings: ObligationSettings, editable: bool) -> None:
    """The log-retention evidence and the recorded changes of the system in view (the obligations page calls this
    once, right after its log-retention form)."""
    if system is None:
        return
    w = ws()
    message = st.session_state.pop(FLASH, None)
    _log_evidence(system, editable)
    _plan_submitted(system, settings, editable, w.today())
    st.subheader(tr("system_changes.title"))
    if message:
        st.success(message)
    st.caption(tr("system_changes.intro", name=one_line(system.name), days=settings.regrading_due_days))
    _change_list(w.list_changes(system.id))
    _change_form(system, editable, w.today())
