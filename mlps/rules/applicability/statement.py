"""The statement of applicability: every item of the level as applicable, not applicable or inherited (a cloud
customer inherits what the provider answers for), with the reason; user overrides; frames and dicts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import pandas as pd

from mlps.rules.applicability.extensions import (
    ExtensionDecision,
    Finding,
    _platform_name,
    decide_extensions,
    extension_clause,
    platform_findings,
)
from mlps.rules.applicability.profile import CloudPlatform, CloudRole, SystemProfile, _check_level
from mlps.rules.applicability.suggest import FlagSuggestion, suggestion_to_dict, unreflected_suggestions
from mlps.rules.catalogue import Catalogue, Item


class Status(StrEnum):
    APPLICABLE = "applicable"  # 适用
    NOT_APPLICABLE = "not_applicable"  # 不适用
    INHERITED = "inherited"  # 继承: the cloud provider answers for it


STATUS_WORDS = {
    Status.APPLICABLE: {"zh": "适用", "en": "Applicable"},
    Status.NOT_APPLICABLE: {"zh": "不适用", "en": "Not applicable"},
    Status.INHERITED: {"zh": "继承（云服务商负责）", "en": "Inherited (cloud provider)"},
}

STATUS_INPUT: dict[str, Status] = {
    "applicable": Status.APPLICABLE,
    "适用": Status.APPLICABLE,
    "not_applicable": Status.NOT_APPLICABLE,
    "na": Status.NOT_APPLICABLE,
    "n/a": Status.NOT_APPLICABLE,
    "不适用": Status.NOT_APPLICABLE,
    "inherited": Status.INHERITED,
    "继承": Status.INHERITED,
}


# General items a cloud customer inherits when the whole system runs on the provider's platform.
# Basis: GB/T 22239-2019 Annex D (cloud scenario; the split of responsibility between provider and customer)
# and the practice of relying on the platform's own assessment for what the customer cannot reach. Which
# general items this covers is our reading [R], so every one of them can be overridden by the user.
@dataclass(frozen=True)
class InheritRule:
    category: str
    control_point: str | None  # None: every control point of the category
    letters: tuple[str, ...] | None  # None: every item of the control point
    reason_zh: str  # {p} is the platform's name
    reason_en: str

    def matches(self, item: Item) -> bool:
        return (
            item.scope == "general"
            and item.category == self.category
            and (self.control_point is None or item.control_point == self.control_point)
            and (self.letters is None or item.letter in self.letters)
        )


HOSTED_INHERITS: tuple[InheritRule, ...] = (
    InheritRule(
        "PES",
        None,
        None,
        "机房和物理环境属于云服务商{p}，系统完全部署在该平台上，由平台的等级测评覆盖",
        "The machine room and physical environment belong to the cloud provider{p}; the system runs entirely "
        "on that platform, so the platform's own assessment covers this item",
    ),
    InheritRule(
        "MMS",
        "environment",
        ("a", "b", "d"),  # machine-room responsibility, machine-room rules, zoned entry (L4); c is office-side
        "机房的管理由云服务商{p}负责，系统完全部署在该平台上",
        "Managing the machine room is the job of the cloud provider{p}; the system runs entirely on that platform",
    ),
    InheritRule(
        "ABS",
        "boundary_protection",
        (
            "b",
            "c",
            "d",
            "e",
            "f",
        ),  # devices plugging in, links out, wireless, blocking them (L4 e), trusted join (L4 f)
        "物理网络的接入边界（设备接入、违规外联、无线接入）是云服务商{p}平台自身的边界，系统完全部署在该平台上",
        "The physical network edge (devices plugging in, unauthorised outbound links, wireless access) is the "
        "boundary of the platform{p} itself; the system runs entirely on that platform",
    ),
)


# ---------------------------------------------------------------- the statement of applicability


@dataclass(frozen=True)
class Override:
    """The user's judgement on one item, applied on top of the rules (usually: not applicable, with why)."""

    item_id: str
    reason: str  # in the user's words
    status: Status = Status.NOT_APPLICABLE


