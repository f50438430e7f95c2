"""Users and roles: organisation admins give colleagues a role; site admins also create accounts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.i18n import t
from mlps.rules.auth import Role
from mlps.ui.common import lang, tr
from mlps.ui.context import in_view, ws
from mlps.ui.safe import one_line
from mlps.ui.signin import password_problem


def render() -> None:
    st.title(tr("users.title"))
    lg = lang()
    w = ws()
    org, _ = in_view()
    try:
        people = w.users()
    except PermissionError:
        st.info(tr("users.not_admin"))
        return
    orgs = {o.id: o.name for o in w.organisations()}
    st.dataframe(
        pd.DataFrame(
            [{tr("users.table_user"): u, tr("users.table_name"): d, tr("users.table_site_admin"): "✓" if a else "",
              tr("users.table_roles"): "; ".join(f"{orgs.get(o, o)}: {t('users.role.' + r, lg)}" for o, r in m.items())}
             for u, d, a, m in people]
        ),
        hide_index=True,
    )  # fmt: skip
    with st.expander(tr("users.add")), st.form("add_user"):
        st.caption(tr("sec.pw.rule"))
        username = st.text_input(tr("auth.username"), key="new_user_name")
        display = st.text_input(tr("auth.display_name"), key="new_user_display")
        password = st.text_input(tr("auth.password"), type="password", key="new_user_pw")
        site_admin = st.checkbox(tr("users.site_admin"), disabled=not w.actor.is_admin, key="new_user_admin")
        if st.form_submit_button(tr("users.create"), type="primary"):
            try:  # an organisation admin's new account is a member (viewer) of the organisation in view
                w.create_user(username, password, is_admin=site_admin, display_name=display,
                              organisation_id=None if w.actor.is_admin else (org.id if org else None))  # fmt: skip
            except (ValueError, PermissionError) as exc:
                st.error(tr("auth.invalid", error=one_line(password_problem(exc))))
            else:
                st.success(tr("users.created", name=one_line(username)))
                st.rerun()
    _manage(w, [u for u, *_ in people])
    if org is None or not w.is_org_admin(org.id):
        return
    st.subheader(f"{tr('users.set_role')} · {one_line(org.name)}")
    members = [u for u, _d, a, m in people if w.actor.is_admin or org.id in m]
    with st.form("set_role"):
        who = st.selectbox(tr("users.table_user"), members, key="role_user")
        roles = ["admin", "assessor", "viewer", "none"]
        role = st.selectbox(tr("users.role"), roles, format_func=lambda r: t(f"users.role.{r}", lg), key="role_value")
        if st.form_submit_button(tr("users.apply_role")):
            w.set_role(who, org.id, None if role == "none" else Role.parse(role))
            st.success(tr("users.role_saved"))
            st.rerun()


def _manage(w, names: list[str]) -> None:
    """Set an account's e-mail (for single sign-on), reset its password, clear its sign-in wait."""
    if not names:
        return
    with st.expander(tr("sec.manage")):
        who = st.selectbox(tr("users.table_user"), names, key="manage_user")
        with st.form("set_email", clear_on_submit=True):
            email = st.text_input(tr("sec.email"), key="manage_email")
            if st.form_submit_button(tr("sec.set_email")):
                _done(lambda: w.set_email(who, email))
        with st.form("reset_password", clear_on_submit=True):
            st.caption(tr("sec.pw.rule"))
            password = st.text_input(tr("sec.new_password"), type="password", key="manage_pw")
            if st.form_submit_button(tr("sec.reset_password")):
                _done(lambda: w.reset_password(who, password))
        if st.button(tr("sec.unlock"), key="manage_unlock"):
            _done(lambda: w.unlock(who))


def _done(action) -> None:
    try:
        action()
    except (ValueError, PermissionError) as exc:
        st.error(tr("auth.invalid", error=one_line(password_problem(exc))))
    else:
        st.success(tr("sec.done"))


render()
