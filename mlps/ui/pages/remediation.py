"""Remediation plan for the assessment in view: make the tasks, assign owners and dates, track their status,
close them with evidence (and update the item results), see what a set of tasks would score, the smallest set
that reaches a target, the burn-down, and export the plan to Excel.

The rules live in mlps.rules.remediation; this page draws them. Every save goes to the database at once; a task
saved by someone else meanwhile is refused with who and when, and the user's text stays in the form.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from mlps.adapters import charts
from mlps.adapters.exchange.plan_xlsx import plan_xlsx
from mlps.i18n import t
from mlps.rules.domain import Assessment, Risk
from mlps.rules.errors import ConflictError
from mlps.rules.hazards import tally
from mlps.rules.high_risk import conditions_from_stored
from mlps.rules.item_ids import display_id, display_ids
from mlps.rules.remediation import (
    PROBLEM_LIST,
    Grouping,
    RemediationError,
    RemediationTask,
    TaskDraft,
    TaskStatus,
    burndown,
    grade_target,
    live_points,
    plan_rows,
    plan_summary,
    plan_tasks,
    results_to_close,
    suggest_minimal_set,
    verdict_target,
    what_if,
)
from mlps.rules.results import results_frame
from mlps.rules.scoring import ScoreResult, score_assessment
from mlps.rules.scoring_methods import load_scoring_config
from mlps.rules.verdict2025 import SCHEME as RATE2025
from mlps.ui.backlog_panel import backlog_panel
from mlps.ui.common import catalogue, lang, query_int, tr
from mlps.ui.context import in_view, ws
from mlps.ui.safe import one_line

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TARGETS = ("fair", "good", "excellent")
TARGETS_2025 = ("conform", "basic")  # 符合 first: the better target
STATUSES = [s.value for s in TaskStatus]


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "?"


def _editable() -> bool:
    return st.session_state.get("_rem_editable", False)


def _category_names(lg: str) -> dict[str, str]:
    return {c: v[lg] for c, v in catalogue().taxonomy.categories.items()}


def _choose_assessment(system) -> Assessment | None:
    assessments = ws().assessments(system.id)
    if not assessments:
        st.info(tr("remediation.no_assessment"))
        return None
    lg = lang()
    ids = [a.id for a in assessments]
    by_id = {a.id: a for a in assessments}
    key = f"rem_pick_{system.id}"
    if st.session_state.get(key) not in ids:
        wanted = query_int("assessment")
        st.session_state[key] = wanted if wanted in ids else ids[0]
    chosen = st.selectbox(
        tr("remediation.choose"), ids, key=key,
        format_func=lambda i: t("remediation.assessment_option", lg, title=by_id[i].title or f"#{i}",
                                level=by_id[i].level,
                                date=by_id[i].started_on.isoformat() if by_id[i].started_on else "—"),
    )  # fmt: skip
    st.query_params["assessment"] = str(chosen)
    return by_id[chosen]


def _method_name(assessment_id: int) -> str:
    """The method the user picked on the assessment page in this session, else the assessment's own (by its
    report date: the 2025 rules from 2025-03-20)."""
    chosen = st.session_state.get(f"score_method_{assessment_id}")
    return chosen if chosen in load_scoring_config().methods else ws().scoring_method(assessment_id)


def _card(score: ScoreResult, lg: str) -> None:
    card = charts.score_card(score, lg)
    with st.container(border=True):
        c1, c2, c3 = st.columns([1, 1, 3])
        if card["rate2025"]:  # the 2025 rules: rate of conformity and the hazard count
            c1.metric(tr("verdict.rate"), f"{card['score_text']}%")
            c2.metric(tr("score.conclusion"), card["grade"])
            c3.metric(tr("verdict.hazards"), card["hazards_text"] or "0")
            st.write(card["reason"])
        else:
            c1.metric(tr("score.score"), card["score_text"])
            c2.metric(tr("score.conclusion"), card["grade"])
            c3.write(card["reason"])
        if card["provisional"]:
            c3.caption(tr("score.provisional"))
        st.caption(tr("remediation.card_method", how=card["coverage_text"]))
        st.caption(tr("score.official_note"))


def _conditions(assessment: Assessment):
    """The conditions recorded once on the system's profile: they decide which guideline cases a task cites."""
    return conditions_from_stored(ws().system_profile(assessment.system_id))


