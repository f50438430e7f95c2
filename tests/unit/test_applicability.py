"""Which extensions apply to a described system, what a cloud customer inherits, and the user's overrides."""

from __future__ import annotations

import pytest

from mlps.rules.applicability import (
    CloudPlatform,
    CloudRole,
    Override,
    Status,
    SystemProfile,
    applicable_extensions,
    apply_overrides,
    apply_suggestions,
    decide_extensions,
    parse_overrides,
    platform_findings,
    profile_from_dict,
    profile_to_dict,
    statement_of_applicability,
    suggest_flags,
)
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Risk


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


# The six systems of issue 6, as a user would describe them: (level, confirmed profile).
SCHOOL_WEBSITE = SystemProfile(
    cloud_role=CloudRole.CUSTOMER,
    cloud_platform=CloudPlatform("阿里云", level=3, filing_number="11010813001-20001"),
    description="县一中学校门户网站，部署在阿里云ECS上，发布新闻和招生信息",
)
CAMPUS_ACCESS = SystemProfile(
    sensing_devices=True,
    description="校园门禁和访客管理系统：教学楼和宿舍的门禁读卡器、闸机接入本校机房的管理服务器",
)
FACTORY_CONTROL = SystemProfile(
    industrial_control=True,
    description="Factory control network: PLCs and a SCADA server on the production line, HMI stations in the workshop",
)
MOBILE_LEARNING = SystemProfile(
    cloud_role=CloudRole.CUSTOMER,
    cloud_platform=CloudPlatform("腾讯云", level=3, filing_number="44030513001-20002"),
    mobile_apps=("学习通", "课堂小程序"),
    description="移动学习APP和微信小程序，后台部署在腾讯云上",
)
BIG_DATA = SystemProfile(
    big_data=True,
    description="大数据分析平台：Hadoop 集群和 Spark 计算，汇集全市学生成绩数据进行分析",
)
OFFICE = SystemProfile(description="本地机房部署的办公OA系统，不使用云平台，也没有移动APP")

SIX = {
    "school website on a public cloud": (2, SCHOOL_WEBSITE, ("cloud",), 135 + 29),
    "campus IoT access system": (2, CAMPUS_ACCESS, ("iot",), 135 + 7),
    "factory control network": (3, FACTORY_CONTROL, ("ics",), 211 + 21),
    "mobile learning app": (2, MOBILE_LEARNING, ("cloud", "mobile"), 135 + 29 + 14),
    "big-data analytics platform": (3, BIG_DATA, ("bigdata",), 211 + 24),
    "on-premise office system": (2, OFFICE, (), 135),
}


@pytest.mark.parametrize("name", list(SIX))
def test_each_described_system_gets_its_extensions_and_all_their_items(cat, name):
    level, profile, extensions, n_items = SIX[name]
    assert applicable_extensions(profile, level) == extensions
    statement = statement_of_applicability(cat, level, profile)
    assert statement.applicable_extensions == extensions
    assert len(statement.rows) == n_items
    assert {r.extension for r in statement.rows} == {"general", *extensions}
    assert len({r.item_id for r in statement.rows}) == n_items


@pytest.mark.parametrize("name", list(SIX))
def test_every_extension_decision_has_a_reason_in_both_languages(name):
    level, profile, extensions, _ = SIX[name]
    decisions = decide_extensions(profile, level)
    assert [d.extension for d in decisions] == ["cloud", "mobile", "iot", "ics", "bigdata"]
    for d in decisions:
        assert d.applies == (d.extension in extensions)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in d.reason_zh)
        assert d.reason_en.isascii() or "'" in d.reason_en  # English text (names may be Chinese)
        assert d.reason_zh != d.reason_en


def test_reasons_name_the_apps_the_platform_and_the_clause():
    decisions = {d.extension: d for d in decide_extensions(MOBILE_LEARNING, 2)}
    assert "「学习通」、「课堂小程序」" in decisions["mobile"].reason_zh
    assert "'学习通', '课堂小程序'" in decisions["mobile"].reason_en
    assert "7.3" in decisions["mobile"].reason_zh  # level 2 = chapter 7, mobile = x.3
    assert "「腾讯云」" in decisions["cloud"].reason_zh and "7.2" in decisions["cloud"].reason_en
    big = {d.extension: d for d in decide_extensions(BIG_DATA, 3)}["bigdata"]
    assert "附录H" in big.reason_zh and "informative" in big.reason_en


