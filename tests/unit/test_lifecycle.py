"""Building a system's lifecycle from the store's records, and checking lifecycle steps before they are saved."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from mlps.adapters.store.repository.assessments import Assessment as StoredAssessment
from mlps.rules.domain import AssessmentKind, HarmDegree, HarmObject, Judgement, System
from mlps.rules.grading import grade
from mlps.rules.lifecycle import (
    LifecycleFacts,
    apply_step,
    assessment_facts,
    blocking,
    build_lifecycle,
    check_step,
    clean_step,
    open_assessments,
    organisation_lifecycles,
    step_status,
)
from mlps.rules.obligations import Status, obligations_for

CELL = {
    1: Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL),
    2: Judgement(HarmObject.CITIZENS, HarmDegree.SERIOUS),
    3: Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS),
}
SIS = System(name="学生信息管理系统", organisation_id=1, id=7, go_live=date(2021, 3, 1))


def record(level: int, graded_on: date, record_id: int, **steps):
    r = grade(CELL[level], CELL[level]).to_record(SIS.id, graded_on=graded_on, graded_by="王老师", **steps)
    r.id = record_id
    return r


def stored(kind: str, status: str, started: date, completed: date | None = None, aid: int = 1, title: str = ""):
    return StoredAssessment(
        id=aid, system_id=SIS.id, level=3, extensions=(), catalogue_version="v", kind=kind, status=status,
        started_on=started, completed_on=completed, title=title, baseline_of=None, created_by="wang",
        created_at=datetime(2026, 1, 1),
    )  # fmt: skip


# --- building -----------------------------------------------------------------------------------------------


def test_the_lifecycle_keeps_the_whole_history_and_the_latest_grading_is_current():
    old, new = record(2, date(2024, 9, 1), 1), record(3, date(2026, 3, 2), 2)
    lc = build_lifecycle(SIS, [new, old], [], 200)  # the store lists newest first
    assert lc.name == "学生信息管理系统" and lc.system_id == 7 and lc.go_live == date(2021, 3, 1)
    assert lc.gradings == [new, old] and lc.current_grading() is new
    assert lc.log_retention_days == 200


def test_only_completed_assessments_count_dated_when_completed():
    facts = assessment_facts(
        [
            stored("agency", "completed", date(2025, 5, 10), date(2025, 6, 30), 1, "2025 年等级测评"),
            stored("self", "in_progress", date(2026, 4, 1), None, 2),
            stored("self", "completed", date(2025, 11, 3), None, 3),  # old data with no completion date
        ]
    )
    assert [(f.kind, f.on, f.reference) for f in facts] == [
        (AssessmentKind.AGENCY, date(2025, 6, 30), "2025 年等级测评"),
        (AssessmentKind.SELF, date(2025, 11, 3), "#3"),
    ]


def test_an_assessment_of_an_unknown_kind_is_named():
    with pytest.raises(ValueError, match="assessment 9: kind must be self or agency"):
        assessment_facts([stored("friendly", "completed", date(2025, 1, 1), date(2025, 1, 2), 9)])


def test_an_assessment_in_progress_does_not_close_the_yearly_level_3_assessment():
    graded = record(3, date(2025, 3, 3), 1, expert_review_on=date(2025, 3, 5), filed_on=date(2025, 3, 10))
    # graded 2025-03-03 at level 3: the agency assessment is due 12 months later, 2026-03-03
    running = build_lifecycle(SIS, [graded], [stored("agency", "in_progress", date(2026, 2, 1))], 180)
    result = obligations_for(running, date(2026, 5, 1))
    assert result.get("agency_assessment").status is Status.OVERDUE
    assert result.get("agency_assessment").due_on == date(2026, 3, 3)
    assert open_assessments([stored("agency", "in_progress", date(2026, 2, 1))])[0].status == "in_progress"
    done = build_lifecycle(SIS, [graded], [stored("agency", "completed", date(2026, 2, 1), date(2026, 2, 20))], 180)
    result = obligations_for(done, date(2026, 5, 1))
    # completed 2026-02-20: the next one is due 2027-02-20, far off, so this cycle is done
    assert result.get("agency_assessment").status is Status.DONE
    assert result.get("agency_assessment").due_on == date(2027, 2, 20)
    assert result.get("agency_assessment").done_on == date(2026, 2, 20)


def test_another_systems_records_are_left_out():
    other = stored("agency", "completed", date(2025, 5, 10), date(2025, 6, 30))
    other.system_id = 99
    assert build_lifecycle(SIS, [], [other]).assessments == []


def test_organisation_lifecycles_from_maps():
    oa = System(name="办公自动化系统", organisation_id=1, id=8)
    g = record(2, date(2026, 1, 5), 1)
    lcs = organisation_lifecycles([SIS, oa], LifecycleFacts({7: [g]}, {}, {8: 90}))
    assert [(lc.name, len(lc.gradings), lc.log_retention_days) for lc in lcs] == [
        ("学生信息管理系统", 1, None),
        ("办公自动化系统", 0, 90),
    ]
    assert lcs[0].current_grading() is g and lcs[1].current_grading() is None


# --- steps --------------------------------------------------------------------------------------------------

TODAY = date(2026, 5, 20)
L2 = record(2, date(2026, 5, 4), 5)


def fields(problems):
    return [(p.field, p.blocking) for p in problems]


def test_a_complete_expert_review_passes():
    assert check_step(L2, TODAY, expert_review_on=date(2026, 5, 8), expert_opinion="同意定为第二级") == []


def test_an_expert_review_needs_its_date_and_its_opinion():
    assert fields(check_step(L2, TODAY, expert_review_on=date(2026, 5, 8), expert_opinion="  ")) == [
        ("expert_opinion", True)
    ]
    problems = check_step(L2, TODAY, expert_review_on=None, expert_opinion="同意")
    assert fields(problems) == [("expert_review_on", True)]
    assert "专家评审日期" in problems[0].zh and "expert review date" in problems[0].en


def test_a_filing_needs_the_office_and_a_recorded_expert_review_first():
    problems = check_step(L2, TODAY, filed_on=date(2026, 5, 18), filing_office="", filing_number="")
    assert fields(problems) == [("filing_office", True), ("expert_review_on", True)]
    reviewed = apply_step(L2, expert_review_on=date(2026, 5, 8), expert_opinion="同意")
    ok = check_step(reviewed, TODAY, filed_on=date(2026, 5, 18), filing_office="青山县公安局网安大队")
    assert ok == []  # the filing number may follow when the certificate arrives


def test_a_filing_office_without_a_date_is_refused():
    reviewed = apply_step(L2, expert_review_on=date(2026, 5, 8), expert_opinion="同意")
    assert fields(check_step(reviewed, TODAY, filing_office="青山县公安局网安大队")) == [("filed_on", True)]


def test_dates_after_today_or_before_the_grading_are_refused():
    problems = check_step(L2, TODAY, expert_review_on=date(2026, 5, 21), expert_opinion="同意")
    assert fields(problems) == [("expert_review_on", True)]
    assert "不能晚于今天" in problems[0].zh and "after today" in problems[0].en
    problems = check_step(L2, TODAY, expert_review_on=date(2026, 5, 3), expert_opinion="同意")
    assert "before the grading date (2026-05-04)" in problems[0].en


def test_a_filing_dated_before_the_review_is_a_warning_not_a_refusal():
    reviewed = apply_step(L2, expert_review_on=date(2026, 5, 12), expert_opinion="同意")
    problems = check_step(reviewed, TODAY, filed_on=date(2026, 5, 10), filing_office="青山县公安局网安大队")
    assert fields(problems) == [("filed_on", False)] and blocking(problems) == []


def test_an_approval_needs_the_authority_and_a_named_authority_without_approval_warns_at_filing():
    assert fields(check_step(L2, TODAY, authority_name="", authority_approved_on=date(2026, 5, 6))) == [
        ("authority_name", True)
    ]
    assert check_step(L2, TODAY, authority_name="青山县教育局", authority_approved_on=None) == []
    pending = apply_step(L2, authority_name="青山县教育局", expert_review_on=date(2026, 5, 8), expert_opinion="同意")
    problems = check_step(pending, TODAY, filed_on=date(2026, 5, 18), filing_office="青山县公安局网安大队")
    assert fields(problems) == [("authority_approved_on", False)] and "青山县教育局" in problems[0].zh


def test_level_1_has_no_review_approval_or_filing():
    l1 = record(1, date(2026, 5, 4), 6)
    problems = check_step(l1, TODAY, expert_review_on=date(2026, 5, 8), expert_opinion="同意")
    assert len(problems) == 1 and problems[0].blocking and "第一级" in problems[0].zh
    assert step_status(l1) == {"expert_review": "not_applicable", "authority_approval": "not_applicable",
                               "filing": "not_applicable"}  # fmt: skip


def test_unknown_step_fields_are_named_and_text_is_stripped():
    with pytest.raises(ValueError, match="not a lifecycle field: level"):
        clean_step(level=3)
    assert clean_step(filing_office="  青山县公安局  ", filed_on=None) == {
        "filing_office": "青山县公安局",
        "filed_on": None,
    }
    problems = check_step(L2, TODAY, graded_on=date(2026, 1, 1))
    assert blocking(problems) and "graded_on" in problems[0].en


def test_step_status_follows_what_is_recorded():
    assert step_status(L2) == {"expert_review": "open", "authority_approval": "not_applicable", "filing": "open"}
    done = apply_step(L2, expert_review_on=date(2026, 5, 8), authority_name="教育局", filed_on=date(2026, 5, 18))
    assert step_status(done) == {"expert_review": "done", "authority_approval": "open", "filing": "done"}
