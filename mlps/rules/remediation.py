"""The remediation plan: tasks from the problems of an assessment, what-ifs, a minimal set, burn-down, export.

Pure functions over a scored assessment (mlps.rules.scoring.ScoreResult) and the catalogue items it was scored on;
no Streamlit, no session.

- `plan_tasks` turns every problem (an item with a partial or nonconform result) into a task, one per item or
  one per control point, in priority order: tasks with a high risk first, then by the overall score points the
  task returns when done (the 'why this score' explanation computed jointly for the task's items). Each task is
  pre-filled with what to do: the requirement in plain words, the fix of each case of the 2025 high-risk
  guideline tied to the item at the assessment's level (mlps.rules.high_risk) and the evidence an assessor
  will ask to see.
- `what_if` says which score and conclusion a set of tasks would give: every partial or nonconform result of
  their items becomes conform, their risks close. It equals re-scoring the changed results (`apply_fixes`),
  computed on the count grid so that many variants cost one call.
- `suggest_minimal_set` picks tasks that close every risk above a limit (high by default: the conclusion
  allows none, docs/domain.md) and reach a target score: the tasks that must be done, then greedily the task that
  returns most points, then a pruning pass that drops any task the target does not need.
- `burndown` counts the open tasks by risk on each day from the tasks' status history.
- the plan as a workbook is an adapter: mlps.adapters.exchange.plan_xlsx.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from mlps.rules.catalogue import Item
from mlps.rules.domain import Result, Risk, parse_result, parse_risk
from mlps.rules.hazards import Hazard, closed_by, tally
from mlps.rules.high_risk import (
    ALL_CONDITIONS,
    HighRiskCase,
    HighRiskGuideline,
    SystemConditions,
    cases_for_gap,
    load_guideline,
)
from mlps.rules.item_ids import display_ids
from mlps.rules.levels import is_level
from mlps.rules.scoring import ScoreResult, item_arrays
from mlps.rules.scoring_methods import (
    RISK_RANK,
    Conclusion,
    ConclusionRules,
    ResultGrid,
    ScoringConfig,
    conclude,
    load_scoring_config,
)
from mlps.rules.verdict2025 import SCHEME as RATE2025
from mlps.rules.verdict2025 import conclude_2025, load_verdict_rules, rate_range

RISK_ORDER: tuple[Risk | None, ...] = (Risk.HIGH, Risk.MEDIUM, Risk.LOW, None)
RISK_NAMES = {
    Risk.HIGH: ("高", "high"),
    Risk.MEDIUM: ("中", "medium"),
    Risk.LOW: ("低", "low"),
    None: ("未定级", "unrated"),
}
PROBLEMS = frozenset({Result.PARTIAL, Result.NONCONFORM})
_EPS = 1e-9


class RemediationError(ValueError):
    """Bad input for a plan: the message names the task, item or field."""


class TaskStatus(StrEnum):
    OPEN = "open"  # 待整改
    IN_PROGRESS = "in_progress"  # 整改中
    DONE = "done"  # 已完成
    ACCEPTED_RISK = "accepted_risk"  # 接受风险 (needs a reason)


OPEN_STATUSES = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS})
STATUS_NAMES = {
    TaskStatus.OPEN: ("待整改", "open"),
    TaskStatus.IN_PROGRESS: ("整改中", "in progress"),
    TaskStatus.DONE: ("已完成", "done"),
    TaskStatus.ACCEPTED_RISK: ("接受风险", "accepted risk"),
}


class Grouping(StrEnum):
    ITEM = "item"  # one task per item with a problem
    CONTROL_POINT = "control_point"  # one task per control point, covering its items with problems


def _pick(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def risk_name(risk: Risk | None, lang: str) -> str:
    zh, en = RISK_NAMES[risk]
    return _pick(zh, en, lang)


def status_name(status: TaskStatus | str, lang: str) -> str:
    zh, en = STATUS_NAMES[TaskStatus(status)]
    return _pick(zh, en, lang)


# ---------------------------------------------------------------- tasks


@dataclass(frozen=True)
class TaskDraft:
    """A task as the plan proposes it (not yet stored)."""

    key: str  # 'item:L3-CES1-01' or 'cp:general/CES/identification': unique within an assessment
    item_ids: tuple[str, ...]
    scope: str
    category: str
    control_point: str
    control_point_zh: str
    control_point_en: str
    title_zh: str
    title_en: str
    action_zh: str  # what to do, pre-filled
    action_en: str
    risk: Risk | None  # the highest open risk over the task's items
    case_ids: tuple[str, ...]  # the high-risk cases the task's items match at the assessment's level
    points: float  # overall score points returned when this task alone is done
    priority: int  # 1 = do first
    origin: str = ""  # "" = planned from the results; "problem_list" = imported from last year's report
    origin_ref: str = ""  # where in that report: "表 2#3" (table and problem number)
    hazard_codes: tuple[str, ...] = ()  # major risk hazard trigger codes (A-01 … A-32) the report gave it

    def title(self, lang: str) -> str:
        return _pick(self.title_zh, self.title_en, lang)

    def action(self, lang: str) -> str:
        return _pick(self.action_zh, self.action_en, lang)

    @property
    def is_high(self) -> bool:
        return self.risk is Risk.HIGH

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "item_ids": list(self.item_ids),
            "scope": self.scope,
            "category": self.category,
            "control_point": self.control_point,
            "control_point_zh": self.control_point_zh,
            "control_point_en": self.control_point_en,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "action_zh": self.action_zh,
            "action_en": self.action_en,
            "risk": self.risk.value if self.risk else None,
            "case_ids": list(self.case_ids),
            "points": round(self.points, 4),
            "priority": self.priority,
            "origin": self.origin,
            "origin_ref": self.origin_ref,
            "hazard_codes": list(self.hazard_codes),
        }


@dataclass(frozen=True)
class RemediationTask(TaskDraft):
    """A stored task: the draft plus who does it, by when, where it stands and what closed it."""

    id: int = 0
    assessment_id: int = 0
    owner: str = ""
    due_on: date | None = None
    status: TaskStatus = TaskStatus.OPEN
    reason: str = ""  # why the risk is accepted (required for accepted_risk)
    closing_evidence: str = ""  # what shows it is done
    created_by: str = ""
    created_at: datetime | None = None
    updated_by: str = ""
    updated_at: datetime | None = None
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | {
            "id": self.id,
            "assessment_id": self.assessment_id,
            "owner": self.owner,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "status": self.status.value,
            "reason": self.reason,
            "closing_evidence": self.closing_evidence,
            "version": self.version,
        }


PROBLEM_LIST = "problem_list"  # TaskDraft.origin of a task imported from last year's report
RETEST = ("verified", "failed", "not_retested")


def retest_outcome(item_ids: Iterable[str], results: Mapping[str, Result]) -> str:
    """What this year's assessment says about a problem of last year's report, from the task's items' results
    (one per item, the worst over the assessed objects): "verified" when every item is assessed and conforms or
    is not applicable, "failed" when any is still partial or nonconform, "not_retested" otherwise (an item not
    assessed yet, or the task names none)."""
    found = [Result(results.get(i, Result.NOT_ASSESSED)) for i in item_ids]
    if any(r in (Result.PARTIAL, Result.NONCONFORM) for r in found):
        return "failed"
    if found and all(r in (Result.CONFORM, Result.NA) for r in found):
        return "verified"
    return "not_retested"


def hazards_from_problem_list(drafts: Sequence[TaskDraft], found_on: date) -> list[Hazard]:
    """The major risk hazards an imported report names, as hazard records to review: one per trigger code given
    to the tasks imported from its problem list (mlps.rules.hazards.Hazard), with the tasks' items, a judgement
    that says where the report lists it, and `found_on` (the day of the import: the hazard stands until it is
    remediated and verified in this assessment). Codes in order; tasks without codes give none."""
    by_code: dict[str, list[TaskDraft]] = {}
    for d in drafts:
        if d.origin != PROBLEM_LIST:
            continue
        for code in d.hazard_codes:
            by_code.setdefault(code, []).append(d)
    out = []
    for code in sorted(by_code):
        members = by_code[code]
        items = tuple(dict.fromkeys(i for d in members for i in d.item_ids))
        refs = "；".join(d.origin_ref for d in members if d.origin_ref)
        what = "；".join(d.title_zh for d in members)
        judgement = f"上次测评报告列为重大风险隐患（{refs or '未注明位置'}）：{what}"
        out.append(Hazard(code=code, item_ids=items, judgement=judgement[:2000], found_on=found_on))
    return out


def check_task_update(status: TaskStatus | str, reason: str = "", *, where: str = "task") -> TaskStatus:
    """The status, checked: one of the four, and accepted_risk only with a reason. Raises RemediationError."""
    try:
        s = TaskStatus(status)
    except ValueError:
        allowed = ", ".join(x.value for x in TaskStatus)
        raise RemediationError(f"{where}: status '{status}' is not one of {allowed}") from None
    if s is TaskStatus.ACCEPTED_RISK and not (reason or "").strip():
        raise RemediationError(f"{where}: accepting a risk needs the reason (who decided and why)")
    return s


# ---------------------------------------------------------------- the what-if model


def _labels(items: Sequence[Item]) -> dict[str, tuple[str, str]]:
    return {i.id: (f"{i.control_point_zh} {i.letter}", f"{i.control_point_en} {i.letter}") for i in items}


@dataclass(frozen=True)
class WhatIf:
    """The score and conclusion a set of fixes would give, next to today's."""

    item_ids: tuple[str, ...]  # the problem items the fixes close
    tasks: int  # how many tasks
    score_before: float | None
    score_after: float | None
    conclusion_before: Conclusion | None
    conclusion_after: Conclusion | None
    high_before: int
    high_after: int

    @property
    def gain(self) -> float:
        if self.score_before is None or self.score_after is None:
            return 0.0
        return self.score_after - self.score_before

    def summary(self, lang: str) -> str:
        """'完成这 6 项整改，结论由 差 变为 中（64.20 → 73.50）' in the language asked."""
        b, a = self.conclusion_before, self.conclusion_after
        if b is None or a is None:
            return _pick("尚无得分：请先记录测评结果。", "No score yet: record results first.", lang)
        s_b, s_a = f"{b.score:.2f}", f"{a.score:.2f}"
        if b.scheme == RATE2025:
            return self._summary_2025(b, a, lang)
        if lang == "zh":
            move = f"结论由 {b.grade} 变为 {a.grade}" if a.code != b.code else f"结论仍为 {a.grade}"
            high = f"高风险 {self.high_before} → {self.high_after}"
            return f"完成这 {self.tasks} 项整改，{move}（得分 {s_b} → {s_a}，{high}）"
        word = "task" if self.tasks == 1 else "tasks"
        if a.code != b.code:
            move = f"you move from {b.grade_en} ({b.grade}) to {a.grade_en} ({a.grade})"
        else:
            move = f"you stay at {a.grade_en} ({a.grade})"
        high = f"high risks {self.high_before} → {self.high_after}"
        return f"Do these {self.tasks} {word} and {move}: score {s_b} → {s_a}, {high}"

    def _summary_2025(self, b: Conclusion, a: Conclusion, lang: str) -> str:
        """'完成这 4 项整改，关闭 2 个重大风险隐患，符合率 84.00% → 91.00%，结论由 基本符合 变为 符合'."""
        closed = b.hazards.open - a.hazards.open if b.hazards is not None and a.hazards is not None else 0
        if lang == "zh":
            move = f"结论由 {b.grade} 变为 {a.grade}" if a.code != b.code else f"结论仍为 {a.grade}"
            hz = f"关闭 {closed} 个重大风险隐患，" if closed else ""
            return f"完成这 {self.tasks} 项整改，{hz}符合率 {b.score:.2f}% → {a.score:.2f}%，{move}"
        word = "task" if self.tasks == 1 else "tasks"
        hz = f", close {closed} major risk hazard{'s' if closed != 1 else ''}" if closed else ""
        move = f"you move from '{b.grade_en}' to '{a.grade_en}'" if a.code != b.code else f"you stay at '{a.grade_en}'"
        return f"Do these {self.tasks} {word}{hz} and the rate goes {b.score:.2f}% → {a.score:.2f}%: {move}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_ids": list(self.item_ids),
            "tasks": self.tasks,
            "score_before": None if self.score_before is None else round(self.score_before, 4),
            "score_after": None if self.score_after is None else round(self.score_after, 4),
            "conclusion_before": self.conclusion_before.grade if self.conclusion_before else None,
            "conclusion_after": self.conclusion_after.grade if self.conclusion_after else None,
            "high_before": self.high_before,
            "high_after": self.high_after,
            "summary_zh": self.summary("zh"),
            "summary_en": self.summary("en"),
        }