@dataclass(frozen=True)
class SoaRow:
    item_id: str
    extension: str  # scope code: general, cloud, …
    category: str
    control_point_zh: str
    control_point_en: str
    clause: str
    letter: str
    tier: str
    weight: float
    requirement_zh: str
    requirement_en: str
    status: Status
    reason_zh: str
    reason_en: str
    overridden: bool = False
    rule_status: Status | None = None  # what the rules said, when the user overrode it

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


@dataclass(frozen=True)
class Statement:
    """The statement of applicability (适用性声明) of one system at one level."""

    level: int
    profile: SystemProfile
    extensions: tuple[ExtensionDecision, ...]
    rows: tuple[SoaRow, ...]
    findings: tuple[Finding, ...]
    suggestions: tuple[FlagSuggestion, ...]  # keyword hints from the description the profile does not reflect
    catalogue_version: str
    overrides: tuple[Override, ...] = ()
    rule_rows: tuple[SoaRow, ...] = field(default=(), repr=False)  # the rows as the rules made them
    scope_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def applicable_extensions(self) -> tuple[str, ...]:
        return tuple(d.extension for d in self.extensions if d.applies)

    @property
    def platform(self) -> CloudPlatform | None:
        """The provider's platform record (name, level, filing number), once per system; customers only."""
        return self.profile.cloud_platform if self.profile.cloud_role is CloudRole.CUSTOMER else None

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for r in self.rows:
            out[r.status.value] += 1
        return out

    def row(self, item_id: str) -> SoaRow:
        for r in self.rows:
            if r.item_id == item_id:
                return r
        raise KeyError(item_id)


def _general_row_reason(level: int) -> tuple[str, str]:
    c = f"{5 + level}.1"
    return (
        f"安全通用要求：第{level}级的每个定级对象都适用（GB/T 22239-2019 {c}）",
        f"General requirement: applies to every level-{level} object (GB/T 22239-2019 {c})",
    )


def _rule_status(item: Item, profile: SystemProfile, level: int, names: Mapping[str, dict]) -> tuple[Status, str, str]:
    """The status of one item and why, before any user override."""
    pz, pe = _platform_name(profile, "zh"), _platform_name(profile, "en")
    customer = profile.cloud_role is CloudRole.CUSTOMER
    if item.scope == "general":
        rule = next((r for r in HOSTED_INHERITS if r.matches(item)), None) if customer else None
        if rule is None:
            return (Status.APPLICABLE, *_general_row_reason(level))
        if profile.hosted_entirely_on_cloud:
            return Status.INHERITED, rule.reason_zh.format(p=pz), rule.reason_en.format(p=pe)
        zh, en = _general_row_reason(level)
        return (
            Status.APPLICABLE,
            zh + "；系统有部分部署在云平台之外，本单位自己的机房和网络仍在范围内",
            en + "; part of the system runs outside the cloud, so the organisation's own machine room and "
            "network stay in scope",
        )
    c = extension_clause(item.scope, level)
    if item.scope == "cloud":
        if customer:
            if item.inherited_by_customer:
                return (
                    Status.INHERITED,
                    f"云服务商的责任：由云平台{pz}承担，以平台的等级测评结论为依据（GB/T 22239-2019 {c}）",
                    f"The cloud provider's duty: the platform{pe} answers for it, on the strength of its own "
                    f"assessment (GB/T 22239-2019 {c})",
                )
            if item.applies_to == "provider":
                return (
                    Status.NOT_APPLICABLE,
                    f"只对云服务商提出的要求，不适用于云服务客户（GB/T 22239-2019 {c}）",
                    f"A requirement on the cloud provider only; it does not apply to a cloud customer "
                    f"(GB/T 22239-2019 {c})",
                )
            if item.applies_to == "customer":
                return (
                    Status.APPLICABLE,
                    f"云服务客户的责任（GB/T 22239-2019 {c}）",
                    f"The cloud customer's duty (GB/T 22239-2019 {c})",
                )
            return (
                Status.APPLICABLE,
                f"云服务客户与云服务商共同的责任：客户负责其租户范围内的部分（GB/T 22239-2019 {c}）",
                f"Shared by the cloud customer and the provider: the customer answers for its own tenancy "
                f"(GB/T 22239-2019 {c})",
            )
        if item.applies_to == "customer":
            return (
                Status.NOT_APPLICABLE,
                f"只对云服务客户提出的要求，不适用于云服务商（GB/T 22239-2019 {c}）",
                f"A requirement on cloud customers only; it does not apply to the cloud provider (GB/T 22239-2019 {c})",
            )
        return (
            Status.APPLICABLE,
            f"云服务商的责任（GB/T 22239-2019 {c}）",
            f"The cloud provider's duty (GB/T 22239-2019 {c})",
        )
    name = names.get(item.scope, {"zh": item.scope, "en": item.scope})
    return (
        Status.APPLICABLE,
        f"{name['zh']}适用于本系统（GB/T 22239-2019 {c}）",
        f"The {name['en']} applies to this system (GB/T 22239-2019 {c})",
    )


