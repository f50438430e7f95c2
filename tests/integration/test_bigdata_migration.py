"""Migration 0005_bigdata: results, evidence, attachments, remediation tasks and statement overrides recorded
under the old BD-… ids move to the official BDS-… ids; ids with no successor stay, reported and audited."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from mlps.adapters.store.db import MIGRATIONS, make_engine

BEFORE = "0007_hazards"  # the revision 0005_bigdata follows
NOW = datetime(2026, 11, 30, 10, 0)


def upgrade(engine, target: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, target)


def downgrade(engine, target: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, target)


OLD = {  # old id -> what the migration must make of it
    "BD-L3-PES-01": "BDS-L3-PES-01",
    "BD-L3-CES-08": "BDS-L3-CES-11",  # the interface item is k) in the standard
    "BD-L3-CES-09": "BDS-L3-CES-08",
    "BD-L3-CES-11": "BDS-L3-CES-10",
    "BD-L3-CMS-03": "BD-L3-CMS-03",  # no successor: kept as it was
    "L3-PES1-03": "L3-PES1-03",  # not a big-data id: untouched
}


def insert(c, table: str, **values) -> None:
    """Insert a row into the schema as it stands at BEFORE (reflected), filling required columns the test does
    not care about, so later migrations adding columns do not break this test."""
    t = sa.Table(table, sa.MetaData(), autoload_with=c)
    for col in t.columns:
        if col.name in values or col.nullable or col.primary_key or col.server_default is not None:
            continue
        kind = col.type
        if isinstance(kind, sa.Boolean):
            values[col.name] = False
        elif isinstance(kind, (sa.Integer, sa.Float, sa.Numeric)):
            values[col.name] = 1
        elif isinstance(kind, sa.DateTime):
            values[col.name] = NOW
        elif isinstance(kind, sa.Date):
            values[col.name] = NOW.date()
        elif isinstance(kind, sa.JSON):
            values[col.name] = []
        elif isinstance(kind, sa.LargeBinary):
            values[col.name] = b""
        else:
            values[col.name] = ""
    c.execute(sa.insert(t), values)


def seed(engine) -> dict[str, int]:
    ids = {}
    with engine.begin() as c:
        insert(c, "organisation", id=1, name="青山县第一中学")
        overrides = [{"item_id": "BD-L3-CES-08", "reason": "平台不对外提供接口", "status": "not_applicable"}]
        insert(
            c,
            "system",
            id=1,
            organisation_id=1,
            name="教育大数据平台",
            extensions=["bigdata"],
            profile={"profile": {"big_data": True}, "overrides": overrides},
        )
        insert(c, "assessment", id=1, system_id=1, level=3, extensions=["bigdata"], catalogue_version="old")
        for n, old in enumerate(OLD, start=1):
            insert(
                c,
                "item_result",
                id=n,
                assessment_id=1,
                item_id=old,
                assessed_object="大数据平台",
                result="partial",
                record=f"记录 {old}",
                methods=["examine"],
            )
            ids[old] = n
        insert(c, "blob", sha256="ab", size=2, mime="text/plain", data=b"hi")
        insert(c, "attachment", id=1, result_id=ids["BD-L3-CES-08"], sha256="ab", original_name="接口清单.txt")
        for tid, key, items, cp in [
            (1, "item:BD-L3-CES-09", ["BD-L3-CES-09"], "data_classification_labelling"),
            (2, "cp:bigdata/CES/data_authorisation", ["BD-L3-CES-08"], "data_authorisation"),
            (3, "cp:bigdata/CES/identification_authentication", ["BD-L3-CES-01"], "identification_authentication"),
        ]:
            insert(
                c,
                "remediation_task",
                id=tid,
                assessment_id=1,
                key=key,
                item_ids=items,
                scope="bigdata",
                category="CES",
                control_point=cp,
                control_point_zh="旧控制点",
                control_point_en="old",
                status="open",
                risk="medium",
            )
    return ids


def test_stored_rows_move_to_the_official_ids_and_an_id_without_successor_is_kept_and_reported(db_url, caplog):
    engine = make_engine(db_url)
    upgrade(engine, BEFORE)
    ids = seed(engine)
    with caplog.at_level(logging.WARNING):
        upgrade(engine, "0005_bigdata")
    with engine.connect() as c:
        rows = dict(c.execute(text("SELECT id, item_id FROM item_result")).all())
        assert {old: rows[n] for old, n in ids.items()} == OLD
        records = dict(c.execute(text("SELECT item_id, record FROM item_result")).all())
        assert records["BDS-L3-CES-11"] == "记录 BD-L3-CES-08"  # the evidence text moved with its result
        attached = c.execute(text("SELECT r.item_id FROM attachment a JOIN item_result r ON r.id = a.result_id")).all()
        assert attached == [("BDS-L3-CES-11",)]
        tasks = {r[0]: r[1:] for r in c.execute(text("SELECT id, key, item_ids, control_point FROM remediation_task"))}
        assert tasks[1][0] == "item:BDS-L3-CES-08" and _json(tasks[1][1]) == ["BDS-L3-CES-08"]
        assert tasks[2][0] == "cp:bigdata/CES/annex_h_ces" and _json(tasks[2][1]) == ["BDS-L3-CES-11"]
        # two old control points of CES now share one group: the second keeps its key rather than collide
        assert tasks[3][0] == "cp:bigdata/CES/identification_authentication"
        assert {t[2] for t in tasks.values()} == {"annex_h_ces"}
        profile = _json(c.execute(text("SELECT profile FROM system")).scalar())
        assert profile["overrides"][0]["item_id"] == "BDS-L3-CES-11"
        events = c.execute(text("SELECT entity_id, action, after FROM audit_event ORDER BY entity_id")).all()
    retired = [e for e in events if e[1] == "catalogue_id_retired"]
    assert [(e[0], _json(e[2])["item_id"]) for e in retired] == [(str(ids["BD-L3-CMS-03"]), "BD-L3-CMS-03")]
    assert "H.4.4" in _json(retired[0][2])["reason"]
    assert sum(e[1] == "catalogue_id_renamed" for e in events) == 4
    assert "BD-L3-CMS-03" in caplog.text and "no successor" in caplog.text
    # the way back: renamed ids return to the old ones, the kept one is as it was
    downgrade(engine, BEFORE)
    with engine.connect() as c:
        back = dict(c.execute(text("SELECT id, item_id FROM item_result")).all())
    assert {old: back[n] for old, n in ids.items()} == {old: old for old in OLD}
    engine.dispose()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
