"""Organisations and systems: create and edit the filing unit and its graded objects; list them with status."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import streamlit as st

from mlps.i18n import t
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Organisation, System
from mlps.ui.common import lang, tr
from mlps.ui.context import in_view, select_organisation, select_system, ws
from mlps.ui.filing_details import organisation_codes
from mlps.ui.safe import one_line
from mlps.ui.widgets import grading_documents

ORG_TEXT_FIELDS = [
    "name", "credit_code", "province", "city", "county", "address", "postal_code", "region_code",
    "head_name", "head_title", "head_phone", "head_email",
    "security_department", "security_contact", "security_title", "security_phone", "security_mobile",
    "security_email", "data_department", "data_contact", "data_title", "data_phone", "data_mobile", "data_email",
]  # fmt: skip
NEW_2025_FIELDS = {"province", "city", "county", "postal_code", "head_email", "security_title", "security_mobile",
                   "data_title", "data_mobile", "data_email"}  # labels in filing2025.yaml  # fmt: skip
SYSTEM_TEXT_FIELDS = [
    "name", "code", "owner", "business_type", "description", "business_description", "data_description",
    "service_scope", "service_users", "deployment", "internet_details", "parent_system",
]  # fmt: skip
LONG_FIELDS = {"address", "description", "business_description", "data_description", "deployment",
               "service_scope", "service_users", "internet_details"}  # fmt: skip
OBJECT_TYPES = ["information_system", "infrastructure", "data_resource"]


def _text(field: str, value: str, key: str) -> str:
    label = tr(f"filing2025.field.{field}" if field in NEW_2025_FIELDS else f"field.{field}")
    if field in LONG_FIELDS:
        return st.text_area(label, value=value, key=key, height=80)
    return st.text_input(label, value=value, key=key, max_chars=200)


def _org_form(org: Organisation | None) -> None:
    base = org or Organisation(name="")
    with st.form(f"org_form_{base.id or 'new'}"):
        values = {}
        cols = st.columns(2)
        for n, field in enumerate(ORG_TEXT_FIELDS):
            with cols[n % 2]:
                values[field] = _text(field, getattr(base, field), f"org_{base.id}_{field}")
        values.update(organisation_codes(base, f"org_{base.id}"))
        if st.form_submit_button(tr("sys.save_org"), type="primary"):
            try:
                saved = ws().save_organisation(dataclasses.replace(base, **values))
            except (ValueError, PermissionError) as exc:
                st.error(tr("sys.invalid", error=one_line(exc)))
                return
            if org is None:
                select_organisation(saved.id)
            st.success(tr("sys.saved", name=one_line(saved.name)))
            st.rerun()


def _system_form(org: Organisation, system: System | None) -> None:
    base = system or System(name="", organisation_id=org.id)
    cat = load_catalogue()
    scopes = [s for s in cat.taxonomy.scopes if s != "general"]
    lg = lang()
    with st.form(f"system_form_{base.id or 'new'}"):
        values = {}
        cols = st.columns(2)
        for n, field in enumerate(SYSTEM_TEXT_FIELDS):
            with cols[n % 2]:
                values[field] = _text(field, getattr(base, field), f"sys_{base.id}_{field}")
        c1, c2, c3 = st.columns(3)
        values["object_type"] = c1.selectbox(
            tr("field.object_type"),
            OBJECT_TYPES,
            index=OBJECT_TYPES.index(base.object_type),
            format_func=lambda v: t(f"object_type.{v}", lg),
            key=f"sys_{base.id}_object_type",
        )
        values["go_live"] = c2.date_input(
            tr("field.go_live"), value=base.go_live, min_value=date(1990, 1, 1), key=f"sys_{base.id}_go_live"
        )
        values["internet_facing"] = c3.checkbox(
            tr("field.internet_facing"), value=base.internet_facing, key=f"sys_{base.id}_internet"
        )
        values["extensions"] = tuple(
            st.multiselect(
                tr("field.extensions"),
                scopes,
                default=list(base.extensions),
                format_func=lambda s: cat.taxonomy.scopes[s][lg],
                key=f"sys_{base.id}_extensions",
                help=tr("sys.extensions_help"),
            )
        )
        if st.form_submit_button(tr("sys.save_system"), type="primary"):
            try:
                saved = ws().save_system(dataclasses.replace(base, **values))
            except (ValueError, PermissionError) as exc:
                st.error(tr("sys.invalid", error=one_line(exc)))
                return
            select_system(saved.id)
            st.success(tr("sys.saved", name=one_line(saved.name)))
            st.rerun()


def _systems_table(org: Organisation) -> None:
    w = ws()
    systems = w.systems(org.id)
    if not systems:
        st.info(tr("sys.no_systems"))
        return
    gradings = w.current_gradings([s.id for s in systems])
    assessments = {s.id: w.assessments(s.id) for s in systems}
    rows = []
    for s in systems:
        g = gradings.get(s.id)
        last = assessments[s.id][0] if assessments[s.id] else None
        if g is None:
            filing = tr("status.not_graded")
        elif g.level == 1:
            filing = tr("status.no_filing_needed")
        elif g.filed_on:
            filing = tr("status.filed", date=g.filed_on.isoformat(), number=g.filing_number or "—")
        else:
            filing = tr("status.graded_not_filed", date=g.graded_on.isoformat() if g.graded_on else "—")
        rows.append({
            tr("col.system"): s.name,
            tr("col.level"): g.level if g else None,
            tr("col.filing"): filing,
            tr("col.assessment"): (
                tr("status.assessment", date=last.started_on.isoformat() if last.started_on else "—",
                   status=tr(f"assessment.status.{last.status}")) if last else tr("status.never_assessed")
            ),
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def render() -> None:
    st.title(tr("sys.title"))
    org, system = in_view()
    tab_org, tab_systems = st.tabs([tr("sys.tab_org"), tr("sys.tab_systems")])
    with tab_org:
        if org is not None:
            st.subheader(tr("sys.edit_org", name=one_line(org.name)))
            _org_form(org)
        with st.expander(tr("sys.new_org"), expanded=org is None):
            _org_form(None)
    with tab_systems:
        if org is None:
            st.info(tr("ctx.no_org"))
            return
        st.subheader(tr("sys.systems_of", name=one_line(org.name)))
        _systems_table(org)
        with st.expander(tr("sys.new_system"), expanded=system is None):
            _system_form(org, None)
        if system is not None:
            st.subheader(tr("sys.edit_system", name=one_line(system.name)))
            _system_form(org, system)
            grading_documents(org, system)


render()
