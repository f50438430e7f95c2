"""Excel imports racing against assessors' saves (issue 13, item 2): used by test_security_store.py (a few
seconds) and benchmarks/bench_import_race.py (a minute).

Savers each save one item with the version they read; importers each read the assessment (their "plan"), then
import a record for every item with the plan's versions, as the Excel panel does. A save that returned success
is lost when a later write claimed the same version number of the same item (the import wrote over it without
seeing it); the audit trail records every write's before/after versions, so lost saves are counted from it.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter

from mlps.adapters.store import repository as repo
from mlps.rules.domain import ItemResult, Organisation, Result, System
from mlps.rules.errors import ConflictError

ITEMS = [f"L2-CES1-{n:02d}" for n in range(1, 13)]


def seed(sm) -> int:
    org = repo.save_organisation(sm, Organisation(name="导入竞争测试学校"), "race")
    system = repo.save_system(sm, System(name="学生信息管理系统", organisation_id=org.id), "race")
    return repo.start_assessment(sm, system.id, 2, [], "race", "race").id


def race(sm, assessment_id: int, seconds: float, savers: int = 6, importers: int = 2) -> dict:
    """Run the race; returns counts: saves landed / refused, imports landed / refused, other errors, and
    `lost`: landed saves whose version a later write claimed again (from the audit trail)."""
    landed: list[tuple[str, int]] = []
    tally: Counter = Counter({"saves landed": 0, "saves refused": 0, "imports landed": 0, "imports refused": 0})
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def saver(k: int) -> None:
        rng = random.Random(k)
        while time.monotonic() < deadline:
            item = rng.choice(ITEMS)
            current = next((r for r in repo.results(sm, assessment_id) if r.item_id == item), None)
            try:
                saved = repo.save_result(sm, assessment_id, item, f"saver{k}",
                                         expected_version=current.version if current else 0,
                                         record=f"saver{k} {uuid.uuid4().hex[:8]}", result=Result.PARTIAL)  # fmt: skip
            except ConflictError:
                with lock:
                    tally["saves refused"] += 1
                continue
            except Exception as exc:
                with lock:
                    tally[f"error: {type(exc).__name__}"] += 1
                continue
            with lock:
                landed.append((item, saved.version))
                tally["saves landed"] += 1

    def importer(k: int) -> None:
        while time.monotonic() < deadline:
            plan = {(r.item_id, r.assessed_object): r.version for r in repo.results(sm, assessment_id)}
            rows = [ItemResult(item_id=i, result=Result.CONFORM, record=f"import{k} {uuid.uuid4().hex[:8]}")
                    for i in ITEMS]  # fmt: skip
            time.sleep(0.005)  # reading the workbook
            try:
                repo.import_results(sm, assessment_id, rows, f"importer{k}",
                                    expected_versions={(i, ""): plan.get((i, ""), 0) for i in ITEMS})  # fmt: skip
            except ConflictError:
                with lock:
                    tally["imports refused"] += 1
                continue
            except Exception as exc:
                with lock:
                    tally[f"error: {type(exc).__name__}"] += 1
                continue
            with lock:
                tally["imports landed"] += 1

    threads = [threading.Thread(target=saver, args=(k,)) for k in range(savers)]
    threads += [threading.Thread(target=importer, args=(k,)) for k in range(importers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = Counter(
        (e.entity_id, (e.after or {}).get("version"))
        for e in repo.history(sm, "item_result", f"{assessment_id}/", prefix=True)
    )
    lost = sum(1 for item, version in landed if claimed[(f"{assessment_id}/{item}/", version)] > 1)
    return {**tally, "lost": lost}
