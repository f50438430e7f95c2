"""Agency workbook import speed (issue 16).

A level-3 + cloud workbook in the agency layout with 40 sheets and 1,000 result rows (tests/data/xlsx/agency.py:
ten category sheets and device sheets, a details row above each device's header, scope written once per block,
control points once per group, an unlabelled weight column and row number):
1. the plan (read, map every row, decisions, left-out rows, weights) — what the person waits for after the upload;
2. confirming it: the plan's results and the objects' descriptions through the service, in one transaction, on a
   SQLite file as `make run` uses (a fresh assessment each time).
Target: the plan in under 3 s on this 2-core machine.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from mlps.adapters.exchange import plan_import
from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Organisation, System
from mlps.services import agency_import as agency
from mlps.services.workspace import Workspace
from tests.data.xlsx.agency import large_agency_workbook


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> list[dict]:
    cat = load_catalogue()
    items = cat.select(3, ["cloud"])
    data = large_agency_workbook(items, sheets=40, rows=1000)
    plan = plan_import(data, items, cat.taxonomy, every_item=cat.items)
    assert plan.ok and plan.counts()["rows_mapped"] == 1000, plan.counts()
    plan_seconds = _median(lambda: plan_import(data, items, cat.taxonomy, every_item=cat.items), 5)

    folder = Path(tempfile.mkdtemp(prefix="mlps-bench-agency-"))
    try:
        sm = open_store(f"sqlite:///{folder / 'mlps.db'}")
        org = repo.save_organisation(sm, Organisation(name="某集团"), "bench")
        system = System(name="政务云业务系统", organisation_id=org.id, extensions=["cloud"])
        system = repo.save_system(sm, system, "bench")
        users.create_user(sm, "li", "lantern-orchard-42", by="bench", is_admin=True)
        ws = Workspace(sm, users.actor(sm, "li"))

        def confirm() -> None:
            assessment = repo.start_assessment(sm, system.id, 3, ["cloud"], cat.version, "bench")
            review = agency.plan_workbook(ws, cat, assessment.id, data)
            start = time.perf_counter()
            assert agency.confirm_workbook(ws, review) == 1000
            times.append(time.perf_counter() - start)

        times: list[float] = []
        for _ in range(3):
            confirm()
        confirm_seconds = statistics.median(times)
        sm.kw["bind"].dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        {"name": "agency workbook plan, 40 sheets × 1,000 rows (L3 + cloud)", "seconds": plan_seconds, "target": 3.0,
         "note": f"{len(plan.decisions)} decisions, {plan.left_out_count} left out"},
        {"name": "confirming it: 1,000 results + 31 descriptions, one transaction (SQLite)",
         "seconds": confirm_seconds, "target": None},
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run():
        print(row)
