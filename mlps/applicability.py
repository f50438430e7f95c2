"""What applies to a system: its extensions, what a cloud customer inherits, and the statement of applicability.

A system is described by a `SystemProfile` (cloud role and platform, mobile, sensing devices, industrial
control, big data, free text). From it:

- `decide_extensions` says which extension requirements apply, each with its reason in Chinese and English
  (GB/T 22239-2019 Annex A: the general requirements always apply; an extension applies where the system uses
  that technology; the application scenarios are Annexes D-H; big data is Annex H, which is informative);
- `statement_of_applicability` lists every item of the level (general + applying extensions) as applicable,
  not applicable or inherited, with the reason; a cloud customer inherits what the provider answers for;
- `platform_findings` flags a cloud platform whose level is below the system's (a known high-risk case);
- `suggest_flags` reads the free text for keywords and suggests profile flags (suggestions only);
- `statement_frame` and `statement_xlsx` give the statement as a pandas frame and as an Excel file.

Everything is pure: no files, no streamlit. Texts the user sees exist in both languages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import pandas as pd

from mlps.catalogue import Catalogue, Item
from mlps.domain import Risk

LEVELS = (1, 2, 3, 4)  # levels with public requirements (level 5 has none)
EXTENSIONS = ("cloud", "mobile", "iot", "ics", "bigdata")
SCOPE_UNIT = {"cloud": 2, "mobile": 3, "iot": 4, "ics": 5}  # x.2 … x.5 of each level's chapter


class CloudRole(StrEnum):
    NONE = "none"  # no cloud platform involved
    PROVIDER = "provider"  # the system is a cloud platform (云服务商)
    CUSTOMER = "customer"  # the system runs on someone's cloud platform (云服务客户)


CLOUD_ROLE_WORDS: dict[str, CloudRole] = {
    "": CloudRole.NONE,
    "none": CloudRole.NONE,
    "无": CloudRole.NONE,
    "provider": CloudRole.PROVIDER,
    "云服务商": CloudRole.PROVIDER,
    "customer": CloudRole.CUSTOMER,
    "tenant": CloudRole.CUSTOMER,
    "云服务客户": CloudRole.CUSTOMER,
    "云租户": CloudRole.CUSTOMER,
}


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


# ---------------------------------------------------------------- the description of a system


@dataclass(frozen=True)
class CloudPlatform:
    """The cloud platform a customer's system runs on, recorded once per system (filing form, cloud table)."""

    name: str = ""
    level: int | None = None  # the platform's own protection level, from its filing certificate
    filing_number: str = ""  # the platform's filing certificate number (备案证明编号)


@dataclass(frozen=True)
class SystemProfile:
    """What a system is built from, as far as the extensions care (GB/T 22239-2019 Annex A)."""

    cloud_role: CloudRole = CloudRole.NONE
    cloud_platform: CloudPlatform | None = None
    hosted_entirely_on_cloud: bool = True  # customers only: no machine room or own network of the system's own
    mobile: bool = False  # mobile terminals (phones, tablets) or mobile apps / mini-programs are used
    mobile_apps: tuple[str, ...] = ()  # names of the system's apps or mini-programs (filing form), if any
    sensing_devices: bool = False  # sensors, RFID, door-access readers, other IoT sensing nodes
    industrial_control: bool = False  # PLC, DCS, SCADA, other industrial control
    big_data: bool = False  # big-data storage, processing or analysis (platform or application)
    description: str = ""  # free text in the user's words; keywords only ever give suggestions

    @property
    def uses_mobile(self) -> bool:
        return self.mobile or bool(self.mobile_apps)


PROFILE_BOOL_FIELDS = ("hosted_entirely_on_cloud", "mobile", "sensing_devices", "industrial_control", "big_data")
PROFILE_FIELDS = ("cloud_role", "cloud_platform", "mobile_apps", "description", *PROFILE_BOOL_FIELDS)
PLATFORM_FIELDS = ("name", "level", "filing_number")


