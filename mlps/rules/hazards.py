"""Major risk hazards (重大风险隐患): the trigger table A-01 … A-32, hazard records, their count and candidates.

Facts (docs/domain.md, "The rules since 2025"):
- the MPS Cybersecurity Bureau's letter of 2025-04-27, Q18-Q19: a hazard is judged by three principles
  (相关性 relevance, 严重性 severity, 高发性 frequency) and may come from one high-risk problem or from several
  problems together; Q22: the conclusion page gives the count before remediation, remediated ones marked, as
  `10（5个已整改）`;
- the 2025 report template's appendix G lists the triggers A-01 … A-32; we have one public transcription only,
  so the table (`controls/hazard_triggers.yaml`) is marked unconfirmed (R) and the UI says so.

A hazard is recorded by a person; the workbench only suggests candidates: the trigger a case of the 2025
high-risk guideline names (mlps.rules.high_risk), where an item of that case at the assessed level has an open
high-risk problem, and the cross-cutting triggers (A-27 … A-32) as questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from mlps.rules.high_risk import HighRiskGuideline, cases_for_gap, load_guideline
from mlps.rules.levels import AssessedLevel
from mlps.rules.rulefiles import At, RuleFileError, RuleModel, load, rule_file

TRIGGERS_FILE = "hazard_triggers.yaml"
CODE = re.compile(r"^A-(0[1-9]|[12][0-9]|3[0-2])$")
HAN = re.compile(r"[\u4e00-\u9fff]")
PRINCIPLES = ("relevance", "severity", "frequency")


class HazardError(ValueError):
    """A hazard that cannot be recorded, or a malformed trigger table: the message says what and where."""


# ---------------------------------------------------------------- the trigger table


@dataclass(frozen=True)
class Principle:
    key: str
    name_zh: str
    name_en: str
    question_zh: str
    question_en: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def question(self, lang: str) -> str:
        return self.question_zh if lang == "zh" else self.question_en


@dataclass(frozen=True)
class Trigger:
    code: str  # A-01 … A-32
    title_zh: str
    title_en: str
    situations_zh: tuple[str, ...]
    situations_en: tuple[str, ...]
    scope: str = ""  # general / cloud / iot / ics; '' for a cross-cutting trigger
    category: str = ""
    control_point: str = ""
    items: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # level -> item ids
    question_zh: str = ""
    question_en: str = ""

    @property
    def cross_cutting(self) -> bool:
        return not self.items

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def question(self, lang: str) -> str:
        return self.question_zh if lang == "zh" else self.question_en

    def label(self, lang: str) -> str:
        return f"{self.code} {self.title(lang)}"

    def applies(self, extensions: Iterable[str]) -> bool:
        """The trigger's catalogue is assessed: general always, an extension only when it is selected."""
        return self.cross_cutting or self.scope == "general" or self.scope in set(extensions)

    def items_at(self, level: int, extensions: Iterable[str] = ()) -> tuple[str, ...]:
        """The item ids this trigger relates to in the selection (level + extensions); () when none."""
        if self.cross_cutting or not self.applies(extensions):
            return ()
        return self.items.get(int(level), ())

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "situations_zh": list(self.situations_zh),
            "situations_en": list(self.situations_en),
            "scope": self.scope or None,
            "category": self.category or None,
            "control_point": self.control_point or None,
            "items": {str(k): list(v) for k, v in self.items.items()},
            "cross_cutting": self.cross_cutting,
            "question_zh": self.question_zh or None,
            "question_en": self.question_en or None,
        }


@dataclass(frozen=True)
class TriggerTable:
    version: str
    confidence: str
    source: str
    note_zh: str
    note_en: str
    principles: tuple[Principle, ...]
    triggers: tuple[Trigger, ...]

    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.triggers)

    def get(self, code: str) -> Trigger:
        """The trigger by code; an unknown code raises HazardError naming it and the valid range."""
        key = (code or "").strip().upper()
        for t in self.triggers:
            if t.code == key:
                return t
        raise HazardError(f"unknown trigger code '{code}'; the codes run from A-01 to A-32")

    def note(self, lang: str) -> str:
        return self.note_zh if lang == "zh" else self.note_en

    def for_item(self, item_id: str) -> list[Trigger]:
        return [t for t in self.triggers if any(item_id in ids for ids in t.items.values())]


