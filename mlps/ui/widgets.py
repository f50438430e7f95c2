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
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIMES = {"pdf": PDF_MIME, "docx": DOCX_MIME}
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


# Where each missing field is filled in: the key's prefix -> (group, page)
FILL_AT = {
    "organisation": ("unit", "systems"),
    "system": ("system", "systems"),
    "form": ("filing", "grading"),
    "scenario": ("filing", "grading"),
    "attachment": ("filing", "grading"),
    "data": ("filing", "grading"),
    "plan": ("filing", "grading"),
    "grading": ("grading", "grading"),
}
PAGES = {"systems": "mlps/ui/pages/systems.py", "grading": "mlps/ui/pages/grading.py"}


def _missing_list(missing: list[MissingField], doc_lang: str) -> None:
    """The required fields a document lacks, grouped by where they are filled in, with a link to that page."""
    if not missing:
        st.caption(tr("report.complete"))
        return
    groups: dict[tuple[str, str], list[str]] = {}
    for m in missing:
        group, page = FILL_AT.get(m.key.split(".")[0], ("other", ""))
        groups.setdefault((group, page), []).append(m.label(doc_lang))
    parts = [tr("report.missing", n=len(missing))]
    for (group, _page), labels in groups.items():
        lines = "\n".join(f"- {one_line(label)}" for label in labels)  # labels carry system names
        parts.append(f"**{tr(f'filing2025.fill.{group}')}**\n\n{lines}")
    st.warning("\n\n".join(parts))
    for page in dict.fromkeys(page for _group, page in groups if page):
        st.page_link(PAGES[page], label=tr(f"filing2025.go.{page}"), icon=":material/edit:")


def _error_key(key: str) -> str:
    return f"{key}_error"


# ---------------------------------------------------------------- grading, filing and expert review


def plan_inputs(system_id: int, doc_lang: str) -> tuple[rd.GradingInputs, rd.ProtectionPlanData]:
    """The protection work plan's data: the system's filing inputs and its newest assessment."""
    w = ws()
    inputs = rd.gather_grading_inputs(w, system_id)
    assessments = w.assessments(system_id)
    gathered = rd.gather_assessment_inputs(w, assessments[0].id, catalogue()) if assessments else None
    return inputs, rd.protection_plan_data(inputs, gathered, catalogue(), doc_lang)


def _generate(kind: str, fmt: str, system_id: int, doc_lang: str, key: str) -> None:
    """Callback: read the current data, build the document, keep it with the data's version."""
    st.session_state.pop(_error_key(key), None)
    try:
        if kind == "protection-plan":
            inputs, data = plan_inputs(system_id, doc_lang)
            body = rd.build_plan_document(data, doc_lang, fmt)
            version = rd.fingerprint(inputs.version, data)
        else:
            inputs = rd.gather_grading_inputs(ws(), system_id)
            body = rd.build_grading_document(kind, inputs, doc_lang, fmt)
            version = inputs.version
    except (ValueError, PermissionError, NotFound) as exc:
        st.session_state[_error_key(key)] = str(exc)
        return
    pages = rd.page_count(body) if fmt == "pdf" else None
    st.session_state[key] = {"version": version, "pdf": body, "pages": pages}


def _button(kind: str, fmt: str, system: System, doc_lang: str, version: str) -> None:
    name = tr(f"report.kind.{kind}")
    tail = "" if fmt == "pdf" else f"_{fmt}"  # the PDF's keys as they always were
    key = f"report_pdf_{kind}_{system.id}_{doc_lang}{tail}"
    if _error_key(key) in st.session_state:
        st.error(tr("report.failed", error=one_line(st.session_state[_error_key(key)])))
    stored = st.session_state.get(key)
    if stored and stored["version"] == version:
        label = (tr("report.download", doc=name, pages=stored["pages"]) if fmt == "pdf"
                 else tr("report.download_docx", doc=name))  # fmt: skip
        st.download_button(
            label,
            stored["pdf"],
            file_name=rd.document_file_name(kind, system, doc_lang, fmt=fmt),
            mime=MIMES[fmt],
            key=f"report_dl_{kind}_{system.id}_{doc_lang}{tail}",
            on_click="ignore",
            icon=":material/download:",
        )
    else:
        st.button(
            tr("report.prepare" if fmt == "pdf" else "report.prepare_docx", doc=name),
            key=f"report_prepare_{kind}_{system.id}_{doc_lang}{tail}",
            on_click=_generate,
            args=(kind, fmt, system.id, doc_lang, key),
        )


def _grading_document(kind: str, inputs: rd.GradingInputs, doc_lang: str) -> None:
    system = inputs.system
    st.markdown(f"**{tr(f'report.kind.{kind}')}**")
    _missing_list(rd.missing_fields(kind, inputs), lang())
    for fmt in rd.FORMATS:
        _button(kind, fmt, system, doc_lang, inputs.version)


def protection_plan_documents(system: System, doc_lang: str) -> None:
    """The protection work plan (2025 rules, Q23) of a level-3+ system: what it still lacks, PDF and Word."""
    st.markdown(f"**{tr('report.kind.protection-plan')}**")
    st.caption(tr("report.plan_intro"))
    inputs, data = plan_inputs(system.id, doc_lang)
    _missing_list(rd.missing_fields("protection-plan", data), lang())
    version = rd.fingerprint(inputs.version, data)
    for fmt in rd.FORMATS:
        _button("protection-plan", fmt, system, doc_lang, version)


def grading_documents(org: Organisation, system: System) -> None:
    """The grading report, filing form and expert review form of `system` (and the protection work plan at level
    3 and above), each with its missing fields and buttons that generate the file, then offer it for download."""
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
        if inputs.grading.level >= rd.PLAN_FROM_LEVEL:
            protection_plan_documents(system, doc_lang)


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
