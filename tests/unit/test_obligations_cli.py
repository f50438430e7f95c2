"""`mlps obligations` prints one system's duties, due dates and status as of a given day."""

from __future__ import annotations

import json

import pytest

from tests.cli import Run, run


def mlps(*args: str) -> Run:
    return run(*args)


def by_kind(data: dict) -> dict:
    return {o["kind"]: o for o in data["obligations"]}


def test_filing_deadline_and_red_status_for_a_level_3_system_not_filed():
    out = mlps(
        "obligations",
        "--level",
        "3",
        "--graded-on",
        "2025-09-26",
        "--log-retention-days",
        "200",
        "--today",
        "2025-10-17",
        "--format",
        "json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    filing = by_kind(data)["filing"]
    assert (filing["due_on"], filing["status"]) == ("2025-10-16", "overdue")  # across National Day 2025
    assert data["severity"] == "red" and data["penalty"]["id"] == "csl_2017_art59"
    assert by_kind(data)["log_retention"]["status"] == "done"


def test_filed_and_assessed_with_short_logs():
    out = mlps(
        "obligations",
        "--level",
        "3",
        "--graded-on",
        "2026-02-10",
        "--expert-review-on",
        "2026-02-12",
        "--filed-on",
        "2026-02-27",
        "--last-assessment",
        "2026-06-01",
        "--last-self-inspection",
        "2026-06-01",
        "--log-retention-days",
        "30",
        "--today",
        "2026-07-01",
    )
    data = json.loads(out.stdout)
    kinds = by_kind(data)
    assert kinds["filing"]["status"] == "done" and kinds["filing"]["due_on"] == "2026-03-02"
    assert (kinds["agency_assessment"]["status"], kinds["agency_assessment"]["due_on"]) == ("done", "2027-06-01")
    assert kinds["log_retention"]["status"] == "overdue" and "Art. 23" in kinds["log_retention"]["citation_en"]
    assert data["severity"] == "amber" and data["penalty"]["id"] == "csl_2025_art61"
    # the 2025 rules: the protection work plan follows the assessment (Q23); the certificate runs 3 years + 1 (Q6)
    assert [t["due_on"] for t in data["timeline"]] == ["2026-07-01", "2027-06-01", "2027-06-01"]
    assert kinds["protection_plan"]["status"] == "due_soon"
    assert data["certificate"] == {"valid_from": "2026-02-27", "valid_until": "2030-02-26", "renew_from": "2029-11-27",
                                   "extensions": 1}
    assert data["refiling_due"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "3", "--graded-on", "2026-13-01"], "--graded-on: '2026-13-01' is not a date"),
        (["--level", "7", "--graded-on", "2026-01-05"], "--level: 7 is not a level"),
        (
            ["--level", "2", "--graded-on", "2026-03-01", "--filed-on", "2026-02-01", "--today", "2026-04-01"],
            "filed_on 2026-02-01 is before graded_on 2026-03-01",
        ),
        (["--level", "2", "--graded-on", "2026-03-01", "--log-retention-days", "-1"], "--log-retention-days"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args, message):
    out = mlps("obligations", *args)
    assert out.returncode == 2 and out.stdout == ""
    assert message in out.stderr and "Traceback" not in out.stderr


def test_a_2024_filing_is_due_for_refiling_and_its_certificate_runs_from_2025():
    out = mlps("obligations", "--level", "2", "--graded-on", "2024-05-01", "--expert-review-on", "2024-05-10",
               "--filed-on", "2024-06-01", "--log-retention-days", "200", "--today", "2026-01-05")  # fmt: skip
    data = json.loads(out.stdout)
    assert data["refiling_due"] is True
    assert data["certificate"] == {"valid_from": "2025-01-01", "valid_until": "2027-12-31", "renew_from": "2027-10-01",
                                   "extensions": 0}  # fmt: skip
    assert by_kind(data)["refiling"]["status"] == "overdue" and "Q1" in by_kind(data)["refiling"]["citation_en"]


def test_a_submitted_protection_plan_closes_the_duty():
    out = mlps("obligations", "--level", "3", "--graded-on", "2026-02-10", "--expert-review-on", "2026-02-12",
               "--filed-on", "2026-02-27", "--last-assessment", "2026-06-01", "--plan-submitted-on", "2026-06-20",
               "--log-retention-days", "200", "--today", "2026-07-01")  # fmt: skip
    assert by_kind(json.loads(out.stdout))["protection_plan"]["status"] == "done"
