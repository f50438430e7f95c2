"""The store, the acting user, and the organisation and system in view (kept in the URL across reloads)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.db import open_store
from mlps.rules.auth import Actor
from mlps.rules.domain import Organisation, System
from mlps.services.workspace import Workspace
from mlps.settings import Settings
from mlps.ui.common import query_int, tr


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> sessionmaker:
    return open_store(url)


def settings() -> Settings:
    return Settings.from_env()


def store() -> sessionmaker:
    """One engine per database URL per process (cached), migrated on first use."""
    return _open_store(settings().database_url)


def actor() -> Actor:
    """The signed-in user (app.py's gate has run before any page)."""
    return st.session_state["_actor"]


def ws() -> Workspace:
    """The store as the signed-in user may use it: every read and write is checked against their role."""
    return Workspace(store(), actor())


def user() -> str:
    return actor().username


def _remember_param(key: str, value) -> None:
    if value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def _param_int(key: str) -> int | None:
    return query_int(key)


def _org_changed() -> None:
    _remember_param("org", st.session_state["ctx_org"])
    _remember_param("system", None)


def _system_changed(key: str) -> None:
    _remember_param("system", st.session_state[key])


def select_system(system_id: int) -> None:
    """Put another system of the same organisation in view (e.g. after creating it) from the next run on."""
    _remember_param("system", system_id)
    st.session_state["_select_system"] = system_id


def select_organisation(org_id: int) -> None:
    """Put another organisation in view from the next run on (widgets cannot change after they are drawn)."""
    _remember_param("org", org_id)
    _remember_param("system", None)
    st.session_state["_select_org"] = org_id


def sidebar() -> tuple[Organisation | None, System | None]:
    """Draw the organisation and system pickers and the user's name; return what is in view."""
    w = ws()
    orgs = w.organisations()
    if not orgs:
        st.sidebar.info(tr("ctx.no_org"))
        return None, None
    ids = [o.id for o in orgs]
    if st.session_state.get("_select_org") in ids:
        st.session_state["ctx_org"] = st.session_state.pop("_select_org")
    if st.session_state.get("ctx_org") not in ids:
        wanted = _param_int("org")
        st.session_state["ctx_org"] = wanted if wanted in ids else ids[0]
    org_id = st.sidebar.selectbox(
        tr("ctx.organisation"),
        ids,
        format_func={o.id: o.name for o in orgs}.get,
        key="ctx_org",
        on_change=_org_changed,
    )
    org = next(o for o in orgs if o.id == org_id)
    systems = w.systems(org.id)
    if not systems:
        return org, None
    sids = [s.id for s in systems]
    key = f"ctx_sys_{org.id}"
    if st.session_state.get("_select_system") in sids:
        st.session_state[key] = st.session_state.pop("_select_system")
    if st.session_state.get(key) not in sids:
        wanted_sys = _param_int("system")
        st.session_state[key] = wanted_sys if wanted_sys in sids else sids[0]
    sys_id = st.sidebar.selectbox(
        tr("ctx.system"),
        sids,
        format_func={s.id: s.name for s in systems}.get,
        key=key,
        on_change=_system_changed,
        args=(key,),
    )
    return org, next(s for s in systems if s.id == sys_id)


def in_view() -> tuple[Organisation | None, System | None]:
    """What the sidebar chose on this run (set by app.py before the page runs)."""
    return st.session_state.get("_ctx_org"), st.session_state.get("_ctx_system")
