"""The catalogue loader accepts a valid catalogue and names the file and item of every kind of breakage."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlps.rules.catalogue import CatalogueError, load_catalogue


def edit(folder: Path, name: str, change) -> None:
    path = folder / name
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def first_item(doc: dict, cp: int = 0, item: int = 0) -> dict:
    return doc["control_points"][cp]["items"][item]


def test_a_valid_catalogue_loads_with_items_in_order_and_relations_resolved(mini_dir):
    cat = load_catalogue(mini_dir)
    assert [i.id for i in cat.select(2)] == ["L2-PES1-01", "L2-CMS1-01", "L2-CMS1-02"]
    assert [i.id for i in cat.select(2, ["cloud"])][-1] == "L2-PES2-01"
    item = cat.get("L2-PES1-01")
    assert item.prev == "L1-PES1-01" and item.weight == 1.0 and item.methods == ("interview", "examine", "test")
    assert cat.get("L2-CMS1-02").weight == 0.7 and cat.get("L2-CMS1-02").is_new
    assert cat.levels() == [1, 2] and cat.extensions_at(2) == ["cloud"]


def test_catalogue_version_changes_when_a_file_version_changes(mini_dir):
    before = load_catalogue(mini_dir).version
    edit(mini_dir, "general-L2.yaml", lambda d: d.update(version="test.2"))
    assert load_catalogue(mini_dir).version != before


def test_unknown_extension_is_refused(mini_dir):
    with pytest.raises(ValueError, match="unknown extension"):
        load_catalogue(mini_dir).select(2, ["blockchain"])


BROKEN = [
    (
        "duplicate id",
        "general-L2.yaml",
        lambda d: first_item(d, 1, 1).update(id="L2-CMS1-01"),
        "L2-CMS1-01",
        "letter 'b'|duplicate id",
    ),
    (
        "id from another level",
        "general-L2.yaml",
        lambda d: first_item(d).update(id="L3-PES1-01"),
        "L3-PES1-01",
        "id says level 3 but the file is level 2",
    ),
    (
        "id from another category",
        "general-L2.yaml",
        lambda d: first_item(d).update(id="L2-CES1-01"),
        "L2-CES1-01",
        "id says category CES but its control point is in PES",
    ),
    (
        "id with an extension's unit",
        "general-L2.yaml",
        lambda d: first_item(d).update(id="L2-PES2-09"),
        "L2-PES2-09",
        "does not match scope 'general'",
    ),
    (
        "malformed id",
        "general-L2.yaml",
        lambda d: first_item(d).update(id="PES-1"),
        "PES-1",
        "id must look like L3-CES1-01",
    ),
    (
        "weight outside the allowed set",
        "general-L2.yaml",
        lambda d: first_item(d).update(weight=0.5),
        "L2-PES1-01",
        "weight 0.5 is not one of the allowed weights",
    ),
    (
        "unknown tier",
        "general-L2.yaml",
        lambda d: first_item(d).update(tier="critical"),
        "L2-PES1-01",
        "tier 'critical' is not one of",
    ),
    (
        "empty control point",
        "general-L2.yaml",
        lambda d: d["control_points"][1].update(items=[]),
        None,
        r"general-L2.yaml, control_points\[grading_filing\]: has no items \(定级和备案\)",
    ),
    (
        "missing English requirement",
        "general-L2.yaml",
        lambda d: first_item(d).pop("requirement_en"),
        "L2-PES1-01",
        "'requirement_en' is missing",
    ),
    (
        "missing Chinese evidence",
        "general-L2.yaml",
        lambda d: first_item(d).update(evidence_zh=" "),
        "L2-PES1-01",
        "'evidence_zh' is empty",
    ),
    (
        "Chinese field without Chinese",
        "general-L2.yaml",
        lambda d: first_item(d).update(requirement_zh="lock the door"),
        "L2-PES1-01",
        "has no Chinese text",
    ),
    (
        "unknown method",
        "general-L2.yaml",
        lambda d: first_item(d).update(methods=["guess"]),
        "L2-PES1-01",
        "methods must be a non-empty list",
    ),
    (
        "unknown category",
        "general-L2.yaml",
        lambda d: d["control_points"][0].update(category="XYZ"),
        None,
        "unknown category 'XYZ'",
    ),
    (
        "relation to a missing lower item",
        "general-L2.yaml",
        lambda d: first_item(d).update(prev="c"),
        "L2-PES1-01",
        "prev 'c' names no item",
    ),
    (
        "relation missing",
        "general-L2.yaml",
        lambda d: first_item(d).pop("prev"),
        "L2-PES1-01",
        "prev must name the lower-level item",
    ),
    (
        "scope and file name disagree",
        "cloud-L2.yaml",
        lambda d: d.update(scope="mobile"),
        None,
        "cloud-L2.yaml, level: file name does not agree with its content",
    ),
    ("no version", "general-L1.yaml", lambda d: d.pop("version"), None, "general-L1.yaml: 'version' is missing"),
]


@pytest.mark.parametrize("name,file,change,item,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_catalogue_is_refused_naming_file_item_and_fault(mini_dir, name, file, change, item, message):
    edit(mini_dir, file, change)
    with pytest.raises(CatalogueError, match=message) as err:
        load_catalogue(mini_dir)
    assert err.value.file == file
    if item:
        assert err.value.item == item
        assert f"{file}, item {item}" in str(err.value)


def test_invalid_yaml_names_the_line(mini_dir):
    (mini_dir / "general-L1.yaml").write_text("scope: general\nlevel: [1\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"general-L1.yaml: not valid YAML at line 3"):
        load_catalogue(mini_dir)


def test_a_file_named_outside_the_scheme_is_reported(mini_dir):
    (mini_dir / "general-L2.yaml").rename(mini_dir / "general-L9.yaml")
    with pytest.raises(CatalogueError, match=r"general-L9.yaml: looks like a catalogue file"):
        load_catalogue(mini_dir)
