"""Applicability: describe the system in view, see which extensions apply and why, apply them to the system,
and keep its statement of applicability (every item applicable / not applicable / inherited, with the reason).

The profile and the user's adjustments are stored per system as {"profile": ..., "overrides": [...]}
(Workspace.system_profile); the system's extensions are System.extensions. Every rule is in mlps.rules.applicability:
this page reads, draws and saves.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from mlps.adapters.exchange.soa_xlsx import statement_xlsx
from mlps.i18n import t
from mlps.rules.applicability import (
    HIGH_RISK_FIELDS,
    STATUS_WORDS,
    CloudPlatform,
    CloudRole,
    Override,
    Statement,
    Status,
    SystemProfile,
    apply_overrides,
    apply_suggestions,
    parse_overrides,
    profile_from_dict,
    profile_to_dict,
    statement_of_applicability,
)
from mlps.rules.domain import Risk, System
from mlps.rules.item_ids import display_id
from mlps.rules.levels import ASSESSED_LEVELS, LEVELS, protection_name
from mlps.ui.common import catalogue, lang, lang_key, remember, tr
from mlps.ui.context import in_view, ws
from mlps.ui.high_risk_panel import conditions_form
from mlps.ui.safe import one_line

ROLES = [r.value for r in CloudRole]
PLATFORM_LEVELS = [None, *LEVELS]
STATUSES = [s.value for s in Status]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
APP_SEPARATORS = re.compile(r"[,，、;；\n]+")
GRADING_PAGE = "mlps/ui/pages/grading.py"


@dataclass
class Stored:
    """What the store holds for the system, read once per run."""

    profile: SystemProfile  # the saved profile, or a draft from the system's basic information
    saved: bool
    overrides: list[Override] = field(default_factory=list)


@dataclass
class Stale:
    override: Override
    why: str


def _draft(system: System) -> SystemProfile:
    """Before a profile is saved: what the system's basic information already says (its description and
    deployment, the extensions recorded for it; a system recorded with the cloud extension is taken to be a
    cloud customer, the common case, until the user says otherwise)."""
    ext = set(system.extensions)
    return SystemProfile(
        cloud_role=CloudRole.CUSTOMER if "cloud" in ext else CloudRole.NONE,
        mobile="mobile" in ext,
        sensing_devices="iot" in ext,
        industrial_control="ics" in ext,
        big_data="bigdata" in ext,
        description="\n".join(part.strip() for part in (system.description, system.deployment) if part.strip()),
    )


def _load(system: System) -> Stored:
    raw = ws().system_profile(system.id)
    stored = Stored(_draft(system), saved=False)
    if raw.get("profile") is not None:
        try:
            stored.profile, stored.saved = profile_from_dict(raw["profile"]), True
        except ValueError as exc:
            st.error(tr("applicability.stored_invalid", error=one_line(exc)))
    if raw.get("overrides"):
        try:
            stored.overrides = parse_overrides(raw["overrides"])
        except ValueError as exc:
            st.error(tr("applicability.overrides_invalid", error=one_line(exc)))
    return stored


def _write(system_id: int, profile: SystemProfile, overrides: list[Override]) -> bool:
    mine = {
        "profile": profile_to_dict(profile),
        "overrides": [{"item_id": o.item_id, "reason": o.reason, "status": o.status.value} for o in overrides],
    }
    try:  # merged into the profile as stored at write time: what other pages keep beside it stays
        ws().update_system_profile(system_id, lambda stored: {**stored, **mine})
    except PermissionError as exc:
        st.error(tr("auth.denied", error=one_line(exc)))
        return False
    return True


def _form_version(system_id: int) -> int:
    return st.session_state.get(f"ap_form_v_{system_id}", 0)


def _bump_form(system_id: int) -> None:
    st.session_state[f"ap_form_v_{system_id}"] = _form_version(system_id) + 1


def _level_name(n: int, lg: str) -> str:
    return t("applicability.level_option", lg, n=n, name=protection_name(n, lg))


def _join(words, lg: str) -> str:
    return ("、" if lg == "zh" else ", ").join(words)


def _scope_name(code: str, lg: str) -> str:
    return catalogue().taxonomy.scopes.get(code, {}).get(lg, code)


def _scope_list(codes, lg: str) -> str:
    return _join([_scope_name(c, lg) for c in codes], lg) or t("applicability.none_word", lg)


# ---------------------------------------------------------------- the level


def _level(system: System) -> int:
    lg = lang()
    if system.level in ASSESSED_LEVELS:
        st.caption(tr("applicability.level_graded", level=system.level, name=protection_name(system.level, lg)))
        return system.level
    st.warning(tr("applicability.not_graded") if system.level is None else tr("applicability.level5"))
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    name = f"ap_level_{system.id}"
    key = lang_key(name)
    default = {} if key in st.session_state else {"index": ASSESSED_LEVELS.index(4 if system.level else 2)}
    level = c1.selectbox(
        tr("applicability.level_pick"),
        list(ASSESSED_LEVELS),
        format_func=lambda n: _level_name(n, lg),
        key=key,
        **default,
    )
    remember(name, level)
    c2.page_link(GRADING_PAGE, label=tr("applicability.go_grading"), icon="⚖️")
    return level


# ---------------------------------------------------------------- ① the system profile


def _suggestions(system: System, stored: Stored, statement: Statement, editable: bool) -> None:
    if not statement.suggestions:
        return
    lg = lang()
    v = _form_version(system.id)
    with st.container(border=True):
        st.markdown(f"**💡 {tr('applicability.suggestions')}**")
        st.caption(tr("applicability.suggestions_hint"))
        chosen = []
        for n, s in enumerate(statement.suggestions):
            label = tr(
                "applicability.suggestion_line",
                reason=one_line(s.reason(lg)),
                words=one_line(_join(s.keywords, lg)),
                excerpt=one_line(s.excerpt),
            )
            if st.checkbox(label, value=True, key=f"ap_sugg_{system.id}_{v}_{n}", disabled=not editable):
                chosen.append(s)
        if st.button(tr("applicability.accept_suggestions"), key=f"ap_accept_{system.id}", disabled=not editable):
            if not chosen:
                st.info(tr("applicability.suggestions_none_ticked"))
                return
            if _write(system.id, apply_suggestions(stored.profile, chosen), stored.overrides):
                _bump_form(system.id)
                st.toast(tr("applicability.suggestions_accepted"))
                st.rerun()


def _profile_form(system: System, stored: Stored, editable: bool) -> None:
    lg = lang()
    p = stored.profile
    platform = p.cloud_platform or CloudPlatform()
    v = _form_version(system.id)
    k = f"ap_{system.id}_{v}_{lg}"
    with st.form(f"ap_profile_{system.id}_{v}"):
        role = st.radio(
            tr("applicability.cloud_role"),
            ROLES,
            index=ROLES.index(p.cloud_role.value),
            format_func=lambda r: t(f"applicability.cloud_role.{r}", lg),
            help=tr("applicability.cloud_role_help"),
            key=f"{k}_role",
        )
        st.caption(tr("applicability.platform_heading"))
        c1, c2, c3 = st.columns([2, 1.3, 2])
        name = c1.text_input(tr("applicability.platform_name"), value=platform.name, max_chars=200, key=f"{k}_pname")
        platform_level = c2.selectbox(
            tr("applicability.platform_level"),
            PLATFORM_LEVELS,
            index=PLATFORM_LEVELS.index(platform.level),
            format_func=lambda n: t("applicability.platform_level_none", lg) if n is None else _level_name(n, lg),
            help=tr("applicability.platform_level_help"),
            key=f"{k}_plevel",
        )
        filing = c3.text_input(
            tr("applicability.platform_filing"), value=platform.filing_number, max_chars=100, key=f"{k}_pfiling"
        )
        hosted = st.checkbox(
            tr("applicability.hosted"),
            value=p.hosted_entirely_on_cloud,
            help=tr("applicability.hosted_help"),
            key=f"{k}_hosted",
        )
        st.divider()
        c4, c5 = st.columns([1, 1])
        mobile = c4.checkbox(tr("applicability.mobile"), value=p.mobile, key=f"{k}_mobile")
        apps = c5.text_input(
            tr("applicability.mobile_apps"),
            value=_join(p.mobile_apps, lg),
            help=tr("applicability.mobile_apps_help"),
            max_chars=500,
            key=f"{k}_apps",
        )
        sensing = st.checkbox(tr("applicability.sensing"), value=p.sensing_devices, key=f"{k}_sensing")
        ics = st.checkbox(tr("applicability.ics"), value=p.industrial_control, key=f"{k}_ics")
        big_data = st.checkbox(tr("applicability.bigdata"), value=p.big_data, key=f"{k}_bigdata")
        description = st.text_area(
            tr("applicability.description"),
            value=p.description,
            help=tr("applicability.description_help"),
            height=100,
            max_chars=5000,
            key=f"{k}_description",
        )
        submitted = st.form_submit_button(tr("applicability.save_profile"), type="primary", disabled=not editable)
    if not submitted:
        return
    customer = role == CloudRole.CUSTOMER.value
    if not customer and (name.strip() or filing.strip() or platform_level is not None):
        st.error(tr("applicability.platform_not_customer"))
        return
    raw = {
        "cloud_role": role,
        "cloud_platform": {"name": name, "level": platform_level, "filing_number": filing} if customer else None,
        "hosted_entirely_on_cloud": hosted,
        "mobile": mobile,
        "mobile_apps": [a.strip() for a in APP_SEPARATORS.split(apps) if a.strip()],
        "sensing_devices": sensing,
        "industrial_control": ics,
        "big_data": big_data,
        "description": description,
        **{name: getattr(p, name) for name in HIGH_RISK_FIELDS},  # kept: set in the high-risk conditions form
    }
    try:
        profile = profile_from_dict(raw)
    except ValueError as exc:
        st.error(tr("applicability.invalid", error=one_line(exc)))
        return
    if _write(system.id, profile, stored.overrides):
        _bump_form(system.id)
        st.toast(tr("applicability.profile_saved"))
        st.rerun()


# ---------------------------------------------------------------- ② the extensions


def _extensions(system: System, stored: Stored, statement: Statement, editable: bool) -> None:
    lg = lang()
    st.subheader(tr("applicability.decisions_heading", level=statement.level))
    for d in statement.extensions:
        word = tr("applicability.applies") if d.applies else tr("applicability.not_applies")
        with st.container(border=True):
            st.markdown(f"{'✅' if d.applies else '➖'} **{_scope_name(d.extension, lg)}** · {word}")
            st.caption(one_line(d.reason(lg)))
    current = tuple(system.extensions)
    proposed = statement.applicable_extensions
    st.write(tr("applicability.current_extensions", names=_scope_list(current, lg)))
    st.write(tr("applicability.proposed_extensions", names=_scope_list(proposed, lg)))
    added = [c for c in proposed if c not in current]
    removed = [c for c in current if c not in proposed]
    if not added and not removed:
        st.success(tr("applicability.extensions_match"))
        return
    if added:
        st.info(tr("applicability.will_add", names=_scope_list(added, lg)))
    if removed:
        st.warning(tr("applicability.will_remove", names=_scope_list(removed, lg)))
    if not stored.saved:
        st.caption(tr("applicability.apply_needs_profile"))
    if st.button(
        tr("applicability.apply"),
        type="primary",
        help=tr("applicability.apply_help"),
        disabled=not (editable and stored.saved),
        key=f"ap_apply_{system.id}",
    ):
        try:
            ws().save_system(dataclasses.replace(system, extensions=proposed))
        except (ValueError, PermissionError) as exc:
            st.error(tr("applicability.invalid", error=one_line(exc)))
            return
        st.toast(tr("applicability.applied", names=_scope_list(proposed, lg)))
        st.rerun()


# ---------------------------------------------------------------- ③ the statement


def _findings(statement: Statement) -> None:
    lg = lang()
    for f in statement.findings:
        if f.risk is Risk.HIGH:
            st.error(f"**{tr('applicability.high_risk')}** · {one_line(f.message(lg))}", icon="🚨")
        else:
            st.warning(one_line(f.message(lg)))


def _statement(system: System, stored: Stored, statement: Statement) -> None:
    lg = lang()
    st.subheader(tr("applicability.statement_heading", system=one_line(system.name), level=statement.level))
    if not stored.saved:
        st.caption(tr("applicability.preview_note"))
    counts = statement.counts()
    cols = st.columns(5)
    cols[0].metric(tr("applicability.metric_total"), len(statement.rows))
    cols[1].metric(tr("applicability.metric_applicable"), counts[Status.APPLICABLE.value])
    cols[2].metric(tr("applicability.metric_na"), counts[Status.NOT_APPLICABLE.value])
    cols[3].metric(tr("applicability.metric_inherited"), counts[Status.INHERITED.value])
    cols[4].metric(tr("applicability.metric_overridden"), sum(r.overridden for r in statement.rows))
    per_scope = Counter(r.extension for r in statement.rows)
    parts = " + ".join(tr("applicability.part", name=_scope_name(code, lg), n=n) for code, n in per_scope.items())
    total = len(statement.rows)
    st.caption(tr("applicability.computed", total=total, parts=parts, version=statement.catalogue_version))
    st.download_button(
        tr("applicability.download"),
        statement_xlsx(statement, lg),
        file_name=f"SoA-{system.code or system.id}-L{statement.level}-{lg}.xlsx",
        mime=XLSX_MIME,
        help=tr("applicability.download_help"),
        on_click="ignore",
        icon="⬇️",
        key=f"ap_download_{system.id}",
    )
    c1, c2 = st.columns([1, 1.4])
    name = f"ap_status_{system.id}"
    wanted = c1.multiselect(
        tr("applicability.status_filter"),
        STATUSES,
        format_func=lambda s: STATUS_WORDS[Status(s)][lg],
        placeholder=tr("applicability.all_statuses"),
        key=lang_key(name),
    )
    remember(name, wanted)
    text = c2.text_input(tr("applicability.search"), key=f"ap_search_{system.id}").strip().lower()
    shown = [
        r
        for r in statement.rows
        if (not wanted or r.status.value in wanted)
        and (
            not text
            or any(
                text in s.lower()
                for s in (
                    r.item_id,
                    display_id(r.item_id, lg),
                    r.control_point_zh,
                    r.control_point_en,
                    r.requirement_zh,
                    r.requirement_en,
                )
            )
            or text in r.reason(lg).lower()
        )
    ]
    st.caption(tr("applicability.shown", shown=len(shown), total=len(statement.rows)))
    if not shown:
        st.info(tr("applicability.empty"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                tr("col.id"): [display_id(r.item_id, lg) for r in shown],
                tr("applicability.col_status"): [STATUS_WORDS[r.status][lg] for r in shown],
                tr("applicability.col_overridden"): ["✎" if r.overridden else "" for r in shown],
                tr("col.control_point"): [
                    f"{r.control_point_zh if lg == 'zh' else r.control_point_en} {r.letter})" for r in shown
                ],
                tr("applicability.col_reason"): [r.reason(lg) for r in shown],
                tr("col.requirement"): [r.requirement_zh if lg == "zh" else r.requirement_en for r in shown],
                tr("col.scope"): [_scope_name(r.extension, lg) for r in shown],
            }
        ),
        hide_index=True,
        height=480,
        key=f"ap_table_{system.id}",
    )


# ---------------------------------------------------------------- ④ the user's adjustments


def _split(base: Statement, overrides: list[Override]) -> tuple[list[Override], list[Stale]]:
    """The stored adjustments that fit the statement in view, and those that do not (kept, but without effect):
    the core decides, one adjustment at a time."""
    lg = lang()
    present = {r.item_id for r in base.rows}
    good: list[Override] = []
    stale: list[Stale] = []
    for o in overrides:
        try:
            apply_overrides(base, [*good, o])
        except ValueError as exc:
            if o.item_id not in present:
                why = t("applicability.override_stale_missing", lg)
            elif o.status is Status.INHERITED and base.profile.cloud_role is not CloudRole.CUSTOMER:
                why = t("applicability.override_stale_inherited", lg)
            else:
                why = one_line(exc)
            stale.append(Stale(o, why))
            continue
        good.append(o)
    return good, stale


def _override_form(system: System, stored: Stored, statement: Statement, good: list[Override], editable: bool) -> None:
    lg = lang()
    st.subheader(tr("applicability.override_heading"))
    st.caption(tr("applicability.override_intro"))
    if not stored.saved:
        st.info(tr("applicability.override_needs_profile"))
        return
    by_id = {r.item_id: r for r in statement.rows}
    ids = list(by_id)
    customer = stored.profile.cloud_role is CloudRole.CUSTOMER
    statuses = [s for s in STATUSES if customer or s != Status.INHERITED.value]
    v = st.session_state.get(f"ap_ov_v_{system.id}", 0)
    k = f"ap_ov_{system.id}_{v}_{lg}"
    with st.form(f"ap_override_{system.id}_{v}"):
        item_id = st.selectbox(
            tr("applicability.override_item"),
            ids,
            format_func=lambda i: (
                f"{display_id(i, lg)} · {by_id[i].control_point_zh if lg == 'zh' else by_id[i].control_point_en} "
                f"{by_id[i].letter}) · {STATUS_WORDS[by_id[i].status][lg]}"
            ),
            key=f"{k}_item",
        )
        status = st.radio(
            tr("applicability.override_status"),
            statuses,
            index=statuses.index(Status.NOT_APPLICABLE.value),
            format_func=lambda s: STATUS_WORDS[Status(s)][lg],
            horizontal=True,
            key=f"{k}_status",
        )
        reason = st.text_area(
            tr("applicability.override_reason"),
            help=tr("applicability.override_reason_help"),
            max_chars=2000,
            height=80,
            key=f"{k}_reason",
        )
        submitted = st.form_submit_button(tr("applicability.override_add"), type="primary", disabled=not editable)
    if not submitted:
        return
    if not reason.strip():
        st.error(tr("applicability.reason_required"))
        return
    new = Override(item_id, reason.strip(), Status(status))
    try:
        apply_overrides(statement, [*(o for o in good if o.item_id != item_id), new])
    except ValueError as exc:
        st.error(tr("applicability.override_invalid", error=one_line(exc)))
        return
    if any(o.item_id == item_id for o in stored.overrides):
        st.toast(tr("applicability.override_replaces", id=display_id(item_id, lg)))
    kept = [o for o in stored.overrides if o.item_id != item_id]
    if _write(system.id, stored.profile, [*kept, new]):
        st.session_state[f"ap_ov_v_{system.id}"] = v + 1
        st.toast(tr("applicability.override_saved", id=display_id(item_id, lg)))
        st.rerun()


def _override_list(
    system: System, stored: Stored, statement: Statement, good: list[Override], stale: list[Stale], editable: bool
) -> None:
    lg = lang()
    st.markdown(f"**{tr('applicability.overrides_list', n=len(stored.overrides))}**")
    if not stored.overrides:
        st.caption(tr("applicability.overrides_none"))
        return
    remove = None
    for o in good:
        row = statement.row(o.item_id)
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        c1.markdown(
            tr(
                "applicability.override_line",
                id=display_id(o.item_id, lg),
                cp=f"{row.control_point_zh if lg == 'zh' else row.control_point_en} {row.letter})",
                rule=STATUS_WORDS[row.rule_status or row.status][lg],
                status=STATUS_WORDS[o.status][lg],
                reason=one_line(o.reason),
            )
        )
        if c2.button(tr("applicability.override_remove"), key=f"ap_rm_{system.id}_{o.item_id}", disabled=not editable):
            remove = o.item_id
    for s in stale:
        o = s.override
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        c1.warning(
            tr(
                "applicability.override_stale_line",
                id=display_id(o.item_id, lg),
                status=STATUS_WORDS[o.status][lg],
                reason=one_line(o.reason),
            )
            + "  \n"
            + s.why
        )
        if c2.button(tr("applicability.override_remove"), key=f"ap_rm_{system.id}_{o.item_id}", disabled=not editable):
            remove = o.item_id
    if remove is not None and _write(system.id, stored.profile, [o for o in stored.overrides if o.item_id != remove]):
        st.toast(tr("applicability.override_removed", id=display_id(remove, lg)))
        st.rerun()


# ---------------------------------------------------------------- the page


def render() -> None:
    st.title(tr("applicability.title"))
    st.caption(tr("applicability.intro"))
    org, system = in_view()
    if org is None or system is None:
        st.info(tr("applicability.no_system"))
        return
    st.caption(tr("applicability.context", org=one_line(org.name), system=one_line(system.name)))
    editable = ws().can_edit(org.id)
    if not editable:
        st.info(tr("auth.read_only"))
    stored = _load(system)
    level = _level(system)
    try:
        base = statement_of_applicability(catalogue(), level, stored.profile)
    except ValueError as exc:
        st.error(tr("applicability.invalid", error=one_line(exc)))
        return
    good, stale = _split(base, stored.overrides)
    statement = apply_overrides(base, good) if good else base
    _findings(statement)
    if stale:
        st.warning(tr("applicability.overrides_stale_banner", n=len(stale)))
    tabs = st.tabs(
        [
            tr("applicability.tab_profile"),
            tr("applicability.tab_extensions"),
            tr("applicability.tab_statement"),
            tr("applicability.tab_overrides"),
        ]
    )
    with tabs[0]:
        if stored.saved:
            st.caption(tr("applicability.profile_saved_by"))
        else:
            st.info(tr("applicability.profile_unsaved"))
        _suggestions(system, stored, statement, editable)
        _profile_form(system, stored, editable)
        conditions_form(system, stored.profile, level, editable)
    with tabs[1]:
        _extensions(system, stored, statement, editable)
    with tabs[2]:
        _statement(system, stored, statement)
    with tabs[3]:
        _override_form(system, stored, statement, good, editable)
        _override_list(system, stored, statement, good, stale, editable)


render()
