"""Conformity scores of assessments: item, control point, category and overall scores, the conclusion, coverage
and a 'why this score' explanation. Pure pandas / numpy; no Streamlit.

Input: a results frame, one row per item and assessed object, with columns

    item_id          an id of the catalogue selection (level + extensions) being assessed
    result           mlps.rules.domain.Result or the words parse_result accepts (conform, 符合, …)
    assessed_object  optional; '' (or missing) when the item is judged once for the whole system
    risk             optional; mlps.rules.domain.Risk, the words parse_risk accepts, or None

plus the catalogue items that apply (`catalogue.select(level, extensions)`).

Rules (GB/T 28448-2019 and the report templates, as summarised in docs/domain.md):
- item score = mean over its assessed objects of conform 1 / partial 0.5 / nonconform 0; not-applicable
  results are left out; an item not applicable on every object drops out (S);
- an item with no result, or only `not_assessed` ones, is a coverage gap: reported, never scored;
- control point score (10-point scale) = Σ (item score × weight) / Σ weight × 10 (S);
- category score here = the same weighted mean on a 0-100 scale (equal to 100 × (1 − d_j) of the 2019
  template), for every method;
- overall score: by a named method from controls/scoring_methods.yaml (mlps.rules.scoring_methods);
- a risk counts only on a row whose result is partial or nonconform (an open problem); an item's risk is the
  highest over its problem rows.

`score_assessment` scores one assessment with every detail; `score_many` scores thousands at once (a long
frame with an assessment key) and returns one row per assessment.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mlps.rules.catalogue import Item
from mlps.rules.domain import RESULT_SCORE, Result, Risk, parse_result, parse_risk
from mlps.rules.hazards import NO_HAZARDS, HazardTally
from mlps.rules.scoring_methods import (
    CATEGORY_ORDER,
    RANK_RISK,
    RISK_RANK,
    TECHNICAL_CATEGORIES,
    Conclusion,
    ItemArrays,
    ResultGrid,
    ScoringConfig,
    ScoringMethod,
    conclude,
    grade_indices,
    load_scoring_config,
)
from mlps.rules.verdict2025 import SCHEME as RATE2025
from mlps.rules.verdict2025 import conclude_2025, load_verdict_rules, rate_range, verdict_indices

# result codes used in the count grids, in this order
RESULT_ORDER: tuple[Result, ...] = (Result.CONFORM, Result.PARTIAL, Result.NONCONFORM, Result.NA, Result.NOT_ASSESSED)
_RESULT_CODE = {r: n for n, r in enumerate(RESULT_ORDER)}
PARTIAL_CREDIT = RESULT_SCORE[Result.PARTIAL]  # 0.5 (S)


class ScoringInputError(ValueError):
    """Bad results: the message names the row (the frame's index label) and the column."""


# ---------------------------------------------------------------- preparing the input


def item_arrays(items: Sequence[Item]) -> ItemArrays:
    """The arrays the scoring rules need, for the items of one selection."""
    if not items:
        raise ScoringInputError("no catalogue items to score against (check the level and extensions)")
    ids = tuple(i.id for i in items)
    if len(set(ids)) != len(ids):
        raise ScoringInputError("the item list has duplicate ids")
    present = {i.category for i in items}
    cats = tuple([c for c in CATEGORY_ORDER if c in present] + sorted(present - set(CATEGORY_ORDER)))
    index = {c: n for n, c in enumerate(cats)}
    return ItemArrays(
        ids=ids,
        weights=np.array([i.weight for i in items], dtype=float),
        tiers=tuple(i.tier for i in items),
        category_codes=np.array([index[i.category] for i in items], dtype=np.int64),
        categories=cats,
        technical=np.array([i.category in TECHNICAL_CATEGORIES for i in items], dtype=bool),
    )


def _row(frame: pd.DataFrame, pos: int) -> str:
    return str(frame.index[pos])


def _parse_column(frame: pd.DataFrame, column: str, parse: Any, code_of: Any) -> np.ndarray:
    """Codes for a column of words, parsing each distinct value once; a bad value names its first row."""
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
    table = np.empty(len(uniques), dtype=np.int64)
    for n, value in enumerate(uniques):
        word = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        try:
            table[n] = code_of(parse(word))
        except ValueError as exc:
            first = int(np.flatnonzero(codes == n)[0])
            raise ScoringInputError(f"row {_row(frame, first)}, column '{column}': {exc}") from None
    return table[codes] if len(codes) else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class _Prepared:
    keys: pd.Index  # the assessment keys, one per grid row
    cell: np.ndarray  # per input row: assessment code × n_items + item code
    result: np.ndarray  # per input row: index into RESULT_ORDER
    risk: np.ndarray  # per input row: risk rank 0 (none) … 3 (high)
    n_items: int


def _prepare(results: pd.DataFrame, arrays: ItemArrays, key: str | None) -> _Prepared:
    if not isinstance(results, pd.DataFrame):
        raise ScoringInputError("results must be a pandas DataFrame")
    needed = ["item_id", "result"] + ([key] if key else [])
    missing = [c for c in needed if c not in results.columns]
    if missing:
        raise ScoringInputError(f"results lack the column(s) {', '.join(missing)}")
    n_items = len(arrays.ids)
    codes, uniques = pd.factorize(results["item_id"], use_na_sentinel=True)
    known = pd.Index(arrays.ids).get_indexer(pd.Index(uniques, dtype=object))
    item = np.where(codes >= 0, known[codes] if len(known) else -1, -1)
    bad = np.flatnonzero(item < 0)
    if bad.size:
        shown = ", ".join(f"row {_row(results, p)} ({results['item_id'].iloc[p]!r})" for p in bad[:5])
        more = f" and {bad.size - 5} more" if bad.size > 5 else ""
        raise ScoringInputError(
            f"column 'item_id': {bad.size} row(s) name items not in the assessed level and extensions: {shown}{more}"
        )
    result = _parse_column(results, "result", parse_result, _RESULT_CODE.__getitem__)
    if "risk" in results.columns:
        risk = _parse_column(results, "risk", parse_risk, RISK_RANK.__getitem__)
    else:
        risk = np.zeros(len(results), dtype=np.int64)
    if key:
        if results[key].isna().any():
            p = int(np.flatnonzero(results[key].isna().to_numpy())[0])
            raise ScoringInputError(f"row {_row(results, p)}, column '{key}': the assessment key is empty")
        try:
            a_codes, a_keys = pd.factorize(results[key], sort=True)
        except TypeError:
            a_codes, a_keys = pd.factorize(results[key])
        keys = pd.Index(a_keys, name=key)
    else:
        a_codes = np.zeros(len(results), dtype=np.int64)
        keys = pd.Index([0])
    cell = a_codes.astype(np.int64) * n_items + item
    _check_duplicates(results, cell)
    return _Prepared(keys=keys, cell=cell, result=result, risk=risk, n_items=n_items)


def _check_duplicates(results: pd.DataFrame, cell: np.ndarray) -> None:
    if "assessed_object" in results.columns:
        obj_codes, objs = pd.factorize(results["assessed_object"], use_na_sentinel=True)
        blank = [n for n, o in enumerate(objs) if isinstance(o, str) and not o.strip()]
        obj_codes = np.where(np.isin(obj_codes, blank), -1, obj_codes) + 1
        combined = pd.Series(cell * (len(objs) + 1) + obj_codes)
    else:
        combined = pd.Series(cell)
    dup = combined.duplicated(keep="first").to_numpy()
    if dup.any():
        p = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(combined.to_numpy() == combined.iloc[p])[0])
        obj = results["assessed_object"].iloc[p] if "assessed_object" in results.columns else ""
        obj = "" if obj is None or (not isinstance(obj, str) and pd.isna(obj)) else str(obj)
        raise ScoringInputError(
            f"row {_row(results, p)}: item {results['item_id'].iloc[p]} on object '{obj}' is given twice "
            f"(first at row {_row(results, first)})"
        )


