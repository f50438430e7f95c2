"""The 2025 high-risk guideline as data: 《网络安全等级保护测评高风险判定实施指引（试行）》, 81 cases.

`mlps/controls/high_risk_2025.yaml` holds every case in our own words: its number (the guideline's clause, e.g.
6.4.1.1), the catalogue items it ties to at each level, the system conditions it needs (high business-continuity
needs, key industry, cloud platform or cloud customer), the problem situations, the mitigations written as
questions, whether they can lower the risk, the fix, and the major-hazard trigger code (A-01 ... A-32) of the
2025 report template where one corresponds. This module reads it into typed models (pydantic), checks it,
and answers the two questions the rest of the workbench asks:

- which cases apply to a system at a level, with its extensions and conditions (`applicable_cases`);
- which cases a gap on an item matches (`cases_for_gap`), which the assessment page offers with its mitigation
  questions and the risk decisions (mlps.rules.risks) use to suggest a high risk.

Basis: Q17 of the Cybersecurity Bureau's letter of 2025-04-27 (high risk is judged mainly by this guideline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from mlps.rules.applicability.profile import CloudRole, SystemProfile, profile_from_dict
from mlps.rules.rulefiles import RuleFileError, load

HIGH_RISK_FILE = "high_risk_2025.yaml"
CASE_NUMBER = re.compile(r"^(6|7|8|9|10)\.\d{1,2}\.\d{1,2}\.\d{1,2}$")
TRIGGER_CODE = re.compile(r"^A-(0[1-9]|[12][0-9]|3[0-2])$")
HAN = re.compile(r"[\u4e00-\u9fff]")
PART_SCOPE = {"6": "general", "7": "cloud", "8": "mobile", "9": "iot", "10": "ics"}
EXTENSION_SCOPES = ("cloud", "mobile", "iot", "ics", "bigdata")  # bigdata has no case in the guideline

Condition = Literal["business_continuity", "key_industry", "cloud_platform", "cloud_customer"]
LoweringBlock = Literal["internet_facing", "os_windows"]
CONDITIONS: tuple[str, ...] = ("business_continuity", "key_industry", "cloud_platform", "cloud_customer")
LOWERING_BLOCKS: tuple[str, ...] = ("internet_facing", "os_windows")

CONDITION_WORDS: dict[str, dict[str, str]] = {
    "business_continuity": {"zh": "业务连续性要求高", "en": "high business-continuity needs"},
    "key_industry": {"zh": "关键行业", "en": "key industry"},
    "cloud_platform": {"zh": "云计算平台", "en": "cloud platform"},
    "cloud_customer": {"zh": "云服务客户系统", "en": "cloud customer's system"},
    "internet_facing": {"zh": "经互联网管理或访问", "en": "managed or reached over the internet"},
    "os_windows": {"zh": "使用 Windows 操作系统", "en": "runs Windows"},
}


class HighRiskError(ValueError):
    """The high-risk file is malformed or names what the catalogue does not have. Names the file and case."""


def _han(value: str, what: str) -> str:
    if not HAN.search(value):
        raise ValueError(f"'{what}' has no Chinese text")
    return value


class _Text(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class HighRiskCase(BaseModel):
    """One case of the guideline, in our words."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    case: str
    scope: Literal["general", "cloud", "mobile", "iot", "ics"]
    category: str = Field(pattern=r"^[A-Z]{3}$")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    applies_from: int = Field(ge=1, le=4)
    conditions: tuple[Condition, ...] = ()
    items: dict[int, tuple[str, ...]]
    no_item_at: dict[int, _Text] = {}
    trigger: str | None = None
    can_lower: Literal["yes", "no", "partly"]
    no_lowering_when: tuple[LoweringBlock, ...] = ()
    situations_zh: tuple[str, ...] = Field(min_length=1)
    situations_en: tuple[str, ...] = Field(min_length=1)
    mitigations_zh: tuple[str, ...] = ()
    mitigations_en: tuple[str, ...] = ()
    lowering_note_zh: str = ""
    lowering_note_en: str = ""
    fix_zh: str = Field(min_length=1)
    fix_en: str = Field(min_length=1)

    @field_validator("case")
    @classmethod
    def _case_number(cls, v: str) -> str:
        if not CASE_NUMBER.match(v):
            raise ValueError(f"case number {v!r} must look like 6.4.1.1 (parts 6 to 10)")
        return v

    @field_validator("trigger")
    @classmethod
    def _trigger(cls, v: str | None) -> str | None:
        if v is not None and not TRIGGER_CODE.match(v):
            raise ValueError(f"trigger {v!r} must be a code A-01 ... A-32")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> HighRiskCase:
        if PART_SCOPE[self.case.split(".")[0]] != self.scope:
            raise ValueError(f"a case numbered {self.case} belongs to scope {PART_SCOPE[self.case.split('.')[0]]}")
        for name in ("title_zh", "fix_zh", "lowering_note_zh"):
            if getattr(self, name):
                _han(getattr(self, name), name)
        for name in ("situations_zh", "mitigations_zh"):
            for text in getattr(self, name):
                _han(text, name)
        if len(self.situations_zh) != len(self.situations_en):
            raise ValueError("situations_zh and situations_en must have the same number of entries")
        if len(self.mitigations_zh) != len(self.mitigations_en):
            raise ValueError("mitigations_zh and mitigations_en must have the same number of entries")
        if (self.can_lower == "no") != (not self.mitigations_zh):
            raise ValueError("mitigations are given exactly when can_lower is yes or partly")
        if self.can_lower == "partly" and not (self.lowering_note_zh and self.lowering_note_en):
            raise ValueError("can_lower partly needs lowering_note_zh and _en (which situations stay high)")
        if not self.items:
            raise ValueError("items must name the catalogue items of at least one level")
        for level, ids in self.items.items():
            if level < self.applies_from or level > 4:
                raise ValueError(f"items at level {level} lie outside the case's levels {self.applies_from}-4")
            if not ids or len(set(ids)) != len(ids):
                raise ValueError(f"items at level {level} must be a non-empty list without repeats")
            for item_id in ids:
                if not item_id.startswith(f"L{level}-"):
                    raise ValueError(f"item '{item_id}' is listed at level {level} but is not a level-{level} id")
        for level in range(self.applies_from, 5):
            if level not in self.items and level not in self.no_item_at:
                raise ValueError(f"level {level} has neither items nor a no_item_at reason")
        return self

    # ------------------------------------------------------------ reading

    def __hash__(self) -> int:  # the case number identifies a case (its items map is not hashable)
        return hash(self.case)

    @property
    def id(self) -> str:
        """The case number, which is how the case is cited everywhere."""
        return self.case

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(sorted(self.items))

    def items_at(self, level: int) -> tuple[str, ...]:
        return self.items.get(level, ())

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def situations(self, lang: str) -> tuple[str, ...]:
        return self.situations_zh if lang == "zh" else self.situations_en

    def mitigations(self, lang: str) -> tuple[str, ...]:
        return self.mitigations_zh if lang == "zh" else self.mitigations_en

    def fix(self, lang: str) -> str:
        return self.fix_zh if lang == "zh" else self.fix_en

    def lowering_note(self, lang: str) -> str:
        return self.lowering_note_zh if lang == "zh" else self.lowering_note_en


