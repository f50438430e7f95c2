"""One rule, one place: where two screens, a document and the command line show the same fact, they agree.

Each test here would have caught a drift found in the code before (issue 12): the portfolio counted overdue
duties without the recorded changes and the log evidence the obligations page used, and the results frame
was built three times for the live score, the remediation plan and the assessment report.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from mlps.adapters.reports.assessment_report import fmt_score
from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import HarmDegree, HarmObject, Judgement, Organisation, Result, Risk, System
from mlps.rules.grading import grade
from mlps.rules.lifecycle import organisation_lifecycles
from mlps.rules.portfolio import overdue_counts
from mlps.rules.results import results_frame, score_results
from mlps.rules.scoring import score_assessment
from mlps.services import report_data as rd
from mlps.services.lifecycles import lifecycles
from mlps.services.workspace import Workspace
from tests.cli import run

TODAY = date.today()


@pytest.fixture
def admin(store):
    users.create_user(store, "wang", "lantern-orchard-42", by="setup", is_admin=True)
    return Workspace(store, users.actor(store, "wang"))


def _level2(system_id: int, graded_on: date):
    business = Judgement(HarmObject.CITIZENS, HarmDegree.SERIOUS)
    service = Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL)
    return grade(business, service).to_record(system_id, graded_on=graded_on, graded_by="王老师")


def test_the_portfolio_counts_the_overdue_duties_the_obligations_page_shows(store, admin):
    org = admin.save_organisation(Organisation(name="实验中学"))
    changed = admin.save_system(System(name="学生信息管理系统", organisation_id=org.id))
    plain = admin.save_system(System(name="办公系统", organisation_id=org.id))
    for s in (changed, plain):
        repo.add_grading(store, _level2(s.id, TODAY - timedelta(days=400)), "setup")
    admin.add_change(changed.id, TODAY - timedelta(days=60), "开放家长在线缴费")  # re-grading overdue
    admin.set_log_retention(plain.id, 200)
    admin.set_system_profile(plain.id, {"log_evidence": "日志服务器配置截图"})
    systems = admin.systems(org.id)

    page = overdue_counts(lifecycles(admin, systems), TODAY)  # home and the obligations page
    data = admin.portfolio(org.id)
    portfolio = overdue_counts(organisation_lifecycles(data.systems, data.lifecycle_facts()), TODAY)

    assert portfolio == page
    assert page[changed.id] > page[plain.id], "the recorded significant change adds an overdue re-grading"


def _school_with_results(sm):
    org = repo.save_organisation(sm, Organisation(name="某小学"), "t")
    system = repo.save_system(sm, System(name="校园网站", organisation_id=org.id), "t")
    repo.add_grading(sm, _level2(system.id, TODAY - timedelta(days=30)), "t")
    catalogue = load_catalogue()
    a = repo.start_assessment(sm, system.id, 2, (), catalogue.version, "t")
    items = catalogue.select(2, [])
    rows = [(items[0].id, "", Result.CONFORM, None), (items[1].id, "", Result.NONCONFORM, Risk.HIGH),
            (items[2].id, "服务器1", Result.PARTIAL, Risk.MEDIUM), (items[2].id, "服务器2", Result.CONFORM, None),
            (items[3].id, "", Result.NA, None), (items[40].id, "", Result.PARTIAL, Risk.LOW)]  # fmt: skip
    for item_id, obj, result, risk in rows:
        repo.save_result(sm, a.id, item_id, "t", expected_version=0, assessed_object=obj, result=result, risk=risk)
    return a, items, catalogue


def test_screen_plan_report_and_command_line_give_one_score(tmp_path):
    sm = open_store(f"sqlite:///{tmp_path / 'score.db'}")
    a, items, catalogue = _school_with_results(sm)
    repo.set_report_date(sm, a.id, "t", date(2025, 3, 19))  # before the 2025 template: the 2019 score everywhere
    results = repo.results(sm, a.id)

    live = score_results(results, items)  # the assessment page's card
    baseline = score_assessment(results_frame(results, {i.id for i in items}), items)  # the remediation page
    inputs = rd.gather_assessment_inputs(rd.RepositoryReader(sm), a.id, catalogue)
    data, _ = rd.assessment_report_data(inputs)
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(rd.build_assessment_document(data))).pages)
    csv = tmp_path / "results.csv"
    csv.write_text(
        "item_id,result,risk,object\n"
        + "".join(f"{r.item_id},{r.result.value},{r.risk.value if r.risk else ''},{r.assessed_object}\n"
                  for r in results),
        encoding="utf-8",
    )
    cli = run("score", str(csv), "--level", "2", "--format", "json", "--report-date", "2025-03-19")

    assert live.score is not None and 0 < live.score < 100
    assert baseline.score == pytest.approx(live.score)
    assert data.score == pytest.approx(live.score)
    assert cli.returncode == 0, cli.stderr
    assert float(re.search(r'"score": ([0-9.]+)', cli.stdout).group(1)) == pytest.approx(live.score, abs=0.005)
    assert fmt_score(live.score, 2, "zh") in pdf_text
