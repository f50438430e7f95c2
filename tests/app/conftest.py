from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from mlps.rules.catalogue import load_catalogue
from mlps.services import demo
from tests.conftest import ROOT

PASSWORD = "lantern-orchard-42"


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    """A SQLite database of the test's own, which the app under test will use, with one site administrator
    (wang) and nothing else."""
    url = f"sqlite:///{tmp_path / 'mlps.db'}"
    monkeypatch.setenv("MLPS_DATABASE_URL", url)
    monkeypatch.setenv("MLPS_DATA_DIR", str(tmp_path))
    users.create_user(open_store(url), "wang", PASSWORD, by="test", is_admin=True, display_name="王老师")
    return url


@pytest.fixture
def demo_store(db_url):
    """The demo school in the test's database."""
    sm = open_store(db_url)
    demo.create(sm, load_catalogue())
    return sm


def new_app(signed_in: str | None = "wang", **query) -> AppTest:
    """The app as a browser session would open it; `signed_in` names the user already signed in (None: nobody)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if signed_in:
        at.session_state["auth"] = {"username": signed_in, "seen": time.time()}
    for k, v in query.items():
        at.query_params[k] = str(v)
    return at


@pytest.fixture
def app(db_url) -> AppTest:
    """The whole app (app.py with its navigation) on an empty database, on the Requirements page."""
    at = new_app()
    at.run()
    return at.switch_page("mlps/ui/pages/requirements.py").run()
