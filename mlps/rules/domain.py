"""The words of the domain: results, risks, harm, and the organisation, system and result records.

Plain typed values shared by the core, the store (which maps rows to them) and the shell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Result(StrEnum):
    """An item's result on one assessed object (GB/T 28448-2019 judgement)."""

    CONFORM = "conform"  # 符合
    PARTIAL = "partial"  # 部分符合
    NONCONFORM = "nonconform"  # 不符合
    NA = "na"  # 不适用
    NOT_ASSESSED = "not_assessed"  # 未测评: a coverage gap, never a score


RESULT_SCORE = {Result.CONFORM: 1.0, Result.PARTIAL: 0.5, Result.NONCONFORM: 0.0}

RESULT_WORDS: dict[str, Result] = {
    "conform": Result.CONFORM,
    "conforms": Result.CONFORM,
    "符合": Result.CONFORM,
    "partial": Result.PARTIAL,
    "partly": Result.PARTIAL,
    "部分符合": Result.PARTIAL,
    "nonconform": Result.NONCONFORM,
    "does not": Result.NONCONFORM,
    "不符合": Result.NONCONFORM,
    "na": Result.NA,
    "n/a": Result.NA,
    "不适用": Result.NA,
    "not_assessed": Result.NOT_ASSESSED,
    "未测评": Result.NOT_ASSESSED,
    "": Result.NOT_ASSESSED,
}

RESULT_ZH = {
    Result.CONFORM: "符合",
    Result.PARTIAL: "部分符合",
    Result.NONCONFORM: "不符合",
    Result.NA: "不适用",
    Result.NOT_ASSESSED: "未测评",
}


class Risk(StrEnum):
    HIGH = "high"  # 高
    MEDIUM = "medium"  # 中
    LOW = "low"  # 低


RISK_WORDS: dict[str, Risk] = {
    "high": Risk.HIGH,
    "高": Risk.HIGH,
    "高风险": Risk.HIGH,
    "medium": Risk.MEDIUM,
    "中": Risk.MEDIUM,
    "中风险": Risk.MEDIUM,
    "low": Risk.LOW,
    "低": Risk.LOW,
    "低风险": Risk.LOW,
}
RISK_ZH = {Risk.HIGH: "高", Risk.MEDIUM: "中", Risk.LOW: "低"}


def parse_result(word: str | None) -> Result:
    """A result from the words users and agencies write (English or Chinese). Raises ValueError otherwise."""
    key = (word or "").strip().lower()
    if key not in RESULT_WORDS:
        words = "conform, partial, nonconform, na or 符合, 部分符合, 不符合, 不适用"
        raise ValueError(f"'{word}' is not a result (use {words})")
    return RESULT_WORDS[key]


def parse_risk(word: str | None) -> Risk | None:
    """A risk level from English or Chinese words; empty means none. Raises ValueError otherwise."""
    key = (word or "").strip().lower()
    if not key:
        return None
    if key not in RISK_WORDS:
        raise ValueError(f"'{word}' is not a risk level (use high, medium, low or 高, 中, 低)")
    return RISK_WORDS[key]


class HarmObject(StrEnum):
    """Who is harmed (GB/T 22240-2020 §5.2)."""

    CITIZENS = "citizens"  # 公民、法人和其他组织的合法权益
    SOCIETY = "society"  # 社会秩序、公共利益
    NATION = "nation"  # 国家安全


class HarmDegree(StrEnum):
    """How badly (GB/T 22240-2020 §5.3)."""

    GENERAL = "general"  # 一般损害
    SERIOUS = "serious"  # 严重损害
    ESPECIALLY_SERIOUS = "especially_serious"  # 特别严重损害


class AssessmentKind(StrEnum):
    SELF = "self"  # 自查 / self-assessment
    AGENCY = "agency"  # 等级测评 by an accredited agency


