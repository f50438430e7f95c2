"""Eight assessors saving results to the same assessment at once, on SQLite and PostgreSQL.

Each simulated assessor (a thread) repeatedly opens an item from a small shared pool (so that they collide), reads
the version on screen, types a new record of their own and saves it with the store's optimistic lock
(`repository.save_result(expected_version=…)`). A save either lands or is refused with ConflictError; on a
refusal the assessor keeps their text and saves it again on top of the newer version (the page's "keep mine").

Counted at the end, from the database:
- lost writes: saves that returned success but whose text is neither the item's final record nor any record in
  the audit trail; and versions claimed by two successful saves of the same item. Both must be 0.
- errors: saves that neither landed nor were refused as a conflict (e.g. "database is locked"). Should be 0.
- the median time of one save (landed or refused), and of landed saves.

Duration per database: MLPS_BENCH_SECONDS (default 60). PostgreSQL: MLPS_TEST_PG_URL, or a throwaway server
started from Debian's binaries on 127.0.0.1 (as tests/integration/conftest.py does); skipped with a note when
neither is available. Everything stays on the loopback interface.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.rules.domain import Organisation, Result, System
from mlps.rules.errors import ConflictError

ASSESSORS = 8
POOL = 12  # items the assessors share: small enough that they often save the same one
ITEMS = [f"L2-CES1-{n:02d}" for n in range(1, POOL + 1)]
RESULTS = [Result.CONFORM, Result.PARTIAL, Result.NONCONFORM]


class Tally:
    """What the assessors saw (a plain class: benchmarks/run.py loads this file without registering it as a
    module, which dataclasses need)."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self.landed_durations: list[float] = []
        self.landed: list[tuple[str, int, str]] = []  # (item, version, text)
        self.conflicts = 0
        self.errors: Counter = Counter()
        self.pending = 0  # texts still on an assessor's screen when time ran out (kept, not lost)
        self.lock = threading.Lock()


def _seed(sm) -> int:
    org = repo.save_organisation(sm, Organisation(name="并发保存基准学校"), "bench")
    system = repo.save_system(sm, System(name="学生信息管理系统", organisation_id=org.id), "bench")
    return repo.start_assessment(sm, system.id, 2, [], "bench", "bench").id


