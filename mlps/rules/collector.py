"""Findings of the Linux collector as proposed results (issue 19).

Which requirement items each finding is evidence for, per level, is data (mlps/controls/collector.yaml); the
reasoning is in docs/collector.md. A bundle's findings are re-mapped to the assessment's level here, whatever
level the collector was run with. Several findings on one item combine: all conform -> conform, all nonconform ->
nonconform, any other mix of known verdicts -> partial; unknown findings add only to the evidence note.

A proposal never replaces what an assessor recorded: each proposal is `new` (nothing recorded yet), `same` /
`update` (the recorded result is the one a collector import wrote and nobody has changed since), or `conflict`
(an assessor's own result: written only when the assessor asks for that item).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import field_validator

from mlps.rules.domain import ItemResult, Result
from mlps.rules.levels import AssessedLevel
from mlps.rules.rulefiles import RuleModel, load

MAP_FILE = "collector.yaml"
VERDICT_RESULT = {"conform": Result.CONFORM, "partial": Result.PARTIAL, "nonconform": Result.NONCONFORM}
VERDICT_WORDS = {
    "conform": {"zh": "符合", "en": "conforms"},
    "partial": {"zh": "部分符合", "en": "partly"},
    "nonconform": {"zh": "不符合", "en": "does not"},
    "unknown": {"zh": "未能判断", "en": "unknown"},
}
NOTE_MARK = "[mlps collector]"  # first words of every evidence note an import writes


@dataclass(frozen=True)
class CollectorMap:
    version: str
    default_level: int
    thresholds: dict
    items: dict[str, dict[int, tuple[str, ...]]]  # check -> level -> item ids
    points: dict[str, dict[str, tuple[str, ...]]]  # check -> control point key -> letters

    def item_ids(self, check: str, level: int) -> tuple[str, ...]:
        return self.items.get(check, {}).get(level, ())

    def for_bundle(self) -> dict:
        """The mapping as the collector reads it (JSON-ready; levels as text keys)."""
        return {
            "version": self.version,
            "default_level": self.default_level,
            "thresholds": self.thresholds,
            "checks": {c: {"items": {str(lv): list(ids) for lv, ids in by.items()}} for c, by in self.items.items()},
        }


class _CheckEntry(RuleModel):
    items: dict[AssessedLevel, list[str]]  # level -> item ids
    points: dict[str, list[str]] = {}  # control point key -> letters


class CollectorFile(RuleModel):
    """collector.yaml as written: which items each check is evidence for, per level, and the thresholds."""

    version: str = ""
    default_level: AssessedLevel = 3
    thresholds: dict[str, Any] = {}
    checks: dict[str, _CheckEntry]

    @field_validator("version", mode="before")
    @classmethod
    def _text(cls, v: Any) -> str:
        return str(v)

    def to_map(self) -> CollectorMap:
        return CollectorMap(
            self.version,
            self.default_level,
            dict(self.thresholds),
            {c: {lv: tuple(ids) for lv, ids in e.items.items()} for c, e in self.checks.items()},
            {c: {k: tuple(v) for k, v in e.points.items()} for c, e in self.checks.items()},
        )


def load_collector_map(path=None) -> CollectorMap:
    """Read and check mlps/controls/collector.yaml ($MLPS_CONTROLS_DIR may replace it)."""
    return load(Path(path) if path else MAP_FILE, CollectorFile).to_map()


def combine(verdicts: Iterable[str]) -> Result | None:
    """One item's result from the verdicts of the findings on it (unknown ones left out); None when none is known."""
    known = {v for v in verdicts if v in VERDICT_RESULT}
    if not known:
        return None
    if known == {"conform"}:
        return Result.CONFORM
    if known == {"nonconform"}:
        return Result.NONCONFORM
    return Result.PARTIAL


@dataclass(frozen=True)
class Proposal:
    item_id: str
    result: Result  # NOT_ASSESSED when every finding on the item was unknown (the note alone is proposed)
    record: str
    checks: tuple[str, ...]
    status: str  # new | same | update | conflict
    current: ItemResult | None


def note(header: str, findings: list[dict], lang: str) -> str:
    lines = [f"{NOTE_MARK} {header}"]
    for f in findings:
        word = VERDICT_WORDS.get(f["verdict"], VERDICT_WORDS["unknown"])[lang]
        lines.append(f"- [{word}] {f['check']}: {f['detail_zh'] if lang == 'zh' else f['detail_en']}")
    return "\n".join(lines)


def header_text(hostname: str, os_name: str, collected_at: str, findings_sha256: str, lang: str) -> str:
    if lang == "zh":
        return f"{hostname}（{os_name}）于 {collected_at} 采集，发现的 sha256 {findings_sha256[:16]}…"
    return f"collected on {hostname} ({os_name}) at {collected_at}, findings sha256 {findings_sha256[:16]}…"


def plan_proposals(
    findings: Iterable[Mapping],
    level: int,
    cmap: CollectorMap,
    valid_item_ids: set[str],
    current: Iterable[ItemResult],
    assessed_object: str,
    header: str,
    lang: str,
    collector_versions: Mapping[str, int] | None = None,
) -> list[Proposal]:
    """The proposed result and evidence note per item of the assessment the findings are evidence for, in item
    order, each with how it stands against what is recorded on `assessed_object`. `collector_versions` holds, per
    item, the version of the result a collector import last wrote on this object (so it can be updated)."""
    by_item: dict[str, list[dict]] = {}
    for f in findings:
        for item_id in cmap.item_ids(str(f.get("check")), level):
            if item_id in valid_item_ids:
                by_item.setdefault(item_id, []).append(dict(f))
    recorded = {r.item_id: r for r in current if r.assessed_object == assessed_object}
    owned = collector_versions or {}
    out = []
    for item_id in sorted(by_item):
        fs = by_item[item_id]
        result = combine(f["verdict"] for f in fs) or Result.NOT_ASSESSED
        record = note(header, fs, lang)
        cur = recorded.get(item_id)
        if cur is None or (cur.result == Result.NOT_ASSESSED and not cur.record.strip()):
            status = "new"
        elif owned.get(item_id) == cur.version:
            status = "same" if (cur.result, cur.record) == (result, record) else "update"
        else:
            status = "conflict"
        out.append(Proposal(item_id, result, record, tuple(f["check"] for f in fs), status, cur))
    return out


@dataclass(frozen=True)
class FindingChange:
    check: str
    before: str | None  # None: not in the earlier bundle
    after: str | None


def changes_between(earlier: Iterable[Mapping], later: Iterable[Mapping]) -> list[FindingChange]:
    """The checks whose verdict differs between two collections of the same object (a re-collection)."""
    before = {str(f["check"]): str(f["verdict"]) for f in earlier}
    after = {str(f["check"]): str(f["verdict"]) for f in later}
    return [
        FindingChange(c, before.get(c), after.get(c))
        for c in sorted(set(before) | set(after))
        if before.get(c) != after.get(c)
    ]