@dataclass
class Organisation:
    """The filing unit (备案单位): the unit table of the filing form."""

    name: str
    id: int | None = None
    credit_code: str = ""  # 统一社会信用代码
    address: str = ""  # the street address (the form's address is province / city / county / street)
    region_code: str = ""  # 行政区划代码
    head_name: str = ""  # 单位负责人
    head_title: str = ""
    head_phone: str = ""  # office phone
    security_department: str = ""  # 网络安全责任部门
    security_contact: str = ""
    security_phone: str = ""  # office phone
    security_email: str = ""
    data_department: str = ""  # 数据安全责任部门
    data_contact: str = ""
    data_phone: str = ""  # office phone
    affiliation: str = ""  # 隶属关系 (a code of mlps/controls/filing_codes.yaml)
    unit_type: str = ""  # 单位类型 (code)
    industry: str = ""  # 行业类别 (code)
    province: str = ""  # the 2025 form's address parts and the fields below (migration 0008_filing2025)
    city: str = ""
    county: str = ""
    postal_code: str = ""  # 邮政编码
    head_email: str = ""
    security_title: str = ""
    security_mobile: str = ""
    data_title: str = ""
    data_mobile: str = ""
    data_email: str = ""


@dataclass
class System:
    """A graded object (定级对象)."""

    name: str
    organisation_id: int | None = None
    id: int | None = None
    code: str = ""  # the unit's own reference
    object_type: str = "information_system"  # information_system | infrastructure | data_resource
    description: str = ""
    owner: str = ""  # the responsible department or person
    business_type: str = ""
    business_description: str = ""
    data_description: str = ""
    service_scope: str = ""
    service_users: str = ""
    deployment: str = ""
    internet_facing: bool = False
    internet_details: str = ""
    go_live: date | None = None
    parent_system: str = ""
    extensions: tuple[str, ...] = ()
    level: int | None = None  # the current final level, once graded


@dataclass
class ItemResult:
    """What was found for one item on one assessed object."""

    item_id: str
    result: Result = Result.NOT_ASSESSED
    assessed_object: str = ""  # e.g. "web server 1"; empty when the item is judged once for the system
    record: str = ""  # 结果记录: what was seen
    methods: tuple[str, ...] = ()
    evidence_date: date | None = None
    risk: Risk | None = None
    risk_reason: str = ""
    updated_by: str = ""
    updated_at: datetime | None = None
    version: int = 0
    needs_review: bool = False
    id: int | None = None
    attachments: list[str] = field(default_factory=list)  # sha256 of attached files


@dataclass
class Judgement:
    """One of the two grading judgements: which object is harmed and how badly (GB/T 22240-2020 §6)."""

    harm_object: HarmObject
    degree: HarmDegree
    description: str = ""  # what was judged, in the user's words


@dataclass
class GradingRecord:
    """A grading of a system and its filing lifecycle. A re-grading makes a new record; old ones are kept."""

    system_id: int | None
    business: Judgement  # 业务信息安全
    service: Judgement  # 系统服务安全
    business_level: int
    service_level: int
    level: int  # the final level: the higher of the two
    rationale_zh: str = ""
    rationale_en: str = ""
    override_reason: str = ""  # when the user chose other than the wizard's suggestion
    graded_on: date | None = None
    graded_by: str = ""
    expert_review_on: date | None = None  # required for level >= 2
    expert_opinion: str = ""
    authority_name: str = ""  # competent authority (主管部门), where there is one
    authority_approved_on: date | None = None
    filed_on: date | None = None  # filed with the public security bureau
    filing_office: str = ""
    filing_number: str = ""  # 备案证明编号
    id: int | None = None
    created_at: datetime | None = None


@dataclass
class Assessment:
    """One round of assessing a system against the catalogue of its level and extensions (a stored record)."""

    id: int
    system_id: int
    level: int
    extensions: tuple[str, ...]
    catalogue_version: str
    kind: str
    status: str
    started_on: date | None
    completed_on: date | None
    title: str
    baseline_of: int | None
    created_by: str
    created_at: datetime
    report_date: date | None = None  # the report's date: on or after 2025-03-20 the 2025 rules apply
    scoring_method: str | None = None  # a method chosen by hand; None = the one the report date gets
