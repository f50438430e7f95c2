"""Big data as GB/T 22239-2019 Annex H and GB/T 28448-2019 Annex B have it (issue 17): the official units at
every level, one group per category, the level-to-level relations, and the loader holding files to the
numbering rule of Annex C.2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter

import pytest
import yaml

from mlps.rules.catalogue import CatalogueError, level_change, load_catalogue
from mlps.rules.rulefiles import CONTROLS_DIR
from tests.conftest import ROOT
from tests.data.domain_counts import BIGDATA_BY_CATEGORY


def catalogue_json(level: int) -> list[dict]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlps",
            "catalogue",
            "--level",
            str(level),
            "--extensions",
            "bigdata",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return [r for r in json.loads(out.stdout) if r["extension"] == "bigdata"]


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_the_cli_lists_the_official_big_data_units_per_category_at_every_level(level):
    rows = catalogue_json(level)
    assert Counter(r["category"] for r in rows) == BIGDATA_BY_CATEGORY[level]
    for cat, n in BIGDATA_BY_CATEGORY[level].items():
        mine = [r for r in rows if r["category"] == cat]
        # the printed unit restarts in each category (Annex B) and runs in the standard's order
        assert [r["official_id"] for r in mine] == [f"BDS-L{level}-{k:02d}" for k in range(1, n + 1)]
        assert [r["id"] for r in mine] == [f"BDS-L{level}-{cat}-{k:02d}" for k in range(1, n + 1)]
        assert [r["letter"] for r in mine] == list("abcdefghijklmno"[:n])
    assert len({r["id"] for r in rows}) == len(rows)


def test_the_items_the_review_found_wrong_are_the_standards_items_now():
    cat = load_catalogue()
    assert "BDS-L1-PES-01" not in cat and cat.get("BDS-L1-CMS-01").category == "CMS"
    assert "接收方" in cat.get("BDS-L3-CMS-03").requirement_zh  # recipients of shared data, not suppliers
    assert "接收方" in cat.get("BDS-L4-CMS-03").requirement_zh
    assert {"类别", "销毁"} <= set(_words(cat.get("BDS-L4-CES-15").requirement_zh))  # whole life cycle, by class
    assert "动态" not in cat.get("BDS-L4-CES-06").requirement_zh  # static masking only, as at level 3
    assert "接口" in cat.get("BDS-L3-CES-11").requirement_zh  # k): the interface access-control item
    assert cat.get("BDS-L3-CES-08").clause == "H.4.3 h)"


def test_one_group_per_category_and_no_invented_control_points():
    cat = load_catalogue()
    big = [i for i in cat.items if i.scope == "bigdata"]
    groups = {(i.level, i.category): set() for i in big}
    for i in big:
        groups[(i.level, i.category)].add(i.control_point)
    assert all(len(g) == 1 for g in groups.values())
    assert {i.control_point for i in big} == {f"annex_h_{c.lower()}" for c in ("pes", "cns", "ces", "cms", "mms")}


def test_relations_follow_the_standards_level_to_level_changes():
    cat = load_catalogue()
    get = cat.get
    assert get("BDS-L2-PES-01").prev is None  # level 1 has no physical-environment measure
    assert get("BDS-L2-CES-01").prev == "BDS-L1-CES-01"
    assert [get(f"BDS-L2-CES-{n:02d}").prev for n in range(2, 8)] == [None] * 6
    assert get("BDS-L3-CES-03").prev == "BDS-L2-CES-03"  # control becomes central control
    assert [get(f"BDS-L3-CES-{n:02d}").prev for n in range(8, 15)] == [None] * 7
    assert get("BDS-L3-CMS-03").prev is None and get("BDS-L3-MMS-02").prev is None
    assert all(get(f"BDS-L4-CES-{n:02d}").prev == f"BDS-L3-CES-{n:02d}" for n in range(1, 15))
    change = level_change(cat, 3, ("bigdata",))
    assert [i.id for i in change.new_items if i.scope == "bigdata"] == ["BDS-L4-CES-15"]
    assert not [i for i in change.dropped_items if i.scope == "bigdata"]


def test_search_finds_a_big_data_item_by_the_id_agencies_print(tmp_path):
    from mlps.rules.catalogue import search_items

    items = load_catalogue().select(3, ["bigdata"])
    found = search_items(items, categories=["CES"], text="BDS-L3-05")
    assert [i.id for i in found] == ["BDS-L3-CES-05"]


@pytest.fixture
def bigdata_dir(mini_dir):
    for level in (1, 2):
        shutil.copy(CONTROLS_DIR / f"bigdata-L{level}.yaml", mini_dir / f"bigdata-L{level}.yaml")
    return mini_dir


def edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_copied_big_data_files_load(bigdata_dir):
    assert len(load_catalogue(bigdata_dir).select(2, ["bigdata"])) > 12


@pytest.mark.parametrize(
    "change,item,message",
    [
        (lambda cps: cps[2]["items"][1].update(id="BDS-L2-CES-03"), "BDS-L2-CES-03", "expected BDS-L2-CES-02"),
        (lambda cps: cps[0]["items"][0].update(id="BD-L2-PES-01"), "BD-L2-PES-01", "must look like BDS-L3-CES-01"),
        (lambda cps: cps[1]["items"][0].update(id="BDS-L2-CES-01"), "BDS-L2-CES-01", "id says category CES"),
    ],
    ids=["a gap in a category's numbering", "an old BD- id", "another category's unit"],
)
def test_a_big_data_file_that_breaks_the_numbering_rule_is_refused(bigdata_dir, change, item, message):
    edit(bigdata_dir / "bigdata-L2.yaml", lambda d: change(d["control_points"]))
    with pytest.raises(CatalogueError, match=message) as err:
        load_catalogue(bigdata_dir)
    assert err.value.file == "bigdata-L2.yaml" and err.value.item == item


def _words(text: str) -> list[str]:
    return [w for w in ("类别", "销毁", "生命周期") if w in text]