def _check_level(level: Any, what: str = "level", allowed: Sequence[int] = LEVELS) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or level not in allowed:
        extra = " (level 5 has no public requirements)" if allowed == LEVELS else ""
        raise ValueError(f"{what} must be one of {', '.join(map(str, allowed))}{extra}, got {level!r}")
    return level


def _platform_from_dict(raw: Any) -> CloudPlatform | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError("profile field 'cloud_platform' must be an object with name, level, filing_number")
    unknown = sorted(set(raw) - set(PLATFORM_FIELDS))
    if unknown:
        raise ValueError(f"profile field 'cloud_platform' has unknown key(s): {', '.join(unknown)}")
    name = raw.get("name") or ""
    number = raw.get("filing_number") or ""
    if not isinstance(name, str) or not isinstance(number, str):
        raise ValueError("profile fields 'cloud_platform.name' and 'cloud_platform.filing_number' must be text")
    level = raw.get("level")
    if level is not None:
        _check_level(level, "profile field 'cloud_platform.level'", (1, 2, 3, 4, 5))
    return CloudPlatform(name=name.strip(), level=level, filing_number=number.strip())


def profile_from_dict(raw: Any) -> SystemProfile:
    """A profile from JSON-like data (the CLI, the store). Raises ValueError naming the field on bad input."""
    if not isinstance(raw, Mapping):
        raise ValueError("the profile must be a JSON object")
    unknown = sorted(set(raw) - set(PROFILE_FIELDS))
    if unknown:
        raise ValueError(f"profile has unknown field(s): {', '.join(unknown)}; known: {', '.join(PROFILE_FIELDS)}")
    role_word = raw.get("cloud_role") or ""
    if not isinstance(role_word, str) or role_word.strip().lower() not in CLOUD_ROLE_WORDS:
        raise ValueError(f"profile field 'cloud_role' must be none, provider or customer, got {role_word!r}")
    role = CLOUD_ROLE_WORDS[role_word.strip().lower()]
    flags: dict[str, bool] = {}
    for name in PROFILE_BOOL_FIELDS:
        value = raw.get(name, SystemProfile.__dataclass_fields__[name].default)
        if not isinstance(value, bool):
            raise ValueError(f"profile field '{name}' must be true or false, got {value!r}")
        flags[name] = value
    apps = raw.get("mobile_apps") or []
    if not isinstance(apps, list) or not all(isinstance(a, str) for a in apps):
        raise ValueError("profile field 'mobile_apps' must be a list of app names")
    description = raw.get("description") or ""
    if not isinstance(description, str):
        raise ValueError("profile field 'description' must be text")
    platform = _platform_from_dict(raw.get("cloud_platform"))
    if platform is not None and role is CloudRole.NONE:
        raise ValueError("profile field 'cloud_platform' is given but 'cloud_role' is none (say provider or customer)")
    return SystemProfile(
        cloud_role=role,
        cloud_platform=platform,
        mobile_apps=tuple(a.strip() for a in apps if a.strip()),
        description=description.strip(),
        **flags,
    )


def profile_to_dict(profile: SystemProfile) -> dict[str, Any]:
    """The inverse of `profile_from_dict`: plain JSON-ready data."""
    platform = profile.cloud_platform
    return {
        "cloud_role": profile.cloud_role.value,
        "cloud_platform": None
        if platform is None
        else {"name": platform.name, "level": platform.level, "filing_number": platform.filing_number},
        "hosted_entirely_on_cloud": profile.hosted_entirely_on_cloud,
        "mobile": profile.mobile,
        "mobile_apps": list(profile.mobile_apps),
        "sensing_devices": profile.sensing_devices,
        "industrial_control": profile.industrial_control,
        "big_data": profile.big_data,
        "description": profile.description,
    }


# ---------------------------------------------------------------- which extensions apply


@dataclass(frozen=True)
class ExtensionDecision:
    extension: str  # scope code: cloud, mobile, iot, ics, bigdata
    applies: bool
    reason_zh: str
    reason_en: str

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


