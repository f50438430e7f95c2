"""The portfolio: every system of an organisation with its level, filing state, last score and conclusion, open
risks and overdue obligations, worst first; and the score trend of one system across its assessments.

Pure: takes the systems, their current gradings, their assessments and ONE long frame of results (as
mlps.adapters.store.remediation.results_long reads it), scores them with mlps.rules.scoring.score_many, one call per
(level, extensions) group since a call shares one item list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

import numpy as np
import pandas as pd

from mlps.rules.catalogue import Catalogue
from mlps.rules.domain import GradingRecord, System
from mlps.rules.scoring import score_many
from mlps.rules.scoring_methods import ScoringConfig, load_scoring_config
from mlps.rules.verdict2025 import method_for

FILING_STATES = ("not_graded", "graded_not_filed", "filed", "no_filing_needed")
# worst first: a system never assessed is the least known, then 差, 中, 良, 优
# worst first across both schemes: 优/良/中/差 (2019/2021 templates) and 符合/基本符合/不符合 (2025)
GRADE_RANK = {None: 0, "poor": 1, "nonconform": 1, "fair": 2, "basic": 2, "good": 3, "excellent": 4, "conform": 4}

COLUMNS = [
    "method",
    "system_id",
    "system",
    "level",
    "filing",
    "graded_on",
    "filed_on",
    "filing_number",
    "assessment_id",
    "assessment_title",
    "assessment_date",
    "assessment_level",
    "score",
    "grade",
    "grade_code",
    "high",
    "medium",
    "low",
    "problems",
    "gaps",
    "overdue",
    "dropped_rows",
]


class AssessmentLike(Protocol):
    id: int
    system_id: int
    level: int
    extensions: tuple[str, ...]
    started_on: date | None
    title: str


def filing_state(grading: GradingRecord | None, filing_min_level: int = 2) -> str:
    """not_graded / no_filing_needed (level 1: not filed, docs/domain.md) / graded_not_filed / filed."""
    if grading is None:
        return "not_graded"
    if grading.level < filing_min_level:
        return "no_filing_needed"
    return "filed" if grading.filed_on else "graded_not_filed"


def _method_of(a: AssessmentLike, method: str | None, config: ScoringConfig) -> str:
    """The method given, else the assessment's own (chosen, or by its report date), else the configured default."""
    if method:
        return method
    chosen, when = getattr(a, "scoring_method", None), getattr(a, "report_date", None)
    return method_for(when, chosen) if chosen or when else config.default_method


def score_assessments(
    assessments: Sequence[AssessmentLike],
    results: pd.DataFrame,
    catalogue: Catalogue,
    method: str | None = None,
    *,
    config: ScoringConfig | None = None,
    open_hazards: Mapping[int, int] | None = None,
) -> pd.DataFrame:
    """score_many over assessments of different levels and extensions: one row per assessment id (index
    'assessment') with score, grade, grade_code, high, medium, low, problems, gaps, scored, dropped_rows.
    Result rows naming items outside an assessment's level and extensions (e.g. after a catalogue change)
    are left out and counted in dropped_rows. An assessment with no result row gets NaN score and no grade.
    With no `method`, each assessment is judged by its own (the report date's, or the one chosen: 2025 gives
    the rate and 符合 / 基本符合 / 不符合 with `open_hazards`, older ones keep 优/良/中/差); column `method` says
    which."""
    config = config or load_scoring_config()
    cols = ["score", "grade", "grade_code", "high", "medium", "low", "unrated", "problems", "gaps", "scored", "method"]
    groups: dict[tuple[int, tuple[str, ...], str], list[int]] = {}
    for a in assessments:
        m = _method_of(a, method, config)
        groups.setdefault((a.level, tuple(sorted(a.extensions)), m), []).append(a.id)
    parts = []
    dropped: dict[int, int] = {}
    by_assessment = results.groupby("assessment", sort=False).indices if len(results) else {}
    for (level, ext, m), ids in groups.items():
        items = catalogue.select(level, list(ext))
        rows = [by_assessment[i] for i in ids if i in by_assessment]
        sub = results.iloc[np.concatenate(rows)] if rows else results.iloc[0:0]
        known = sub["item_id"].isin({i.id for i in items}).to_numpy()
        if (~known).any():
            for aid, n in sub.loc[~known, "assessment"].value_counts().items():
                dropped[int(aid)] = int(n)
            sub = sub[known]
        if len(sub):
            scored = score_many(sub, items, m, config=config, categories=False, open_hazards=open_hazards)
            scored["method"] = m
            scored["problems"] = scored[["high", "medium", "low", "unrated"]].sum(axis=1)
            scored.index = scored.index.astype(int)
            parts.append(scored)
        present = set(sub["assessment"]) if len(sub) else set()
        missing = [i for i in ids if i not in present]
        if missing:
            empty = pd.DataFrame(index=pd.Index(missing, name="assessment"))
            empty["score"] = np.nan
            empty["gaps"] = len(items)
            empty["method"] = m
            parts.append(empty)
    out = pd.concat(parts) if parts else pd.DataFrame(columns=cols)
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan if c == "score" else None if c in ("grade", "grade_code", "method") else 0
    out["dropped_rows"] = [dropped.get(int(i), 0) for i in out.index]
    for c in ("high", "medium", "low", "unrated", "problems", "gaps", "scored"):
        out[c] = out[c].fillna(0).astype(int)
    out.index.name = "assessment"
    return out[cols + ["dropped_rows"]]