class HighRiskGuideline(BaseModel):
    """The whole file: version, source and the cases, indexed by item."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    guideline: str
    source: str
    cases: tuple[HighRiskCase, ...] = Field(min_length=1)
    _by_item: dict[str, tuple[HighRiskCase, ...]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unique(self) -> HighRiskGuideline:
        seen: set[str] = set()
        for c in self.cases:
            if c.case in seen:
                raise ValueError(f"case {c.case} appears twice")
            seen.add(c.case)
        return self

    def by_case(self, number: str) -> HighRiskCase:
        for c in self.cases:
            if c.case == number:
                return c
        raise KeyError(number)

    def model_post_init(self, _context: Any) -> None:
        index: dict[str, list[HighRiskCase]] = {}
        for c in self.cases:
            for ids in c.items.values():
                for item_id in ids:
                    index.setdefault(item_id, []).append(c)
        self._by_item = {k: tuple(v) for k, v in index.items()}

    def for_item(self, item_id: str) -> list[HighRiskCase]:
        """The cases tied to an item (an item id names its level, so this is one level's cases)."""
        return list(self._by_item.get(item_id, ()))

    def item_ids(self) -> set[str]:
        return {i for c in self.cases for ids in c.items.values() for i in ids}


# ---------------------------------------------------------------- a system's conditions


@dataclass(frozen=True)
class SystemConditions:
    """The facts about a system that decide which cases apply and whether mitigations may lower them; recorded
    once on the system profile. Unknown facts count as not holding (a conditional case is then not suggested;
    the CLI lists every case with its conditions)."""

    business_continuity: bool = False
    key_industry: bool = False
    cloud_platform: bool = False
    cloud_customer: bool = False
    internet_facing: bool = False
    os_windows: bool = False

    def holds(self, name: str) -> bool:
        return bool(getattr(self, name))

    @classmethod
    def of(cls, names: Iterable[str]) -> SystemConditions:
        names = set(names)
        unknown = sorted(names - set(CONDITIONS) - set(LOWERING_BLOCKS))
        if unknown:
            known = ", ".join((*CONDITIONS, *LOWERING_BLOCKS))
            raise ValueError(f"unknown condition(s): {', '.join(unknown)}; known: {known}")
        return cls(**{n: True for n in names})

    def names(self) -> list[str]:
        return [n for n in (*CONDITIONS, *LOWERING_BLOCKS) if self.holds(n)]


ALL_CONDITIONS = SystemConditions(**{n: True for n in CONDITIONS})  # every conditional case counts


def conditions_of(profile: SystemProfile) -> SystemConditions:
    """The conditions a system profile records (its cloud role gives cloud platform / cloud customer)."""
    return SystemConditions(
        business_continuity=profile.business_continuity,
        key_industry=profile.key_industry,
        cloud_platform=profile.cloud_role is CloudRole.PROVIDER,
        cloud_customer=profile.cloud_role is CloudRole.CUSTOMER,
        internet_facing=profile.internet_facing,
        os_windows=profile.os_windows,
    )


def conditions_from_stored(stored: Mapping[str, Any] | None) -> SystemConditions:
    """The conditions in what the store keeps for a system ({"profile": ..., ...}); none recorded (or a profile
    that no longer reads) gives no condition."""
    raw = (stored or {}).get("profile")
    if raw is None:
        return SystemConditions()
    try:
        return conditions_of(profile_from_dict(raw))
    except ValueError:
        return SystemConditions()


def conditions_met(case: HighRiskCase, conditions: SystemConditions) -> bool:
    return all(conditions.holds(c) for c in case.conditions)


def lowering_blocked_by(case: HighRiskCase, conditions: SystemConditions) -> list[str]:
    """The recorded facts under which the case's mitigations do not apply (e.g. internet facing for 6.4.3.2)."""
    return [b for b in case.no_lowering_when if conditions.holds(b)]


def applicable_cases(
    guideline: HighRiskGuideline,
    level: int,
    extensions: Iterable[str] = (),
    conditions: SystemConditions | None = ALL_CONDITIONS,
) -> list[HighRiskCase]:
    """The cases for a system at `level` with `extensions`: general cases and those of its extensions that have
    items at that level. With `conditions`, only cases whose conditions the system meets (the default counts
    every condition as met: the list of what may apply)."""
    scopes = {"general", *extensions}
    out = [c for c in guideline.cases if c.scope in scopes and level in c.items]
    if conditions is not None:
        out = [c for c in out if conditions_met(c, conditions)]
    return out


def cases_for_gap(
    guideline: HighRiskGuideline, item_id: str, conditions: SystemConditions = ALL_CONDITIONS
) -> list[HighRiskCase]:
    """The cases a gap (partial or nonconform result) on `item_id` matches, for a system with `conditions`."""
    return [c for c in guideline.for_item(item_id) if conditions_met(c, conditions)]


# ---------------------------------------------------------------- loading


def load_guideline(path: Path | str | None = None) -> HighRiskGuideline:
    """The cases from `path`, or from high_risk_2025.yaml ($MLPS_CONTROLS_DIR first, else the bundled file),
    through the one rule-file loader (validated and cached per modification, mlps.rules.rulefiles)."""
    try:
        return load(Path(path) if path else HIGH_RISK_FILE, HighRiskGuideline)
    except RuleFileError as exc:
        raise HighRiskError(str(exc)) from None


def check_against_catalogue(guideline: HighRiskGuideline, catalogue: Any, file: str = HIGH_RISK_FILE) -> None:
    """Every item a case lists exists in the catalogue at the level it is listed under, in the case's scope.
    Raises HighRiskError naming the case and the item."""
    for c in guideline.cases:
        for level, ids in c.items.items():
            for item_id in ids:
                if item_id not in catalogue:
                    raise HighRiskError(f"{file}: case {c.case}, item '{item_id}' is not in the catalogue")
                item = catalogue.get(item_id)
                if item.level != level or item.scope != c.scope:
                    raise HighRiskError(
                        f"{file}: case {c.case}, item '{item_id}' is a level-{item.level} {item.scope} item, "
                        f"listed at level {level} of a {c.scope} case"
                    )