def extension_clause(extension: str, level: int) -> str:
    """Where the extension sits in GB/T 22239-2019: chapter 5+level, section x.2-x.5; big data in Annex H."""
    if extension == "bigdata":
        return "附录H / Annex H"
    return f"{5 + level}.{SCOPE_UNIT[extension]}"


def _platform_name(profile: SystemProfile, lang: str) -> str:
    """The platform's name to put after 云平台/云服务商 or 'the cloud platform': 「X」 / " ('X')", or nothing."""
    name = profile.cloud_platform.name if profile.cloud_platform else ""
    if not name:
        return ""
    return f"「{name}」" if lang == "zh" else f" ('{name}')"


def decide_extensions(profile: SystemProfile, level: int) -> list[ExtensionDecision]:
    """One decision per extension (cloud, mobile, iot, ics, bigdata), with its reason in both languages.

    GB/T 22239-2019 Annex A: the general requirements apply to every object; an extension applies when the
    object uses the technology (cloud x.2 / Annex D, mobile x.3 / Annex E, IoT x.4 / Annex F, industrial
    control x.5 / Annex G); big data follows Annex H, an informative annex the workbench applies by the
    same logic."""
    _check_level(level)
    out: list[ExtensionDecision] = []
    c = extension_clause("cloud", level)
    if profile.cloud_role is CloudRole.CUSTOMER:
        pz, pe = _platform_name(profile, "zh"), _platform_name(profile, "en")
        out.append(
            ExtensionDecision(
                "cloud",
                True,
                f"系统作为云服务客户部署在云平台{pz}上：适用云计算扩展要求中客户一侧的要求，云服务商负责的要求"
                f"由平台承担（GB/T 22239-2019 {c}，附录D）",
                f"The system runs on the cloud platform{pe} as a cloud customer: the customer's side of the cloud "
                f"extension applies, and what the provider answers for is inherited from the platform "
                f"(GB/T 22239-2019 {c}, Annex D)",
            )
        )
    elif profile.cloud_role is CloudRole.PROVIDER:
        out.append(
            ExtensionDecision(
                "cloud",
                True,
                f"系统本身是云计算平台（云服务商）：适用云计算扩展要求中云服务商一侧的全部要求（GB/T 22239-2019 {c}）",
                f"The system is itself a cloud computing platform (cloud provider): every provider-side requirement "
                f"of the cloud extension applies (GB/T 22239-2019 {c})",
            )
        )
    else:
        out.append(
            ExtensionDecision(
                "cloud",
                False,
                "未描述使用云计算平台（既非云服务商也非云服务客户），云计算扩展要求不适用",
                "No cloud platform is described (neither provider nor customer): the cloud extension does not apply",
            )
        )
    c = extension_clause("mobile", level)
    if profile.uses_mobile:
        if profile.mobile_apps:
            zh = "系统通过移动应用" + "、".join(f"「{a}」" for a in profile.mobile_apps) + "提供服务"
            en = "The system serves users through mobile apps (" + ", ".join(f"'{a}'" for a in profile.mobile_apps)
            en += ")"
        else:
            zh, en = "系统的业务使用移动终端或移动应用", "The system's business uses mobile terminals or mobile apps"
        out.append(
            ExtensionDecision(
                "mobile",
                True,
                f"{zh}：适用移动互联扩展要求（GB/T 22239-2019 {c}，附录E）",
                f"{en}: the mobile internet extension applies (GB/T 22239-2019 {c}, Annex E)",
            )
        )
    else:
        out.append(
            ExtensionDecision(
                "mobile",
                False,
                "未描述移动终端或移动应用（APP、小程序），移动互联扩展要求不适用",
                "No mobile terminals or mobile apps (apps, mini-programs) are described: the mobile extension "
                "does not apply",
            )
        )
    c = extension_clause("iot", level)
    out.append(
        ExtensionDecision(
            "iot",
            True,
            f"系统包含感知节点设备（传感器、RFID、门禁读卡器等）：适用物联网扩展要求（GB/T 22239-2019 {c}，附录F）",
            f"The system includes sensing devices (sensors, RFID, door-access readers and the like): the IoT "
            f"extension applies (GB/T 22239-2019 {c}, Annex F)",
        )
        if profile.sensing_devices
        else ExtensionDecision(
            "iot",
            False,
            "未描述感知节点设备，物联网扩展要求不适用",
            "No sensing devices are described: the IoT extension does not apply",
        )
    )
    c = extension_clause("ics", level)
    out.append(
        ExtensionDecision(
            "ics",
            True,
            f"系统包含工业控制系统（PLC、DCS、SCADA 等）：适用工业控制系统扩展要求（GB/T 22239-2019 {c}，附录G）",
            f"The system includes industrial control (PLC, DCS, SCADA and the like): the industrial control "
            f"extension applies (GB/T 22239-2019 {c}, Annex G)",
        )
        if profile.industrial_control
        else ExtensionDecision(
            "ics",
            False,
            "未描述工业控制系统，工业控制系统扩展要求不适用",
            "No industrial control is described: the industrial control extension does not apply",
        )
    )
    out.append(
        ExtensionDecision(
            "bigdata",
            True,
            "系统存储、处理或分析大数据：参照 GB/T 22239-2019 附录H（资料性附录）适用大数据安全扩展要求",
            "The system stores, processes or analyses big data: the big-data requirements apply, following "
            "GB/T 22239-2019 Annex H (an informative annex)",
        )
        if profile.big_data
        else ExtensionDecision(
            "bigdata",
            False,
            "未描述大数据处理，大数据扩展要求不适用",
            "No big-data processing is described: the big-data requirements do not apply",
        )
    )
    return out


