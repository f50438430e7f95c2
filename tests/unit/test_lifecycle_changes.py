"""The one lifecycle builder takes recorded changes and the stored profile: the changes and the log-retention
evidence go into the lifecycle; facts without them give none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mlps.rules.domain import System
from mlps.rules.lifecycle import LifecycleFacts, change_facts, organisation_lifecycles
from mlps.rules.obligations import Change

SIS = System(name="学生信息管理系统", organisation_id=1, id=7)
OA = System(name="办公自动化系统", organisation_id=1, id=8)


@dataclass
class Recorded:  # the fields of mlps.adapters.store.changes.RecordedChange the lifecycle reads
    on: date
    description: str
    significant: bool


FACTS = LifecycleFacts(
    log_retention={7: 200, 8: 200},
    changes={7: [Recorded(date(2026, 3, 1), "新增缴费功能", True)]},
    profiles={7: {"profile": {}, "log_evidence": " 配置截图 "}, 8: {"log_evidence": 12}},
)


def test_changes_and_log_evidence_come_from_the_facts():
    sis, oa = organisation_lifecycles([SIS, OA], FACTS)
    assert sis.changes == [Change(date(2026, 3, 1), "新增缴费功能", True)] and sis.log_evidence == "配置截图"
    assert oa.changes == [] and oa.log_evidence == "", "a value of the wrong type reads as none"


def test_facts_without_them_give_lifecycles_without_changes():
    sis, oa = organisation_lifecycles([SIS, OA], LifecycleFacts(log_retention={7: 200, 8: 200}))
    assert (sis.changes, sis.log_evidence, oa.log_retention_days) == ([], "", 200)


def test_change_facts_keep_only_what_the_obligations_use():
    assert change_facts([Recorded(date(2026, 1, 2), "", False)]) == [Change(date(2026, 1, 2), "", False)]
