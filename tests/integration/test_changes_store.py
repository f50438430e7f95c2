"""Recorded changes of a system in the store, on SQLite and PostgreSQL: recorded and listed oldest first, each
recording audited, bad input refused naming the field with nothing written, role checks, deleted with their
system, in the backup, and the 0004 migration keeping every parent and child row."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, inspect, select

from mlps.adapters.store import backup as bk
from mlps.adapters.store import changes as ch
from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.change_models import SystemChangeRow
from mlps.adapters.store.db import MIGRATIONS, make_engine, migrate, open_store, sessions
from mlps.adapters.store.models import GradingRow, OrganisationRow, SystemRow
from mlps.rules.auth import PermissionDenied, Role
from mlps.rules.domain import HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.rules.errors import NotFound
from mlps.rules.grading import grade
from mlps.rules.obligations import Change, Status, obligations_for
from mlps.rules.system_changes import ChangeError
from mlps.services.lifecycles import lifecycles
from mlps.services.workspace import Workspace
from tests.integration.conftest import insert_old_school

TODAY = date.today()


def school(sm):
    org = repo.save_organisation(sm, Organisation(name="实验中学"), "setup")
    system = repo.save_system(sm, System(name="学生信息管理系统", organisation_id=org.id), "setup")
    return org, system


def grading(system_id: int, graded_on: date, degree: HarmDegree = HarmDegree.GENERAL):
    """A grading of citizens x `degree` (general: level 1, serious: level 2) for the business aspect."""
    business, service = Judgement(HarmObject.CITIZENS, degree), Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL)
    return grade(business, service).to_record(system_id, graded_on=graded_on, graded_by="王老师")


def count(sm, row) -> int:
    with sm() as s:
        return s.scalar(select(func.count()).select_from(row))


def test_changes_are_recorded_listed_oldest_first_and_audited(store):
    _, system = school(store)
    later = ch.add_change(store, system.id, TODAY - timedelta(days=2), "  新增在线缴费功能  ", True, "wang")
    earlier = ch.add_change(store, system.id, TODAY - timedelta(days=9), "更换校徽", False, "li")
    assert later.description == "新增在线缴费功能" and later.recorded_by == "wang" and later.recorded_at
    listed = ch.list_changes(store, system.id)
    assert [c.id for c in listed] == [earlier.id, later.id]
    assert [(c.on, c.significant) for c in listed] == [
        (TODAY - timedelta(days=9), False),
        (TODAY - timedelta(days=2), True),
    ]
    assert later.as_change() == Change(TODAY - timedelta(days=2), "新增在线缴费功能", True)
    event = repo.history(store, "system_change", str(later.id))[0]
    assert (event.user, event.action, event.before) == ("wang", "create", None)
    assert event.after["changed_on"] == (TODAY - timedelta(days=2)).isoformat()
    assert event.after["system_id"] == system.id and event.after["significant"] is True
    # another system's changes are not mixed in
    other = repo.save_system(store, System(name="门户网站", organisation_id=system.organisation_id), "setup")
    assert ch.list_changes(store, other.id) == []


@pytest.mark.parametrize(
    ("on", "description", "significant", "message"),
    [
        (TODAY + timedelta(days=1), "x", True, "is after today"),
        ("2026-01-01", "x", True, "must be a date"),
        (TODAY, "   ", True, "describe the change"),
        (TODAY, "x" * 2001, True, "at most 2000"),
        (TODAY, "x", "yes", "significant must be true or false"),
    ],
)
def test_bad_changes_are_refused_naming_the_field_and_nothing_is_written(store, on, description, significant, message):
    _, system = school(store)
    with pytest.raises(ChangeError, match=message):
        ch.add_change(store, system.id, on, description, significant, "wang")
    assert count(store, SystemChangeRow) == 0
    assert repo.history(store, "system_change") == []


def test_a_change_of_an_unknown_system_is_refused(store):
    with pytest.raises(NotFound):
        ch.add_change(store, 999, TODAY, "x", True, "wang")
    assert count(store, SystemChangeRow) == 0


def test_viewers_read_changes_assessors_record_them_other_organisations_see_nothing(store):
    org, system = school(store)
    other = repo.save_organisation(store, Organisation(name="另一所学校"), "setup")
    for name, role in (("viewer", Role.VIEWER), ("assessor", Role.ASSESSOR), ("outsider", Role.ADMIN)):
        users.create_user(store, name, "lantern-orchard-42", by="setup")
        users.set_role(store, name, other.id if name == "outsider" else org.id, role, by="setup")
    assessor = Workspace(store, users.actor(store, "assessor"))
    viewer = Workspace(store, users.actor(store, "viewer"))
    outsider = Workspace(store, users.actor(store, "outsider"))
    made = assessor.add_change(system.id, TODAY - timedelta(days=1), "新增功能")
    assert made.recorded_by == "assessor" and made.significant is True
    assert [c.id for c in viewer.list_changes(system.id)] == [made.id]
    with pytest.raises(PermissionDenied):
        viewer.add_change(system.id, TODAY, "偷偷记录")
    with pytest.raises(PermissionDenied):
        outsider.list_changes(system.id)
    assert count(store, SystemChangeRow) == 1


def test_the_workspace_lifecycles_see_the_changes_and_the_log_evidence(store):
    org, system = school(store)
    users.create_user(store, "wang", "lantern-orchard-42", by="setup", is_admin=True)
    w = Workspace(store, users.actor(store, "wang"))
    repo.add_grading(store, grading(system.id, TODAY - timedelta(days=60), HarmDegree.SERIOUS), "setup")
    w.add_change(system.id, TODAY - timedelta(days=40), "用户扩展到全县")
    w.set_log_retention(system.id, 190)
    w.set_system_profile(system.id, {"log_evidence": "配置截图"})
    (lc,) = lifecycles(w, [w.get_system(system.id)])
    assert lc.changes == [Change(TODAY - timedelta(days=40), "用户扩展到全县", True)]
    assert lc.log_evidence == "配置截图"
    judged = {o.kind: o for o in obligations_for(lc, TODAY).obligations}
    assert judged["regrading"].status is Status.OVERDUE
    assert judged["regrading"].due_on == TODAY - timedelta(days=10)
    assert "配置截图" in judged["log_retention"].evidence_zh


def test_deleting_a_system_deletes_its_changes(store):
    _, system = school(store)
    _, kept = school(store)
    ch.add_change(store, system.id, TODAY, "a", True, "wang")
    ch.add_change(store, kept.id, TODAY, "b", True, "wang")
    with store.begin() as s:
        s.delete(s.get(SystemRow, system.id))
    assert [c.description for c in ch.list_changes(store, kept.id)] == ["b"]
    assert count(store, SystemChangeRow) == 1


def test_the_backup_holds_the_changes_and_restores_them(store, tmp_path):
    _, system = school(store)
    ch.add_change(store, system.id, TODAY - timedelta(days=1), "新增缴费功能", True, "wang")
    code = "from mlps.adapters.store.backup import tables; print(' '.join(t.name for t in tables()))"
    names = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "system_change" in names and names.index("system") < names.index("system_change")
    made = bk.backup(store, tmp_path / "b.zip")
    assert made.tables["system_change"] == 1
    target = open_store(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        bk.restore(target, tmp_path / "b.zip")
        (restored,) = ch.list_changes(target, system.id)
        assert (restored.on, restored.description, restored.significant) == (
            TODAY - timedelta(days=1),
            "新增缴费功能",
            True,
        )
    finally:
        target.kw["bind"].dispose()


def test_migration_0004_keeps_parent_and_child_rows_and_adds_the_changes_table(db_url):
    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0003")
    assert "system_change" not in inspect(engine).get_table_names()
    sm = sessions(engine)
    insert_old_school(engine)  # plain SQL: the models may have columns 0003 does not have
    system = repo.list_systems(sm)[0]
    repo.add_grading(sm, grading(system.id, TODAY), "setup")
    migrate(engine)  # to head, over existing data
    assert "system_change" in inspect(engine).get_table_names()
    assert (count(sm, OrganisationRow), count(sm, SystemRow), count(sm, GradingRow)) == (1, 1, 1)
    ch.add_change(sm, system.id, TODAY, "新增功能", True, "wang")
    migrate(engine)  # again: nothing to do, nothing lost
    assert (count(sm, SystemRow), count(sm, GradingRow), count(sm, SystemChangeRow)) == (1, 1, 1)
    # deleting the system takes its grading and its changes with it (ON DELETE CASCADE), on both databases
    with sm.begin() as s:
        s.delete(s.get(SystemRow, system.id))
    assert (count(sm, GradingRow), count(sm, SystemChangeRow)) == (0, 0)
    with engine.connect() as c:
        assert bk.database_revision(c) == bk.head_revision()
    engine.dispose()
