"""The store keeps every word: round trips, conflicts, attachments and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import migrate
from mlps.adapters.store.models import BlobRow, ItemResultRow, SystemRow
from mlps.rules.domain import GradingRecord, HarmDegree, HarmObject, Judgement, Organisation, Result, Risk, System
from mlps.rules.errors import ConflictError, UploadRejected

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def school(store) -> tuple[Organisation, System]:
    org = repo.save_organisation(store, Organisation(name="实验中学", credit_code="12510000MB0000000X"), "wang")
    system = repo.save_system(
        store,
        System(name="学生信息管理系统", organisation_id=org.id, extensions=("cloud",), internet_facing=True),
        "wang",
    )
    return org, system


def test_organisation_system_grading_and_results_round_trip(store):
    org, system = school(store)
    assert repo.list_organisations(store)[0].credit_code == "12510000MB0000000X"
    assert repo.get_system(store, system.id).extensions == ("cloud",)
    grading = repo.add_grading(
        store,
        GradingRecord(
            system_id=system.id,
            business=Judgement(HarmObject.CITIZENS, HarmDegree.SERIOUS, "学生个人信息"),
            service=Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL),
            business_level=2,
            service_level=1,
            level=2,
            graded_on=date(2026, 11, 2),
        ),
        "wang",
    )
    repo.record_grading_step(store, grading.id, "wang", filed_on=date(2026, 11, 10), filing_number="51150099000-00001")
    assert repo.get_system(store, system.id).level == 2
    assert repo.grading_history(store, system.id)[0].filing_number == "51150099000-00001"

    a = repo.start_assessment(store, system.id, 2, ["cloud"], "abc123", "wang")
    saved = repo.save_result(
        store,
        a.id,
        "L2-PES1-01",
        "wang",
        expected_version=0,
        result=Result.PARTIAL,
        record="机房在三楼，无防水措施。",
        methods=("interview", "examine"),
        risk=Risk.MEDIUM,
        evidence_date=date(2026, 11, 20),
    )
    assert saved.version == 1
    back = repo.results(store, a.id)
    assert len(back) == 1
    r = back[0]
    assert (r.result, r.record, r.methods, r.risk, r.evidence_date, r.updated_by) == (
        Result.PARTIAL,
        "机房在三楼，无防水措施。",
        ("interview", "examine"),
        Risk.MEDIUM,
        date(2026, 11, 20),
        "wang",
    )


def test_a_second_save_from_a_stale_screen_is_refused_naming_who_changed_it(store):
    _, system = school(store)
    a = repo.start_assessment(store, system.id, 3, [], "v", "zhang")
    first = repo.save_result(store, a.id, "L3-CES1-01", "zhang", expected_version=0, record="口令长度 8 位")
    # Li and Zhang both have version 1 on screen; Zhang saves first
    repo.save_result(store, a.id, "L3-CES1-01", "zhang", expected_version=first.version, record="已启用双因素")
    with pytest.raises(ConflictError, match=r"changed by zhang at \d{4}-\d\d-\d\d \d\d:\d\d") as err:
        repo.save_result(store, a.id, "L3-CES1-01", "li", expected_version=first.version, record="Li's text")
    assert err.value.current.record == "已启用双因素"
    assert repo.results(store, a.id)[0].record == "已启用双因素"  # nothing overwritten


def test_two_first_saves_of_the_same_item_at_once_one_lands_one_conflicts(store):
    _, system = school(store)
    a = repo.start_assessment(store, system.id, 3, [], "v", "zhang")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(user):
        barrier.wait()
        try:
            repo.save_result(store, a.id, "L3-PES1-01", user, expected_version=0, record=f"by {user}")
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(u,)) for u in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) in (["conflict", "saved"], ["saved", "saved"]) and outcomes.count("saved") >= 1
    rows = repo.results(store, a.id)
    assert len(rows) == 1
    # if both "saved", the second must have been a conflict-free update of version 1 - impossible with expected 0
    assert outcomes.count("saved") == 1


def test_every_change_writes_an_audit_event_with_before_and_after(store):
    _, system = school(store)
    a = repo.start_assessment(store, system.id, 2, [], "v", "wang")
    r = repo.save_result(store, a.id, "L2-PES1-01", "wang", expected_version=0, result=Result.NONCONFORM)
    repo.save_result(store, a.id, "L2-PES1-01", "li", expected_version=r.version, result=Result.CONFORM)
    events = repo.item_history(store, a.id, "L2-PES1-01")
    assert [(e.user, e.action) for e in events] == [("li", "update"), ("wang", "create")]
    assert events[0].before["result"] == "nonconform" and events[0].after["result"] == "conform"
    assert repo.history(store, "system", str(system.id))[0].action == "create"


def test_attachments_are_stored_once_by_content_and_typed_from_their_bytes(store):
    _, system = school(store)
    a = repo.start_assessment(store, system.id, 2, [], "v", "wang")
    r1 = repo.save_result(store, a.id, "L2-PES1-01", "wang", expected_version=0, record="x")
    r2 = repo.save_result(store, a.id, "L2-PES1-02", "wang", expected_version=0, record="y")
    one = repo.attach(store, r1.id, PNG, "门禁照片.exe", "wang", max_bytes=1000)
    two = repo.attach(store, r2.id, PNG, "../../etc/passwd", "wang", max_bytes=1000)
    assert one.sha256 == two.sha256 and one.mime == "image/png"
    assert two.original_name == "passwd"
    with store() as s:
        assert s.scalar(select(func.count()).select_from(BlobRow)) == 1
    assert repo.blob(store, one.sha256) == (PNG, "image/png")
    assert [x.original_name for x in repo.attachments(store, r1.id)] == ["门禁照片.exe"]


def test_empty_and_oversize_uploads_are_refused_and_change_nothing(store):
    _, system = school(store)
    a = repo.start_assessment(store, system.id, 2, [], "v", "wang")
    r = repo.save_result(store, a.id, "L2-PES1-01", "wang", expected_version=0, record="x")
    with pytest.raises(UploadRejected, match="empty"):
        repo.attach(store, r.id, b"", "a.txt", "wang", max_bytes=100)
    with pytest.raises(UploadRejected, match="limit"):
        repo.attach(store, r.id, b"x" * 101, "a.txt", "wang", max_bytes=100)
    assert repo.attachments(store, r.id) == []


def test_start_from_last_year_copies_results_and_files_marked_for_review(store):
    _, system = school(store)
    old = repo.start_assessment(store, system.id, 2, [], "v", "wang")
    r = repo.save_result(store, old.id, "L2-PES1-01", "wang", expected_version=0, result=Result.CONFORM, record="ok")
    repo.attach(store, r.id, PNG, "photo.png", "wang", max_bytes=1000)
    repo.save_result(store, old.id, "L2-XXX1-01", "wang", expected_version=0, result=Result.CONFORM)
    new = repo.start_assessment(
        store, system.id, 2, [], "v2", "li", baseline_from=old.id, valid_item_ids={"L2-PES1-01", "L2-PES1-02"}
    )
    copied = repo.results(store, new.id)
    assert [(c.item_id, c.result, c.record, c.needs_review) for c in copied] == [
        ("L2-PES1-01", Result.CONFORM, "ok", True)
    ]
    assert len(copied[0].attachments) == 1
    assert repo.results(store, old.id)[0].needs_review is False


def test_bulk_set_changes_only_what_differs(store):
    _, system = school(store)
    a = repo.start_assessment(store, system.id, 2, [], "v", "wang")
    repo.save_result(store, a.id, "L2-PES1-01", "wang", expected_version=0, result=Result.NA)
    n = repo.bulk_set_result(store, a.id, ["L2-PES1-01", "L2-PES1-02", "L2-PES1-03"], Result.NA, "wang")
    assert n == 2
    assert {r.item_id: r.result for r in repo.results(store, a.id)} == {
        "L2-PES1-01": Result.NA,
        "L2-PES1-02": Result.NA,
        "L2-PES1-03": Result.NA,
    }


def test_migrating_again_keeps_parent_and_child_rows(store):
    _, system = school(store)
    a = repo.start_assessment(store, system.id, 2, [], "v", "wang")
    repo.save_result(store, a.id, "L2-PES1-01", "wang", expected_version=0, record="keep me")
    migrate(store.kw["bind"])
    with store() as s:
        assert s.scalar(select(func.count()).select_from(SystemRow)) == 1
        assert s.scalar(select(ItemResultRow.record)) == "keep me"


def test_deleting_an_organisation_removes_its_systems_and_results_right_after_migrating(tmp_path):
    """The first connection after a migration must still enforce foreign keys (SQLite turns them off to
    migrate): otherwise deleting a school would leave orphan systems and results behind."""
    from mlps.adapters.store.db import open_store
    from mlps.rules.catalogue import load_catalogue
    from mlps.services import demo

    sm = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    demo.create(sm, load_catalogue())
    demo.remove(sm)
    with sm() as s:
        assert s.scalar(select(func.count()).select_from(SystemRow)) == 0
        assert s.scalar(select(func.count()).select_from(ItemResultRow)) == 0


def test_a_profile_update_runs_on_the_newest_profile_so_no_page_loses_its_part(store):
    _, system = school(store)
    repo.set_system_profile(store, system.id, {"profile": {"cloud_role": "customer"}}, "wang")
    seen: list[dict] = []

    def add_filing(stored: dict) -> dict:
        seen.append(dict(stored))
        if len(seen) == 1:  # someone else saves the applicability part while this change is being made
            repo.update_system_profile(store, system.id, lambda d: {**d, "overrides": [{"item_id": "x"}]}, "li")
        return {**stored, "filing": {"data_survey": []}}

    after = repo.update_system_profile(store, system.id, add_filing, "wang")
    assert len(seen) == 2  # ran again on li's version
    assert after == {
        "profile": {"cloud_role": "customer"},
        "overrides": [{"item_id": "x"}],
        "filing": {"data_survey": []},
    }
    assert repo.get_system_profile(store, system.id) == after


def test_an_import_planned_on_an_old_version_is_refused_and_writes_nothing(store):
    from mlps.rules.domain import ItemResult

    _, system = school(store)
    a = repo.start_assessment(store, system.id, 2, [], "v", "wang")
    r = repo.save_result(store, a.id, "L2-PES1-01", "wang", expected_version=0, record="原记录")
    planned_on = {("L2-PES1-01", ""): r.version}
    repo.save_result(store, a.id, "L2-PES1-01", "zhang", expected_version=r.version, record="张老师改过")
    rows = [ItemResult(item_id="L2-PES1-01", result=Result.CONFORM, record="导入"),
            ItemResult(item_id="L2-PES1-02", result=Result.CONFORM, record="导入")]  # fmt: skip
    with pytest.raises(ConflictError, match="changed by zhang"):
        repo.import_results(store, a.id, rows, "wang", planned_on)
    assert [(x.item_id, x.record) for x in repo.results(store, a.id)] == [("L2-PES1-01", "张老师改过")]
    assert repo.import_results(store, a.id, rows, "wang", {("L2-PES1-01", ""): r.version + 1}) == 2
