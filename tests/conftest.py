"""Shared fixtures: catalogue folders to break, and the project root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "data" / "mini_catalogue"


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A small valid catalogue (levels 1-2, general and cloud) in a folder the test may change."""
    target = tmp_path / "controls"
    shutil.copytree(MINI, target)
    shutil.copy(ROOT / "mlps" / "controls" / "taxonomy.yaml", target / "taxonomy.yaml")
    return target
