"""The assessment page's statement-of-applicability panel.

Shown when the system has a saved applicability profile: how many items the statement marks not applicable or
inherited that the assessment does not yet record as such, the items where an assessor recorded something else
(never overwritten), and for assessors a button that writes the rest. The rules are in mlps.rules.soa_apply.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.i18n import t
from mlps.rules.applicability import STATUS_WORDS
from mlps.rules.catalogue import Item
from mlps.rules.domain import ItemResult
from mlps.rules.errors import ConflictError, NotFound
from mlps.rules.item_ids import display_id
from mlps.rules.soa_apply import SavedStatement, SoaPlan, plan_soa_results, saved_statement
from mlps.ui.common import catalogue, lang, tr
from mlps.ui.context import ws
from mlps.ui.safe import one_line


def _conflicts(plan: SoaPlan, lg: str) -> None:
    st.warning(tr("soa_apply.conflicts", n=len(plan.conflicts)))
    st.dataframe(
        pd.DataFrame(
            {
                tr("col.id"): [display_id(c.item_id, lg) for c in plan.conflicts],
                tr("soa_apply.col_object"): [c.assessed_object or t("as.whole_system", lg) for c in plan.conflicts],
                tr("soa_apply.col_statement"): [STATUS_WORDS[c.status][lg] for c in plan.conflicts],
                tr("soa_apply.col_result"): [t(f"result.{c.result.value}", lg) for c in plan.conflicts],
                tr("soa_apply.col_record"): [c.record for c in plan.conflicts],
            }
        ),
        hide_index=True,
    )


def _apply(assessment, items: list[Item], saved: SavedStatement, lg: str) -> None:
    """Plan again on the results as they are now (someone may have recorded an item meanwhile), then write."""
    try:
        now = ws().results(assessment.id)
        plan = plan_soa_results(items, saved, now, lg)
        versions = {(r.item_id, r.assessed_object): r.version for r in now}
        n = ws().import_results(assessment.id, plan.results, versions) if plan.writes else 0
    except ConflictError as exc:
        st.error(tr("as.conflict_import", who=one_line(exc.changed_by), when=exc.changed_at or "?"))
        return
    except (ValueError, PermissionError, NotFound) as exc:
        st.error(tr("soa_apply.failed", error=one_line(exc)))
        return
    st.toast(tr("soa_apply.applied", n=n))
    st.rerun()


def soa_panel(system, assessment, items: list[Item], results: list[ItemResult], editable: bool) -> None:
    """Draw the panel for `assessment` of `system`; nothing when the system has no saved applicability profile."""
    lg = lang()
    try:
        saved = saved_statement(catalogue(), assessment.level, ws().system_profile(system.id))
        if saved is None:
            return
        plan = plan_soa_results(items, saved, results, lg)
    except ValueError as exc:
        st.warning(tr("soa_apply.invalid", error=one_line(exc)))
        return
    with st.expander(tr("soa_apply.title"), expanded=bool(plan.writes or plan.conflicts)):
        if plan.writes:
            st.info(tr("soa_apply.pending", na=plan.not_applicable, inherited=plan.inherited))
        elif plan.already or plan.conflicts:
            st.success(tr("soa_apply.done"))
        else:
            st.caption(tr("soa_apply.nothing"))
        if plan.conflicts:
            _conflicts(plan, lg)
        if plan.ignored:
            st.caption(tr("soa_apply.ignored", n=len(plan.ignored)))
        if not plan.writes:
            return
        if not editable:
            st.caption(tr("soa_apply.viewer"))
        if st.button(
            tr("soa_apply.apply"),
            type="primary",
            help=tr("soa_apply.apply_help"),
            disabled=not editable,
            key=f"soa_apply_{assessment.id}",
        ):
            _apply(assessment, items, saved, lg)
