"""Working-day deadlines on the official Chinese calendar: holidays skipped, make-up working days counted.

Hand-checked against the State Council's notices as carried by chinese_calendar:
- National Day 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are working days.
- Spring Festival 2026: 15-23 February off; Saturday 14 February and Saturday 28 February are working days.
"""

from __future__ import annotations

from datetime import date

import pytest

from mlps.rules.workdays import add_calendar_days, add_months, add_working_days, is_working_day, official_is_workday


def test_ten_working_days_across_national_day_2025_count_both_make_up_days():
    # from Fri 26 Sep: 28 Sep (Sun, make-up) 1, 29 2, 30 3, [1-8 Oct off], 9 4, 10 5, 11 (Sat, make-up) 6,
    # 13 7, 14 8, 15 9, 16 10
    deadline = add_working_days(date(2025, 9, 26), 10)
    assert deadline.due == date(2025, 10, 16)
    assert not deadline.used_fallback and deadline.note_en == ""


def test_ten_working_days_across_spring_festival_2026():
    # from Tue 10 Feb: 11 1, 12 2, 13 3, 14 (Sat, make-up) 4, [15-23 off], 24 5, 25 6, 26 7, 27 8,
    # 28 (Sat, make-up) 9, Mon 2 Mar 10. Plain weekdays would have said 24 Feb.
    assert add_working_days(date(2026, 2, 10), 10).due == date(2026, 3, 2)


def test_a_make_up_saturday_is_itself_a_working_day():
    assert add_working_days(date(2026, 2, 13), 1).due == date(2026, 2, 14)
    assert add_working_days(date(2025, 9, 30), 1).due == date(2025, 10, 9)  # the whole holiday is skipped


def test_the_calendar_knows_weekend_make_up_days_and_weekday_holidays():
    assert is_working_day(date(2025, 10, 11)) == (True, True)  # Saturday, make-up
    assert is_working_day(date(2025, 10, 8)) == (False, True)  # Wednesday, holiday


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays_and_says_so():
    # 2099-01-01 is a Thursday: Fri 2 1, 5-9 6, 12-15 10
    deadline = add_working_days(date(2099, 1, 1), 10)
    assert deadline.due == date(2099, 1, 15)
    assert deadline.fallback_years == (2099,) and deadline.used_fallback
    assert "2099" in deadline.note_zh and "周一至周五" in deadline.note_zh
    assert "2099" in deadline.note_en and "plain Monday-to-Friday" in deadline.note_en


def test_a_deadline_running_into_an_unknown_year_uses_the_calendar_then_weekdays():
    def calendar_until_2026(day: date) -> bool:
        if day.year >= 2027:
            raise NotImplementedError("no data")
        return official_is_workday(day)

    # from Thu 24 Dec 2026: 25 1, 28-31 5, then weekdays of 2027: Fri 1 Jan 6, 4-7 Jan 10
    deadline = add_working_days(date(2026, 12, 24), 10, calendar_until_2026)
    assert deadline.due == date(2027, 1, 7)
    assert deadline.fallback_years == (2027,)


def test_calendar_days_and_bad_amounts():
    assert add_calendar_days(date(2026, 2, 10), 30).due == date(2026, 3, 12)
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 1, 1), -1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 11, 15), 24, date(2028, 11, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(start, months, expected):
    assert add_months(start, months) == expected
