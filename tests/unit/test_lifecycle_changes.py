"""Lifecycles read through a source that also keeps recorded changes and the system profile (the Workspace):
the changes and the log-retention evidence go into the lifecycle; a source without them gives none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mlps.domain import System
from mlps.lifecycle import change_facts, lifecycles_from
from mlps.obligations import Change

SIS = System(name="学生信息管理系统", organisation_id=1, id=7)
OA = System(name="办公自动化系统", organisation_id=1, id=8)


@dataclass
class Recorded:  # the fields of mlps.store.changes.RecordedChange the lifecycle reads
    on: date
    description: str
    significant: bool


class Source:
    def grading_history(self, system_id):
        return []

    def assessments(self, system_id):
        return []

    def log_retention(self, system_id):
        return 200


class FullSource(Source):
    def list_changes(self, system_id):
        return [Recorded(date(2026, 3, 1), "新增缴费功能", True)] if system_id == 7 else []

    def system_profile(self, system_id):
        return {7: {"profile": {}, "log_evidence": " 配置截图 "}, 8: {"log_evidence": 12}}[system_id]


def test_changes_and_log_evidence_come_from_a_source_that_has_them():
    sis, oa = lifecycles_from(FullSource(), [SIS, OA])
    assert sis.changes == [Change(date(2026, 3, 1), "新增缴费功能", True)] and sis.log_evidence == "配置截图"
    assert oa.changes == [] and oa.log_evidence == "", "a value of the wrong type reads as none"


def test_a_source_without_them_gives_lifecycles_without_changes():
    sis, oa = lifecycles_from(Source(), [SIS, OA])
    assert (sis.changes, sis.log_evidence, oa.log_retention_days) == ([], "", 200)


def test_change_facts_keep_only_what_the_obligations_use():
    assert change_facts([Recorded(date(2026, 1, 2), "", False)]) == [Change(date(2026, 1, 2), "", False)]
