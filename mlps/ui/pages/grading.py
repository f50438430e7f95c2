"""Grading: the guided wizard (presets for schools as suggestions), the suggestion with its reasons and the
matrix, accept or override with a reason; then the lifecycle (expert review, approval, filing) and the history.

Rules live in the core (mlps/wizard.py, mlps/grading.py, mlps/lifecycle.py, mlps/obligations.py); this page
draws them and saves through the Workspace.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from mlps.i18n import LANGUAGES, pick, t
from mlps.rules import grading as gr
from mlps.rules.domain import GradingRecord, HarmDegree, HarmObject, Judgement, System
from mlps.rules.levels import LEVEL_NAMES
from mlps.rules.lifecycle import STEPS, blocking, build_lifecycle, check_step, step_status
from mlps.rules.obligations import filing_deadline, load_settings, validate_lifecycle
from mlps.rules.wizard import OverrideReasonRequired, Suggestion, Wizard, choose, load_wizard
from mlps.ui.common import lang, lang_key, remember, tr
from mlps.ui.context import actor, in_view, ws
from mlps.ui.filing_details import filing_details_section
from mlps.ui.safe import md_escape, one_line

MIN_DATE = date(2000, 1, 1)
FLASH = "gr_flash"


def _level_name(level: int, lg: str) -> str:
    return LEVEL_NAMES[level][lg]


def _flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


# ---------------------------------------------------------------------------------------------- wizard


def _answer_key(sid: int, qid: str) -> str:
    return f"gr_q_{sid}_{qid}"


def _apply_preset(sid: int, wizard: Wizard, key: str) -> None:
    """Fill the answers from the chosen preset (a callback: runs before the widgets are drawn)."""
    preset_id = st.session_state.get(key) or ""
    remember(f"gr_preset_{sid}", preset_id)
    if not preset_id:
        return
    preset = wizard.preset(preset_id)
    for q in wizard.questions:
        remember(_answer_key(sid, q.id), preset.answers.get(q.id))
        for lg in LANGUAGES:
            st.session_state.pop(f"{_answer_key(sid, q.id)}.{lg}", None)


def _preset_picker(sid: int, wizard: Wizard, lg: str) -> None:
    by_id = {p.id: p for p in wizard.presets}
    key = lang_key(f"gr_preset_{sid}")

    def label(p: str) -> str:
        if not p:
            return t("grading.preset_none", lg)
        preset = by_id[p]
        return t(
            "grading.preset_option", lg, name=pick(preset.name_zh, preset.name_en, lg), level=preset.suggested_level
        )

    st.selectbox(tr("grading.preset"), ["", *by_id], format_func=label, key=key, on_change=_apply_preset,
                 args=(sid, wizard, key))  # fmt: skip
    chosen = st.session_state.get(f"_gr_preset_{sid}") or ""
    if chosen in by_id:
        p = by_id[chosen]
        st.info(
            tr("grading.preset_note", name=pick(p.name_zh, p.name_en, lg), level=p.suggested_level,
               note=pick(p.note_zh, p.note_en, lg))
        )  # fmt: skip
    source = wizard.presets[0] if wizard.presets else None
    if source is not None:
        st.caption(tr("grading.preset_marked", source=pick(source.source_zh, source.source_en, lg)))


def _questions(sid: int, wizard: Wizard, lg: str) -> dict[str, str]:
    answers: dict[str, str] = {}
    for aspect in ("business", "service"):
        st.markdown(f"**{pick(gr.ASPECTS[aspect]['zh'], gr.ASPECTS[aspect]['en'], lg)}**")
        for q in (q for q in wizard.questions if q.aspect == aspect):
            labels = {o.id: pick(o.label_zh, o.label_en, lg) for o in q.options}
            key = lang_key(_answer_key(sid, q.id))
            extra = {} if key in st.session_state else {"index": None}
            value = st.radio(
                pick(q.text_zh, q.text_en, lg),
                [o.id for o in q.options],
                format_func=lambda oid, labels=labels: labels[oid],
                key=key,
                help=pick(q.help_zh, q.help_en, lg) or None,
                **extra,
            )
            if value:
                answers[q.id] = remember(_answer_key(sid, q.id), value)
    return answers


def _suggestion_panel(suggestion: Suggestion, wizard: Wizard, lg: str) -> None:
    st.subheader(tr("grading.suggestion"))
    st.markdown(f"### {tr('grading.suggested', name=_level_name(suggestion.level, lg))}")
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("grading.metric_business"), suggestion.business_level)
    c2.metric(tr("grading.metric_service"), suggestion.service_level)
    c3.metric(tr("grading.metric_final"), suggestion.level)
    st.write(pick(suggestion.business_reason_zh, suggestion.business_reason_en, lg))
    st.write(pick(suggestion.service_reason_zh, suggestion.service_reason_en, lg))
    note = pick(suggestion.draft_note_zh, suggestion.draft_note_en, lg)
    if note:
        st.info(note)
    if suggestion.reasons:
        with st.expander(tr("grading.reasons")):
            rows = []
            for r in suggestion.reasons:
                q = wizard.question(r.question_id)
                o = q.option(r.option_id)
                rows.append({
                    tr("grading.col_question"): pick(q.text_zh, q.text_en, lg),
                    tr("grading.col_answer"): pick(o.label_zh, o.label_en, lg),
                    tr("grading.col_cell"): gr.cell_text(Judgement(r.harm_object, r.degree), lg),
                    tr("grading.col_level"): r.level,
                    tr("grading.col_decisive"): "✔" if r.decisive else "",
                    tr("grading.col_reason"): pick(r.reason_zh, r.reason_en, lg),
                })  # fmt: skip
            st.dataframe(pd.DataFrame(rows), hide_index=True)


def _matrix(judgement: Judgement, aspect: str, lg: str) -> None:
    table = gr.matrix_table(judgement, aspect)
    short = {o.value: pick(gr.OBJECT_NAMES[o]["short_zh"], gr.OBJECT_NAMES[o]["short_en"], lg) for o in gr.OBJECTS}
    frame = pd.DataFrame(
        [[c.level for c in row["cells"]] for row in table.rows],
        index=[short[row["object"]] for row in table.rows],
        columns=[pick(c["zh"], c["en"], lg) for c in table.columns],
    )
    chosen = [[c.chosen for c in row["cells"]] for row in table.rows]
    styles = pd.DataFrame(
        [["background-color: #c62828; color: white; font-weight: bold" if c else "" for c in row] for row in chosen],
        index=frame.index,
        columns=frame.columns,
    )
    st.caption(pick(table.title_zh, table.title_en, lg))
    st.table(frame.style.apply(lambda _: styles, axis=None))


def _choice(label: str, options: list[str], key: str, default: str, names: dict[str, str]) -> str:
    wkey = lang_key(key)
    extra = {} if wkey in st.session_state else {"index": options.index(default)}
    return remember(key, st.selectbox(label, options, format_func=names.get, key=wkey, **extra))


def _decision(sid: int, suggestion: Suggestion, lg: str) -> tuple[bool, Judgement, Judgement, str]:
    """(override?, business, service, reason) as the user decides."""
    st.subheader(tr("grading.decision"))
    names = {"accept": t("grading.mode_accept", lg), "override": t("grading.mode_override", lg)}
    key = lang_key(f"gr_mode_{sid}")
    extra = {} if key in st.session_state else {"index": 0}
    mode = remember(
        f"gr_mode_{sid}", st.radio(tr("grading.decision"), list(names), format_func=names.get, key=key,
                                   label_visibility="collapsed", **extra)
    )  # fmt: skip
    chosen: dict[str, Judgement] = {}
    for aspect, suggested in (("business", suggestion.business), ("service", suggestion.service)):
        description = st.text_input(tr(f"grading.describe_{aspect}"), key=f"gr_desc_{sid}_{aspect}", max_chars=500)
        if mode == "override":
            aspect_name = pick(gr.ASPECTS[aspect]["zh"], gr.ASPECTS[aspect]["en"], lg)
            c1, c2 = st.columns(2)
            with c1:
                obj = _choice(
                    tr("grading.object", aspect=aspect_name), [o.value for o in gr.OBJECTS], f"gr_obj_{sid}_{aspect}",
                    suggested.harm_object.value,
                    {o.value: pick(gr.OBJECT_NAMES[o]["zh"], gr.OBJECT_NAMES[o]["en"], lg) for o in gr.OBJECTS},
                )  # fmt: skip
            with c2:
                deg = _choice(
                    tr("grading.degree", aspect=aspect_name), [d.value for d in gr.DEGREES], f"gr_deg_{sid}_{aspect}",
                    suggested.degree.value,
                    {d.value: pick(gr.DEGREE_NAMES[d]["zh"], gr.DEGREE_NAMES[d]["en"], lg) for d in gr.DEGREES},
                )  # fmt: skip
            chosen[aspect] = Judgement(HarmObject(obj), HarmDegree(deg), description.strip())
        else:
            chosen[aspect] = Judgement(suggested.harm_object, suggested.degree, description.strip())
    reason = ""
    if mode == "override":
        reason = st.text_area(tr("grading.override_reason"), key=f"gr_reason_{sid}", max_chars=2000,
                              help=tr("grading.override_reason_help"))  # fmt: skip
    return mode == "override", chosen["business"], chosen["service"], reason


def _wizard(system: System, editable: bool, today: date) -> None:
    lg = lang()
    sid = system.id
    try:
        wizard = load_wizard()
    except ValueError as exc:
        st.error(tr("grading.wizard_error", error=one_line(exc)))
        return
    st.caption(tr("grading.wizard_source", source=pick(wizard.source_zh, wizard.source_en, lg)))
    _preset_picker(sid, wizard, lg)
    answers = _questions(sid, wizard, lg)
    suggestion = wizard.suggest(answers)
    if not suggestion.complete:
        st.warning(tr("grading.unanswered", n=len(suggestion.unanswered)))
        return
    _suggestion_panel(suggestion, wizard, lg)
    override, business, service, reason = _decision(sid, suggestion, lg)

    st.markdown(f"**{tr('grading.matrix')}**")
    left, right = st.columns(2)
    with left:
        _matrix(business, "business", lg)
    with right:
        _matrix(service, "service", lg)
    preview = gr.grade(business, service)
    st.markdown(f"### {tr('grading.result', name=_level_name(preview.level, lg))}")
    note = pick(preview.draft_note_zh, preview.draft_note_en, lg)
    if note and note != pick(suggestion.draft_note_zh, suggestion.draft_note_en, lg):
        st.info(note)

    c1, c2 = st.columns(2)
    graded_on = c1.date_input(tr("grading.graded_on"), value=today, min_value=MIN_DATE, max_value=today,
                              key=f"gr_date_{sid}")  # fmt: skip
    graded_by = c2.text_input(tr("grading.graded_by"), value=actor().name, key=f"gr_by_{sid}", max_chars=100)
    if st.button(tr("grading.save"), type="primary", key=f"gr_save_{sid}", disabled=not editable,
                 help=tr("grading.save_help")):  # fmt: skip
        _save_grading(system, suggestion, override, business, service, reason, graded_on, graded_by, today, lg)


def _save_grading(system: System, suggestion: Suggestion, override: bool, business: Judgement, service: Judgement,
                  reason: str, graded_on: date | None, graded_by: str, today: date, lg: str) -> None:  # fmt: skip
    try:
        if override:
            result = choose(suggestion, business, service, override_reason=reason)
        else:
            result = choose(suggestion, business, service)
    except OverrideReasonRequired as exc:
        aspects = "、".join(pick(gr.ASPECTS[a]["zh"], gr.ASPECTS[a]["en"], lg) for a in exc.aspects)
        st.error(tr("grading.override_required", aspects=aspects))
        return
    if graded_on is None:
        st.error(tr("grading.invalid", error=t("grading.graded_on", lg)))
        return
    record = result.to_record(system.id, graded_on=graded_on, graded_by=(graded_by or "").strip() or actor().name)
    problems = validate_lifecycle(build_lifecycle(system, [record]), today)
    if problems:
        st.error(tr("grading.invalid", error=one_line("; ".join(problems))))
        return
    saved = ws().add_grading(record)
    name = _level_name(saved.level, lg)
    key = "grading.flash_saved_l1" if saved.level < load_settings().expert_review_min_level else "grading.flash_saved"
    st.session_state[FLASH] = tr(key, name=name)
    st.rerun()


# ---------------------------------------------------------------------------------------------- lifecycle


def _current_summary(current: GradingRecord, lg: str) -> None:
    with st.container(border=True):
        st.markdown(
            "#### " + tr("grading.current", name=_level_name(current.level, lg), date=current.graded_on,
                         by=one_line(current.graded_by or "—"))
        )  # fmt: skip
        st.caption(tr("grading.current_levels", b=current.business_level, s=current.service_level))
        notes = [gr.draft_note(current.business, "business"), gr.draft_note(current.service, "service")]
        note = "".join(n[0] for n in notes) if lg == "zh" else " ".join(n[1] for n in notes if n[1])
        if note:
            st.info(note)
        with st.expander(tr("grading.rationale")):
            st.markdown(md_escape(pick(current.rationale_zh, current.rationale_en, lg) or "—"))
            if current.override_reason:
                st.caption(tr("grading.override_given", reason=one_line(current.override_reason)))


def _save_step(system: System, current: GradingRecord, step: str, today: date, lg: str, **fields) -> None:
    problems = check_step(current, today, name=system.name, **fields)
    for p in problems:
        if p.blocking:
            st.error(tr("grading.step_refused", problem=one_line(p.text(lg))))
        else:
            st.warning(tr("grading.step_warning", problem=one_line(p.text(lg))))
    if blocking(problems):
        return
    ws().record_grading_step(current.id, **fields)
    st.session_state[FLASH] = tr("grading.flash_step", step=t(f"grading.step.{step}", lg))
    st.rerun()


def _lifecycle(system: System, current: GradingRecord, editable: bool, today: date) -> None:
    lg = lang()
    settings = load_settings()
    st.subheader(tr("grading.lifecycle"))
    if current.level < settings.expert_review_min_level:
        st.info(tr("grading.level1_not_filed"))
        return
    deadline = filing_deadline(current.graded_on, settings)
    how = t("obligations.setting.filing_working", lg, n=deadline.amount) if deadline.unit == "working_days" else (
        t("obligations.setting.filing_calendar", lg, n=deadline.amount))  # fmt: skip
    box = st.warning if not current.filed_on and deadline.due < today else st.info
    box(tr("grading.filing_due", date=deadline.due.isoformat(), how=how))
    if deadline.used_fallback:
        st.caption(pick(deadline.note_zh, deadline.note_en, lg))
    if deadline.unit == "working_days":
        st.caption(tr("grading.filing_mark"))
    states = step_status(current, settings)
    cols = st.columns(len(STEPS))
    for col, step in zip(cols, STEPS, strict=True):
        icon = {"done": "✅", "open": "⏳", "not_applicable": "➖"}[states[step]]
        col.markdown(f"{icon} **{tr(f'grading.step.{step}')}** · {tr(f'grading.step_state.{states[step]}')}")
    gid = current.id
    with st.form(f"gr_review_{gid}"):
        st.markdown(f"**1. {tr('grading.step.expert_review')}**")
        on = st.date_input(tr("grading.expert_review_on"), value=current.expert_review_on, min_value=MIN_DATE,
                           max_value=today, key=f"gr_review_on_{gid}")  # fmt: skip
        opinion = st.text_area(tr("grading.expert_opinion"), value=current.expert_opinion, max_chars=5000,
                               key=f"gr_opinion_{gid}", help=tr("grading.expert_opinion_help"))  # fmt: skip
        if st.form_submit_button(tr("grading.save_review"), disabled=not editable):
            _save_step(system, current, "expert_review", today, lg, expert_review_on=on, expert_opinion=opinion)
    with st.form(f"gr_authority_{gid}"):
        st.markdown(f"**2. {tr('grading.step.authority_approval')}**")
        st.caption(tr("grading.authority_help"))
        c1, c2 = st.columns(2)
        name = c1.text_input(tr("grading.authority_name"), value=current.authority_name, max_chars=200,
                             key=f"gr_authority_name_{gid}")  # fmt: skip
        approved = c2.date_input(tr("grading.authority_approved_on"), value=current.authority_approved_on,
                                 min_value=MIN_DATE, max_value=today, key=f"gr_authority_on_{gid}")  # fmt: skip
        if st.form_submit_button(tr("grading.save_authority"), disabled=not editable):
            _save_step(system, current, "authority_approval", today, lg, authority_name=name,
                       authority_approved_on=approved)  # fmt: skip
    with st.form(f"gr_filing_{gid}"):
        st.markdown(f"**3. {tr('grading.step.filing')}**")
        c1, c2, c3 = st.columns(3)
        filed = c1.date_input(tr("grading.filed_on"), value=current.filed_on, min_value=MIN_DATE, max_value=today,
                              key=f"gr_filed_on_{gid}")  # fmt: skip
        office = c2.text_input(tr("grading.filing_office"), value=current.filing_office, max_chars=200,
                               key=f"gr_office_{gid}", help=tr("grading.filing_office_help"))  # fmt: skip
        number = c3.text_input(tr("grading.filing_number"), value=current.filing_number, max_chars=100,
                               key=f"gr_number_{gid}", help=tr("grading.filing_number_help"))  # fmt: skip
        if st.form_submit_button(tr("grading.save_filing"), type="primary", disabled=not editable):
            _save_step(system, current, "filing", today, lg, filed_on=filed, filing_office=office,
                       filing_number=number)  # fmt: skip


def _history(history: list[GradingRecord], current: GradingRecord | None) -> None:
    lg = lang()
    st.subheader(tr("grading.history"))
    if not history:
        st.caption(tr("grading.history_empty"))
        return
    rows = []
    for g in history:
        rows.append({
            tr("grading.col.current"): "★" if current is not None and g.id == current.id else "",
            tr("grading.col.graded_on"): g.graded_on.isoformat() if g.graded_on else "—",
            tr("grading.col.level"): g.level,
            tr("grading.col.business"): f"{g.business_level} · {gr.cell_text(g.business, lg)}",
            tr("grading.col.service"): f"{g.service_level} · {gr.cell_text(g.service, lg)}",
            tr("grading.col.by"): g.graded_by,
            tr("grading.col.override"): g.override_reason,
            tr("grading.col.expert_review"): g.expert_review_on.isoformat() if g.expert_review_on else "",
            tr("grading.col.authority"): " ".join(
                x for x in (g.authority_name, g.authority_approved_on.isoformat() if g.authority_approved_on else "")
                if x),
            tr("grading.col.filed"): " ".join(
                x for x in (g.filed_on.isoformat() if g.filed_on else "", g.filing_office, g.filing_number) if x),
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def render() -> None:
    st.title(tr("grading.title"))
    org, system = in_view()
    if org is None or system is None:
        st.info(tr("grading.no_system"))
        st.page_link("mlps/ui/pages/systems.py", label=tr("grading.go_systems"), icon="➕")
        return
    w = ws()
    editable = w.can_edit(org.id)
    today = w.today()
    st.caption(tr("grading.context", org=one_line(org.name), system=one_line(system.name)))
    if not editable:
        st.info(tr("auth.read_only"))
    _flash()
    history = w.grading_history(system.id)
    current = build_lifecycle(system, history).current_grading()
    if current is None:
        st.info(tr("grading.not_graded"))
        st.subheader(tr("grading.wizard"))
        _wizard(system, editable, today)
    else:
        _current_summary(current, lang())
        _lifecycle(system, current, editable, today)
        filing_details_section(system, current, editable)
        st.page_link("mlps/ui/pages/obligations.py", label=tr("grading.see_obligations"), icon="📅")
        with st.expander(tr("grading.regrade")):
            st.caption(tr("grading.regrade_help"))
            _wizard(system, editable, today)
    _history(history, current)


render()
