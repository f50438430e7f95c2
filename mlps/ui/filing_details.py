"""The filing details editor on the grading page: what the filing form (备案表) asks beyond the system's fields.

Three parts, each saved on its own into the system profile JSON under "filing" (mlps.rules.filing_details merges:
every other key of the profile, and the other parts of "filing", stay as stored), where mlps.services.report_data reads
them for the filing form PDF:

- the scenario extras the applicability profile does not hold (IoT, industrial control, big data and whether
  big data crosses the border), asked only for the extensions the system has;
- the attachments checklist of a level >= 3 filing (provided or not, with the file name or a note);
- the data survey table, edited in a grid (versioned key, saved in a callback: /work/shared/docs/engineering.md).

Viewers see everything read-only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from mlps.i18n import t
from mlps.rules.domain import GradingRecord, Organisation, System
from mlps.rules.filing_codes import ORGANISATION_LISTS, FilingCodes, load_filing_codes
from mlps.rules.filing_details import (
    ASSET_COLUMNS,
    ASSET_KINDS,
    ATTACHMENT_CODES,
    ATTACHMENTS_FROM_LEVEL,
    AUTHORITY_ATTACHMENT,
    DATA_CLASSES,
    FILED_FROM_LEVEL,
    FORM_CODE_FIELDS,
    MAX_CELL,
    MAX_DESCRIPTION,
    MAX_NOTE,
    NO,
    SURVEY_COLUMNS,
    YES,
    FilingDetails,
    FilingDetailsError,
    apply_editor_state,
    assets_from,
    clean_survey_rows,
    filing_details_from,
    form_details_from,
    with_assets,
    with_attachments,
    with_data_survey,
    with_form_details,
    with_scenario,
)
from mlps.ui.common import lang, tr
from mlps.ui.context import ws
from mlps.ui.safe import one_line

FLASH = "fd_flash"
SCENARIO_EXTENSIONS = ("iot", "ics", "bigdata")


def _version(kind: str, sid: int) -> int:
    """The version of a part's widget keys: bumped after each save, so the widgets show what was stored."""
    return st.session_state.get(f"fd_{kind}_v_{sid}", 0)


def _bump(kind: str, sid: int) -> None:
    st.session_state[f"fd_{kind}_v_{sid}"] = _version(kind, sid) + 1


def _write(system_id: int, change: Callable[[dict], dict]) -> str | None:
    """Apply `change` to the profile as stored now and save it; the error message (translated) if refused."""
    try:
        ws().update_system_profile(system_id, change)  # `change` runs on the profile as stored at write time
    except FilingDetailsError as exc:
        return t("filing_details.invalid", lang(), error=one_line(exc.text(lang())))
    except PermissionError as exc:
        return t("auth.denied", lang(), error=one_line(exc))
    return None


# ---------------------------------------------------------------------------------------------- coded answers


def recalled_note(codes: FilingCodes) -> None:
    """Say where the code lists come from whenever a coded choice is offered (they are marked R)."""
    if codes.mark == "R":
        st.caption(tr("filing2025.codes_recalled"))


def _code_choice(codes: FilingCodes, name: str, stored: str, key: str, disabled: bool = False) -> str:
    """A selectbox over the list's codes ('' = not chosen); a stored label finds its code, a stored value that
    names no code is shown as a warning (the filing form lists it as missing)."""
    lg = lang()
    options = ["", *codes.codes(name)]
    current = codes.code_of(name, stored)
    choice = st.selectbox(
        codes.lists[name].name(lg), options, index=options.index(current), key=key, disabled=disabled,
        format_func=lambda c: f"{c} {codes.label(name, c, lg)}" if c else "—",
    )  # fmt: skip
    if stored.strip() and not current:
        st.caption(tr("filing2025.not_a_code", value=one_line(stored)))
    return choice


def organisation_codes(org: Organisation, key: str) -> dict[str, str]:
    """The unit's affiliation, unit type and industry as coded choices (inside the organisation form)."""
    codes = load_filing_codes()
    recalled_note(codes)
    cols = st.columns(len(ORGANISATION_LISTS))
    out = {}
    for col, name in zip(cols, ORGANISATION_LISTS, strict=True):
        with col:
            out[name] = _code_choice(codes, name, getattr(org, name), f"{key}_{name}_{lang()}")
    return out


