"""The remediation page's backlog import: last year's problem list (.xlsx, or the report as .docx) becomes this
year's remediation tasks, after the person has seen which problem maps to which items, why, and what is left out."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from mlps.rules.hazards import HazardError, load_hazard_triggers
from mlps.rules.item_ids import display_ids
from mlps.services import agency_import as agency
from mlps.ui.common import catalogue, lang, tr
from mlps.ui.context import ws
from mlps.ui.excel_panel import checked_upload
from mlps.ui.plan_review import review_findings
from mlps.ui.safe import one_line

ACCEPTED = ["xlsx", "docx"]


def _review(plan, lg: str) -> None:
    risk_word = {"high": "高", "medium": "中", "low": "低"} if lg == "zh" else {}
    st.dataframe(
        pd.DataFrame([
            {tr("bk.col_task"): d.title(lg), tr("bk.col_items"): display_ids(d.item_ids, lg),
             tr("bk.col_risk"): (risk_word.get(d.risk.value, d.risk.value) if d.risk else ""),
             tr("bk.col_hazards"): ", ".join(d.hazard_codes), tr("bk.col_action"): d.action(lg),
             tr("bk.col_where"): d.origin_ref}
            for d in plan.drafts
        ]),
        hide_index=True,
    )  # fmt: skip
    if plan.hazards:
        table = load_hazard_triggers()
        st.markdown(f"**{tr('bk.hazards', n=len(plan.hazards))}**")
        st.dataframe(
            pd.DataFrame([{tr("bk.col_code"): f"{h.code} {table.get(h.code).title(lg)}",
                           tr("bk.col_items"): display_ids(h.item_ids, lg), tr("bk.col_judgement"): h.judgement}
                          for h in plan.hazards]),
            hide_index=True,
        )  # fmt: skip
    review_findings(plan.decisions, plan.left_out, lg)


def backlog_panel(assessment) -> None:
    lg = lang()
    with st.expander(tr("bk.title")):
        nonce = st.session_state.setdefault(f"bk_nonce_{assessment.id}", 0)
        upload = st.file_uploader(tr("bk.upload"), type=ACCEPTED, key=f"bk_up_{assessment.id}_{nonce}",
                                  help=tr("bk.upload_help"))  # fmt: skip
        if upload is None:
            return
        data = checked_upload(upload)
        if data is None:
            return
        key = f"bk_plan_{assessment.id}_{hashlib.sha256(data).hexdigest()[:16]}"
        if key not in st.session_state:
            st.session_state[key] = agency.plan_backlog_import(ws(), catalogue(), assessment.id, data, upload.name)
        plan = st.session_state[key]
        st.subheader(tr("bk.plan_title"))
        if not plan.ok:
            st.error(tr("bk.errors"))
            for e in plan.errors:
                st.error(one_line(e.message(lg)))
            return
        _review(plan, lg)
        if not plan.drafts:
            st.info(tr("bk.nothing"))
            return
        if st.button(tr("bk.confirm", n=len(plan.drafts)), type="primary", key=f"bk_confirm_{assessment.id}"):
            try:
                created = agency.confirm_backlog(ws(), assessment.id, plan)
            except HazardError as exc:  # a hazard recorded meanwhile: nothing landed
                st.session_state.pop(key, None)
                st.error(tr("bk.hazard_refused", error=one_line(exc)))
                return
            st.session_state[f"bk_nonce_{assessment.id}"] = nonce + 1
            st.session_state.pop(key, None)
            st.toast(tr("bk.imported", n=len(created)))
            st.rerun()
