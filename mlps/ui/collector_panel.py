"""The assessment page's panel for evidence collected from servers (issue 19).

Download the collector, upload a bundle for an assessed object, see its proposed results (never over an
assessor's own result without asking), accept them, and what changed since the object's previous collection.
The rules are mlps.rules.collector; storing goes through the Workspace (mlps.services.collector).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.adapters.collector.package import BundleError, build_zipapp
from mlps.i18n import t
from mlps.rules.catalogue import Item
from mlps.rules.collector import VERDICT_WORDS, load_collector_map
from mlps.rules.domain import ItemResult
from mlps.rules.errors import ConflictError
from mlps.rules.item_ids import display_id
from mlps.ui.common import lang, tr
from mlps.ui.context import settings, ws
from mlps.ui.safe import one_line


@st.cache_data(show_spinner=False)
def _zipapp(level: int) -> bytes:
    mapping = load_collector_map().for_bundle()
    mapping["default_level"] = level
    return build_zipapp(mapping)


def _upload(assessment, editable: bool) -> None:
    if not editable:
        st.caption(tr("collector.viewer"))
        return
    nonce = st.session_state.setdefault(f"col_nonce_{assessment.id}", 0)
    c1, c2 = st.columns([2, 1])
    upload = c1.file_uploader(
        tr("collector.upload"), type=["json"], key=f"col_up_{assessment.id}_{nonce}", help=tr("collector.upload_help")
    )
    obj = c2.text_input(
        tr("collector.object"), key=f"col_obj_{assessment.id}_{nonce}", max_chars=200, help=tr("collector.object_help")
    )
    if upload is None:
        return
    if st.button(tr("collector.import"), type="primary", key=f"col_import_{assessment.id}_{nonce}"):
        data = upload.getvalue()
        if len(data) > settings().max_upload_bytes:
            st.error(tr("collector.rejected", error=tr("collector.too_big")))
            return
        try:
            run = ws().import_collector_bundle(assessment.id, data, obj)
        except BundleError as exc:
            st.error(tr("collector.rejected", error=one_line(exc)))
            return
        st.session_state[f"col_nonce_{assessment.id}"] = nonce + 1
        st.session_state[f"col_run_{assessment.id}"] = run.id
        st.toast(tr("collector.imported", host=one_line(run.assessed_object)))
        st.rerun()


def _proposals_table(view, lg: str) -> None:
    status_words = {s: t(f"collector.status.{s}", lg) for s in ("new", "same", "update", "conflict")}
    st.dataframe(
        pd.DataFrame(
            {
                tr("col.id"): [display_id(p.item_id, lg) for p in view.proposals],
                tr("collector.col_proposed"): [t(f"result.{p.result.value}", lg) for p in view.proposals],
                tr("collector.col_current"): [
                    t(f"result.{p.current.result.value}", lg) if p.current else "—" for p in view.proposals
                ],
                tr("collector.col_status"): [status_words[p.status] for p in view.proposals],
                tr("collector.col_checks"): [", ".join(p.checks) for p in view.proposals],
            }
        ),
        hide_index=True,
    )


def _accept(assessment, view, items: list[Item], replace: list[str]) -> None:
    ids = [p.item_id for p in view.proposals]
    try:
        n = ws().accept_collector_proposals(assessment.id, view.run.id, ids, replace, {i.id for i in items}, lang())
    except ConflictError as exc:
        st.error(tr("as.conflict_import", who=one_line(exc.changed_by), when=exc.changed_at or "?"))
        return
    st.toast(tr("collector.accepted", n=n))
    st.rerun()


def _changes(view, lg: str) -> None:
    if view.previous is None:
        return
    if not view.changes:
        st.caption(tr("collector.no_changes", when=one_line(view.previous.collected_at)))
        return
    st.markdown(tr("collector.changes", when=one_line(view.previous.collected_at)))
    word = lambda v: VERDICT_WORDS[v][lg] if v else "—"  # noqa: E731
    st.dataframe(
        pd.DataFrame(
            {
                tr("collector.col_check"): [c.check for c in view.changes],
                tr("collector.col_before"): [word(c.before) for c in view.changes],
                tr("collector.col_after"): [word(c.after) for c in view.changes],
            }
        ),
        hide_index=True,
    )


def collector_panel(system, assessment, items: list[Item], results: list[ItemResult], editable: bool) -> None:
    """Draw the panel for `assessment` of `system` (the page passes what it already read)."""
    lg = lang()
    runs = ws().collector_runs(assessment.id)
    with st.expander(tr("collector.title"), expanded=bool(runs)):
        st.caption(tr("collector.intro", level=assessment.level))
        st.download_button(
            tr("collector.download"),
            _zipapp(assessment.level),
            file_name="mlps-collector.pyz",
            mime="application/octet-stream",
            key=f"col_dl_{assessment.id}",
        )
        st.code(
            "python3 -I -S mlps-collector.pyz --format json > $(hostname).json\n"
            "python3 -I -S mlps-collector.pyz --format text",
            language="bash",
        )
        _upload(assessment, editable)
        if not runs:
            return
        by_id = {r.id: r for r in runs}
        key = f"col_run_{assessment.id}"
        if st.session_state.get(key) not in by_id:
            st.session_state[key] = runs[0].id
        run_id = st.selectbox(
            tr("collector.choose"),
            list(by_id),
            key=key,
            format_func=lambda i: t(
                "collector.option",
                lg,
                object=by_id[i].assessed_object,
                when=by_id[i].collected_at,
                host=by_id[i].hostname,
            ),
        )
        run = by_id[run_id]
        view = ws().collector_view(assessment, run, {i.id for i in items}, lg, results)
        counts = {v: sum(1 for f in run.findings if f["verdict"] == v) for v in VERDICT_WORDS}
        st.markdown(
            tr(
                "collector.summary",
                host=one_line(run.hostname),
                os=one_line(run.os_name),
                when=one_line(run.collected_at),
                object=one_line(run.assessed_object),
                conform=counts["conform"],
                partial=counts["partial"],
                nonconform=counts["nonconform"],
                unknown=counts["unknown"],
            )
        )
        if run.log_retention_days is not None:
            st.caption(tr("collector.retention", days=run.log_retention_days))
        if run.level and run.level != assessment.level:
            st.caption(tr("collector.level_note", bundle=run.level, level=assessment.level))
        st.caption(tr("collector.thresholds_note"))
        _changes(view, lg)
        if not view.proposals:
            st.info(tr("collector.no_items"))
            return
        _proposals_table(view, lg)
        pending = [p for p in view.proposals if p.status in ("new", "update")]
        conflicts = [p for p in view.proposals if p.status == "conflict"]
        replace: list[str] = []
        if conflicts:
            st.warning(tr("collector.conflicts", n=len(conflicts)))
            if editable:
                replace = st.multiselect(
                    tr("collector.replace"), [p.item_id for p in conflicts], key=f"col_replace_{run.id}"
                )
        if not editable:
            return
        if not pending and not replace:
            st.success(tr("collector.all_done"))
            return
        if st.button(tr("collector.accept", n=len(pending) + len(replace)), type="primary", key=f"col_accept_{run.id}"):
            _accept(assessment, view, items, replace)
