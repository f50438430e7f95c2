"""Apply a system's statement of applicability to one of its assessments.

The statement (mlps.rules.applicability) says, per requirement item, whether it applies to the system, does not
apply, or is inherited from the cloud provider's platform. An assessor records results per item and assessed
object (mlps.rules.domain.ItemResult). This module turns the statement into the results to write:

- an item the statement marks not applicable becomes Result.NA (不适用), with the statement's reason as the record;
- an item the statement marks inherited becomes Result.NA too, with a record naming the cloud platform it is
  inherited from (name, level, filing number: the statement's platform record). GB/T 28448-2019 leaves what the
  cloud provider answers for to the platform's own assessment, so the customer's assessment does not score it;
- an item of an extension the assessment includes but the statement says does not apply to the system (e.g. the
  assessment was started with the mobile extension, the profile has no mobile apps) is not applicable, with the
  statement's reason for that extension (GB/T 22239-2019 Annex A: an extension applies only where the system
  uses that technology).

A result an assessor has already recorded on an item and object (any result other than "not assessed", or a
"not assessed" row carrying a record, a risk or attachments) is never overwritten: it is returned as a
conflict for the assessor to look at. Nothing written is marked needs_review.

`saved_statement` reads the statement from what the store keeps per system ({"profile": ..., "overrides":
[...]}, as the applicability page saves it); `applicability_rows` gives the assessment report's appendix.
Pure: no store, no streamlit. Texts exist in Chinese and English (a `lang` parameter).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mlps.rules.applicability import (
    STATUS_WORDS,
    CloudPlatform,
    ExtensionDecision,
    Override,
    Statement,
    Status,
    apply_overrides,
    parse_overrides,
    profile_from_dict,
    statement_of_applicability,
)
from mlps.rules.catalogue import Catalogue, Item
from mlps.rules.domain import ItemResult, Result

LANGS = ("zh", "en")


@dataclass
class ApplicabilityRow:
    """Statement of applicability: whether an item applies, and why not when it does not."""

    item_id: str
    control_point_zh: str
    control_point_en: str
    applicable: bool
    reason: str = ""


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be zh or en, got {lang!r}")
    return lang


# ---------------------------------------------------------------- the statement the store keeps


def fitting_overrides(base: Statement, overrides: Iterable[Override]) -> tuple[list[Override], list[Override]]:
    """The stored adjustments that fit `base` (a statement without overrides) and those that do not (an item no
    longer in the statement, inherited on a system that is no longer a cloud customer, …), in the order given.
    The applicability page keeps the second kind but without effect; so does everything built on it."""
    good: list[Override] = []
    stale: list[Override] = []
    for o in overrides:
        try:
            apply_overrides(base, [*good, o])
        except ValueError:
            stale.append(o)
            continue
        good.append(o)
    return good, stale


@dataclass(frozen=True)
class SavedStatement:
    statement: Statement
    ignored: tuple[Override, ...] = ()  # stored adjustments that no longer fit (shown on the applicability page)


def saved_statement(catalogue: Catalogue, level: int, stored: Mapping[str, Any] | None) -> SavedStatement | None:
    """The statement of applicability at `level` from what the store keeps for a system, or None when no
    profile has been saved (a draft profile is only a preview: it is never applied).

    Raises ValueError naming the field when the stored profile or adjustments cannot be read, or when the level
    has no statement (levels 1-4)."""
    stored = stored if isinstance(stored, Mapping) else {}
    if stored.get("profile") is None:
        return None
    profile = profile_from_dict(stored["profile"])
    overrides = parse_overrides(stored.get("overrides") or [])
    base = statement_of_applicability(catalogue, level, profile)
    good, stale = fitting_overrides(base, overrides)
    statement = apply_overrides(base, good) if good else base
    return SavedStatement(statement, tuple(stale))


# ---------------------------------------------------------------- the records written


def _platform_words(platform: CloudPlatform | None, lang: str) -> str:
    p = platform or CloudPlatform()
    if lang == "zh":
        name = f"「{p.name}」" if p.name else "（名称未记录）"
        level = f"第{p.level}级" if p.level is not None else "等级未记录"
        number = f"备案证明编号 {p.filing_number}" if p.filing_number else "备案证明编号未记录"
        return f"{name}（{level}，{number}）"
    name = f"'{p.name}'" if p.name else "(name not recorded)"
    level = f"level {p.level}" if p.level is not None else "level not recorded"
    number = f"filing number {p.filing_number}" if p.filing_number else "filing number not recorded"
    return f"{name} ({level}, {number})"


def na_record(reason: str, lang: str = "zh") -> str:
    """The record of an item the statement marks not applicable."""
    if _check_lang(lang) == "zh":
        return f"不适用（依据适用性声明）：{reason}"
    return f"Not applicable (statement of applicability): {reason}"


def inherited_record(platform: CloudPlatform | None, reason: str, lang: str = "zh") -> str:
    """The record of an item inherited from the cloud provider's platform: which platform (name, level, filing
    number; missing parts are said to be missing), then the statement's reason."""
    words = _platform_words(platform, _check_lang(lang))
    if lang == "zh":
        return f"继承（依据适用性声明）：由云服务商的云平台{words}负责，以该平台的等级测评结论为依据。理由：{reason}"
    return (
        f"Inherited (statement of applicability): the cloud provider's platform {words} answers for this item, "
        f"on the strength of the platform's own assessment. Reason: {reason}"
    )


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedResult:
    """One result to write and why: the statement's status for the item (not_applicable or inherited)."""

    status: Status
    result: ItemResult