class WhatIfModel:
    """One assessment's result counts as a grid, so that any set of fixes is scored without the results frame.

    Fixing an item turns its partial and nonconform results into conform on every object and closes its risk;
    not-applicable and not-assessed results stay as they are (a fix does not assess anything new).
    """

    def __init__(
        self,
        score: ScoreResult,
        items: Sequence[Item],
        config: ScoringConfig | None = None,
        hazards: Sequence[Hazard] = (),
    ):
        frame = score.items
        ids = tuple(i.id for i in items)
        if tuple(frame["item_id"]) != ids:
            raise RemediationError("the items given are not the ones the assessment was scored on")
        self.items = list(items)
        self.ids = ids
        self.index = {i: n for n, i in enumerate(ids)}
        self.method = score.method
        self.arrays = item_arrays(items)
        self.rules: ConclusionRules = (config or load_scoring_config()).conclusion
        self.conform = frame["conform"].to_numpy(dtype=float)
        self.partial = frame["partial"].to_numpy(dtype=float)
        self.nonconform = frame["nonconform"].to_numpy(dtype=float)
        self.problem = frame["problem"].to_numpy(dtype=bool)
        self.risk = [parse_risk(r) if isinstance(r, str) else None for r in frame["risk"]]
        self.risk_rank = np.array([RISK_RANK[r] for r in self.risk], dtype=np.int64)
        self.gaps = score.coverage.gaps
        self.labels = _labels(items)
        self.base = score.score
        # the 2025 rules: the conclusion also counts major risk hazards; a fix closes a hazard when it fixes every
        # item the hazard comes from (a cross-cutting hazard with no item is never closed by fixing items)
        self.rate2025 = self.method.conclusion == RATE2025
        self.hazards = list(hazards)

    def indices(self, fixes: Iterable[TaskDraft | str]) -> np.ndarray:
        """The problem items (positions) a set of tasks or item ids covers."""
        out: set[int] = set()
        for f in fixes:
            ids = (f,) if isinstance(f, str) else f.item_ids
            for i in ids:
                if i not in self.index:
                    raise RemediationError(f"item {i} is not in the assessed level and extensions")
                n = self.index[i]
                if self.problem[n]:
                    out.add(n)
        return np.array(sorted(out), dtype=np.int64)

    def scores(self, variants: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Score and highest open risk rank of each variant (a variant = positions of the items fixed)."""
        k = len(variants)
        if k == 0:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        fixed = np.zeros((k, len(self.ids)), dtype=bool)
        for row, idx in enumerate(variants):
            fixed[row, idx] = True
        conform = np.where(fixed, self.conform + self.partial + self.nonconform, self.conform)
        partial = np.where(fixed, 0.0, self.partial)
        nonconform = np.where(fixed, 0.0, self.nonconform)
        score = self.method.overall(ResultGrid(conform, partial, nonconform), self.arrays)
        open_rank = np.where(self.problem & ~fixed, self.risk_rank, 0)
        return score, open_rank.max(axis=1)

    def hazards_after(self, fixed: np.ndarray) -> list[Hazard]:
        """The hazards once the items at `fixed` are fixed: those it closes count as remediated (Q22 still counts
        them)."""
        ids = {self.ids[n] for n in fixed.tolist()}
        closes = closed_by(self.hazards, ids)
        return [
            replace(h, remediated_on=h.remediated_on or date.max) if c and not h.remediated else h
            for h, c in zip(self.hazards, closes, strict=True)
        ]

    def conclusion(self, fixed: np.ndarray) -> tuple[float | None, Conclusion | None, int]:
        score, _ = self.scores([fixed])
        s = None if np.isnan(score[0]) else float(score[0])
        done = set(fixed.tolist())
        open_risks = {self.ids[n]: self.risk[n] for n in np.flatnonzero(self.problem) if n not in done}
        high = sum(1 for r in open_risks.values() if r is Risk.HIGH)
        if self.rate2025:
            low, hi = rate_range(self._grid([fixed]), self.arrays, self.method.parameters)
            verdict = conclude_2025(s, float(low[0]), float(hi[0]), tally(self.hazards_after(fixed)),
                                    risks=open_risks, gaps=self.gaps)  # fmt: skip
            return s, verdict, high
        return s, conclude(s, open_risks, rules=self.rules, labels=self.labels, gaps=self.gaps), high

    def _grid(self, variants: Sequence[np.ndarray]) -> ResultGrid:
        fixed = np.zeros((len(variants), len(self.ids)), dtype=bool)
        for row, idx in enumerate(variants):
            fixed[row, idx] = True
        return ResultGrid(
            np.where(fixed, self.conform + self.partial + self.nonconform, self.conform),
            np.where(fixed, 0.0, self.partial),
            np.where(fixed, 0.0, self.nonconform),
        )

    def what_if(self, fixes: Iterable[TaskDraft | str]) -> WhatIf:
        fixes = list(fixes)
        idx = self.indices(fixes)
        s0, c0, h0 = self.conclusion(np.zeros(0, dtype=np.int64))
        s1, c1, h1 = self.conclusion(idx)
        return WhatIf(
            item_ids=tuple(self.ids[n] for n in idx),
            tasks=len(fixes),
            score_before=s0,
            score_after=s1,
            conclusion_before=c0,
            conclusion_after=c1,
            high_before=h0,
            high_after=h1,
        )

    def reaches(self, score: np.ndarray, worst: np.ndarray, target: float, max_rank: int) -> np.ndarray:
        """Which variants reach the target: the score, rounded as the conclusion rounds it, and the risk limit."""
        rounded = np.round(np.nan_to_num(score, nan=-1.0), self.rules.score_decimals)
        return (rounded >= target - _EPS) & (worst <= max_rank)


def what_if(
    score: ScoreResult,
    items: Sequence[Item],
    fixes: Iterable[TaskDraft | str],
    config: ScoringConfig | None = None,
    hazards: Sequence[Hazard] = (),
) -> WhatIf:
    """The score and conclusion if these tasks (or item ids) were done. Equals re-scoring `apply_fixes`
    (under the 2025 rules with the hazards they close counted as remediated)."""
    return WhatIfModel(score, items, config, hazards).what_if(fixes)


def live_points(
    tasks: Sequence[TaskDraft], score: ScoreResult, items: Sequence[Item], hazards: Sequence[Hazard] = ()
) -> list[TaskDraft]:
    """The tasks with `points` recomputed against today's results: what the what-if shows for each task alone
    (a stored task keeps the points of the day it was planned otherwise; issue 18 item 4)."""
    if not tasks:
        return []
    model = WhatIfModel(score, items, hazards=hazards)
    values, _ = model.scores([model.indices([t]) for t in tasks])
    base = model.base
    return [
        replace(t, points=0.0 if base is None or np.isnan(v) else max(float(v - base), 0.0))
        for t, v in zip(tasks, values, strict=True)
    ]


def fixed_already(model: WhatIfModel) -> set[str]:
    """Items of the assessment that are not problems (nothing left to fix on them)."""
    return {model.ids[n] for n in np.flatnonzero(~model.problem)}


def verdict_target(code: str) -> tuple[float, bool]:
    """The 2025 target as (lowest rate shown that reaches it, whether every open hazard must be closed):
    'conform' needs a rate above 90 (the next value shown, e.g. 90.01) and no open hazard; 'basic' 60."""
    rules = load_verdict_rules()
    if code == "conform":
        return rules.conform_above + 10 ** -rules.rate_decimals, True
    if code == "basic":
        return rules.basic_from, False
    raise RemediationError(f"unknown 2025 target '{code}'; known: conform, basic")


def apply_fixes(results: pd.DataFrame, fixes: Iterable[TaskDraft | str]) -> pd.DataFrame:
    """The results as they would be once the tasks are done: the partial and nonconform rows of their items
    become conform with no risk. Other rows are unchanged."""
    ids: set[str] = set()
    for f in fixes:
        ids.update((f,) if isinstance(f, str) else f.item_ids)
    out = results.copy()
    res = [parse_result("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)) for v in out["result"]]
    hit = np.array([i in ids and r in PROBLEMS for i, r in zip(out["item_id"], res, strict=True)], dtype=bool)
    out["result"] = pd.Series(
        [Result.CONFORM.value if h else r.value for h, r in zip(hit, res, strict=True)], index=out.index, dtype=object
    )
    if "risk" in out.columns:
        out["risk"] = pd.Series([None if h else v for h, v in zip(hit, out["risk"], strict=True)], index=out.index,
                                dtype=object)  # fmt: skip
    return out


# ---------------------------------------------------------------- generating the plan


def _cases_for(item_id: str, level: int, cases: HighRiskGuideline, conditions: SystemConditions) -> list[HighRiskCase]:
    return [c for c in cases_for_gap(cases, item_id, conditions) if item_id in c.items_at(level)]


def _objects_with_problems(results: pd.DataFrame | None) -> dict[str, list[str]]:
    if results is None or results.empty or "assessed_object" not in results.columns:
        return {}
    out: dict[str, list[str]] = {}
    for item_id, obj, res in zip(results["item_id"], results["assessed_object"], results["result"], strict=True):
        word = "" if res is None or (not isinstance(res, str) and pd.isna(res)) else str(res)
        name = "" if obj is None or (not isinstance(obj, str) and pd.isna(obj)) else str(obj).strip()
        if name and parse_result(word) in PROBLEMS:
            out.setdefault(str(item_id), []).append(name)
    return out


def _action(item: Item, cases: list[HighRiskCase], objects: list[str], lang: str) -> str:
    zh = lang == "zh"
    head = f"{item.id}（{item.control_point_zh} {item.letter}）" if zh else (
        f"{item.id} ({item.control_point_en} {item.letter})")  # fmt: skip
    lines = [f"{head}：{item.requirement_zh}" if zh else f"{head}: {item.requirement_en}"]
    if objects:
        lines.append(("  涉及对象：" + "、".join(objects)) if zh else ("  On: " + ", ".join(objects)))
    for c in cases:
        lines.append(f"  高风险判例 {c.id}「{c.title_zh}」的整改：{c.fix_zh}" if zh
                     else f"  High-risk case {c.id} ({c.title_en}), the fix: {c.fix_en}")  # fmt: skip
    lines.append(f"  完成后应能出示：{item.evidence_zh}" if zh else f"  Then be ready to show: {item.evidence_en}")
    return "\n".join(lines)


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _title(group: list[Item], cases: list[HighRiskCase], lang: str) -> str:
    first = group[0]
    zh = lang == "zh"
    if cases:
        c = cases[0]
        return f"消除高风险：{c.title_zh}" if zh else f"Remove a high risk: {c.title_en}"
    if len(group) == 1:
        return (f"{first.control_point_zh} {first.letter}）：{_short(first.requirement_zh)}" if zh
                else f"{first.control_point_en} {first.letter}): {_short(first.requirement_en, 70)}")  # fmt: skip
    return (f"整改控制点“{first.control_point_zh}”（{len(group)} 项）" if zh
            else f"Fix the control point '{first.control_point_en}' ({len(group)} items)")  # fmt: skip


def plan_tasks(
    score: ScoreResult,
    items: Sequence[Item],
    level: int,
    *,
    grouping: Grouping | str = Grouping.ITEM,
    results: pd.DataFrame | None = None,
    cases: HighRiskGuideline | None = None,
    conditions: SystemConditions = ALL_CONDITIONS,
    exclude_items: Iterable[str] = (),
    config: ScoringConfig | None = None,
) -> list[TaskDraft]:
    """Tasks for every problem of a scored assessment, in priority order (see the module docstring).

    `results` (the frame that was scored) adds the objects each problem was found on. `exclude_items`: items
    already covered by stored tasks, left out (so generating again adds only what is new). `conditions`: the
    system's recorded conditions, which decide the guideline cases whose fix a task carries (default: every
    case tied to the item).
    """
    try:
        grouping = Grouping(grouping)
    except ValueError:
        raise RemediationError(f"grouping '{grouping}' is not one of item, control_point") from None
    if not is_level(level, assessed=True):
        raise RemediationError(f"level must be 1 to 4, not {level}")
    model = WhatIfModel(score, items, config)
    cases = cases or load_guideline()
    excluded = set(exclude_items)
    objects = _objects_with_problems(results)
    by_id = {i.id: i for i in items}
    groups: dict[str, list[Item]] = {}
    for n in np.flatnonzero(model.problem):
        it = by_id[model.ids[n]]
        if it.id in excluded:
            continue
        key = f"item:{it.id}" if grouping is Grouping.ITEM else f"cp:{it.scope}/{it.category}/{it.control_point}"
        groups.setdefault(key, []).append(it)
    keys = list(groups)
    variants = [model.indices([i.id for i in groups[k]]) for k in keys]
    scores, _ = model.scores(variants)
    base = np.nan if model.base is None else model.base
    drafts = []
    for k, s in zip(keys, scores, strict=True):
        group = groups[k]
        first = group[0]
        matched = {i.id: _cases_for(i.id, level, cases, conditions) for i in group}
        all_cases = list(dict.fromkeys(c for i in group for c in matched[i.id]))
        ranks = [model.risk_rank[model.index[i.id]] for i in group]
        worst = max(ranks)
        risk = next(r for r, v in RISK_RANK.items() if v == worst)
        points = 0.0 if np.isnan(base) or np.isnan(s) else max(float(s - base), 0.0)
        drafts.append(
            TaskDraft(
                key=k,
                item_ids=tuple(i.id for i in group),
                scope=first.scope,
                category=first.category,
                control_point=first.control_point,
                control_point_zh=first.control_point_zh,
                control_point_en=first.control_point_en,
                title_zh=_title(group, all_cases, "zh"),
                title_en=_title(group, all_cases, "en"),
                action_zh="\n".join(_action(i, matched[i.id], objects.get(i.id, []), "zh") for i in group),
                action_en="\n".join(_action(i, matched[i.id], objects.get(i.id, []), "en") for i in group),
                risk=risk,
                case_ids=tuple(c.id for c in all_cases),
                points=points,
                priority=0,
            )
        )
    return prioritise(drafts)


def priority_key(task: TaskDraft) -> tuple:
    """High risk first, then the points the task returns, then the worse risk, then the key (stable)."""
    return (0 if task.risk is Risk.HIGH else 1, -round(task.points, 9), -RISK_RANK[task.risk], task.key)


def prioritise(tasks: Iterable[TaskDraft]) -> list[TaskDraft]:
    """The tasks in priority order, numbered from 1."""
    ordered = sorted(tasks, key=priority_key)
    return [_renumber(t, n) for n, t in enumerate(ordered, start=1)]


def _renumber(task: TaskDraft, n: int) -> TaskDraft:
    return replace(task, priority=n)


# ---------------------------------------------------------------- the minimal set


@dataclass(frozen=True)
class Suggestion:
    """A small set of tasks that closes every risk above `max_risk` and reaches `target_score`."""

    tasks: tuple[TaskDraft, ...]  # in priority order
    outcome: WhatIf
    target_score: float
    max_risk: Risk | None
    reached: bool
    required: tuple[str, ...]  # keys of the tasks that had to be in (they hold a risk above the limit)
    uncovered_ids: tuple[str, ...] = ()  # items over the risk limit that no task covers
    note_zh: str = ""
    note_en: str = ""

    def note(self, lang: str) -> str:
        return _pick(self.note_zh, self.note_en, lang)


def grade_target(code: str, config: ScoringConfig | None = None) -> tuple[float, Risk | None]:
    """The (minimum score, highest risk allowed) of a conclusion grade by its code (excellent, good, fair)."""
    rules = (config or load_scoring_config()).conclusion
    for g in rules.grades:
        if g.code == code or g.zh == code:
            return g.min_score, g.max_risk
    raise RemediationError(f"unknown grade '{code}'; known: {', '.join(g.code for g in rules.grades)}")


def suggest_minimal_set(
    score: ScoreResult,
    items: Sequence[Item],
    tasks: Sequence[TaskDraft],
    target_score: float,
    *,
    max_risk: Risk | None = Risk.MEDIUM,
    config: ScoringConfig | None = None,
    hazards: Sequence[Hazard] = (),
    close_hazards: bool = False,
) -> Suggestion:
    """Tasks that close every open risk above `max_risk` (default: every high risk) and reach `target_score`.

    1. every task holding a problem with a risk above the limit is required;
    2. greedy: while the target is not reached, add the task that returns the most points;
    3. prune: drop any added task (least useful first) without which the target is still reached.
    `reached` is False (with a note) when even every task together does not reach the target.
    """
    if not isinstance(target_score, int | float) or isinstance(target_score, bool) or not 0 <= target_score <= 100:
        raise RemediationError(f"the target score must be a number from 0 to 100, not {target_score!r}")
    model = WhatIfModel(score, items, config, hazards)
    limit = RISK_RANK[max_risk]
    tasks = list(tasks)
    idx = [model.indices([t]) for t in tasks]
    over = {model.ids[n] for n in np.flatnonzero(model.problem & (model.risk_rank > limit))}
    open_hazards = [h for h in model.hazards if not h.remediated] if close_hazards else []
    hazard_items = {i for h in open_hazards for i in h.item_ids}
    covered = {model.ids[n] for i in idx for n in i}
    uncovered = tuple(sorted(over - covered)) + tuple(
        sorted(h.code for h in open_hazards if not h.item_ids or not set(h.item_ids) <= covered | fixed_already(model))
    )
    required = [
        n for n, i in enumerate(idx)
        if any(model.risk_rank[j] > limit for j in i) or any(model.ids[j] in hazard_items for j in i)
    ]  # fmt: skip
    chosen = list(required)

    def union(positions: list[int], extra: int | None = None) -> np.ndarray:
        parts = [idx[p] for p in positions] + ([idx[extra]] if extra is not None else [])
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def ok(positions: list[int]) -> bool:
        fixed = union(positions)
        s, w = model.scores([fixed])
        if open_hazards and any(not h.remediated for h in model.hazards_after(fixed)):
            return False
        return bool(model.reaches(s, w, target_score, limit)[0])

    added: list[int] = []
    while not ok(chosen):
        rest = [n for n in range(len(tasks)) if n not in chosen]
        if not rest:
            break
        s, _ = model.scores([union(chosen, n) for n in rest])
        current, _ = model.scores([union(chosen)])
        gains = np.nan_to_num(s, nan=-1.0) - np.nan_to_num(current[0], nan=0.0)
        best = int(np.argmax(gains))  # ties: the first, i.e. the task earlier in priority order
        if gains[best] <= _EPS:
            break
        chosen.append(rest[best])
        added.append(rest[best])
    reached = ok(chosen)
    if reached:
        # prune, least useful first: the later a greedy pick, the fewer points it added
        for n in reversed(added):
            trial = [p for p in chosen if p != n]
            if ok(trial):
                chosen = trial
    picked = sorted((tasks[n] for n in chosen), key=priority_key)
    outcome = model.what_if(picked)
    note_zh = note_en = ""
    if uncovered:
        shown = "、".join(uncovered[:5])
        note_zh = f"有 {len(uncovered)} 个超出要求的问题或重大风险隐患没有能关闭它的整改任务：{shown}"
        note_en = f"{len(uncovered)} problems or hazards over the limit have no task that closes them: " + ", ".join(
            uncovered[:5]
        )
    elif not reached:
        best = "—" if outcome.score_after is None else f"{outcome.score_after:.2f}"
        note_zh = f"即使完成全部任务也达不到 {target_score:g} 分（最多 {best}）。"
        note_en = f"Even every task together does not reach {target_score:g} (at most {best})."
    return Suggestion(
        tasks=tuple(picked),
        outcome=outcome,
        target_score=float(target_score),
        max_risk=max_risk,
        reached=reached and not uncovered,
        required=tuple(tasks[n].key for n in required),
        uncovered_ids=uncovered,
        note_zh=note_zh,
        note_en=note_en,
    )


# ---------------------------------------------------------------- burn-down


@dataclass(frozen=True)
class StatusEvent:
    """A task's status from a moment on (its creation is the first event)."""

    task_id: int
    at: datetime
    status: TaskStatus


