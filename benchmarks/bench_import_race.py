"""Excel imports racing against assessors' saves on SQLite and PostgreSQL (issue 13, item 2): six savers and two
importers for MLPS_BENCH_SECONDS (default 60) per database; saves reported landed and later overwritten by an
import, counted from the audit trail, must be 0. PostgreSQL as in bench_concurrent_saves (a throwaway server
on 127.0.0.1, or MLPS_TEST_PG_URL)."""

from __future__ import annotations

import importlib.util
import os
import tempfile
import time
from pathlib import Path

from mlps.adapters.store.db import open_store
from tests.integration.import_race import race, seed

HERE = Path(__file__).resolve().parent


def _postgres():
    spec = importlib.util.spec_from_file_location("bench_concurrent_saves", HERE / "bench_concurrent_saves.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.postgres()


def _one(url: str, label: str, seconds: float) -> dict:
    sm = open_store(url)
    try:
        began = time.perf_counter()
        counts = race(sm, seed(sm), seconds)
        took = time.perf_counter() - began
    finally:
        sm.kw["bind"].dispose()
    note = ", ".join(f"{k} {v}" for k, v in counts.items())
    return {"name": f"import vs saves race, {label}: saves overwritten (count)", "seconds": float(counts["lost"]),
            "target": 0, "note": f"{took:.0f} s: {note}"}  # fmt: skip


def run() -> list[dict]:
    seconds = float(os.environ.get("MLPS_BENCH_SECONDS") or 60)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(_one(f"sqlite:///{tmp}/race.db", "SQLite", seconds))
    with _postgres() as url:
        if url:
            rows.append(_one(url, "PostgreSQL", seconds))
    return rows
