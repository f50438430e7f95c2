"""Working days on the Chinese official calendar, and month arithmetic for cadences.

Filing deadlines are counted in working days (工作日): Monday to Friday, minus the public holidays the State
Council announces each year, plus the weekend days it declares make-up working days (调休上班). That list
changes every year, so it comes from the maintained `chinese_calendar` package, never from a hand list here.

The package knows only the years it has data for and raises NotImplementedError for others. For such a year
we count plain weekdays and say so in the result (`fallback_years`, `note_zh`, `note_en`), so a deadline
is never silently wrong.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

IsWorkday = Callable[[date], bool]


@dataclass(frozen=True)
class Deadline:
    """A due date and how it was counted."""

    start: date  # the day the period starts from (not itself counted)
    due: date
    amount: int
    unit: str  # "working_days" | "calendar_days"
    fallback_years: tuple[int, ...] = ()  # years counted as plain weekdays: the calendar had no data
    note_zh: str = ""
    note_en: str = ""

    @property
    def used_fallback(self) -> bool:
        return bool(self.fallback_years)


def official_is_workday(day: date) -> bool:
    """True on an official working day (make-up working days included). Raises NotImplementedError for a
    year the installed calendar has no data for."""
    return bool(chinese_calendar.is_workday(day))


def is_working_day(day: date, is_workday: IsWorkday = official_is_workday) -> tuple[bool, bool]:
    """(working?, known?): known is False when the calendar lacks the year and plain weekdays were used."""
    try:
        return is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_working_days(start: date, days: int, is_workday: IsWorkday = official_is_workday) -> Deadline:
    """The `days`-th working day after `start` (start itself is not counted).

    Holidays are skipped and make-up working days counted, from the official calendar; days of a year the
    calendar does not know are counted as plain weekdays and named in the result.
    """
    if days < 0:
        raise ValueError(f"working days must be 0 or more, not {days}")
    current, counted, unknown = start, 0, set()
    while counted < days:
        current += timedelta(days=1)
        working, known = is_working_day(current, is_workday)
        if not known:
            unknown.add(current.year)
        if working:
            counted += 1
    years = tuple(sorted(unknown))
    note_zh = note_en = ""
    if years:
        shown = "、".join(str(y) for y in years)
        note_zh = (
            f"日历库没有 {shown} 年的法定节假日和调休数据，这些年份按周一至周五计算工作日；"
            "请以国务院办公厅公布的放假安排核对截止日期。"
        )
        note_en = (
            f"The calendar has no official holidays or make-up working days for {', '.join(map(str, years))}: "
            "those days were counted as plain Monday-to-Friday weekdays. Check the deadline against the State "
            "Council's holiday notice."
        )
    return Deadline(start, current, days, "working_days", years, note_zh, note_en)


def add_calendar_days(start: date, days: int) -> Deadline:
    """`days` calendar days after `start`."""
    if days < 0:
        raise ValueError(f"calendar days must be 0 or more, not {days}")
    return Deadline(start, start + timedelta(days=days), days, "calendar_days")


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the last day of the month when that day does not exist (Aug 31 + 6 = Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