# ---------------------------------------------------------------- the file


def _words(v: Any) -> Any:
    return " ".join(v.split()) if isinstance(v, str) else v


Words_ = Annotated[str, BeforeValidator(_words), AfterValidator(lambda v: _nonempty(v))]
ZhWords = Annotated[Words_, AfterValidator(lambda v: _chinese(v))]


def _nonempty(v: str) -> str:
    if not v:
        raise ValueError("is missing or empty")
    return v


def _chinese(v: str) -> str:
    if not HAN.search(v):
        raise ValueError("has no Chinese text")
    return v


def _zh_entries(v: list[str]) -> list[str]:
    if not all(HAN.search(x) for x in v):
        raise ValueError("has an entry with no Chinese text")
    return v


Texts = Annotated[list[Words_], Field(min_length=1)]
ZhTexts = Annotated[Texts, AfterValidator(_zh_entries)]


class _PrincipleEntry(RuleModel):
    key: str
    name_zh: ZhWords
    name_en: Words_
    question_zh: ZhWords
    question_en: Words_


class _TriggerEntry(RuleModel):
    code: Annotated[str, AfterValidator(lambda v: _code(v))]
    title_zh: ZhWords
    title_en: Words_
    situations_zh: ZhTexts
    situations_en: Texts
    scope: str = ""
    category: str = ""
    control_point: str = ""
    items: dict[AssessedLevel, Annotated[list[str], Field(min_length=1)]] = {}
    question_zh: str = ""
    question_en: str = ""

    @field_validator("items", mode="before")
    @classmethod
    def _items(cls, v: Any) -> Any:
        return v or {}

    @model_validator(mode="after")
    def _tied_or_cross_cutting(self) -> _TriggerEntry:
        for lv, ids in self.items.items():
            if not all(i.startswith(f"L{lv}-") for i in ids):
                raise At("items", lv, message=f"items at level {lv} must be ids of that level")
        number = int(self.code[2:])
        if number <= 26 and not self.items:
            raise ValueError("A-01 … A-26 must name their items per level")
        if number > 26 and self.items:
            raise ValueError("A-27 … A-32 are cross-cutting and name no item")
        if self.items:
            for key in ("scope", "category", "control_point"):
                _field(self, key, zh=False)
        else:
            _field(self, "question_zh", zh=True)
            _field(self, "question_en", zh=False)
        return self

    def trigger(self) -> Trigger:
        tied = bool(self.items)
        return Trigger(
            code=self.code,
            title_zh=self.title_zh,
            title_en=self.title_en,
            situations_zh=tuple(self.situations_zh),
            situations_en=tuple(self.situations_en),
            scope=_words(self.scope) if tied else "",
            category=_words(self.category) if tied else "",
            control_point=_words(self.control_point) if tied else "",
            items={lv: tuple(ids) for lv, ids in self.items.items()},
            question_zh="" if tied else _words(self.question_zh),
            question_en="" if tied else _words(self.question_en),
        )


def _code(v: str) -> str:
    if not CODE.match(v):
        raise ValueError("must be A-01 … A-32")
    return v


def _field(entry: RuleModel, key: str, *, zh: bool) -> None:
    value = getattr(entry, key)
    if not isinstance(value, str) or not value.strip():
        raise At(key, message=f"'{key}' is missing or empty")
    if zh and not HAN.search(value):
        raise At(key, message=f"'{key}' has no Chinese text")


class TriggersFile(RuleModel):
    """hazard_triggers.yaml as written; `table()` gives the TriggerTable the rules use."""

    version: str = ""
    confidence: Literal["S", "R"]
    source: Words_
    note_zh: ZhWords
    note_en: Words_
    principles: list[_PrincipleEntry]
    triggers: list[_TriggerEntry]

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> str:
        return str(v or "")

    @field_validator("principles")
    @classmethod
    def _principles(cls, v: list[_PrincipleEntry]) -> list[_PrincipleEntry]:
        if tuple(p.key for p in v) != PRINCIPLES:
            raise ValueError("must be relevance, severity, frequency in that order")
        return v

    @field_validator("triggers")
    @classmethod
    def _all_codes(cls, v: list[_TriggerEntry]) -> list[_TriggerEntry]:
        if [t.code for t in v] != [f"A-{n:02d}" for n in range(1, 33)]:
            raise ValueError("must be A-01 … A-32 in order, once each")
        return v

    def table(self) -> TriggerTable:
        return TriggerTable(
            version=self.version,
            confidence=self.confidence,
            source=self.source,
            note_zh=self.note_zh,
            note_en=self.note_en,
            principles=tuple(Principle(p.key, p.name_zh, p.name_en, p.question_zh, p.question_en)
                             for p in self.principles),  # fmt: skip
            triggers=tuple(t.trigger() for t in self.triggers),
        )