def test_the_office_system_on_premise_applies_every_general_item_and_raises_nothing(cat):
    statement = statement_of_applicability(cat, 2, OFFICE)
    assert statement.counts() == {"applicable": 135, "not_applicable": 0, "inherited": 0}
    assert statement.findings == () and statement.suggestions == () and statement.platform is None
    row = statement.row("L2-PES1-01")
    assert "第2级" in row.reason_zh and "7.1" in row.reason_en


# ---------------------------------------------------------------- cloud customers


def test_a_school_website_hosted_on_a_public_cloud_inherits_the_providers_items(cat):
    statement = statement_of_applicability(cat, 2, SCHOOL_WEBSITE)
    inherited = {r.item_id for r in statement.rows if r.status is Status.INHERITED}
    general_pes = {f"L2-PES1-{n:02d}" for n in range(1, 16)}  # the 15 level-2 physical items
    machine_room = {"L2-MMS1-01", "L2-MMS1-02"}  # environment a), b); c) is the office side and stays
    cloud_provider_items = {
        "L2-PES2-01",
        "L2-CNS2-01",
        "L2-CNS2-02",
        "L2-CNS2-03",
        "L2-ABS2-03",
        "L2-ABS2-05",
        "L2-ABS2-07",
        "L2-CES2-01",
        "L2-CES2-04",
        "L2-CES2-07",
        "L2-CES2-09",
        "L2-CES2-10",
        "L2-CES2-11",
        "L2-CMS2-06",
    }
    assert inherited == general_pes | machine_room | cloud_provider_items
    assert statement.counts() == {"applicable": 164 - 31, "not_applicable": 0, "inherited": 31}
    assert statement.row("L2-MMS1-03").status is Status.APPLICABLE
    assert statement.row("L2-ABS1-01").status is Status.APPLICABLE  # the tenant's own boundary stays its own
    row = statement.row("L2-PES1-03")
    assert "「阿里云」" in row.reason_zh and "'阿里云'" in row.reason_en


def test_at_level_3_the_physical_edge_of_the_platform_is_inherited_but_the_tenant_boundary_is_not(cat):
    statement = statement_of_applicability(cat, 3, SCHOOL_WEBSITE)
    status = {r.item_id: r.status for r in statement.rows}
    assert status["L3-ABS1-01"] is Status.APPLICABLE
    assert [status[f"L3-ABS1-0{n}"] for n in (2, 3, 4)] == [Status.INHERITED] * 3
    assert all(status[i.id] is Status.INHERITED for i in cat.select(3) if i.category == "PES")
    for item in cat.select(3, ["cloud"]):
        if item.scope == "cloud":
            expected = Status.INHERITED if item.inherited_by_customer else Status.APPLICABLE
            assert status[item.id] is expected, item.id
    # 22 PES + MMS environment a), b) + ABS boundary b), c), d) + 23 provider items of the cloud extension
    assert statement.counts()["inherited"] == 22 + 2 + 3 + 23


def test_a_system_only_partly_on_the_cloud_keeps_its_own_machine_room_in_scope(cat):
    hybrid = SystemProfile(
        cloud_role=CloudRole.CUSTOMER, cloud_platform=CloudPlatform("华为云", 3, "X-1"), hosted_entirely_on_cloud=False
    )
    statement = statement_of_applicability(cat, 3, hybrid)
    row = statement.row("L3-PES1-01")
    assert row.status is Status.APPLICABLE
    assert "云平台之外" in row.reason_zh and "outside the cloud" in row.reason_en
    assert statement.row("L3-CES2-08").status is Status.INHERITED  # the provider's own duties stay inherited
    assert statement.counts()["inherited"] == 23


def test_a_cloud_provider_inherits_nothing_and_skips_only_the_customers_duties(cat):
    provider = SystemProfile(cloud_role=CloudRole.PROVIDER, cloud_platform=CloudPlatform("市政务云平台"))
    statement = statement_of_applicability(cat, 3, provider)
    na = [r.item_id for r in statement.rows if r.status is Status.NOT_APPLICABLE]
    assert na == ["L3-CES2-14", "L3-CMS2-01", "L3-CMS2-02", "L3-CMS2-03", "L3-CMS2-04", "L3-CMS2-05"]
    assert statement.counts() == {"applicable": 211 + 46 - 6, "not_applicable": 6, "inherited": 0}
    assert statement.platform is None  # the platform record is a customer's record of someone else's platform
    assert statement.findings == ()


def test_the_platform_is_recorded_once_for_the_system(cat):
    statement = statement_of_applicability(cat, 2, SCHOOL_WEBSITE)
    assert statement.platform == CloudPlatform("阿里云", 3, "11010813001-20001")
    assert statement.findings == ()  # level 3 platform, level 2 system, filing number given


