"""The assessor's worklist: catalogue items joined with recorded results, progress, and filters.

Pure functions over the catalogue's Items and the store's ItemResults; the assessment page draws them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from mlps.rules.catalogue import Item
from mlps.rules.domain import ItemResult, Result
from mlps.rules.item_ids import display_id

WHOLE_SYSTEM = ""  # the assessed object of an item judged once for the whole system


@dataclass(frozen=True)
class Progress:
    total: int
    not_applicable: int
    assessed: int  # applicable items with a result on at least one object
    needs_review: int

    @property
    def applicable(self) -> int:
        return self.total - self.not_applicable

    @property
    def share(self) -> float:
        return self.assessed / self.applicable if self.applicable else 1.0


def item_states(items: list[Item], results: list[ItemResult]) -> dict[str, str]:
    """Per item: 'na' (not applicable on every object it was judged on), 'assessed', or 'open'."""
    by_item: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_item[r.item_id].append(r.result)
    states = {}
    for i in items:
        got = [x for x in by_item.get(i.id, []) if x != Result.NOT_ASSESSED]
        if got and all(x == Result.NA for x in got):
            states[i.id] = "na"
        elif got:
            states[i.id] = "assessed"
        else:
            states[i.id] = "open"
    return states


def progress(items: list[Item], results: list[ItemResult]) -> Progress:
    states = item_states(items, results)
    ids = {i.id for i in items}
    review = {r.item_id for r in results if r.needs_review and r.item_id in ids}
    return Progress(
        total=len(items),
        not_applicable=sum(s == "na" for s in states.values()),
        assessed=sum(s == "assessed" for s in states.values()),
        needs_review=len(review),
    )


def assessed_objects(results: list[ItemResult], extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The objects results were recorded on, the whole system first, then by name."""
    names = {r.assessed_object for r in results} | set(extra) | {WHOLE_SYSTEM}
    return [WHOLE_SYSTEM, *sorted(n for n in names if n != WHOLE_SYSTEM)]


WORKLIST_COLUMNS = [
    "id", "scope", "category", "control_point", "letter", "requirement", "tier", "result", "risk", "record",
    "needs_review", "version", "updated_by", "updated_at",
]  # fmt: skip


def worklist(items: list[Item], results: list[ItemResult], assessed_object: str, lang: str) -> pd.DataFrame:
    """One row per item for one assessed object, in catalogue order."""
    mine = {r.item_id: r for r in results if r.assessed_object == assessed_object}
    rows = []
    for i in items:
        r = mine.get(i.id)
        rows.append(
            (
                i.id, i.scope, i.category, i.control_point_name(lang), i.letter, i.requirement(lang), i.tier,
                (r.result if r else Result.NOT_ASSESSED).value, r.risk.value if r and r.risk else "",
                r.record if r else "", bool(r and r.needs_review), r.version if r else 0,
                r.updated_by if r else "", r.updated_at if r else None,
            )
        )  # fmt: skip
    return pd.DataFrame(rows, columns=WORKLIST_COLUMNS)


def filter_worklist(
    frame: pd.DataFrame,
    *,
    categories: list[str] | None = None,
    results: list[str] | None = None,
    risks: list[str] | None = None,
    review_only: bool = False,
    text: str = "",
) -> pd.DataFrame:
    """Rows matching every given filter (empty filters match all); text searches id, control point,
    requirement and record, case-insensitively."""
    mask = pd.Series(True, index=frame.index)
    if categories:
        mask &= frame["category"].isin(categories)
    if results:
        mask &= frame["result"].isin(results)
    if risks:
        mask &= frame["risk"].isin(risks)
    if review_only:
        mask &= frame["needs_review"]
    needle = text.strip().casefold()
    if needle:
        shown = frame["id"].map(lambda i: display_id(i) if i.startswith("BDS-") else "")  # as agencies write it
        hay = (frame["id"] + " " + shown + " " + frame["control_point"] + " " + frame["requirement"] + " "
               + frame["record"]).str  # fmt: skip
        mask &= hay.casefold().str.contains(needle, regex=False)
    return frame[mask]

