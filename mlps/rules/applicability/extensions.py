"""Which extension requirements apply to a system, each with its reason (GB/T 22239-2019 Annex A; scenarios in
Annexes D-H), and the findings about the cloud platform a customer runs on."""

from __future__ import annotations

from dataclasses import dataclass

from mlps.rules.applicability.profile import SCOPE_UNIT, CloudPlatform, CloudRole, SystemProfile, _check_level
from mlps.rules.domain import Risk

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