def parse_overrides(raw: Any) -> list[Override]:
    """Overrides from JSON-like data: a list of {item_id, reason, status?}. Raises ValueError naming the entry."""
    if not isinstance(raw, list):
        raise ValueError("overrides must be a list of {item_id, reason, status}")
    out = []
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):
            raise ValueError(f"override {n} must be an object with item_id, reason and status")
        unknown = sorted(set(entry) - {"item_id", "reason", "status"})
        if unknown:
            raise ValueError(f"override {n} has unknown key(s): {', '.join(unknown)}")
        item_id, reason = entry.get("item_id"), entry.get("reason") or ""
        if not isinstance(item_id, str) or not item_id.strip():
            raise ValueError(f"override {n}: 'item_id' is missing")
        word = entry.get("status", Status.NOT_APPLICABLE.value)
        if not isinstance(word, str) or word.strip().lower() not in STATUS_INPUT:
            raise ValueError(f"override {n} ({item_id}): status must be applicable, not_applicable or inherited")
        if not isinstance(reason, str):
            raise ValueError(f"override {n} ({item_id}): 'reason' must be text")
        out.append(Override(item_id.strip(), reason.strip(), STATUS_INPUT[word.strip().lower()]))
    return out


def apply_overrides(statement: Statement, overrides: Iterable[Override]) -> Statement:
    """The statement with the user's judgements on top of the rules. Every override needs a reason; an
    override names an item of this statement, at most once; only a cloud customer's item can be inherited.
    Raises ValueError naming the item; the statement given is never changed. The overrides replace any the
    statement already had."""
    overrides = tuple(overrides)
    base_rows = statement.rule_rows or statement.rows
    by_id: dict[str, Override] = {}
    present = {r.item_id for r in base_rows}
    for o in overrides:
        if o.item_id in by_id:
            raise ValueError(f"override for item {o.item_id}: given twice")
        if o.item_id not in present:
            exts = ", ".join(("general", *statement.applicable_extensions))
            raise ValueError(
                f"override for item {o.item_id}: not an item of this statement (level {statement.level}, {exts})"
            )
        if not o.reason.strip():
            raise ValueError(f"override for item {o.item_id}: a reason is required")
        if not isinstance(o.status, Status):
            raise ValueError(f"override for item {o.item_id}: unknown status {o.status!r}")
        if o.status is Status.INHERITED and statement.profile.cloud_role is not CloudRole.CUSTOMER:
            raise ValueError(f"override for item {o.item_id}: only a cloud customer's items can be inherited")
        by_id[o.item_id] = o
    rows = []
    for base in base_rows:
        o = by_id.get(base.item_id)
        if o is None:
            rows.append(base)
            continue
        was = STATUS_WORDS[base.status]
        rows.append(
            replace(
                base,
                status=o.status,
                reason_zh=f"用户判定{STATUS_WORDS[o.status]['zh']}：{o.reason}（规则判定：{was['zh']}）",
                reason_en=f"Marked {STATUS_WORDS[o.status]['en'].lower()} by the user: {o.reason} "
                f"(rules said: {was['en'].lower()})",
                overridden=True,
                rule_status=base.status,
            )
        )
    return replace(statement, rows=tuple(rows), overrides=overrides, rule_rows=base_rows)