@dataclass(frozen=True)
class SoaConflict:
    """An item the statement marks not applicable / inherited on which an assessor has recorded something else.
    Nothing is written for it: the assessor decides (change the result, or adjust the statement)."""

    item_id: str
    assessed_object: str
    status: Status  # what the statement says
    result: Result  # what the assessor recorded
    record: str  # the assessor's record
    proposed_record: str  # what applying the statement would have written


@dataclass(frozen=True)
class SoaPlan:
    writes: tuple[PlannedResult, ...]
    conflicts: tuple[SoaConflict, ...]
    already: tuple[str, ...]  # items already recorded not applicable on every object they have a row on
    ignored: tuple[Override, ...] = ()  # stored adjustments without effect (from SavedStatement)

    @property
    def results(self) -> list[ItemResult]:
        """The rows to hand to the store (Workspace.import_results), in catalogue order."""
        return [w.result for w in self.writes]

    @property
    def not_applicable(self) -> int:
        return sum(w.status is Status.NOT_APPLICABLE for w in self.writes)

    @property
    def inherited(self) -> int:
        return sum(w.status is Status.INHERITED for w in self.writes)


def _untouched(r: ItemResult) -> bool:
    """A row nobody has judged yet: not assessed, no record, no risk, no attachment (e.g. made by opening the
    item's attachment box). Such a row may be filled in; anything else is the assessor's."""
    return (
        r.result == Result.NOT_ASSESSED
        and not r.record.strip()
        and r.risk is None
        and not r.risk_reason.strip()
        and not r.attachments
    )


def _decision_reason(decisions: Sequence[ExtensionDecision], scope: str, lang: str) -> str:
    d = next((d for d in decisions if d.extension == scope), None)
    if d is not None:
        return d.reason(lang)
    if lang == "zh":
        return f"适用性声明未包含该扩展要求（{scope}）"
    return f"The statement of applicability does not include this extension ({scope})"


def _targets(items: Sequence[Item], statement: Statement, lang: str) -> list[tuple[Item, Status, str]]:
    """(item, status, record) for every item of the assessment the statement marks not applicable or inherited."""
    rows = {r.item_id: r for r in statement.rows}
    out = []
    for item in items:
        row = rows.get(item.id)
        if row is None:
            if item.scope == "general":
                raise ValueError(
                    f"item {item.id} is not in the statement of applicability (level {statement.level}, catalogue "
                    f"{statement.catalogue_version}): compute the statement from the same catalogue"
                )
            reason = _decision_reason(statement.extensions, item.scope, lang)
            out.append((item, Status.NOT_APPLICABLE, na_record(reason, lang)))
        elif row.status is Status.NOT_APPLICABLE:
            out.append((item, Status.NOT_APPLICABLE, na_record(row.reason(lang), lang)))
        elif row.status is Status.INHERITED:
            out.append((item, Status.INHERITED, inherited_record(statement.platform, row.reason(lang), lang)))
    return out


