"""Collector bundles in the workbench, on SQLite and PostgreSQL: imported for an assessed object, their findings
proposed on the right items of the assessment's level, never over an assessor's own result unless asked,
accepted with the bundle attached, a re-collection showing what changed, and the latest bundles' log retention
feeding the log-retention obligation."""

from __future__ import annotations

import calendar
import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mlps.adapters.collector.bundle import collect, findings_sha256
from mlps.adapters.collector.package import BundleError
from mlps.adapters.store import repository as repo
from mlps.adapters.store.collector_models import CollectorRunRow
from mlps.rules.auth import Actor, PermissionDenied, Role
from mlps.rules.catalogue import load_catalogue
from mlps.rules.collector import load_collector_map
from mlps.rules.domain import Organisation, Result, System
from mlps.rules.obligations import Status, obligations_for
from mlps.services.lifecycles import lifecycles
from mlps.services.workspace import Workspace

TREES = Path(__file__).resolve().parents[1] / "data" / "collector"
NOW = calendar.timegm((2026, 12, 5, 0, 0, 0))


def bundle_bytes(tree: str, now: float = NOW) -> bytes:
    b = collect(str(TREES / tree), load_collector_map().for_bundle(), 3, now)
    return json.dumps(b, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def setup(store):
    org = repo.save_organisation(store, Organisation(name="实验中学"), "setup")
    system = repo.save_system(store, System(name="学生信息管理系统", organisation_id=org.id), "setup")
    cat = load_catalogue()
    items = {i.id for i in cat.select(3, [])}
    assessment = repo.start_assessment(store, system.id, 3, [], cat.version, "setup")
    ws = Workspace(store, Actor("wang", roles={org.id: Role.ASSESSOR}))
    viewer = Workspace(store, Actor("zhao", roles={org.id: Role.VIEWER}))
    return ws, viewer, system, assessment, items


def proposals_by_item(view) -> dict:
    return {p.item_id: p for p in view.proposals}


def test_findings_are_proposed_on_the_items_of_the_assessment_level(setup):
    ws, _, _, assessment, items = setup
    run = ws.import_collector_bundle(assessment.id, bundle_bytes("weak"), "")
    assert run.assessed_object == "db-02" and run.log_retention_days == 8
    view = ws.collector_view(assessment, run, items, "zh")
    p = proposals_by_item(view)
    assert p["L3-CES1-01"].result == Result.NONCONFORM  # password policy, empty password, second UID 0
    assert set(p["L3-CES1-01"].checks) == {"password_policy", "accounts_no_password", "accounts_uid0"}
    assert p["L3-CES1-14"].result == Result.NONCONFORM and "35" in p["L3-CES1-14"].record  # log retention
    assert p["L3-CES1-12"].result == Result.PARTIAL  # auditd missing (partial) + no rules (nonconform)
    assert p["L3-CES1-18"].result == Result.NONCONFORM  # telnet; the listening list adds only a note
    assert "L2-CES1-01" not in p and all(i.startswith("L3-") for i in p)
    assert {x.status for x in view.proposals} == {"new"}
    assert repo.results(ws._sm, assessment.id) == []  # proposed, not recorded


def test_accepting_writes_results_and_attaches_the_bundle_but_never_over_an_assessor_result(setup):
    ws, _, _, assessment, items = setup
    mine = ws.save_result(
        assessment.id,
        "L3-CES1-01",
        expected_version=0,
        assessed_object="db-02",
        result=Result.CONFORM,
        record="我已人工核查：口令策略由堡垒机统一管理",
    )
    other_object = ws.save_result(
        assessment.id,
        "L3-CES1-02",
        expected_version=0,
        assessed_object="web-01",
        result=Result.CONFORM,
        record="web-01 locks after 5",
    )
    run = ws.import_collector_bundle(assessment.id, bundle_bytes("weak"), "db-02")
    view = ws.collector_view(assessment, run, items, "en")
    assert proposals_by_item(view)["L3-CES1-01"].status == "conflict"
    n = ws.accept_collector_proposals(assessment.id, run.id, [p.item_id for p in view.proposals], [], items, "en")
    assert n == len(view.proposals) - 1
    results = {(r.item_id, r.assessed_object): r for r in ws.results(assessment.id)}
    kept = results[("L3-CES1-01", "db-02")]
    assert (kept.result, kept.record, kept.version) == (Result.CONFORM, mine.record, mine.version)
    assert results[("L3-CES1-02", "web-01")].version == other_object.version
    written = results[("L3-CES1-02", "db-02")]
    assert written.result == Result.NONCONFORM and written.record.startswith("[mlps collector]")
    assert written.methods == ("examine",) and written.evidence_date == date(2026, 12, 5)
    assert [a.sha256 for a in ws.attachments(written.id)] == [run.sha256]
    assert ws.blob(run.sha256)[0] == bundle_bytes("weak")
    # replacing the assessor's result only when asked
    n = ws.accept_collector_proposals(assessment.id, run.id, ["L3-CES1-01"], ["L3-CES1-01"], items, "en")
    assert n == 1
    assert {r.item_id: r for r in ws.results(assessment.id) if r.assessed_object == "db-02"}[
        "L3-CES1-01"
    ].result == Result.NONCONFORM


def test_a_recollection_after_remediation_shows_what_changed_and_updates_collector_results(setup):
    ws, _, _, assessment, items = setup
    first = ws.import_collector_bundle(assessment.id, bundle_bytes("weak"), "server")
    ids = [p.item_id for p in ws.collector_view(assessment, first, items, "en").proposals]
    ws.accept_collector_proposals(assessment.id, first.id, ids, [], items, "en")
    edited = {r.item_id: r for r in ws.results(assessment.id)}["L3-CES1-23"]
    ws.save_result(
        assessment.id,
        "L3-CES1-23",
        expected_version=edited.version,
        assessed_object="server",
        result=Result.PARTIAL,
        record="whitelisting via fapolicyd",
    )
    second = ws.import_collector_bundle(assessment.id, bundle_bytes("conform"), "server")
    view = ws.collector_view(assessment, second, items, "en")
    assert view.previous.id == first.id
    changed = {c.check: (c.before, c.after) for c in view.changes}
    assert changed["accounts_uid0"] == ("nonconform", "conform")
    assert changed["log_retention"] == ("nonconform", "conform")
    assert "listening_services" not in changed  # unknown both times
    p = proposals_by_item(view)
    assert p["L3-CES1-14"].status == "update" and p["L3-CES1-23"].status == "conflict"  # the assessor edited it
    ws.accept_collector_proposals(assessment.id, second.id, list(p), [], items, "en")
    now = {r.item_id: r for r in ws.results(assessment.id)}
    assert now["L3-CES1-14"].result == Result.CONFORM and now["L3-CES1-23"].record == "whitelisting via fapolicyd"


def test_bad_bundles_are_refused_with_a_message_and_nothing_stored(setup, store):
    ws, _, _, assessment, _ = setup
    good = json.loads(bundle_bytes("weak"))
    tampered = json.loads(bundle_bytes("weak"))
    tampered["findings"][0]["verdict"] = "conform"
    bad_verdict = json.loads(bundle_bytes("weak"))
    bad_verdict["findings"][1]["verdict"] = "great"
    bad_verdict["findings_sha256"] = findings_sha256(bad_verdict["findings"])
    cases = [
        (b"", "empty"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a collector bundle"),
        (json.dumps(dict(good, format_version=9)).encode(), "format version"),
        (json.dumps(tampered).encode(), "changed after collection"),
        (json.dumps(bad_verdict).encode(), "finding 2 (login_failure): verdict 'great'"),
        (json.dumps(dict(good, log_retention_days=-3)).encode(), "log_retention_days"),
    ]
    for data, message in cases:
        with pytest.raises(BundleError, match=re.escape(message)):
            ws.import_collector_bundle(assessment.id, data, "db-02")
    with pytest.raises(BundleError, match="at most 200"):
        ws.import_collector_bundle(assessment.id, bundle_bytes("weak"), "x" * 201)
    with store() as s:
        assert s.scalar(select(func.count()).select_from(CollectorRunRow)) == 0


def test_roles_viewers_read_assessors_import_and_accept(setup):
    ws, viewer, _, assessment, items = setup
    with pytest.raises(PermissionDenied):
        viewer.import_collector_bundle(assessment.id, bundle_bytes("weak"), "")
    run = ws.import_collector_bundle(assessment.id, bundle_bytes("weak"), "")
    assert [r.id for r in viewer.collector_runs(assessment.id)] == [run.id]
    with pytest.raises(PermissionDenied):
        viewer.accept_collector_proposals(assessment.id, run.id, ["L3-CES1-01"], [], items, "en")
    stranger = Workspace(ws._sm, Actor("li", roles={}))
    with pytest.raises(PermissionDenied):
        stranger.collector_runs(assessment.id)


def test_latest_bundles_log_retention_feeds_the_obligation(setup):
    ws, _, system, assessment, _ = setup
    today = date(2026, 12, 5)

    def log_duty():
        lc = lifecycles(ws, [ws.get_system(system.id)])[0]
        return next(o for o in obligations_for(lc, today).obligations if o.kind == "log_retention")

    assert log_duty().status == Status.OVERDUE  # nothing recorded
    ws.import_collector_bundle(assessment.id, bundle_bytes("conform"), "web-01")
    duty = log_duty()
    assert duty.status == Status.DONE and "189" in duty.evidence_en and "web-01" in duty.evidence_en
    ws.import_collector_bundle(assessment.id, bundle_bytes("weak"), "db-02")  # a second server keeps 8 days
    duty = log_duty()
    assert duty.status == Status.OVERDUE and "8" in duty.note_en
