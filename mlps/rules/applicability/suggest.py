"""Keyword suggestions from a system's free-text description: profile flags suggested, never applied by
themselves."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mlps.rules.applicability.profile import PROFILE_BOOL_FIELDS, CloudPlatform, CloudRole, SystemProfile

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
