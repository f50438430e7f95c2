"""Portfolio and remediation speed.

1. The portfolio page's computation for an organisation with 200 systems, each with three assessments (levels
   2 and 3, some with the cloud extension; about 90 % of items assessed): the bulk reads through the Workspace
   (one query for every result of the latest assessments), score_many per level/extension group, the
   obligations of every system, and the sorted table. On a SQLite file, as `make run` uses.
2. The remediation page's numbers for a level-4 assessment with every extension (about 430 items, general CES
   items on two objects): the plan (one task per item, points for each task), a what-if of six tasks, and the
   suggested minimal set for 良.
Targets: each under one second.
"""

from __future__ import annotations

import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import insert

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.adapters.store.models import AssessmentRow, ItemResultRow
from mlps.rules.auth import Actor
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import GradingRecord, HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.rules.lifecycle import organisation_lifecycles
from mlps.rules.portfolio import overdue_counts, portfolio_table
from mlps.rules.remediation import grade_target, plan_tasks, suggest_minimal_set, what_if
from mlps.rules.scoring import score_assessment
from mlps.services.workspace import Workspace

N_SYSTEMS = 200
PER_SYSTEM = 3
EXTENSIONS = ["cloud", "mobile", "iot", "ics", "bigdata"]
WORDS = ["conform", "partial", "nonconform", "na"]


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_organisation(url: str, seed: int = 2026) -> int:
    """200 systems × 3 assessments, results inserted in bulk (the repository's per-row audit is not timed here)."""
    sm = open_store(url)
    cat = load_catalogue()
    rng = random.Random(seed)
    org = repo.save_organisation(sm, Organisation(name="某集团"), "bench")
    today = date.today()
    rows = []
    for n in range(N_SYSTEMS):
        level = 3 if n % 3 else 2
        ext = ("cloud",) if n % 4 == 0 else ()
        s = repo.save_system(sm, System(name=f"系统 {n:03d}", organisation_id=org.id, extensions=ext), "bench")
        graded = today - timedelta(days=rng.randint(30, 900))
        repo.add_grading(
            sm,
            GradingRecord(
                system_id=s.id,
                business=Judgement(HarmObject.SOCIETY if level == 3 else HarmObject.CITIZENS, HarmDegree.SERIOUS),
                service=Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL),
                business_level=level,
                service_level=1,
                level=level,
                graded_on=graded,
                expert_review_on=graded + timedelta(days=3) if n % 5 else None,
                filed_on=graded + timedelta(days=10) if n % 5 else None,
            ),
            "bench",
        )
        items = cat.select(level, list(ext))
        with sm.begin() as sess:
            for k in range(PER_SYSTEM):
                started = today - timedelta(days=365 * (PER_SYSTEM - k))
                a = AssessmentRow(system_id=s.id, level=level, extensions=list(ext), catalogue_version=cat.version,
                                  kind="agency" if k % 2 else "self", status="completed", started_on=started,
                                  completed_on=started + timedelta(days=20), title=f"{started.year}", created_by="b",
                                  created_at=datetime.now())  # fmt: skip
                sess.add(a)
                sess.flush()
                for i in items:
                    if rng.random() < 0.9:
                        w = rng.choices(WORDS, [60 + 5 * k, 18, 15 - 3 * k, 7])[0]
                        risk = rng.choice(["high", "medium", "low", None]) if w in ("partial", "nonconform") else None
                        rows.append({"assessment_id": a.id, "item_id": i.id, "assessed_object": "", "result": w,
                                     "risk": risk, "record": "", "methods": [], "risk_reason": "",
                                     "needs_review": False, "updated_by": "b", "version": 1})  # fmt: skip
    with sm.begin() as sess:
        for start in range(0, len(rows), 20_000):
            sess.execute(insert(ItemResultRow), rows[start : start + 20_000])
    sm.kw["bind"].dispose()
    return org.id


def portfolio_page(ws: Workspace, org_id: int, cat) -> pd.DataFrame:
    data = ws.portfolio(org_id)
    overdue = overdue_counts(organisation_lifecycles(data.systems, data.lifecycle_facts()), ws.today())
    return portfolio_table(data.systems, data.current_gradings(), data.latest, data.results, cat, overdue=overdue)