def default_triggers_path() -> Path:
    """$MLPS_CONTROLS_DIR/hazard_triggers.yaml when that folder has one, else the bundled file."""
    return rule_file(TRIGGERS_FILE)


def load_hazard_triggers(path: Path | str | None = None) -> TriggerTable:
    """Load and check the trigger table (read and checked once per modification, mlps.rules.rulefiles).
    A malformed table raises HazardError naming the file and the entry."""
    try:
        return load(Path(path) if path else TRIGGERS_FILE, TriggersFile, into=TriggersFile.table)
    except RuleFileError as exc:
        raise HazardError(str(exc)) from None


def check_against_catalogue(table: TriggerTable, item_ids: Iterable[str], levels: Iterable[int]) -> None:
    """Every item a trigger names exists (in `item_ids`, the catalogue's ids). Raises HazardError."""
    known = set(item_ids)
    for t in table.triggers:
        for lv, ids in t.items.items():
            if lv not in set(levels):
                continue
            missing = [i for i in ids if i not in known]
            if missing:
                raise HazardError(
                    f"{TRIGGERS_FILE}, trigger {t.code}: item(s) {', '.join(missing)} not in the catalogue"
                )


# ---------------------------------------------------------------- hazards


@dataclass(frozen=True)
class Hazard:
    """A major risk hazard a person recorded for an assessment."""

    code: str  # the trigger, A-01 … A-32
    item_ids: tuple[str, ...] = ()  # the problems it comes from (items of the assessed selection)
    objects: tuple[str, ...] = ()  # the assessed objects concerned, if named
    judgement: str = ""  # the three-principle judgement, in words
    found_on: date | None = None
    remediated_on: date | None = None
    verification: str = ""  # how the remediation was verified
    id: int = 0
    assessment_id: int = 0
    created_by: str = ""
    updated_by: str = ""
    version: int = 1

    @property
    def remediated(self) -> bool:
        return self.remediated_on is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "item_ids": list(self.item_ids),
            "objects": list(self.objects),
            "judgement": self.judgement,
            "found_on": self.found_on.isoformat() if self.found_on else None,
            "remediated_on": self.remediated_on.isoformat() if self.remediated_on else None,
            "verification": self.verification,
            "remediated": self.remediated,
        }


def check_hazard(
    hazard: Hazard,
    level: int,
    extensions: Iterable[str],
    selection_ids: Iterable[str],
    table: TriggerTable | None = None,
    *,
    require_record: bool = True,
) -> Trigger:
    """Check a hazard before it is stored (or scored). Raises HazardError with one clear message:
    an unknown trigger; an item-tied trigger whose items the level (and extensions) lack; a problem item not
    in the assessed selection; with `require_record`, a missing judgement or found date, a remediation date
    before the found date or without its verification."""
    table = table or load_hazard_triggers()
    trig = table.get(hazard.code)
    exts = list(extensions)
    where = f"hazard {trig.code}"
    if not trig.cross_cutting and not trig.items_at(level, exts):
        if not trig.applies(exts):
            raise HazardError(
                f"{where}: it concerns the {trig.scope} extension, which this assessment does not include"
            )
        raise HazardError(f"{where} ({trig.title_en}): level {level} has no item it relates to")
    known = set(selection_ids)
    bad = [i for i in hazard.item_ids if i not in known]
    if bad:
        raise HazardError(f"{where}: item(s) {', '.join(bad)} are not in the assessed level and extensions")
    if require_record:
        if not hazard.judgement.strip():
            raise HazardError(f"{where}: write the judgement (relevance, severity, frequency) in words")
        if hazard.found_on is None:
            raise HazardError(f"{where}: the date it was found is missing")
        if hazard.remediated_on is not None:
            if hazard.remediated_on < hazard.found_on:
                raise HazardError(
                    f"{where}: remediated on {hazard.remediated_on} before it was found ({hazard.found_on})"
                )
            if not hazard.verification.strip():
                raise HazardError(f"{where}: say how the remediation was verified")
    return trig


