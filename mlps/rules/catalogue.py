"""The control catalogue: typed items loaded from controls/*.yaml, validated, cached, and queried.

A catalogue file holds one scope (general requirements or one extension) at one protection level:
`controls/{scope}-L{level}.yaml`. Item ids follow the GB/T 28448-2019 test units the agencies use,
`L{level}-{CAT}{unit}-{NN}` (unit 1 general, 2 cloud, 3 mobile, 4 IoT, 5 industrial control); big data
(GB/T 22239-2019 Annex H) follows GB/T 28448-2019 Annex B, whose units are printed `BDS-L{level}-NN` and numbered
again in each category (Annex C.2): the stored id adds the category, `BDS-L{level}-{CAT}-{NN}`, so it is unique,
and `Item.official_id` gives the printed unit that agencies write next to the category.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import Field, ValidationInfo, field_validator, model_validator

from mlps.rules.levels import AssessedLevel
from mlps.rules.rulefiles import At, RuleFileError, RuleModel, Text, ZhText, controls_dir, load

TAXONOMY_FILE = "taxonomy.yaml"
FILE_NAME = re.compile(r"^(?P<scope>[a-z]+)-L(?P<level>[1-4])\.yaml$")
OFFICIAL_ID = re.compile(r"^L(?P<level>[1-4])-(?P<cat>[A-Z]{3})(?P<unit>[1-5])-(?P<nn>\d{2})$")
BIGDATA_ID = re.compile(r"^BDS-L(?P<level>[1-4])-(?P<cat>[A-Z]{3})-(?P<nn>\d{2})$")
NEW = "new"


class CatalogueError(ValueError):
    """A catalogue file is malformed. The message names the file and, where there is one, the item."""

    def __init__(self, file: str, message: str, item: str | None = None, entry: str = ""):
        self.file, self.item, self.reason, self.entry = file, item, message, entry
        where = f"{file}, item {item}" if item else (f"{file}, {entry}" if entry else file)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, dict[str, str]]  # code -> {kind, zh, en}
    scopes: dict[str, dict[str, Any]]  # code -> {unit, zh, en}
    tiers: dict[str, float]  # code -> weight
    tier_names: dict[str, dict[str, str]]
    methods: dict[str, dict[str, str]]

    @property
    def category_order(self) -> list[str]:
        return list(self.categories)


@dataclass(frozen=True)
class Item:
    id: str
    scope: str
    level: int
    category: str
    control_point: str  # stable key, the same across levels
    control_point_zh: str
    control_point_en: str
    letter: str
    clause: str
    tier: str
    weight: float
    tier_source: str
    methods: tuple[str, ...]
    requirement_zh: str
    requirement_en: str
    evidence_zh: str
    evidence_en: str
    prev: str | None = None  # id of the item one level down that this one strengthens; None when new
    note: str = ""
    inherited_by_customer: bool = False
    applies_to: str = "both"

    @property
    def official_id(self) -> str:
        """The test unit as GB/T 28448-2019 prints it: the id itself, or for big data `BDS-L3-05` (which names an
        item only together with its category)."""
        if self.scope == "bigdata":
            m = BIGDATA_ID.match(self.id)
            if m:
                return f"BDS-L{m['level']}-{m['nn']}"
        return self.id

    @property
    def is_new(self) -> bool:
        return self.level > 1 and self.prev is None

    def requirement(self, lang: str) -> str:
        return self.requirement_zh if lang == "zh" else self.requirement_en

    def evidence(self, lang: str) -> str:
        return self.evidence_zh if lang == "zh" else self.evidence_en

    def control_point_name(self, lang: str) -> str:
        return self.control_point_zh if lang == "zh" else self.control_point_en


@dataclass(frozen=True)
class Catalogue:
    taxonomy: Taxonomy
    items: tuple[Item, ...]
    file_versions: dict[str, str]
    _by_id: dict[str, Item] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({i.id: i for i in self.items})

    @property
    def version(self) -> str:
        """One version string for the whole catalogue: the file versions, hashed. An assessment keeps it."""
        joined = ";".join(f"{k}={v}" for k, v in sorted(self.file_versions.items()))
        return hashlib.sha256(joined.encode()).hexdigest()[:12]

    def get(self, item_id: str) -> Item:
        return self._by_id[item_id]

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def levels(self) -> list[int]:
        return sorted({i.level for i in self.items if i.scope == "general"})

    def extensions_at(self, level: int) -> list[str]:
        present = {i.scope for i in self.items if i.level == level and i.scope != "general"}
        return [s for s in self.taxonomy.scopes if s in present]

    def select(self, level: int, extensions: list[str] | tuple[str, ...] = ()) -> list[Item]:
        """The items a system at `level` with `extensions` must meet, in catalogue order."""
        unknown = [e for e in extensions if e not in self.taxonomy.scopes or e == "general"]
        if unknown:
            raise ValueError(f"unknown extension(s): {', '.join(unknown)}")
        wanted = {"general", *extensions}
        return [i for i in self.items if i.level == level and i.scope in wanted]


def item_rows(items: list[Item]) -> list[dict[str, Any]]:
    """Plain dicts, one per item, in the field order the CLI and exports use."""
    return [
        {
            "id": i.id,
            "official_id": i.official_id,
            "level": i.level,
            "extension": i.scope,
            "category": i.category,
            "control_point": i.control_point_zh,
            "control_point_en": i.control_point_en,
            "control_point_key": i.control_point,
            "letter": i.letter,
            "clause": i.clause,
            "tier": i.tier,
            "weight": i.weight,
            "methods": list(i.methods),
            "requirement_zh": i.requirement_zh,
            "requirement_en": i.requirement_en,
            "evidence_zh": i.evidence_zh,
            "evidence_en": i.evidence_en,
            "prev": i.prev,
        }
        for i in items
    ]


def items_frame(items: list[Item]) -> pd.DataFrame:
    return pd.DataFrame(item_rows(items))


def search_items(
    items: list[Item],
    *,
    categories: list[str] | None = None,
    control_points: list[str] | None = None,
    tiers: list[str] | None = None,
    text: str = "",
) -> list[Item]:
    """Items matching every given filter. Empty filters match everything; text matches case-insensitively
    in the id, the control point names, and the requirement and evidence texts of both languages."""
    needle = text.strip().casefold()
    out = []
    for i in items:
        if categories and i.category not in categories:
            continue
        if control_points and i.control_point not in control_points:
            continue
        if tiers and i.tier not in tiers:
            continue
        if needle:
            hay = " ".join(
                (
                    i.id,
                    i.official_id,
                    i.control_point_zh,
                    i.control_point_en,
                    i.requirement_zh,
                    i.requirement_en,
                    i.evidence_zh,
                    i.evidence_en,
                    i.clause,
                )
            ).casefold()
            if needle not in hay:
                continue
        out.append(i)
    return out


def counts_by_category(items: list[Item], order: list[str]) -> dict[str, int]:
    """Item count per category code, in the taxonomy's order, categories without items left out."""
    counts = {c: 0 for c in order}
    for i in items:
        counts[i.category] += 1
    return {c: n for c, n in counts.items() if n}