def test_a_platform_graded_below_the_system_is_flagged_high_risk(cat):
    low = SystemProfile(cloud_role=CloudRole.CUSTOMER, cloud_platform=CloudPlatform("某教育云", 2, "N-1"))
    [finding] = platform_findings(low, 3)
    assert finding.code == "platform_level_lower" and finding.risk is Risk.HIGH
    assert finding.item_id == "L3-CNS2-01"
    assert "第2级" in finding.message_zh and "第3级" in finding.message_zh and "「某教育云」" in finding.message_zh
    assert "level 2" in finding.message_en and "level 3" in finding.message_en
    assert statement_of_applicability(cat, 3, low).findings == (finding,)
    assert platform_findings(low, 2) == []  # equal levels are fine
    assert platform_findings(low, 1) == []  # a higher platform is fine


def test_a_customer_without_platform_details_is_told_what_to_record():
    bare = SystemProfile(cloud_role=CloudRole.CUSTOMER)
    codes = [f.code for f in platform_findings(bare, 3)]
    assert codes == ["platform_name_missing", "platform_level_missing", "platform_filing_missing"]
    assert all(f.risk is None for f in platform_findings(bare, 3))
    assert platform_findings(OFFICE, 3) == [] and platform_findings(CAMPUS_ACCESS, 4) == []


# ---------------------------------------------------------------- overrides


def test_an_override_marks_an_item_not_applicable_with_the_users_reason(cat):
    statement = statement_of_applicability(cat, 2, OFFICE)
    changed = apply_overrides(statement, [Override("L2-PES1-01", "机房在租用写字楼内，无法选址")])
    row = changed.row("L2-PES1-01")
    assert row.status is Status.NOT_APPLICABLE and row.overridden and row.rule_status is Status.APPLICABLE
    assert "机房在租用写字楼内，无法选址" in row.reason_zh and "机房在租用写字楼内" in row.reason_en
    assert "规则判定：适用" in row.reason_zh and "rules said: applicable" in row.reason_en
    assert changed.counts() == {"applicable": 134, "not_applicable": 1, "inherited": 0}
    assert statement.row("L2-PES1-01").status is Status.APPLICABLE  # the original is untouched
    assert apply_overrides(changed, []).row("L2-PES1-01") == statement.row("L2-PES1-01")


def test_an_override_can_bring_an_inherited_item_back_into_scope(cat):
    override = Override("L3-PES1-18", "本单位在云上另有自建UPS机柜", Status.APPLICABLE)
    statement = statement_of_applicability(cat, 3, SCHOOL_WEBSITE, [override])
    row = statement.row("L3-PES1-18")
    assert row.status is Status.APPLICABLE and row.rule_status is Status.INHERITED
    assert statement.overrides == (override,)


@pytest.mark.parametrize(
    "overrides,message",
    [
        ([Override("L3-PES1-01", "x")], "override for item L3-PES1-01: not an item of this statement"),
        ([Override("L2-CNS2-01", "x")], "override for item L2-CNS2-01: not an item of this statement"),
        ([Override("L2-PES1-01", "  ")], "override for item L2-PES1-01: a reason is required"),
        ([Override("L2-PES1-01", "a"), Override("L2-PES1-01", "b")], "override for item L2-PES1-01: given twice"),
        ([Override("L2-PES1-01", "a", Status.INHERITED)], "only a cloud customer's items can be inherited"),
    ],
)
def test_bad_overrides_are_refused_naming_the_item(cat, overrides, message):
    with pytest.raises(ValueError, match=message):
        statement_of_applicability(cat, 2, OFFICE, overrides)


def test_overrides_are_read_from_json_data_with_chinese_or_english_status_words():
    got = parse_overrides(
        [{"item_id": "L2-PES1-01", "reason": "r1"}, {"item_id": "L2-PES1-02", "reason": "r2", "status": "适用"}]
    )
    assert got == [Override("L2-PES1-01", "r1"), Override("L2-PES1-02", "r2", Status.APPLICABLE)]
    with pytest.raises(ValueError, match=r"override 2 \(L2-PES1-02\): status must be"):
        parse_overrides([{"item_id": "L2-PES1-01", "reason": "r"}, {"item_id": "L2-PES1-02", "status": "maybe"}])
    with pytest.raises(ValueError, match="override 1: 'item_id' is missing"):
        parse_overrides([{"reason": "r"}])


# ---------------------------------------------------------------- profiles from data


