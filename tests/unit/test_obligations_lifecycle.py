"""Obligations of a system in each state of its lifecycle, the organisation's exposure, penalties and timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from mlps.rules.domain import AssessmentKind, HarmDegree, HarmObject, Judgement
from mlps.rules.grading import grade
from mlps.rules.obligations import (
    SETTINGS_FILE,
    AssessmentDone,
    Change,
    Severity,
    Status,
    SystemLifecycle,
    exposure,
    load_settings,
    obligations_for,
    penalty_on,
    timeline,
    timeline_frame,
)
from mlps.rules.rulefiles import rule_file
from mlps.rules.workdays import official_is_workday

AGENCY, SELF = AssessmentKind.AGENCY, AssessmentKind.SELF
CELL = {
    1: (HarmObject.CITIZENS, HarmDegree.GENERAL),
    2: (HarmObject.CITIZENS, HarmDegree.SERIOUS),
    3: (HarmObject.SOCIETY, HarmDegree.SERIOUS),
    4: (HarmObject.SOCIETY, HarmDegree.ESPECIALLY_SERIOUS),
}


def record(level: int, graded_on: date, **lifecycle):
    j = Judgement(*CELL[level])
    return grade(j, j).to_record(1, graded_on=graded_on, **lifecycle)


def system(level: int | None = None, graded_on: date | None = None, name: str = "招生系统", **kw) -> SystemLifecycle:
    lifecycle = {
        k: kw.pop(k)
        for k in list(kw)
        if k
        in ("expert_review_on", "filed_on", "filing_office", "filing_number", "authority_name", "authority_approved_on")
    }
    gradings = [record(level, graded_on, **lifecycle)] if level else []
    kw.setdefault("log_retention_days", 180)
    return SystemLifecycle(name=name, system_id=1, gradings=gradings, **kw)


def statuses(result) -> dict[str, Status]:
    return {o.kind: o.status for o in result.obligations}


# --- not graded ------------------------------------------------------------------------------------------


def test_a_system_never_graded_is_red_with_grading_overdue():
    result = obligations_for(system(), date(2026, 5, 1))
    assert result.level is None and result.severity is Severity.RED and result.red_kinds == ("grading",)
    assert statuses(result) == {"grading": Status.OVERDUE, "log_retention": Status.DONE}
    assert "未定级" in result.reasons_zh[0] and "Not graded" in result.reasons_en[0]


def test_a_planned_system_going_live_soon_must_be_graded_first_but_is_not_yet_red():
    result = obligations_for(system(go_live=date(2026, 5, 20)), date(2026, 5, 1))
    assert result.get("grading").status is Status.DUE_SOON and result.get("grading").due_on == date(2026, 5, 20)
    assert result.severity is Severity.GREEN


def test_an_ungraded_system_the_user_expects_at_level_1_is_amber_not_red():
    result = obligations_for(system(expected_level=1), date(2026, 5, 1))
    assert result.severity is Severity.AMBER and result.red_kinds == ()
    assert result.reasons_en == ("Grading: overdue.",)


# --- graded, not filed -------------------------------------------------------------------------------------


def test_graded_not_filed_filing_is_due_ten_working_days_after_grading_across_spring_festival():
    result = obligations_for(system(3, date(2026, 2, 10)), date(2026, 2, 20))
    filing = result.get("filing")
    assert filing.due_on == date(2026, 3, 2) and filing.status is Status.DUE_SOON
    assert "10 working days" in filing.note_en and "工作日" in filing.note_zh
    assert result.get("expert_review").due_on == date(2026, 3, 2)
    assert result.get("expert_review").status is Status.DUE_SOON
    assert result.severity is Severity.GREEN  # not late yet


def test_the_due_day_itself_is_not_overdue_the_day_after_is_red():
    assert obligations_for(system(3, date(2026, 2, 10)), date(2026, 3, 2)).get("filing").status is Status.DUE_SOON
    late = obligations_for(system(3, date(2026, 2, 10)), date(2026, 3, 3))
    assert late.get("filing").status is Status.OVERDUE
    assert late.severity is Severity.RED and "filing" in late.red_kinds
    assert "Not filed in time (due by 2026-03-02)." in late.reasons_en


def test_filing_deadline_across_national_day_2025():
    filing = obligations_for(system(2, date(2025, 9, 26)), date(2025, 9, 29)).get("filing")
    assert filing.due_on == date(2025, 10, 16)


def test_filing_deadline_can_be_the_2007_measures_thirty_days():
    settings = replace(load_settings(), filing_mode="calendar_days")
    filing = obligations_for(system(2, date(2026, 2, 10)), date(2026, 2, 11), settings).get("filing")
    assert filing.due_on == date(2026, 3, 12) and "30 days" in filing.note_en
    assert filing.mark == "S"  # the 2007 Measures' 30 days are seen in sources; 10 working days are recalled
    assert obligations_for(system(2, date(2026, 2, 10)), date(2026, 2, 11)).get("filing").mark == "R"


def test_a_filing_deadline_in_a_year_the_calendar_lacks_is_flagged():
    def calendar_until_2026(day: date) -> bool:
        if day.year >= 2027:
            raise NotImplementedError
        return official_is_workday(day)

    result = obligations_for(system(2, date(2026, 12, 24)), date(2026, 12, 28), is_workday=calendar_until_2026)
    filing = result.get("filing")
    assert filing.due_on == date(2027, 1, 7) and filing.calendar_fallback
    assert "2027" in filing.note_zh and "2027" in filing.note_en


# --- filed -------------------------------------------------------------------------------------------------


def test_a_filed_and_assessed_level_3_system_is_green_with_the_evidence_that_closed_each_duty():
    lc = system(
        3,
        date(2026, 2, 10),
        expert_review_on=date(2026, 2, 12),
        filed_on=date(2026, 2, 27),
        filing_office="宜宾市公安局网安支队",
        filing_number="51150099999-26001",
        assessments=[
            AssessmentDone(AGENCY, date(2026, 6, 1), "测评报告 2026-018", "某测评机构"),
            AssessmentDone(SELF, date(2026, 6, 15)),
        ],
        log_evidence="日志审计系统配置截图",
    )
    result = obligations_for(lc, date(2026, 7, 1))
    assert result.severity is Severity.GREEN and result.reasons_en == ()
    filing = result.get("filing")
    assert filing.status is Status.DONE and filing.done_on == date(2026, 2, 27) and not filing.late
    assert "51150099999-26001" in filing.evidence_zh and "宜宾市公安局网安支队" in filing.evidence_en
    assess = result.get("agency_assessment")
    assert (assess.status, assess.due_on, assess.recurring_months) == (Status.DONE, date(2027, 6, 1), 12)
    assert "测评报告 2026-018" in assess.evidence_en
    assert result.get("self_inspection").due_on == date(2027, 6, 15)
    assert (
        "180" in result.get("log_retention").evidence_zh
        and "日志审计系统配置截图" in result.get("log_retention").evidence_zh
    )
    assert result.get("authority_approval").status is Status.NOT_APPLICABLE


def test_a_filing_after_the_deadline_is_done_but_marked_late():
    lc = system(3, date(2025, 9, 26), expert_review_on=date(2025, 10, 9), filed_on=date(2025, 10, 20))
    filing = obligations_for(lc, date(2025, 11, 1)).get("filing")
    assert filing.status is Status.DONE and filing.late and "2025-10-16" in filing.note_en


def test_filed_without_a_recorded_expert_review_is_flagged():
    result = obligations_for(system(2, date(2026, 3, 2), filed_on=date(2026, 3, 6)), date(2026, 3, 10))
    assert result.get("expert_review").status is Status.OVERDUE
    assert result.severity is Severity.AMBER and "Expert review of the grading: overdue." in result.reasons_en


def test_a_competent_authority_adds_an_approval_step_before_filing():
    lc = system(3, date(2026, 3, 2), authority_name="市教育局")
    approval = obligations_for(lc, date(2026, 3, 4)).get("authority_approval")
    assert approval.status is Status.DUE_SOON and "市教育局" in approval.note_zh


# --- assessments -------------------------------------------------------------------------------------------


def test_an_overdue_level_3_assessment_makes_the_system_red():
    lc = system(
        3,
        date(2024, 3, 1),
        expert_review_on=date(2024, 3, 4),
        filed_on=date(2024, 3, 10),
        assessments=[AssessmentDone(AGENCY, date(2025, 2, 1)), AssessmentDone(SELF, date(2025, 6, 1))],
    )
    result = obligations_for(lc, date(2026, 3, 1))
    assess = result.get("agency_assessment")
    assert (assess.status, assess.due_on) == (Status.OVERDUE, date(2026, 2, 1))
    assert result.severity is Severity.RED and result.red_kinds == ("agency_assessment",)
    assert "Not assessed in time (due by 2026-02-01)." in result.reasons_en


def test_level_4_is_assessed_and_self_inspected_every_six_months():
    lc = system(
        4,
        date(2025, 1, 10),
        expert_review_on=date(2025, 1, 13),
        filed_on=date(2025, 1, 20),
        assessments=[AssessmentDone(AGENCY, date(2025, 10, 1)), AssessmentDone(SELF, date(2025, 12, 1))],
    )
    result = obligations_for(lc, date(2026, 3, 15))
    assert result.get("agency_assessment").due_on == date(2026, 4, 1)
    assert result.get("agency_assessment").status is Status.DUE_SOON
    assert (result.get("self_inspection").due_on, result.get("self_inspection").status) == (
        date(2026, 6, 1),
        Status.DONE,
    )


def test_level_2_every_two_years_is_practice_and_says_so_when_overdue():
    lc = system(2, date(2023, 1, 10), expert_review_on=date(2023, 1, 11), filed_on=date(2023, 1, 16))
    result = obligations_for(lc, date(2025, 2, 1))
    assess = result.get("agency_assessment")
    assert (assess.due_on, assess.status, assess.mark) == (date(2025, 1, 10), Status.OVERDUE, "practice")
    assert "common practice" in result.reasons_en[0] and "通行做法" in result.reasons_zh[0]
    assert result.get("self_inspection").status is Status.NOT_APPLICABLE


def test_level_1_is_not_filed_reviewed_or_assessed():
    result = obligations_for(system(1, date(2026, 1, 5)), date(2026, 6, 1))
    for kind in ("expert_review", "authority_approval", "filing", "agency_assessment", "self_inspection"):
        assert result.get(kind).status is Status.NOT_APPLICABLE, kind
    assert "Level 1" in result.get("filing").note_en and result.severity is Severity.GREEN


# --- changes and logs ---------------------------------------------------------------------------------------


def test_a_significant_change_after_grading_calls_for_re_grading_within_30_days():
    lc = system(
        2,
        date(2026, 1, 5),
        expert_review_on=date(2026, 1, 6),
        filed_on=date(2026, 1, 9),
        changes=[Change(date(2026, 3, 1), "接入家长缴费"), Change(date(2026, 3, 5), "换字体", significant=False)],
    )
    regrading = obligations_for(lc, date(2026, 4, 2)).get("regrading")
    assert (regrading.status, regrading.due_on) == (Status.OVERDUE, date(2026, 3, 31))
    assert "接入家长缴费" in regrading.note_zh and "换字体" not in regrading.note_zh


def test_a_later_grading_closes_the_change_and_becomes_the_current_one():
    lc = system(2, date(2026, 1, 5), changes=[Change(date(2026, 3, 1), "接入家长缴费")])
    lc.gradings.append(record(3, date(2026, 3, 20), expert_review_on=date(2026, 3, 23), filed_on=date(2026, 3, 27)))
    result = obligations_for(lc, date(2026, 4, 2))
    assert result.level == 3 and result.graded_on == date(2026, 3, 20)
    regrading = result.get("regrading")
    assert regrading.status is Status.DONE and "接入家长缴费" in regrading.evidence_zh
    assert result.get("filing").status is Status.DONE


def test_logs_kept_less_than_six_months_are_flagged_citing_art_23_from_2026():
    result = obligations_for(system(3, date(2026, 2, 10), log_retention_days=90), date(2026, 2, 11))
    logs = result.get("log_retention")
    assert logs.status is Status.OVERDUE and "90" in logs.note_en and "180" in logs.note_en
    assert "第二十三条" in logs.citation_zh and "Art. 23" in logs.citation_en
    assert result.severity is Severity.AMBER


def test_log_citation_before_2026_is_art_21_and_an_unrecorded_retention_is_open():
    lc = system(3, date(2025, 6, 2), log_retention_days=None)
    logs = obligations_for(lc, date(2025, 6, 3)).get("log_retention")
    assert "第二十一条" in logs.citation_zh and "Art. 21" in logs.citation_en
    assert logs.status is Status.OVERDUE and "No configured log retention recorded" in logs.note_en


# --- bad facts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"filed_on": date(2026, 1, 1)}, "filed_on 2026-01-01 is before graded_on 2026-02-10"),
        ({"filed_on": date(2026, 9, 1)}, "filed_on 2026-09-01 is after today"),
        ({"log_retention_days": -5}, "log_retention_days must be 0 or more"),
    ],
)
def test_impossible_lifecycle_facts_are_refused_naming_the_system(kw, message):
    with pytest.raises(ValueError, match=f"system '招生系统': {message}"):
        obligations_for(system(3, date(2026, 2, 10), **kw), date(2026, 6, 1))


# --- penalties, exposure, timeline ----------------------------------------------------------------------------


def test_penalty_before_2026_is_old_art_59_and_from_2026_new_art_61():
    old = penalty_on(date(2025, 12, 31))
    assert old.id == "csl_2017_art59" and "第五十九条" in old.article_zh
    harm = {t.id: t for t in old.tiers}["refused_or_harm"]
    assert (harm.unit_min, harm.unit_max, harm.person_min, harm.person_max) == (10000, 100000, 5000, 50000)
    new = penalty_on(date(2026, 1, 1))
    assert new.id == "csl_2025_art61" and "Art. 61" in new.article_en
    tiers = {t.id: t for t in new.tiers}
    assert (tiers["first"].unit_min, tiers["first"].unit_max) == (10000, 50000)
    assert (tiers["refused_or_harm"].unit_max, tiers["refused_or_harm"].person_max) == (500000, 100000)
    assert tiers["serious_consequences"].mark == "R" and tiers["serious_consequences"].unit_max == 2000000


def test_exposure_puts_red_systems_first_with_the_penalty_of_the_day_and_the_yibin_case():
    green = system(1, date(2025, 3, 3), name="A 网站")
    red = system(3, date(2025, 3, 3), name="B 招生")
    result = exposure([green, red], date(2025, 12, 1))
    assert result.severity is Severity.RED and [s.name for s in result.systems] == ["B 招生", "A 网站"]
    assert len(result.red) == 1 and result.penalty.id == "csl_2017_art59"
    assert "第五十九条" in result.headline_zh and "Art. 59" in result.headline_en
    assert "宜宾" in result.case.text_zh and "10,000" in result.case.text_en and "5,000" in result.case.text_en
    assert exposure([red], date(2026, 1, 2)).penalty.id == "csl_2025_art61"


def test_exposure_is_green_when_every_duty_is_met():
    result = exposure([system(1, date(2025, 3, 3))], date(2025, 12, 1))
    assert result.severity is Severity.GREEN and result.red == () and "按期" in result.headline_zh


def test_timeline_shows_the_next_twelve_months_with_recurring_duties_repeated():
    lc = system(
        4,
        date(2026, 1, 12),
        expert_review_on=date(2026, 1, 13),
        filed_on=date(2026, 1, 16),
        assessments=[AssessmentDone(AGENCY, date(2026, 3, 1)), AssessmentDone(SELF, date(2026, 4, 1))],
    )
    today = date(2026, 6, 1)
    entries = timeline([obligations_for(lc, today)], today)
    got = [(e.kind, e.due_on, e.status, e.projected) for e in entries]
    assert got == [
        # the 2025 rules (Q23): the protection work plan was due 30 days after the assessment of 2026-03-01
        ("protection_plan", date(2026, 3, 31), Status.OVERDUE, False),
        ("agency_assessment", date(2026, 9, 1), Status.UPCOMING, False),
        ("self_inspection", date(2026, 10, 1), Status.UPCOMING, False),
        ("agency_assessment", date(2027, 3, 1), Status.UPCOMING, True),
        ("self_inspection", date(2027, 4, 1), Status.UPCOMING, True),
    ]
    frame = timeline_frame(entries)
    assert list(frame["month"]) == ["2026-03", "2026-09", "2026-10", "2027-03", "2027-04"]


def test_timeline_keeps_overdue_items_and_drops_far_ones():
    today = date(2026, 3, 10)
    entries = timeline([obligations_for(system(3, date(2026, 2, 10)), today)], today)
    assert [(e.kind, e.due_on, e.status) for e in entries] == [
        ("expert_review", date(2026, 3, 2), Status.OVERDUE),
        ("filing", date(2026, 3, 2), Status.OVERDUE),
        ("agency_assessment", date(2027, 2, 10), Status.UPCOMING),
        ("self_inspection", date(2027, 2, 10), Status.UPCOMING),
    ]


# --- settings -------------------------------------------------------------------------------------------------


def test_settings_carry_the_cadences_and_citations_of_domain_facts():
    s = load_settings()
    assert s.assessment_months == {2: 24, 3: 12, 4: 6, 5: 12} and s.self_inspection_months == {3: 12, 4: 6}
    assert (s.filing_mode, s.filing_working_days, s.filing_calendar_days) == ("working_days", 10, 30)
    assert s.law_change_date == date(2026, 1, 1) and s.log_min_days == 180
    assert "30" in s.citations["filing"]["zh"] and s.assessment_marks[2] == "practice"


def test_a_bad_settings_file_is_refused_naming_the_field(tmp_path: Path):
    data = yaml.safe_load(rule_file(SETTINGS_FILE).read_text(encoding="utf-8"))
    data["filing"]["mode"] = "lunar_days"
    target = tmp_path / "obligations.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        ValueError, match="obligations.yaml, filing: 'mode' must be working_days or calendar_days, not 'lunar_days'"
    ):
        load_settings(target)
