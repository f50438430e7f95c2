"""The catalogue side of an Excel import: the items of the assessment's level and extensions, their indexes
(by clause, by control point and letter with aliases and other levels' names), the vocabulary's names for
scopes, categories and methods, the text-match parameters, and how items are described in messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mlps.adapters.exchange.vocabulary import (
    Both,
    category_index,
    control_point_aliases,
    method_index,
    norm,
    scope_index,
    scope_keywords,
    text_match_parameters,
    weight_values,
)
from mlps.adapters.exchange.xlsx_read import ImportLimits
from mlps.rules.catalogue import Item, Taxonomy
from mlps.rules.item_ids import display_id
from mlps.rules.item_mapping import ItemIndex


@dataclass
class ImportContext:
    items: Sequence[Item]
    taxonomy: Taxonomy
    limits: ImportLimits
    level: int
    extensions: tuple[str, ...]
    every_item: Sequence[Item] = ()
    index: ItemIndex = field(init=False)
    by_clause: dict[str, Item] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    scopes: dict[str, str] = field(default_factory=dict)
    scope_words: list[tuple[str, str]] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)
    known_objects: dict[str, str] | None = None  # normalised -> as the caller spells it
    text_minimum: float = 0.2
    text_margin: float = 0.05
    weights: tuple[float, ...] = ()
    # item id -> [(sheet, row, the workbook's weight)] where it disagrees with the catalogue
    weight_differences: dict[str, list[tuple[str, int, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = ItemIndex(self.items, self.every_item, control_point_aliases(), self.level)
        for item in self.items:
            self.by_clause.setdefault(norm(item.clause), item)
        self.categories = category_index(self.taxonomy)
        self.scopes = scope_index(self.taxonomy)
        self.scope_words = scope_keywords()
        self.methods = method_index(self.taxonomy)
        self.text_minimum, self.text_margin = text_match_parameters()
        self.weights = weight_values()

    def scope_of(self, value: Any) -> str | None:
        """The scope a cell names: an exact name or alias, else a keyword it contains (云计算拓展要求 → cloud)."""
        key = norm(value)
        if key in self.scopes:
            return self.scopes[key]
        for word, code in self.scope_words:
            if word in key:
                return code
        return None

    def scope_name(self, scope: str) -> Both:
        names = self.taxonomy.scopes[scope]
        return Both(names["zh"], names["en"])

    def category_name(self, category: str) -> Both:
        names = self.taxonomy.categories[category]
        return Both(names["zh"], names["en"])

    def extensions_text(self) -> Both:
        zh = "、".join(self.taxonomy.scopes[e]["zh"] for e in self.extensions) or "无"
        en = ", ".join(self.taxonomy.scopes[e]["en"] for e in self.extensions) or "none"
        return Both(zh, en)

    def describe(self, item: Item) -> Both:
        cat = self.taxonomy.categories[item.category]
        scope = "" if item.scope == "general" else self.taxonomy.scopes[item.scope]
        zh = f"{cat['zh']} {item.control_point_zh} {item.letter}) [{display_id(item.id, 'zh', self.taxonomy)}]"
        en = f"{cat['en']} {item.control_point_en} {item.letter}) [{display_id(item.id, 'en', self.taxonomy)}]"
        if scope:
            zh, en = f"{scope['zh']} {zh}", f"{scope['en']} {en}"
        return Both(zh, en)

    def describe_all(self, items: Sequence[Item]) -> Both:
        return Both("；".join(self.describe(i).zh for i in items), "; ".join(self.describe(i).en for i in items))

    def short(self, item: Item) -> Both:
        """'网络架构 c) [L3-CNS2-03]'."""
        return Both(
            f"{item.control_point_zh} {item.letter}) [{display_id(item.id, 'zh', self.taxonomy)}]",
            f"{item.control_point_en} {item.letter}) [{display_id(item.id, 'en', self.taxonomy)}]",
        )
