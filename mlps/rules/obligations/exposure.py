"""The organisation's exposure: which systems are at legal risk, the penalty that applies, ordered by severity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from mlps.rules.obligations.duties import SystemLifecycle, SystemObligations, obligations_for
from mlps.rules.obligations.settings import Case, ObligationSettings, Penalty, Severity, load_settings, penalty_on
from mlps.rules.workdays import (
    IsWorkday,
    official_is_workday,
)

# ---------------------------------------------------------------------------------------------- organisation


@dataclass(frozen=True)
class Exposure:
    """The organisation's exposure on a date: red systems first, the penalty in force, the Yibin example."""

    today: date
    severity: Severity
    systems: tuple[SystemObligations, ...]  # red first, then amber, then green
    penalty: Penalty
    case: Case
    headline_zh: str
    headline_en: str

    @property
    def red(self) -> tuple[SystemObligations, ...]:
        return tuple(x for x in self.systems if x.severity is Severity.RED)

    @property
    def amber(self) -> tuple[SystemObligations, ...]:
        return tuple(x for x in self.systems if x.severity is Severity.AMBER)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "severity": self.severity.value,
            "red_count": len(self.red),
            "amber_count": len(self.amber),
            "headline_zh": self.headline_zh,
            "headline_en": self.headline_en,
            "penalty": self.penalty.as_dict(),
            "case": asdict(self.case),
            "systems": [
                {
                    "system_id": x.system_id,
                    "name": x.name,
                    "level": x.level,
                    "severity": x.severity.value,
                    "reasons_zh": list(x.reasons_zh),
                    "reasons_en": list(x.reasons_en),
                }
                for x in self.systems
            ],
        }


_SEVERITY_ORDER = {Severity.RED: 0, Severity.AMBER: 1, Severity.GREEN: 2}


def exposure(
    systems: Iterable[SystemLifecycle | SystemObligations],
    today: date,
    settings: ObligationSettings | None = None,
    is_workday: IsWorkday = official_is_workday,
) -> Exposure:
    """The organisation's exposure on `today`: any level >= 2 system not graded, not filed or not assessed in
    time makes it red; the penalty provision in force that day and the Yibin case explain what is at stake."""
    s = settings or load_settings()
    judged = [x if isinstance(x, SystemObligations) else obligations_for(x, today, s, is_workday) for x in systems]
    judged.sort(key=lambda x: (_SEVERITY_ORDER[x.severity], x.name))
    penalty = penalty_on(today, s)
    red = [x for x in judged if x.severity is Severity.RED]
    amber = [x for x in judged if x.severity is Severity.AMBER]
    case = s.cases["yibin"]
    if red:
        severity = Severity.RED
        zh = (
            f"有 {len(red)} 个系统未定级、未按期备案或未按期测评，单位面临处罚风险。"
            f"按 {today.isoformat()} 适用的{penalty.summary_zh}"
        )
        en = (
            f"{len(red)} system(s) not graded, not filed or not assessed in time: the organisation is exposed to "
            f"a penalty. On {today.isoformat()} the provision in force is {penalty.summary_en}"
        )
    elif amber:
        severity = Severity.AMBER
        zh = f"没有未定级、未备案或逾期测评的系统；{len(amber)} 个系统有其他逾期事项。"
        en = f"No system is ungraded, unfiled or overdue for assessment; {len(amber)} have other overdue items."
    else:
        severity = Severity.GREEN
        zh, en = "所有系统的等级保护义务均已按期履行。", "Every system's MLPS duties are met on time."
    return Exposure(today, severity, tuple(judged), penalty, case, zh, en)