def portfolio_table(
    systems: Sequence[System],
    gradings: Mapping[int, GradingRecord],
    latest: Mapping[int, AssessmentLike],
    results: pd.DataFrame,
    catalogue: Catalogue,
    method: str | None = None,
    *,
    overdue: Mapping[int, int] | None = None,
    config: ScoringConfig | None = None,
    open_hazards: Mapping[int, int] | None = None,
) -> pd.DataFrame:
    """One row per system, worst first: never assessed, then 差, 中, 良, 优; within a grade more high risks,
    then the lower score, then more overdue obligations. `overdue` maps a system id to its number of overdue
    obligations (None when obligations are not known: the column is then empty)."""
    scored = score_assessments(list(latest.values()), results, catalogue, method, config=config,
                               open_hazards=open_hazards)  # fmt: skip
    rows: list[dict[str, Any]] = []
    for s in systems:
        g = gradings.get(s.id)
        a = latest.get(s.id)
        r = scored.loc[a.id] if a is not None and a.id in scored.index else None
        rows.append(
            {
                "system_id": s.id,
                "system": s.name,
                "level": g.level if g else None,
                "filing": filing_state(g),
                "graded_on": g.graded_on if g else None,
                "filed_on": g.filed_on if g else None,
                "filing_number": g.filing_number if g else "",
                "assessment_id": a.id if a else None,
                "assessment_title": a.title if a else "",
                "assessment_date": a.started_on if a else None,
                "assessment_level": a.level if a else None,
                "score": float(r["score"]) if r is not None and not pd.isna(r["score"]) else np.nan,
                "grade": r["grade"] if r is not None else None,
                "grade_code": r["grade_code"] if r is not None else None,
                "high": int(r["high"]) if r is not None else 0,
                "medium": int(r["medium"]) if r is not None else 0,
                "low": int(r["low"]) if r is not None else 0,
                "problems": int(r["problems"]) if r is not None else 0,
                "gaps": int(r["gaps"]) if r is not None else 0,
                "overdue": overdue.get(s.id) if overdue is not None else None,
                "dropped_rows": int(r["dropped_rows"]) if r is not None else 0,
                "method": r["method"] if r is not None else None,
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    key = pd.DataFrame(
        {
            "g": [GRADE_RANK.get(c, 0) for c in frame["grade_code"]],
            "h": -frame["high"],
            "s": frame["score"].fillna(-1.0),
            "o": -pd.to_numeric(frame["overdue"], errors="coerce").fillna(0),
            "n": frame["system"],
        }
    )
    order = key.sort_values(["g", "h", "s", "o", "n"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def trend_table(
    assessments: Sequence[AssessmentLike],
    results: pd.DataFrame,
    catalogue: Catalogue,
    method: str | None = None,
    *,
    config: ScoringConfig | None = None,
) -> pd.DataFrame:
    """One row per assessment of a system, oldest first: assessment_id, title, day, level, score, grade,
    grade_code, problems (open partial / nonconform items), high, gaps (items not yet assessed)."""
    cols = ["assessment_id", "title", "day", "level", "score", "grade", "grade_code", "problems", "high", "gaps"]
    if not assessments:
        return pd.DataFrame(columns=cols)
    scored = score_assessments(assessments, results, catalogue, method, config=config)
    rows = []
    for a in sorted(assessments, key=lambda x: (x.started_on or date.min, x.id)):
        r = scored.loc[a.id]
        rows.append(
            {
                "assessment_id": a.id,
                "title": a.title or f"#{a.id}",
                "day": a.started_on,
                "level": a.level,
                "score": float(r["score"]) if not pd.isna(r["score"]) else np.nan,
                "grade": r["grade"],
                "grade_code": r["grade_code"],
                "problems": int(r["problems"]),
                "high": int(r["high"]),
                "gaps": int(r["gaps"]),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def overdue_counts(lifecycles: Iterable[Any], today: date) -> dict[int, int | None]:
    """Overdue obligations per system, from lifecycles built by the one builder
    (mlps.rules.lifecycle.organisation_lifecycles). None for a system whose records the obligations cannot judge
    (impossible dates: the obligations page names them)."""
    from mlps.rules.obligations import Status, obligations_for

    out: dict[int, int | None] = {}
    for lc in lifecycles:
        try:
            judged = obligations_for(lc, today)
        except ValueError:
            out[lc.system_id] = None
            continue
        out[lc.system_id] = sum(1 for o in judged.obligations if o.status is Status.OVERDUE)
    return out