@dataclass(frozen=True)
class _Grids:
    grid: ResultGrid  # conform / partial / nonconform counts
    na: np.ndarray
    not_assessed: np.ndarray
    worst_risk: np.ndarray  # rank of the highest risk over problem rows, per cell


def _grids(prep: _Prepared) -> _Grids:
    n_a, n_i = len(prep.keys), prep.n_items
    n_cells = n_a * n_i
    counts = np.bincount(prep.cell * 5 + prep.result, minlength=n_cells * 5).reshape(n_a, n_i, 5).astype(float)
    problem = ((prep.result == 1) | (prep.result == 2)) & (prep.risk > 0)
    rc = np.bincount(prep.cell[problem] * 4 + prep.risk[problem], minlength=n_cells * 4).reshape(n_a, n_i, 4)
    worst = np.where(rc[..., 3] > 0, 3, np.where(rc[..., 2] > 0, 2, np.where(rc[..., 1] > 0, 1, 0)))
    return _Grids(
        grid=ResultGrid(conform=counts[..., 0], partial=counts[..., 1], nonconform=counts[..., 2]),
        na=counts[..., 3],
        not_assessed=counts[..., 4],
        worst_risk=worst,
    )


def _category_scores(grid: ResultGrid, arrays: ItemArrays) -> np.ndarray:
    """0-100 weighted conformity per category (assessments × categories); NaN where nothing scored."""
    scored = grid.scored
    s = np.where(scored, np.nan_to_num(grid.item_scores(PARTIAL_CREDIT)), 0.0)
    cat = arrays.category_matrix
    num = (s * arrays.weights) @ cat
    den = (scored * arrays.weights) @ cat
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)