def level4_assessment(seed: int = 7):
    items = load_catalogue().select(4, EXTENSIONS)
    rng = random.Random(seed)
    rows = []
    for i in items:
        for obj in ("", "server 2") if i.category == "CES" and i.scope == "general" else ("",):
            w = rng.choices(WORDS, [70, 14, 12, 4])[0]
            risk = (
                rng.choices(["high", "medium", "low", None], [3, 30, 40, 27])[0]
                if w in ("partial", "nonconform")
                else None
            )
            rows.append({"item_id": i.id, "assessed_object": obj, "result": w, "risk": risk})
    return items, pd.DataFrame(rows).astype(object)


def run() -> list[dict]:
    out = []
    folder = Path(tempfile.mkdtemp(prefix="mlps-bench-portfolio-"))
    try:
        url = f"sqlite:///{folder}/bench.db"
        start = time.perf_counter()
        org_id = build_organisation(url)
        built = time.perf_counter() - start
        sm = open_store(url)
        ws = Workspace(sm, Actor("bench", is_admin=True))
        cat = load_catalogue()
        table = portfolio_page(ws, org_id, cat)
        n_results = len(ws.portfolio(org_id).results)
        reads = timed(lambda: ws.portfolio(org_id))
        data = ws.portfolio(org_id)
        scoring = timed(lambda: portfolio_table(data.systems, data.current_gradings(), data.latest, data.results, cat))
        obligations = timed(
            lambda: overdue_counts(organisation_lifecycles(data.systems, data.lifecycle_facts()), date.today())
        )
        total = timed(lambda: portfolio_page(ws, org_id, cat))
        size = f"{N_SYSTEMS} systems × {PER_SYSTEM} assessments"
        out += [
            {
                "name": f"portfolio page, {size}",
                "seconds": total,
                "target": 1.0,
                "note": f"reads + scores + obligations + sort; {n_results:,} result rows of the latest assessments "
                f"(DB built in {built:.0f} s); worst: {table.iloc[0]['system']} {table.iloc[0]['grade']}",
            },
            {
                "name": "  of which: Workspace.portfolio (bulk reads)",
                "seconds": reads,
                "target": None,
                "note": "SQLite",
            },
            {"name": "  of which: score_many per group + table", "seconds": scoring, "target": None, "note": ""},
            {
                "name": "  of which: overdue obligations of 200 systems",
                "seconds": obligations,
                "target": None,
                "note": "mlps.rules.lifecycle + mlps.rules.obligations",
            },  # fmt: skip
        ]
        sm.kw["bind"].dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    items, results = level4_assessment()
    scored = score_assessment(results, items)
    tasks = plan_tasks(scored, items, 4, results=results)
    six = tasks[:6]
    w = what_if(scored, items, six)
    target, max_risk = grade_target("good")
    one_what_if = timed(lambda: what_if(scored, items, six))
    with_score = timed(lambda: what_if(score_assessment(results, items), items, six))
    plan = timed(lambda: plan_tasks(scored, items, 4, results=results))
    suggest = timed(lambda: suggest_minimal_set(scored, items, tasks, target, max_risk=max_risk), repeat=3)
    s = suggest_minimal_set(scored, items, tasks, target, max_risk=max_risk)
    note = f"{len(items)} items, {len(results)} rows, {len(tasks)} tasks"
    out += [
        {
            "name": "what-if of 6 tasks, L4 all extensions",
            "seconds": one_what_if,
            "target": 1.0,
            "note": f"{note}; {w.summary('en')}",
        },  # fmt: skip
        {"name": "what-if incl. scoring the assessment first", "seconds": with_score, "target": 1.0, "note": note},
        {"name": "plan_tasks (one per item, points each)", "seconds": plan, "target": 1.0, "note": note},
        {
            "name": "suggest_minimal_set for 良 (good)",
            "seconds": suggest,
            "target": 1.0,
            "note": f"{len(s.tasks)} tasks, reached={s.reached}, {s.outcome.score_after:.2f}",
        },  # fmt: skip
    ]
    return out


if __name__ == "__main__":
    for row in run():
        print(row)
