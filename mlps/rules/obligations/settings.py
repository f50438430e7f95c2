"""Obligation settings from controls/obligations.yaml (deadlines, cadences, penalties, citations), validated,
and the penalty in force on a date."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from mlps.rules.rulefiles import RuleFileError, read_yaml, rule_file

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
)


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


def _need(raw: dict, key: str, where: str) -> Any:
    if not isinstance(raw, dict) or key not in raw or raw[key] is None:
        raise ValueError(f"{where}: '{key}' is missing")
    return raw[key]


def _int(raw: dict, key: str, where: str, minimum: int = 0) -> int:
    value = _need(raw, key, where)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{where}: '{key}' must be a whole number >= {minimum}, not {value!r}")
    return value


def _date(raw: dict, key: str, where: str, optional: bool = False) -> date | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    if value is None and optional:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: '{key}' must be a date YYYY-MM-DD, not {value!r}") from None


def _levels(raw: Any, where: str) -> dict[int, Any]:
    if not isinstance(raw, dict) or not all(isinstance(k, int) and 1 <= k <= 5 for k in raw):
        raise ValueError(f"{where}: must map levels 1-5 to values")
    return dict(raw)


def _citation(raw: dict, where: str, suffix: str = "") -> dict[str, str]:
    return {
        "zh": str(_need(raw, f"citation{suffix}_zh", where)).strip(),
        "en": str(_need(raw, f"citation{suffix}_en", where)).strip(),
        "mark": str(raw.get("mark", "")),
    }


def parse_settings(data: Any, file: str = "obligations.yaml") -> ObligationSettings:
    """Validate the settings; every error names the file and the field."""
    if not isinstance(data, dict):
        raise ValueError(f"{file}: expected a mapping at the top")
    filing = _need(data, "filing", file)
    mode = _need(filing, "mode", f"{file}, filing")
    if mode not in ("working_days", "calendar_days"):
        raise ValueError(f"{file}, filing: mode must be working_days or calendar_days, not {mode!r}")
    assess, selfi = _need(data, "agency_assessment", file), _need(data, "self_inspection", file)
    months = {k: int(v) for k, v in _levels(_need(assess, "months", f"{file}, agency_assessment"), file).items()}
    self_months = {k: int(v) for k, v in _levels(_need(selfi, "months", f"{file}, self_inspection"), file).items()}
    if any(v <= 0 for v in [*months.values(), *self_months.values()]):
        raise ValueError(f"{file}: assessment and self-inspection months must be positive")
    logs = _need(data, "log_retention", file)
    citations = {
        kind: _citation(_need(data, kind, file), f"{file}, {kind}")
        for kind in (
            "grading",
            "expert_review",
            "authority_approval",
            "filing",
            "agency_assessment",
            "self_inspection",
            "regrading",
        )
    }
    citations["log_retention_before"] = _citation(logs, f"{file}, log_retention", "_before")
    citations["log_retention_after"] = _citation(logs, f"{file}, log_retention", "_after")
    titles = _need(data, "titles", file)
    for kind in KINDS:
        entry = _need(titles, kind, f"{file}, titles")
        _need(entry, "zh", f"{file}, titles.{kind}")
        _need(entry, "en", f"{file}, titles.{kind}")
    penalties = []
    for raw in _need(data, "penalties", file):
        pid = str(_need(raw, "id", f"{file}, penalties"))
        where = f"{file}, penalty {pid}"
        tiers = tuple(
            PenaltyTier(
                id=str(_need(t, "id", where)),
                text_zh=str(_need(t, "text_zh", where)).strip(),
                text_en=str(_need(t, "text_en", where)).strip(),
                mark=str(t.get("mark", "")),
                unit_min=t.get("unit_min"),
                unit_max=t.get("unit_max"),
                person_min=t.get("person_min"),
                person_max=t.get("person_max"),
                unit_max_cii=t.get("unit_max_cii"),
            )
            for t in _need(raw, "tiers", where)
        )
        penalties.append(
            Penalty(
                pid,
                _date(raw, "from", where),
                _date(raw, "until", where, optional=True),
                str(_need(raw, "article_zh", where)),
                str(_need(raw, "article_en", where)),
                tiers,
            )
        )
    penalties.sort(key=lambda p: p.effective_from)
    cases = {
        cid: Case(
            cid,
            int(_need(raw, "year", f"{file}, case {cid}")),
            str(_need(raw, "title_zh", cid)),
            str(_need(raw, "title_en", cid)),
            str(_need(raw, "text_zh", cid)).strip(),
            str(_need(raw, "text_en", cid)).strip(),
            str(raw.get("mark", "")),
        )
        for cid, raw in (_need(data, "cases", file) or {}).items()
    }
    if "yibin" not in cases:
        raise ValueError(f"{file}, cases: the 'yibin' case is missing")
    return ObligationSettings(
        law_change_date=_date(data, "law_change_date", file),
        due_soon_days=_int(data, "due_soon_days", file),
        filing_mode=mode,
        filing_working_days=_int(filing, "working_days", f"{file}, filing", 1),
        filing_calendar_days=_int(filing, "calendar_days", f"{file}, filing", 1),
        expert_review_min_level=_int(_need(data, "expert_review", file), "min_level", f"{file}, expert_review", 1),
        assessment_months=months,
        assessment_marks={k: str(v) for k, v in _levels(assess.get("marks") or {}, file).items()},
        self_inspection_months=self_months,
        self_inspection_marks={k: str(v) for k, v in _levels(selfi.get("marks") or {}, file).items()},
        regrading_due_days=_int(_need(data, "regrading", file), "due_days", f"{file}, regrading"),
        log_min_days=_int(logs, "min_days", f"{file}, log_retention", 1),
        titles={k: {"zh": str(v["zh"]), "en": str(v["en"])} for k, v in titles.items()},
        citations=citations,
        penalties=tuple(penalties),
        cases=cases,
        version=str(data.get("version", "")),
    )


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> ObligationSettings:
    try:
        data = read_yaml(path)
    except RuleFileError as exc:
        raise ValueError(str(exc)) from None
    return parse_settings(data, Path(path).name)


def load_settings(path: Path | str | None = None) -> ObligationSettings:
    """The obligation settings (default: the bundled controls/obligations.yaml)."""
    target = Path(path) if path else rule_file(SETTINGS_FILE)
    return _load(str(target), target.stat().st_mtime)


def penalty_on(day: date, settings: ObligationSettings | None = None) -> Penalty:
    """The penalty provision that applies on `day` (old Art. 59 before 2026-01-01, new Art. 61 from then)."""
    settings = settings or load_settings()
    for p in reversed(settings.penalties):
        if p.effective_from <= day and (p.effective_until is None or day <= p.effective_until):
            return p
    raise ValueError(f"no penalty provision is in force on {day.isoformat()}")