def _form_codes(system: System, editable: bool, lg: str) -> None:
    """The graded-object table's coded answers and internet details (2025 filing form)."""
    sid = system.id
    codes = load_filing_codes()
    stored = form_details_from(ws().system_profile(sid))
    st.markdown(f"**{tr('filing2025.form_title')}**")
    st.caption(tr("filing2025.form_help"))
    recalled_note(codes)
    v = _version("form", sid)
    values: dict[str, Any] = {}
    with st.form(f"fd_form_{sid}_{v}"):
        cols = st.columns(2)
        for n, name in enumerate(FORM_CODE_FIELDS):
            with cols[n % 2]:
                values[name] = _code_choice(codes, name, getattr(stored, name), f"fd_form_{name}_{sid}_{v}_{lg}",
                                            disabled=not editable)  # fmt: skip
        values["interconnection"] = st.multiselect(
            codes.lists["interconnection"].name(lg), codes.codes("interconnection"),
            default=codes.codes_of("interconnection", stored.interconnection), disabled=not editable,
            format_func=lambda c: f"{c} {codes.label('interconnection', c, lg)}", key=f"fd_form_ic_{sid}_{v}_{lg}",
        )  # fmt: skip
        st.caption(tr("filing2025.internet_help"))
        cols = st.columns(3)
        for col, name in zip(cols, ("source_ips", "domains", "protocols_ports"), strict=True):
            values[name] = col.text_input(
                tr(f"filing2025.form.{name}"),
                value=getattr(stored, name),
                max_chars=MAX_NOTE,
                key=f"fd_form_{name}_{sid}_{v}",
                disabled=not editable,
            )
        values["parent_unit"] = st.text_input(
            tr("filing2025.form.parent_unit"),
            value=stored.parent_unit,
            max_chars=MAX_NOTE,
            key=f"fd_form_parent_unit_{sid}_{v}",
            disabled=not editable,
            help=tr("filing2025.parent_unit_help"),
        )
        saved = st.form_submit_button(tr("filing2025.form_save"), disabled=not editable)
    if saved:
        error = _write(sid, lambda profile: with_form_details(profile, values, codes))
        if error:
            st.error(error)
            return
        _bump("form", sid)
        st.session_state[FLASH] = tr("filing2025.form_saved")
        st.rerun()


# ---------------------------------------------------------------------------------------------- scenario


def _scenario(system: System, details: FilingDetails, editable: bool, lg: str) -> None:
    sid = system.id
    st.markdown(f"**{tr('filing_details.scenario')}**")
    st.caption(tr("filing_details.scenario_help"))
    present = [e for e in SCENARIO_EXTENSIONS if e in system.extensions]
    if not present:
        st.caption(tr("filing_details.scenario_none"))
        return
    v = _version("scenario", sid)
    values: dict[str, Any] = {}
    with st.form(f"fd_scenario_{sid}_{v}"):
        for ext in ("iot", "ics"):
            if ext in present:
                name = f"{ext}_description"
                values[name] = st.text_area(
                    tr(f"filing_details.{name}"), value=getattr(details, name), max_chars=MAX_DESCRIPTION,
                    key=f"fd_{name}_{sid}_{v}", disabled=not editable, help=tr(f"filing_details.{name}_help"),
                )  # fmt: skip
        if "bigdata" in present:
            values["bigdata_description"] = st.text_area(
                tr("filing_details.bigdata_description"), value=details.bigdata_description,
                max_chars=MAX_DESCRIPTION, key=f"fd_bigdata_description_{sid}_{v}", disabled=not editable,
                help=tr("filing_details.bigdata_description_help"),
            )  # fmt: skip
            index = {True: 0, False: 1}.get(details.bigdata_cross_border)  # type: ignore[arg-type]
            answer = st.radio(
                tr("filing_details.cross_border"), [YES, NO], index=index, horizontal=True,
                format_func=lambda a: t(f"filing_details.answer.{a}", lg), key=f"fd_cross_{sid}_{v}_{lg}",
                disabled=not editable,
            )  # fmt: skip
            values["bigdata_cross_border"] = None if answer is None else answer == YES
        saved = st.form_submit_button(tr("filing_details.save_scenario"), disabled=not editable)
    if saved:
        error = _write(sid, lambda stored: with_scenario(stored, **values))
        if error:
            st.error(error)
            return
        _bump("scenario", sid)
        st.session_state[FLASH] = tr("filing_details.saved_scenario")
        st.rerun()


