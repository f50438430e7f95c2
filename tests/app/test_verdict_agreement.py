"""One verdict, three places: the assessment page, the assessment report PDF (read back) and `mlps score` on
the same results give the same rate, conclusion and hazard count for the demo school's 2025 assessment; and
the older assessment keeps its 2019 score, labelled."""

from __future__ import annotations

import csv
import io
import json

from pypdf import PdfReader

from mlps.adapters.store import hazards as hz
from mlps.adapters.store import repository as repo
from mlps.cli import main
from mlps.rules.catalogue import load_catalogue
from mlps.services import report_data as rd
from tests.app.test_assessment_page import open_assessment


def _pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_screen_pdf_and_cli_agree_on_the_2025_verdict(demo_store, tmp_path, capsys):
    at, system, assessment = open_assessment(demo_store, "学生信息管理系统")
    metrics = {m.label: m.value for m in at.metric}
    hazards = hz.list_hazards(demo_store, assessment.id)
    assert sorted((h.code, h.remediated) for h in hazards) == [("A-18", False), ("A-26", True)]
    assert metrics["重大风险隐患"] == "2（1个已整改）"

    inputs = rd.gather_assessment_inputs(rd.RepositoryReader(demo_store), assessment.id, load_catalogue())
    data, scored = rd.assessment_report_data(inputs, "zh")
    pages = _pdf_text(rd.build_assessment_document(data, "zh"))
    conclusion_page = next(p for p in pages if "符合率" in p and "重大风险隐患数量" in p)
    assert metrics["符合率"] in conclusion_page  # e.g. 71.43%
    assert metrics["结论"] in conclusion_page and "2（1个已整改）" in conclusion_page
    assert "A-18" in conclusion_page and "A-26" in conclusion_page

    path = tmp_path / "results.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["item_id", "result", "risk", "object"])
        for r in repo.results(demo_store, assessment.id):
            w.writerow([r.item_id, r.result.value, r.risk.value if r.risk else "", r.assessed_object])
    flags = [f"--hazard={h.code}" + (":remediated" if h.remediated else "") for h in hazards]
    code = main(["score", str(path), "--level", str(assessment.level), "--report-date",
                 assessment.report_date.isoformat(), *flags])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    cli = json.loads(out.out)
    assert f"{cli['rate']:.2f}%" == metrics["符合率"]
    assert cli["conclusion"] == metrics["结论"] == scored.conclusion.grade
    assert cli["hazards"]["text_zh"] == metrics["重大风险隐患"] == data.hazard_count_zh
    assert cli["rate_range"] == list(scored.conclusion.rate_range)


def test_the_older_assessment_keeps_its_2019_score_labelled(demo_store):
    at, system, assessment = open_assessment(demo_store, "办公自动化系统")
    assert assessment.report_date.isoformat() < "2025-03-20"
    metrics = {m.label: m.value for m in at.metric}
    assert "得分" in metrics and metrics["结论"] in ("优", "良", "中", "差")
    assert any("2025 年 3 月 20 日以前的方法" in c.value for c in at.caption)
