"""A change in what an item means comes with a new catalogue version."""

import json
from pathlib import Path

from mlps.rules.catalogue import load_catalogue, meaning_fingerprints

LOCK = Path(__file__).resolve().parent.parent / "data" / "catalogue_fingerprints.json"
HOW = (
    "bump `version:` in the file, then run "
    "`.venv/bin/mlps catalogue --level 3 --fingerprints > tests/data/catalogue_fingerprints.json`"
)


def test_no_item_changes_meaning_without_a_new_version():
    locked = json.loads(LOCK.read_text())
    current = meaning_fingerprints(load_catalogue())
    for name, now in current.items():
        before = locked.get(name)
        if before is None:
            raise AssertionError(f"{name} is new: record its fingerprint ({HOW})")
        if now["meaning"] != before["meaning"]:
            assert now["version"] != before["version"], (
                f"{name} changed meaning but kept version {now['version']}: {HOW}"
            )
            raise AssertionError(f"{name}: new version {now['version']}; record the new fingerprint ({HOW})")
        assert now["version"] == before["version"], f"{name}: version changed, meaning did not; record it ({HOW})"


def test_the_fingerprint_moves_when_a_requirement_text_changes(mini_dir):
    before = meaning_fingerprints(load_catalogue(mini_dir))
    path = mini_dir / "general-L2.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("并记录进出", "并记录进出和离开"), encoding="utf-8")
    after = meaning_fingerprints(load_catalogue(mini_dir))
    assert after["general-L2.yaml"]["meaning"] != before["general-L2.yaml"]["meaning"]
    assert after["general-L1.yaml"] == before["general-L1.yaml"]