# ---------------------------------------------------------------------------------------------- attachments


def _attachments(system: System, grading: GradingRecord, details: FilingDetails, editable: bool) -> None:
    sid = system.id
    st.markdown(f"**{tr('filing_details.attachments')}**")
    if grading.level < ATTACHMENTS_FROM_LEVEL:
        st.caption(tr("filing_details.attachments_not_needed", level=grading.level, min=ATTACHMENTS_FROM_LEVEL))
        return
    st.caption(tr("filing_details.attachments_help"))
    v = _version("attachments", sid)
    checklist: dict[str, tuple[bool, str]] = {}
    with st.form(f"fd_attachments_{sid}_{v}"):
        for code in ATTACHMENT_CODES:
            left, right = st.columns([2, 3])
            provided = left.checkbox(
                tr(f"filing_details.attachment.{code}"), value=details.provided(code),
                key=f"fd_att_{code}_{sid}_{v}", disabled=not editable,
            )  # fmt: skip
            note = right.text_input(
                tr("filing_details.attachment_note", name=tr(f"filing_details.attachment.{code}")),
                value=details.attachments.get(code, ""), max_chars=MAX_NOTE, key=f"fd_att_note_{code}_{sid}_{v}",
                disabled=not editable, label_visibility="collapsed",
                placeholder=tr("filing_details.attachment_placeholder"),
            )  # fmt: skip
            checklist[code] = (provided, note)
        if not grading.authority_name.strip():
            st.caption(tr("filing_details.no_authority", name=tr(f"filing_details.attachment.{AUTHORITY_ATTACHMENT}")))
        saved = st.form_submit_button(tr("filing_details.save_attachments"), disabled=not editable)
    if saved:
        error = _write(sid, lambda stored: with_attachments(stored, checklist))
        if error:
            st.error(error)
            return
        _bump("attachments", sid)
        st.session_state[FLASH] = tr("filing_details.saved_attachments")
        st.rerun()


# ---------------------------------------------------------------------------------------------- data survey


def _editor_rows(details: FilingDetails) -> list[dict[str, Any]]:
    """The stored rows as the grid shows them (personal information as yes / no / empty)."""
    rows = []
    for r in details.data_survey:
        personal = r.get("personal_info")
        shown = {**r, "personal_info": None if personal is None else (YES if personal else NO)}
        shown["data_class"] = r.get("data_class") or None  # an empty choice is a missing value in the grid
        rows.append(shown)
    return rows


def survey_key(sid: int, lg: str, version: int | None = None) -> str:
    """The grid's widget key: versioned (a new grid after every save) and per language (translated options)."""
    n = _version("survey", sid) if version is None else version
    return f"fd_survey_{sid}_{n}_{lg}"


def _save_survey(sid: int, key: str, base: list[dict[str, Any]]) -> None:
    """The Save button's callback: the grid's edits applied to the rows it was drawn from, then stored."""
    rows = apply_editor_state(base, st.session_state.get(key))
    error = _write(sid, lambda stored: with_data_survey(stored, rows))
    if error:
        st.session_state[f"fd_survey_error_{sid}"] = error  # the grid keeps the edits (same key)
        return
    st.session_state.pop(f"fd_survey_error_{sid}", None)
    _bump("survey", sid)
    st.session_state[FLASH] = t("filing_details.saved_survey", lang(), n=len(clean_survey_rows(rows)))


