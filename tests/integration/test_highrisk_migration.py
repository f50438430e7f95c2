"""Migration 0012_highrisk: remediation tasks that cited a case of the retired recalled list (HR-…) cite the
2025 guideline's cases behind their own items; an old case with no guideline counterpart is dropped, reported
and audited; tasks citing no old case are untouched."""

from __future__ import annotations

import json
import logging

from sqlalchemy import text

from mlps.adapters.store.db import make_engine
from mlps.rules.high_risk import load_guideline
from tests.integration.test_bigdata_migration import insert, upgrade

BEFORE = "0011_collector"  # the revision 0012_highrisk follows

TASKS = [  # id, item ids, case ids before, case ids after
    (1, ["L3-CES1-01"], ["HR-CES-01"], ["6.4.1.1"]),  # weak passwords: the default-account half is not its item
    (2, ["L3-CES1-01", "L3-CES1-06"], ["HR-CES-01"], ["6.4.1.1", "6.4.2.1"]),  # a control-point task
    (3, ["L3-ABS1-02"], ["HR-ABS-03"], []),  # no guideline case for this boundary item
    (4, ["L3-CNS1-07", "L3-CES1-27"], ["HR-CNS-03"], ["6.2.2.1", "6.4.5.1"]),
    (5, ["L3-CES1-29"], ["6.4.6.1"], ["6.4.6.1"]),  # already a guideline case: untouched
]


def test_old_case_ids_on_tasks_become_guideline_cases(db_url, caplog):
    engine = make_engine(db_url)
    upgrade(engine, BEFORE)
    with engine.begin() as c:
        insert(c, "organisation", id=1, name="青山县第一中学")
        insert(c, "system", id=1, organisation_id=1, name="教务系统", extensions=[], profile={})
        insert(c, "assessment", id=1, system_id=1, level=3, extensions=[], catalogue_version="old")
        for tid, items, before, _ in TASKS:
            insert(c, "remediation_task", id=tid, assessment_id=1, key=f"item:{items[0]}/{tid}", item_ids=items,
                   scope="general", category="CES", control_point="x", control_point_zh="旧", control_point_en="old",
                   status="open", risk="high", case_ids=before)  # fmt: skip
    with caplog.at_level(logging.WARNING):
        upgrade(engine, "0012_highrisk")
    with engine.connect() as c:
        after = {r[0]: _json(r[1]) for r in c.execute(text("SELECT id, case_ids FROM remediation_task"))}
        events = c.execute(text("SELECT entity_id, action, before, after FROM audit_event ORDER BY id")).all()
    assert after == {tid: want for tid, _, _, want in TASKS}
    known = {c.case for c in load_guideline().cases}
    assert all(cid in known for ids in after.values() for cid in ids)  # every cited case exists today
    assert [(e[0], e[1]) for e in events] == [(str(t), "high_risk_cases_renamed") for t in (1, 2, 3, 4)]
    assert _json(events[2][2]) == {"case_ids": ["HR-ABS-03"]} and _json(events[2][3]) == {"case_ids": []}
    assert "HR-ABS-03" in caplog.text
    engine.dispose()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
