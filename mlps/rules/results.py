"""The one results frame: stored item results as the long frame the scoring core takes.

The live score on the assessment page, the remediation plan's baseline, the assessment report and `mlps score`
(which reads the same columns from a CSV or workbook) all score this frame, so the screen, the PDF and the CLI
give the same number for the same results (tests/integration/test_one_of_each.py pins it).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from mlps.rules.catalogue import Item
from mlps.rules.domain import ItemResult
from mlps.rules.scoring import ScoreResult, score_assessment

COLUMNS = ["item_id", "assessed_object", "result", "risk"]


def results_frame(results: Iterable[ItemResult], known_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """item_id, assessed_object, result (its word), risk (its word or None). With `known_ids`, results of items
    outside the assessed selection (e.g. items the catalogue no longer has at this level) are left out."""
    keep = set(known_ids) if known_ids is not None else None
    rows = [r for r in results if keep is None or r.item_id in keep]
    return pd.DataFrame(
        {
            "item_id": [r.item_id for r in rows],
            "assessed_object": [r.assessed_object for r in rows],
            "result": [r.result.value for r in rows],
            "risk": pd.Series([r.risk.value if r.risk else None for r in rows], dtype=object),
        },
        columns=COLUMNS,
    )


def score_results(
    results: Iterable[ItemResult], items: list[Item], method: str | None = None, **options
) -> ScoreResult:
    """Score stored results of the selection `items` with `method` (default: the configured one)."""
    return score_assessment(results_frame(results, {i.id for i in items}), items, method, **options)
