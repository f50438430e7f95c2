"""The bundled catalogue has exactly the items of docs/domain.md: per control point, per level, per scope."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from mlps.rules.catalogue import load_catalogue
from tests.data.domain_counts import BIGDATA_BY_CATEGORY, EXTENSIONS, GENERAL, OFFICIAL_GAPS, TOTALS, parse

LEVELS = (1, 2, 3, 4)


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def counts(cat, scope: str, level: int) -> Counter:
    c = Counter()
    for i in cat.items:
        if i.scope == scope and i.level == level:
            # the ABS malware control point is named differently at L2 and L3+; count it by its key
            name = (
                "malware_protection"
                if (i.category, i.control_point) == ("ABS", "malware_protection")
                else i.control_point_zh
            )
            c[(i.category, name)] += 1
    return c


@pytest.mark.parametrize("scope", list(TOTALS))
@pytest.mark.parametrize("level", LEVELS)
def test_total_items_per_scope_and_level(cat, scope, level):
    assert sum(1 for i in cat.items if i.scope == scope and i.level == level) == TOTALS[scope][level - 1]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("scope,table", [("general", GENERAL), *EXTENSIONS.items()])
def test_items_per_control_point_match_domain(cat, scope, table, level):
    expected = {k: v[level - 1] for k, v in parse(table).items() if v[level - 1]}
    assert dict(counts(cat, scope, level)) == expected


@pytest.mark.parametrize("level", LEVELS)
def test_big_data_split_by_category_at_every_level(cat, level):
    got = Counter(i.category for i in cat.items if i.scope == "bigdata" and i.level == level)
    assert dict(got) == BIGDATA_BY_CATEGORY[level]


def test_ids_are_unique_and_numbered_in_order_with_only_the_official_gaps(cat):
    ids = [i.id for i in cat.items]
    assert len(ids) == len(set(ids))
    runs: dict[str, list[int]] = {}
    for i in cat.items:
        prefix, nn = i.id.rsplit("-", 1)
        runs.setdefault(prefix, []).append(int(nn))
    for prefix, numbers in runs.items():
        assert numbers == sorted(numbers), prefix
        missing = {f"{prefix}-{n:02d}" for n in range(1, max(numbers) + 1)} - {f"{prefix}-{n:02d}" for n in numbers}
        assert missing <= OFFICIAL_GAPS, (prefix, missing)
    assert not OFFICIAL_GAPS & set(ids)
    assert "L3-CES1-17" in cat and cat.get("L3-CES1-17").control_point_zh == "入侵防范"


def test_big_data_ids_cannot_collide_with_official_ids(cat):
    official = re.compile(r"^L[1-4]-[A-Z]{3}[1-5]-\d{2}$")
    for i in cat.items:
        assert bool(official.match(i.id)) == (i.scope != "bigdata"), i.id


def test_level_3_weights_follow_the_agency_workbook(cat):
    weights = {i.id: i.weight for i in cat.items}
    assert weights["L3-PES1-03"] == 1.0  # 物理访问控制 a·1
    assert weights["L3-PES1-01"] == 0.4  # 物理位置选择 a·4
    assert weights["L3-CES1-03"] == 1.0  # 身份鉴别 c·1 (two-factor)
    assert weights["L3-CES1-17"] == 0.7  # 入侵防范 a·7
    # 系统边界 as the workbook gives it (issue 17), so every level-3 weight comes from the workbook
    abs_weights = {"L3-ABS1-06": 0.7, "L3-ABS1-08": 0.4, "L3-ABS1-10": 0.7, "L3-ABS1-12": 1.0, "L3-ABS1-13": 0.4}
    assert {k: weights[k] for k in abs_weights} == abs_weights and weights["L3-ABS1-15"] == 0.7
    level3 = [i for i in cat.items if i.level == 3 and i.scope == "general"]
    assert len(level3) == 211 and {i.tier_source for i in level3} == {"workbook"}
    assert Counter(i.tier for i in level3) == {"key": 39, "important": 107, "general": 65}


def test_every_higher_level_item_maps_to_a_lower_item_or_is_marked_new(cat):
    by_id = {i.id: i for i in cat.items}
    for i in cat.items:
        if i.level == 1:
            assert i.prev is None
        elif i.prev is not None:
            lower = by_id[i.prev]
            assert (lower.level, lower.scope) == (i.level - 1, i.scope), i.id


def test_every_item_carries_both_languages_methods_and_evidence_guidance(cat):
    for i in cat.items:
        assert i.requirement_zh and i.requirement_en and i.evidence_zh and i.evidence_en, i.id
        assert i.methods and set(i.methods) <= {"interview", "examine", "test"}, i.id
        assert re.search(r"\d", i.clause), i.id
