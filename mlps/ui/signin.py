"""The sign-in gate: first administrator (with the one-time setup token) on an empty database, local sign-in,
optional single sign-on, idle expiry, sign-out. Unauthenticated visitors see only this."""

from __future__ import annotations

import logging
import time

import streamlit as st

from mlps.rules.auth import Actor, PasswordRejected
from mlps.services import accounts
from mlps.ui.common import tr

log = logging.getLogger("mlps.ui")
AUTH_KEY = "auth"
COOKIE = "mlps_session"  # set and cleared by mlps.ui.web (HttpOnly: page scripts cannot read it)
_HANDOFF = "_session_handoff"
_CLEAR = "_session_clear"  # the browser is still to drop its cookie (a script posts to /_mlps/signout)
# This tab signed out (or its session ended): the cookie it connected with is never read again in it, whatever
# the browser still sends; only a new sign-in clears the mark.
_SIGNED_OUT = "_signed_out"


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def password_problem(exc: ValueError) -> str:
    """A refused password (or other bad input) in the language in view."""
    if isinstance(exc, PasswordRejected):
        return tr(f"sec.pw.{exc.code}", **exc.params)
    return str(exc)


def _first_admin(sm) -> None:
    st.title(tr("auth.first_title"))
    st.write(tr("auth.first_intro"))
    st.caption(tr("sec.pw.rule"))
    with st.form("first_admin"):
        token = st.text_input(tr("sec.setup_token"), type="password", key="first_token", help=tr("sec.setup_help"))
        username = st.text_input(tr("auth.username"), key="first_username")
        display = st.text_input(tr("auth.display_name"), key="first_display")
        pw1 = st.text_input(tr("auth.password"), type="password", key="first_pw1")
        pw2 = st.text_input(tr("auth.password_again"), type="password", key="first_pw2")
        if st.form_submit_button(tr("auth.create_admin"), type="primary"):
            if pw1 != pw2:
                st.error(tr("auth.mismatch"))
                return
            try:
                actor = accounts.create_first_admin(sm, token, username, pw1, display_name=display)
            except PermissionError:
                st.error(tr("sec.setup_bad"))
                return
            except ValueError as exc:
                st.error(tr("auth.invalid", error=password_problem(exc)))
                return
            _signed_in(actor, sm)
            st.rerun()


def _signed_in(actor: Actor, sm=None) -> None:
    """Start a server-side session; the browser trades the one-time code for its cookie (see `_browser`)."""
    auth = {"username": actor.username, "seen": time.time()}
    st.session_state.pop(_SIGNED_OUT, None)
    if sm is not None:
        auth["sid"], st.session_state[_HANDOFF] = accounts.start_session(sm, actor.username)
    st.session_state[AUTH_KEY] = auth


def _browser(script: str) -> None:
    """Run a small script of ours in the page (posting to our own routes; never with user text in it)."""
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def _session_scripts() -> None:
    code = st.session_state.pop(_HANDOFF, None)
    if code:  # the code is random url-safe text, not user input; it works once, for a minute
        _browser("fetch('_mlps/session',{method:'POST',credentials:'same-origin',"
                 f"headers:{{'Content-Type':'application/json'}},body:JSON.stringify({{code:'{code}'}})}})")
    if st.session_state.pop(_CLEAR, False):
        _browser("fetch('_mlps/signout',{method:'POST',credentials:'same-origin',"
                 "headers:{'Content-Type':'application/json'},body:'{}'})")


def sign_out() -> None:
    """End this tab's session on the server (by its id and by the cookie the tab connected with, in case they
    differ), mark the tab signed out, and have the browser drop its cookie."""
    auth = st.session_state.pop(AUTH_KEY, None) or {}
    st.session_state[_SIGNED_OUT] = st.session_state[_CLEAR] = True
    from mlps.ui.context import store

    if auth.get("sid"):
        accounts.end_session(store(), auth["sid"])
    token = _cookie()
    if token:
        accounts.end_session_by_token(store(), token)
    if _sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def session_id() -> int | None:
    return (st.session_state.get(AUTH_KEY) or {}).get("sid")


def remember_view(sm, organisation_id: int | None, system_id: int | None) -> None:
    """Keep the organisation and system in view with the session, for a new tab or a reload without the URL."""
    sid = session_id()
    if sid is None or st.session_state.get("_view_kept") == (organisation_id, system_id):
        return
    accounts.remember_view(sm, sid, organisation_id, system_id)
    st.session_state["_view_kept"] = (organisation_id, system_id)


