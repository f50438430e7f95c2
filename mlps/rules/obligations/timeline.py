"""The obligations of the next months as a timeline (frame for the chart)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

import pandas as pd

from mlps.rules.obligations.duties import Obligation, SystemObligations
from mlps.rules.obligations.settings import KINDS, Status
from mlps.rules.workdays import (
    add_months,
)

# ---------------------------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineEntry:
    system_id: int | None
    system_name: str
    kind: str
    title_zh: str
    title_en: str
    due_on: date
    status: Status
    month: str  # "YYYY-MM", for grouping in a chart
    projected: bool = False  # a later cycle of a recurring duty, assuming the earlier one is done on time


def _entry(o: Obligation, due: date, status: Status, projected: bool) -> TimelineEntry:
    return TimelineEntry(
        o.system_id, o.system_name, o.kind, o.title_zh, o.title_en, due, status, due.strftime("%Y-%m"), projected
    )


def timeline(systems: Iterable[SystemObligations], today: date, months: int = 12) -> list[TimelineEntry]:
    """What is due when, from `today` to `months` later; overdue items are included at their past due date.
    Recurring duties repeat inside the window (marked projected)."""
    end = add_months(today, months)
    out: list[TimelineEntry] = []
    for sysob in systems:
        for o in sysob.obligations:
            if o.due_on is None or o.status is Status.NOT_APPLICABLE:
                continue
            if o.due_on > end or (o.due_on < today and o.status is not Status.OVERDUE):
                continue
            # a recurring duty whose current cycle is done shows its next cycle as upcoming
            shown = Status.UPCOMING if o.status is Status.DONE else o.status
            out.append(_entry(o, o.due_on, shown, False))
            if o.recurring_months:
                nxt = add_months(max(o.due_on, today), o.recurring_months)
                while nxt <= end:
                    out.append(_entry(o, nxt, Status.UPCOMING, True))
                    nxt = add_months(nxt, o.recurring_months)
    out.sort(key=lambda e: (e.due_on, e.system_name, KINDS.index(e.kind)))
    return out


def timeline_frame(entries: list[TimelineEntry]) -> pd.DataFrame:
    """The timeline as a frame (one row per due item) for a chart."""
    columns = [f for f in TimelineEntry.__dataclass_fields__]
    rows = [{**asdict(e), "status": e.status.value} for e in entries]
    return pd.DataFrame(rows, columns=columns)