def _generate(assessment: Assessment, score: ScoreResult, items, frame: pd.DataFrame, tasks) -> None:
    lg = lang()
    box = st.expander(tr("remediation.generate_box"), expanded=False) if tasks else st.container(border=True)
    with box:
        if not tasks:
            st.markdown(f"**{tr('remediation.generate_box')}**")
        grouping = st.radio(
            tr("remediation.grouping"), [g.value for g in Grouping], horizontal=True,
            format_func=lambda g: t(f"remediation.grouping.{g}", lg), key=f"rem_grouping_{assessment.id}_{lg}",
        )  # fmt: skip
        label = tr("remediation.generate_more") if tasks else tr("remediation.generate")
        st.caption(tr("remediation.generate_help"))
        if st.button(label, type="primary", key=f"rem_generate_{assessment.id}", disabled=not _editable()):
            covered = [i for task in tasks for i in task.item_ids]
            drafts = plan_tasks(score, items, assessment.level, grouping=grouping, results=frame, exclude_items=covered,
                                conditions=_conditions(assessment))  # fmt: skip
            if not drafts:
                st.info(tr("remediation.nothing_new"))
                return
            try:
                made = ws().create_remediation_tasks(assessment.id, drafts)
            except ConflictError:
                st.error(tr("remediation.conflict", who="?", when="?"))
                return
            st.toast(tr("remediation.generated", n=len(made)))
            st.rerun()


def _metrics(tasks: list[RemediationTask]) -> None:
    summary = plan_summary(tasks, ws().today())
    c = st.columns(5)
    c[0].metric(tr("remediation.metric_open"), summary["by_status"]["open"])
    c[1].metric(tr("remediation.metric_progress"), summary["by_status"]["in_progress"])
    c[2].metric(tr("remediation.metric_done"), summary["by_status"]["done"])
    c[3].metric(tr("remediation.metric_accepted"), summary["by_status"]["accepted_risk"])
    c[4].metric(tr("remediation.metric_overdue"), summary["overdue"])


def _table(plan: list[TaskDraft], lg: str) -> None:
    cols = ("priority", "title", "items", "risk", "cases", "points", "owner", "due_on", "status")
    shown = plan_rows(plan, lg, _category_names(lg), columns=cols)
    due = shown.columns[cols.index("due_on")]
    shown[due] = [d.isoformat() if isinstance(d, date) else "" for d in shown[due]]
    st.dataframe(shown, hide_index=True, height=min(420, 38 + 35 * len(shown)))


