"""The layer rules of docs/architecture.md, checked on every module's imports (function-level ones included)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "mlps"
OUTPUT_LIBRARIES = ("streamlit", "sqlalchemy", "alembic", "reportlab", "openpyxl", "plotly")


def imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for p in paths:
        bad = sorted(m for m in imports(p) if any(m == f or m.startswith(f + ".") for f in forbidden))
        if bad:
            found[str(p.relative_to(ROOT))] = bad
    return found


def test_the_rules_import_no_store_screen_document_or_spreadsheet_library():
    forbidden = (*OUTPUT_LIBRARIES, "mlps.adapters", "mlps.services", "mlps.ui", "mlps.cli")
    assert offending(modules("rules"), forbidden) == {}


def test_adapters_and_services_never_import_the_shell():
    assert offending(modules("adapters"), ("streamlit", "mlps.services", "mlps.ui", "mlps.cli")) == {}
    assert offending(modules("services"), ("streamlit", "mlps.ui", "mlps.cli")) == {}


def test_pages_and_commands_reach_the_store_only_through_services():
    shell = [ROOT / "app.py", *modules("ui"), *modules("cli")]
    store_modules = [
        f"mlps.adapters.store.{p.stem}" for p in (PACKAGE / "adapters" / "store").glob("*.py") if p.stem != "db"
    ]
    allowed = {"mlps/cli/backup.py": {"mlps.adapters.store.backup"}}  # backup works on the raw database file
    found = offending(shell, (*store_modules, "mlps.adapters.store.repository"))
    assert {k: v for k, v in found.items() if set(v) - allowed.get(k, set())} == {}


def test_every_document_the_code_cites_exists():
    cited = set()
    for p in [ROOT / "app.py", *PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.yaml")]:
        cited.update(re.findall(r"\bdocs/[\w.-]+\.md\b", p.read_text(encoding="utf-8")))
    assert cited, "the code cites its documents as docs/<name>.md"
    assert sorted(c for c in cited if not (ROOT / c).exists()) == []


@pytest.mark.parametrize("name", ["DOMAIN.md", "ENGINEERING.md", "ARCHITECTURE.md", "JOURNEYS.md"])
def test_no_docstring_cites_a_file_outside_the_repository(name):
    citing = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py") if name in p.read_text(encoding="utf-8")]
    assert citing == []
