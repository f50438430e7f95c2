"""The assessment page's Excel panel: export the agency-layout workbook; import one after showing its mapping.

Nothing is written unless the whole file is valid and the user confirms the mapping.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from mlps.adapters.exchange import ExportMeta, plan_import
from mlps.adapters.exchange import export_xlsx as build_xlsx
from mlps.i18n import t
from mlps.rules.catalogue import Item
from mlps.rules.domain import ItemResult
from mlps.rules.errors import ConflictError
from mlps.rules.worklist import assessed_objects
from mlps.ui.common import catalogue, lang, tr
from mlps.ui.context import settings, ws
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
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if plan.errors:
        st.error(tr("xl.errors", n=plan.error_count))
        st.dataframe(
            pd.DataFrame([{tr("xl.col_where"): e.where(lg), tr("xl.col_problem"): e.message(lg)} for e in plan.errors]),
            hide_index=True,
        )  # fmt: skip
    for w in plan.warnings:
        st.warning(one_line(f"{w.where(lg)}: {w.message(lg)}"))


def _import(assessment, items: list[Item], results: list[ItemResult]) -> None:
    lg = lang()
    nonce = st.session_state.setdefault(f"xl_nonce_{assessment.id}", 0)
    upload = st.file_uploader(tr("xl.upload"), type=["xlsx"], key=f"xl_up_{assessment.id}_{nonce}",
                              help=tr("xl.upload_help"))  # fmt: skip
    if upload is None:
        return
    limit = settings().max_upload_bytes
    if upload.size > limit:
        st.error(tr("as.upload_rejected", error=f"{upload.size / 1048576:.1f} MB > {limit / 1048576:.0f} MB"))
        return
    data = upload.getvalue()
    key = f"xl_plan_{assessment.id}_{hashlib.sha256(data).hexdigest()[:16]}"
    if key not in st.session_state:  # the plan, and the versions of the records it was made against
        plan = plan_import(data, items, catalogue().taxonomy, objects=assessed_objects(results))
        st.session_state[key] = (plan, {(r.item_id, r.assessed_object): r.version for r in results})
    plan, versions = st.session_state[key]
    st.subheader(tr("xl.plan_title"))
    st.caption(tr("xl.plan_intro"))
    _plan_tables(plan, lg)
    if not plan.ok:
        st.info(tr("xl.nothing_written"))
        return
    if st.button(tr("xl.confirm", n=len(plan.results)), type="primary", key=f"xl_confirm_{assessment.id}"):
        try:
            n = ws().import_results(assessment.id, plan.results, versions)
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
