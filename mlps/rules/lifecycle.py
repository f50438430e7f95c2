"""A system's lifecycle from what the store holds, and the checks a lifecycle step must pass before it is saved.

The obligations (mlps/obligations.py) are computed from a `SystemLifecycle`. This module builds one from the
store's records, without touching the store: the grading history (GradingRecord), the assessments (anything
with the fields of `mlps.adapters.store.repository.Assessment`: kind self/agency, status, started_on, completed_on),
the system's go-live date and the log retention actually configured.

Lifecycle steps after grading follow GB/T 22240-2020's grading process (docs/domain.md): expert review (required
for level >= 2) -> approval by the competent authority where there is one -> filing with the public security
bureau (office, date, filing number). Level 1 is not filed. `check_step` says, in Chinese and English, what
is wrong with a step before the page saves it; `obligations.validate_lifecycle` runs last as a backstop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from mlps.rules.domain import AssessmentKind, GradingRecord, System
from mlps.rules.filing_details import log_evidence_from, plan_submitted_from
from mlps.rules.obligations import (
    AssessmentDone,
    Change,
    ObligationSettings,
    SystemLifecycle,
    load_settings,
    validate_lifecycle,
)

# The fields a lifecycle step may set on a grading (the store accepts exactly these).
STEP_FIELDS = (
    "expert_review_on",
    "expert_opinion",
    "authority_name",
    "authority_approved_on",
    "filed_on",
    "filing_office",
    "filing_number",
)
DATE_FIELDS = ("expert_review_on", "authority_approved_on", "filed_on")
STEPS: dict[str, tuple[str, ...]] = {
    "expert_review": ("expert_review_on", "expert_opinion"),
    "authority_approval": ("authority_name", "authority_approved_on"),
    "filing": ("filed_on", "filing_office", "filing_number"),
}
FIELD_NAMES: dict[str, dict[str, str]] = {
    "graded_on": {"zh": "定级日期", "en": "grading date"},
    "expert_review_on": {"zh": "专家评审日期", "en": "expert review date"},
    "expert_opinion": {"zh": "专家评审意见", "en": "expert opinion"},
    "authority_name": {"zh": "行业主管部门", "en": "competent authority"},
    "authority_approved_on": {"zh": "主管部门审核日期", "en": "authority approval date"},
    "filed_on": {"zh": "备案日期", "en": "filing date"},
    "filing_office": {"zh": "受理备案的公安机关", "en": "public security office"},
    "filing_number": {"zh": "备案证明编号", "en": "filing number"},
}


class AssessmentRecord(Protocol):
    """What the lifecycle needs of a stored assessment (mlps.adapters.store.repository.Assessment has these)."""

    id: int
    kind: str
    status: str
    started_on: date | None
    completed_on: date | None
    title: str


# ---------------------------------------------------------------------------------------------- building


def assessment_facts(assessments: Iterable[AssessmentRecord]) -> list[AssessmentDone]:
    """The assessments that count towards the cadences: completed ones only, dated when they were completed.

    An assessment still in progress closes nothing (an agency's duty is met by its finished report). A
    completed one without a completion date (old data) counts from the day it started.
    """
    out: list[AssessmentDone] = []
    for a in assessments:
        if a.status != "completed":
            continue
        on = a.completed_on or a.started_on
        if on is None:
            continue
        try:
            kind = AssessmentKind(a.kind)
        except ValueError:
            raise ValueError(f"assessment {a.id}: kind must be self or agency, not {a.kind!r}") from None
        out.append(AssessmentDone(kind, on, reference=a.title or f"#{a.id}"))
    return sorted(out, key=lambda x: x.on)


def open_assessments(assessments: Iterable[AssessmentRecord]) -> list[AssessmentRecord]:
    """Assessments started but not completed (shown as 'in progress', never as evidence)."""
    return [a for a in assessments if a.status != "completed"]


def build_lifecycle(
    system: System,
    gradings: Iterable[GradingRecord] = (),
    assessments: Iterable[AssessmentRecord] = (),
    log_retention_days: int | None = None,
    *,
    changes: Iterable[Change] = (),
    log_evidence: str = "",
    expected_level: int | None = None,
    plan_submitted_on: date | None = None,
) -> SystemLifecycle:
    """The lifecycle of one system: its whole grading history (the current grading is the latest graded one),
    completed assessments, recorded changes, the configured log retention and its go-live date."""
    return SystemLifecycle(
        name=system.name,
        system_id=system.id,
        gradings=[g for g in gradings if g.system_id in (None, system.id)],
        assessments=assessment_facts(a for a in assessments if getattr(a, "system_id", system.id) == system.id),
        changes=list(changes),
        log_retention_days=log_retention_days,
        log_evidence=log_evidence,
        expected_level=expected_level,
        go_live=system.go_live,
        plan_submitted_on=plan_submitted_on,
    )


@dataclass(frozen=True)
class LifecycleFacts:
    """What the obligations of an organisation's systems are judged from, per system id (a missing entry means
    none): the grading history, the assessments, the configured log retention, the recorded changes and the stored
    system profile (its log-retention evidence). The store fills it in one go for the portfolio
    (`PortfolioData.lifecycle_facts`) or system by system through the Workspace (mlps.services.lifecycles)."""

    gradings: Mapping[int, Iterable[GradingRecord]] = dataclasses.field(default_factory=dict)
    assessments: Mapping[int, Iterable[AssessmentRecord]] = dataclasses.field(default_factory=dict)
    log_retention: Mapping[int, int | None] = dataclasses.field(default_factory=dict)
    changes: Mapping[int, Iterable[Any]] = dataclasses.field(default_factory=dict)
    profiles: Mapping[int, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    # what the collector read on the servers (mlps.services.collector.CollectedRetention: days, label)
    collected: Mapping[int, Any] = dataclasses.field(default_factory=dict)


def _log_facts(facts: LifecycleFacts, system_id: int) -> tuple[int | None, str]:
    """The log retention and where it was seen. The latest collector bundles of the system's servers, read from the
    machines themselves, come before the number typed on the obligations page (the shortest over the servers);
    the profile's "log_evidence" text follows them."""
    typed = log_evidence_from(facts.profiles.get(system_id))
    got = facts.collected.get(system_id)
    if got is not None and getattr(got, "days", None) is not None:
        return got.days, "; ".join(x for x in (got.label, typed) if x)
    return facts.log_retention.get(system_id), typed


