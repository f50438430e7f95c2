"""The largest import a workbook allows, with an assessor saving at the same moment (issue 13, item 6): used by
test_large_import.py and benchmarks/bench_worst_case.py.

A workbook has at most 100 sheets (ImportLimits.max_sheets), one assessed object each, and a level-4 system with
every extension has 367 items: 36,700 results. The import is run twice (first every result is new, then every
one is replaced, which also writes before/after snapshots to the audit trail) while a saver keeps saving an
item of the whole system (not in the import) and records how long each save took and how it ended.
"""

from __future__ import annotations

import threading
import time
import tracemalloc

from mlps.adapters.exchange.xlsx_read import ImportLimits
from mlps.adapters.store import repository as repo
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import ItemResult, Organisation, Result, System

EXTENSIONS = ["cloud", "mobile", "iot", "ics", "bigdata"]
RECORD = "核查了设备配置、审计日志与管理制度，访谈了系统管理员。" * 4


def largest_import() -> list[ItemResult]:
    items = load_catalogue().select(4, EXTENSIONS)
    objects = [f"服务器{n:03d}" for n in range(ImportLimits().max_sheets)]
    return [ItemResult(item_id=i.id, assessed_object=o, result=Result.CONFORM, record=RECORD)
            for o in objects for i in items]  # fmt: skip


def seed(sm) -> int:
    org = repo.save_organisation(sm, Organisation(name="大批量导入测试学校"), "bulk")
    system = repo.save_system(sm, System(name="一卡通系统", organisation_id=org.id), "bulk")
    return repo.start_assessment(sm, system.id, 4, EXTENSIONS, "bulk", "bulk").id


def import_beside_saves(sm, assessment_id: int, rows: list[ItemResult], pause: float = 0.02,
                        memory: bool = False) -> dict:  # fmt: skip
    """Import `rows` while one saver saves every `pause` seconds; returns the import's wall time (and with
    `memory`, its peak traced memory, which slows it down), and the saves: how many, their longest and median
    wait, and any that failed (type names)."""
    stop = threading.Event()
    waits: list[float] = []
    failures: list[str] = []
    item = rows[0].item_id

    def saver() -> None:
        version = next((r.version for r in repo.results(sm, assessment_id)
                        if r.item_id == item and r.assessed_object == ""), 0)  # fmt: skip
        while not stop.is_set():
            began = time.perf_counter()
            try:
                version = repo.save_result(sm, assessment_id, item, "saver", expected_version=version,
                                           record=f"保存于 {began:.3f}", result=Result.PARTIAL).version  # fmt: skip
            except Exception as exc:  # counted: the test expects none
                failures.append(type(exc).__name__)
            waits.append(time.perf_counter() - began)
            time.sleep(pause)

    thread = threading.Thread(target=saver)
    thread.start()
    time.sleep(0.2)  # the saver is saving before the import starts
    if memory:
        tracemalloc.start()
    began = time.perf_counter()
    try:
        written = repo.import_results(sm, assessment_id, rows, "importer")
    finally:
        took = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1] if memory else 0
        tracemalloc.stop()
        time.sleep(0.2)
        stop.set()
        thread.join()
    waits.sort()
    return {"written": written, "seconds": took, "peak_mb": peak / 2**20, "saves": len(waits),
            "longest_wait": waits[-1] if waits else 0.0, "median_wait": waits[len(waits) // 2] if waits else 0.0,
            "failures": failures}  # fmt: skip
