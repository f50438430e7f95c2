"""The assessment page's Excel panel: export the agency-layout workbook; import one after showing its mapping.

The plan is shown first (objects, counts, every non-exact decision, every row left out with a suggestion);
nothing is written until the user confirms it, and then everything lands in one transaction or nothing does.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from mlps.adapters.exchange import ExportMeta
from mlps.adapters.exchange import export_xlsx as build_xlsx
from mlps.i18n import t
from mlps.rules.catalogue import Item
from mlps.rules.domain import ItemResult
from mlps.rules.errors import ConflictError
from mlps.services import agency_import as agency
from mlps.ui.common import catalogue, lang, tr
from mlps.ui.context import settings, ws
from mlps.ui.plan_review import review_findings
from mlps.ui.safe import one_line

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(org, system, assessment, items: list[Item], results: list[ItemResult]) -> None:
    lg = lang()
    if st.button(tr("xl.prepare"), key=f"xl_prepare_{assessment.id}"):
        meta = ExportMeta(
            organisation=org.name, system=system.name, level=assessment.level, extensions=assessment.extensions,
            kind=assessment.kind, assessment_date=assessment.started_on, catalogue_version=assessment.catalogue_version,
            assessor=ws().user,
        )  # fmt: skip
        known = {i.id for i in items}
        usable = [r for r in results if r.item_id in known]
        try:
            data = build_xlsx(items, usable, meta, catalogue().taxonomy, lang=lg)
        except ValueError as exc:
            st.error(tr("xl.export_failed", error=one_line(exc)))
            return
        st.session_state[f"xl_file_{assessment.id}"] = data
    data = st.session_state.get(f"xl_file_{assessment.id}")
    if data:
        st.download_button(
            tr("xl.download"), data, file_name=f"assessment-{assessment.id}-{lg}.xlsx", mime=XLSX_MIME,
            key=f"xl_download_{assessment.id}",
        )  # fmt: skip


def _plan_tables(plan, lg: str) -> None:
    """The review: sheets with their objects, counts per object and per result, every decision that was not an
    exact match with its reason, every row left out with a suggestion, and the warnings."""
    rows = []
    for s in plan.sheets:
        counts = s.counts()
        rows.append({
            tr("xl.col_sheet"): s.sheet,
            tr("xl.col_status"): t(f"xl.status.{s.status}", lg),
            tr("xl.col_object"): s.assessed_object or t("as.whole_system", lg),
            tr("xl.col_new"): "" if s.existing_object is None else ("" if s.existing_object else "✚"),
            tr("xl.col_rows"): len(s.matches),
            tr("xl.col_results"): ", ".join(f"{t('result.' + k, lg)} {v}" for k, v in counts.items() if v),
            tr("xl.col_empty"): s.empty_rows,
            tr("xl.col_left_out"): s.left_out,
            tr("xl.col_details"): s.details,
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if plan.errors:
        st.error(tr("xl.errors", n=plan.error_count))
        st.dataframe(
            pd.DataFrame([{tr("review.col_where"): e.where(lg), tr("review.col_problem"): e.message(lg)}
                          for e in plan.errors]),
            hide_index=True,
        )  # fmt: skip
        return
    review_findings(plan.decisions, plan.left_out, lg, left_out_count=plan.left_out_count)
    for w in plan.warnings:
        st.warning(one_line(f"{w.where(lg)}: {w.message(lg)}"))


def checked_upload(upload) -> bytes | None:
    """The uploaded file's bytes, or None (with the message shown) when it is larger than the upload limit."""
    limit = settings().max_upload_bytes
    if upload.size > limit:
        st.error(tr("as.upload_rejected", error=f"{upload.size / 1048576:.1f} MB > {limit / 1048576:.0f} MB"))
        return None
    return upload.getvalue()


def _import(assessment, items: list[Item], results: list[ItemResult]) -> None:
    lg = lang()
    nonce = st.session_state.setdefault(f"xl_nonce_{assessment.id}", 0)
    upload = st.file_uploader(tr("xl.upload"), type=["xlsx"], key=f"xl_up_{assessment.id}_{nonce}",
                              help=tr("xl.upload_help"))  # fmt: skip
    if upload is None:
        return
    data = checked_upload(upload)
    if data is None:
        return
    key = f"xl_plan_{assessment.id}_{hashlib.sha256(data).hexdigest()[:16]}"
    if key not in st.session_state:  # the plan, and the versions of the records it was made against
        st.session_state[key] = agency.plan_workbook(ws(), catalogue(), assessment.id, data)
    review = st.session_state[key]
    plan = review.plan
    st.subheader(tr("xl.plan_title"))
    st.caption(tr("xl.plan_intro"))
    _plan_tables(plan, lg)
    if not plan.ok:
        st.info(tr("xl.nothing_written"))
        return
    if not plan.results:
        st.info(tr("xl.nothing_to_import"))
        return
    if plan.left_out_count:
        st.caption(tr("xl.left_out_note", n=plan.left_out_count))
    if st.button(tr("xl.confirm", n=len(plan.results)), type="primary", key=f"xl_confirm_{assessment.id}"):
        try:
            n = agency.confirm_workbook(ws(), review)
        except ConflictError as exc:  # someone saved one of these items since the plan was made
            st.session_state.pop(key, None)
            st.error(tr("as.conflict_import", who=one_line(exc.changed_by), when=exc.changed_at or "?"))
            return
        st.session_state[f"xl_nonce_{assessment.id}"] = nonce + 1
        st.session_state.pop(key, None)
        st.toast(tr("xl.imported", n=n))
        st.rerun()


def excel_panel(org, system, assessment, items: list[Item], results: list[ItemResult], editable: bool) -> None:
    with st.expander(tr("xl.title")):
        _export(org, system, assessment, items, results)
        if editable:
            st.divider()
            _import(assessment, items, results)