def _resolve(method: str | ScoringMethod | None, config: ScoringConfig) -> ScoringMethod:
    return method if isinstance(method, ScoringMethod) else config.method(method)


# ---------------------------------------------------------------- one assessment, in full


@dataclass(frozen=True)
class Coverage:
    """How much of the selection has been assessed."""

    total: int  # items in the level + extensions
    scored: int  # items with at least one conform / partial / nonconform result
    not_applicable: int  # items not applicable on every assessed object: out of the score
    gaps: int  # items with no result, or only not_assessed: not scored
    gap_ids: tuple[str, ...]
    partly_assessed_ids: tuple[str, ...]  # scored, but some objects still not_assessed

    @property
    def ratio(self) -> float:
        """Share of items with a decision (scored or not applicable), 0-1."""
        return (self.scored + self.not_applicable) / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        return self.gaps == 0 and not self.partly_assessed_ids

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "scored": self.scored,
            "not_applicable": self.not_applicable,
            "gaps": self.gaps,
            "ratio": round(self.ratio, 4),
            "complete": self.complete,
            "gap_ids": list(self.gap_ids),
            "partly_assessed_ids": list(self.partly_assessed_ids),
        }


@dataclass(frozen=True)
class ItemGain:
    """An item that costs points: what fixing it (conform on every assessed object) would return."""

    item_id: str
    category: str
    control_point_zh: str
    control_point_en: str
    letter: str
    tier: str
    weight: float
    item_score: float  # 0-1
    risk: Risk | None
    points: float  # overall score gained if this item alone were fixed
    requirement_zh: str
    requirement_en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "category": self.category,
            "control_point_zh": self.control_point_zh,
            "control_point_en": self.control_point_en,
            "letter": self.letter,
            "tier": self.tier,
            "weight": self.weight,
            "item_score": round(self.item_score, 4),
            "risk": self.risk.value if self.risk else None,
            "points": round(self.points, 2),
        }