def applicable_extensions(profile: SystemProfile, level: int) -> tuple[str, ...]:
    """The scope codes of the extensions that apply, in catalogue order (for `System.extensions`)."""
    return tuple(d.extension for d in decide_extensions(profile, level) if d.applies)


# ---------------------------------------------------------------- the cloud platform


@dataclass(frozen=True)
class Finding:
    """Something about the description the user must act on; `risk` is set for known risk cases."""

    code: str  # platform_level_lower | platform_name_missing | platform_level_missing | platform_filing_missing
    message_zh: str
    message_en: str
    risk: Risk | None = None
    item_id: str = ""  # the item the finding is about, where there is one

    def message(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en


def platform_findings(profile: SystemProfile, level: int) -> list[Finding]:
    """Checks on the platform record of a cloud customer.

    A platform graded lower than a system it hosts breaks the cloud extension's network-architecture item a)
    (GB/T 22239-2019 x.2, item L{level}-CNS2-01: the platform's level is at least that of every system it
    carries); the high-risk guide (T/ISEAA 001-2020 [R]) treats it as a high risk."""
    _check_level(level)
    if profile.cloud_role is not CloudRole.CUSTOMER:
        return []
    platform = profile.cloud_platform or CloudPlatform()
    item_id = f"L{level}-CNS2-01"
    out: list[Finding] = []
    if not platform.name:
        out.append(
            Finding(
                "platform_name_missing",
                "云服务客户须记录所用云平台的名称",
                "A cloud customer must record the name of the cloud platform it runs on",
            )
        )
    if platform.level is None:
        out.append(
            Finding(
                "platform_level_missing",
                "未记录云平台的保护等级：请向云服务商索取平台的备案证明和测评结论，否则无法核对平台等级不低于本系统",
                "The cloud platform's protection level is not recorded: ask the provider for the platform's filing "
                "certificate and assessment result; without it nobody can check that the platform's level is at "
                "least the system's",
                item_id=item_id,
            )
        )
    elif platform.level < level:
        name_zh = f"「{platform.name}」" if platform.name else ""
        name_en = f" '{platform.name}'" if platform.name else ""
        out.append(
            Finding(
                "platform_level_lower",
                f"云平台{name_zh}的保护等级（第{platform.level}级）低于本系统（第{level}级）：承载系统的云平台等级"
                f"不得低于系统等级（GB/T 22239-2019 云计算扩展 网络架构 a），等级测评中按高风险判定",
                f"The cloud platform{name_en} is graded level {platform.level}, below the system's level {level}: "
                f"a platform must be graded at least as high as every system it hosts (GB/T 22239-2019 cloud "
                f"extension, network architecture a); assessments treat this as a high risk",
                risk=Risk.HIGH,
                item_id=item_id,
            )
        )
    if not platform.filing_number:
        out.append(
            Finding(
                "platform_filing_missing",
                "未记录云平台的备案证明编号（备案表云计算场景需要填写）",
                "The cloud platform's filing certificate number is not recorded (the filing form's cloud table "
                "asks for it)",
            )
        )
    return out


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


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet could read as a formula gets a leading apostrophe (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


XLSX_HEADERS = {
    "zh": ("编号", "适用范围", "安全类", "控制点", "条款", "测评项要求", "重要程度", "适用性", "理由", "用户调整"),
    "en": (
        "ID",
        "Scope",
        "Category",
        "Control point",
        "Clause",
        "Requirement",
        "Importance",
        "Applicability",
        "Reason",
        "Changed by user",
    ),
}
XLSX_SHEETS = {"zh": ("适用性声明", "概要"), "en": ("Statement of applicability", "Summary")}
TIER_WORDS = {
    "key": {"zh": "关键", "en": "Key"},
    "important": {"zh": "重要", "en": "Important"},
    "general": {"zh": "一般", "en": "General"},
}


def statement_xlsx(statement: Statement, lang: str = "zh") -> bytes:
    """The statement as an Excel workbook: one sheet of items, one summary sheet; headers in `lang` (zh, en).
    Text a spreadsheet could run as a formula is escaped (`safe_cell`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    if lang not in XLSX_HEADERS:
        raise ValueError(f"lang must be zh or en, got {lang!r}")
    names = statement.scope_names
    yes_no = {"zh": ("是", ""), "en": ("yes", "")}[lang]
    wb = Workbook()
    ws = wb.active
    ws.title = XLSX_SHEETS[lang][0]
    ws.append(list(XLSX_HEADERS[lang]))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in statement.rows:
        scope = names.get(r.extension, {}).get(lang, r.extension)
        ws.append(
            [
                safe_cell(v)
                for v in (
                    r.item_id,
                    scope,
                    r.category,
                    r.control_point_zh if lang == "zh" else r.control_point_en,
                    r.clause,
                    r.requirement_zh if lang == "zh" else r.requirement_en,
                    TIER_WORDS.get(r.tier, {}).get(lang, r.tier),
                    STATUS_WORDS[r.status][lang],
                    r.reason(lang),
                    yes_no[0] if r.overridden else yes_no[1],
                )
            ]
        )
    for col, width in zip("ABCDEFGHIJ", (14, 14, 8, 18, 14, 60, 9, 14, 60, 10), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in (row[5], row[8]):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    _summary_sheet(wb.create_sheet(XLSX_SHEETS[lang][1]), statement, lang, names)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _summary_sheet(ws: Any, statement: Statement, lang: str, names: Mapping[str, Mapping[str, str]]) -> None:
    zh = lang == "zh"
    ws.append(["保护等级" if zh else "Protection level", statement.level])
    ws.append(["目录版本" if zh else "Catalogue version", statement.catalogue_version])
    ws.append([])
    ws.append(["扩展要求" if zh else "Extension", "是否适用" if zh else "Applies", "理由" if zh else "Reason"])
    for d in statement.extensions:
        applies = ("适用" if d.applies else "不适用") if zh else ("yes" if d.applies else "no")
        ws.append([safe_cell(names.get(d.extension, {}).get(lang, d.extension)), applies, safe_cell(d.reason(lang))])
    platform = statement.platform
    if platform is not None:
        ws.append([])
        ws.append(["云平台名称" if zh else "Cloud platform", safe_cell(platform.name)])
        ws.append(["云平台保护等级" if zh else "Platform level", platform.level])
        ws.append(["云平台备案证明编号" if zh else "Platform filing number", safe_cell(platform.filing_number)])
    if statement.findings:
        ws.append([])
        ws.append(["提示" if zh else "Findings", "风险" if zh else "Risk"])
        risk_words = {Risk.HIGH: ("高", "high"), Risk.MEDIUM: ("中", "medium"), Risk.LOW: ("低", "low")}
        for f in statement.findings:
            risk = risk_words[f.risk][0 if zh else 1] if f.risk else ""
            ws.append([safe_cell(f.message(lang)), risk])
    ws.append([])
    ws.append(["统计" if zh else "Counts"])
    for status, n in statement.counts().items():
        ws.append([STATUS_WORDS[Status(status)][lang], n])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["C"].width = 80


# ---------------------------------------------------------------- keyword suggestions from free text


@dataclass(frozen=True)
class FlagSuggestion:
    """A guess from keywords in the description. Never applied by itself: the user confirms it."""

    flag: str  # a SystemProfile field: cloud_role, cloud_platform.name, mobile, sensing_devices, …
    value: Any
    keywords: tuple[str, ...]  # the words found, as written in the text
    excerpt: str  # the text around the first of them
    reason_zh: str
    reason_en: str
    suggestion: bool = True  # always: these are suggestions, not facts

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


def _latin(word: str) -> str:
    """A Latin keyword that must not be part of a longer Latin word (APP is not 'application')."""
    return rf"(?<![A-Za-z]){word}(?![A-Za-z])"


# Brand names of public and government clouds: (pattern, platform name to suggest).
CLOUD_BRANDS: tuple[tuple[str, str], ...] = (
    ("阿里云", "阿里云"),
    (_latin("aliyun"), "阿里云"),
    (_latin("alibaba cloud"), "阿里云"),
    ("腾讯云", "腾讯云"),
    (_latin("tencent cloud"), "腾讯云"),
    ("华为云", "华为云"),
    (_latin("huawei cloud"), "华为云"),
    ("天翼云", "天翼云"),
    ("移动云", "移动云"),
    ("联通云", "联通云"),
    ("百度智能云", "百度智能云"),
    ("京东云", "京东云"),
    ("金山云", "金山云"),
    (_latin("aws"), "AWS"),
    (_latin("azure"), "Azure"),
)

# (flag, value, patterns, reason_zh, reason_en). 云 alone is not a keyword: it is part of place names
# (云南, 密云, 白云区); it counts in the compounds below.
KEYWORDS: tuple[tuple[str, Any, tuple[str, ...], str, str], ...] = (
    (
        "cloud_role",
        CloudRole.PROVIDER.value,
        (
            "运营云平台",
            "云平台运营",
            "提供云服务",
            "云服务提供商",
            _latin("cloud service provider"),
            _latin("operates? a cloud"),
            _latin("provides? cloud services"),
        ),
        "描述中提到运营云平台或对外提供云服务：系统可能是云服务商",
        "The description mentions operating a cloud or providing cloud services: the system may be a cloud provider",
    ),
    (
        "cloud_role",
        CloudRole.CUSTOMER.value,
        (
            *(p for p, _ in CLOUD_BRANDS),
            r"(?:政务|教育|公有|私有|混合|专有|行业|医疗|金融)云",
            r"云(?:上|端|平台|服务器|主机|服务|计算|存储|数据库|资源)",
            "上云",
            _latin("cloud"),
            _latin("ECS"),
            _latin("EC2"),
            _latin("VPC"),
            _latin("IaaS"),
            _latin("PaaS"),
            _latin("SaaS"),
        ),
        "描述中提到云平台：系统可能作为云服务客户部署在云上",
        "The description mentions a cloud platform: the system may run on a cloud as a cloud customer",
    ),
    (
        "mobile",
        True,
        (
            _latin("apps?"),
            "小程序",
            r"(?<!中国)移动(?!云|专线|宽带|硬盘|存储|介质|公司)",
            "手机",
            "平板",
            "安卓",
            _latin("android"),
            _latin("ios"),
            "鸿蒙",
            _latin("mobile"),
            _latin("mini[- ]programs?"),
            _latin("tablets?"),
            _latin("smartphones?"),
        ),
        "描述中提到移动应用、小程序或移动终端：可能适用移动互联扩展要求",
        "The description mentions mobile apps, mini-programs or mobile terminals: the mobile extension may apply",
    ),
    (
        "sensing_devices",
        True,
        (
            "物联网",
            "传感",
            "门禁",
            "闸机",
            "感知",
            "读卡器",
            "智能电表",
            _latin("RFID"),
            _latin("NB-IoT"),
            _latin("LoRa"),
            _latin("ZigBee"),
            _latin("IoT"),
            _latin("sensors?"),
            _latin("internet of things"),
            _latin("door access"),
            _latin("card readers?"),
            _latin("turnstiles?"),
        ),
        "描述中提到传感器、门禁等感知设备：可能适用物联网扩展要求",
        "The description mentions sensors, door-access readers or other sensing devices: the IoT extension may apply",
    ),
    (
        "industrial_control",
        True,
        (
            "工控",
            "工业控制",
            "组态",
            "上位机",
            "下位机",
            _latin("PLCs?"),
            _latin("SCADA"),
            _latin("DCS"),
            _latin("HMI"),
            _latin("RTU"),
            _latin("Modbus"),
            _latin("OPC(?: UA)?"),
            _latin("PROFINET"),
            _latin("industrial control"),
            _latin("ICS"),
        ),
        "描述中提到 PLC、SCADA 等工业控制设备：可能适用工业控制系统扩展要求",
        "The description mentions PLC, SCADA or other industrial control: the industrial control extension may apply",
    ),
    (
        "big_data",
        True,
        (
            "大数据",
            "数据湖",
            "数据中台",
            _latin("big data"),
            _latin("Hadoop"),
            _latin("HDFS"),
            _latin("Hive"),
            _latin("HBase"),
            _latin("Spark"),
            _latin("Flink"),
            _latin("MaxCompute"),
            _latin("data lake"),
        ),
        "描述中提到大数据平台或技术（Hadoop、Spark 等）：可能适用大数据扩展要求",
        "The description mentions big data or its platforms (Hadoop, Spark …): the big-data requirements may apply",
    ),
)

# A keyword just after a negation ("不使用云平台", "no mobile app") is not evidence; 无线 (wireless) is no negation.
NEGATION = re.compile(r"(?:不|未|没有|无(?!线)|并非|\bno\b|\bnot\b|\bwithout\b|\bnon-)", re.IGNORECASE)
NEGATION_WINDOW = {"cjk": 8, "latin": 16}  # characters before the keyword, back to the last punctuation mark
CLAUSE_BREAK = re.compile(r"[，。；：、,.;:!?！？\n]")


def _negated(text: str, start: int) -> bool:
    window = NEGATION_WINDOW["latin" if text[start].isascii() else "cjk"]
    before = text[max(0, start - window) : start]
    before = CLAUSE_BREAK.split(before)[-1]
    return bool(NEGATION.search(before))


def _find(text: str, patterns: Sequence[str]) -> list[re.Match[str]]:
    found = []
    for p in patterns:
        found.extend(m for m in re.finditer(p, text, re.IGNORECASE) if not _negated(text, m.start()))
    return sorted(found, key=lambda m: m.start())


def suggest_flags(text: str) -> list[FlagSuggestion]:
    """Profile flags the text hints at, from Chinese and English keywords. Suggestions only: a keyword after a
    negation is ignored, a provider is not also suggested as a customer, and the user confirms each suggestion
    before it changes a profile."""
    text = text or ""
    out: list[FlagSuggestion] = []
    for flag, value, patterns, zh, en in KEYWORDS:
        found = _find(text, patterns)
        if not found:
            continue
        words = tuple(dict.fromkeys(m.group(0) for m in found))
        first = found[0]
        excerpt = text[max(0, first.start() - 12) : first.end() + 12].strip()
        out.append(FlagSuggestion(flag, value, words, excerpt, zh, en))
    if any(s.flag == "cloud_role" and s.value == CloudRole.PROVIDER.value for s in out):
        # a provider's description talks about clouds too: it does not make it a customer as well
        out = [s for s in out if not (s.flag == "cloud_role" and s.value == CloudRole.CUSTOMER.value)]
    brands = []
    for pattern, name in CLOUD_BRANDS:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if not _negated(text, m.start()):
                brands.append((m.start(), name, m))
                break
    if brands:
        brands.sort(key=lambda b: b[0])
        _, name, m = brands[0]
        excerpt = text[max(0, m.start() - 12) : m.end() + 12].strip()
        out.append(
            FlagSuggestion(
                "cloud_platform.name",
                name,
                tuple(dict.fromkeys(b[2].group(0) for b in brands)),
                excerpt,
                f"描述中提到云平台「{name}」：可能是所用云平台的名称",
                f"The description names the cloud '{name}': it may be the platform's name",
            )
        )
    return out


def suggestion_to_dict(s: FlagSuggestion) -> dict[str, Any]:
    return {
        "flag": s.flag,
        "value": s.value,
        "keywords": list(s.keywords),
        "excerpt": s.excerpt,
        "reason_zh": s.reason_zh,
        "reason_en": s.reason_en,
        "suggestion": True,
    }


def _reflected(profile: SystemProfile, s: FlagSuggestion) -> bool:
    if s.flag == "cloud_role":
        return profile.cloud_role is not CloudRole.NONE
    if s.flag == "cloud_platform.name":
        return bool(profile.cloud_platform and profile.cloud_platform.name) or profile.cloud_role is CloudRole.PROVIDER
    if s.flag == "mobile":
        return profile.uses_mobile
    return bool(getattr(profile, s.flag))


def unreflected_suggestions(profile: SystemProfile) -> list[FlagSuggestion]:
    """Suggestions from the profile's own description that its flags do not already say."""
    return [s for s in suggest_flags(profile.description) if not _reflected(profile, s)]


def apply_suggestions(profile: SystemProfile, suggestions: Iterable[FlagSuggestion]) -> SystemProfile:
    """The profile with the suggestions the user confirmed set. When both cloud roles are suggested, provider
    wins (a provider's description mentions the cloud it runs as well). Flags already set stay set."""
    suggestions = tuple(suggestions)
    changes: dict[str, Any] = {}
    roles = {s.value for s in suggestions if s.flag == "cloud_role"}
    if profile.cloud_role is CloudRole.NONE and roles:
        changes["cloud_role"] = CloudRole.PROVIDER if CloudRole.PROVIDER.value in roles else CloudRole.CUSTOMER
    for s in suggestions:
        if s.flag in PROFILE_BOOL_FIELDS and s.value is True:
            changes[s.flag] = True
        elif s.flag == "cloud_platform.name" and changes.get("cloud_role", profile.cloud_role) is CloudRole.CUSTOMER:
            platform = profile.cloud_platform or CloudPlatform()
            if not platform.name:
                changes["cloud_platform"] = replace(platform, name=str(s.value))
    return replace(profile, **changes)


__all__ = [
    "CloudPlatform",
    "CloudRole",
    "ExtensionDecision",
    "FlagSuggestion",
    "Finding",
    "HOSTED_INHERITS",
    "Override",
    "SoaRow",
    "Statement",
    "Status",
    "SystemProfile",
    "applicable_extensions",
    "apply_overrides",
    "apply_suggestions",
    "decide_extensions",
    "parse_overrides",
    "platform_findings",
    "profile_from_dict",
    "profile_to_dict",
    "ROW_FIELDS",
    "extension_clause",
    "safe_cell",
    "suggestion_to_dict",
    "statement_frame",
    "statement_of_applicability",
    "statement_rows",
    "statement_to_dict",
    "statement_xlsx",
    "suggest_flags",
    "unreflected_suggestions",
]
