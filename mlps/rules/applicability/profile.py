"""The description of a system as far as the extensions care (GB/T 22239-2019 Annex A): cloud role and
platform, mobile, sensing devices, industrial control, big data, free text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mlps.rules.levels import ASSESSED_LEVELS, LEVELS, is_level

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
    # conditions some cases of the 2025 high-risk guideline need (mlps.rules.high_risk), recorded once
    business_continuity: bool = False  # 业务连续性要求高: an outage stops the business with a large impact
    key_industry: bool = False  # 关键行业
    internet_facing: bool = False  # managed or reached over the internet
    os_windows: bool = False  # some assessed objects run Windows

    @property
    def uses_mobile(self) -> bool:
        return self.mobile or bool(self.mobile_apps)


HIGH_RISK_FIELDS = ("business_continuity", "key_industry", "internet_facing", "os_windows")
PROFILE_BOOL_FIELDS = (
    "hosted_entirely_on_cloud", "mobile", "sensing_devices", "industrial_control", "big_data", *HIGH_RISK_FIELDS
)  # fmt: skip
PROFILE_FIELDS = ("cloud_role", "cloud_platform", "mobile_apps", "description", *PROFILE_BOOL_FIELDS)
PLATFORM_FIELDS = ("name", "level", "filing_number")


def _check_level(level: Any, what: str = "level", allowed: Sequence[int] = ASSESSED_LEVELS) -> int:
    if not is_level(level, assessed=allowed == ASSESSED_LEVELS):
        extra = " (level 5 has no public requirements)" if allowed == ASSESSED_LEVELS else ""
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
        _check_level(level, "profile field 'cloud_platform.level'", LEVELS)
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
        **{name: getattr(profile, name) for name in HIGH_RISK_FIELDS},
    }