def _cookie() -> str:
    """The session cookie the browser sent when this tab connected ("" if none)."""
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no request context
        return ""
    return token if isinstance(token, str) else ""


def _from_cookie(sm, idle_minutes: int) -> dict | None:
    """A live session named by the browser's cookie (a reload or a new tab): signed in again, with the
    organisation and system that were in view."""
    token = _cookie()
    live = accounts.session_by_token(sm, token, idle_minutes) if token else None
    if live is None:
        return None
    if "org" not in st.query_params and live.organisation_id is not None:
        st.query_params["org"] = str(live.organisation_id)
        if live.system_id is not None:
            st.query_params["system"] = str(live.system_id)
    st.session_state["_view_kept"] = (live.organisation_id, live.system_id)
    return {"username": live.username, "seen": time.time(), "sid": live.id}


def _source(trusted_proxy: bool) -> str:
    """The client's address for throttling: the proxy's X-Real-IP when behind a trusted proxy."""
    try:
        if trusted_proxy:
            forwarded = st.context.headers.get("X-Real-Ip") or st.context.headers.get("X-Forwarded-For") or ""
            if isinstance(forwarded, str) and forwarded:
                return forwarded.split(",")[0].strip()[:150]
        address = st.context.ip_address
    except Exception:  # no request context (tests, scripts)
        return ""
    return address[:150] if isinstance(address, str) else ""


def _sign_in_form(sm, trusted_proxy: bool) -> None:
    st.title(tr("app.title"))
    st.caption(tr("app.subtitle"))
    with st.form("sign_in"):
        username = st.text_input(tr("auth.username"), key="signin_username")
        password = st.text_input(tr("auth.password"), type="password", key="signin_password")
        if st.form_submit_button(tr("auth.sign_in"), type="primary"):
            try:
                actor = accounts.sign_in(sm, username, password, source=_source(trusted_proxy))
            except accounts.SignInFailed as exc:
                st.error(tr("auth.failed_wait", s=exc.wait) if exc.wait else tr("auth.failed"))
                return
            _signed_in(actor, sm)
            st.rerun()
    if _sso_configured():
        st.button(tr("auth.sso"), on_click=st.login)


def sso_email(claims, trusts_email: bool) -> str:
    """The e-mail of a single sign-on identity if the provider vouches for it, else "". A missing or empty claim,
    or `email_verified` other than true (unless the provider is set as verifying every e-mail), gives ""."""
    get = claims.get if hasattr(claims, "get") else (lambda _k, _d=None: None)
    email = get("email", None)
    if not isinstance(email, str) or not email.strip():
        return ""
    verified = get("email_verified", None)
    if verified is True or (isinstance(verified, str) and verified.lower() == "true"):
        return email.strip()
    return email.strip() if trusts_email and verified is None else ""


def gate(sm, idle_minutes: int, *, trusted_proxy: bool = False, sso_trusts_email: bool = False) -> Actor:
    """Return the signed-in user, or draw the sign-in (or first-run) page and stop the run."""
    if not accounts.has_users(sm):
        _first_admin(sm)
        st.stop()
    _session_scripts()
    auth = st.session_state.get(AUTH_KEY)
    if auth and (time.time() - auth["seen"] > idle_minutes * 60
                 or ("sid" in auth and not accounts.session_is_live(sm, auth["sid"], idle_minutes))):  # fmt: skip
        st.session_state.pop(AUTH_KEY, None)
        st.session_state[_SIGNED_OUT] = st.session_state[_CLEAR] = True
        st.warning(tr("auth.expired"))
        auth = None
    if auth is None and not st.session_state.get(_SIGNED_OUT):
        auth = _from_cookie(sm, idle_minutes)
        if auth is not None:
            st.session_state[AUTH_KEY] = auth
    if auth is None and _sso_configured() and getattr(st.user, "is_logged_in", False):
        email = sso_email(st.user, sso_trusts_email)
        try:
            if not email:
                raise LookupError("no verified e-mail")
            _signed_in(accounts.actor_by_email(sm, email), sm)
            auth = st.session_state[AUTH_KEY]
        except LookupError:
            st.error(tr("sec.sso_no_email") if not email else tr("auth.sso_unknown"))
    if auth is None:
        _sign_in_form(sm, trusted_proxy)
        st.stop()
    try:
        actor = accounts.actor(sm, auth["username"])
    except LookupError:
        st.session_state.pop(AUTH_KEY, None)
        _sign_in_form(sm, trusted_proxy)
        st.stop()
    auth["seen"] = time.time()
    return actor