@dataclass(frozen=True)
class HazardTally:
    """The conclusion page's count (Q22): hazards found (before remediation) and how many are remediated."""

    count: int
    remediated: int
    codes: tuple[str, ...]  # every hazard's trigger, in code order
    open_codes: tuple[str, ...]

    @property
    def open(self) -> int:
        return self.count - self.remediated

    @property
    def text_zh(self) -> str:
        return f"{self.count}（{self.remediated}个已整改）" if self.count else "0"

    @property
    def text_en(self) -> str:
        return f"{self.count} ({self.remediated} remediated)" if self.count else "0"

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "remediated": self.remediated,
            "codes": list(self.codes),
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


NO_HAZARDS = HazardTally(0, 0, (), ())


def tally(hazards: Iterable[Hazard]) -> HazardTally:
    hs = sorted(hazards, key=lambda h: (h.code, h.id))
    return HazardTally(
        count=len(hs),
        remediated=sum(1 for h in hs if h.remediated),
        codes=tuple(h.code for h in hs),
        open_codes=tuple(h.code for h in hs if not h.remediated),
    )


def parse_hazard_arg(text: str) -> tuple[str, bool]:
    """'A-22' or 'A-22:remediated' -> (code, remediated). Raises HazardError for anything else."""
    raw = (text or "").strip()
    code, _, flag = raw.partition(":")
    code = code.strip().upper()
    if not CODE.match(code):
        raise HazardError(f"unknown trigger code '{raw}'; use A-01 … A-32, optionally followed by ':remediated'")
    flag = flag.strip().lower()
    if flag not in ("", "remediated"):
        raise HazardError(f"'{raw}': after the code only ':remediated' is allowed")
    return code, flag == "remediated"


# ---------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Candidate:
    """A trigger the workbench suggests a person look at; nothing is recorded until they confirm."""

    trigger: Trigger
    item_ids: tuple[str, ...]  # the items with open high-risk problems it relates to; () for a question

    @property
    def question(self) -> bool:
        return self.trigger.cross_cutting


def suggest_hazards(
    problem_risks: Mapping[str, str | None],
    level: int,
    extensions: Iterable[str],
    existing: Iterable[str] = (),
    table: TriggerTable | None = None,
    guideline: HighRiskGuideline | None = None,
) -> list[Candidate]:
    """Candidates: each trigger that a case of the 2025 high-risk guideline names, where an item the case ties to
    at this level (in the assessed extensions) has an open high-risk problem (`problem_risks`: item id ->
    'high' / 'medium' / 'low' / None, problems only), then every cross-cutting trigger as a question. The
    guideline (mlps.rules.high_risk) is the one source of which items are high-risk candidates; the trigger
    table only says what each code means and which items a recorded hazard may name. Triggers already
    recorded (`existing` codes) are left out."""
    table = table or load_hazard_triggers()
    guideline = guideline or load_guideline()
    scopes = {"general", *extensions}
    done = set(existing)
    hits: dict[str, list[str]] = {}
    for item_id, risk in problem_risks.items():
        if str(risk or "") != "high":
            continue
        for case in cases_for_gap(guideline, item_id):  # the risk is decided: every case tied to the item
            if case.trigger and case.scope in scopes and item_id in case.items_at(level):
                hits.setdefault(case.trigger, []).append(item_id)
    out = [
        Candidate(t, tuple(sorted(set(hits[t.code]))))
        for t in table.triggers
        if t.code in hits and t.code not in done and not t.cross_cutting
    ]
    out.extend(Candidate(t, ()) for t in table.triggers if t.cross_cutting and t.code not in done)
    return out


def closed_by(hazards: Sequence[Hazard], fixed_items: Iterable[str]) -> list[bool]:
    """For each open hazard: would fixing `fixed_items` close it (it comes from items, all of them fixed)?
    A hazard with no item (a cross-cutting one) is never closed by fixing items."""
    fixed = set(fixed_items)
    return [bool(h.item_ids) and set(h.item_ids) <= fixed for h in hazards]