def plan_soa_results(
    items: Sequence[Item],
    statement: Statement | SavedStatement,
    results: Iterable[ItemResult],
    lang: str = "zh",
) -> SoaPlan:
    """The results to write so that the assessment follows the statement of applicability.

    `items`: the assessment's catalogue items (catalogue.select(level, extensions)); `statement`: the system's
    statement at the assessment's level; `results`: the assessment's recorded results. Per item the statement
    marks not applicable or inherited:

    - no row yet: a new Result.NA row on the whole system (assessed object "") with the statement's record;
    - an untouched row (not assessed, nothing written on it): filled in as Result.NA, keeping its object,
      methods and evidence date;
    - a row already Result.NA: left as it is (the item counts as already done);
    - any other row: left as it is and returned as a conflict.

    Written rows have needs_review False. Raises ValueError when the statement's level is not the items' level
    or `lang` is not zh/en."""
    _check_lang(lang)
    ignored: tuple[Override, ...] = ()
    if isinstance(statement, SavedStatement):
        statement, ignored = statement.statement, statement.ignored
    levels = {i.level for i in items}
    if levels and levels != {statement.level}:
        shown = ", ".join(map(str, sorted(levels)))
        raise ValueError(f"the statement is for level {statement.level}, the assessment's items are level {shown}")
    by_item: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        by_item[r.item_id].append(r)
    writes: list[PlannedResult] = []
    conflicts: list[SoaConflict] = []
    already: list[str] = []
    for item, status, record in _targets(items, statement, lang):
        rows = by_item.get(item.id, [])
        if not rows:
            writes.append(PlannedResult(status, ItemResult(item_id=item.id, result=Result.NA, record=record)))
            continue
        for r in rows:
            if r.result == Result.NA:
                continue
            if _untouched(r):
                writes.append(PlannedResult(status, replace(r, result=Result.NA, record=record, needs_review=False)))
            else:
                conflicts.append(
                    SoaConflict(item.id, r.assessed_object, status, Result(r.result), r.record, proposed_record=record)
                )
        if all(r.result == Result.NA for r in rows):
            already.append(item.id)
    return SoaPlan(tuple(writes), tuple(conflicts), tuple(already), ignored)


# ---------------------------------------------------------------- the assessment report's appendix


def applicability_rows(
    items: Sequence[Item], statement: Statement, na_records: Mapping[str, str] | None = None, lang: str = "zh"
) -> list[ApplicabilityRow]:
    """The statement of applicability appendix of the assessment report, one row per item of the assessment.

    Not applicable and inherited items carry the statement's reason (inherited ones start with the status words,
    e.g. 继承（云服务商负责）). An item the statement marks applicable that the assessor nevertheless recorded not
    applicable (`na_records`: item id -> the assessor's record) is shown not applicable with that record, so the
    appendix never contradicts the results."""
    _check_lang(lang)
    na_records = na_records or {}
    rows = {r.item_id: r for r in statement.rows}
    out = []
    for item in items:
        row = rows.get(item.id)
        if row is None:
            applicable, reason = False, _decision_reason(statement.extensions, item.scope, lang)
        elif row.status is Status.APPLICABLE:
            applicable = item.id not in na_records
            reason = "" if applicable else na_records[item.id]
        elif row.status is Status.INHERITED:
            sep = "：" if lang == "zh" else ": "
            applicable, reason = False, f"{STATUS_WORDS[Status.INHERITED][lang]}{sep}{row.reason(lang)}"
        else:
            applicable, reason = False, row.reason(lang)
        out.append(ApplicabilityRow(item.id, item.control_point_zh, item.control_point_en, applicable, reason))
    return out
