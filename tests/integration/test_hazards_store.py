"""Major risk hazards and report dates in the store: roles checked in the service, bad hazards refused with
nothing stored, remediation with its verification, concurrent edits refused, and a migration that keeps the
verdicts of assessments stored before it."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, inspect, select

from mlps.adapters.store import hazards as hz
from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.db import MIGRATIONS, make_engine, migrate, sessions
from mlps.adapters.store.hazard_models import HazardRow
from mlps.adapters.store.models import AssessmentRow
from mlps.rules.auth import PermissionDenied, Role
from mlps.rules.domain import Organisation, System
from mlps.rules.errors import ConflictError
from mlps.rules.hazards import Hazard, HazardError
from mlps.services.workspace import Workspace
from tests.integration.conftest import insert_old_school

PW = "lantern-orchard-42"
GOOD = Hazard(
    "A-18", item_ids=("L2-CES1-01",), judgement="管理口令为 admin123，三原则均满足", found_on=date(2026, 11, 2)
)


@pytest.fixture
def school(store):
    org = repo.save_organisation(store, Organisation(name="实验中学"), "setup")
    system = repo.save_system(store, System(name="学生信息管理系统", organisation_id=org.id), "setup")
    for name, role in (("viewer", Role.VIEWER), ("assessor", Role.ASSESSOR)):
        users.create_user(store, name, PW, by="setup")
        users.set_role(store, name, org.id, role, by="setup")
    return repo.start_assessment(store, system.id, 2, [], "v", "setup")


def ws(store, name):
    return Workspace(store, users.actor(store, name))


def test_a_new_assessment_is_dated_today_and_judged_by_the_2025_method(store, school):
    assert school.report_date == date.today() and school.scoring_method is None
    assessor = ws(store, "assessor")
    assert assessor.scoring_method(school.id) == "mlps2025"
    assessor.set_report_date(school.id, date(2025, 3, 19))
    assert assessor.scoring_method(school.id) == "mlps2019"
    assessor.set_report_date(school.id, date(2025, 3, 19), "mlps2025")
    assert assessor.scoring_method(school.id) == "mlps2025"
    with pytest.raises(ValueError, match="unknown scoring method 'x'"):
        assessor.set_report_date(school.id, date(2025, 3, 19), "x")
    with pytest.raises(PermissionDenied):
        ws(store, "viewer").set_report_date(school.id, date(2026, 1, 1))


def test_hazards_are_recorded_remediated_and_checked(store, school):
    assessor, viewer = ws(store, "assessor"), ws(store, "viewer")
    with pytest.raises(PermissionDenied):
        viewer.record_hazard(school.id, GOOD)
    h = assessor.record_hazard(school.id, GOOD)
    assert [x.code for x in viewer.hazards(school.id)] == ["A-18"]
    with pytest.raises(HazardError, match="already recorded"):
        assessor.record_hazard(school.id, GOOD)
    for bad, message in (
        (Hazard("A-24", judgement="x", found_on=date(2026, 1, 1)), "level 2 has no item"),
        (Hazard("A-77", judgement="x", found_on=date(2026, 1, 1)), "unknown trigger code"),
        (Hazard("A-29", found_on=date(2026, 1, 1)), "write the judgement"),
    ):
        with pytest.raises(HazardError, match=message):
            assessor.record_hazard(school.id, bad)
    assert len(viewer.hazards(school.id)) == 1  # nothing else stored
    with pytest.raises(HazardError, match="verified"):
        assessor.update_hazard(h.id, expected_version=1, remediated_on=date(2026, 11, 20))
    done = assessor.update_hazard(h.id, expected_version=1, remediated_on=date(2026, 11, 20),
                                  verification="复测：口令已改为 12 位以上并启用定期更换")  # fmt: skip
    assert done.remediated and done.version == 2
    with pytest.raises(ConflictError):
        assessor.update_hazard(h.id, expected_version=1, judgement="旧版本上的修改")
    with pytest.raises(PermissionDenied):
        viewer.remove_hazard(h.id)
    assert sorted(e.action for e in repo.history(store, "hazard", str(h.id))) == ["create", "update"]


def test_migration_keeps_older_verdicts_and_adds_hazards(db_url):
    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0007_hazards-1")
    assert "hazard" not in inspect(engine).get_table_names()
    insert_old_school(engine)
    migrate(engine)
    sm = sessions(engine)
    a = repo.list_assessments(sm)[0]
    assert (a.scoring_method, a.report_date) == ("mlps2019", None)  # stored before: keeps its 2019 verdict
    hz.add_hazard(sm, a.id, GOOD, "wang")
    with sm.begin() as s:
        s.delete(s.get(AssessmentRow, a.id))
    with sm() as s:
        assert s.scalar(select(func.count()).select_from(HazardRow)) == 0  # deleted with its assessment
    engine.dispose()
