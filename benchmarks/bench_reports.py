"""Benchmark: the assessment report of a level-4 system with every extension and evidence on every item.

Target (issue 8): under 2 seconds. The note gives the page count and pages per second.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402

from mlps.adapters.reports import build_assessment_report, cjk_font  # noqa: E402
from mlps.adapters.reports.sample import sample_assessment_data  # noqa: E402
from mlps.rules.catalogue import load_catalogue  # noqa: E402

EXTENSIONS = ("cloud", "mobile", "iot", "ics", "bigdata")
TARGET = 2.0
RUNS = 3


def run() -> list[dict]:
    items = load_catalogue().select(4, list(EXTENSIONS))
    data = sample_assessment_data(items, 4, EXTENSIONS, evidence_chars=150)
    cjk_font()  # font discovery is once per process, not part of a report
    rows = []
    for lang in ("zh", "en"):
        times, cpu, pdf = [], [], b""
        for _ in range(RUNS):
            start, start_cpu = time.perf_counter(), time.process_time()
            pdf = build_assessment_report(data, lang)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        seconds = statistics.median(times)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        rows.append(
            {
                "name": f"assessment report L4 all extensions, {len(items)} items with evidence ({lang})",
                "seconds": seconds,
                "target": TARGET,
                "note": f"{pages} pages, {pages / seconds:.0f} pages/s, {len(pdf) // 1024} KiB, "
                f"cpu {statistics.median(cpu):.2f} s",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
