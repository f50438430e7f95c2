"""The sign-in gate: first administrator on an empty database, local sign-in, optional single sign-on,
idle expiry, sign-out. Unauthenticated visitors see only this."""

from __future__ import annotations

import logging
import time

import streamlit as st

from mlps.rules.auth import Actor
from mlps.services import accounts
from mlps.ui.common import tr

log = logging.getLogger("mlps.ui")
AUTH_KEY = "auth"


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _first_admin(sm) -> None:
    st.title(tr("auth.first_title"))
    st.write(tr("auth.first_intro"))
    with st.form("first_admin"):
        username = st.text_input(tr("auth.username"), key="first_username")
        display = st.text_input(tr("auth.display_name"), key="first_display")
        pw1 = st.text_input(tr("auth.password"), type="password", key="first_pw1")
        pw2 = st.text_input(tr("auth.password_again"), type="password", key="first_pw2")
        if st.form_submit_button(tr("auth.create_admin"), type="primary"):
            if pw1 != pw2:
                st.error(tr("auth.mismatch"))
                return
            try:
                actor = accounts.create_first_admin(sm, username, pw1, display)
            except PermissionError:
                st.error(tr("auth.already_set_up"))
                return
            except ValueError as exc:
                st.error(tr("auth.invalid", error=str(exc)))
                return
            _signed_in(actor)
            st.rerun()


def _signed_in(actor: Actor) -> None:
    st.session_state[AUTH_KEY] = {"username": actor.username, "seen": time.time()}


def sign_out() -> None:
    st.session_state.pop(AUTH_KEY, None)
    if _sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def _sign_in_form(sm) -> None:
    st.title(tr("app.title"))
    st.caption(tr("app.subtitle"))
    with st.form("sign_in"):
        username = st.text_input(tr("auth.username"), key="signin_username")
        password = st.text_input(tr("auth.password"), type="password", key="signin_password")
        if st.form_submit_button(tr("auth.sign_in"), type="primary"):
            try:
                actor = accounts.sign_in(sm, username, password)
            except accounts.SignInFailed as exc:
                st.error(tr("auth.failed_wait", s=exc.wait) if exc.wait else tr("auth.failed"))
                return
            _signed_in(actor)
            st.rerun()
    if _sso_configured():
        st.button(tr("auth.sso"), on_click=st.login)


def gate(sm, idle_minutes: int) -> Actor:
    """Return the signed-in user, or draw the sign-in (or first-run) page and stop the run."""
    if not accounts.has_users(sm):
        _first_admin(sm)
        st.stop()
    auth = st.session_state.get(AUTH_KEY)
    if auth and time.time() - auth["seen"] > idle_minutes * 60:
        st.session_state.pop(AUTH_KEY, None)
        st.warning(tr("auth.expired"))
        auth = None
    if auth is None and _sso_configured() and getattr(st.user, "is_logged_in", False):
        try:
            _signed_in(accounts.actor_by_email(sm, st.user.email or ""))
            auth = st.session_state[AUTH_KEY]
        except LookupError:
            st.error(tr("auth.sso_unknown"))
    if auth is None:
        _sign_in_form(sm)
        st.stop()
    try:
        actor = accounts.actor(sm, auth["username"])
    except LookupError:
        st.session_state.pop(AUTH_KEY, None)
        _sign_in_form(sm)
        st.stop()
    auth["seen"] = time.time()
    return actor
