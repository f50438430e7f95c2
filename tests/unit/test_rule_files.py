"""One loader for every rule file (mlps.rules.rulefiles.load): a malformed entry of each kind of file is refused
in one line naming the file and the entry (a path of keys, list entries by their id), and nothing is cached
from a broken file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from mlps.adapters.exchange import vocabulary as vocab
from mlps.rules import rulefiles
from mlps.rules.catalogue import CatalogueError, load_catalogue
from mlps.rules.collector import load_collector_map
from mlps.rules.hazards import HazardError, load_hazard_triggers
from mlps.rules.obligations.settings import load_settings
from mlps.rules.rulefiles import CONTROLS_DIR, RuleFileError, RuleModel, Text, load
from mlps.rules.scoring_methods import ScoringConfigError, load_scoring_config
from mlps.rules.verdict2025 import load_verdict_rules
from mlps.rules.wizard import load_wizard


def broken_copy(tmp_path: Path, name: str, change) -> Path:
    data = yaml.safe_load((CONTROLS_DIR / name).read_text(encoding="utf-8"))
    change(data)
    target = tmp_path / name
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _vocabulary(path: Path):
    return vocab._load(str(path))


CASES = [
    (
        "obligations.yaml",
        load_settings,
        lambda d: d["penalties"][1]["tiers"][0].pop("text_en"),
        ValueError,
        "obligations.yaml, penalties[csl_2025_art61].tiers[first]: 'text_en' is missing",
    ),
    (
        "grading_presets.yaml",
        load_wizard,
        lambda d: d["questions"][1]["options"][0].update(label_zh="  "),
        ValueError,
        "grading_presets.yaml, questions[{q}].options[{o}]: 'label_zh' is empty",
    ),
    (
        "hazard_triggers.yaml",
        load_hazard_triggers,
        lambda d: d["triggers"][3]["items"].update({3: ["L2-PES1-01"]}),
        HazardError,
        "hazard_triggers.yaml, triggers[A-04].items.3: items at level 3 must be ids of that level",
    ),
    (
        "collector.yaml",
        load_collector_map,
        lambda d: d["checks"]["login_failure"]["items"].update({7: ["L3-CES1-02"]}),
        ValueError,
        "collector.yaml, checks.login_failure.items: key must be 1, 2, 3 or 4, not 7",
    ),
    (
        "scoring_methods.yaml",
        load_scoring_config,
        lambda d: d["methods"]["mlps2025"]["parameters"].update(partial=2),
        ScoringConfigError,
        "scoring_methods.yaml, methods.mlps2025.parameters: parameter 'partial' must be a credit between 0 and 1, "
        "not 2",
    ),
    (
        "scoring_methods.yaml",
        load_verdict_rules,
        lambda d: d["method_by_date"][0].update(method="mlps2030"),
        ScoringConfigError,
        "scoring_methods.yaml, method_by_date[#1]: method 'mlps2030' is not configured",
    ),
    (
        "exchange.yaml",
        _vocabulary,
        lambda d: d["messages"]["empty_file"].pop("en"),
        ValueError,
        "exchange.yaml, messages.empty_file: 'en' is missing",
    ),
]


@pytest.mark.parametrize(("name", "loader", "change", "error", "message"), CASES,
                         ids=[f"{c[0]}:{c[1].__name__}" for c in CASES])  # fmt: skip
def test_a_malformed_entry_is_refused_naming_file_and_entry(tmp_path, name, loader, change, error, message):
    original = yaml.safe_load((CONTROLS_DIR / name).read_text(encoding="utf-8"))
    if "{q}" in message:
        message = message.format(q=original["questions"][1]["id"], o=original["questions"][1]["options"][0]["id"])
    with pytest.raises(error) as err:
        loader(broken_copy(tmp_path, name, change))
    assert str(err.value) == message
    assert "\n" not in str(err.value)


def test_a_malformed_catalogue_file_and_taxonomy_name_the_entry(mini_dir):
    tax = yaml.safe_load((mini_dir / "taxonomy.yaml").read_text(encoding="utf-8"))
    tax["tiers"][1].pop("weight")
    (mini_dir / "taxonomy.yaml").write_text(yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(mini_dir)
    assert str(err.value) == "taxonomy.yaml, tiers[important]: 'weight' is missing"
    shutil.copy(CONTROLS_DIR / "taxonomy.yaml", mini_dir / "taxonomy.yaml")
    doc = yaml.safe_load((mini_dir / "general-L2.yaml").read_text(encoding="utf-8"))
    doc["control_points"][0]["items"][0]["letter"] = ""
    (mini_dir / "general-L2.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(mini_dir)
    item = doc["control_points"][0]["items"][0]["id"]
    assert (err.value.file, err.value.item) == ("general-L2.yaml", item)
    assert str(err.value) == f"general-L2.yaml, item {item}: 'letter' is empty"


class _Entry(RuleModel):
    id: Text
    size: int


class _File(RuleModel):
    entries: list[_Entry]


def test_entries_are_named_by_id_or_position_and_every_problem_is_counted(tmp_path):
    path = tmp_path / "sample.yaml"
    path.write_text("entries:\n- {id: first, size: big}\n- {size: 2}\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load(path, _File)
    assert (
        str(err.value) == "sample.yaml, entries[first]: 'size' must be a whole number, not 'big' (and 1 more problem)"
    )
    assert (err.value.file, err.value.entry) == ("sample.yaml", "entries[first]")
    path.write_text("entries:\n- {id: first, size: 1}\n- {size: 2}\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"^sample.yaml, entries\[#2\]: 'id' is missing$"):
        load(path, _File)


def test_a_file_is_validated_once_and_again_after_it_changes(tmp_path):
    path = tmp_path / "sample.yaml"
    path.write_text("entries:\n- {id: a, size: 1}\n", encoding="utf-8")
    first = load(path, _File)
    assert load(path, _File) is first
    path.write_text("entries:\n- {id: a, size: 1}\n- {id: b, size: 2}\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9, path.stat().st_mtime_ns + 10**9))
    assert [e.id for e in load(path, _File).entries] == ["a", "b"]


def test_a_file_in_the_controls_folder_setting_replaces_the_bundled_one(tmp_path, monkeypatch):
    (tmp_path / "sample.yaml").write_text("entries: []\n", encoding="utf-8")
    monkeypatch.setenv(rulefiles.CONTROLS_ENV, str(tmp_path))
    assert load("sample.yaml", _File).entries == []
    with pytest.raises(RuleFileError, match=r"^missing.yaml: not found at "):
        load("missing.yaml", _File)


def test_not_yaml_is_refused_with_the_line(tmp_path):
    path = tmp_path / "sample.yaml"
    path.write_text("entries:\n- {id: a, size: [1\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"^sample.yaml: not valid YAML at line 3, column 1: "):
        load(path, _File)
