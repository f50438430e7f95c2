"""A system's lifecycle in, its obligations out: filing chain, assessment cadences, re-grading after a recorded
significant change, log retention. `today` is always a parameter."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from mlps.rules.domain import AssessmentKind, GradingRecord
from mlps.rules.levels import LEVEL_NAMES, is_level
from mlps.rules.obligations.filing2025 import Certificate, certificate_validity
from mlps.rules.obligations.settings import STATUS_NAMES, ObligationSettings, Severity, Status, load_settings
from mlps.rules.workdays import (
    Deadline,
    IsWorkday,
    add_calendar_days,
    add_months,
    add_working_days,
    official_is_workday,
)

# ---------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class AssessmentDone:
    """An assessment that happened: by an accredited agency (等级测评) or a self-inspection (自查)."""

    kind: AssessmentKind
    on: date
    reference: str = ""  # report number or file
    agency: str = ""


@dataclass(frozen=True)
class Change:
    """A recorded change of the business, data or possible harm."""

    on: date
    description: str = ""
    significant: bool = True  # only significant changes call for re-grading (GB/T 22240-2020 §8)


@dataclass
class SystemLifecycle:
    """Everything the obligations are computed from, for one system."""

    name: str
    system_id: int | None = None
    gradings: list[GradingRecord] = field(default_factory=list)  # the history; drafts (no graded_on) are ignored
    assessments: list[AssessmentDone] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    log_retention_days: int | None = None  # the retention actually configured; None = not recorded
    log_evidence: str = ""  # where that was seen (a screenshot, a config file)
    expected_level: int | None = None  # for a system not graded yet: the level the user expects, if any
    go_live: date | None = None
    plan_submitted_on: date | None = None  # when the latest protection work plan was submitted (Q23)

    def current_grading(self) -> GradingRecord | None:
        graded = [g for g in self.gradings if g.graded_on is not None]
        if not graded:
            return None
        # the latest grading date wins; on the same day the higher id, then the later in the list
        return max(enumerate(graded), key=lambda p: (p[1].graded_on, p[1].id or 0, p[0]))[1]


def validate_lifecycle(lc: SystemLifecycle, today: date) -> list[str]:
    """Impossible or future-dated facts, each as one clear message naming the system and field."""
    who = f"system '{lc.name}'"
    problems: list[str] = []
    for g in lc.gradings:
        if g.graded_on is None:
            continue
        if not is_level(g.level):
            problems.append(f"{who}: level must be 1 to 5, not {g.level}")
        for name in ("graded_on", "expert_review_on", "authority_approved_on", "filed_on"):
            value = getattr(g, name)
            if value is not None and value > today:
                problems.append(f"{who}: {name} {value.isoformat()} is after today ({today.isoformat()})")
        if g.filed_on is not None and g.filed_on < g.graded_on:
            problems.append(f"{who}: filed_on {g.filed_on.isoformat()} is before graded_on {g.graded_on.isoformat()}")
    for a in lc.assessments:
        if a.on > today:
            problems.append(f"{who}: {a.kind.value} assessment on {a.on.isoformat()} is after today")
    for c in lc.changes:
        if c.on > today:
            problems.append(f"{who}: change on {c.on.isoformat()} is after today")
    if lc.log_retention_days is not None and lc.log_retention_days < 0:
        problems.append(f"{who}: log_retention_days must be 0 or more, not {lc.log_retention_days}")
    if lc.expected_level is not None and not is_level(lc.expected_level):
        problems.append(f"{who}: expected_level must be 1 to 5, not {lc.expected_level}")
    return problems


# ---------------------------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class Obligation:
    kind: str
    system_id: int | None
    system_name: str
    title_zh: str
    title_en: str
    status: Status
    due_on: date | None
    citation_zh: str
    citation_en: str
    mark: str  # S | R | practice | chosen: how sure we are of the rule
    done_on: date | None = None
    evidence_zh: str = ""  # what closed it
    evidence_en: str = ""
    note_zh: str = ""  # how the due date was found, why not applicable, what is missing
    note_en: str = ""
    recurring_months: int | None = None  # the cadence of a recurring duty
    late: bool = False  # done, but after the due date
    calendar_fallback: bool = False  # plain weekdays were used for a year the calendar does not know

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status.value
        out["status_zh"], out["status_en"] = STATUS_NAMES[self.status]["zh"], STATUS_NAMES[self.status]["en"]
        for key in ("due_on", "done_on"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


@dataclass(frozen=True)
class SystemObligations:
    system_id: int | None
    name: str
    level: int | None  # None: not graded
    graded_on: date | None
    today: date
    obligations: tuple[Obligation, ...]
    severity: Severity
    reasons_zh: tuple[str, ...] = ()  # why red or amber
    reasons_en: tuple[str, ...] = ()
    red_kinds: tuple[str, ...] = ()  # grading / filing / agency_assessment
    certificate: Certificate | None = None  # the filing certificate's validity (2025 rules, Q6); None: not filed
    refiling_due: bool = False  # filed on a template older than 2025 (Q1)

    def get(self, kind: str) -> Obligation | None:
        return next((o for o in self.obligations if o.kind == kind), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "system_id": self.system_id,
            "name": self.name,
            "level": self.level,
            "level_name_zh": LEVEL_NAMES[self.level]["zh"] if self.level else "未定级",
            "level_name_en": LEVEL_NAMES[self.level]["en"] if self.level else "not graded",
            "graded_on": self.graded_on.isoformat() if self.graded_on else None,
            "today": self.today.isoformat(),
            "severity": self.severity.value,
            "reasons_zh": list(self.reasons_zh),
            "reasons_en": list(self.reasons_en),
            "certificate": self.certificate.as_dict() if self.certificate else None,
            "refiling_due": self.refiling_due,
            "obligations": [o.as_dict() for o in self.obligations],
        }


def _status(due: date | None, today: date, soon: int) -> Status:
    if due is None or due < today:
        return Status.OVERDUE
    if (due - today).days <= soon:
        return Status.DUE_SOON
    return Status.UPCOMING


def _cycle_status(next_due: date, today: date, soon: int) -> Status:
    """A recurring duty whose last cycle was done: done until the next one is near."""
    status = _status(next_due, today, soon)
    return Status.DONE if status is Status.UPCOMING else status


def filing_deadline(
    graded_on: date, settings: ObligationSettings | None = None, is_workday: IsWorkday = official_is_workday
) -> Deadline:
    """When filing is due after grading: 10 working days on the official calendar by default, or 30 days."""
    settings = settings or load_settings()
    if settings.filing_mode == "calendar_days":
        return add_calendar_days(graded_on, settings.filing_calendar_days)
    return add_working_days(graded_on, settings.filing_working_days, is_workday)


class _Builder:
    def __init__(self, lc: SystemLifecycle, today: date, settings: ObligationSettings, is_workday: IsWorkday):
        self.lc, self.today, self.s, self.is_workday = lc, today, settings, is_workday
        self.out: list[Obligation] = []

    def add(self, kind: str, status: Status, due: date | None, cite: str | None = None, **extra: Any) -> None:
        citation = self.s.citations[cite or kind]
        extra.setdefault("mark", citation.get("mark", ""))
        self.out.append(
            Obligation(
                kind=kind,
                system_id=self.lc.system_id,
                system_name=self.lc.name,
                title_zh=self.s.titles[kind]["zh"],
                title_en=self.s.titles[kind]["en"],
                status=status,
                due_on=due,
                citation_zh=citation["zh"],
                citation_en=citation["en"],
                **extra,
            )
        )

    def na(self, kind: str, zh: str, en: str) -> None:
        self.add(kind, Status.NOT_APPLICABLE, None, note_zh=zh, note_en=en)


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def obligations_for(
    lc: SystemLifecycle,
    today: date,
    settings: ObligationSettings | None = None,
    is_workday: IsWorkday = official_is_workday,
) -> SystemObligations:
    """The obligations of one system on `today`, with due dates, status, evidence and citations.

    Raises ValueError (naming the system and field) for impossible facts; see validate_lifecycle.
    """
    s = settings or load_settings()
    problems = validate_lifecycle(lc, today)
    if problems:
        raise ValueError("; ".join(problems))
    b = _Builder(lc, today, s, is_workday)
    g = lc.current_grading()
    soon = s.due_soon_days

    # 1. grading
    if g is None:
        status = _status(lc.go_live, today, soon) if lc.go_live and lc.go_live > today else Status.OVERDUE
        b.add(
            "grading",
            status,
            lc.go_live,
            note_zh="系统尚未定级：请使用定级向导确定等级。"
            + (f"计划上线日期 {_d(lc.go_live)}，应在上线前定级。" if lc.go_live else ""),
            note_en="The system is not graded yet: use the grading wizard."
            + (f" It goes live on {_d(lc.go_live)} and must be graded before then." if lc.go_live else ""),
        )
    else:
        b.add(
            "grading",
            Status.DONE,
            None,
            done_on=g.graded_on,
            evidence_zh=f"{_d(g.graded_on)} 定为{LEVEL_NAMES[g.level]['zh']}"
            + (f"，定级人：{g.graded_by}" if g.graded_by else ""),
            evidence_en=f"Graded {LEVEL_NAMES[g.level]['en']} on {_d(g.graded_on)}"
            + (f" by {g.graded_by}" if g.graded_by else ""),
        )

    if g is not None:
        _filing_chain(b, g)
        _cadence(b, g, "agency_assessment", AssessmentKind.AGENCY, s.assessment_months, s.assessment_marks)
        _cadence(b, g, "self_inspection", AssessmentKind.SELF, s.self_inspection_months, s.self_inspection_marks)
        _regrading(b, g)
        _filing_2025(b, g)
    _log_retention(b)

    judged = _judge_system(lc, today, g, tuple(b.out))
    return dataclasses.replace(judged, certificate=certificate_of(lc, s), refiling_due=refiling_due(lc, s))


def _filing_chain(b: _Builder, g: GradingRecord) -> None:
    s, today, soon = b.s, b.today, b.s.due_soon_days
    if g.level < s.expert_review_min_level:
        zh, en = "第一级定级对象不备案，也不需要专家评审。", "Level 1 objects are not filed and need no expert review."
        b.na("expert_review", zh, en)
        b.na("authority_approval", zh, en)
        b.na("filing", zh, en)
        return
    deadline = filing_deadline(g.graded_on, s, b.is_workday)
    if deadline.unit == "working_days":
        how_zh = f"定级日期 {_d(g.graded_on)} 后第 {deadline.amount} 个工作日（按国家法定节假日和调休安排计算）。"
        how_en = (
            f"Due {deadline.amount} working days after grading on {_d(g.graded_on)} "
            "(official holidays skipped, make-up working days counted)."
        )
    else:
        how_zh = f"定级日期 {_d(g.graded_on)} 后 {deadline.amount} 日。"
        how_en = f"Due {deadline.amount} days after grading on {_d(g.graded_on)}."
    how_zh += deadline.note_zh
    how_en += (" " + deadline.note_en) if deadline.note_en else ""
    fallback = deadline.used_fallback
    # the 30 days of the 2007 Measures are seen in sources [S]; the 10 working days are recalled [R]
    filing_mark = "S" if deadline.unit == "calendar_days" else b.s.citations["filing"]["mark"]
    if g.level == 5 and s.filing_2025:  # Q9: level 5 files with the provincial bureau
        how_zh += f"第五级向{s.filing_2025.level5_office_zh}备案。"
        how_en += f" Level 5 files with {s.filing_2025.level5_office_en}."

    # expert review: before filing
    if g.expert_review_on:
        b.add(
            "expert_review",
            Status.DONE,
            deadline.due,
            done_on=g.expert_review_on,
            evidence_zh=f"{_d(g.expert_review_on)} 专家评审" + (f"：{g.expert_opinion}" if g.expert_opinion else ""),
            evidence_en=f"Expert review on {_d(g.expert_review_on)}"
            + (f": {g.expert_opinion}" if g.expert_opinion else ""),
            late=g.expert_review_on > deadline.due,
            calendar_fallback=fallback,
            note_zh="专家评审应在备案前完成。",
            note_en="The expert review comes before the filing.",
        )
    else:
        extra_zh = "已备案但没有记录专家评审意见，请补充。" if g.filed_on else "专家评审应在备案前完成。"
        extra_en = (
            "Filed, but no expert review is recorded: attach the opinion."
            if g.filed_on
            else "The expert review comes before the filing."
        )
        status = Status.OVERDUE if g.filed_on else _status(deadline.due, today, soon)
        change_zh, change_en = _level_change(b.lc, g)
        b.add(
            "expert_review",
            status,
            deadline.due,
            note_zh=change_zh + extra_zh + how_zh,
            note_en=change_en + extra_en + " " + how_en,
            calendar_fallback=fallback,
        )

    # competent-authority approval, where there is one
    if not g.authority_name:
        b.na(
            "authority_approval",
            "未记录行业主管部门；没有主管部门的无需此步骤。",
            "No competent authority recorded; without one this step does not apply.",
        )
    elif g.authority_approved_on:
        b.add(
            "authority_approval",
            Status.DONE,
            deadline.due,
            done_on=g.authority_approved_on,
            evidence_zh=f"{g.authority_name} 于 {_d(g.authority_approved_on)} 审核同意",
            evidence_en=f"Approved by {g.authority_name} on {_d(g.authority_approved_on)}",
            calendar_fallback=fallback,
        )
    else:
        b.add(
            "authority_approval",
            _status(deadline.due, today, soon),
            deadline.due,
            note_zh=f"请报 {g.authority_name} 审核后再备案。",
            note_en=f"Have {g.authority_name} approve it before filing.",
            calendar_fallback=fallback,
        )

    # filing with the public security bureau
    if g.filed_on:
        late = g.filed_on > deadline.due
        ref_zh = "".join(
            [
                f"，{g.filing_office}" if g.filing_office else "",
                f"，备案证明编号 {g.filing_number}" if g.filing_number else "",
            ]
        )
        ref_en = "".join(
            [
                f", {g.filing_office}" if g.filing_office else "",
                f", filing number {g.filing_number}" if g.filing_number else "",
            ]
        )
        b.add(
            "filing",
            Status.DONE,
            deadline.due,
            done_on=g.filed_on,
            evidence_zh=f"{_d(g.filed_on)} 备案{ref_zh}",
            evidence_en=f"Filed on {_d(g.filed_on)}{ref_en}",
            late=late,
            calendar_fallback=fallback,
            mark=filing_mark,
            note_zh=(f"逾期备案（应于 {_d(deadline.due)} 前）。" if late else "") + how_zh,
            note_en=(f"Filed late (due by {_d(deadline.due)}). " if late else "") + how_en,
        )
    else:
        b.add(
            "filing",
            _status(deadline.due, today, soon),
            deadline.due,
            note_zh=how_zh,
            note_en=how_en,
            calendar_fallback=fallback,
            mark=filing_mark,
        )


def _cadence(
    b: _Builder, g: GradingRecord, kind: str, akind: AssessmentKind, months: dict[int, int], marks: dict[int, str]
) -> None:
    today, soon = b.today, b.s.due_soon_days
    if g.level not in months:
        if g.level == 5:
            zh, en = (
                "第五级按国家特殊要求测评，不在本工作台范围内。",
                "Level 5 follows special national rules, outside this workbench.",
            )
        elif kind == "agency_assessment":
            zh, en = "第一级没有等级测评周期要求。", "Level 1 has no assessment cadence."
        else:
            zh = f"{LEVEL_NAMES[g.level]['zh']}没有固定的自查周期，建议每年自查一次。"
            en = (
                f"{LEVEL_NAMES[g.level]['en'].capitalize()} has no fixed self-inspection cadence; "
                "a yearly one is advised."
            )
        b.na(kind, zh, en)
        return
    every = months[g.level]
    mark = marks.get(g.level, "")
    practice_zh = "（第二级每两年一次为通行做法，并非法定要求）" if mark == "practice" else ""
    practice_en = " (every two years at level 2 is common practice, not law)" if mark == "practice" else ""
    done = sorted((a for a in b.lc.assessments if a.kind == akind), key=lambda a: a.on)
    if g.level == 5 and akind is AssessmentKind.AGENCY and b.s.filing_2025:  # Q10-Q11
        practice_zh += f"；{b.s.filing_2025.level5_basis_zh}"
        practice_en += f"; {b.s.filing_2025.level5_basis_en}"
    name_zh = "等级测评" if akind is AssessmentKind.AGENCY else "自查"
    name_en = "assessment" if akind is AssessmentKind.AGENCY else "self-inspection"
    if done:
        last = done[-1]
        due = add_months(last.on, every)
        ref_zh = "".join([f"，{last.agency}" if last.agency else "", f"，{last.reference}" if last.reference else ""])
        ref_en = "".join([f", {last.agency}" if last.agency else "", f", {last.reference}" if last.reference else ""])
        b.add(
            kind,
            _cycle_status(due, today, soon),
            due,
            mark=mark,
            done_on=last.on,
            recurring_months=every,
            evidence_zh=f"最近一次{name_zh}：{_d(last.on)}{ref_zh}",
            evidence_en=f"Last {name_en}: {_d(last.on)}{ref_en}",
            note_zh=f"每 {every} 个月一次{practice_zh}；下一次应于 {_d(due)} 前完成。",
            note_en=f"Every {every} months{practice_en}; the next is due by {_d(due)}.",
        )
    else:
        due = add_months(g.graded_on, every)
        b.add(
            kind,
            _status(due, today, soon),
            due,
            mark=mark,
            recurring_months=every,
            note_zh=f"尚无{name_zh}记录；按每 {every} 个月一次{practice_zh}，自定级日 {_d(g.graded_on)} 起算。",
            note_en=(
                f"No {name_en} recorded; every {every} months{practice_en}, counted from grading on {_d(g.graded_on)}."
            ),
        )


def _regrading(b: _Builder, g: GradingRecord) -> None:
    changes = sorted((c for c in b.lc.changes if c.significant), key=lambda c: c.on)
    open_changes = [c for c in changes if c.on > g.graded_on]
    closed = [c for c in changes if c.on <= g.graded_on]
    if open_changes:
        first = open_changes[0]
        due = first.on + timedelta(days=b.s.regrading_due_days)
        listed = "；".join(f"{_d(c.on)} {c.description}".strip() for c in open_changes)
        listed_en = "; ".join(f"{_d(c.on)} {c.description}".strip() for c in open_changes)
        b.add(
            "regrading",
            _status(due, b.today, b.s.due_soon_days),
            due,
            note_zh=f"定级（{_d(g.graded_on)}）之后记录了重大变化：{listed}。请重新定级并变更备案。",
            note_en=f"Significant changes recorded after grading on {_d(g.graded_on)}: {listed_en}. "
            "Re-grade and update the filing.",
        )
    elif closed:
        last = closed[-1]
        b.add(
            "regrading",
            Status.DONE,
            None,
            done_on=g.graded_on,
            evidence_zh=f"{_d(last.on)} 的变化（{last.description}）已在 {_d(g.graded_on)} 的定级中考虑",
            evidence_en=(
                f"The change of {_d(last.on)} ({last.description}) is covered by the grading of {_d(g.graded_on)}"
            ),
        )
    else:
        b.na("regrading", "没有记录重大变化。", "No significant change recorded.")


def _log_retention(b: _Builder) -> None:
    s, lc = b.s, b.lc
    cite = "log_retention_after" if b.today >= s.law_change_date else "log_retention_before"
    floor = s.log_min_days
    if lc.log_retention_days is None:
        b.add(
            "log_retention",
            Status.OVERDUE,
            None,
            cite=cite,
            note_zh=f"没有记录实际配置的日志留存天数：请查看日志系统的配置并记录（至少 {floor} 天）。",
            note_en=(
                "No configured log retention recorded: check the log system's setting and record it "
                f"(at least {floor} days)."
            ),
        )
    elif lc.log_retention_days >= floor:
        where_zh = f"（{lc.log_evidence}）" if lc.log_evidence else ""
        where_en = f" ({lc.log_evidence})" if lc.log_evidence else ""
        b.add(
            "log_retention",
            Status.DONE,
            None,
            cite=cite,
            evidence_zh=f"日志留存配置为 {lc.log_retention_days} 天{where_zh}，不少于 {floor} 天",
            evidence_en=f"Logs kept {lc.log_retention_days} days as configured{where_en}, at least {floor}",
        )
    else:
        b.add(
            "log_retention",
            Status.OVERDUE,
            None,
            cite=cite,
            note_zh=f"日志只留存 {lc.log_retention_days} 天，少于法律要求的六个月（{floor} 天）。",
            note_en=(
                f"Logs are kept only {lc.log_retention_days} days, less than the six months ({floor} days) "
                "the law asks."
            ),
        )


def _judge_system(
    lc: SystemLifecycle, today: date, g: GradingRecord | None, obligations: tuple[Obligation, ...]
) -> SystemObligations:
    level = g.level if g else None
    by_kind = {o.kind: o for o in obligations}
    zh: list[str] = []
    en: list[str] = []
    red: list[str] = []
    if g is None:
        if lc.expected_level != 1 and by_kind["grading"].status is Status.OVERDUE:
            red.append("grading")
            zh.append("未定级：无法确定等级保护义务，按可能为第二级及以上处理。")
            en.append("Not graded: its duties are unknown, so it is treated as possibly level 2 or above.")
    elif g.level >= 2:
        filing = by_kind["filing"]
        if filing.status is Status.OVERDUE:
            red.append("filing")
            zh.append(f"定级后未按期备案（应于 {_d(filing.due_on)} 前）。")
            en.append(f"Not filed in time (due by {_d(filing.due_on)}).")
        assess = by_kind["agency_assessment"]
        if assess.status is Status.OVERDUE:
            red.append("agency_assessment")
            practice_zh = "（第二级周期为通行做法）" if assess.mark == "practice" else ""
            practice_en = " (the level 2 cadence is common practice)" if assess.mark == "practice" else ""
            zh.append(f"未按期开展等级测评（应于 {_d(assess.due_on)} 前）{practice_zh}。")
            en.append(f"Not assessed in time (due by {_d(assess.due_on)}){practice_en}.")
    amber = [o for o in obligations if o.status is Status.OVERDUE and o.kind not in red]
    for o in amber:
        zh.append(f"{o.title_zh}：已逾期。")
        en.append(f"{o.title_en}: overdue.")
    severity = Severity.RED if red else (Severity.AMBER if amber else Severity.GREEN)
    return SystemObligations(
        lc.system_id,
        lc.name,
        level,
        g.graded_on if g else None,
        today,
        obligations,
        severity,
        tuple(zh),
        tuple(en),
        tuple(red),
    )


# ---------------------------------------------------------------------------------------------- 2025 rules


def _level_change(lc: SystemLifecycle, g: GradingRecord) -> tuple[str, str]:
    """Q2: a new expert review when the level changed since the previous grading (said in the review's note)."""
    earlier = [x for x in lc.gradings if x.graded_on is not None and x is not g and x.graded_on <= g.graded_on]
    if not earlier:
        return "", ""
    before = max(earlier, key=lambda x: (x.graded_on, x.id or 0))
    if before.level == g.level:
        return "", ""
    zh_old, zh_new = LEVEL_NAMES[before.level]["zh"], LEVEL_NAMES[g.level]["zh"]
    en_old, en_new = LEVEL_NAMES[before.level]["en"], LEVEL_NAMES[g.level]["en"]
    return (
        f"等级由{zh_old}变为{zh_new}：须重新组织专家评审（2025 年问题释疑第二问）。",
        f"The level changed from {en_old} to {en_new}: a new expert review is needed (2025 answers, Q2). ",
    )


def certificate_of(lc: SystemLifecycle, settings: ObligationSettings | None = None) -> Certificate | None:
    """The filing certificate of the current filing (Q6), extended by the completed agency assessments; None when
    the current grading is not filed (or is level 1, which is not filed)."""
    s = settings or load_settings()
    g, f = lc.current_grading(), s.filing_2025
    if g is None or g.filed_on is None or f is None or g.level < s.expert_review_min_level:
        return None
    done = [a.on for a in lc.assessments if a.kind is AssessmentKind.AGENCY]
    return certificate_validity(
        g.filed_on,
        done,
        years=f.certificate_years,
        counted_from=f.certificate_counted_from,
        extension_years=f.certificate_extension_years,
        renew_months=f.certificate_renew_months,
    )


def refiling_due(lc: SystemLifecycle, settings: ObligationSettings | None = None) -> bool:
    """Q1: a level-2+ system whose current filing was made before the 2025 templates must file again on them."""
    s = settings or load_settings()
    g, f = lc.current_grading(), s.filing_2025
    return bool(g and f and g.filed_on and g.level >= f.refiling_min_level and g.filed_on < f.templates_from)


def _filing_2025(b: _Builder, g: GradingRecord) -> None:
    """The duties the 2025 letter adds: re-filing on the new templates (Q1), the certificate's renewal (Q6), the
    protection work plan (Q23-Q24); level 5's office and basis (Q9-Q11) are said on the filing and assessment."""
    f, today, soon = b.s.filing_2025, b.today, b.s.due_soon_days
    if f is None:
        return
    # Q1 re-filing
    if g.level < f.refiling_min_level or g.filed_on is None:
        b.na("refiling", "尚未备案或第一级：无需按 2025 年版模板重新备案。",
             "Not filed yet, or level 1: no re-filing on the 2025 templates.")  # fmt: skip
    elif g.filed_on < f.templates_from:
        b.add("refiling", _status(f.refiling_due, today, soon), f.refiling_due, mark=f.marks["refiling"],
              note_zh=f"{_d(g.filed_on)} 的备案使用的是旧版模板：第二级以上已备案系统须按 2025 年版定级报告和备案表"
                      f"重新填报（无论等级是否变化）；等级未变化且无重大变化的无需重新专家评审。",
              note_en=f"The filing of {_d(g.filed_on)} used the older templates: every filed level-2+ system files "
                      "again on the 2025 grading report and filing form, whether or not its level changes; without a "
                      "level change or significant change no new expert review is needed.")  # fmt: skip
    else:
        b.add("refiling", Status.DONE, None, done_on=g.filed_on, mark=f.marks["refiling"],
              evidence_zh=f"{_d(g.filed_on)} 按 2025 年版模板备案",
              evidence_en=f"Filed on {_d(g.filed_on)} on the 2025 templates")  # fmt: skip
    # Q6 certificate
    cert = certificate_of(b.lc, b.s)
    if cert is None:
        b.na("certificate", "尚未备案：备案后才有备案证明。", "Not filed yet: the certificate comes with the filing.")
    else:
        ext_zh = f"，已因 {cert.extensions} 次等级测评各延长一年" if cert.extensions else ""
        ext_en = f", extended a year for each of {cert.extensions} assessment(s)" if cert.extensions else ""
        if today < cert.renew_from:
            status = Status.DONE
        else:
            status = Status.OVERDUE if today > cert.valid_until else Status.DUE_SOON
        b.add("certificate", status, cert.valid_until, mark=f.marks["certificate"],
              done_on=g.filed_on if status is Status.DONE else None,
              evidence_zh=f"备案证明有效期 {_d(cert.valid_from)} 至 {_d(cert.valid_until)}{ext_zh}",
              evidence_en=f"Certificate valid {_d(cert.valid_from)} to {_d(cert.valid_until)}{ext_en}",
              note_zh=f"期满前三个月内（{_d(cert.renew_from)} 起）向受理备案的公安机关申请延期。",
              note_en=f"Ask the bureau that received the filing to renew it within the three months before it "
                      f"expires (from {_d(cert.renew_from)}).")  # fmt: skip
    # Q23-Q24 protection work plan
    if g.level < f.plan_min_level:
        b.na("protection_plan", "第三级以上系统才需报送保护工作方案。",
             "Only level-3+ systems submit a protection work plan.")  # fmt: skip
        return
    agency = sorted(a.on for a in b.lc.assessments if a.kind is AssessmentKind.AGENCY)
    if agency:
        due = max(f.plan_first_due, agency[-1] + timedelta(days=f.plan_after_assessment_days))
        basis_zh, basis_en = f"以 {_d(agency[-1])} 的年度测评为依据", f"based on the assessment of {_d(agency[-1])}"
    else:  # no assessment yet: the plan follows the first one, due by the assessment cadence
        first = add_months(g.graded_on, b.s.assessment_months.get(g.level, 12))
        due = max(f.plan_first_due, first + timedelta(days=f.plan_after_assessment_days))
        basis_zh = "尚无完成的等级测评，应在首次测评后报送"
        basis_en = "no completed assessment yet: due after the first one"
    submitted = b.lc.plan_submitted_on
    covers = submitted is not None and (not agency or submitted >= agency[-1])
    if covers:
        b.add("protection_plan", Status.DONE, due, done_on=submitted, mark=f.marks["protection_plan"],
              evidence_zh=f"{_d(submitted)} 已报送保护工作方案", evidence_en=f"Work plan submitted on {_d(submitted)}")
    else:
        b.add("protection_plan", _status(due, today, soon), due, mark=f.marks["protection_plan"],
              note_zh=f"保护工作方案（资产、现有措施、问题成因、整改思路和工作计划）{basis_zh}；可在文档中下载草稿。",
              note_en=f"The protection work plan (assets, measures in place, causes, remediation approach and work "
                      f"plan), {basis_en}; a draft can be downloaded with the documents.")  # fmt: skip