# ---------------------------------------------------------------- loading and validation


class _Named(RuleModel):
    code: str
    zh: str
    en: str


class _Category(_Named):
    kind: str


class _Scope(_Named):
    unit: int | None = None


class _Tier(_Named):
    weight: float


class TaxonomyFile(RuleModel):
    """taxonomy.yaml: the categories, scopes, tiers and methods every catalogue file uses."""

    categories: list[_Category]
    scopes: list[_Scope]
    tiers: list[_Tier]
    methods: list[_Named]

    def taxonomy(self) -> Taxonomy:
        return Taxonomy(
            categories={c.code: {"kind": c.kind, "zh": c.zh, "en": c.en} for c in self.categories},
            scopes={s.code: {"unit": s.unit, "zh": s.zh, "en": s.en} for s in self.scopes},
            tiers={t.code: float(t.weight) for t in self.tiers},
            tier_names={t.code: {"zh": t.zh, "en": t.en} for t in self.tiers},
            methods={m.code: {"zh": m.zh, "en": m.en} for m in self.methods},
        )


def _as_catalogue_error(exc: RuleFileError) -> CatalogueError:
    """A rule-file error as a CatalogueError: an error inside an item names the item (its id)."""
    entry, item = exc.entry, None
    marker = entry.rfind(".items[")
    if marker >= 0:
        close = entry.index("]", marker)
        ident = entry[marker + len(".items[") : close]
        if not ident.startswith("#"):
            item, entry = ident, entry[close + 1 :].lstrip(".")
    if item:
        return CatalogueError(exc.file, f"{entry}: {exc.reason}" if entry else exc.reason, item)
    return CatalogueError(exc.file, exc.reason, entry=entry)


