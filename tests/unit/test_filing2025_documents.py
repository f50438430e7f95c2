"""The 2025 documents as PDF and as editable Word from the same blocks: the expert review form ticks the
conclusion the panel recorded and keeps the opinion and the signatures on one page; the protection work plan of
the demo school's level-3 system (Q23 of the 2025 answers) lists its assets, measures, problems with their causes
and the work plan; `mlps report --format docx` writes Word files, read back here with python-docx and pypdf."""

from __future__ import annotations

import io
import json
from datetime import date

import docx
import pytest
from pypdf import PdfReader

from mlps.adapters.reports.expert_review import (
    build_expert_review_docx,
    build_expert_review_form,
    expert_conclusion,
)
from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.cli import main
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import GradingRecord, HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.services import demo

PLATFORM = "智慧校园数据平台"


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def grading(opinion: str) -> GradingRecord:
    cell = Judgement(HarmObject.SOCIETY, HarmDegree.SERIOUS, "学籍数据")
    return GradingRecord(1, cell, cell, 3, 3, 3, graded_on=date(2025, 3, 1), expert_review_on=date(2025, 3, 5),
                         expert_opinion=opinion)  # fmt: skip


ORG = Organisation(name="青山县第一中学")
SIS = System(name="学生信息管理系统", business_description="学籍管理与成绩查询")


@pytest.mark.parametrize(
    ("opinion", "ticked", "unticked"),
    [
        ("同意定为第三级。", "■同意定级为第三级", "□不同意"),
        ("不同意，应重新梳理侵害客体。", "■不同意", "□同意定级为第三级"),
        ("建议调整为第二级。", "■建议调整", "□同意定级为第三级"),
    ],
)
def test_the_expert_form_ticks_the_recorded_conclusion_in_pdf_and_word(opinion, ticked, unticked):
    pdf = build_expert_review_form(ORG, SIS, grading(opinion))
    word = docx_text(build_expert_review_docx(ORG, SIS, grading(opinion)))
    pages = pdf_pages(pdf)
    for text in (pages[-1].replace(" ", ""), word.replace(" ", "")):
        assert ticked in text and unticked in text and opinion in text
    # the opinion, the ticked conclusion and the signature table are on one page
    last = pages[-1]
    assert opinion in last and "专家组成员签字" in last and "专家组组长（签字）" in last
    assert "青山县第一中学" in word and "学生信息管理系统" in word and "2025-03-05" in word


def test_an_opinion_that_states_no_conclusion_ticks_nothing_and_is_listed_as_missing():
    assert expert_conclusion("材料齐全。") == ""
    text = "".join(pdf_pages(build_expert_review_form(ORG, SIS, grading("材料齐全。"))))
    assert "■" not in text and "评审结论（记录的专家意见未写明同意、调整或不同意）" in text
    assert "（未填写）" not in text


@pytest.fixture
def demo_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    sm = open_store(url)
    demo.create(sm, load_catalogue(), today=date(2026, 12, 1))
    sid = next(s.id for s in repo.list_systems(sm) if s.name == PLATFORM)
    return url, sm, sid


def test_the_demo_schools_level_3_system_has_a_protection_plan_in_pdf_and_word(demo_db, tmp_path, capsys):
    url, sm, sid = demo_db
    assert repo.current_gradings(sm, [sid])[sid].level == 3
    texts = {}
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"plan.{fmt}"
        assert main(["report", "protection-plan", "--system", str(sid), "--format", fmt, "--out", str(out),
                     "--database", url]) == 0  # fmt: skip
        result = json.loads(capsys.readouterr().out)
        assert result["format"] == fmt and out.stat().st_size == result["bytes"]
        data = out.read_bytes()
        texts[fmt] = "\n".join(pdf_pages(data)) if fmt == "pdf" else docx_text(data)
    for text in texts.values():
        flat = text.replace("\n", "")
        for expected in ("网络安全等级保护保护工作方案", PLATFORM, "第三级", "二、资产情况", "互联网资源情况",
                         "家长端网站", "县教育局机房", "核心交换机", "数据库管理系统", "下一代防火墙",
                         "三、现有安全保护措施", "已查看相关记录和配置，满足要求。", "四、问题、风险隐患及成因",
                         "未发现相应措施或记录。", "五、整改思路", "六、后续工作计划",
                         "年度测评尚未记录重大风险隐患"):  # fmt: skip
            assert expected in flat, expected
        assert "（未填写）" not in flat


