"""Obligation settings from controls/obligations.yaml (deadlines, cadences, penalties, citations), validated,
and the penalty in force on a date."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from mlps.rules.levels import Level
from mlps.rules.obligations.filing2025 import Filing2025Settings
from mlps.rules.rulefiles import RuleModel, load, validate

SETTINGS_FILE = "obligations.yaml"

KINDS = (
    "grading",
    "expert_review",
    "authority_approval",
    "filing",
    "agency_assessment",
    "self_inspection",
    "regrading",
    "log_retention",
    "refiling",
    "certificate",
    "protection_plan",
)
FILING_2025_KINDS = ("refiling", "certificate", "protection_plan")  # from the `filing_2025` section


class Status(StrEnum):
    DONE = "done"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    NOT_APPLICABLE = "not_applicable"


STATUS_NAMES: dict[Status, dict[str, str]] = {
    Status.DONE: {"zh": "已完成", "en": "done"},
    Status.DUE_SOON: {"zh": "即将到期", "en": "due soon"},
    Status.OVERDUE: {"zh": "已逾期", "en": "overdue"},
    Status.UPCOMING: {"zh": "待办", "en": "upcoming"},
    Status.NOT_APPLICABLE: {"zh": "不适用", "en": "not applicable"},
}


class Severity(StrEnum):
    RED = "red"  # legal exposure: a level >= 2 system not graded, not filed or not assessed in time
    AMBER = "amber"  # another obligation overdue
    GREEN = "green"


# ---------------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class PenaltyTier:
    id: str
    text_zh: str
    text_en: str
    mark: str
    unit_min: int | None = None
    unit_max: int | None = None
    person_min: int | None = None
    person_max: int | None = None
    unit_max_cii: int | None = None


@dataclass(frozen=True)
class Penalty:
    """The penalty provision in force on a date."""

    id: str
    effective_from: date
    effective_until: date | None
    article_zh: str
    article_en: str
    tiers: tuple[PenaltyTier, ...]

    @property
    def summary_zh(self) -> str:
        return f"{self.article_zh}：" + "".join(t.text_zh for t in self.tiers)

    @property
    def summary_en(self) -> str:
        return f"{self.article_en}: " + " ".join(t.text_en for t in self.tiers)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["effective_from"] = self.effective_from.isoformat()
        out["effective_until"] = self.effective_until.isoformat() if self.effective_until else None
        out["summary_zh"], out["summary_en"] = self.summary_zh, self.summary_en
        return out


@dataclass(frozen=True)
class Case:
    id: str
    year: int
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    mark: str


@dataclass(frozen=True)
class ObligationSettings:
    law_change_date: date
    due_soon_days: int
    filing_mode: str  # "working_days" | "calendar_days"
    filing_working_days: int
    filing_calendar_days: int
    expert_review_min_level: int
    assessment_months: dict[int, int]
    assessment_marks: dict[int, str]
    self_inspection_months: dict[int, int]
    self_inspection_marks: dict[int, str]
    regrading_due_days: int
    log_min_days: int
    titles: dict[str, dict[str, str]]
    citations: dict[str, dict[str, str]]  # kind -> {zh, en, mark}; log_retention has before/after variants
    penalties: tuple[Penalty, ...]
    cases: dict[str, Case]
    version: str = ""
    filing_2025: Filing2025Settings | None = None  # the 2025 filing rules; None: a settings file without them


# ---------------------------------------------------------------------------------------------- the file


def _stripped(v: Any) -> Any:
    return v.strip() if isinstance(v, str) else v


Stripped = Annotated[str, BeforeValidator(lambda v: _stripped(str(v)) if v is not None else v)]
Count = Annotated[int, Field(ge=0, strict=True)]
Positive = Annotated[int, Field(ge=1, strict=True)]
LevelKey = Level


class _Cited(RuleModel):
    mark: str = ""
    citation_zh: Stripped
    citation_en: Stripped

    def citation(self) -> dict[str, str]:
        return {"zh": self.citation_zh, "en": self.citation_en, "mark": str(self.mark)}


class _Filing(_Cited):
    mode: Literal["working_days", "calendar_days"]
    working_days: Positive
    calendar_days: Positive


class _ExpertReview(_Cited):
    min_level: Positive


class _Cadence(_Cited):
    months: dict[LevelKey, Annotated[int, Field(gt=0)]]
    marks: dict[LevelKey, str] = {}


class _Regrading(_Cited):
    due_days: Count


class _LogRetention(RuleModel):
    min_days: Positive
    mark: str = ""
    citation_before_zh: Stripped
    citation_before_en: Stripped
    citation_after_zh: Stripped
    citation_after_en: Stripped

    def citation(self, when: str) -> dict[str, str]:
        return {"zh": getattr(self, f"citation_{when}_zh"), "en": getattr(self, f"citation_{when}_en"),
                "mark": str(self.mark)}  # fmt: skip


class _Refiling(_Cited):  # Q1
    min_level: Positive
    templates_from: date  # [R] a filing before this day used the older templates
    due: date  # [R] the letter sets no date


class _Certificate(_Cited):  # Q6
    years: Positive
    counted_from: date
    extension_years: Count
    renew_months: Count


class _Level5(RuleModel):  # Q9-Q11
    mark: str = ""
    office_zh: Stripped
    office_en: Stripped
    basis_zh: Stripped
    basis_en: Stripped


class _Plan(_Cited):  # Q23-Q24
    min_level: Positive
    first_due: date
    after_assessment_days: Count  # [R] chosen


class _Filing2025(RuleModel):
    """The `filing_2025` section: the Cybersecurity Bureau's answers of 2025-04-27 as settings."""

    refiling: _Refiling
    certificate: _Certificate
    level5: _Level5
    protection_plan: _Plan

    def settings(self) -> Filing2025Settings:
        r, c, p = self.refiling, self.certificate, self.protection_plan
        return Filing2025Settings(
            templates_from=r.templates_from, refiling_min_level=r.min_level, refiling_due=r.due,
            certificate_years=c.years, certificate_counted_from=c.counted_from,
            certificate_extension_years=c.extension_years, certificate_renew_months=c.renew_months,
            level5_office_zh=self.level5.office_zh, level5_office_en=self.level5.office_en,
            level5_basis_zh=self.level5.basis_zh, level5_basis_en=self.level5.basis_en,
            plan_min_level=p.min_level, plan_first_due=p.first_due, plan_after_assessment_days=p.after_assessment_days,
            marks={k: str(getattr(self, k).mark) for k in ("refiling", "certificate", "level5", "protection_plan")},
        )  # fmt: skip