def load_taxonomy(directory: Path) -> Taxonomy:
    path = directory / TAXONOMY_FILE
    if not path.exists():
        raise CatalogueError(TAXONOMY_FILE, f"missing from {directory}")
    try:
        return load(path, TaxonomyFile, into=TaxonomyFile.taxonomy)
    except RuleFileError as exc:
        raise _as_catalogue_error(exc) from None


def _taxonomy(info: ValidationInfo) -> Taxonomy:
    return info.context["taxonomy"]


class _ItemEntry(RuleModel):
    id: Text
    letter: Text
    clause: Text
    tier: Any = None
    weight: Any = None
    tier_source: str = "chosen"
    methods: Any = None
    requirement_zh: ZhText
    requirement_en: Text
    evidence_zh: ZhText
    evidence_en: Text
    prev: Any = None
    note: str = ""
    inherited_by_customer: bool = False
    applies_to: str = "both"

    @field_validator("tier_source", "note", "applies_to", mode="before")
    @classmethod
    def _str(cls, v: Any, info: ValidationInfo) -> str:
        return str(v) if v is not None else ("" if info.field_name == "note" else str(v))

    @model_validator(mode="after")
    def _taxonomy_words(self, info: ValidationInfo) -> _ItemEntry:
        tax = _taxonomy(info)
        if self.tier not in tax.tiers:
            raise ValueError(f"tier '{self.tier}' is not one of {', '.join(tax.tiers)}")
        weight = tax.tiers[self.tier] if self.weight is None else self.weight
        if weight not in set(tax.tiers.values()):
            allowed = ", ".join(str(w) for w in tax.tiers.values())
            raise ValueError(f"weight {weight} is not one of the allowed weights {allowed}")
        methods = self.methods or []
        if not isinstance(methods, list) or not methods or not set(methods) <= set(tax.methods):
            raise ValueError(f"methods must be a non-empty list of {', '.join(tax.methods)}")
        return self

    def item(self, cp: _ControlPointEntry, scope: str, level: int, tax: Taxonomy) -> Item:
        return Item(
            id=self.id,
            scope=scope,
            level=level,
            category=cp.category,
            control_point=cp.key,
            control_point_zh=cp.name_zh,
            control_point_en=cp.name_en,
            letter=self.letter,
            clause=self.clause,
            tier=self.tier,
            weight=float(tax.tiers[self.tier] if self.weight is None else self.weight),
            tier_source=self.tier_source,
            methods=tuple(self.methods),
            note=self.note,
            inherited_by_customer=bool(self.inherited_by_customer),
            applies_to=self.applies_to,
            requirement_zh=self.requirement_zh,
            requirement_en=self.requirement_en,
            evidence_zh=self.evidence_zh,
            evidence_en=self.evidence_en,
        )


class _ControlPointEntry(RuleModel):
    key: Text
    name_zh: Text
    name_en: Text
    category: Text
    items: list[_ItemEntry] = []

    @model_validator(mode="after")
    def _category_and_letters(self, info: ValidationInfo) -> _ControlPointEntry:
        if self.category not in _taxonomy(info).categories:
            raise ValueError(f"has unknown category '{self.category}'")
        if not self.items:
            raise ValueError(f"has no items ({self.name_zh})")
        letters: set[str] = set()
        for n, item in enumerate(self.items):
            if item.letter in letters:
                raise At("items", n, message=f"letter '{item.letter}' appears twice in '{self.key}'")
            letters.add(item.letter)
        return self


