"""The filing rules since 2025 (the Cybersecurity Bureau's answers of 2025-04-27): certificate validity (Q6),
re-filing on the 2025 templates (Q1), level 5 (Q9-Q11) and the protection work plan (Q23-Q24)."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from mlps.rules.domain import AssessmentKind, GradingRecord, HarmDegree, HarmObject, Judgement
from mlps.rules.obligations import AssessmentDone, Status, SystemLifecycle, obligations_for
from mlps.rules.obligations.duties import certificate_of, refiling_due
from mlps.rules.obligations.filing2025 import certificate_validity


def grading(level: int = 3, graded_on: date = date(2024, 5, 1), **kw) -> GradingRecord:
    cell = Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS)
    return GradingRecord(system_id=1, business=cell, service=cell, business_level=level, service_level=level,
                         level=level, graded_on=graded_on, **kw)  # fmt: skip


def test_filed_before_2025_without_assessment_runs_three_years_from_2025():
    c = certificate_validity(date(2024, 6, 1))
    assert (c.valid_from, c.valid_until, c.renew_from) == (date(2025, 1, 1), date(2027, 12, 31), date(2027, 10, 1))
    assert c.extensions == 0


def test_each_completed_assessment_adds_a_year():
    one = certificate_validity(date(2024, 6, 1), [date(2025, 6, 1)])
    assert (one.valid_until, one.renew_from, one.extensions) == (date(2028, 12, 31), date(2028, 10, 1), 1)
    two = certificate_validity(date(2024, 6, 1), [date(2025, 6, 1), date(2026, 6, 1)])
    assert (two.valid_until, two.extensions) == (date(2029, 12, 31), 2)


def test_an_assessment_before_the_validity_starts_does_not_extend_it():
    c = certificate_validity(date(2024, 6, 1), [date(2024, 9, 1)])
    assert c.valid_until == date(2027, 12, 31)


def test_filed_in_2025_runs_three_years_from_the_filing():
    c = certificate_validity(date(2025, 5, 10))
    assert (c.valid_from, c.valid_until, c.renew_from) == (date(2025, 5, 10), date(2028, 5, 9), date(2028, 2, 10))


def lifecycle(g: GradingRecord, *assessed: date, plan_on: date | None = None) -> SystemLifecycle:
    done = [AssessmentDone(AssessmentKind.AGENCY, d) for d in assessed]
    return SystemLifecycle("学生信息系统", 1, [g], done, log_retention_days=200, plan_submitted_on=plan_on)


def test_obligations_carry_the_certificate_and_its_renewal_window():
    g = grading(2, date(2024, 5, 1), expert_review_on=date(2024, 5, 10), filed_on=date(2024, 6, 1))
    lc = lifecycle(g)
    assert certificate_of(lc).valid_until == date(2027, 12, 31)
    soon = obligations_for(lc, date(2027, 10, 5)).get("certificate")
    assert soon.status is Status.DUE_SOON and soon.due_on == date(2027, 12, 31)
    assert "2027-10-01" in soon.note_zh
    assert obligations_for(lc, date(2026, 1, 5)).get("certificate").status is Status.DONE
    assert obligations_for(lc, date(2028, 1, 2)).get("certificate").status is Status.OVERDUE
    out = obligations_for(lc, date(2026, 1, 5)).as_dict()
    assert out["certificate"] == {"valid_from": "2025-01-01", "valid_until": "2027-12-31", "renew_from": "2027-10-01",
                                  "extensions": 0}  # fmt: skip


def test_a_level_2_filing_on_the_old_templates_is_due_for_refiling_and_a_2025_filing_is_not():
    old = lifecycle(grading(2, date(2024, 5, 1), expert_review_on=date(2024, 5, 10), filed_on=date(2024, 6, 1)))
    assert refiling_due(old)
    result = obligations_for(old, date(2026, 1, 5))
    assert result.as_dict()["refiling_due"] is True
    assert result.get("refiling").status is Status.OVERDUE
    new = lifecycle(grading(2, date(2025, 5, 1), expert_review_on=date(2025, 5, 5), filed_on=date(2025, 5, 10)))
    assert not refiling_due(new)
    assert obligations_for(new, date(2026, 1, 5)).get("refiling").status is Status.DONE


def test_level_1_and_unfiled_systems_owe_no_refiling_and_have_no_certificate():
    level1 = lifecycle(grading(1, date(2024, 5, 1)))
    unfiled = lifecycle(grading(3, date(2026, 1, 2)))
    for lc in (level1, unfiled):
        out = obligations_for(lc, date(2026, 1, 5)).as_dict()
        assert out["refiling_due"] is False and out["certificate"] is None


def test_level_5_is_assessed_yearly_and_filed_with_the_provincial_bureau():
    g = grading(5, date(2025, 6, 1), expert_review_on=date(2025, 6, 3), filed_on=date(2025, 6, 5))
    result = obligations_for(lifecycle(g), date(2025, 7, 1))
    assess = result.get("agency_assessment")
    assert assess.status is not Status.NOT_APPLICABLE and assess.recurring_months == 12
    assert assess.due_on == date(2026, 6, 1)
    assert "GA/T 2182-2024" in assess.note_zh and "GA/T 2182-2024" in assess.note_en
    assert "省级公安机关" in result.get("filing").note_zh


def test_the_protection_work_plan_is_due_at_level_3_and_closed_by_a_submission_after_the_assessment():
    g = grading(3, date(2025, 1, 10), expert_review_on=date(2025, 1, 15), filed_on=date(2025, 1, 20))
    due = obligations_for(lifecycle(g, date(2025, 9, 1)), date(2025, 9, 20)).get("protection_plan")
    assert due.status is Status.DUE_SOON and due.due_on == date(2025, 10, 1)
    done = obligations_for(lifecycle(g, date(2025, 9, 1), plan_on=date(2025, 9, 25)), date(2025, 9, 26))
    assert done.get("protection_plan").status is Status.DONE
    two = grading(2, date(2025, 1, 10), expert_review_on=date(2025, 1, 15), filed_on=date(2025, 1, 20))
    assert obligations_for(lifecycle(two), date(2025, 9, 20)).get("protection_plan").status is Status.NOT_APPLICABLE


def test_a_level_change_says_a_new_expert_review_is_needed():
    old = grading(2, date(2024, 5, 1), expert_review_on=date(2024, 5, 10), filed_on=date(2024, 6, 1), id=1)
    new = grading(3, date(2025, 8, 1), id=2)
    lc = SystemLifecycle("学生信息系统", 1, [old, new], log_retention_days=200)
    review = obligations_for(lc, date(2025, 8, 4)).get("expert_review")
    assert review.status is not Status.DONE
    assert "第二级" in review.note_zh and "第三级" in review.note_zh and "level 2" in review.note_en


@pytest.mark.parametrize("bad", ["2025-13-01", None])
def test_a_bad_setting_names_the_field(bad):
    from mlps.rules.obligations.settings import parse_filing_2025
    from mlps.rules.rulefiles import read_yaml, rule_file

    raw = copy.deepcopy(read_yaml(rule_file("obligations.yaml"))["filing_2025"])
    raw["refiling"]["templates_from"] = bad  # everything else as bundled
    with pytest.raises(ValueError, match="templates_from"):
        parse_filing_2025(raw, "obligations.yaml")


def test_the_plan_submission_is_kept_beside_the_profile_and_feeds_the_lifecycle():
    from mlps.rules.domain import System
    from mlps.rules.filing_details import FilingDetailsError, plan_submitted_from, with_plan_submitted
    from mlps.rules.lifecycle import LifecycleFacts, organisation_lifecycles

    stored = with_plan_submitted({"profile": {"cloud_role": "customer"}}, date(2025, 9, 25), date(2025, 9, 26))
    assert stored["profile"] == {"cloud_role": "customer"} and plan_submitted_from(stored) == date(2025, 9, 25)
    with pytest.raises(FilingDetailsError, match="after today"):
        with_plan_submitted(stored, date(2025, 9, 27), date(2025, 9, 26))
    assert plan_submitted_from(with_plan_submitted(stored, None, date(2025, 9, 26))) is None
    system = System("学生信息系统", 1, 7)
    [lc] = organisation_lifecycles([system], LifecycleFacts(profiles={7: stored}))
    assert lc.plan_submitted_on == date(2025, 9, 25)