def _task_editor(task: RemediationTask, assessment_id: int, results) -> None:
    """The form of one task. Its widgets are keyed by the version the user opened, so a save by someone else
    meanwhile never replaces what this user is typing."""
    lg = lang()
    seen_key = f"rem_seen_{task.id}"
    if seen_key not in st.session_state or st.session_state[seen_key][0] > task.version:
        st.session_state[seen_key] = (task.version, task)
    seen_version, shown = st.session_state[seen_key]
    base = f"rem_{task.id}_{seen_version}"
    with st.container(border=True):
        st.markdown(f"**#{task.priority} {one_line(task.title(lg))}**")
        st.caption(tr("remediation.covers", items=display_ids(task.item_ids, lg)))
        if task.case_ids:
            st.caption(tr("remediation.cases", cases=", ".join(task.case_ids)))
        if task.origin == PROBLEM_LIST:  # imported from last year's report: where, and the hazards it was given
            codes = ", ".join(task.hazard_codes) or "—"
            st.caption(tr("bk.task_origin", ref=one_line(task.origin_ref) or "—", codes=codes))
        st.caption(tr("remediation.points", points=f"{task.points:.2f}"))
        with st.expander(tr("remediation.what_to_do"), expanded=False):
            st.text(task.action(lg))
        conflict = st.session_state.get("rem_conflict")
        if conflict and conflict["key"] == base:
            st.error(tr("remediation.conflict", who=conflict["who"], when=conflict["when"]))
            if st.button(tr("remediation.load_latest"), key=f"rem_latest_{base}"):
                st.session_state.pop("rem_conflict", None)
                st.session_state[seen_key] = (task.version, task)
                st.rerun()
        elif seen_version != task.version:
            st.info(tr("remediation.changed_since", who=task.updated_by, when=_when(task.updated_at)))
            if st.button(tr("remediation.load_latest"), key=f"rem_latest_{base}"):
                st.session_state[seen_key] = (task.version, task)
                st.rerun()
        with st.form(f"rem_form_{base}", border=False):
            c1, c2, c3 = st.columns(3)
            owner = c1.text_input(tr("remediation.owner"), value=shown.owner, max_chars=100, key=f"{base}_owner")
            due = c2.date_input(tr("remediation.due"), value=shown.due_on, min_value=date(2000, 1, 1),
                                key=f"{base}_due")  # fmt: skip
            status = c3.selectbox(
                tr("remediation.status"), STATUSES, index=STATUSES.index(shown.status.value),
                format_func=lambda s: t(f"remediation.status.{s}", lg), key=f"{base}_status_{lg}",
            )  # fmt: skip
            reason = st.text_area(tr("remediation.reason"), value=shown.reason, height=80, key=f"{base}_reason")
            evidence = st.text_area(tr("remediation.evidence"), value=shown.closing_evidence, height=100,
                                    key=f"{base}_evidence")  # fmt: skip
            if st.form_submit_button(tr("remediation.save"), type="primary", disabled=not _editable()):
                values = {"owner": owner.strip(), "due_on": due, "status": status, "reason": reason.strip(),
                          "closing_evidence": evidence.strip()}  # fmt: skip
                current = {"owner": shown.owner, "due_on": shown.due_on, "status": shown.status.value,
                           "reason": shown.reason, "closing_evidence": shown.closing_evidence}  # fmt: skip
                changes = {k: v for k, v in values.items() if v != current[k]}
                if status == TaskStatus.ACCEPTED_RISK.value and not values["reason"]:
                    st.error(tr("remediation.need_reason"))
                elif not changes:
                    st.info(tr("remediation.no_change"))
                else:
                    _save(task, seen_version, changes, base, seen_key)
        st.caption(tr("remediation.last_saved", who=one_line(task.updated_by), when=_when(task.updated_at),
                      v=task.version))
        _closing_offer(task, assessment_id, results)
        _history(task.id)


def _save(task: RemediationTask, version: int, changes: dict, base: str, seen_key: str) -> None:
    try:
        saved = ws().update_remediation_task(task.id, expected_version=version, **changes)
    except ConflictError as exc:
        st.session_state["rem_conflict"] = {"key": base, "who": exc.changed_by, "when": _when(exc.changed_at)}
        st.rerun()
    except (RemediationError, ValueError) as exc:
        st.error(tr("remediation.invalid", error=str(exc)))
        return
    st.session_state.pop("rem_conflict", None)
    st.session_state[seen_key] = (saved.version, saved)
    st.toast(tr("remediation.saved", priority=saved.priority))
    st.rerun()


def _closing_offer(task: RemediationTask, assessment_id: int, results) -> None:
    """A done task whose items are still partial / nonconform in the assessment: offer to set them to conform."""
    if task.status is not TaskStatus.DONE:
        return
    open_rows = results_to_close(task, results)
    if not open_rows:
        return
    st.info(tr("remediation.offer_update", n=len(open_rows)))
    if not st.button(tr("remediation.update_results"), key=f"rem_close_{task.id}_{task.version}",
                     disabled=not _editable()):  # fmt: skip
        return
    if not task.closing_evidence.strip():
        st.error(tr("remediation.need_evidence"))
        return
    lg = lang()
    note = t("remediation.record_prefix", lg) + task.closing_evidence.strip()
    done = 0
    for r in open_rows:
        record = f"{r.record}\n{note}" if r.record.strip() else note
        try:
            ws().save_result(assessment_id, r.item_id, expected_version=r.version, assessed_object=r.assessed_object,
                             result="conform", risk=None, record=record)  # fmt: skip
        except ConflictError as exc:
            st.error(tr("remediation.result_conflict", item=display_id(r.item_id, lg), who=exc.changed_by,
                        when=_when(exc.changed_at)))  # fmt: skip
            return
        done += 1
    st.toast(tr("remediation.results_updated", n=done))
    st.rerun()