def statement_of_applicability(
    catalogue: Catalogue, level: int, profile: SystemProfile, overrides: Iterable[Override] = ()
) -> Statement:
    """Every item of `level` (general + the extensions that apply) with its status and reason, then the user's
    overrides on top. Raises ValueError on a bad level or override; nothing is changed."""
    _check_level(level)
    if level not in catalogue.levels():
        raise ValueError(f"level {level} has no catalogue; available: {catalogue.levels()}")
    decisions = tuple(decide_extensions(profile, level))
    wanted = [d.extension for d in decisions if d.applies]
    present = set(catalogue.extensions_at(level))
    missing = [e for e in wanted if e not in present]
    if missing:
        raise ValueError(f"the catalogue has no level-{level} items for extension(s): {', '.join(missing)}")
    names = catalogue.taxonomy.scopes
    rows = []
    for item in catalogue.select(level, wanted):
        status, zh, en = _rule_status(item, profile, level, names)
        rows.append(
            SoaRow(
                item_id=item.id,
                extension=item.scope,
                category=item.category,
                control_point_zh=item.control_point_zh,
                control_point_en=item.control_point_en,
                clause=item.clause,
                letter=item.letter,
                tier=item.tier,
                weight=item.weight,
                requirement_zh=item.requirement_zh,
                requirement_en=item.requirement_en,
                status=status,
                reason_zh=zh,
                reason_en=en,
            )
        )
    statement = Statement(
        level=level,
        profile=profile,
        extensions=decisions,
        rows=tuple(rows),
        findings=tuple(platform_findings(profile, level)),
        suggestions=tuple(unreflected_suggestions(profile)),
        catalogue_version=catalogue.version,
        scope_names={code: {"zh": s["zh"], "en": s["en"]} for code, s in names.items()},
    )
    overrides = tuple(overrides)
    return apply_overrides(statement, overrides) if overrides else statement


# ---------------------------------------------------------------- frames and exports

ROW_FIELDS = (
    "item_id",
    "extension",
    "category",
    "control_point_zh",
    "control_point_en",
    "clause",
    "tier",
    "weight",
    "status",
    "reason_zh",
    "reason_en",
    "overridden",
)


def statement_rows(statement: Statement) -> list[dict[str, Any]]:
    """Plain dicts, one per item, in the field order of ROW_FIELDS (the CLI and the frame use them)."""
    return [
        {
            "item_id": r.item_id,
            "extension": r.extension,
            "category": r.category,
            "control_point_zh": r.control_point_zh,
            "control_point_en": r.control_point_en,
            "clause": r.clause,
            "tier": r.tier,
            "weight": r.weight,
            "status": r.status.value,
            "reason_zh": r.reason_zh,
            "reason_en": r.reason_en,
            "overridden": r.overridden,
        }
        for r in statement.rows
    ]


def statement_frame(statement: Statement) -> pd.DataFrame:
    return pd.DataFrame(statement_rows(statement), columns=list(ROW_FIELDS))


def statement_to_dict(statement: Statement) -> dict[str, Any]:
    """Everything in the statement as JSON-ready data (the CLI prints it; the store may keep it)."""
    platform = statement.platform
    return {
        "level": statement.level,
        "catalogue_version": statement.catalogue_version,
        "extensions": [
            {"extension": d.extension, "applies": d.applies, "reason_zh": d.reason_zh, "reason_en": d.reason_en}
            for d in statement.extensions
        ],
        "platform": None
        if platform is None
        else {"name": platform.name, "level": platform.level, "filing_number": platform.filing_number},
        "findings": [
            {
                "code": f.code,
                "risk": f.risk.value if f.risk else None,
                "item_id": f.item_id,
                "message_zh": f.message_zh,
                "message_en": f.message_en,
            }
            for f in statement.findings
        ],
        "suggestions": [suggestion_to_dict(s) for s in statement.suggestions],
        "counts": statement.counts(),
        "rows": statement_rows(statement),
    }
