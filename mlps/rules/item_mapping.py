"""Placing a row of an agency's workbook or problem list on a catalogue item: the lookups and decisions that do
not depend on the file format (the Excel adapter reads cells; this module decides).

Agencies name an item by extension (scope), category, control point and letter. What they write differs from
the catalogue in known ways, and each way is a decision the plan shows with its reason:
- a control point name of another level (恶意代码和垃圾邮件防范 is the level-3+ name of the boundary's 恶意代码防范):
  names are compared across every level of the catalogue by the control point's stable key, per scope and
  category ("level_name"), and an alias list in the exchange vocabulary covers other names ("alias");
- a control point and letter that are unique within the scope but sit on another category's sheet
  ("other_category");
- a letter the level does not have (a level-3 item carried into a level-2 workbook): not an item at this level
  ("other_level"), left out with the levels that have it;
- a place that does not exist or fits several items: the requirement text decides (mlps.rules.text_match).
Pure: items in, decisions out; no file, no store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mlps.rules.catalogue import Item
from mlps.rules.text_match import TextChoice, choose, is_chinese, norm_name

EXACT, ALIAS, LEVEL_NAME = "exact", "alias", "level_name"


@dataclass(frozen=True)
class NameMatch:
    """An item found by control point and letter, and how the name matched: exactly, through an alias, or as
    the name the control point has at another level (`other_name`, `other_levels`)."""

    item: Item
    via: str = EXACT
    name: str = ""  # the name as written, for messages
    other_levels: tuple[int, ...] = ()


@dataclass
class ItemIndex:
    """Lookups over the items of one assessment (`items`: one level, general plus its extensions), knowing the
    whole catalogue (`every_item`) for names and letters of other levels."""

    items: Sequence[Item]
    every_item: Sequence[Item] = ()
    aliases: Sequence[dict[str, str]] = ()  # {category, alias, name}: alias -> catalogue zh name
    level: int = 0
    _by_name: dict[tuple[str, str], list[NameMatch]] = field(default_factory=dict, init=False, repr=False)
    _others: dict[tuple[str, str, str], list[Item]] = field(default_factory=dict, init=False, repr=False)
    by_id: dict[str, Item] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        levels = {i.level for i in self.items}
        self.level = self.level or (min(levels) if levels else 0)
        self.by_id = {i.id: i for i in self.items}
        # names of each (scope, category, control point key) at every level
        names: dict[tuple[str, str, str], dict[str, set[int]]] = {}
        for i in (*self.every_item, *self.items):
            for name in (i.control_point_zh, i.control_point_en):
                names.setdefault((i.scope, i.category, i.control_point), {}).setdefault(norm_name(name), set()).add(
                    i.level
                )
        alias_of: dict[tuple[str, str], list[str]] = {}
        for a in self.aliases:
            alias_of.setdefault((a["category"], norm_name(a["name"])), []).append(norm_name(a["alias"]))
        for i in self.items:
            letter = i.letter.lower()
            own = {norm_name(i.control_point_zh), norm_name(i.control_point_en)}
            for name in own:
                self._by_name.setdefault((name, letter), []).append(NameMatch(i, EXACT))
            for name, at in names.get((i.scope, i.category, i.control_point), {}).items():
                if name not in own:
                    levels_of = tuple(sorted(at - {i.level}))
                    self._by_name.setdefault((name, letter), []).append(NameMatch(i, LEVEL_NAME, "", levels_of))
            for name in alias_of.get((i.category, norm_name(i.control_point_zh)), []):
                if name not in own:
                    self._by_name.setdefault((name, letter), []).append(NameMatch(i, ALIAS))
        for i in self.every_item:
            if i.level == self.level:
                continue
            for name in (i.control_point_zh, i.control_point_en):
                self._others.setdefault((i.scope, norm_name(name), i.letter.lower()), []).append(i)

    def lookup(self, name: str, letter: str) -> list[NameMatch]:
        """Items of this assessment named `name` with `letter`; an exact name wins over other levels' names and
        aliases of the same item."""
        found: dict[str, NameMatch] = {}
        for m in self._by_name.get((norm_name(name), letter.lower()), []):
            if m.item.id not in found or (m.via == EXACT and found[m.item.id].via != EXACT):
                found[m.item.id] = NameMatch(m.item, m.via, name, m.other_levels)
        return list(found.values())

    def named(self, name: str) -> list[Item]:
        """Every item of this assessment under a control point of that name (any letter, any name it has)."""
        key = norm_name(name)
        return [m.item for (n, _letter), ms in self._by_name.items() if n == key for m in ms]

    def other_levels(self, scope: str, name: str, letter: str) -> list[Item]:
        """Items of other levels with this scope, control point name and letter (a letter this level lacks)."""
        return sorted(self._others.get((scope, norm_name(name), letter.lower()), []), key=lambda i: (i.level, i.id))

    def in_scope(self, scope: str) -> list[Item]:
        return [i for i in self.items if i.scope == scope]


def main_category(items: Iterable[Item], *, share: float = 0.6) -> str | None:
    """The category most items of a sheet belong to, when it holds at least `share` of them."""
    counts = Counter(i.category for i in items)
    if not counts:
        return None
    category, n = counts.most_common(1)[0]
    return category if n / sum(counts.values()) >= share else None


def decide_by_text(text: str, candidates: Sequence[Item], *, minimum: float, margin: float) -> TextChoice[Item]:
    """Compare a requirement text with each candidate's meaning (its requirement in the text's language)."""
    zh = is_chinese(text)
    return choose(
        text, candidates, lambda i: i.requirement_zh if zh else i.requirement_en, minimum=minimum, margin=margin
    )