def burndown(
    tasks: Sequence[RemediationTask],
    events: Sequence[StatusEvent],
    *,
    end: date,
    start: date | None = None,
) -> pd.DataFrame:
    """Open tasks (open or in progress at the end of the day) by risk, one row per day from `start` (default: the
    first event) to `end`. Columns: day, high, medium, low, unrated, total."""
    cols = ["day", "high", "medium", "low", "unrated", "total"]
    risk_of = {t.id: t.risk for t in tasks}
    evs = sorted((e for e in events if e.task_id in risk_of), key=lambda e: (e.at, e.task_id))
    if not evs:
        return pd.DataFrame(columns=cols)
    first = evs[0].at.date()
    start = start or first
    if end < start:
        raise RemediationError(f"the burn-down ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    if (end - start).days > 3660:
        raise RemediationError("the burn-down covers at most ten years")
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    state: dict[int, TaskStatus] = {}
    rows = []
    pos = 0
    for d in days:
        while pos < len(evs) and evs[pos].at.date() <= d:
            state[evs[pos].task_id] = evs[pos].status
            pos += 1
        counts = dict.fromkeys(RISK_ORDER, 0)
        for tid, st in state.items():
            if st in OPEN_STATUSES:
                counts[risk_of[tid]] += 1
        rows.append([d, counts[Risk.HIGH], counts[Risk.MEDIUM], counts[Risk.LOW], counts[None], sum(counts.values())])
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------- export

_HEADERS = {
    "priority": ("优先级", "Priority"),
    "title": ("任务", "Task"),
    "items": ("测评项", "Items"),
    "category": ("安全类", "Category"),
    "control_point": ("控制点", "Control point"),
    "risk": ("风险", "Risk"),
    "cases": ("高风险情形", "High-risk cases"),
    "points": ("完成后可提高的分数", "Points returned"),
    "action": ("整改内容", "What to do"),
    "owner": ("责任人", "Owner"),
    "due_on": ("完成期限", "Due"),
    "status": ("状态", "Status"),
    "reason": ("接受风险的理由", "Why the risk is accepted"),
    "closing_evidence": ("完成证据", "Closing evidence"),
}


PLAN_COLUMNS = tuple(_HEADERS)


def plan_rows(
    tasks: Sequence[TaskDraft],
    lang: str,
    category_names: Mapping[str, str] | None = None,
    columns: Sequence[str] = PLAN_COLUMNS,
) -> pd.DataFrame:
    """The plan as a table (one row per task) with headers in `lang`: for the page and the workbook. `columns`
    picks and orders the columns (keys of PLAN_COLUMNS)."""
    unknown = [c for c in columns if c not in _HEADERS]
    if unknown:
        raise RemediationError(f"unknown plan column(s): {', '.join(unknown)}")
    names = category_names or {}
    rows = []
    for t in tasks:
        stored = isinstance(t, RemediationTask)
        rows.append(
            {
                "priority": t.priority,
                "title": t.title(lang),
                "items": display_ids(t.item_ids, lang),
                "category": f"{t.category} {names.get(t.category, '')}".strip(),
                "control_point": _pick(t.control_point_zh, t.control_point_en, lang),
                "risk": risk_name(t.risk, lang) if t.risk else "",
                "cases": ", ".join(t.case_ids),
                "points": round(t.points, 2),
                "action": t.action(lang),
                "owner": t.owner if stored else "",
                "due_on": t.due_on if stored else None,
                "status": status_name(t.status, lang) if stored else status_name(TaskStatus.OPEN, lang),
                "reason": t.reason if stored else "",
                "closing_evidence": t.closing_evidence if stored else "",
            }
        )
    frame = pd.DataFrame(rows, columns=list(_HEADERS))[list(columns)]
    return frame.rename(columns={k: _pick(zh, en, lang) for k, (zh, en) in _HEADERS.items()})


def plan_summary(tasks: Sequence[RemediationTask], today: date) -> dict[str, Any]:
    """Counts for the page's header: by status, open by risk, overdue."""
    by_status = {s.value: 0 for s in TaskStatus}
    open_by_risk = {(r.value if r else "unrated"): 0 for r in RISK_ORDER}
    overdue = 0
    for t in tasks:
        by_status[t.status.value] += 1
        if t.is_open:
            open_by_risk[t.risk.value if t.risk else "unrated"] += 1
            overdue += t.overdue(today)
    return {"by_status": by_status, "open_by_risk": open_by_risk, "overdue": overdue, "total": len(tasks)}




def results_to_close(task: TaskDraft, results: Iterable[Any]) -> list[Any]:
    """The stored results (ItemResult) of a task's items that are still partial or nonconform: what closing the
    task with evidence offers to update."""
    ids = set(task.item_ids)
    return [r for r in results if r.item_id in ids and Result(r.result) in PROBLEMS]
