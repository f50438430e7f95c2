"""Scoring speed: 1,000 assessments of a level-4 system with every extension (about 400 result rows each),
scored with score_many, against a plain numpy weighted sum over the same item scores; and one assessment in
full (with the 'why this score' explanation), as the assessment page computes it live."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from mlps.rules.catalogue import load_catalogue
from mlps.rules.hazards import suggest_hazards
from mlps.rules.high_risk import SystemConditions
from mlps.rules.risks import apply_decisions
from mlps.rules.scoring import score_assessment, score_many

N_ASSESSMENTS = 1000
EXTENSIONS = ["cloud", "mobile", "iot", "ics", "bigdata"]
RESULTS = np.array(["conform", "partial", "nonconform", "na"], dtype=object)
RISKS = np.array(["high", "medium", "low", None], dtype=object)


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_data(seed: int = 2026) -> tuple[list, pd.DataFrame]:
    """Level 4 + all extensions: every item once, and the general CES items on a second server."""
    items = load_catalogue().select(4, EXTENSIONS)
    per = [(i.id, "") for i in items] + [
        (i.id, "server 2") for i in items if i.category == "CES" and i.scope == "general"
    ]
    ids = np.array([p[0] for p in per], dtype=object)
    objs = np.array([p[1] for p in per], dtype=object)
    rng = np.random.default_rng(seed)
    n = len(per) * N_ASSESSMENTS
    result = RESULTS[rng.choice(4, n, p=[0.72, 0.14, 0.1, 0.04])]
    risk = np.where(result == "nonconform", RISKS[rng.choice(4, n, p=[0.02, 0.15, 0.4, 0.43])], None)
    frame = pd.DataFrame(
        {
            "assessment": np.repeat(np.arange(N_ASSESSMENTS), len(per)),
            "item_id": np.tile(ids, N_ASSESSMENTS),
            "assessed_object": np.tile(objs, N_ASSESSMENTS),
            "result": result,
            "risk": risk,
        }
    )
    return items, frame


def dense_item_scores(items: list, frame: pd.DataFrame) -> np.ndarray:
    """The same data as a dense assessments × items matrix of item scores (NA and unscored as 1 = no loss)."""
    value = frame["result"].map({"conform": 1.0, "partial": 0.5, "nonconform": 0.0}).to_numpy(dtype=float)
    col = pd.Index([i.id for i in items]).get_indexer(frame["item_id"])
    a = frame["assessment"].to_numpy()
    ok = ~np.isnan(value)
    sums = np.zeros((N_ASSESSMENTS, len(items)))
    counts = np.zeros((N_ASSESSMENTS, len(items)))
    np.add.at(sums, (a[ok], col[ok]), value[ok])
    np.add.at(counts, (a[ok], col[ok]), 1.0)
    return np.where(counts > 0, sums / np.maximum(counts, 1), 1.0)


def long_frame_sum(items: list, frame: pd.DataFrame) -> np.ndarray:
    """A plain weighted mean straight from the long frame: words to numbers, item index, one bincount."""
    value = frame["result"].map({"conform": 1.0, "partial": 0.5, "nonconform": 0.0}).to_numpy(dtype=float)
    col = pd.Index([i.id for i in items]).get_indexer(frame["item_id"])
    w = np.array([i.weight for i in items])[col]
    a = frame["assessment"].to_numpy()
    ok = ~np.isnan(value)
    num = np.bincount(a[ok], weights=(w * value)[ok], minlength=N_ASSESSMENTS)
    return num / np.bincount(a[ok], weights=w[ok], minlength=N_ASSESSMENTS)


def run() -> list[dict]:
    items, frame = make_data()
    rows_each = len(frame) // N_ASSESSMENTS
    dense = dense_item_scores(items, frame)
    w = np.array([i.weight for i in items])
    baseline = timed(lambda: (dense * w).sum(axis=1) / w.sum(), repeat=20)
    from_frame = timed(lambda: long_frame_sum(items, frame))
    size = f"{N_ASSESSMENTS} × L4 all ext"
    out = []
    hazards = {a: a % 3 for a in range(N_ASSESSMENTS)}  # 0-2 open major risk hazards each (2025 conclusion)
    for method in ("mlps2019", "deduction2021", "mlps2025"):
        seconds = timed(lambda m=method: score_many(frame, items, m, open_hazards=hazards))
        out.append(
            {
                "name": f"score_many {method}, {size}",
                "seconds": seconds,
                "target": 1.0,
                "note": f"{len(items)} items, {rows_each} rows each; {seconds / baseline:,.0f}× the dense numpy sum, "
                f"{seconds / from_frame:.1f}× the long-frame sum",
            }
        )
    out.append(
        {
            "name": f"baseline: numpy weighted sum, dense {N_ASSESSMENTS}×{len(items)}",
            "seconds": baseline,
            "target": None,
            "note": "(scores × w).sum(1) / Σw on a ready matrix: no parsing, categories, coverage or risks",
        }
    )
    out.append(
        {
            "name": "baseline: weighted mean from the long frame",
            "seconds": from_frame,
            "target": None,
            "note": "words → numbers, item index, one bincount: no categories, coverage, risks or checks",
        }
    )
    one = frame[frame["assessment"] == 0].drop(columns="assessment").reset_index(drop=True)
    seconds = timed(lambda: score_assessment(one, items))
    out.append(
        {
            "name": "score_assessment, one L4 all ext, with explanation",
            "seconds": seconds,
            "target": 0.1,
            "note": "live score, conclusion, coverage and 'why this score' on the assessment page",
        }
    )
    seconds = timed(lambda: score_assessment(one, items, "mlps2025"))
    out.append(
        {
            "name": "score_assessment mlps2025, one L4 all ext, with explanation and the rate range",
            "seconds": seconds,
            "target": 0.1,
            "note": "the 2025 rate, its range for partial = 0 / 1, conclusion, coverage and 'why this conclusion'",
        }
    )
    conditions = SystemConditions(business_continuity=True, key_industry=True, cloud_customer=True)
    seconds = timed(lambda: apply_decisions(one, 4, conditions=conditions))
    suggested = apply_decisions(one, 4, conditions=conditions)
    out.append(
        {
            "name": "2025 guideline high-risk suggestions, one L4 all ext",
            "seconds": seconds,
            "target": 0.1,
            "note": f"the one source of high-risk candidates (report, CLI --suggest-risks): "
            f"{int((suggested['suggested_risk'] == 'high').sum())} of {len(one)} rows suggested high",
        }
    )
    problems = suggested[suggested["risk"].notna()]
    risks = dict(zip(problems["item_id"], problems["risk"].astype(str), strict=True))
    seconds = timed(lambda: suggest_hazards(risks, 4, EXTENSIONS))
    out.append(
        {
            "name": "major-hazard candidates from those risks, one L4 all ext",
            "seconds": seconds,
            "target": 0.05,
            "note": "guideline cases naming a trigger on high-risk items, plus the cross-cutting questions",
        }
    )
    return out


if __name__ == "__main__":
    for row in run():
        print(row)
