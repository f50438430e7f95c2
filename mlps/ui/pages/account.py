"""My account: change my own password, confirm the e-mail an admin set for single sign-on."""

from __future__ import annotations

import streamlit as st

from mlps.ui.common import tr
from mlps.ui.context import ws
from mlps.ui.safe import one_line
from mlps.ui.signin import password_problem, session_id


def render() -> None:
    st.title(tr("sec.account"))
    w = ws()
    me = w.my_account()
    st.caption(tr("auth.signed_in_as", name=one_line(me["display_name"] or me["username"])))
    st.subheader(tr("sec.email"))
    if not me["email"]:
        st.info(tr("sec.email_none"))
    elif me["email_confirmed"]:
        st.success(tr("sec.email_confirmed", email=one_line(me["email"])))
    else:
        st.info(tr("sec.email_unconfirmed", email=one_line(me["email"])))
        if st.button(tr("sec.confirm_email"), key="confirm_email"):
            w.confirm_my_email()
            st.rerun()
    st.subheader(tr("sec.change_password"))
    st.caption(tr("sec.pw.rule"))
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input(tr("sec.current_password"), type="password", key="pw_current")
        new1 = st.text_input(tr("sec.new_password"), type="password", key="pw_new1")
        new2 = st.text_input(tr("auth.password_again"), type="password", key="pw_new2")
        if st.form_submit_button(tr("sec.change_password"), type="primary"):
            if new1 != new2:
                st.error(tr("auth.mismatch"))
                return
            try:
                w.change_my_password(current, new1, keep_session=session_id())
            except PermissionError:
                st.error(tr("sec.wrong_current"))
            except ValueError as exc:
                st.error(password_problem(exc))
            else:
                st.success(tr("sec.password_changed"))


render()
