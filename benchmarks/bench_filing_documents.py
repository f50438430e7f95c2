"""Benchmark: every document of a level-4 system with all five extensions, from a real (SQLite) store through
the same services the pages and `mlps report` use: grading report, filing form, expert review form, protection
work plan and assessment report, each as PDF and as Word (one document model, two renderers).

The assessment has a result with evidence on every item; the plan lists 25 assets; the filing form has two data
sheets and every coded answer. Target: each document under 3 seconds (the assessment report PDF has its own,
stricter figure in bench_reports.py).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlps.adapters.reports import cjk_font  # noqa: E402
from mlps.adapters.store import repository as repo  # noqa: E402
from mlps.adapters.store.db import open_store  # noqa: E402
from mlps.rules.catalogue import load_catalogue  # noqa: E402
from mlps.rules.domain import HarmDegree, HarmObject, ItemResult, Judgement, Organisation, Result, Risk, System  # noqa: E402
from mlps.rules.filing_codes import load_filing_codes  # noqa: E402
from mlps.rules.filing_details import ASSET_KINDS, with_assets, with_data_survey, with_form_details  # noqa: E402
from mlps.rules.grading import grade  # noqa: E402
from mlps.services import report_data as rd  # noqa: E402

EXTENSIONS = ("cloud", "mobile", "iot", "ics", "bigdata")
TARGET = 3.0
RUNS = 3
RESULTS = (Result.CONFORM, Result.CONFORM, Result.PARTIAL, Result.NONCONFORM)


def _store(folder: str):
    sm = open_store(f"sqlite:///{folder}/bench.db")
    cat = load_catalogue()
    org = repo.save_organisation(sm, Organisation(name="基准测试单位", credit_code="12345678901234567X"), "bench")
    system = repo.save_system(
        sm, System(name="第四级全扩展系统", organisation_id=org.id, business_description="基准测试",
                   extensions=EXTENSIONS), "bench")  # fmt: skip
    graded = grade(Judgement(HarmObject.SOCIETY, HarmDegree.ESPECIALLY_SERIOUS, "业务信息"),
                   Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS, "系统服务"))  # fmt: skip
    repo.add_grading(sm, graded.to_record(system.id, graded_on=date(2026, 1, 5), graded_by="bench",
                                          expert_review_on=date(2026, 1, 8), expert_opinion="同意定为第四级。"),
                     "bench")  # fmt: skip
    items = cat.select(4, list(EXTENSIONS))
    assessment = repo.start_assessment(sm, system.id, 4, EXTENSIONS, cat.version, "bench",
                                       started_on=date(2026, 3, 1), title="2026 年等级测评")  # fmt: skip
    rows = []
    for n, item in enumerate(items):
        result = RESULTS[n % len(RESULTS)]
        risk = (Risk.MEDIUM if n % 3 else Risk.HIGH) if result in (Result.PARTIAL, Result.NONCONFORM) else None
        rows.append(ItemResult(item.id, result, record=f"查看配置与记录，第 {n} 项的测评所见。" * 3, risk=risk))
    repo.import_results(sm, assessment.id, rows, "bench")
    assets = [{"kind": k, "name": f"{k} 资产 {n}", "details": "型号与版本", "quantity": "1"}
              for k in ASSET_KINDS for n in range(5)]  # fmt: skip
    form = {"business_type": "5", "service_scope": "20", "service_targets": "3", "deployment_scope": "3",
            "network_nature": "2", "interconnection": ["1", "3"], "source_ips": "任意", "domains": "bench.example",
            "protocols_ports": "HTTPS 443"}  # fmt: skip
    sheets = [{"name": f"数据类别 {n}", "data_class": "important", "personal_info": True, "storage_location": "机房"}
              for n in range(2)]  # fmt: skip
    profile = with_data_survey(with_form_details(with_assets({}, assets), form, load_filing_codes()), sheets)
    repo.set_system_profile(sm, system.id, profile, "bench")
    return sm, cat, system.id, assessment.id, len(items)


def run() -> list[dict]:
    cjk_font()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        sm, cat, sid, aid, n_items = _store(folder)
        reader = rd.RepositoryReader(sm)

        def grading_doc(kind: str, fmt: str = "pdf") -> bytes:
            return rd.build_grading_document(kind, rd.gather_grading_inputs(reader, sid), "zh", fmt)

        def plan(fmt: str) -> bytes:
            inputs = rd.gather_grading_inputs(reader, sid)
            gathered = rd.gather_assessment_inputs(reader, aid, cat)
            return rd.build_plan_document(rd.protection_plan_data(inputs, gathered, cat, "zh"), "zh", fmt)

        def assessment(fmt: str) -> bytes:
            data, _ = rd.assessment_report_data(rd.gather_assessment_inputs(reader, aid, cat), "zh")
            return rd.build_assessment_document(data, "zh", fmt)

        jobs = {}
        for fmt, label in (("pdf", "PDF"), ("docx", "Word")):
            jobs[f"grading report {label}"] = lambda f=fmt: grading_doc("grading", f)
            jobs[f"filing form {label}"] = lambda f=fmt: grading_doc("filing", f)
            jobs[f"expert review {label}"] = lambda f=fmt: grading_doc("expert-review", f)
            jobs[f"protection work plan {label}"] = lambda f=fmt: plan(f)
            jobs[f"assessment report {label}"] = lambda f=fmt: assessment(f)
        for name, job in jobs.items():
            times, body = [], b""
            for _ in range(RUNS):
                start = time.perf_counter()
                body = job()
                times.append(time.perf_counter() - start)
            pages = f"{rd.page_count(body)} pages, " if body.startswith(b"%PDF") else ""
            rows.append({
                "name": f"{name}, L4 all extensions, {n_items} items (zh)",
                "seconds": statistics.median(times),
                "target": TARGET,
                "note": f"{pages}{len(body) // 1024} KiB, read from the store each time",
            })  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
