"""The assessment page's major risk hazards (重大风险隐患): the count `N（M个已整改）`, the recorded hazards with
their triggers, candidates suggested from high-risk problems (cross-cutting triggers as questions), a person's
confirmation with the three-principle judgement, and marking a hazard remediated with its verification.
Everything goes through the Workspace (roles checked there); bad input is one message and nothing is stored."""

from __future__ import annotations

from datetime import date

import streamlit as st

from mlps.rules.domain import Assessment
from mlps.rules.errors import ConflictError
from mlps.rules.hazards import Hazard, HazardError, load_hazard_triggers, suggest_hazards, tally
from mlps.rules.item_ids import display_ids
from mlps.rules.scoring import ScoreResult
from mlps.ui.common import lang, tr
from mlps.ui.context import ws
from mlps.ui.safe import md_escape


def _confirm(assessment_id: int, key: str, items_of: dict[str, tuple[str, ...]]) -> None:
    code = st.session_state.get(f"{key}_code")
    items = tuple(items_of.get(code or "", ()))
    hazard = Hazard(
        code=code or "",
        item_ids=items,
        judgement=st.session_state.get(f"{key}_judgement") or "",
        found_on=st.session_state.get(f"{key}_found") or None,
    )
    try:
        ws().record_hazard(assessment_id, hazard)
    except (HazardError, ValueError, PermissionError) as exc:
        st.session_state[f"{key}_msg"] = ("error", tr("hazard.failed", error=str(exc)))
        return
    st.session_state[f"{key}_msg"] = ("success", tr("hazard.confirmed", code=hazard.code))
    st.session_state[f"{key}_judgement"] = ""


def _remediate(hazard: Hazard, key: str) -> None:
    try:
        ws().update_hazard(
            hazard.id,
            expected_version=hazard.version,
            remediated_on=st.session_state.get(f"{key}_on") or None,
            verification=st.session_state.get(f"{key}_how") or "",
        )
    except (HazardError, ValueError, PermissionError, ConflictError) as exc:
        st.session_state[f"{key}_msg"] = ("error", tr("hazard.failed", error=str(exc)))


def hazard_panel(assessment: Assessment, score: ScoreResult | None, editable: bool) -> None:
    lg = lang()
    table = load_hazard_triggers()
    recorded = ws().hazards(assessment.id)
    counted = tally(recorded)
    with st.expander(f"{tr('hazard.title')} · {counted.text(lg)}", expanded=bool(recorded)):
        st.caption(tr("hazard.source_note"))
        if not recorded:
            st.caption(tr("hazard.none"))
        for h in recorded:
            trig = table.get(h.code)
            state = tr("hazard.remediated", on=h.remediated_on, how=h.verification) if h.remediated else tr(
                "hazard.open")  # fmt: skip
            st.markdown(f"**{h.code} {md_escape(trig.title(lg))}** · {md_escape(state)}")
            st.caption(md_escape(display_ids(h.item_ids, lg)) + " · " + md_escape(h.judgement))
            if editable and not h.remediated:
                key = f"hz_rem_{assessment.id}_{h.id}"
                with st.form(key):
                    c1, c2 = st.columns([1, 3])
                    c1.date_input(tr("hazard.remediated_on"), value=date.today(), key=f"{key}_on")
                    c2.text_input(tr("hazard.verification"), key=f"{key}_how")
                    st.form_submit_button(tr("hazard.mark_remediated"), on_click=_remediate, args=(h, key))
                msg = st.session_state.pop(f"{key}_msg", None)
                if msg:
                    st.error(msg[1])
        if not editable or score is None:
            return
        problems = score.items[score.items["problem"]]
        risks = dict(zip(problems["item_id"], problems["risk"], strict=True))
        found = suggest_hazards(risks, assessment.level, assessment.extensions, [h.code for h in recorded], table)
        tied = [c for c in found if not c.question]
        questions = [c for c in found if c.question]
        st.markdown(f"**{tr('hazard.candidates')}**")
        if not tied:
            st.caption(tr("hazard.no_candidates"))
        for c in tied:
            st.caption(f"{c.trigger.code} {md_escape(c.trigger.title(lg))} · "
                       + tr("hazard.from_items", items=", ".join(c.item_ids)))  # fmt: skip
        st.markdown(f"**{tr('hazard.questions')}**")
        for c in questions:
            st.caption(f"{c.trigger.code} {md_escape(c.trigger.question(lg))}")
        st.markdown(f"**{tr('hazard.principles')}**")
        for p in table.principles:
            st.caption(f"{p.name(lg)}：{p.question(lg)}" if lg == "zh" else f"{p.name(lg)}: {p.question(lg)}")
        key = f"hz_new_{assessment.id}"
        options = [c.trigger.code for c in found]
        by_code = {c.trigger.code: c for c in found}
        with st.form(key):
            st.selectbox(tr("hazard.pick"), options, key=f"{key}_code",
                                format_func=lambda x: f"{x} {table.get(x).title(lg)}")  # fmt: skip
            st.text_area(tr("hazard.judgement"), key=f"{key}_judgement")
            st.date_input(tr("hazard.found_on"), value=date.today(), key=f"{key}_found")
            st.form_submit_button(tr("hazard.confirm"), type="primary", on_click=_confirm,
                                  args=(assessment.id, key, {c: by_code[c].item_ids for c in options}))  # fmt: skip
        msg = st.session_state.pop(f"{key}_msg", None)
        if msg:
            (st.error if msg[0] == "error" else st.success)(msg[1])
