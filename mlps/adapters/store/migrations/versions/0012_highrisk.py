"""2025 high-risk guideline: remediation tasks that cite a case of the retired recalled list cite the guideline

Until this revision the workbench suggested high risks from a list recalled from T/ISEAA 001-2020
(`controls/high_risk.yaml`, case ids `HR-PES-01` …). It now uses the 81 cases of the 2025 trial guideline
(`mlps/controls/high_risk_2025.yaml`, cited by case number, `6.4.1.1` …). The only stored data that names an old
case is a remediation task's `case_ids` (risk decisions are not stored). Each old id becomes the guideline cases
that tie to the same items, kept only where the task itself holds one of those items; an old id with no
counterpart in the guideline (for example HR-ABS-03, unauthorised connections across the boundary) is dropped,
since no guideline case stands behind it. Every changed task gets one audit event with the ids before and after.

The mapping is frozen below: old id -> {new case: the items of the old case that the new case also ties to}.
Downgrade is a no-op: the recalled list is gone from the package, so nothing could read the old ids again.

Revision ID: 0012_highrisk
Revises: 0011_collector
Create Date: 2026-12-05
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0012_highrisk"
down_revision = "0011_collector"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
ACTOR = "system (migration 0012_highrisk)"

MAPPING: dict[str, dict[str, list[str]]] = {
    "HR-PES-01": {"6.1.1.1": ["L3-PES1-03", "L4-PES1-03"]},
    "HR-PES-02": {},
    "HR-PES-03": {"6.1.2.1": ["L3-PES1-09", "L4-PES1-10"]},
    "HR-PES-04": {"6.1.3.1": ["L3-PES1-19", "L4-PES1-20"]},
    "HR-PES-05": {"6.1.3.2": ["L4-PES1-22"]},
    "HR-CNS-01": {"6.2.1.2": ["L2-CNS1-02", "L3-CNS1-04", "L4-CNS1-04"]},
    "HR-CNS-02": {"6.2.1.3": ["L3-CNS1-05", "L4-CNS1-05"]},
    "HR-CNS-03": {"6.2.2.1": ["L3-CNS1-07", "L4-CNS1-08"], "6.4.5.1": ["L3-CES1-27", "L4-CES1-27"]},
    "HR-ABS-01": {
        "6.3.1.1": ["L2-ABS1-01", "L3-ABS1-01", "L4-ABS1-01"],
        "6.3.2.1": ["L2-ABS1-02", "L3-ABS1-05", "L4-ABS1-07"],
    },
    "HR-ABS-02": {"6.3.1.2": ["L3-ABS1-04", "L4-ABS1-04"]},
    "HR-ABS-03": {},
    "HR-ABS-04": {"6.3.3.1": ["L2-ABS1-06", "L3-ABS1-10", "L4-ABS1-12"]},
    "HR-ABS-05": {},
    "HR-ABS-06": {},
    "HR-CES-01": {
        "6.4.1.1": ["L2-CES1-01", "L3-CES1-01", "L4-CES1-01"],
        "6.4.2.1": ["L2-CES1-05", "L3-CES1-06", "L4-CES1-06"],
    },
    "HR-CES-02": {"6.4.1.2": ["L2-CES1-03", "L3-CES1-03", "L4-CES1-03"]},
    "HR-CES-03": {"6.4.1.3": ["L3-CES1-04", "L4-CES1-04"]},
    "HR-CES-04": {"6.4.3.1": ["L2-CES1-12", "L3-CES1-18", "L4-CES1-17"]},
    "HR-CES-05": {"6.4.3.2": ["L2-CES1-15", "L3-CES1-21", "L4-CES1-20"]},
    "HR-CES-06": {"6.4.3.3": ["L2-CES1-14", "L3-CES1-20", "L4-CES1-19"]},
    "HR-CES-07": {"6.4.4.1": ["L2-CES1-16", "L3-CES1-23", "L4-CES1-22"]},
    "HR-CES-08": {},
    "HR-CES-09": {"6.4.5.2": ["L3-CES1-28", "L4-CES1-28"]},
    "HR-CES-10": {"6.4.6.1": ["L3-CES1-29", "L4-CES1-29"]},
    "HR-CES-11": {},
    "HR-CES-12": {"6.4.6.2": ["L3-CES1-31", "L4-CES1-31"]},
    "HR-CES-13": {"6.4.6.3": ["L4-CES1-32"]},
    "HR-CES-14": {
        "6.4.7.1": ["L2-CES1-22", "L3-CES1-34", "L4-CES1-35"],
        "6.4.7.2": ["L2-CES1-23", "L3-CES1-35", "L4-CES1-36"],
    },
    "HR-SMC-01": {"6.5.1.2": ["L3-SMC1-10", "L4-SMC1-10"]},
    "HR-PSS-01": {"6.6.1.1": ["L3-PSS1-02", "L4-PSS1-02"]},
    "HR-CMS-01": {"6.9.3.1": ["L3-CMS1-25", "L4-CMS1-26"]},
    "HR-CMS-02": {"6.9.2.1": ["L3-CMS1-20", "L4-CMS1-21"]},
    "HR-MMS-01": {"6.10.1.1": ["L3-MMS1-42", "L4-MMS1-45"]},
    "HR-CLD-01": {
        "7.2.1.1": ["L2-CNS2-01", "L3-CNS2-01", "L4-CNS2-01"],
        "7.6.1.1": ["L2-CMS2-01", "L3-CMS2-01", "L4-CMS2-01"],
    },
    "HR-CLD-02": {
        "7.4.2.1": ["L2-CES2-05", "L3-CES2-10", "L4-CES2-10"],
        "7.7.1.1": ["L2-MMS2-01", "L3-MMS2-01", "L4-MMS2-01"],
    },
    "HR-CLD-03": {"7.2.1.2": ["L2-CNS2-02", "L3-CNS2-02", "L4-CNS2-02"]},
    "HR-MOB-01": {"8.2.1.1": ["L3-ABS3-01", "L4-ABS3-01"], "8.2.2.1": ["L2-ABS3-02", "L3-ABS3-02", "L4-ABS3-02"]},
    "HR-IOT-01": {"9.2.1.1": ["L2-ABS4-01", "L3-ABS4-01", "L4-ABS4-01"]},
    "HR-ICS-01": {
        "10.2.1.1": ["L2-CNS5-01", "L3-CNS5-01", "L4-CNS5-01"],
        "10.3.1.1": ["L2-ABS5-01", "L3-ABS5-01", "L4-ABS5-01"],
    },
    "HR-ICS-02": {"10.2.2.1": ["L3-CNS5-04", "L4-CNS5-04"]},
}

metadata = sa.MetaData()
task = sa.Table(
    "remediation_task",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_ids", sa.JSON),
    sa.Column("case_ids", sa.JSON),
)
audit = sa.Table(
    "audit_event",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime),
    sa.Column("user", sa.String(100)),
    sa.Column("entity", sa.String(40)),
    sa.Column("entity_id", sa.String(100)),
    sa.Column("action", sa.String(40)),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
)


def new_case_ids(case_ids: list[str], item_ids: list[str]) -> list[str]:
    """The task's case ids with every old id replaced by the guideline cases behind the task's own items."""
    items = set(item_ids)
    out: list[str] = []
    for cid in case_ids:
        if cid not in MAPPING:
            out.append(cid)
            continue
        out.extend(case for case, tied in MAPPING[cid].items() if items & set(tied))
    return list(dict.fromkeys(out))


def upgrade() -> None:
    bind = op.get_bind()
    now = datetime.now()
    events = []
    for r in bind.execute(sa.select(task.c.id, task.c.item_ids, task.c.case_ids).order_by(task.c.id)).all():
        before = list(r.case_ids or [])
        if not any(c in MAPPING for c in before):
            continue
        after = new_case_ids(before, list(r.item_ids or []))
        dropped = [c for c in before if c in MAPPING and not any(MAPPING[c].get(n) for n in after)]
        if dropped:
            log.warning("remediation_task %s: %s has no guideline case for its items", r.id, ", ".join(dropped))
        bind.execute(sa.update(task).where(task.c.id == r.id).values(case_ids=after))
        events.append(
            dict(
                at=now,
                user=ACTOR,
                entity="remediation_task",
                entity_id=str(r.id),
                action="high_risk_cases_renamed",
                before={"case_ids": before},
                after={"case_ids": after},
            )  # fmt: skip
        )
    if events:
        bind.execute(sa.insert(audit), events)


def downgrade() -> None:
    """Nothing to undo: the old ids named a list the package no longer has."""
