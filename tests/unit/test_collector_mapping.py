"""Which items the collector's findings are evidence for (mlps/controls/collector.yaml), how several findings on
one item combine, and how a proposal stands against what an assessor recorded."""

from __future__ import annotations

import pytest

from mlps.adapters.collector.bundle import CHECKS
from mlps.rules.catalogue import load_catalogue
from mlps.rules.collector import changes_between, combine, load_collector_map, plan_proposals
from mlps.rules.domain import ItemResult, Result
from mlps.rules.obligations import load_settings


@pytest.fixture(scope="module")
def cmap():
    return load_collector_map()


def test_every_mapped_id_is_the_named_control_point_and_letter_at_its_level(cmap):
    cat = load_catalogue()
    for check, by_level in cmap.items.items():
        assert by_level, check
        for level, ids in by_level.items():
            general = {i.id: i for i in cat.select(level, [])}
            for item_id in ids:
                item = general[item_id]  # KeyError: not a general item of that level
                assert item.letter in cmap.points[check].get(item.control_point, ()), (check, item_id)


def test_every_check_of_the_collector_is_mapped_and_nothing_else(cmap):
    assert set(cmap.items) == {name for name, _, _ in CHECKS}


def test_the_log_floor_is_the_obligations_one(cmap):
    assert cmap.thresholds["log_min_days"] == load_settings().log_min_days


@pytest.mark.parametrize(
    ("verdicts", "result"),
    [
        (["conform", "conform"], Result.CONFORM),
        (["nonconform", "nonconform", "unknown"], Result.NONCONFORM),
        (["conform", "nonconform"], Result.PARTIAL),
        (["partial"], Result.PARTIAL),
        (["unknown", "unknown"], None),
    ],
)
def test_several_findings_on_one_item_combine(verdicts, result):
    assert combine(verdicts) == result


def finding(check: str, verdict: str) -> dict:
    return {"check": check, "verdict": verdict, "detail_zh": f"{check} 中文", "detail_en": f"{check} english"}


def test_proposal_status_against_what_is_recorded(cmap):
    findings = [
        finding("password_policy", "nonconform"),
        finding("login_failure", "conform"),
        finding("ssh_root_login", "conform"),
        finding("patch_age", "unknown"),
    ]
    valid = {"L2-CES1-01", "L2-CES1-02", "L2-CES1-05", "L2-CES1-07", "L2-CES1-15"}
    current = [
        ItemResult("L2-CES1-01", Result.CONFORM, "srv", "assessor's own", version=3),
        ItemResult("L2-CES1-02", Result.NOT_ASSESSED, "srv", "", version=1),
        ItemResult("L2-CES1-05", Result.CONFORM, "srv", "old note", version=2),  # written by an import
        ItemResult("L2-CES1-07", Result.NONCONFORM, "other server", "elsewhere", version=1),
    ]
    plan = {
        p.item_id: p for p in plan_proposals(findings, 2, cmap, valid, current, "srv", "head", "en", {"L2-CES1-05": 2})
    }
    assert plan["L2-CES1-01"].status == "conflict" and plan["L2-CES1-01"].result == Result.NONCONFORM
    assert plan["L2-CES1-02"].status == "new" and plan["L2-CES1-02"].result == Result.CONFORM
    assert plan["L2-CES1-05"].status == "update"
    assert plan["L2-CES1-07"].status == "new"  # the other server's result is not this object's
    assert plan["L2-CES1-15"].result == Result.NOT_ASSESSED and "[unknown] patch_age" in plan["L2-CES1-15"].record
    assert plan["L2-CES1-02"].record.splitlines()[0] == "[mlps collector] head"
    assert set(plan) <= valid


def test_changes_between_collections():
    earlier = [finding("a", "nonconform"), finding("b", "conform"), finding("gone", "conform")]
    later = [finding("a", "conform"), finding("b", "conform"), finding("new", "unknown")]
    assert [(c.check, c.before, c.after) for c in changes_between(earlier, later)] == [
        ("a", "nonconform", "conform"),
        ("gone", "conform", None),
        ("new", None, "unknown"),
    ]