def test_a_profile_survives_a_round_trip_through_plain_data():
    for _, profile, _, _ in SIX.values():
        assert profile_from_dict(profile_to_dict(profile)) == profile


@pytest.mark.parametrize(
    "raw,message",
    [
        ({"cloud": True}, "unknown field\\(s\\): cloud"),
        ({"cloud_role": "landlord"}, "'cloud_role' must be none, provider or customer"),
        ({"big_data": "yes"}, "'big_data' must be true or false"),
        ({"mobile_apps": "学习通"}, "'mobile_apps' must be a list"),
        ({"cloud_platform": {"name": "x"}}, "'cloud_platform' is given but 'cloud_role' is none"),
        ({"cloud_role": "customer", "cloud_platform": {"name": "x", "level": 6}}, "'cloud_platform.level' must be"),
        ({"cloud_role": "customer", "cloud_platform": {"nmae": "x"}}, "unknown key\\(s\\): nmae"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_field(raw, message):
    with pytest.raises(ValueError, match=message):
        profile_from_dict(raw)


def test_chinese_role_words_are_understood():
    assert profile_from_dict({"cloud_role": "云服务客户"}).cloud_role is CloudRole.CUSTOMER
    assert profile_from_dict({"cloud_role": "云服务商"}).cloud_role is CloudRole.PROVIDER


def test_level_5_has_no_statement(cat):
    with pytest.raises(ValueError, match="level 5 has no public requirements"):
        statement_of_applicability(cat, 5, OFFICE)


# ---------------------------------------------------------------- keyword suggestions


def flags(text: str) -> dict[str, object]:
    return {s.flag: s.value for s in suggest_flags(text)}


@pytest.mark.parametrize("name", list(SIX))
def test_keywords_in_each_description_suggest_the_same_extensions_as_the_confirmed_profile(name):
    level, profile, extensions, _ = SIX[name]
    suggested = apply_suggestions(SystemProfile(description=profile.description), suggest_flags(profile.description))
    assert applicable_extensions(suggested, level) == extensions


def test_suggestions_name_the_cloud_brand_and_the_words_found():
    got = {s.flag: s for s in suggest_flags(MOBILE_LEARNING.description)}
    assert got["cloud_role"].value == "customer" and got["cloud_platform.name"].value == "腾讯云"
    assert set(got["mobile"].keywords) == {"移动", "APP", "小程序"}
    assert all(s.suggestion for s in got.values())
    assert "腾讯云" in got["cloud_platform.name"].excerpt


@pytest.mark.parametrize(
    "text,expected",
    [
        ("部署在政务云", {"cloud_role": "customer"}),
        ("hosted on AWS in a VPC", {"cloud_role": "customer", "cloud_platform.name": "AWS"}),
        ("本单位运营云平台，向各局委办提供云服务", {"cloud_role": "provider", "cloud_role_customer": False}),
        ("云南省某县中学的教务系统", {}),  # 云南 is a province, not a cloud
        ("密云区图书馆网站", {}),
        ("application server and happy users", {}),  # 'app' only as a word of its own
        ("中国移动专线接入", {}),  # China Mobile's leased line is no mobile app
        ("宿舍温湿度传感器和门禁", {"sensing_devices": True}),
        ("无线传感网络采集数据", {"sensing_devices": True}),  # 无线 is wireless, not a negation
        ("车间 PLC 与上位机", {"industrial_control": True}),
        ("基于 Hadoop 的大数据平台", {"big_data": True}),
        ("不使用云平台，也没有移动APP", {}),
        ("no cloud, no mobile app", {}),
    ],
)
def test_keyword_suggestions_for_chinese_and_english_text(text, expected):
    got = flags(text)
    want_customer = expected.pop("cloud_role_customer", None)
    for key, value in expected.items():
        assert got.get(key) == value, (text, got)
    if want_customer is False:
        assert [s.value for s in suggest_flags(text) if s.flag == "cloud_role"] == ["provider"]
    if not expected:
        assert got == {}


def test_the_statement_reports_suggestions_the_profile_does_not_reflect(cat):
    unticked = SystemProfile(description="学校门户网站，有门禁系统")
    statement = statement_of_applicability(cat, 2, unticked)
    assert [s.flag for s in statement.suggestions] == ["sensing_devices"]
    assert "iot" not in statement.applicable_extensions  # a suggestion never changes the statement by itself
    ticked = statement_of_applicability(cat, 2, SystemProfile(sensing_devices=True, description=unticked.description))
    assert ticked.suggestions == ()
