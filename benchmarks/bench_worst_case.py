"""Worst cases a hostile or careless user can cause (issue 13, item 6): time and peak memory of each.

Each case runs in a fresh Python process (`python benchmarks/bench_worst_case.py CASE`), which reports the wall
time of the operation, the process's peak resident memory (ru_maxrss) and how much of it the operation added
over what the process held once its input was built.

- report_long_records: the assessment report with one item recorded on 4 objects with 100,000-character records
  (the most the page takes); before the bound it took over 400 s.
- report_level4_full: a level-4 system with every extension, every item (367) with a 2,000-character record.
- workbook_bomb: a small upload whose shared strings unpack to 190 MB; refused while unpacking (before: 78 s and
  1.2 GB per upload).
- workbook_largest: the plan of the largest workbook the import takes: 100 sheets (ImportLimits.max_sheets), the
  export's info sheet and 99 object sheets of the 367 level-4 items with every extension (36,333 rows).
- import_largest: those 36,700 results written to SQLite while an assessor saves every 20 ms; the note gives the
  longest any save waited.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

EXTENSIONS = ["cloud", "mobile", "iot", "ics", "bigdata"]
LONG = "".join(f"第{n}段：核查了交换机配置与日志留存。" for n in range(6000))[:100_000]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report_long_records():
    import dataclasses

    from mlps.adapters.reports.assessment_report import build_assessment_report
    from mlps.adapters.reports.sample import sample_assessment_data
    from mlps.rules.catalogue import load_catalogue

    data = sample_assessment_data(load_catalogue().select(2, [])[:20], 2)
    first = data.item_results[0]
    data.item_results[:0] = [dataclasses.replace(first, record=LONG, assessed_object=f"对象{k}") for k in range(4)]
    return lambda: build_assessment_report(data, "zh"), ""


def _report_level4_full():
    import dataclasses

    from mlps.adapters.reports.assessment_report import build_assessment_report
    from mlps.adapters.reports.sample import sample_assessment_data
    from mlps.rules.catalogue import load_catalogue

    items = load_catalogue().select(4, EXTENSIONS)
    data = sample_assessment_data(items, 4, tuple(EXTENSIONS), evidence_chars=150)
    record = LONG[:2000]
    data.item_results[:] = [dataclasses.replace(r, record=record) for r in data.item_results]
    return lambda: build_assessment_report(data, "zh"), f"{len(data.item_results)} records"


def _workbook_bomb():
    from mlps.adapters.exchange.xlsx_read import WorkbookRejected, read_workbook

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                           'package/2006/content-types"/>')  # fmt: skip
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        huge = b'<?xml version="1.0"?><sst><si><t>' + b"A" * (190 << 20) + b"</t></si></sst>"
        zf.writestr("xl/sharedStrings.xml", huge)
    data = out.getvalue()

    def refuse():
        try:
            read_workbook(data)
        except WorkbookRejected as exc:
            return exc.issue.code
        raise AssertionError("the bomb was read")

    return refuse, f"upload {len(data) // 1024} KB"


def _largest_rows():
    from tests.integration.large_import import largest_import

    return largest_import()


def _workbook_largest():
    import dataclasses

    from mlps.adapters.exchange import plan_import
    from mlps.adapters.exchange.xlsx_export import ExportMeta, export_xlsx
    from mlps.rules.catalogue import load_catalogue

    cat = load_catalogue()
    items = cat.select(4, EXTENSIONS)
    objects = sorted({r.assessed_object for r in _largest_rows()})[:-1]  # 99 object sheets and the info sheet
    # short records: with the largest rows count, the export's item texts already come near the 64 MB unpacked limit
    rows = [dataclasses.replace(r, record="已核查配置。") for r in _largest_rows() if r.assessed_object in objects]
    data = export_xlsx(items, rows, ExportMeta(organisation="学校", system="一卡通系统", level=4), cat.taxonomy,
                       objects=objects)  # fmt: skip

    def plan():
        got = plan_import(data, items, cat.taxonomy, every_item=cat.items)
        assert got.ok and len(got.results) == len(rows), got.counts()

    return plan, f"upload {len(data) / 2**20:.1f} MB, {len(rows)} rows"


def _import_largest():
    import tempfile

    from mlps.adapters.store.db import open_store
    from tests.integration.large_import import import_beside_saves, seed

    folder = tempfile.mkdtemp(prefix="mlps-bench-import-")
    sm = open_store(f"sqlite:///{folder}/mlps.db")
    assessment_id = seed(sm)
    rows = _largest_rows()
    seen = {}

    def write():
        seen.update(import_beside_saves(sm, assessment_id, rows))
        assert seen["written"] == len(rows) and not seen["failures"], seen

    return write, lambda: f"{seen['saves']} saves meanwhile, longest wait {seen['longest_wait']:.2f} s"


CASES = {
    "report_long_records": ("report, one item on 4 objects with 100,000-character records", _report_long_records, 60),
    "report_level4_full": ("report, level 4 + all extensions, 367 records of 2,000 characters", _report_level4_full,
                           None),
    "workbook_bomb": ("workbook, 190 MB of shared strings in a small upload: refused", _workbook_bomb, 5),
    "workbook_largest": ("workbook, the largest import (100 sheets, 36,333 rows): plan", _workbook_largest, None),
    "import_largest": ("import, 36,700 results to SQLite beside a saver", _import_largest, None),
}


def _child(case: str) -> None:
    operation, note = CASES[case][1]()
    before = _rss_mb()
    began = time.perf_counter()
    operation()
    took = time.perf_counter() - began
    peak = _rss_mb()
    print(json.dumps({"seconds": took, "peak_mb": peak, "added_mb": peak - before,
                      "note": note() if callable(note) else note}))  # fmt: skip


def run() -> list[dict]:
    rows = []
    for case, (name, _build, target) in CASES.items():
        done = subprocess.run([sys.executable, __file__, case], capture_output=True, text=True, check=True)
        got = json.loads(done.stdout.strip().splitlines()[-1])
        note = f"peak {got['peak_mb']:.0f} MB (+{got['added_mb']:.0f} MB)" + (f"; {got['note']}" if got["note"] else "")
        rows.append({"name": name, "seconds": got["seconds"], "target": target, "note": note})
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1:
        _child(sys.argv[1])
    else:
        for r in run():
            print(f"{r['name']:75} {r['seconds']:8.2f} s  {r['note']}")
