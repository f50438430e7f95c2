"""The largest import a workbook allows (100 objects x 367 level-4 items = 36,700 results) does not hold SQLite's
write lock for the length of the import: an assessor saving all the while keeps saving, each save waiting at
most for the short write at the end, never failing with "database is locked" (issue 13, item 6). The import is
still all or nothing (tests/integration/test_agency_import.py)."""

from __future__ import annotations

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from tests.integration.large_import import import_beside_saves, largest_import, seed

BUSY_TIMEOUT = 10.0  # seconds a save waits for the lock before SQLite gives up (PRAGMA busy_timeout in db.py)


def test_the_largest_import_lets_a_concurrent_save_through(tmp_path):
    sm = open_store(f"sqlite:///{tmp_path / 'mlps.db'}")
    assessment_id = seed(sm)
    rows = largest_import()
    assert len(rows) == 36_700
    for run in ("every result new", "every result replaced"):
        got = import_beside_saves(sm, assessment_id, rows)
        assert got["written"] == 36_700, run
        assert got["failures"] == [], (run, got)
        assert got["saves"] >= 5, (run, got)  # the saver really saved while the import ran
        # the lock is held only for the batched write at the end, not for the whole import (before: all of it)
        assert got["longest_wait"] < min(0.5 * got["seconds"], BUSY_TIMEOUT), (run, got)
    stored = repo.results(sm, assessment_id)
    assert len(stored) == 36_700 + 1  # every imported result, and the saver's item of the whole system
    assert {r.version for r in stored if r.assessed_object} == {2}
