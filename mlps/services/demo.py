"""The demo organisation: a county secondary school with three systems, each part-way through a self-assessment.

`make run` creates it on an empty database so a new user sees a working example at once; `mlps demo --reset`
recreates it. Everything here is invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store import hazards
from mlps.adapters.store import repository as repo
from mlps.adapters.store.models import OrganisationRow
from mlps.rules.catalogue import Catalogue
from mlps.rules.domain import HarmDegree, HarmObject, ItemResult, Judgement, Organisation, Result, Risk, System
from mlps.rules.filing_codes import load_filing_codes
from mlps.rules.filing_details import with_assets, with_form_details
from mlps.rules.grading import grade
from mlps.rules.hazards import Hazard, load_hazard_triggers

DEMO_NAME = "青山县第一中学"
DEMO_USER = "demo"


@dataclass(frozen=True)
class DemoSystem:
    system: System
    business: tuple[HarmObject, HarmDegree, str]
    service: tuple[HarmObject, HarmDegree, str]
    graded_days_ago: int
    filed: bool
    share_assessed: float
    assets: tuple[dict[str, str], ...] = ()  # the asset inventory of the filing details (protection work plan)
    form: dict[str, Any] | None = None  # the 2025 filing form's coded answers (codes of filing_codes.yaml)


def _systems(org_id: int) -> list[DemoSystem]:
    return [
        DemoSystem(
            System(
                name="学校门户网站",
                organisation_id=org_id,
                code="QS-WEB",
                description="学校对外发布通知、招生信息和新闻的网站，部署在公有云上。",
                owner="信息中心",
                business_type="信息发布",
                business_description="发布校务公开、招生简章、新闻动态。",
                data_description="公开信息；后台管理员账号约 10 个。",
                service_scope="面向社会公众",
                service_users="学生家长和社会公众",
                deployment="某公有云平台（云服务器 2 台，云数据库 1 个）",
                internet_facing=True,
                internet_details="域名 www.qsyz.example，HTTPS",
                go_live=date(2019, 9, 1),
                extensions=("cloud",),
            ),
            (HarmObject.CITIZENS, HarmDegree.SERIOUS, "网站被篡改会损害学校声誉和家长的合法权益"),
            (HarmObject.SOCIETY, HarmDegree.GENERAL, "网站停止服务会影响招生信息的及时发布"),
            graded_days_ago=400,
            filed=True,
            share_assessed=0.75,
        ),
        DemoSystem(
            System(
                name="学生信息管理系统",
                organisation_id=org_id,
                code="QS-SIS",
                description="管理全校约 2,400 名学生的学籍、成绩和家庭联系信息。",
                owner="教务处",
                business_type="教务管理",
                business_description="学籍管理、成绩录入与查询、家校联系。",
                data_description="学生身份证号、家庭住址、监护人电话、成绩：约 2,400 人的个人信息。",
                service_scope="校内教职工",
                service_users="教师 180 人",
                deployment="校内机房，服务器 2 台",
                internet_facing=False,
                go_live=date(2021, 3, 1),
            ),
            (HarmObject.CITIZENS, HarmDegree.SERIOUS, "学生个人信息泄露会严重损害学生和家庭的合法权益"),
            (HarmObject.CITIZENS, HarmDegree.SERIOUS, "系统停止会影响成绩录入和学籍管理"),
            graded_days_ago=30,
            filed=False,
            share_assessed=0.5,
        ),
        DemoSystem(
            System(
                name="办公自动化系统",
                organisation_id=org_id,
                code="QS-OA",
                description="公文流转、请假审批、通知公告。",
                owner="校长办公室",
                business_type="办公",
                business_description="公文流转与审批。",
                data_description="教职工姓名、部门、联系电话。",
                service_scope="校内教职工",
                service_users="教职工 200 人",
                deployment="校内机房，虚拟机 1 台",
                internet_facing=False,
                go_live=date(2018, 9, 1),
            ),
            (HarmObject.CITIZENS, HarmDegree.SERIOUS, "公文泄露会损害学校和教职工的合法权益"),
            (HarmObject.CITIZENS, HarmDegree.GENERAL, "系统短时停止对办公影响有限"),
            graded_days_ago=5,
            filed=False,
            share_assessed=0.3,
        ),
        DemoSystem(  # level 3, filed, with an asset inventory: its protection work plan can be drafted (Q23)
            System(
                name="智慧校园数据平台",
                organisation_id=org_id,
                code="QS-DP",
                description="汇集全县 12 所学校学籍、考勤、一卡通和家校互动数据的区域平台，县教育局机房部署。",
                owner="信息中心",
                business_type="数据共享",
                business_description="向各校和县教育局提供统一身份认证、数据交换和统计分析。",
                data_description="全县约 3 万名学生的身份、学籍、考勤和消费记录。",
                service_scope="全县中小学",
                service_users="全县教职工和学生家长",
                deployment="县教育局机房，服务器 6 台，经专线连接各校",
                internet_facing=True,
                internet_details="家长端 https://parent.qsyz.example（443 端口）",
                go_live=date(2022, 9, 1),
            ),
            (HarmObject.SOCIETY, HarmDegree.SERIOUS, "全县学生个人信息大量泄露会扰乱教育管理秩序、损害公共利益"),
            (HarmObject.SOCIETY, HarmDegree.GENERAL, "平台停止服务会影响全县学校的考勤和家校联系"),
            graded_days_ago=300,
            filed=True,
            share_assessed=0.6,
            assets=(
                {"kind": "internet", "name": "家长端网站", "details": "parent.qsyz.example，443 端口", "quantity": "1"},
                {"kind": "environment", "name": "县教育局机房", "details": "UPS、精密空调、门禁", "quantity": "1"},
                {"kind": "network", "name": "核心交换机", "details": "双机热备", "quantity": "2"},
                {"kind": "software", "name": "数据库管理系统", "details": "关系型数据库，主备部署", "quantity": "2"},
                {"kind": "security", "name": "下一代防火墙", "details": "边界访问控制与入侵防御", "quantity": "1"},
            ),
            form={"business_type": "5", "service_scope": "30", "service_targets": "3", "deployment_scope": "2",
                  "network_nature": "2", "interconnection": ["3"], "source_ips": "不限（家长端面向公众）",
                  "domains": "parent.qsyz.example", "protocols_ports": "HTTPS 443"},  # fmt: skip
        ),
    ]


RECORDS = {
    Result.CONFORM: "已查看相关记录和配置，满足要求。",
    Result.PARTIAL: "部分满足：已有措施，但记录不完整，需补充。",
    Result.NONCONFORM: "未发现相应措施或记录。",
    Result.NA: "本系统不涉及该项。",
}


def exists(sm: sessionmaker) -> bool:
    with sm() as s:
        return s.scalar(select(OrganisationRow.id).where(OrganisationRow.name == DEMO_NAME)) is not None


def remove(sm: sessionmaker) -> None:
    with sm.begin() as s:
        s.execute(delete(OrganisationRow).where(OrganisationRow.name == DEMO_NAME))


def create(sm: sessionmaker, catalogue: Catalogue, today: date | None = None) -> Organisation:
    """Create the demo school; deterministic (a fixed random seed), so tests can rely on it."""
    today = today or date.today()
    rng = random.Random(2026)
    org = repo.save_organisation(
        sm,
        Organisation(
            name=DEMO_NAME,
            credit_code="12511500MB1234567X",
            province="四川省",
            city="青山市",
            county="青山县",
            address="文昌路 1 号",
            postal_code="644000",
            region_code="511500",
            head_name="李校长",
            head_title="校长",
            head_phone="0831-0000001",
            head_email="principal@qsyz.example",
            security_department="信息中心",
            security_contact="王老师",
            security_title="信息技术教师",
            security_phone="0831-0000000",
            security_mobile="13800000000",
            security_email="it@qsyz.example",
            # the data-security department and its contact are left for the school to fill in (new in 2025)
            affiliation="4",  # codes of mlps/controls/filing_codes.yaml: county, public institution, education
            unit_type="3",
            industry="43",
        ),
        DEMO_USER,
    )
    for demo in _systems(org.id):
        system = repo.save_system(sm, demo.system, DEMO_USER)
        if demo.assets or demo.form:
            profile = with_assets({}, demo.assets)
            if demo.form:
                profile = with_form_details(profile, demo.form, load_filing_codes())
            repo.set_system_profile(sm, system.id, profile, DEMO_USER)
        graded = grade(Judgement(*demo.business), Judgement(*demo.service))
        level = graded.level
        graded_on = today - timedelta(days=demo.graded_days_ago)
        repo.add_grading(
            sm,
            graded.to_record(
                system.id,
                graded_on=graded_on,
                graded_by="王老师",
                expert_review_on=graded_on + timedelta(days=3) if demo.filed else None,
                filed_on=graded_on + timedelta(days=12) if demo.filed else None,
                filing_office="青山县公安局网安大队" if demo.filed else "",
                filing_number="51150099000-00123" if demo.filed else "",
            ),
            DEMO_USER,
        )
        items = catalogue.select(level, list(demo.system.extensions))
        older = demo.system.name == OLDER_SYSTEM  # judged before 2025-03-20: keeps the 2019 score and 优/良/中/差
        assessment = repo.start_assessment(
            sm,
            system.id,
            level,
            demo.system.extensions,
            catalogue.version,
            DEMO_USER,
            started_on=OLDER_REPORT - timedelta(days=14) if older else today - timedelta(days=7),
            title="2024 年等级测评" if older else f"{today.year} 年自查",
            kind="agency" if older else "self",
            report_date=OLDER_REPORT if older else today,
        )
        picked = [i for i in items if rng.random() < demo.share_assessed]
        rows = []
        for item in picked:
            result = rng.choices(
                [Result.CONFORM, Result.PARTIAL, Result.NONCONFORM, Result.NA], weights=[55, 20, 18, 7]
            )[0]
            risk = None
            if result in (Result.PARTIAL, Result.NONCONFORM):
                risk = rng.choices(
                    [Risk.LOW, Risk.MEDIUM, Risk.HIGH], weights=[50, 40, 10 if item.tier == "key" else 2]
                )[0]
            rows.append(
                ItemResult(
                    item_id=item.id,
                    result=result,
                    record=RECORDS[result],
                    methods=item.methods,
                    evidence_date=today - timedelta(days=rng.randint(1, 7)),
                    risk=risk,
                )
            )
        if demo.system.name == HAZARD_SYSTEM:
            rows = _with_hazard_problems(rows, level, today)
        repo.import_results(sm, assessment.id, rows, DEMO_USER)
        if demo.system.name == HAZARD_SYSTEM:
            _record_hazards(sm, assessment.id, level, today)
    return org


OLDER_SYSTEM = "办公自动化系统"  # its assessment is dated before the 2025 template (Q21)
OLDER_REPORT = date(2024, 12, 2)
HAZARD_SYSTEM = "学生信息管理系统"  # judged by the 2025 rules, with two major risk hazards (one remediated)
DEMO_HAZARDS = (
    (
        "A-18",
        "教务管理员账户使用弱口令（admin123），可从校园网登录；无缓解措施，"
        "一旦被利用可读取全部学生档案，弱口令极易被猜中：三原则均满足。",
        None,
        "",
    ),
    (
        "A-26",
        "学生成绩库没有本地备份，误删或勒索软件会导致数据无法恢复；无其他补救措施，后果严重且此类事件常见：三原则均满足。",
        14,
        "已部署每日本地备份，抽取一次备份恢复到测试库，数据完整。",
    ),
)


def _with_hazard_problems(rows: list[ItemResult], level: int, today: date) -> list[ItemResult]:
    """The items the demo's hazards come from, recorded as high-risk problems."""
    table = load_hazard_triggers()
    ids = {i for code, *_ in DEMO_HAZARDS for i in table.get(code).items_at(level)}
    kept = [r for r in rows if r.item_id not in ids]
    for item_id in sorted(ids):
        kept.append(ItemResult(item_id=item_id, result=Result.NONCONFORM, record=RECORDS[Result.NONCONFORM],
                               evidence_date=today - timedelta(days=5), risk=Risk.HIGH))  # fmt: skip
    return kept


def _record_hazards(sm: sessionmaker, assessment_id: int, level: int, today: date) -> None:
    table = load_hazard_triggers()
    for code, judgement, remediated_days_ago, verification in DEMO_HAZARDS:
        hazards.add_hazard(
            sm,
            assessment_id,
            Hazard(
                code=code,
                item_ids=table.get(code).items_at(level),
                judgement=judgement,
                found_on=today - timedelta(days=5),
                remediated_on=None if remediated_days_ago is None else today - timedelta(days=2),
                verification=verification,
            ),
            DEMO_USER,
        )


def ensure(sm: sessionmaker, catalogue: Catalogue, *, reset: bool = False) -> bool:
    """Create the demo when the database has no organisation (or always, with reset). True when created."""
    if reset:
        remove(sm)
    elif repo.list_organisations(sm):
        return False
    create(sm, catalogue)
    return True
