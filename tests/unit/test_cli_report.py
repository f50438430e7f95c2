"""`mlps report KIND --system ID`: every document as a readable PDF from the demo database; a document that lacks
required fields is refused with the list of what is missing (unless --force); unknown ids exit 2. Also the
mapping from the stored system profile to the filing form, and the assessment report's data from stored results."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from mlps.cli import main
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import (
    GradingRecord,
    HarmDegree,
    HarmObject,
    ItemResult,
    Judgement,
    Organisation,
    Result,
    Risk,
    System,
)
from mlps.rules.results import results_frame
from mlps.rules.scoring import score_assessment
from mlps.services import demo
from mlps.services import report_data as rd

UNIT = demo.DEMO_NAME  # 青山县第一中学
SIS = "学生信息管理系统"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture
def demo_db(tmp_path, catalogue):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    sm = open_store(url)
    demo.create(sm, catalogue)
    return url, sm


def system_id(sm, name: str) -> int:
    return next(s.id for s in repo.list_systems(sm) if s.name == name)


def complete_for_filing(sm, sid: int) -> None:
    """Fill in what the demo school leaves out of the filing form for the student information system."""
    org = repo.list_organisations(sm)[0]
    repo.save_organisation(
        sm,
        dataclasses.replace(
            org,
            data_department="教务处",
            data_contact="赵老师",
            data_title="教务主任",
            data_phone="0831-0000002",
            data_mobile="13900000000",
            data_email="jw@qsyz.example",
        ),
        "test",
    )
    grading = repo.current_gradings(sm, [sid])[sid]
    repo.record_grading_step(sm, grading.id, "test", expert_review_on=date(2026, 11, 2))
    repo.set_system_profile(
        sm,
        sid,
        {
            "profile": {"cloud_role": "none", "mobile_apps": []},
            "filing": {
                "data_survey": [
                    {
                        "name": "学生学籍数据",
                        "data_class": "general",
                        "personal_info": True,
                        "storage_location": "校内机房",
                    }
                ],
                "form": {
                    "business_type": "3",
                    "service_scope": "99",
                    "service_targets": "3",
                    "deployment_scope": "1",
                    "network_nature": "1",
                    "interconnection": ["3"],
                },
            },
        },
        "test",
    )


def run(capsys, url: str | None, *argv: str) -> tuple[int, str, str]:
    """`mlps report ARGV --database URL` (without --database when url is None)."""
    code = main(["report", *argv, *(["--database", url] if url else [])])
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path: Path) -> str:
    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


# ---------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        ("grading", "网络安全等级保护定级报告"),
        ("filing", "网络安全等级保护备案表"),
        ("expert-review", "网络安全等级保护定级专家评审意见表"),
        ("assessment", "网络安全等级保护自查报告"),
    ],
)
def test_each_document_is_written_as_a_readable_pdf_with_unit_system_and_level(
    demo_db, tmp_path, capsys, kind, heading
):
    url, sm = demo_db
    sid = system_id(sm, SIS)
    complete_for_filing(sm, sid)
    out = tmp_path / f"{kind}.pdf"
    code, stdout, err = run(capsys, url, kind, "--system", str(sid), "--lang", "zh", "--out", str(out))
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["kind"] == kind and summary["system"] == sid and summary["out"] == str(out)
    assert summary["bytes"] == out.stat().st_size
    reader = PdfReader(str(out))
    assert summary["pages"] == len(reader.pages) >= 1
    text = pdf_text(out)
    assert heading in text
    assert UNIT in text and SIS in text and "第二级" in text


@pytest.mark.parametrize("kind", ["grading", "expert-review", "assessment"])
def test_the_english_edition_names_the_level_in_english(demo_db, tmp_path, capsys, kind):
    url, sm = demo_db
    sid = system_id(sm, SIS)
    out = tmp_path / "en.pdf"
    code, _, err = run(capsys, url, kind, "--system", str(sid), "--lang", "en", "--out", str(out))
    assert code == 0, err
    text = pdf_text(out)
    assert "Level 2" in text and UNIT in text and SIS in text


def test_the_database_comes_from_mlps_database_url(demo_db, tmp_path, capsys, monkeypatch):
    url, sm = demo_db
    monkeypatch.setenv("MLPS_DATABASE_URL", url)
    out = tmp_path / "g.pdf"
    code, _, err = run(capsys, None, "grading", "--system", str(system_id(sm, SIS)), "--out", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF")


def test_a_system_missing_fields_exits_2_listing_them_and_writes_nothing(demo_db, tmp_path, capsys):
    url, sm = demo_db
    sid = system_id(sm, "学校门户网站")  # on a cloud, but the demo records no cloud role; no data survey
    out = tmp_path / "filing.pdf"
    code, stdout, err = run(capsys, url, "filing", "--system", str(sid), "--out", str(out))
    assert code == 2 and stdout == "" and not out.exists()
    message = json.loads(err)
    assert message["error"] == "missing_fields" and message["kind"] == "filing" and message["system"] == sid
    labels = [m["label"] for m in message["missing"]]
    assert labels[:2] == ["数据安全责任部门", "数据安全责任部门联系人"]  # the demo leaves the data-security unit out
    for label in ("学校门户网站: 网络性质", "学校门户网站: 域名", "学校门户网站: 云计算角色（服务商/用户）",
                  "学校门户网站: 数据资源调查表（至少一行）"):  # fmt: skip
        assert label in labels, label
    assert [m["key"] for m in message["missing"]][:1] == ["organisation.data_department"]


def test_missing_field_labels_follow_the_chosen_language(demo_db, tmp_path, capsys):
    url, sm = demo_db
    sid = system_id(sm, SIS)  # not reviewed by experts yet
    code, _, err = run(capsys, url, "filing", "--system", str(sid), "--lang", "en", "--out", str(tmp_path / "f.pdf"))
    assert code == 2
    labels = [m["label"] for m in json.loads(err)["missing"]]
    assert "Data-security department" in labels and f"{SIS}: Expert review date" in labels


def test_force_writes_the_document_anyway_and_says_what_is_missing(demo_db, tmp_path, capsys):
    url, sm = demo_db
    sid = system_id(sm, "学校门户网站")
    out = tmp_path / "filing.pdf"
    code, stdout, err = run(capsys, url, "filing", "--system", str(sid), "--out", str(out), "--force")
    assert code == 0, err
    summary = json.loads(stdout)
    assert "数据安全责任部门" in summary["missing"]
    text = pdf_text(out)
    assert "学校门户网站" in text and "（未填写）" not in text
    assert "数据安全责任部门" in text.split("附：提交前尚需填写的内容")[1]  # listed on the annex, blank in the form


def test_a_system_without_grading_is_refused_even_with_force(demo_db, tmp_path, capsys):
    url, sm = demo_db
    org = repo.list_organisations(sm)[0]
    new = repo.save_system(sm, System(name="图书管理系统", organisation_id=org.id, owner="图书馆"), "test")
    out = tmp_path / "g.pdf"
    code, _, err = run(capsys, url, "grading", "--system", str(new.id), "--out", str(out))
    assert code == 2 and "定级记录" in err and not out.exists()
    code, _, err = run(capsys, url, "grading", "--system", str(new.id), "--out", str(out), "--force")
    assert code == 2 and "no grading record" in err and not out.exists()


def test_unknown_ids_and_bad_arguments_exit_2_with_a_clear_message(demo_db, tmp_path, capsys):
    url, sm = demo_db
    out = str(tmp_path / "x.pdf")
    code, _, err = run(capsys, url, "grading", "--system", "999", "--out", out)
    assert code == 2 and err.strip() == "mlps report: --system 999: no such system"
    sis, web = system_id(sm, SIS), system_id(sm, "学校门户网站")
    other = repo.list_assessments(sm, web)[0].id
    code, _, err = run(capsys, url, "assessment", "--system", str(sis), "--assessment", str(other), "--out", out)
    assert code == 2 and f"belongs to system {web}" in err
    code, _, err = run(capsys, url, "assessment", "--system", str(sis), "--assessment", "999", "--out", out)
    assert code == 2 and "no such assessment" in err
    code, _, err = run(capsys, url, "grading", "--system", str(sis), "--assessment", "1", "--out", out)
    assert code == 2 and "only for the assessment report" in err
    code, _, err = run(capsys, url, "filing", "--system", str(sis), "--method", "mlps2019", "--out", out)
    assert code == 2 and "--method is only for the assessment report" in err
    code, _, err = run(capsys, url, "assessment", "--system", str(sis), "--method", "golden", "--out", out)
    assert code == 2 and "unknown scoring method" in err and "mlps2019" in err
    code, _, err = run(capsys, url, "grading", "--system", str(sis), "--out", str(tmp_path / "no" / "x.pdf"))
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "x.pdf").exists()


def test_assessment_of_a_system_with_none_exits_2(demo_db, tmp_path, capsys):
    url, sm = demo_db
    org = repo.list_organisations(sm)[0]
    new = repo.save_system(sm, System(name="图书管理系统", organisation_id=org.id), "test")
    code, _, err = run(capsys, url, "assessment", "--system", str(new.id), "--out", str(tmp_path / "a.pdf"))
    assert code == 2 and "no assessment" in err


def test_the_newest_assessment_is_reported_unless_one_is_named(demo_db, tmp_path, capsys, catalogue):
    url, sm = demo_db
    sid = system_id(sm, SIS)
    first = repo.list_assessments(sm, sid)[0]
    newer = repo.start_assessment(sm, sid, 2, (), catalogue.version, "test", title="复查")
    code, stdout, _ = run(capsys, url, "assessment", "--system", str(sid), "--out", str(tmp_path / "a.pdf"), "--force")
    assert code == 0 and json.loads(stdout)["assessment"] == newer.id
    code, stdout, _ = run(
        capsys, url, "assessment", "--system", str(sid), "--assessment", str(first.id), "--out", str(tmp_path / "b.pdf")
    )
    assert code == 0 and json.loads(stdout)["assessment"] == first.id


def test_an_assessment_with_no_result_lacks_a_score_and_says_so(demo_db, tmp_path, capsys, catalogue):
    url, sm = demo_db
    sid = system_id(sm, SIS)
    repo.start_assessment(sm, sid, 2, (), catalogue.version, "test")
    code, _, err = run(capsys, url, "assessment", "--system", str(sid), "--out", str(tmp_path / "a.pdf"))
    assert code == 2
    keys = {m["key"] for m in json.loads(err)["missing"]}
    assert {"assessment.score", "assessment.conclusion"} <= keys


# ---------------------------------------------------------------- the stored profile -> the filing form


def test_the_stored_profile_fills_the_scenario_table():
    stored = {
        "profile": {
            "cloud_role": "customer",
            "cloud_platform": {"name": "某政务云", "level": 3, "filing_number": "51000043001-00001"},
            "mobile_apps": ["家校通", "成绩查询小程序"],
            "description": "free text is never copied into the form",
        },
        "overrides": [],
        "filing": {"iot_description": "门禁读卡器 20 台", "bigdata_cross_border": False},
    }
    sc = rd.scenario_from_profile(stored, "zh")
    assert (sc.cloud_role, sc.cloud_platform_name, sc.cloud_platform_level, sc.cloud_platform_filing_number) == (
        "customer",
        "某政务云",
        3,
        "51000043001-00001",
    )
    assert sc.mobile_apps == "家校通、成绩查询小程序"
    assert rd.scenario_from_profile(stored, "en").mobile_apps == "家校通, 成绩查询小程序"
    assert sc.iot_description == "门禁读卡器 20 台" and sc.bigdata_cross_border is False
    assert sc.ics_description == "" and sc.bigdata_description == ""


def test_an_empty_or_odd_profile_leaves_the_scenario_empty_rather_than_guessing():
    assert rd.scenario_from_profile({}) == rd.ScenarioInfo()
    assert rd.scenario_from_profile(None) == rd.ScenarioInfo()
    odd = {"profile": {"cloud_role": "none", "cloud_platform": {"level": 9, "name": 5}, "mobile_apps": "家校通"}}
    assert rd.scenario_from_profile(odd) == rd.ScenarioInfo()
    bare = {"cloud_role": "provider"}  # a bare profile, without the {"profile": ...} wrapper
    assert rd.scenario_from_profile(bare).cloud_role == "provider"


def test_filing_extras_give_attachments_and_data_rows_and_drop_what_cannot_print():
    stored = {
        "filing": {
            "attachments": {"topology": "拓扑图.pdf", "unknown_code": "x", "product_list": "  "},
            "data_survey": [
                {"name": "成绩", "personal_info": True, "volume": "2 万条"},
                {"name": "", "data_class": "general"},
                "not a row",
            ],
        }
    }
    assert rd.attachments_from_profile(stored) == {"topology": "拓扑图.pdf"}
    rows = rd.data_survey_from_profile(stored)
    assert [(r.name, r.personal_info, r.volume, r.storage_location) for r in rows] == [("成绩", True, "2 万条", "")]


def test_missing_fields_of_an_ungraded_system_name_the_grading_record():
    inputs = rd.GradingInputs(Organisation(name="某中学"), System(name="甲", id=1), None)
    for kind in ("grading", "filing", "expert-review"):
        keys = [m.key for m in rd.missing_fields(kind, inputs)]
        assert keys[-1] == "grading.record" and "filing.systems" not in keys
    with pytest.raises(ValueError, match="no grading record"):
        rd.build_grading_document("grading", inputs)
    with pytest.raises(ValueError, match="unknown document"):
        rd.missing_fields("minutes", inputs)


# ---------------------------------------------------------------- the assessment report's data


def small_assessment(tmp_path, catalogue):
    """Level 1, four items with results: conform; nonconform (high); partial on one object and conform on
    another; not applicable. The rest are not assessed."""
    sm = open_store(f"sqlite:///{tmp_path / 'small.db'}")
    org = repo.save_organisation(sm, Organisation(name="某小学"), "t")
    system = repo.save_system(sm, System(name="校园网站", organisation_id=org.id), "t")
    repo.add_grading(
        sm,
        GradingRecord(
            system.id,
            Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL),
            Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL),
            1,
            1,
            1,
        ),
        "t",
    )
    a = repo.start_assessment(sm, system.id, 1, (), catalogue.version, "t", started_on=date(2026, 11, 1))
    items = catalogue.select(1)
    i0, i1, i2, i3 = items[:4]
    rows = [
        ItemResult(i0.id, Result.CONFORM, record="已查看"),
        ItemResult(i1.id, Result.NONCONFORM, record="无日志", risk=Risk.HIGH),
        ItemResult(i2.id, Result.PARTIAL, assessed_object="服务器1", record="口令过短", risk=Risk.LOW),
        ItemResult(i2.id, Result.CONFORM, assessed_object="服务器2", record="符合"),
        ItemResult(i3.id, Result.NA, record="无无线网络"),
    ]
    repo.import_results(sm, a.id, rows, "t")
    return rd.gather_assessment_inputs(rd.RepositoryReader(sm), a.id, catalogue), items


def test_assessment_report_data_counts_coverage_problems_and_appendices(tmp_path, catalogue):
    inputs, items = small_assessment(tmp_path, catalogue)
    i0, i1, i2, i3 = items[:4]
    data, scored = rd.assessment_report_data(inputs, "zh", report_date=date(2026, 11, 30), method="mlps2019")
    assert data.organisation.name == "某小学" and data.system.name == "校园网站" and data.level == 1
    assert data.assessed_on == date(2026, 11, 1) and data.report_date == date(2026, 11, 30)
    # three items scored (i0, i1, i2); i3 not applicable drops out of the applicable count
    assert (data.coverage_assessed, data.coverage_applicable) == (3, len(items) - 1)
    assert data.result_counts == {
        "conform": 1,
        "partial": 1,
        "nonconform": 1,
        "na": 1,
        "not_assessed": len(items) - 4,
    }
    problems = {p.item_id: p for p in data.problems}
    assert set(problems) == {i1.id, i2.id}
    assert problems[i1.id].result == Result.NONCONFORM and problems[i1.id].risk == Risk.HIGH
    assert problems[i1.id].record == "无日志"
    # the item's result on the other object (conform) is not part of the problem
    assert problems[i2.id].result == Result.PARTIAL and problems[i2.id].record == "[服务器1] 口令过短"
    assert [r.item_id for r in data.applicability] == [i3.id]
    assert data.applicability[0].reason == "无无线网络" and not data.applicability[0].applicable
    assert [r.item_id for r in data.item_results] == [i0.id, i1.id, i2.id, i3.id]
    assert data.item_results[2].result == Result.PARTIAL  # the worse of partial and conform
    # a high risk is open and most items are not assessed: the conclusion is poor and provisional
    assert data.conclusion == "差" and data.provisional
    assert data.conclusion_reason_zh and data.conclusion_reason_en
    assert rd.missing_fields("assessment", data) == []
    # the numbers are the scoring core's, on the same results
    frame = results_frame(inputs.results, {i.id for i in items})
    assert data.score == pytest.approx(score_assessment(frame, items).score)
    assert data.score == pytest.approx(scored.score)
    assert data.method_name == scored.method.label("zh")
    pdf = rd.build_assessment_document(data, "zh")
    assert rd.page_count(pdf) == len(PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_version_changes_when_a_result_changes(tmp_path, catalogue):
    inputs, items = small_assessment(tmp_path, catalogue)
    before = inputs.version
    changed = dataclasses.replace(
        inputs, results=[dataclasses.replace(inputs.results[0], version=2), *inputs.results[1:]]
    )
    assert changed.version != before
    assert dataclasses.replace(inputs).version == before


def test_risks_are_as_recorded_unless_high_risk_suggestions_are_asked_for(demo_db, catalogue):
    url, sm = demo_db
    sid = system_id(sm, SIS)
    a = repo.list_assessments(sm, sid)[0]
    current = next((r for r in repo.results(sm, a.id) if r.item_id == "L2-CES1-01" and not r.assessed_object), None)
    repo.save_result(
        sm, a.id, "L2-CES1-01", "test", expected_version=current.version if current else 0,
        result=Result.NONCONFORM, risk=Risk.LOW, record="存在弱口令",
    )  # fmt: skip
    inputs = rd.gather_assessment_inputs(rd.RepositoryReader(sm), a.id, catalogue)
    recorded, _ = rd.assessment_report_data(inputs, method="mlps2019")
    suggested, _ = rd.assessment_report_data(inputs, suggest_risks=True, method="mlps2019")
    # L2-CES1-01 is tied to case 6.4.1.1 of the 2025 high-risk guideline (weak passwords) from level 2
    assert {p.item_id: p.risk for p in recorded.problems}["L2-CES1-01"] == Risk.LOW
    assert {p.item_id: p.risk for p in suggested.problems}["L2-CES1-01"] == Risk.HIGH
    assert suggested.conclusion == "差"


def test_the_remediation_plan_of_the_assessment_is_printed(tmp_path, catalogue):
    rem = pytest.importorskip("mlps.rules.remediation")
    store_rem = pytest.importorskip("mlps.adapters.store.remediation")
    inputs, items = small_assessment(tmp_path, catalogue)
    sm = open_store(f"sqlite:///{tmp_path / 'small.db'}")
    _, scored = rd.assessment_report_data(inputs)
    drafts = rem.plan_tasks(scored, items, 1)
    tasks = store_rem.create_tasks(sm, inputs.assessment.id, drafts, "t")
    store_rem.update_task(sm, tasks[0].id, "t", expected_version=tasks[0].version, owner="信息中心",
                          due_on=date(2027, 3, 31))  # fmt: skip
    again = rd.gather_assessment_inputs(rd.RepositoryReader(sm), inputs.assessment.id, catalogue)
    assert again.version != inputs.version
    data, _ = rd.assessment_report_data(again, "en")
    assert len(data.remediation) == len(drafts) == 2  # the two problems, one task each
    first = data.remediation[0]
    assert (first.owner, first.due, first.status) == ("信息中心", date(2027, 3, 31), "open")
    assert first.task == tasks[0].title("en") and first.items == tasks[0].item_ids


def test_remediation_rows_map_the_plan_words_onto_the_report():
    from types import SimpleNamespace

    task = SimpleNamespace(
        title=lambda lang: "补充审计日志" if lang == "zh" else "Add audit logs",
        item_ids=("L1-CES1-05",),
        owner="",
        due_on=None,
        status=SimpleNamespace(value="accepted_risk"),
    )
    (row,) = rd.remediation_rows([task], "zh")
    assert (row.task, row.items, row.owner, row.due, row.status) == (
        "补充审计日志",
        ("L1-CES1-05",),
        "",
        None,
        "accepted",
    )
    assert rd.remediation_rows([task], "en")[0].task == "Add audit logs"
