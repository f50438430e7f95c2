"""The 2025 high-risk guideline in the shell: the case a gap matches on the assessment page (its situations, its
mitigations as questions, the fix), and the small form that records a system's conditions once (applicability
page). Every rule is in mlps.rules.high_risk; this module only shows and saves."""

from __future__ import annotations

import streamlit as st

from mlps.i18n import pick
from mlps.rules.applicability import HIGH_RISK_FIELDS, SystemProfile, profile_to_dict
from mlps.rules.catalogue import Item
from mlps.rules.domain import ItemResult, Risk, System
from mlps.rules.high_risk import (
    CONDITION_WORDS,
    applicable_cases,
    conditions_from_stored,
    conditions_of,
    load_guideline,
    lowering_blocked_by,
)
from mlps.rules.risks import suggest_risk
from mlps.ui.common import lang, tr
from mlps.ui.context import ws
from mlps.ui.safe import one_line


def gap_cases(item: Item, current: ItemResult | None, assessment_id: int) -> None:
    """Where a gap matches a case of the 2025 guideline for this system, show it with its mitigation questions."""
    if current is None:
        return
    assessment = ws().get_assessment(assessment_id)
    conditions = conditions_from_stored(ws().system_profile(assessment.system_id))
    lg = lang()
    for case in suggest_risk(item.id, assessment.level, current.result, conditions=conditions):
        title = tr("hr.case_title", case=case.case, title=pick(case.title_zh, case.title_en, lg))
        with st.expander(title, expanded=True):
            if current.risk != Risk.HIGH:
                st.warning(tr("hr.suggest_high"))
            st.caption(tr("hr.situations"))
            st.text("\n".join(f"• {s}" for s in case.situations(lg)))
            blocked = lowering_blocked_by(case, conditions)
            if blocked:
                facts = "、".join(CONDITION_WORDS[b][lg] for b in blocked) if lg == "zh" else ", ".join(
                    CONDITION_WORDS[b][lg] for b in blocked)  # fmt: skip
                st.info(tr("hr.blocked", facts=facts, case=case.case))
            elif case.mitigations(lg):
                st.caption(tr("hr.questions"))
                st.text("\n".join(f"{n}. {q}" for n, q in enumerate(case.mitigations(lg), start=1)))
                st.caption(tr("hr.questions_help"))
            if case.can_lower == "no":
                st.caption(tr("hr.no_lowering"))
            elif case.lowering_note(lg):
                st.caption(case.lowering_note(lg))
            if case.trigger:
                st.caption(tr("hr.trigger", code=case.trigger))
            st.caption(tr("hr.fix"))
            st.text(case.fix(lg))


def conditions_form(system: System, profile: SystemProfile, level: int, editable: bool) -> None:
    """Record the conditions of `system` once: high business-continuity needs, key industry, internet facing,
    Windows. `profile` is the page's current profile (saved, or its draft)."""
    st.subheader(tr("hr.conditions_title"))
    st.caption(tr("hr.conditions_intro"))
    version = st.session_state.get(f"hr_form_v_{system.id}", 0)
    with st.form(f"hr_conditions_{system.id}_{version}"):
        values = {
            name: st.checkbox(
                tr(f"hr.cond.{name}"),
                value=getattr(profile, name),
                disabled=not editable,
                key=f"hr_cond_{name}_{system.id}_{version}",
            )
            for name in HIGH_RISK_FIELDS
        }
        submitted = st.form_submit_button(tr("hr.save"), disabled=not editable)
    role = profile.cloud_role.value
    st.caption(tr("hr.cloud_role", role=one_line(role)))
    n = len(applicable_cases(load_guideline(), level, system.extensions, conditions_of(profile)))
    st.caption(tr("hr.cases_now", level=level, n=n))
    if not submitted:
        return
    draft = profile_to_dict(profile)

    def merge(stored: dict) -> dict:  # onto the profile as stored at write time: other fields stay as they are
        return {**stored, "profile": {**(stored.get("profile") or draft), **values}}

    try:
        ws().update_system_profile(system.id, merge)
    except PermissionError as exc:
        st.error(tr("auth.denied", error=one_line(exc)))
        return
    st.session_state[f"hr_form_v_{system.id}"] = version + 1
    st.toast(tr("hr.saved"))
    st.rerun()