class CatalogueFile(RuleModel):
    """One catalogue file, `{scope}-L{level}.yaml`, checked against the taxonomy (validation context)."""

    scope: str
    level: AssessedLevel
    version: Text
    control_points: Annotated[list[_ControlPointEntry], Field(min_length=1)]

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> str:
        return str(v or "")

    @field_validator("scope")
    @classmethod
    def _scope(cls, v: str, info: ValidationInfo) -> str:
        scopes = _taxonomy(info).scopes
        if v not in scopes:
            raise ValueError(f"must be one of {', '.join(scopes)}, not '{v}'")
        return v

    @field_validator("level")
    @classmethod
    def _named_so(cls, v: int, info: ValidationInfo) -> int:
        named = info.context.get("named")  # (scope, level) from the file name
        if named and (info.data.get("scope"), v) != named:
            scope = info.data.get("scope")
            raise At(message=f"file name does not agree with its content (scope {scope}, level {v})")
        return v

    @model_validator(mode="after")
    def _ids(self, info: ValidationInfo) -> CatalogueFile:
        tax = _taxonomy(info)
        for c, cp in enumerate(self.control_points):
            for n, item in enumerate(cp.items):
                problem = _id_problem(item.id, self.scope, self.level, cp.category, tax)
                if problem:
                    raise At("control_points", c, "items", n, message=problem)
        return self

    def items(self, tax: Taxonomy) -> list[tuple[Item, Any]]:
        return [(i.item(cp, self.scope, self.level, tax), i.prev) for cp in self.control_points for i in cp.items]


def _id_problem(item_id: str, scope: str, level: int, category: str, tax: Taxonomy) -> str | None:
    """What is wrong with an item id in a file of `scope` and `level` under `category`, or None."""
    if scope == "bigdata":
        m = BIGDATA_ID.match(item_id)
        if not m:
            return "big-data ids must look like BDS-L3-CES-01 (GB/T 28448-2019 unit BDS-L3-01 and its category)"
        unit_ok = True
    else:
        m = OFFICIAL_ID.match(item_id)
        if not m:
            return "id must look like L3-CES1-01 (GB/T 28448-2019 test unit)"
        unit_ok = int(m["unit"]) == tax.scopes[scope]["unit"]
    if int(m["level"]) != level:
        return f"id says level {m['level']} but the file is level {level}"
    if m["cat"] != category:
        return f"id says category {m['cat']} but its control point is in {category}"
    if not unit_ok:
        return f"id unit {m['unit']} does not match scope '{scope}' (unit {tax.scopes[scope]['unit']})"
    return None


def load_file(path: Path, tax: Taxonomy) -> tuple[str, list[tuple[Item, Any]]]:
    """Parse and check one catalogue file; returns its version and (item, raw prev) pairs."""
    shown = path.name
    m = FILE_NAME.match(shown)
    if not m:
        raise CatalogueError(shown, "file name must be {scope}-L{level}.yaml, e.g. general-L3.yaml")
    try:
        parsed = load(path, CatalogueFile, context={"taxonomy": tax, "named": (m["scope"], int(m["level"]))})
    except RuleFileError as exc:
        raise _as_catalogue_error(exc) from None
    out = parsed.items(tax)
    if parsed.scope == "bigdata":
        _check_bigdata_numbering([item for item, _ in out], shown)
    return parsed.version, out


def _check_bigdata_numbering(items: list[Item], file: str) -> None:
    """GB/T 28448-2019 Annex C.2: big-data units run 01, 02 … within each category, in the standard's order."""
    seen: dict[str, int] = {}
    for item in items:
        seen[item.category] = seen.get(item.category, 0) + 1
        expected = f"BDS-L{item.level}-{item.category}-{seen[item.category]:02d}"
        if item.id != expected:
            message = f"big-data units are numbered 01, 02 … within each category in order: expected {expected}"
            raise CatalogueError(file, message, item.id)


def _resolve_prev(item: Item, prev: Any, by_key: dict[tuple, dict[str, Item]], ids: set[str], file: str) -> str | None:
    """The lower-level item a level-N item strengthens: a letter in the same control point, an id, or 'new'."""
    if item.level == 1:
        if prev not in (None, NEW):
            raise CatalogueError(file, "a level-1 item cannot strengthen a lower level", item.id)
        return None
    if prev == NEW:
        return None
    if not isinstance(prev, str) or not prev:
        raise CatalogueError(file, "prev must name the lower-level item it strengthens or say 'new'", item.id)
    if len(prev) == 1:
        target = by_key.get((item.scope, item.level - 1, item.category, item.control_point), {}).get(prev)
        if target is None:
            raise CatalogueError(
                file, f"prev '{prev}' names no item of '{item.control_point}' at level {item.level - 1}", item.id
            )
        return target.id
    if prev not in ids:
        raise CatalogueError(file, f"prev '{prev}' is not an item of any catalogue file", item.id)
    return prev


