from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mlps import demo
from mlps.catalogue import load_catalogue
from mlps.store.db import open_store
from tests.conftest import ROOT


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    """An empty SQLite database of the test's own, which the app under test will use."""
    url = f"sqlite:///{tmp_path / 'mlps.db'}"
    monkeypatch.setenv("MLPS_DATABASE_URL", url)
    monkeypatch.setenv("MLPS_DATA_DIR", str(tmp_path))
    return url


@pytest.fixture
def demo_store(db_url):
    """The demo school in the test's database."""
    sm = open_store(db_url)
    demo.create(sm, load_catalogue())
    return sm


def new_app(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = str(v)
    return at


@pytest.fixture
def app(db_url) -> AppTest:
    """The whole app (app.py with its navigation) on an empty database, on the Requirements page."""
    at = new_app()
    at.run()
    return at.switch_page("mlps/ui/pages/requirements.py").run()