def organisation_lifecycles(systems: Iterable[System], facts: LifecycleFacts) -> list[SystemLifecycle]:
    """One lifecycle per system: the one builder every page, the portfolio, the reports and the CLI use."""
    out = []
    for s in systems:
        days, evidence = _log_facts(facts, s.id)
        out.append(
            build_lifecycle(
                s,
                facts.gradings.get(s.id, ()),
                facts.assessments.get(s.id, ()),
                days,
                changes=change_facts(facts.changes.get(s.id, ())),
                log_evidence=evidence,
                plan_submitted_on=plan_submitted_from(facts.profiles.get(s.id)),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class StepProblem:
    """Why a lifecycle step cannot be saved (blocking) or what the user should know (a warning)."""

    field: str
    zh: str
    en: str
    blocking: bool = True

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def clean_step(**fields: Any) -> dict[str, Any]:
    """The step's fields with text stripped; ValueError naming any field that is not a lifecycle step."""
    unknown = sorted(set(fields) - set(STEP_FIELDS))
    if unknown:
        raise ValueError(f"not a lifecycle field: {', '.join(unknown)} (use {', '.join(STEP_FIELDS)})")
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name in DATE_FIELDS:
            if value is not None and not isinstance(value, date):
                raise ValueError(f"{name}: must be a date, not {value!r}")
            out[name] = value
        else:
            out[name] = str(value or "").strip()
    return out


def apply_step(grading: GradingRecord, **fields: Any) -> GradingRecord:
    """A copy of the grading with the step's fields set (what the store will hold after saving)."""
    return dataclasses.replace(grading, **clean_step(**fields))


def _name(field: str) -> tuple[str, str]:
    return FIELD_NAMES[field]["zh"], FIELD_NAMES[field]["en"]


def check_step(
    grading: GradingRecord,
    today: date,
    *,
    name: str = "",
    settings: ObligationSettings | None = None,
    **fields: Any,
) -> list[StepProblem]:
    """What is wrong with recording these step fields on this grading, as of `today` ([] when it may be saved).

    Rules (GB/T 22240-2020 grading process, docs/domain.md): level 1 is not filed and needs no review; an expert
    review has a date and an opinion; an approval names the authority; a filing names the office and its date
    and, at level >= 2, comes after a recorded expert review. No date may be after today or before the grading.
    """
    s = settings or load_settings()
    problems: list[StepProblem] = []
    try:
        step = clean_step(**fields)
    except ValueError as exc:
        return [StepProblem("", f"无法保存：{exc}", str(exc))]
    if grading.graded_on is None:
        return [StepProblem("graded_on", "这条定级记录没有定级日期，不能记录后续步骤。", "This grading has no date.")]
    if grading.level < s.expert_review_min_level:
        return [
            StepProblem(
                "",
                "第一级定级对象不备案，也不需要专家评审和主管部门审核。",
                "A level 1 object is not filed and needs no expert review or approval.",
            )
        ]
    after = apply_step(grading, **step)

    def need(field: str, hint_zh: str, hint_en: str) -> None:
        zh, en = _name(field)
        problems.append(StepProblem(field, f"请填写{zh}（{hint_zh}）。", f"Give the {en} ({hint_en})."))

    touched = set(step)
    if touched & set(STEPS["expert_review"]):
        if after.expert_review_on is None:
            need("expert_review_on", "专家评审的日期", "the day the experts reviewed the grading")
        if not after.expert_opinion:
            need("expert_opinion", "评审意见随备案材料提交", "the opinion goes with the filing")
    if touched & set(STEPS["authority_approval"]) and after.authority_approved_on and not after.authority_name:
        need("authority_name", "审核同意的是哪个部门", "which authority approved it")
    if touched & set(STEPS["filing"]):
        if after.filed_on is None:
            need("filed_on", "向公安机关提交备案的日期", "the day the filing was handed in")
        if not after.filing_office:
            need(
                "filing_office",
                "例如某县公安局网安大队",
                "e.g. the county public security bureau's cyber security unit",
            )
        if after.filed_on and after.expert_review_on is None:
            problems.append(
                StepProblem(
                    "expert_review_on",
                    "第二级及以上须先完成专家评审，再向公安机关备案：请先记录专家评审。",
                    "At level 2 or above the expert review comes before the filing: record the review first.",
                )
            )
        if after.filed_on and after.authority_name and after.authority_approved_on is None:
            problems.append(
                StepProblem(
                    "authority_approved_on",
                    f"已记录行业主管部门（{after.authority_name}），但没有其审核日期；通常应先经主管部门审核再备案。",
                    f"A competent authority ({after.authority_name}) is recorded without its approval date; it "
                    "normally approves before the filing.",
                    blocking=False,
                )
            )

    for field in DATE_FIELDS:
        value = step.get(field)
        if value is None:
            continue
        zh, en = _name(field)
        if value > today:
            problems.append(
                StepProblem(field, f"{zh}（{value}）不能晚于今天（{today}）。", f"The {en} ({value}) is after today.")
            )
        elif value < grading.graded_on:
            problems.append(
                StepProblem(
                    field,
                    f"{zh}（{value}）不能早于定级日期（{grading.graded_on}）。",
                    f"The {en} ({value}) is before the grading date ({grading.graded_on}).",
                )
            )
    reviewed, filed = after.expert_review_on, after.filed_on
    if touched & {"filed_on", "expert_review_on"} and filed and reviewed and filed < reviewed:
        problems.append(
            StepProblem(
                "filed_on",
                f"备案日期（{filed}）早于专家评审日期（{reviewed}）：请核对。",
                f"The filing date ({filed}) is before the expert review ({reviewed}): please check.",
                blocking=False,
            )
        )

    if not any(p.blocking for p in problems):
        # the core's own check of the lifecycle as it would be stored, as a backstop
        backstop = SystemLifecycle(name=name or "system", system_id=grading.system_id, gradings=[after])
        for message in validate_lifecycle(backstop, today):
            problems.append(StepProblem("", f"记录有误：{message}", message))
    return problems


def blocking(problems: Iterable[StepProblem]) -> list[StepProblem]:
    return [p for p in problems if p.blocking]


def step_status(grading: GradingRecord, settings: ObligationSettings | None = None) -> dict[str, str]:
    """Where each step stands: done | open | not_applicable (level 1, or no competent authority recorded)."""
    s = settings or load_settings()
    if grading.level < s.expert_review_min_level:
        return {step: "not_applicable" for step in STEPS}
    return {
        "expert_review": "done" if grading.expert_review_on else "open",
        "authority_approval": (
            "not_applicable" if not grading.authority_name else ("done" if grading.authority_approved_on else "open")
        ),
        "filing": "done" if grading.filed_on else "open",
    }


# ---------------------------------------------------------------------------------------------- from a store


def change_facts(records: Iterable[Any]) -> list[Change]:
    """The recorded changes as the obligations take them (anything with on, description and significant, e.g.
    mlps.adapters.store.changes.RecordedChange)."""
    return [Change(on=r.on, description=r.description or "", significant=bool(r.significant)) for r in records]


