"""Applying the statement of applicability to an assessment (mlps.rules.soa_apply): inherited and not-applicable items
become "not applicable" with the reason as the record; what an assessor recorded is never overwritten; the
assessment report prints the statement as its appendix."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.rules.applicability import (
    CloudPlatform,
    CloudRole,
    Override,
    Status,
    SystemProfile,
    profile_to_dict,
    statement_of_applicability,
)
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import ItemResult, Result
from mlps.rules.soa_apply import applicability_rows, plan_soa_results, saved_statement
from mlps.services import demo
from mlps.services import report_data as rd

PLATFORM = CloudPlatform(name="青云政务云", level=3, filing_number="51010099001-00042")
ON_CLOUD = SystemProfile(cloud_role=CloudRole.CUSTOMER, cloud_platform=PLATFORM)
PES_L2 = [f"L2-PES1-{n:02d}" for n in range(1, 16)]  # GB/T 22239-2019 7.1.1: 15 physical-environment items


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def website(catalogue):
    """A school website on a public cloud, level 2: the assessment's items and the statement."""
    items = catalogue.select(2, ["cloud"])
    return items, statement_of_applicability(catalogue, 2, ON_CLOUD)


def by_item(plan):
    return {w.result.item_id: w for w in plan.writes}


def test_inherited_physical_items_become_not_applicable_naming_the_platform(website):
    items, statement = website
    plan = plan_soa_results(items, statement, [])
    writes = by_item(plan)
    assert sorted(i for i in writes if i.startswith("L2-PES1-")) == PES_L2
    pes = writes["L2-PES1-01"]
    assert pes.status is Status.INHERITED
    r = pes.result
    assert (r.result, r.assessed_object, r.needs_review) == (Result.NA, "", False)
    assert r.record.startswith(
        "继承（依据适用性声明）：由云服务商的云平台「青云政务云」（第3级，备案证明编号 51010099001-00042）"
    )
    assert "机房和物理环境属于云服务商「青云政务云」" in r.record  # the statement's reason follows
    # 15 physical + 2 machine-room management (MMS a, b) + 14 provider-side cloud items: 31, none not applicable
    assert (plan.inherited, plan.not_applicable, len(plan.results)) == (31, 0, 31)
    assert plan.conflicts == () and plan.already == ()


def test_records_in_english_name_the_platform_and_missing_parts_are_said_missing(catalogue):
    items = catalogue.select(2, ["cloud"])
    bare = SystemProfile(cloud_role=CloudRole.CUSTOMER, cloud_platform=CloudPlatform(name="Qingyun"))
    plan = plan_soa_results(items, statement_of_applicability(catalogue, 2, bare), [], lang="en")
    record = by_item(plan)["L2-PES1-03"].result.record
    assert record.startswith(
        "Inherited (statement of applicability): the cloud provider's platform 'Qingyun' (level not recorded, "
        "filing number not recorded) answers for this item"
    )


def test_an_item_already_recorded_is_left_alone_and_listed(website):
    items, statement = website
    results = [
        ItemResult("L2-PES1-01", Result.CONFORM, record="机房有电子门禁", version=3),
        ItemResult("L2-PES1-02", Result.NA, record="已判定不适用"),
        ItemResult("L2-PES1-03", Result.NOT_ASSESSED, methods=("examine",), version=1, id=7),  # untouched
        ItemResult("L2-PES1-04", Result.NOT_ASSESSED, record="待现场查看"),  # notes: the assessor's
        ItemResult("L2-PES1-05", Result.PARTIAL, assessed_object="机房A", record="部分满足"),
        ItemResult("L2-PES1-05", Result.NOT_ASSESSED, assessed_object="机房B", attachments=["ab" * 32]),
        ItemResult("L2-PES1-06", Result.NOT_ASSESSED, assessed_object="机房B"),
    ]
    plan = plan_soa_results(items, statement, results)
    conflicts = {(c.item_id, c.assessed_object): c for c in plan.conflicts}
    assert set(conflicts) == {("L2-PES1-01", ""), ("L2-PES1-04", ""), ("L2-PES1-05", "机房A"), ("L2-PES1-05", "机房B")}
    c = conflicts[("L2-PES1-01", "")]
    assert (c.status, c.result, c.record) == (Status.INHERITED, Result.CONFORM, "机房有电子门禁")
    assert "青云政务云" in c.proposed_record
    writes = by_item(plan)
    for kept in ("L2-PES1-01", "L2-PES1-02", "L2-PES1-04", "L2-PES1-05"):
        assert kept not in writes
    assert plan.already == ("L2-PES1-02",)
    # an untouched row is filled in where it is, keeping its methods and id
    filled = writes["L2-PES1-03"].result
    assert (filled.result, filled.methods, filled.id, filled.needs_review) == (Result.NA, ("examine",), 7, False)
    assert writes["L2-PES1-06"].result.assessed_object == "机房B"
    assert plan.inherited == 31 - 4  # 01, 02, 04, 05 are not written
    assert not any(r.needs_review for r in plan.results)