def _assessor(sm, assessment_id: int, name: str, deadline: float, start: threading.Barrier, tally: Tally) -> None:
    rng = random.Random(name)
    start.wait()
    n = 0
    while time.monotonic() < deadline:
        item = rng.choice(ITEMS)
        current = next((r for r in repo.results(sm, assessment_id) if r.item_id == item), None)
        version = current.version if current else 0
        n += 1
        text = f"{name} 第{n}次记录 {uuid.uuid4().hex[:8]}：查看了口令策略配置与登录日志。"
        result = rng.choice(RESULTS)
        time.sleep(rng.uniform(0, 0.01))  # typing
        while True:
            began = time.perf_counter()
            try:
                saved = repo.save_result(
                    sm, assessment_id, item, name, expected_version=version, record=text, result=result
                )
            except ConflictError as exc:
                took = time.perf_counter() - began
                with tally.lock:
                    tally.durations.append(took)
                    tally.conflicts += 1
                if time.monotonic() >= deadline:
                    with tally.lock:
                        tally.pending += 1
                    return
                # keep my text; save it again on top of the version that beat me
                version = exc.current.version if exc.current else version
                continue
            except Exception as exc:  # anything else is an error of the store, counted by kind
                took = time.perf_counter() - began
                with tally.lock:
                    tally.durations.append(took)
                    tally.errors[f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"] += 1
                break
            took = time.perf_counter() - began
            with tally.lock:
                tally.durations.append(took)
                tally.landed_durations.append(took)
                tally.landed.append((item, saved.version, text))
            break


def _lost_writes(sm, assessment_id: int, tally: Tally) -> tuple[int, int]:
    final = {r.item_id: r.record for r in repo.results(sm, assessment_id)}
    trail = {
        (e.after or {}).get("record")
        for e in repo.history(sm, "item_result", f"{assessment_id}/", prefix=True)
        if e.action in ("create", "update")
    }
    lost = sum(1 for item, _v, text in tally.landed if text != final.get(item) and text not in trail)
    claimed = Counter((item, version) for item, version, _t in tally.landed)
    doubled = sum(n - 1 for n in claimed.values() if n > 1)
    return lost, doubled


def measure(url: str, label: str, seconds: float) -> list[dict]:
    sm = open_store(url)
    try:
        assessment_id = _seed(sm)
        tally = Tally()
        start = threading.Barrier(ASSESSORS)
        deadline = time.monotonic() + seconds + 0.5
        threads = [
            threading.Thread(target=_assessor, args=(sm, assessment_id, f"assessor{k}", deadline, start, tally))
            for k in range(1, ASSESSORS + 1)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lost, doubled = _lost_writes(sm, assessment_id, tally)
    finally:
        sm.kw["bind"].dispose()
    errors = sum(tally.errors.values())
    saves = len(tally.durations)
    summary = (
        f"{saves} saves in {seconds:.0f} s: {len(tally.landed)} landed, {tally.conflicts} refused as conflicts "
        f"(text kept and saved again), {errors} errors, {tally.pending} still on screen at the end"
    )
    if tally.errors:
        summary += "; errors: " + "; ".join(f"{n}× {kind}" for kind, n in tally.errors.most_common(3))
    p95 = statistics.quantiles(tally.durations, n=20)[-1] if len(tally.durations) >= 20 else float("nan")
    return [
        {
            "name": f"concurrent saves, {ASSESSORS} assessors, {label}: median save",
            "seconds": statistics.median(tally.durations) if tally.durations else float("nan"),
            "target": 0.3,
            "note": f"{summary}; p95 {p95:.4f} s; median landed "
            f"{statistics.median(tally.landed_durations) if tally.landed_durations else float('nan'):.4f} s",
        },
        {
            "name": f"concurrent saves, {ASSESSORS} assessors, {label}: lost writes (count)",
            "seconds": float(lost + doubled),
            "target": 0,
            "note": f"{lost} landed texts missing from record and audit trail, {doubled} versions claimed twice; "
            f"{errors} errors",
        },
    ]


# ---------------------------------------------------------------- a throwaway PostgreSQL on 127.0.0.1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres() -> Iterator[str | None]:
    """A PostgreSQL URL (MLPS_TEST_PG_URL, or a server started here and removed afterwards), or None."""
    url = os.environ.get("MLPS_TEST_PG_URL")
    if url:
        yield url
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        yield None
        return
    bin_dir = bins[-1]
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = tempfile.mkdtemp(prefix="mlps-bench-pg-")
    data, sock = os.path.join(base, "data"), os.path.join(base, "sock")
    os.makedirs(sock)
    if run_as:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    started = False
    try:
        subprocess.run([*run_as, f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"], check=True,
                       capture_output=True)  # fmt: skip
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c max_connections=50"
        subprocess.run([*run_as, f"{bin_dir}/pg_ctl", "-D", data, "-o", opts, "-w", "-l",
                        os.path.join(base, "log"), "start"], check=True, capture_output=True)  # fmt: skip
        started = True
    except (subprocess.CalledProcessError, OSError):
        pass
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres" if started else None
    finally:
        if started:
            subprocess.run([*run_as, f"{bin_dir}/pg_ctl", "-D", data, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def run() -> list[dict]:
    seconds = float(os.environ.get("MLPS_BENCH_SECONDS") or 60)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += measure(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite (WAL)", seconds)
    with postgres() as url:
        if url is None:
            rows.append({"name": f"concurrent saves, {ASSESSORS} assessors, PostgreSQL", "seconds": float("nan"),
                         "target": None, "note": "skipped: no PostgreSQL (set MLPS_TEST_PG_URL or install "
                         "Debian's postgresql)"})  # fmt: skip
        else:
            rows += measure(url, "PostgreSQL", seconds)
    return rows


if __name__ == "__main__":
    json.dump(run(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