def _survey(system: System, details: FilingDetails, editable: bool, lg: str) -> None:
    sid = system.id
    st.markdown(f"**{tr('filing_details.survey')}**")
    st.caption(tr("filing_details.survey_help"))
    base = _editor_rows(details)
    frame = pd.DataFrame(base, columns=list(SURVEY_COLUMNS)).astype("string")

    def text(col: str) -> Any:
        return st.column_config.TextColumn(tr(f"filing_details.col.{col}"), max_chars=MAX_CELL)

    config = {col: text(col) for col in SURVEY_COLUMNS if col not in ("data_class", "personal_info")}
    config["name"] = st.column_config.TextColumn(tr("filing_details.col.name"), max_chars=MAX_CELL, pinned=True)
    config["data_class"] = st.column_config.SelectboxColumn(
        tr("filing_details.col.data_class"), options=list(DATA_CLASSES),
        format_func=lambda c: t(f"filing_details.class.{c}", lg),
    )  # fmt: skip
    config["personal_info"] = st.column_config.SelectboxColumn(
        tr("filing_details.col.personal_info"), options=[YES, NO],
        format_func=lambda a: t(f"filing_details.answer.{a}", lg),
    )  # fmt: skip
    key = survey_key(sid, lg)
    st.data_editor(
        frame, key=key, num_rows="dynamic" if editable else "fixed", disabled=not editable, hide_index=True,
        column_config=config, column_order=list(SURVEY_COLUMNS), width="stretch", placeholder="",
    )  # fmt: skip
    error = st.session_state.get(f"fd_survey_error_{sid}")
    if error:
        st.error(error)
    if not base:
        st.caption(tr("filing_details.survey_empty"))
    st.button(
        tr("filing_details.save_survey"), key=f"fd_survey_save_{sid}", type="primary", disabled=not editable,
        on_click=_save_survey, args=(sid, key, base),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------- asset inventory


def assets_key(sid: int, lg: str) -> str:
    return f"fd_assets_{sid}_{_version('assets', sid)}_{lg}"


def _save_assets(sid: int, key: str, base: list[dict[str, Any]]) -> None:
    """The Save button's callback: the grid's edits applied to the rows it was drawn from, then stored."""
    rows = apply_editor_state(base, st.session_state.get(key))
    error = _write(sid, lambda stored: with_assets(stored, rows))
    if error:
        st.session_state[f"fd_assets_error_{sid}"] = error
        return
    st.session_state.pop(f"fd_assets_error_{sid}", None)
    _bump("assets", sid)
    st.session_state[FLASH] = tr("filing2025.assets_saved")


def _assets(system: System, editable: bool, lg: str) -> None:
    """The asset inventory the protection work plan lists (2025 rules, Q23: five kinds of assets)."""
    sid = system.id
    st.markdown(f"**{tr('filing2025.assets')}**")
    st.caption(tr("filing2025.assets_help"))
    base = [dataclasses.asdict(a) for a in assets_from(ws().system_profile(sid))]
    frame = pd.DataFrame(base, columns=list(ASSET_COLUMNS)).astype("string")
    config = {
        "kind": st.column_config.SelectboxColumn(
            tr("filing2025.col.kind"), options=list(ASSET_KINDS), format_func=lambda k: t(f"filing2025.kind.{k}", lg)
        ),
        **{c: st.column_config.TextColumn(tr(f"filing2025.col.{c}"), max_chars=MAX_CELL)
           for c in ("name", "details", "quantity")},
    }  # fmt: skip
    key = assets_key(sid, lg)
    st.data_editor(
        frame, key=key, num_rows="dynamic" if editable else "fixed", disabled=not editable, hide_index=True,
        column_config=config, column_order=list(ASSET_COLUMNS), width="stretch", placeholder="",
    )  # fmt: skip
    error = st.session_state.get(f"fd_assets_error_{sid}")
    if error:
        st.error(error)
    st.button(
        tr("filing2025.assets_save"), key=f"fd_assets_save_{sid}", type="primary", disabled=not editable,
        on_click=_save_assets, args=(sid, key, base),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------- the section


def filing_details_section(system: System, grading: GradingRecord, editable: bool) -> None:
    """The filing details of `system` under its current `grading` (the grading page calls this once)."""
    lg = lang()
    st.subheader(tr("filing_details.title"))
    if grading.level < FILED_FROM_LEVEL:
        st.caption(tr("filing_details.not_filed"))
        return
    st.caption(tr("filing_details.intro"))
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)
    details = filing_details_from(ws().system_profile(system.id))
    with st.container(border=True):
        _form_codes(system, editable, lg)
    with st.container(border=True):
        _scenario(system, details, editable, lg)
    with st.container(border=True):
        _attachments(system, grading, details, editable)
    with st.container(border=True):
        _survey(system, details, editable, lg)
    with st.container(border=True):
        _assets(system, editable, lg)
    st.page_link("mlps/ui/pages/systems.py", label=tr("filing_details.go_download"), icon="📄")
