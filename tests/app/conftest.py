from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def app() -> AppTest:
    """The whole app (app.py with its navigation), run once, on the default page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    return at.run()
