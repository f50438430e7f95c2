"""What every page shares: the language, the one translation helper, the catalogue, and the error guard."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from mlps.i18n import LANGUAGES, normalise_language, t
from mlps.rules.catalogue import Catalogue, load_catalogue

log = logging.getLogger("mlps.ui")
LANG_KEY = "lang"
T = TypeVar("T")


def lang() -> str:
    """The language in view. Kept in the URL (?lang=en) so that it survives a reload or a new tab."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalise_language(st.query_params.get(LANG_KEY))
    return st.session_state[LANG_KEY]


def query_int(key: str) -> int | None:
    """A whole-number query parameter (an id in the URL), or None for anything else: only ASCII digits count
    (`str.isdigit` also accepts "²", which `int` refuses), at most 12 of them."""
    raw = st.query_params.get(key)
    if raw is None or not re.fullmatch(r"[0-9]{1,12}", raw):
        return None
    return int(raw)


def tr(key: str, **values: object) -> str:
    """Translate a UI string into the language in view."""
    return t(key, lang(), **values)


def _language_changed() -> None:
    st.query_params[LANG_KEY] = st.session_state[LANG_KEY]


def language_switch() -> None:
    lang()
    st.sidebar.radio(
        t("app.language", lang()),
        LANGUAGES,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key=LANG_KEY,
        horizontal=True,
        on_change=_language_changed,
    )


def catalogue() -> Catalogue:
    """The validated catalogue (the core caches it per file modification time)."""
    return load_catalogue()


def run_guarded(render: Callable[[], object]) -> None:
    """Run a page; an unexpected error shows a plain message with a reference, the traceback goes to the log."""
    try:
        render()
    except ScriptControlException:
        raise
    except PermissionError as exc:
        st.error(tr("auth.denied", error=str(exc)))
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("page error, reference %s", ref)
        st.error(tr("app.error", ref=ref))


def guarded(step: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run one step of the shell (the sign-in gate, the sidebar) under the same guard as a page; on an
    unexpected error the visitor sees the plain message and the run stops there."""
    outcome: list[T] = []
    run_guarded(lambda: outcome.append(step(*args, **kwargs)))
    if not outcome:
        st.stop()
    return outcome[0]


def lang_key(key: str) -> str:
    """A widget key for one language, carrying over the value last chosen in the other language.

    Widgets whose option labels are translated must not keep one key across a language switch (the browser
    sends back a label of the old language). Each language gets its own key; the value is remembered under
    `_key` by `remember` and restored here.
    """
    wkey = f"{key}.{lang()}"
    memory = f"_{key}"
    if wkey not in st.session_state and memory in st.session_state:
        st.session_state[wkey] = st.session_state[memory]
    return wkey


def remember(key: str, value: object) -> object:
    st.session_state[f"_{key}"] = value
    return value


def has_value(key: str) -> bool:
    return f"{key}.{lang()}" in st.session_state