def _history(task_id: int) -> None:
    events = ws().remediation_task_history(task_id)
    with st.expander(tr("remediation.history", n=len(events))):
        rows = []
        for e in events:
            before, after = e.before or {}, e.after or {}
            keys = ("owner", "due_on", "status", "reason", "closing_evidence")
            changed = [f"{k}: {after.get(k)}" for k in keys if before.get(k) != after.get(k) and e.action != "create"]
            what = e.action if e.action == "create" else "; ".join(changed)
            rows.append({tr("remediation.h_when"): _when(e.at), tr("remediation.h_who"): e.user,
                         tr("remediation.h_changes"): what})  # fmt: skip
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True)


def _shown(value: float | None, conclusion, lg: str) -> str:
    """'84.00% 基本符合' under the 2025 rules, '74.20 中' under the older ones."""
    unit = "%" if conclusion.scheme == RATE2025 else ""
    return f"{value:.2f}{unit} {conclusion.grade if lg == 'zh' else conclusion.grade_en}"


def _what_if(plan: list[TaskDraft], score: ScoreResult, items, assessment_id: int, hazards=()) -> None:
    lg = lang()
    st.subheader(tr("remediation.whatif"))
    candidates = [p for p in plan if not isinstance(p, RemediationTask) or p.is_open]
    by_key = {p.key: p for p in candidates}
    key = f"rem_whatif_{assessment_id}_{lg}"
    memory = f"_rem_whatif_{assessment_id}"
    if key not in st.session_state and memory in st.session_state:
        st.session_state[key] = [k for k in st.session_state[memory] if k in by_key]
    if key in st.session_state:
        st.session_state[key] = [k for k in st.session_state[key] if k in by_key]
    chosen = st.multiselect(
        tr("remediation.whatif_pick"), list(by_key), key=key,
        format_func=lambda k: f"#{by_key[k].priority} {by_key[k].title(lg)}",
    )  # fmt: skip
    st.session_state[memory] = list(chosen)
    if not chosen:
        st.caption(tr("remediation.whatif_empty"))
        return
    w = what_if(score, items, [by_key[k] for k in chosen], hazards=hazards)
    c1, c2 = st.columns(2)
    before, after = w.conclusion_before, w.conclusion_after
    c1.metric(tr("remediation.before"), _shown(w.score_before, before, lg))
    c2.metric(tr("remediation.after"), _shown(w.score_after, after, lg), delta=f"{w.gain:+.2f}")
    st.success(w.summary(lg))


def _use_suggestion(assessment_id: int, keys: list[str]) -> None:
    st.session_state[f"_rem_whatif_{assessment_id}"] = keys
    for k in [k for k in st.session_state if str(k).startswith(f"rem_whatif_{assessment_id}_")]:
        del st.session_state[k]


def _suggest(plan: list[TaskDraft], score: ScoreResult, items, assessment_id: int, hazards=()) -> None:
    lg = lang()
    st.subheader(tr("remediation.suggest"))
    candidates = [p for p in plan if not isinstance(p, RemediationTask) or p.is_open]
    c1, c2 = st.columns(2)
    rate2025 = score.method.conclusion == RATE2025
    target = c1.selectbox(
        tr("remediation.target_grade"), list(TARGETS_2025 if rate2025 else TARGETS), index=0,
        key=f"rem_target_{assessment_id}_{lg}_{score.method.name}",
        format_func=lambda g: t(f"remediation.target.{g}", lg),
    )  # fmt: skip
    if rate2025:  # 基本符合 needs a rate of 60; 符合 above 90 and every open hazard closed (Q20)
        min_score, close = verdict_target(target)
        max_risk = Risk.HIGH
    else:
        (min_score, max_risk), close = grade_target(target), False
    value = c2.number_input(tr("remediation.target_score"), min_value=0.0, max_value=100.0, value=float(min_score),
                            step=1.0, key=f"rem_target_score_{assessment_id}_{target}")  # fmt: skip
    try:
        s = suggest_minimal_set(score, items, candidates, float(value), max_risk=max_risk, hazards=hazards,
                                close_hazards=close)  # fmt: skip
    except RemediationError as exc:
        st.error(str(exc))
        return
    if not s.reached:
        st.warning(tr("remediation.suggest_failed", note=s.note(lg)))
    elif not s.tasks:
        st.success(tr("remediation.suggest_none"))
        return
    else:
        st.success(tr("remediation.suggest_reached", n=len(s.tasks), target=f"{value:g}"))
    if s.tasks:
        cols = ("priority", "title", "items", "risk", "points")
        st.dataframe(plan_rows(list(s.tasks), lg, columns=cols), hide_index=True)
        st.caption(s.outcome.summary(lg))
        st.button(tr("remediation.suggest_use"), key=f"rem_suggest_use_{assessment_id}", on_click=_use_suggestion,
                  args=(assessment_id, [x.key for x in s.tasks]))  # fmt: skip


