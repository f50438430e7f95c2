"""The assessment page's collector panel: upload a server's bundle, see the proposals, accept them; the score
moves and the assessor's own results stay; viewers cannot import; a bad file gets one message."""

from __future__ import annotations

import calendar
import json
from pathlib import Path

from mlps.adapters.collector.bundle import collect
from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import Role
from mlps.rules.collector import load_collector_map
from mlps.rules.domain import Result
from mlps.ui.safe import md_unescape
from tests.app.conftest import PASSWORD, new_app

PAGE = "mlps/ui/pages/assessment.py"
TREES = Path(__file__).resolve().parents[1] / "data" / "collector"
NOW = calendar.timegm((2026, 12, 5, 0, 0, 0))


def bundle(tree: str) -> bytes:
    return json.dumps(collect(str(TREES / tree), load_collector_map().for_bundle(), 3, NOW)).encode()


def student_system(sm):
    system = next(s for s in repo.list_systems(sm) if s.name == "学生信息管理系统")
    return system, repo.list_assessments(sm, system.id)[0]


def open_page(system, assessment, user: str = "wang"):
    at = new_app(user, org=system.organisation_id, system=system.id, assessment=assessment.id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def score(at) -> str:
    return next(m.value for m in at.metric if m.label in ("得分", "Score", "符合率", "Rate of conformity"))


def upload(at, assessment, data: bytes, obj: str = ""):
    uploader = next(u for u in at.get("file_uploader") if str(u.key or "").startswith(f"col_up_{assessment.id}_"))
    uploader.upload("db-02.json", data, "application/json").run()
    if obj:
        next(t for t in at.text_input if str(t.key or "").startswith(f"col_obj_{assessment.id}_")).set_value(obj).run()
    at.button(key=f"col_import_{assessment.id}_0").click().run()
    assert not at.exception
    return at


def test_upload_accept_and_the_score_moves(demo_store):
    system, assessment = student_system(demo_store)
    mine = {(r.item_id, r.assessed_object): r for r in repo.results(demo_store, assessment.id)}
    at = open_page(system, assessment)
    before = score(at)
    upload(at, assessment, bundle("weak"), "db-02")
    runs = [b for b in at.button if str(b.key or "").startswith("col_accept_")]
    assert runs, "an accept button for the proposals"
    assert any("db-02" in md_unescape(m.value) for m in at.markdown)
    runs[0].click().run()
    assert not at.exception
    after = {(r.item_id, r.assessed_object): r for r in repo.results(demo_store, assessment.id)}
    written = {k: r for k, r in after.items() if k[1] == "db-02"}
    assert written[("L2-CES1-01", "db-02")].result == Result.NONCONFORM
    assert all(after[k].version == r.version for k, r in mine.items())  # the assessors' results are untouched
    assert score(at) != before


def test_a_tampered_bundle_is_refused_with_one_message(demo_store):
    system, assessment = student_system(demo_store)
    data = json.loads(bundle("weak"))
    data["log_retention_days"] = 400
    data["findings"][0]["verdict"] = "conform"
    at = upload(open_page(system, assessment), assessment, json.dumps(data).encode())
    assert [e.value for e in at.error] and "sha256" in at.error[0].value
    assert not [b for b in at.button if str(b.key or "").startswith("col_accept_")]


def test_viewers_see_no_upload(demo_store):
    system, assessment = student_system(demo_store)
    users.create_user(demo_store, "zhao", PASSWORD, by="test")
    users.set_role(demo_store, "zhao", system.organisation_id, Role.VIEWER, by="test")
    at = open_page(system, assessment, "zhao")
    assert not [u for u in at.get("file_uploader") if str(u.key or "").startswith("col_up_")]
