"""Assessment: record, per requirement item and assessed object, the result and what was seen.

Every save goes to the database at once (a reload or a second tab shows it). Two people saving the same item:
the second save is refused with who changed it and when, and the second person's text stays on screen.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from mlps.i18n import t
from mlps.rules.catalogue import Item
from mlps.rules.domain import Assessment, ItemResult, Result, Risk
from mlps.rules.errors import ConflictError, UploadRejected
from mlps.rules.item_ids import display_id
from mlps.rules.levels import protection_name
from mlps.rules.worklist import WHOLE_SYSTEM, assessed_objects, filter_worklist, progress, worklist
from mlps.services.agency_import import object_descriptions
from mlps.ui.collector_panel import collector_panel
from mlps.ui.common import catalogue, lang, query_int, tr
from mlps.ui.context import in_view, settings, ws
from mlps.ui.excel_panel import excel_panel
from mlps.ui.hazard_panel import hazard_panel
from mlps.ui.high_risk_panel import gap_cases
from mlps.ui.safe import one_line
from mlps.ui.score_panel import live_score
from mlps.ui.soa_panel import soa_panel
from mlps.ui.widgets import assessment_report_button

RESULTS = [Result.CONFORM, Result.PARTIAL, Result.NONCONFORM, Result.NA, Result.NOT_ASSESSED]
RISKS = [None, Risk.HIGH, Risk.MEDIUM, Risk.LOW]


def _editable() -> bool:
    return st.session_state.get("_as_editable", False)


def _result_label(value: str, lg: str) -> str:
    return t(f"result.{value}", lg)


def _choose_assessment(system) -> Assessment | None:
    assessments = ws().assessments(system.id)
    lg = lang()
    if assessments:
        ids = [a.id for a in assessments]
        wanted = query_int("assessment")
        key = f"as_pick_{system.id}"
        if st.session_state.get(key) not in ids:
            st.session_state[key] = wanted if wanted in ids else ids[0]
        by_id = {a.id: a for a in assessments}
        chosen = st.selectbox(
            tr("as.choose"), ids, key=key,
            format_func=lambda i: t("as.option", lg, title=by_id[i].title or f"#{i}", level=by_id[i].level,
                                    date=by_id[i].started_on.isoformat() if by_id[i].started_on else "—",
                                    kind=t(f"as.kind.{by_id[i].kind}", lg),
                                    status=t(f"assessment.status.{by_id[i].status}", lg)),
        )  # fmt: skip
        st.query_params["assessment"] = str(chosen)
    if _editable():
        with st.expander(tr("as.start_new"), expanded=not assessments):
            _start_form(system, assessments)
    return by_id[chosen] if assessments else None


def _start_form(system, previous: list[Assessment]) -> None:
    cat = catalogue()
    lg = lang()
    if system.level is None:
        st.warning(tr("as.not_graded_hint"))
    with st.form(f"start_{system.id}"):
        c1, c2, c3 = st.columns(3)
        levels = [1, 2, 3, 4]
        level = c1.selectbox(
            tr("req.level"), levels, index=levels.index(system.level) if system.level in levels else 1,
            format_func=lambda n: t("req.level_option", lg, n=n, name=protection_name(n, lg)),
        )  # fmt: skip
        kind = c2.selectbox(tr("as.kind"), ["self", "agency"], format_func=lambda k: t(f"as.kind.{k}", lg))
        title = c3.text_input(tr("as.title_field"), value=tr("as.default_title", year=date.today().year))
        scopes = [s for s in cat.taxonomy.scopes if s != "general"]
        extensions = st.multiselect(
            tr("req.extensions"), scopes, default=[e for e in system.extensions if e in scopes],
            format_func=lambda s: cat.taxonomy.scopes[s][lg],
        )  # fmt: skip
        options = [None, *[a.id for a in previous]]
        by_id = {a.id: a for a in previous}
        baseline = st.selectbox(
            tr("as.baseline"), options, help=tr("as.baseline_help"),
            format_func=lambda i: t("as.no_baseline", lg) if i is None else
            f"{by_id[i].title or '#' + str(i)} ({by_id[i].started_on})",
        )  # fmt: skip
        if st.form_submit_button(tr("as.start"), type="primary"):
            valid = {i.id for i in cat.select(level, extensions)}
            created = ws().start_assessment(
                system.id, level, extensions, cat.version, kind=kind, title=title,
                baseline_from=baseline, valid_item_ids=valid,
            )  # fmt: skip
            st.session_state[f"as_pick_{system.id}"] = created.id
            st.query_params["assessment"] = str(created.id)
            st.rerun()


def _progress_panel(items: list[Item], results: list[ItemResult], assessment: Assessment) -> None:
    p = progress(items, results)
    st.progress(p.share, text=tr("as.progress", assessed=p.assessed, applicable=p.applicable, na=p.not_applicable))
    cols = st.columns(4)
    cols[0].metric(tr("as.metric_items"), p.total)
    cols[1].metric(tr("as.metric_assessed"), p.assessed)
    cols[2].metric(tr("as.metric_na"), p.not_applicable)
    cols[3].metric(tr("as.metric_review"), p.needs_review)
    if assessment.kind == "self":
        st.caption(tr("as.self_note"))


def _object_picker(results: list[ItemResult], assessment_id: int) -> str:
    extra_key = f"as_objects_{assessment_id}"
    extra = st.session_state.setdefault(extra_key, [])
    objects = assessed_objects(results, extra)
    c1, c2 = st.columns([2, 1])
    obj = c1.selectbox(
        tr("as.object"), objects, key=f"as_obj_{assessment_id}",
        format_func=lambda o: tr("as.whole_system") if o == WHOLE_SYSTEM else o, help=tr("as.object_help"),
    )  # fmt: skip
    with c2.popover(tr("as.add_object")):
        name = st.text_input(tr("as.object_name"), key=f"as_new_obj_{assessment_id}", max_chars=200)
        if st.button(tr("as.add"), key=f"as_add_obj_{assessment_id}") and name.strip():
            extra.append(name.strip())
            st.session_state[f"as_obj_{assessment_id}"] = name.strip()
            st.rerun()
    described = object_descriptions(ws(), assessment_id).get(obj)
    if described:  # the object's details, e.g. from an agency workbook's row above the header
        st.caption(one_line(tr("as.object_described", details=described)))
    return obj


def _filters(frame: pd.DataFrame, assessment_id: int) -> pd.DataFrame:
    cat = catalogue()
    lg = lang()
    c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 1, 0.8, 1.4])
    cats = c1.multiselect(
        tr("req.category"), [c for c in cat.taxonomy.categories if c in set(frame["category"])],
        format_func=lambda c: f"{c} {cat.taxonomy.categories[c][lg]}", key=f"as_f_cat_{assessment_id}_{lg}",
    )  # fmt: skip
    res = c2.multiselect(
        tr("as.result"), [r.value for r in RESULTS], format_func=lambda v: _result_label(v, lg),
        key=f"as_f_res_{assessment_id}_{lg}",
    )  # fmt: skip
    risks = c3.multiselect(
        tr("as.risk"), [r.value for r in RISKS if r], format_func=lambda v: t(f"risk.{v}", lg),
        key=f"as_f_risk_{assessment_id}_{lg}",
    )  # fmt: skip
    review = c4.checkbox(tr("as.review_only"), key=f"as_f_review_{assessment_id}")
    text = c5.text_input(tr("req.search"), key=f"as_f_text_{assessment_id}")
    return filter_worklist(frame, categories=cats, results=res, risks=risks, review_only=review, text=text)


def _display(shown: pd.DataFrame, lg: str) -> pd.DataFrame:
    """The worklist as shown: grouped by category and control point (catalogue order), one row per item."""
    categories_tax = catalogue().taxonomy
    categories = categories_tax.categories
    return pd.DataFrame(
        {
            tr("col.category"): [categories[c][lg] for c in shown["category"]],
            tr("col.id"): [display_id(i, lg, categories_tax) for i in shown["id"]],
            tr("col.control_point"): shown["control_point"] + " " + shown["letter"] + ")",
            tr("col.requirement"): shown["requirement"],
            tr("as.result"): [_result_label(v, lg) for v in shown["result"]],
            tr("as.risk"): [t(f"risk.{v}", lg) if v else "" for v in shown["risk"]],
            tr("as.record"): shown["record"],
            tr("as.review"): ["⚑" if v else "" for v in shown["needs_review"]],
        }
    )


def _bulk(assessment_id: int, obj: str, item_ids: list[str], table_key: str) -> None:
    lg = lang()
    st.info(tr("as.bulk_selected", n=len(item_ids)))
    c1, c2 = st.columns([2, 1])
    value = c1.selectbox(
        tr("as.bulk_result"), [r.value for r in RESULTS], format_func=lambda v: _result_label(v, lg),
        key=f"as_bulk_value_{assessment_id}",
    )  # fmt: skip
    if c2.button(tr("as.bulk_apply"), type="primary", key=f"as_bulk_apply_{assessment_id}"):
        try:
            n = ws().bulk_set_result(assessment_id, item_ids, Result(value), obj)
        except ConflictError as exc:
            st.error(tr("as.conflict", who=one_line(exc.changed_by), when=_when(exc.changed_at)))
            return
        st.session_state[table_key] = st.session_state.get(table_key, 0) + 1
        st.toast(tr("as.bulk_done", n=n))
        st.rerun()


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "?"


def _item_panel(item: Item, current: ItemResult | None, assessment_id: int, obj: str) -> None:
    """The edit form of one item. Its widgets are keyed by the version the user opened, not the newest one,
    so that a save by someone else meanwhile never replaces what this user is typing."""
    lg = lang()
    cat = catalogue()
    db_version = current.version if current else 0
    seen_key = f"as_seen_{assessment_id}_{item.id}_{obj}"
    if seen_key not in st.session_state:
        st.session_state[seen_key] = (db_version, current)
    seen_version, shown = st.session_state[seen_key]
    base = f"as_{assessment_id}_{item.id}_{obj}_{seen_version}"
    with st.container(border=True):
        st.markdown(f"**{display_id(item.id, lg, cat.taxonomy)}** · {item.control_point_name(lg)} {item.letter}) · "
                    f"{cat.taxonomy.tier_names[item.tier][lg]}")  # fmt: skip
        st.text(item.requirement(lg))
        with st.expander(tr("req.evidence")):
            st.text(item.evidence(lg))
            st.caption(f"GB/T 22239-2019 {item.clause}")
        if shown and shown.needs_review:
            st.warning(tr("as.needs_review"))
        gap_cases(item, current, assessment_id)
        conflict = st.session_state.get("as_conflict")
        if conflict and conflict["key"] == base:
            _conflict_box(conflict, assessment_id, item, obj, seen_key)
        elif seen_version != db_version and current is not None:
            st.info(tr("as.changed_since", who=one_line(current.updated_by), when=_when(current.updated_at)))
            if st.button(tr("as.load_latest"), key=f"latest_{base}"):
                st.session_state[seen_key] = (db_version, current)
                st.rerun()
        with st.form(f"form_{base}", border=False):
            c1, c2 = st.columns([1.3, 1])
            results = [r.value for r in RESULTS]
            res = c1.radio(
                tr("as.result"), results, index=results.index((shown.result if shown else Result.NOT_ASSESSED).value),
                format_func=lambda v: _result_label(v, lg), horizontal=True, key=f"{base}_result",
            )  # fmt: skip
            risk_values = [r.value if r else "" for r in RISKS]
            risk = c2.selectbox(
                tr("as.risk"), risk_values,
                index=risk_values.index(shown.risk.value if shown and shown.risk else ""),
                format_func=lambda v: t(f"risk.{v}", lg) if v else t("as.no_risk", lg), key=f"{base}_risk",
            )  # fmt: skip
            record = st.text_area(
                tr("as.record"), value=shown.record if shown else "", height=150, key=f"{base}_record",
                max_chars=100_000, help=tr("as.record_help"),
            )  # fmt: skip
            c3, c4 = st.columns(2)
            methods = c3.multiselect(
                tr("req.methods"), list(cat.taxonomy.methods),
                default=list(shown.methods) if shown and shown.methods else list(item.methods),
                format_func=lambda m: cat.taxonomy.methods[m][lg], key=f"{base}_methods",
            )  # fmt: skip
            evidence_date = c4.date_input(
                tr("as.evidence_date"), value=shown.evidence_date if shown else None, key=f"{base}_date",
                min_value=date(2000, 1, 1),
            )  # fmt: skip
            risk_reason = st.text_input(tr("as.risk_reason"), value=shown.risk_reason if shown else "",
                                        key=f"{base}_risk_reason")  # fmt: skip
            if st.form_submit_button(tr("as.save"), type="primary", disabled=not _editable()):
                values = dict(result=Result(res), risk=Risk(risk) if risk else None, record=record,
                              methods=tuple(methods), evidence_date=evidence_date, risk_reason=risk_reason)  # fmt: skip
                if shown and shown.needs_review:
                    values["needs_review"] = False
                _save(assessment_id, item.id, obj, seen_version, values, base, seen_key)
        if current:
            st.caption(
                tr("as.last_saved", who=one_line(current.updated_by), when=_when(current.updated_at), v=current.version)
            )
        _attachments(current, assessment_id, item, obj, base)
        _history(assessment_id, item.id)


def _save(assessment_id: int, item_id: str, obj: str, version: int, values: dict, key: str, seen_key: str) -> None:
    try:
        saved = ws().save_result(assessment_id, item_id, expected_version=version,
                                 assessed_object=obj, **values)  # fmt: skip
    except ConflictError as exc:
        st.session_state["as_conflict"] = {
            "key": key, "who": exc.changed_by, "when": _when(exc.changed_at), "values": values,
            "theirs": exc.current.record if exc.current else "",
            "their": exc.current,
        }  # fmt: skip
        st.rerun()
    st.session_state.pop("as_conflict", None)
    st.session_state[seen_key] = (saved.version, saved)
    st.toast(tr("as.saved", id=display_id(item_id, lang())))
    st.rerun()


def _conflict_box(conflict: dict, assessment_id: int, item: Item, obj: str, seen_key: str) -> None:
    st.error(tr("as.conflict", who=one_line(conflict["who"]), when=conflict["when"]))
    st.caption(tr("as.their_text"))
    st.text(conflict["theirs"] or "—")
    their = conflict["their"]
    c1, c2 = st.columns(2)
    if c1.button(tr("as.keep_mine"), key=f"keep_{conflict['key']}"):
        st.session_state.pop("as_conflict", None)
        _save(assessment_id, item.id, obj, their.version if their else 0, conflict["values"], conflict["key"], seen_key)
    if c2.button(tr("as.take_theirs"), key=f"theirs_{conflict['key']}"):
        st.session_state.pop("as_conflict", None)
        st.session_state[seen_key] = (their.version if their else 0, their)
        st.rerun()


def _attachments(current: ItemResult | None, assessment_id: int, item: Item, obj: str, base: str) -> None:
    limit = settings().max_upload_bytes
    files = ws().attachments(current.id) if current and current.id else []
    with st.expander(tr("as.attachments", n=len(files))):
        for a in files:
            data, mime = ws().blob(a.sha256)
            c1, c2 = st.columns([3, 1])
            c1.caption(f"{one_line(a.original_name)} · {a.size / 1024:.0f} KB · {mime} · {one_line(a.uploaded_by)}")
            c2.download_button(tr("as.download"), data, file_name=f"{a.sha256[:12]}-{a.original_name}",
                               mime="application/octet-stream", key=f"dl_{a.id}")  # fmt: skip
        if not _editable():
            return
        nonce = st.session_state.setdefault(f"up_nonce_{base}", 0)
        upload = st.file_uploader(tr("as.attach"), key=f"up_{base}_{nonce}", help=tr("as.attach_help",
                                  mb=limit // 1048576))  # fmt: skip
        if upload is not None:
            data = upload.getvalue()
            try:
                result_id = (
                    current.id
                    if current and current.id
                    else ws().save_result(assessment_id, item.id, expected_version=0, assessed_object=obj).id
                )
                ws().attach(result_id, data, upload.name, max_bytes=limit)
            except UploadRejected as exc:
                st.error(tr("as.upload_rejected", error=one_line(exc)))
                return
            except ConflictError as exc:
                st.error(tr("as.conflict", who=one_line(exc.changed_by), when=_when(exc.changed_at)))
                return
            st.session_state[f"up_nonce_{base}"] = nonce + 1
            st.rerun()


def _history(assessment_id: int, item_id: str) -> None:
    events = ws().item_history(assessment_id, item_id)
    with st.expander(tr("as.history", n=len(events))):
        if not events:
            st.caption(tr("as.no_history"))
            return
        rows = []
        for e in events:
            before, after = e.before or {}, e.after or {}
            changed = [k for k in ("result", "record", "risk", "methods", "evidence_date", "risk_reason")
                       if before.get(k) != after.get(k)]  # fmt: skip
            rows.append({
                tr("as.h_when"): _when(e.at), tr("as.h_who"): e.user, tr("as.h_action"): e.action,
                tr("as.h_object"): e.entity_id.split("/", 2)[2] or tr("as.whole_system"),
                tr("as.h_changed"): ", ".join(changed), tr("as.h_result"): after.get("result", ""),
                tr("as.h_record"): (after.get("record") or "")[:200],
            })  # fmt: skip
        st.dataframe(pd.DataFrame(rows), hide_index=True)


def render() -> None:
    lg = lang()
    st.title(tr("as.title"))
    org, system = in_view()
    if system is None:
        st.info(tr("as.no_system"))
        return
    st.caption(tr("as.context", org=one_line(org.name), system=one_line(system.name)))
    st.session_state["_as_editable"] = ws().can_edit(org.id)
    if not _editable():
        st.info(tr("auth.read_only"))
    assessment = _choose_assessment(system)
    if assessment is None:
        return
    cat = catalogue()
    try:
        items = cat.select(assessment.level, list(assessment.extensions))
    except ValueError as exc:
        st.error(one_line(exc))
        return
    if assessment.catalogue_version != cat.version:
        st.caption(tr("as.catalogue_changed", old=assessment.catalogue_version, new=cat.version))
    results = ws().results(assessment.id)
    _progress_panel(items, results, assessment)
    score = live_score(items, results, assessment.id)
    hazard_panel(assessment, score, _editable())
    assessment_report_button(org, system, assessment)
    excel_panel(org, system, assessment, items, results, _editable())
    soa_panel(system, assessment, items, results, _editable())
    collector_panel(system, assessment, items, results, _editable())

    obj = _object_picker(results, assessment.id)
    frame = worklist(items, results, obj, lg)
    shown = _filters(frame, assessment.id).reset_index(drop=True)
    table_key = f"as_table_n_{assessment.id}"
    n = st.session_state.get(table_key, 0)
    st.caption(tr("as.shown", shown=len(shown), total=len(frame)))
    if shown.empty:
        st.info(tr("req.empty"))
        return
    left, right = st.columns([1.25, 1])
    with left:
        event = st.dataframe(
            _display(shown, lg), hide_index=True, on_select="rerun", selection_mode="multi-row",
            key=f"as_table_{assessment.id}_{obj}_{n}", height=560,
        )  # fmt: skip
    selected = [shown.iloc[r]["id"] for r in event.selection.rows if r < len(shown)]
    cur_key = f"as_current_{assessment.id}"
    if len(selected) == 1:
        st.session_state[cur_key] = selected[0]
    with right:
        if len(selected) > 1 and _editable():
            _bulk(assessment.id, obj, selected, table_key)
            return
        current_id = st.session_state.get(cur_key)
        if current_id not in set(shown["id"]):
            current_id = shown.iloc[0]["id"]
        item = cat.get(current_id)
        current = next((r for r in results if r.item_id == item.id and r.assessed_object == obj), None)
        _item_panel(item, current, assessment.id, obj)
        ids = list(shown["id"])
        pos = ids.index(current_id)
        c1, c2 = st.columns(2)
        if c1.button(tr("as.prev_item"), disabled=pos == 0, key="as_prev"):
            st.session_state[cur_key] = ids[pos - 1]
            st.rerun()
        if c2.button(tr("as.next_item"), disabled=pos == len(ids) - 1, key="as_next"):
            st.session_state[cur_key] = ids[pos + 1]
            st.rerun()


render()
