"""Every item one level up strengthens an item one level down or is new, and `level_change` reads sensibly."""

from __future__ import annotations

from collections import Counter

import pytest

from mlps.rules.catalogue import level_change, load_catalogue

SCOPES = ("general", "cloud", "mobile", "iot", "ics", "bigdata")


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.mark.parametrize("scope", SCOPES)
def test_level_1_items_strengthen_nothing(cat, scope):
    assert [i.id for i in cat.items if i.scope == scope and i.level == 1 and i.prev is not None] == []


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("lower", (1, 2, 3))
def test_every_item_one_level_up_maps_to_an_item_of_the_same_scope_one_level_down_or_is_new(cat, scope, lower):
    higher = [i for i in cat.items if i.scope == scope and i.level == lower + 1]
    assert higher
    for item in higher:
        if item.prev is None:
            assert item.is_new
            continue
        assert item.prev in cat, f"{item.id} strengthens {item.prev}, which does not exist"
        prev = cat.get(item.prev)
        assert (prev.scope, prev.level) == (scope, lower), f"{item.id} -> {prev.id}"
        assert prev.category == item.category, f"{item.id} -> {prev.id} changes category"


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("lower", (1, 2, 3))
def test_level_change_accounts_for_every_item_on_both_levels(cat, scope, lower):
    extensions = () if scope == "general" else (scope,)
    change = level_change(cat, lower, extensions)
    low = [i for i in cat.select(lower, list(extensions)) if i.scope == scope]
    high = [i for i in cat.select(lower + 1, list(extensions)) if i.scope == scope]
    new = [i for i in change.new_items if i.scope == scope]
    strengthened = [i for i in change.strengthened_items if i.scope == scope]
    dropped = [i for i in change.dropped_items if i.scope == scope]
    assert len(new) + len(strengthened) == len(high)
    assert len({i.prev for i in strengthened}) + len(dropped) == len(low)
    assert not {i.id for i in dropped} & {i.prev for i in strengthened}


def test_level_3_adds_data_confidentiality_security_management_and_centralised_control(cat):
    change = level_change(cat, 2)
    assert change.new_control_points == [
        ("general", "CES", "data_confidentiality", "数据保密性"),
        ("general", "SMC", "security_management", "安全管理"),
        ("general", "SMC", "centralised_control", "集中管控"),
    ]
    new_ids = {i.id for i in change.new_items}
    # every item of a new control point is new: 2 + 2 + 6 (docs/domain.md, level 3)
    in_new_cps = [i for i in cat.select(3) if i.control_point in {"data_confidentiality", "security_management"}]
    in_new_cps += [i for i in cat.select(3) if (i.category, i.control_point) == ("SMC", "centralised_control")]
    assert len(in_new_cps) == 10 and {i.id for i in in_new_cps} <= new_ids
    # 恶意代码防范管理 goes from 3 items at level 2 to 2 at level 3 (docs/domain.md): one level-2 item is dropped
    assert [(i.id, i.control_point_zh) for i in change.dropped_items] == [("L2-MMS1-16", "恶意代码防范管理")]
    assert len(change.strengthened_items) == 135 - 1
    assert len(change.new_items) == 211 - 134


def test_level_4_adds_items_but_no_control_point_and_drops_one_boundary_audit_item(cat):
    change = level_change(cat, 3)
    assert change.new_control_points == []
    [dropped] = change.dropped_items
    assert (dropped.id, dropped.category, dropped.control_point_zh) == ("L3-ABS1-19", "ABS", "安全审计")
    # docs/domain.md, level 3 -> 4 item counts per control point: PES 物理访问控制 1->2, 电力供应 3->4; CNS 网络架构
    # 5->6, 通信传输 2->4; ABS 边界防护 4->6; CES 数据完整性 2->3, 数据备份恢复 3->4; SMC 集中管控 6->7;
    # ORS 人员配备 2->3; HRS 人员录用 3->4, 外部人员访问管理 4->5; CMS 产品采购和使用 3->4; MMS 环境管理 3->4,
    # 密码管理 2->3, 安全事件处置 4->5, 应急预案管理 4->5: 18 new items, 228 = 211 - 1 + 18.
    assert Counter(i.control_point_zh for i in change.new_items) == {
        "物理访问控制": 1,
        "电力供应": 1,
        "网络架构": 1,
        "通信传输": 2,
        "边界防护": 2,
        "数据完整性": 1,
        "数据备份恢复": 1,
        "集中管控": 1,
        "人员配备": 1,
        "人员录用": 1,
        "外部人员访问管理": 1,
        "产品采购和使用": 1,
        "环境管理": 1,
        "密码管理": 1,
        "安全事件处置": 1,
        "应急预案管理": 1,
    }
    assert "L4-PES1-22" in {i.id for i in change.new_items}  # emergency power supply beyond the UPS
    assert len(change.strengthened_items) == 210


def test_the_extensions_at_level_4_each_add_items_to_level_3(cat):
    # docs/domain.md: cloud 46->49, mobile 19->21, IoT 21->22, industrial control 21->22, big data 24->25
    change = level_change(cat, 3, ("cloud", "mobile", "iot", "ics", "bigdata"))
    added = Counter(i.scope for i in change.new_items)
    dropped = Counter(i.scope for i in change.dropped_items)
    for scope, grows_by in {"cloud": 3, "mobile": 2, "iot": 1, "ics": 1, "bigdata": 1}.items():
        assert added[scope] - dropped[scope] == grows_by, scope