@dataclass(frozen=True, eq=False)
class ScoreResult:
    """Everything about one assessment's score. `items` and `control_points` are frames for tables/charts."""

    method: ScoringMethod
    score: float | None  # 0-100 (the method's scale); None when nothing is scored yet
    conclusion: Conclusion | None
    categories: Mapping[str, float | None]  # category code -> 0-100 weighted conformity, None if nothing scored
    coverage: Coverage
    explanation: tuple[ItemGain, ...]  # every item that costs points, largest first
    items: pd.DataFrame = field(repr=False)
    control_points: pd.DataFrame = field(repr=False)

    @property
    def method_name(self) -> str:
        return self.method.name

    def to_dict(self, top: int | None = 10) -> dict[str, Any]:
        """JSON-ready: method and parameters, score, conclusion and reason, categories, coverage, explanation."""
        c = self.conclusion
        if self.method.conclusion == RATE2025:
            return self.verdict_2025(top)
        return {
            "method": self.method.name,
            "method_version": self.method.version,
            "method_confidence": self.method.confidence,
            "method_detail": self.method.describe(),
            "score": None if self.score is None else round(self.score, 2),
            "conclusion": c.grade if c else None,
            "conclusion_code": c.code if c else None,
            "provisional": c.provisional if c else True,
            "reason": {"zh": c.reason_zh, "en": c.reason_en} if c else None,
            "risk_counts": dict(c.risk_counts) if c else {},
            "categories": {k: None if v is None else round(v, 2) for k, v in self.categories.items()},
            "control_points": [
                {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                for row in self.control_points.round({"score": 2}).to_dict("records")
            ],
            "coverage": self.coverage.to_dict(),
            "explanation": [g.to_dict() for g in (self.explanation if top is None else self.explanation[:top])],
            "note_zh": "本得分由本工具按所列方法计算，仅供自查参考；正式得分以测评机构出具的报告为准。",
            "note_en": "Computed by this workbench with the method shown, for self-checks only; "
            "only an accredited agency's report gives the official score.",
        }


    def verdict_2025(self, top: int | None = 10) -> dict[str, Any]:
        """JSON-ready verdict of the 2025 method: rate, its range, the conclusion, the hazard count (Q22)."""
        c = self.conclusion
        hz = c.hazards.to_dict() if c and c.hazards is not None else {"count": 0, "remediated": 0, "codes": [],
                                                                          "text_zh": "0", "text_en": "0"}  # fmt: skip
        high = int((self.items["problem"] & (self.items["risk"] == "high")).sum())
        return {
            "method": self.method.name,
            "method_version": self.method.version,
            "method_confidence": self.method.confidence,
            "rate": None if c is None else round(c.score, 2),
            "rate_range": list(c.rate_range) if c else None,
            "conclusion": c.grade if c else None,
            "conclusion_code": c.code if c else None,
            "boundary": c.boundary if c else False,
            "depends_on_partial": c.depends_on_partial if c else False,
            "hazards": hz,
            "high_risks": high,
            "reason": {"zh": c.reason_zh, "en": c.reason_en} if c else None,
            "provisional": c.provisional if c else True,
            "coverage": self.coverage.to_dict(),
            "explanation": [g.to_dict() for g in (self.explanation if top is None else self.explanation[:top])],
            "our_reading": self.method.describe()["our_reading"]
            | {r.parameter: {"confidence": r.confidence, "note_zh": r.note_zh, "note_en": r.note_en}
               for r in load_verdict_rules().readings},  # fmt: skip
            "note_zh": "本结论由本工具按所列方法计算，仅供自查参考；正式结论以测评机构出具的报告为准。",
            "note_en": "Computed by this workbench with the method shown, for self-checks only; "
            "only an accredited agency's report gives the official conclusion.",
        }


def _labels(items: Sequence[Item]) -> dict[str, tuple[str, str]]:
    return {i.id: (f"{i.control_point_zh} {i.letter}", f"{i.control_point_en} {i.letter}") for i in items}


def _gains(method: ScoringMethod, grids: _Grids, arrays: ItemArrays, base: float) -> np.ndarray:
    """Points returned by fixing each item alone (0 where the item costs nothing); one batch of what-ifs."""
    g = grids.grid
    n_i = len(arrays.ids)
    failing = np.flatnonzero(g.scored[0] & ((g.partial[0] + g.nonconform[0]) > 0))
    out = np.zeros(n_i)
    if not failing.size or np.isnan(base):
        return out
    k = failing.size
    conform = np.repeat(g.conform, k, axis=0)
    partial = np.repeat(g.partial, k, axis=0)
    nonconform = np.repeat(g.nonconform, k, axis=0)
    rows = np.arange(k)
    conform[rows, failing] = g.assessed[0, failing]
    partial[rows, failing] = 0.0
    nonconform[rows, failing] = 0.0
    what_if = method.overall(ResultGrid(conform, partial, nonconform), arrays)
    out[failing] = np.maximum(what_if - base, 0.0)
    return out


def _control_points(items: Sequence[Item], scored: np.ndarray, item_score: np.ndarray, w: np.ndarray) -> pd.DataFrame:
    """Control points on the 10-point scale: Σ (s × w) / Σ w × 10 over scored items (S); NaN if none scored."""
    keys: dict[tuple[str, str, str], int] = {}
    first: list[Item] = []
    for i in items:
        k = (i.scope, i.category, i.control_point)
        if k not in keys:
            keys[k] = len(keys)
            first.append(i)
    code = np.array([keys[(i.scope, i.category, i.control_point)] for i in items])
    n = len(keys)
    sw = np.bincount(code, weights=np.where(scored, np.nan_to_num(item_score) * w, 0.0), minlength=n)
    ws = np.bincount(code, weights=np.where(scored, w, 0.0), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(ws > 0, 10.0 * sw / np.where(ws > 0, ws, 1.0), np.nan)
    return pd.DataFrame(
        {
            "scope": [i.scope for i in first],
            "category": [i.category for i in first],
            "control_point": [i.control_point for i in first],
            "control_point_zh": [i.control_point_zh for i in first],
            "control_point_en": [i.control_point_en for i in first],
            "items": np.bincount(code, minlength=n),
            "scored": np.bincount(code, weights=scored.astype(float), minlength=n).astype(int),
            "score": score,
        }
    )


def score_assessment(
    results: pd.DataFrame,
    items: Sequence[Item],
    method: str | ScoringMethod | None = None,
    *,
    config: ScoringConfig | None = None,
    hazards: HazardTally = NO_HAZARDS,
) -> ScoreResult:
    """Score one assessment. `method`: a name from controls/scoring_methods.yaml (default mlps2019) or a
    ScoringMethod. `hazards`: the assessment's major risk hazards, counted by the 2025 conclusion (other
    methods ignore them). Raises ScoringInputError naming the row and column for bad results."""
    config = config or load_scoring_config()
    m = _resolve(method, config)
    arrays = item_arrays(items)
    grids = _grids(_prepare(results, arrays, key=None))
    g = grids.grid
    raw = float(m.overall(g, arrays)[0])
    score = None if np.isnan(raw) else raw
    scored = g.scored[0]
    na_only = ~scored & (grids.na[0] > 0)
    gap = ~scored & ~na_only
    item_score = g.item_scores(PARTIAL_CREDIT)[0]
    problem = scored & ((g.partial[0] + g.nonconform[0]) > 0)
    worst = grids.worst_risk[0]
    gains = _gains(m, grids, arrays, raw)
    status = np.where(scored, "scored", np.where(na_only, "na", "gap"))
    frame = pd.DataFrame(
        {
            "item_id": arrays.ids,
            "scope": [i.scope for i in items],
            "category": [i.category for i in items],
            "control_point": [i.control_point for i in items],
            "control_point_zh": [i.control_point_zh for i in items],
            "control_point_en": [i.control_point_en for i in items],
            "letter": [i.letter for i in items],
            "tier": arrays.tiers,
            "weight": arrays.weights,
            "status": status,
            "conform": g.conform[0].astype(int),
            "partial": g.partial[0].astype(int),
            "nonconform": g.nonconform[0].astype(int),
            "na": grids.na[0].astype(int),
            "not_assessed": grids.not_assessed[0].astype(int),
            "score": item_score,
            "problem": problem,
            "risk": pd.Series(  # object dtype: None stays None (a str column would turn it into NaN)
                [RANK_RISK[int(r)].value if p and r else None for r, p in zip(worst, problem, strict=True)],
                dtype=object,
            ),
            "gain": gains,
        }
    )
    cps = _control_points(items, scored, item_score, arrays.weights)
    cat_scores = _category_scores(g, arrays)[0]
    categories = {c: (None if np.isnan(v) else float(v)) for c, v in zip(arrays.categories, cat_scores, strict=True)}
    coverage = Coverage(
        total=len(arrays.ids),
        scored=int(scored.sum()),
        not_applicable=int(na_only.sum()),
        gaps=int(gap.sum()),
        gap_ids=tuple(np.asarray(arrays.ids, dtype=object)[gap]),
        partly_assessed_ids=tuple(np.asarray(arrays.ids, dtype=object)[scored & (grids.not_assessed[0] > 0)]),
    )
    open_risks = {arrays.ids[n]: RANK_RISK[int(worst[n])] for n in np.flatnonzero(problem)}
    if m.conclusion == RATE2025:
        low, high = rate_range(g, arrays, m.parameters)
        conclusion = conclude_2025(score, float(low[0]), float(high[0]), hazards, risks=open_risks, gaps=coverage.gaps)
    else:
        conclusion = conclude(score, open_risks, rules=config.conclusion, labels=_labels(items), gaps=coverage.gaps)
    by_id = {i.id: i for i in items}
    order = sorted(np.flatnonzero(problem), key=lambda n: (-gains[n], arrays.ids[n]))
    explanation = tuple(
        ItemGain(
            item_id=arrays.ids[n],
            category=by_id[arrays.ids[n]].category,
            control_point_zh=by_id[arrays.ids[n]].control_point_zh,
            control_point_en=by_id[arrays.ids[n]].control_point_en,
            letter=by_id[arrays.ids[n]].letter,
            tier=arrays.tiers[n],
            weight=float(arrays.weights[n]),
            item_score=float(item_score[n]),
            risk=RANK_RISK[int(worst[n])],
            points=float(gains[n]),
            requirement_zh=by_id[arrays.ids[n]].requirement_zh,
            requirement_en=by_id[arrays.ids[n]].requirement_en,
        )
        for n in order
    )
    return ScoreResult(
        method=m,
        score=score,
        conclusion=conclusion,
        categories=categories,
        coverage=coverage,
        explanation=explanation,
        items=frame,
        control_points=cps,
    )


# ---------------------------------------------------------------- many assessments at once


def score_many(
    results: pd.DataFrame,
    items: Sequence[Item],
    method: str | ScoringMethod | None = None,
    *,
    key: str = "assessment",
    config: ScoringConfig | None = None,
    categories: bool = True,
    open_hazards: Mapping[Hashable, int] | None = None,
) -> pd.DataFrame:
    """Score every assessment in a long results frame (one row per assessment, item and object; `key` names
    the assessment). All assessments share `items` (one level + extensions). Returns one row per assessment,
    indexed by the key, with columns: score (NaN when nothing scored), grade (优/良/中/差 or None), grade_code,
    scored, not_applicable, gaps, high, medium, low, unrated (open problems by risk), worst_risk, and with
    `categories` one 0-100 column per category code. Same numbers as score_assessment, vectorised. An
    assessment with no row at all does not appear. Raises ScoringInputError naming the row and column.
    Under the 2025 method the grade is 符合 / 基本符合 / 不符合, with `open_hazards` (key -> open hazards)."""
    config = config or load_scoring_config()
    m = _resolve(method, config)
    arrays = item_arrays(items)
    prep = _prepare(results, arrays, key=key)
    grids = _grids(prep)
    g = grids.grid
    score = m.overall(g, arrays)
    scored = g.scored
    na_only = ~scored & (grids.na > 0)
    problem = scored & ((g.partial + g.nonconform) > 0)
    worst_cell = np.where(problem, grids.worst_risk, 0)
    worst = worst_cell.max(axis=1)
    has_score = ~np.isnan(score)
    if m.conclusion == RATE2025:
        vr = load_verdict_rules()
        hz = np.array([int((open_hazards or {}).get(k, 0)) for k in prep.keys], dtype=np.int64)
        grade_idx = verdict_indices(np.nan_to_num(score, nan=0.0), hz, vr)
        zh = np.array([v.zh for v in vr.verdicts], dtype=object)
        codes = np.array([v.code for v in vr.verdicts], dtype=object)
    else:
        rules = config.conclusion
        grade_idx = grade_indices(np.nan_to_num(score, nan=0.0), worst, rules)
        zh = np.array([gr.zh for gr in rules.grades], dtype=object)
        codes = np.array([gr.code for gr in rules.grades], dtype=object)
    out = pd.DataFrame(
        {
            "score": score,
            "grade": np.where(has_score, zh[grade_idx], None),
            "grade_code": np.where(has_score, codes[grade_idx], None),
            "scored": scored.sum(axis=1),
            "not_applicable": na_only.sum(axis=1),
            "gaps": (~scored & ~na_only).sum(axis=1),
            "high": (worst_cell == 3).sum(axis=1),
            "medium": (worst_cell == 2).sum(axis=1),
            "low": (worst_cell == 1).sum(axis=1),
            "unrated": (problem & (worst_cell == 0)).sum(axis=1),
            "worst_risk": np.array([None, "low", "medium", "high"], dtype=object)[worst],
        },
        index=prep.keys,
    )
    if categories:
        cat = _category_scores(g, arrays)
        for n, code in enumerate(arrays.categories):
            out[code] = cat[:, n]
    return out


def methods_available(config: ScoringConfig | None = None) -> list[dict[str, Any]]:
    """Every configured method, described (for a method picker and for the report's method note)."""
    config = config or load_scoring_config()
    return [m.describe() | {"default": m.name == config.default_method} for m in config.methods.values()]


def assessment_key_frame(frames: Mapping[Hashable, pd.DataFrame], key: str = "assessment") -> pd.DataFrame:
    """Join per-assessment results frames into the long frame score_many takes."""
    if not frames:
        return pd.DataFrame(columns=[key, "item_id", "result"])
    return pd.concat([f.assign(**{key: k}) for k, f in frames.items()], ignore_index=True)
