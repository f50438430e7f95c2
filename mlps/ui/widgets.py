"""Download buttons for the PDF documents: the grading report, filing form and expert review form of a system
(systems page) and the assessment report of an assessment (assessment page).

A PDF is built only when the user asks for it (a button whose callback generates it) and kept in
session_state with the version of the data it was made from; the download button offers it for as long as the
data is unchanged, and the generate button comes back when the data changes. Missing required fields are shown
as a warning list, but the document can still be downloaded (empty fields print as empty).
"""

from __future__ import annotations

import streamlit as st

from mlps.adapters.reports import MissingField
from mlps.rules.domain import Assessment, Organisation, System
from mlps.rules.errors import NotFound
from mlps.services import report_data as rd
from mlps.ui.common import catalogue, lang, tr
from mlps.ui.context import ws
from mlps.ui.safe import one_line

PDF_MIME = "application/pdf"
DOC_LANGS = {"zh": "中文", "en": "English"}


def _doc_lang(key: str) -> str:
    """The language the documents are written in: the UI language unless the user picks the other one (a filing
    form for the public security bureau is usually wanted in Chinese whatever the UI language)."""
    lg = lang()
    return st.radio(
        tr("report.doc_lang"),
        list(DOC_LANGS),
        index=list(DOC_LANGS).index(lg),
        format_func=DOC_LANGS.get,
        horizontal=True,
        key=f"{key}_{lg}",
    )


def _missing_list(missing: list[MissingField], doc_lang: str) -> None:
    if not missing:
        st.caption(tr("report.complete"))
        return
    lines = "\n".join(f"- {one_line(m.label(doc_lang))}" for m in missing)  # labels carry system names
    st.warning(f"{tr('report.missing', n=len(missing))}\n\n{lines}")


def _error_key(key: str) -> str:
    return f"{key}_error"


# ---------------------------------------------------------------- grading, filing and expert review


def _generate_grading(kind: str, system_id: int, doc_lang: str, key: str) -> None:
    """Callback: read the current data, build the PDF, keep it with the data's version."""
    st.session_state.pop(_error_key(key), None)
    try:
        inputs = rd.gather_grading_inputs(ws(), system_id)
        pdf = rd.build_grading_document(kind, inputs, doc_lang)
    except (ValueError, PermissionError, NotFound) as exc:
        st.session_state[_error_key(key)] = str(exc)
        return
    st.session_state[key] = {"version": inputs.version, "pdf": pdf, "pages": rd.page_count(pdf)}


def _grading_document(kind: str, inputs: rd.GradingInputs, doc_lang: str) -> None:
    system = inputs.system
    name = tr(f"report.kind.{kind}")
    st.markdown(f"**{name}**")
    _missing_list(rd.missing_fields(kind, inputs), lang())
    key = f"report_pdf_{kind}_{system.id}_{doc_lang}"
    if _error_key(key) in st.session_state:
        st.error(tr("report.failed", error=one_line(st.session_state[_error_key(key)])))
    stored = st.session_state.get(key)
    if stored and stored["version"] == inputs.version:
        st.download_button(
            tr("report.download", doc=name, pages=stored["pages"]),
            stored["pdf"],
            file_name=rd.document_file_name(kind, system, doc_lang),
            mime=PDF_MIME,
            key=f"report_dl_{kind}_{system.id}_{doc_lang}",
            on_click="ignore",
            icon=":material/download:",
        )
    else:
        st.button(
            tr("report.prepare", doc=name),
            key=f"report_prepare_{kind}_{system.id}_{doc_lang}",
            on_click=_generate_grading,
            args=(kind, system.id, doc_lang, key),
        )


def grading_documents(org: Organisation, system: System) -> None:
    """The grading report, filing form and expert review form of `system`, each with its missing fields and a
    button that generates the PDF, then offers it for download."""
    with st.container(border=True):
        st.subheader(tr("report.documents"))
        inputs = rd.gather_grading_inputs(ws(), system.id)
        if inputs.grading is None:
            st.info(tr("report.not_graded"))
            return
        st.caption(tr("report.intro"))
        doc_lang = _doc_lang(f"report_lang_{system.id}")
        for column, kind in zip(st.columns(len(rd.GRADING_KINDS)), rd.GRADING_KINDS, strict=True):
            with column:
                _grading_document(kind, inputs, doc_lang)


# ---------------------------------------------------------------- the assessment report


def _method(assessment_id: int) -> str | None:
    """The scoring method picked in the assessment page's live score card (mlps/ui/score_panel.py), so the report
    shows the score the page shows; None (the configured default) when there is no such card."""
    return st.session_state.get(f"score_method_{assessment_id}")


def _assessment_version(inputs: rd.AssessmentInputs) -> str:
    return f"{inputs.version}:{_method(inputs.assessment.id)}"


def _generate_assessment(assessment_id: int, doc_lang: str, key: str) -> None:
    st.session_state.pop(_error_key(key), None)
    try:
        inputs = rd.gather_assessment_inputs(ws(), assessment_id, catalogue())
        data, _score = rd.assessment_report_data(
            inputs, doc_lang, method=_method(assessment_id), report_date=ws().today()
        )
        pdf = rd.build_assessment_document(data, doc_lang)
    except (ValueError, PermissionError, NotFound) as exc:
        st.session_state[_error_key(key)] = str(exc)
        return
    st.session_state[key] = {
        "version": _assessment_version(inputs),
        "pdf": pdf,
        "pages": rd.page_count(pdf),
        "missing": rd.missing_fields("assessment", data),
        "provisional": data.provisional,
    }


def assessment_report_button(org: Organisation, system: System, assessment: Assessment) -> None:
    """Generate the assessment report of `assessment` on request and offer it for download; the missing fields
    and a provisional note are shown once it is generated (scoring runs only then)."""
    with st.container(border=True):
        st.markdown(f"**{tr('report.kind.assessment')}**")
        doc_lang = _doc_lang(f"report_as_lang_{assessment.id}")
        try:
            inputs = rd.gather_assessment_inputs(ws(), assessment.id, catalogue())
        except ValueError as exc:
            st.error(tr("report.failed", error=one_line(exc)))
            return
        key = f"report_pdf_assessment_{assessment.id}_{doc_lang}"
        if _error_key(key) in st.session_state:
            st.error(tr("report.failed", error=one_line(st.session_state[_error_key(key)])))
        stored = st.session_state.get(key)
        if stored and stored["version"] == _assessment_version(inputs):
            _missing_list(stored["missing"], lang())
            if stored["provisional"]:
                st.caption(tr("report.provisional"))
            st.download_button(
                tr("report.download", doc=tr("report.kind.assessment"), pages=stored["pages"]),
                stored["pdf"],
                file_name=rd.document_file_name("assessment", system, doc_lang, assessment.id),
                mime=PDF_MIME,
                key=f"report_dl_assessment_{assessment.id}_{doc_lang}",
                on_click="ignore",
                icon=":material/download:",
            )
        else:
            if stored:
                st.caption(tr("report.outdated"))
            st.button(
                tr("report.prepare", doc=tr("report.kind.assessment")),
                key=f"report_prepare_assessment_{assessment.id}_{doc_lang}",
                on_click=_generate_assessment,
                args=(assessment.id, doc_lang, key),
            )