def _burndown(tasks: list[RemediationTask], assessment_id: int) -> None:
    lg = lang()
    st.subheader(tr("remediation.burndown"))
    if not tasks:
        st.caption(tr("remediation.burndown_empty"))
        return
    events = ws().remediation_events(assessment_id)
    frame = burndown(tasks, events, end=max(ws().today(), max(e.at.date() for e in events)))
    st.plotly_chart(charts.burndown_chart(frame, lg), config={"displayModeBar": False}, key=f"rem_burn_{assessment_id}")


def _export(plan: list[TaskDraft], org, system, assessment_id: int) -> None:
    lg = lang()
    title = tr("remediation.export_title", org=org.name, system=system.name, date=ws().today().isoformat())
    data = plan_xlsx(plan, lg, title=title, category_names=_category_names(lg))
    name = f"remediation-plan-{system.code or system.id}-{assessment_id}.xlsx"
    st.download_button(tr("remediation.export"), data, file_name=name, mime=XLSX_MIME, key=f"rem_export_{lg}")


def render() -> None:
    lg = lang()
    st.title(tr("remediation.title"))
    org, system = in_view()
    if system is None:
        st.info(tr("remediation.no_system"))
        return
    st.caption(tr("remediation.context", org=one_line(org.name), system=one_line(system.name)))
    st.session_state["_rem_editable"] = ws().can_edit(org.id)
    if not _editable():
        st.info(tr("remediation.read_only"))
    assessment = _choose_assessment(system)
    if assessment is None:
        return
    if _editable():
        backlog_panel(assessment)
    try:
        items = catalogue().select(assessment.level, list(assessment.extensions))
    except ValueError as exc:
        st.error(tr("remediation.catalogue_error", error=str(exc)))
        return
    results = ws().results(assessment.id)
    frame = results_frame(results, {i.id for i in items})
    try:
        hazards = ws().hazards(assessment.id)
        score = score_assessment(frame, items, _method_name(assessment.id), hazards=tally(hazards))
    except ValueError as exc:
        st.error(tr("remediation.score_failed", error=str(exc)))
        return
    if score.score is None:
        st.info(tr("remediation.nothing_scored"))
        return
    _card(score, lg)
    tasks = ws().remediation_tasks(assessment.id)
    if not tasks and not score.explanation:
        st.success(tr("remediation.no_problems"))
        return
    if _editable():
        _generate(assessment, score, items, frame, tasks)
    plan: list[TaskDraft] = live_points(list(tasks), score, items, hazards)
    if not tasks:
        plan = plan_tasks(score, items, assessment.level, results=frame, conditions=_conditions(assessment))
        st.info(tr("remediation.preview", n=len(plan)))
    else:
        _metrics(tasks)
    st.subheader(tr("remediation.tasks"))
    _table(plan, lg)
    _export(plan, org, system, assessment.id)
    if tasks:
        by_id = {x.id: x for x in tasks}
        key = f"rem_task_{assessment.id}_{lg}"
        if st.session_state.get(key) not in by_id:
            st.session_state.pop(key, None)
        chosen = st.selectbox(
            tr("remediation.pick_task"), list(by_id), key=key,
            format_func=lambda i: t("remediation.task_option", lg, priority=by_id[i].priority,
                                    title=by_id[i].title(lg), status=t(f"remediation.status.{by_id[i].status}", lg)),
        )  # fmt: skip
        _task_editor(by_id[chosen], assessment.id, results)
    st.divider()
    _what_if(plan, score, items, assessment.id, hazards)
    _suggest(plan, score, items, assessment.id, hazards)
    _burndown(tasks, assessment.id)
    st.caption(tr("remediation.source_note"))


render()