def load_catalogue(directory: Path | str | None = None) -> Catalogue:
    """Load and validate every catalogue file under `directory` (default: $MLPS_CONTROLS_DIR or the bundled
    controls/). Cached per directory and file modification times."""
    directory = Path(directory) if directory else controls_dir()
    files = sorted(p for p in directory.glob("*.yaml") if p.name != TAXONOMY_FILE and FILE_NAME.match(p.name))
    stray = sorted(p.name for p in directory.glob("*-L*.yaml") if not FILE_NAME.match(p.name))
    if stray:
        raise CatalogueError(stray[0], "looks like a catalogue file but the name is not {scope}-L{1-4}.yaml")
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _load_cached(str(directory), stamp)


@lru_cache(maxsize=8)
def _load_cached(directory: str, stamp: tuple) -> Catalogue:
    root = Path(directory)
    if not stamp:
        raise CatalogueError(str(root), "no catalogue files ({scope}-L{level}.yaml) found")
    tax = load_taxonomy(root)
    versions: dict[str, str] = {}
    parsed: list[tuple[Item, Any, str]] = []
    seen: dict[str, str] = {}
    for name, _mtime, _size in stamp:
        version, pairs = load_file(root / name, tax)
        versions[name] = version
        for item, prev in pairs:
            if item.id in seen:
                raise CatalogueError(name, f"duplicate id, also in {seen[item.id]}", item.id)
            seen[item.id] = name
            parsed.append((item, prev, name))
    by_key: dict[tuple, dict[str, Item]] = {}
    for item, _prev, _name in parsed:
        by_key.setdefault((item.scope, item.level, item.category, item.control_point), {})[item.letter] = item
    ids = set(seen)
    items = []
    order = {s: n for n, s in enumerate(tax.scopes)}
    cat_order = {c: n for n, c in enumerate(tax.categories)}
    for item, prev, name in parsed:
        resolved = _resolve_prev(item, prev, by_key, ids, name)
        items.append(item if resolved == item.prev else replace(item, prev=resolved))
    items.sort(key=lambda i: (i.level, order[i.scope], cat_order[i.category]))  # stable: keeps file order within
    return Catalogue(taxonomy=tax, items=tuple(items), file_versions=versions)


# ---------------------------------------------------------------- comparisons between levels


@dataclass(frozen=True)
class LevelChange:
    """What a system moving from level `lower` to `lower + 1` has to add."""

    lower: int
    new_control_points: list[tuple[str, str, str, str]]  # (scope, category, key, name_zh)
    new_items: list[Item]
    strengthened_items: list[Item]
    dropped_items: list[Item]


def level_change(catalogue: Catalogue, lower: int, extensions: tuple[str, ...] = ()) -> LevelChange:
    low = catalogue.select(lower, list(extensions))
    high = catalogue.select(lower + 1, list(extensions))
    low_cps = {(i.scope, i.category, i.control_point) for i in low}
    new_cps: dict[tuple, tuple[str, str, str, str]] = {}
    for i in high:
        k = (i.scope, i.category, i.control_point)
        if k not in low_cps:
            new_cps.setdefault(k, (i.scope, i.category, i.control_point, i.control_point_zh))
    carried = {i.prev for i in high if i.prev}
    return LevelChange(
        lower=lower,
        new_control_points=list(new_cps.values()),
        new_items=[i for i in high if i.prev is None],
        strengthened_items=[i for i in high if i.prev],
        dropped_items=[i for i in low if i.id not in carried],
    )


# ---------------------------------------------------------------- versions


def meaning_fingerprints(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """Per catalogue file: its version and a hash of what its items mean (ids, control points, tiers, methods,
    requirement texts). A test compares these with a committed copy, so a change of meaning without a new
    version number cannot go unnoticed."""
    by_file: dict[str, list[str]] = {}
    for i in catalogue.items:
        name = f"{i.scope}-L{i.level}.yaml"
        by_file.setdefault(name, []).append(
            "|".join((i.id, i.control_point, i.letter, i.tier, ",".join(i.methods), i.requirement_zh, i.requirement_en))
        )
    return {
        name: {
            "version": catalogue.file_versions[name],
            "meaning": hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16],
        }
        for name, rows in sorted(by_file.items())
    }
