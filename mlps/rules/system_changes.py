"""A recorded change of a system (GB/T 22240-2020 clause 8: a significant change calls for re-grading): what a valid
record is. The store keeps them (mlps.adapters.store.changes); the obligations read them."""

from __future__ import annotations

from datetime import date, datetime

MAX_DESCRIPTION = 2000  # the workbench's own limit: a paragraph


class ChangeError(ValueError):
    """A change that cannot be recorded (the message names the field); nothing was written."""


def check_change(on: object, description: object, significant: object, today: date) -> str:
    """The description as it will be stored; ChangeError naming the field for anything wrong."""
    if not isinstance(on, date) or isinstance(on, datetime):
        raise ChangeError(f"the change date must be a date, not {on!r}")
    if on > today:
        raise ChangeError(f"the change date {on.isoformat()} is after today ({today.isoformat()})")
    if not isinstance(significant, bool):
        raise ChangeError(f"significant must be true or false, not {significant!r}")
    if not isinstance(description, str) or not description.strip():
        raise ChangeError("describe the change (what changed in the business, the data or the possible harm)")
    text = description.strip()
    if len(text) > MAX_DESCRIPTION:
        raise ChangeError(f"the description is {len(text)} characters long; at most {MAX_DESCRIPTION} are allowed")
    return text