def test_applicable_items_are_untouched(website):
    items, statement = website
    results = [ItemResult("L2-CES1-01", Result.NONCONFORM, record="口令过短"), ItemResult("L2-CES1-02")]
    plan = plan_soa_results(items, statement, results)
    applicable = {r.item_id for r in statement.rows if r.status is Status.APPLICABLE}
    assert len(applicable) == 164 - 31
    assert not applicable & {r.item_id for r in plan.results}
    assert not applicable & {c.item_id for c in plan.conflicts}


def test_an_item_the_user_marks_not_applicable_gets_the_reason(catalogue, website):
    items, _ = website
    why = Override("L2-CES1-06", "系统不保存任何个人信息之外的敏感数据")
    statement = statement_of_applicability(catalogue, 2, ON_CLOUD, [why])
    plan = plan_soa_results(items, statement, [])
    w = by_item(plan)["L2-CES1-06"]
    assert w.status is Status.NOT_APPLICABLE and w.result.result == Result.NA
    assert w.result.record == (
        "不适用（依据适用性声明）：用户判定不适用：系统不保存任何个人信息之外的敏感数据（规则判定：适用）"
    )
    assert (plan.not_applicable, plan.inherited) == (1, 31)


def test_an_extension_the_statement_rules_out_is_not_applicable(catalogue):
    items = catalogue.select(2, ["cloud", "mobile"])
    plan = plan_soa_results(items, statement_of_applicability(catalogue, 2, ON_CLOUD), [])
    mobile = [i.id for i in items if i.scope == "mobile"]
    assert mobile and all(by_item(plan)[i].status is Status.NOT_APPLICABLE for i in mobile)
    assert by_item(plan)[mobile[0]].result.record == (
        "不适用（依据适用性声明）：未描述移动终端或移动应用（APP、小程序），移动互联扩展要求不适用"
    )


def test_a_statement_of_another_level_is_refused(catalogue, website):
    items, _ = website
    with pytest.raises(ValueError, match="level 3"):
        plan_soa_results(items, statement_of_applicability(catalogue, 3, ON_CLOUD), [])
    with pytest.raises(ValueError, match="zh or en"):
        plan_soa_results(items, website[1], [], lang="fr")


def test_saved_statement_reads_the_stored_profile_and_sets_stale_adjustments_aside(catalogue):
    assert saved_statement(catalogue, 2, {}) is None
    assert saved_statement(catalogue, 2, {"filing": {"attachments": {}}}) is None
    stored = {
        "profile": profile_to_dict(ON_CLOUD),
        "overrides": [
            {"item_id": "L2-CES1-06", "reason": "无敏感数据", "status": "not_applicable"},
            {"item_id": "L2-XYZ9-99", "reason": "旧条目", "status": "not_applicable"},
        ],
    }
    saved = saved_statement(catalogue, 2, stored)
    assert saved.statement.row("L2-CES1-06").status is Status.NOT_APPLICABLE
    assert saved.statement.platform == PLATFORM
    assert [o.item_id for o in saved.ignored] == ["L2-XYZ9-99"]
    with pytest.raises(ValueError, match="cloud_role"):
        saved_statement(catalogue, 2, {"profile": {"cloud_role": "landlord"}})


def test_the_report_appendix_lists_every_item_with_its_status(catalogue, website):
    items, statement = website
    rows = {r.item_id: r for r in applicability_rows(items, statement, {"L2-CES1-02": "无本地账户"}, "zh")}
    assert len(rows) == 164
    assert not rows["L2-PES1-01"].applicable
    assert rows["L2-PES1-01"].reason.startswith("继承（云服务商负责）：机房和物理环境属于云服务商「青云政务云」")
    assert rows["L2-CES1-01"].applicable and rows["L2-CES1-01"].reason == ""
    # recorded not applicable by the assessor although the statement says applicable: shown as recorded
    assert (rows["L2-CES1-02"].applicable, rows["L2-CES1-02"].reason) == (False, "无本地账户")


def test_the_assessment_pdf_of_the_demo_website_prints_the_statement(tmp_path, catalogue):
    sm = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    demo.create(sm, catalogue)
    web = next(s for s in repo.list_systems(sm) if s.name == "学校门户网站")
    repo.set_system_profile(sm, web.id, {"profile": profile_to_dict(ON_CLOUD)}, "t")
    a = repo.list_assessments(sm, web.id)[0]
    inputs = rd.gather_assessment_inputs(rd.RepositoryReader(sm), a.id, catalogue)
    assert inputs.soa is not None
    data, _ = rd.assessment_report_data(inputs, "zh", report_date=date(2026, 11, 30))
    assert len(data.applicability) == len(inputs.items)
    assert sum(not r.applicable for r in data.applicability) >= 31
    pdf = rd.build_assessment_document(data, "zh")
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "附录一 适用性声明" in text
    assert "青云政务云" in text
    # the profile is part of the report's version: a changed statement makes a new PDF
    repo.set_system_profile(sm, web.id, {"profile": profile_to_dict(SystemProfile(cloud_role=CloudRole.CUSTOMER))}, "t")
    again = rd.gather_assessment_inputs(rd.RepositoryReader(sm), a.id, catalogue)
    assert again.version != inputs.version
    # an unreadable stored profile leaves the appendix as the results make it
    repo.set_system_profile(sm, web.id, {"profile": {"cloud_role": "landlord"}}, "t")
    assert rd.gather_assessment_inputs(rd.RepositoryReader(sm), a.id, catalogue).soa is None
