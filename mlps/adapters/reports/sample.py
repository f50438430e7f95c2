"""Synthetic, clearly fictitious report inputs for previews, tests and the benchmark — never user data.

Results follow a fixed pattern over the catalogue items; the scores are computed with the GB/T 28448-2019
formulas of docs/domain.md (control point = weighted mean × 10; overall M = 100 × (1 − mean of category d_j)) so the
sample is self-consistent, but the real numbers always come from the scoring core.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from mlps.adapters.reports.assessment_report import (
    ApplicabilityRow,
    AssessmentReportData,
    ControlPointScore,
    ItemResultRow,
    ProblemRow,
    RemediationRow,
)
from mlps.rules.catalogue import Item
from mlps.rules.domain import (
    RESULT_SCORE,
    AssessmentKind,
    GradingRecord,
    HarmDegree,
    HarmObject,
    Judgement,
    Organisation,
    Result,
    Risk,
    System,
)

PATTERN = (Result.CONFORM, Result.NONCONFORM, Result.CONFORM, Result.PARTIAL, Result.CONFORM, Result.NA)


def sample_organisation() -> Organisation:
    return Organisation(
        name="示例市第一中学",
        id=1,
        credit_code="12510000MB0000000X",
        address="示例市示例区学府路 1 号",
        region_code="510000",
        head_name="王校长",
        head_title="校长",
        head_phone="0000-0000000",
        security_department="信息中心",
        security_contact="李老师",
        security_phone="0000-0000001",
        security_email="it@example.edu.cn",
        data_department="信息中心",
        data_contact="李老师",
        data_phone="0000-0000001",
        affiliation="市属",
        unit_type="事业单位",
        industry="教育",
    )


def sample_system(level: int = 3, extensions: tuple[str, ...] = ()) -> System:
    return System(
        name="智慧校园平台",
        organisation_id=1,
        id=1,
        code="SYS-01",
        description="两台应用服务器与一台数据库服务器，部署于学校机房，经防火墙接入教育城域网和互联网。",
        owner="信息中心",
        business_type="教学管理",
        business_description="选课、成绩、学籍和家校通知。",
        data_description="学生与教职工的个人信息、成绩数据。",
        service_scope="全校",
        service_users="学生、教师、家长",
        deployment="本地机房",
        internet_facing=True,
        internet_details="家校门户经防火墙对互联网开放 443 端口。",
        go_live=date(2024, 9, 1),
        extensions=extensions,
        level=level,
    )


def sample_grading() -> GradingRecord:
    """A level-3 grading: society × serious (business, level 3) and society × general (service, level 2)."""
    business = Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS, "学生个人信息和成绩被泄露或篡改。")
    service = Judgement(HarmObject.SOCIETY, HarmDegree.GENERAL, "选课和通知服务中断。")
    return GradingRecord(
        system_id=1,
        business=business,
        service=service,
        business_level=3,
        service_level=2,
        level=3,
        rationale_zh="业务信息遭破坏会对社会秩序造成严重损害。",
        rationale_en="Compromised business information would seriously harm social order.",
        graded_on=date(2026, 10, 8),
        graded_by="李老师",
    )


def _record(item: Item, result: Result, chars: int) -> str:
    base = f"{item.id}：核查了{item.control_point_zh}的相关配置和记录，{item.evidence_zh}"
    if chars <= len(base):
        return base
    filler = "现场查看配置截图与日志，访谈管理员确认执行情况。"
    return (base + filler * (chars // len(filler) + 1))[:chars]


def sample_assessment_data(
    items: list[Item],
    level: int,
    extensions: tuple[str, ...] = (),
    *,
    evidence_chars: int = 120,
    kind: AssessmentKind = AssessmentKind.SELF,
) -> AssessmentReportData:
    """An assessment over `items` with a fixed result pattern and evidence of about `evidence_chars` on every item."""
    results = {i.id: PATTERN[n % len(PATTERN)] for n, i in enumerate(items)}
    cp_rows: dict[tuple, list[Item]] = defaultdict(list)
    by_cat: dict[str, list[Item]] = defaultdict(list)
    for i in items:
        cp_rows[(i.category, i.scope, i.control_point)].append(i)
        by_cat[i.category].append(i)

    def weighted(group: list[Item]) -> float | None:
        scored = [i for i in group if results[i.id] in RESULT_SCORE]
        total = sum(i.weight for i in scored)
        return sum(i.weight * RESULT_SCORE[results[i.id]] for i in scored) / total if total else None

    control_points = []
    for (cat, scope, _key), group in cp_rows.items():
        s = weighted(group)
        scored = sum(1 for i in group if results[i.id] in RESULT_SCORE)
        first = group[0]
        control_points.append(
            ControlPointScore(
                cat,
                first.control_point_zh,
                first.control_point_en,
                len(group),
                scored,
                None if s is None else s * 10,
                scope,
            )
        )
    category_scores = {c: (None if (s := weighted(g)) is None else 100 * s) for c, g in by_cat.items()}
    d = [1 - s / 100 for s in category_scores.values() if s is not None]
    score = 100 * (1 - sum(d) / len(d)) if d else None
    problems, item_rows, soa = [], [], []
    risks = (Risk.HIGH, Risk.MEDIUM, Risk.LOW)
    for n, i in enumerate(items):
        r = results[i.id]
        record = _record(i, r, evidence_chars)
        item_rows.append(ItemResultRow.from_item(i, r, record))
        soa.append(
            ApplicabilityRow(
                i.id, i.control_point_zh, i.control_point_en, r != Result.NA, "" if r != Result.NA else "不涉及该场景"
            )
        )
        if r in (Result.NONCONFORM, Result.PARTIAL):
            risk = risks[n % 3]
            measure = "已部署替代的审计设备。" if risk == Risk.LOW else ""
            problems.append(ProblemRow.from_item(i, r, record, risk, measure))
    high = any(p.risk == Risk.HIGH for p in problems)
    conclusion = "差" if high or score is None or score < 70 else ("良" if score >= 80 else "中")
    applicable = sum(1 for r in results.values() if r != Result.NA)
    remediation = [
        RemediationRow(
            f"整改 {p.control_point_zh}：{p.item_id}", (p.item_id,), "信息中心", date(2027, 3, 31), "planned"
        )
        for p in problems[:20]
    ]
    return AssessmentReportData(
        organisation=sample_organisation(),
        system=sample_system(level, extensions),
        level=level,
        extensions=extensions,
        kind=kind,
        assessed_on=date(2026, 11, 20),
        method_name="GB/T 28448-2019 (2019 template)",
        method_version="2026.11",
        score=score,
        conclusion=conclusion,
        conclusion_reason_zh="存在高风险问题。" if high else "无高风险问题。",
        conclusion_reason_en="High-risk problems remain." if high else "No high-risk problems.",
        category_scores=category_scores,
        control_points=control_points,
        coverage_assessed=applicable,
        coverage_applicable=applicable,
        problems=problems,
        remediation=remediation,
        applicability=soa,
        item_results=item_rows,
        agency_name="" if kind == AssessmentKind.SELF else "示例测评中心",
    )