def test_a_plan_without_assets_is_refused_with_what_is_missing(demo_db, tmp_path, capsys):
    url, sm, sid = demo_db
    repo.set_system_profile(sm, sid, {}, "test")
    code = main(["report", "protection-plan", "--system", str(sid), "--out", str(tmp_path / "p.pdf"),
                 "--database", url])  # fmt: skip
    err = json.loads(capsys.readouterr().err)
    assert code == 2 and [m["key"] for m in err["missing"]] == ["plan.assets"]
    assert not (tmp_path / "p.pdf").exists()


def test_the_assessment_report_as_word_from_the_command_line_says_what_the_pdf_says(demo_db, tmp_path, capsys):
    url, _sm, sid = demo_db
    texts = {}
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"a.{fmt}"
        assert main(["report", "assessment", "--system", str(sid), "--format", fmt, "--out", str(out),
                     "--database", url, "--force"]) == 0  # fmt: skip
        capsys.readouterr()
        data = out.read_bytes()
        texts[fmt] = ("".join(pdf_pages(data)) if fmt == "pdf" else docx_text(data)).replace("\n", "").replace(" ", "")
    for text in texts.values():
        for part in (
            "一、测评结论",
            "二、安全类得分",
            "三、控制点得分",
            "四、问题清单",
            PLATFORM,
            "第三级（监督保护级）",
        ):
            assert part in text, part
    # the charts are drawn in the PDF; Word lists their figures under the chart's title
    assert "各安全类得分（满分100）" in texts["docx"] and "测评结果分布" in texts["docx"]


def test_the_expert_review_word_file_from_the_command_line(demo_db, tmp_path, capsys):
    url, _sm, sid = demo_db
    out = tmp_path / "e.docx"
    assert main(["report", "expert-review", "--system", str(sid), "--format", "docx", "--out", str(out),
                 "--database", url, "--force"]) == 0  # fmt: skip
    text = docx_text(out.read_bytes())
    assert PLATFORM in text and "第三级（监督保护级）" in text and "专家组成员签字" in text


def test_a_recorded_major_hazard_leads_the_plans_problems(demo_db, tmp_path, capsys):
    from mlps.adapters.store import hazards as hazard_store
    from mlps.rules.hazards import Hazard, load_hazard_triggers

    url, sm, sid = demo_db
    newest = repo.list_assessments(sm, sid)[0]
    hazard_store.add_hazard(
        sm,
        newest.id,
        Hazard("A-01", judgement="家长端未做双因素认证，口令可被撞库", found_on=date(2026, 11, 20)),
        "test",
    )
    out = tmp_path / "plan.pdf"
    assert main(["report", "protection-plan", "--system", str(sid), "--out", str(out), "--database", url]) == 0
    capsys.readouterr()
    flat = "".join(pdf_pages(out.read_bytes())).replace("\n", "").replace(" ", "")
    title = load_hazard_triggers().get("A-01").title_zh.replace(" ", "")
    assert "重大风险隐患取自年度测评的记录" in flat and "年度测评尚未记录重大风险隐患" not in flat
    assert "A-01" in flat and title in flat and "家长端未做双因素认证，口令可被撞库" in flat
    assert flat.index("A-01") < flat.index("四、问题") + 2000 and flat.index("A-01") > flat.index("四、问题")
