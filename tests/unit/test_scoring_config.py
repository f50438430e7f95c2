"""controls/scoring_methods.yaml: methods are named, versioned data, our readings are marked, and a malformed
file is refused with a message naming the entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Risk
from mlps.rules.scoring_methods import (
    CATEGORY_ORDER,
    TECHNICAL_CATEGORIES,
    ScoringConfigError,
    default_methods_path,
    get_method,
    load_scoring_config,
)
from tests.conftest import ROOT

BUNDLED = ROOT / "mlps" / "controls" / "scoring_methods.yaml"


def test_category_order_and_kinds_agree_with_the_taxonomy():
    tax = load_catalogue().taxonomy
    assert list(CATEGORY_ORDER) == tax.category_order
    assert {c for c, v in tax.categories.items() if v["kind"] == "technical"} == TECHNICAL_CATEGORIES


def test_the_default_method_is_mlps2019_and_both_methods_are_described():
    config = load_scoring_config()
    assert config.default_method == "mlps2019"
    assert get_method().name == "mlps2019"
    assert set(config.methods) >= {"mlps2019", "deduction2021"}
    d = get_method("deduction2021").describe()
    assert d["version"] and d["rule"] == "tier_deduction" and d["confidence"] == "R"
    assert d["parameters"]["base"] == "auto"
    assert all(r["confidence"] == "R" and r["note_zh"] and r["note_en"] for r in d["our_reading"].values())


def test_the_conclusion_table_is_data():
    rules = load_scoring_config().conclusion
    assert [(g.zh, g.min_score, g.max_risk) for g in rules.grades] == [
        ("优", 90, Risk.LOW),
        ("良", 80, Risk.MEDIUM),
        ("中", 70, Risk.MEDIUM),
        ("差", 0, Risk.HIGH),
    ]
    assert rules.score_decimals == 2


def test_an_unknown_method_name_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="unknown scoring method 'mlps2030'; known: mlps2019, deduction2021, mlps2025"):
        get_method("mlps2030")


def broken(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "scoring_methods.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda r: r["methods"]["mlps2019"].update(rule="magic"),
            "methods.mlps2019: 'rule' must be category_mean, tier_deduction or conformity_rate, not 'magic'",
        ),
        (
            lambda r: r["methods"]["deduction2021"]["parameters"].update(technical_share=1),
            "methods.deduction2021.parameters: parameter 'technical_share' (y) must be strictly between 0 and 1",
        ),
        (
            lambda r: r["methods"]["deduction2021"]["parameters"].update(base=-1),
            "parameter 'base' must be 'auto' or a positive number",
        ),
        (
            lambda r: r["methods"]["deduction2021"].update(readings={}),
            "methods.deduction2021: a method marked R must say which parameters are our reading",
        ),
        (lambda r: r["methods"]["mlps2019"].pop("label_zh"), "methods.mlps2019: 'label_zh' is missing"),
        (lambda r: r.update(default_method="nope"), "default_method: 'nope' is not one of"),
        (
            lambda r: r["conclusion"]["grades"].reverse(),
            "grades must go from best to worst",
        ),
        (
            lambda r: r["conclusion"]["grades"].pop(),
            "the last grade must take every score and risk",
        ),
        (
            lambda r: r["conclusion"]["grades"][1].update(max_risk="severe"),
            "conclusion.grades[good]: 'max_risk' must be none, low, medium or high, not 'severe'",
        ),
    ],
)
def test_a_malformed_file_is_refused_naming_the_entry(tmp_path, change, message):
    path = broken(tmp_path, change)
    with pytest.raises(ScoringConfigError) as err:
        load_scoring_config(path)
    assert str(err.value).startswith("scoring_methods.yaml, ")
    assert message in str(err.value)


def test_a_catalogue_folder_without_its_own_methods_file_uses_the_bundled_one(monkeypatch, mini_dir):
    monkeypatch.setenv("MLPS_CONTROLS_DIR", str(mini_dir))
    assert default_methods_path() == BUNDLED
    (mini_dir / "scoring_methods.yaml").write_text(BUNDLED.read_text(encoding="utf-8"), encoding="utf-8")
    assert default_methods_path() == mini_dir / "scoring_methods.yaml"
