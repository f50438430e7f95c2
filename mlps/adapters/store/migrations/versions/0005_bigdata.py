"""big-data item ids: the catalogue's own BD-… ids become the official GB/T 28448-2019 Annex B units

The big-data extension used ids of our own (`BD-L3-CES-08`). It now follows GB/T 22239-2019 Annex H and
GB/T 28448-2019 Annex B: the stored id carries the printed unit and its category, `BDS-L{level}-{CAT}-{NN}`
(agencies write the category with `BDS-L3-05`). This data migration renames every stored reference to an old id
— results (with their evidence text; attachments hang off the result row and follow it), remediation tasks
(item list, key, control point) and the statement-of-applicability overrides kept with a system — through the frozen
mapping table `mlps.rules.item_ids.LEGACY_BIGDATA`, and writes one audit event per renamed or retired result.

Old ids with no successor (the item was not in the standard: BD-L1-PES-01, BD-L3-CMS-03, BD-L4-CMS-03,
BD-L4-CES-15) are kept as they were, never deleted: the rows stay in the database and in the audit trail, the
catalogue no longer lists them, so scores and worklists leave them out. The migration logs each of them, and
each retired result gets an audit event `catalogue_id_retired` that says why.

Revision ID: 0005_bigdata
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from mlps.rules.item_ids import LEGACY_BIGDATA, LEGACY_RETIRED_WHY

revision = "0005_bigdata"
down_revision = "0007_hazards"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
ACTOR = "system (migration 0005_bigdata)"


# The mapping table lives with the id rules (frozen there) so that the Excel import reads old files the same way.
MAPPING = LEGACY_BIGDATA
RETIRED_WHY = LEGACY_RETIRED_WHY
CP_KEY = {cat: f"annex_h_{cat.lower()}" for cat in ("PES", "CNS", "CES", "CMS", "MMS")}
CP_NAME = ("大数据可参考安全控制措施", "Big-data reference measures")

metadata = sa.MetaData()
item_result = sa.Table(
    "item_result",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("assessment_id", sa.Integer),
    sa.Column("item_id", sa.String(20)),
    sa.Column("assessed_object", sa.String(200)),
)
task = sa.Table(
    "remediation_task",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("assessment_id", sa.Integer),
    sa.Column("key", sa.String(200)),
    sa.Column("item_ids", sa.JSON),
    sa.Column("scope", sa.String(20)),
    sa.Column("category", sa.String(10)),
    sa.Column("control_point", sa.String(100)),
    sa.Column("control_point_zh", sa.String(200)),
    sa.Column("control_point_en", sa.String(200)),
)
system = sa.Table("system", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("profile", sa.JSON))
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


def _rename(mapping: dict[str, str | None], *, forward: bool) -> None:
    bind = op.get_bind()
    now = datetime.now()
    events = []
    rows = bind.execute(
        sa.select(
            item_result.c.id, item_result.c.assessment_id, item_result.c.item_id, item_result.c.assessed_object
        ).where(item_result.c.item_id.in_(list(mapping)))
    ).all()
    taken = {
        (r.assessment_id, r.item_id, r.assessed_object)
        for r in bind.execute(
            sa.select(item_result.c.assessment_id, item_result.c.item_id, item_result.c.assessed_object).where(
                item_result.c.item_id.in_([v for v in mapping.values() if v])
            )
        )
    }
    for r in rows:
        new = mapping[r.item_id]
        if new is None:
            why = RETIRED_WHY.get(r.item_id, "no successor")
            log.warning(
                "item_result %s (assessment %s): %s kept, no successor: %s", r.id, r.assessment_id, r.item_id, why
            )
            if forward:
                events.append(
                    dict(
                        at=now,
                        user=ACTOR,
                        entity="item_result",
                        entity_id=str(r.id),
                        action="catalogue_id_retired",
                        before={"item_id": r.item_id},
                        after={"item_id": r.item_id, "reason": why},
                    )
                )
            continue
        if (r.assessment_id, new, r.assessed_object) in taken:
            log.warning(
                "item_result %s (assessment %s): %s not renamed, %s already recorded for the same object",
                r.id,
                r.assessment_id,
                r.item_id,
                new,
            )
            continue
        bind.execute(sa.update(item_result).where(item_result.c.id == r.id).values(item_id=new))
        taken.add((r.assessment_id, new, r.assessed_object))
        events.append(
            dict(
                at=now,
                user=ACTOR,
                entity="item_result",
                entity_id=str(r.id),
                action="catalogue_id_renamed",
                before={"item_id": r.item_id},
                after={"item_id": new},
            )
        )
    if events:
        bind.execute(sa.insert(audit), events)
    _tasks(bind, mapping, forward=forward)
    _overrides(bind, mapping)


def _new_key(key: str, mapping: dict[str, str | None], forward: bool) -> tuple[str, str | None]:
    """A task's key after the rename and the category it belongs to (None when it is not a big-data key)."""
    if key.startswith("item:") and mapping.get(key[5:]):
        new = mapping[key[5:]]
        return f"item:{new}", new.split("-")[2]
    parts = key.split("/")
    if forward and key.startswith("cp:bigdata/") and len(parts) == 3 and parts[1] in CP_KEY:
        return f"cp:bigdata/{parts[1]}/{CP_KEY[parts[1]]}", parts[1]
    return key, None


def _tasks(bind, mapping: dict[str, str | None], *, forward: bool) -> None:
    rows = bind.execute(sa.select(task).where(task.c.scope == "bigdata").order_by(task.c.id)).all()
    keys = {(r.assessment_id, r.key) for r in bind.execute(sa.select(task.c.assessment_id, task.c.key))}
    for r in rows:
        ids = [mapping.get(i) or i for i in (r.item_ids or [])]
        values: dict = {"item_ids": ids}
        key, cat = _new_key(r.key, mapping, forward)
        if key != r.key:
            if (r.assessment_id, key) in keys:
                log.warning(
                    "remediation task %s keeps its key %s: %s is already taken in assessment %s",
                    r.id,
                    r.key,
                    key,
                    r.assessment_id,
                )
            else:
                keys.discard((r.assessment_id, r.key))
                keys.add((r.assessment_id, key))
                values["key"] = key
        if forward and cat:
            values.update(control_point=CP_KEY[cat], control_point_zh=CP_NAME[0], control_point_en=CP_NAME[1])
        elif forward and r.category in CP_KEY:
            values.update(control_point=CP_KEY[r.category], control_point_zh=CP_NAME[0], control_point_en=CP_NAME[1])
        if values != {"item_ids": list(r.item_ids or [])}:
            bind.execute(sa.update(task).where(task.c.id == r.id).values(**values))


def _overrides(bind, mapping: dict[str, str | None]) -> None:
    for r in bind.execute(sa.select(system.c.id, system.c.profile)).all():
        data = r.profile
        if not isinstance(data, dict) or not isinstance(data.get("overrides"), list):
            continue
        changed = False
        for o in data["overrides"]:
            if isinstance(o, dict) and mapping.get(o.get("item_id")):
                o["item_id"] = mapping[o["item_id"]]
                changed = True
        if changed:
            bind.execute(sa.update(system).where(system.c.id == r.id).values(profile=data))


def upgrade() -> None:
    _rename(MAPPING, forward=True)


def downgrade() -> None:
    _rename({new: old for old, new in MAPPING.items() if new}, forward=False)