def parse_filing_2025(raw: Any, file: str) -> Filing2025Settings:
    """The `filing_2025` section alone; an error names the file and the field."""
    return validate(raw, _Filing2025, f"{file}, filing_2025").settings()


class _Title(RuleModel):
    zh: str
    en: str


class _Tier(RuleModel):
    id: str
    text_zh: Stripped
    text_en: Stripped
    mark: str = ""
    unit_min: int | None = None
    unit_max: int | None = None
    person_min: int | None = None
    person_max: int | None = None
    unit_max_cii: int | None = None


class _Penalty(RuleModel):
    id: str
    from_: date = Field(alias="from")
    until: date | None = None
    article_zh: str
    article_en: str
    tiers: list[_Tier]


class _Case(RuleModel):
    year: int
    title_zh: str
    title_en: str
    text_zh: Stripped
    text_en: Stripped
    mark: str = ""


class ObligationsFile(RuleModel):
    """obligations.yaml as written; `settings()` gives the ObligationSettings the rules use."""

    version: str = ""
    law_change_date: date
    due_soon_days: Count
    filing: _Filing
    expert_review: _ExpertReview
    authority_approval: _Cited
    grading: _Cited
    agency_assessment: _Cadence
    self_inspection: _Cadence
    regrading: _Regrading
    log_retention: _LogRetention
    titles: dict[str, _Title]
    penalties: list[_Penalty]
    cases: dict[str, _Case]
    filing_2025: _Filing2025 | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> str:
        return str(v)

    @field_validator("titles")
    @classmethod
    def _every_title(cls, v: dict[str, _Title]) -> dict[str, _Title]:
        missing = [k for k in KINDS if k not in v and k not in FILING_2025_KINDS]
        if missing:
            raise ValueError(f"has no title for {', '.join(missing)}")
        return v

    @field_validator("cases")
    @classmethod
    def _yibin(cls, v: dict[str, _Case]) -> dict[str, _Case]:
        if "yibin" not in v:
            raise ValueError("misses the 'yibin' case")
        return v

    def settings(self) -> ObligationSettings:
        citations = {k: getattr(self, k).citation() for k in KINDS if k not in ("log_retention", *FILING_2025_KINDS)}
        if self.filing_2025 is not None:
            citations |= {k: getattr(self.filing_2025, k).citation() for k in FILING_2025_KINDS}
            missing = [k for k in FILING_2025_KINDS if k not in self.titles]
            if missing:
                raise ValueError(f"titles: no title for {', '.join(missing)}")
        citations["log_retention_before"] = self.log_retention.citation("before")
        citations["log_retention_after"] = self.log_retention.citation("after")
        penalties = sorted(
            (
                Penalty(
                    p.id,
                    p.from_,
                    p.until,
                    p.article_zh,
                    p.article_en,
                    tuple(PenaltyTier(**t.model_dump()) for t in p.tiers),
                )  # fmt: skip
                for p in self.penalties
            ),
            key=lambda p: p.effective_from,
        )
        return ObligationSettings(
            law_change_date=self.law_change_date,
            due_soon_days=self.due_soon_days,
            filing_mode=self.filing.mode,
            filing_working_days=self.filing.working_days,
            filing_calendar_days=self.filing.calendar_days,
            expert_review_min_level=self.expert_review.min_level,
            assessment_months=dict(self.agency_assessment.months),
            assessment_marks={k: str(v) for k, v in self.agency_assessment.marks.items()},
            self_inspection_months=dict(self.self_inspection.months),
            self_inspection_marks={k: str(v) for k, v in self.self_inspection.marks.items()},
            regrading_due_days=self.regrading.due_days,
            log_min_days=self.log_retention.min_days,
            titles={k: {"zh": v.zh, "en": v.en} for k, v in self.titles.items()},
            citations=citations,
            penalties=tuple(penalties),
            cases={
                cid: Case(cid, c.year, c.title_zh, c.title_en, c.text_zh, c.text_en, str(c.mark))
                for cid, c in self.cases.items()
            },  # fmt: skip
            version=self.version,
            filing_2025=self.filing_2025.settings() if self.filing_2025 else None,
        )


def parse_settings(data: Any, file: str = SETTINGS_FILE) -> ObligationSettings:
    """Validate the settings; an error names the file and the entry."""
    return validate(data, ObligationsFile, file).settings()


def load_settings(path: Path | str | None = None) -> ObligationSettings:
    """The obligation settings (default: the bundled controls/obligations.yaml, or $MLPS_CONTROLS_DIR's)."""
    return load(Path(path) if path else SETTINGS_FILE, ObligationsFile, into=ObligationsFile.settings)


def penalty_on(day: date, settings: ObligationSettings | None = None) -> Penalty:
    """The penalty provision that applies on `day` (old Art. 59 before 2026-01-01, new Art. 61 from then)."""
    settings = settings or load_settings()
    for p in reversed(settings.penalties):
        if p.effective_from <= day and (p.effective_until is None or day <= p.effective_until):
            return p
    raise ValueError(f"no penalty provision is in force on {day.isoformat()}")
