"""Grading by GB/T 22240-2020: every matrix cell for both judgements, the higher wins, and a quotable rationale."""

from __future__ import annotations

from datetime import date

import pytest

from mlps.rules.domain import HarmDegree, HarmObject, Judgement
from mlps.rules.grading import grade, matrix_table, parse_judgement

C, S, N = HarmObject.CITIZENS, HarmObject.SOCIETY, HarmObject.NATION
G, SE, ES = HarmDegree.GENERAL, HarmDegree.SERIOUS, HarmDegree.ESPECIALLY_SERIOUS

# The matrix written out by hand from docs/domain.md (identical in the 2008 and 2020 editions).
CELLS = [
    (C, G, 1), (C, SE, 2), (C, ES, 2),
    (S, G, 2), (S, SE, 3), (S, ES, 4),
    (N, G, 3), (N, SE, 4), (N, ES, 5),
]  # fmt: skip
LOWEST = Judgement(C, G)


@pytest.mark.parametrize(("obj", "degree", "level"), CELLS)
def test_business_judgement_gives_the_level_of_its_matrix_cell(obj, degree, level):
    result = grade(Judgement(obj, degree), LOWEST)
    assert (result.business_level, result.service_level, result.level) == (level, 1, level)


@pytest.mark.parametrize(("obj", "degree", "level"), CELLS)
def test_service_judgement_gives_the_level_of_its_matrix_cell(obj, degree, level):
    result = grade(LOWEST, Judgement(obj, degree))
    assert (result.business_level, result.service_level, result.level) == (1, level, level)


def test_final_level_is_the_higher_of_the_two_whichever_side_it_is_on():
    assert grade(Judgement(S, SE), Judgement(C, SE)).level == 3
    assert grade(Judgement(C, SE), Judgement(N, SE)).level == 4
    assert grade(Judgement(S, G), Judgement(C, ES)).level == 2


def test_rationale_names_aspect_object_degree_cell_and_level_in_both_languages():
    result = grade(Judgement(S, SE, "录取数据"), Judgement(C, SE))
    zh, en = result.rationale_zh, result.rationale_en
    for text in (
        "业务信息安全（录取数据）",
        "社会秩序、公共利益",
        "严重损害",
        "“社会秩序、公共利益 × 严重损害”一格",
        "第三级",
    ):
        assert text in zh
    assert "系统服务安全" in zh and "第三级（监督保护级）" in zh
    for text in (
        "Business information security (录取数据)",
        "social order and the public interest",
        "'social order, public interest × serious harm'",
        "level 3 (supervised protection)",
    ):
        assert text in en
    assert "system service security level (2)" in en


def test_draft_2018_note_appears_only_for_citizens_especially_serious():
    noted = grade(Judgement(C, ES), Judgement(C, G))
    assert "第三级" in noted.draft_note_zh and "征求意见稿" in noted.draft_note_zh
    assert "2018 draft" in noted.draft_note_en and "level 3" in noted.draft_note_en
    assert noted.level == 2 and noted.draft_2018_level == 3
    for obj, degree, _ in CELLS:
        if (obj, degree) != (C, ES):
            plain = grade(Judgement(obj, degree), Judgement(obj, degree))
            assert plain.draft_note_zh == plain.draft_note_en == "" and plain.draft_2018_level is None


def test_draft_note_has_no_effect_on_final_level_when_the_other_side_is_higher_anyway():
    result = grade(Judgement(C, ES), Judgement(S, SE))
    assert result.level == 3 and result.draft_2018_level is None
    assert result.draft_note_en  # still shown: the cell was used


def test_grading_becomes_a_record_with_levels_rationale_and_override_reason():
    result = grade(Judgement(S, G), Judgement(C, SE), override_reason="  outage hits parents too ")
    record = result.to_record(7, graded_on=date(2026, 3, 1), graded_by="王老师", expert_review_on=date(2026, 3, 5))
    assert (record.system_id, record.business_level, record.service_level, record.level) == (7, 2, 2, 2)
    assert record.override_reason == "outage hits parents too"
    assert "outage hits parents too" in record.rationale_zh and record.rationale_en == result.rationale_en
    assert record.graded_on == date(2026, 3, 1) and record.expert_review_on == date(2026, 3, 5)


def test_matrix_table_rows_objects_columns_degrees_with_the_chosen_cell_marked():
    table = matrix_table(Judgement(N, SE), aspect="service")
    assert table.levels() == [[1, 2, 2], [2, 3, 4], [3, 4, 5]]
    assert [r["object"] for r in table.rows] == ["citizens", "society", "nation"]
    assert [c["degree"] for c in table.columns] == ["general", "serious", "especially_serious"]
    assert table.chosen is not None and (table.chosen.harm_object, table.chosen.degree, table.chosen.level) == (
        N,
        SE,
        4,
    )
    assert sum(c.chosen for row in table.rows for c in row["cells"]) == 1
    assert table.rows[0]["cells"][2].draft_2018_level == 3
    assert "系统服务安全" in table.title_zh and "GB/T 22240-2020" in table.title_en
    assert table.note_zh == ""  # the chosen cell is not the disputed one


def test_bare_matrix_table_has_no_chosen_cell_but_explains_the_disputed_cell():
    table = matrix_table()
    assert table.chosen is None and "2018" in table.note_en


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("citizens:serious", (C, SE)),
        ("society:especially_serious", (S, ES)),
        ("国家安全：一般", (N, G)),
        (" Nation : Especially-Serious ", (N, ES)),
    ],
)
def test_judgement_words_in_english_or_chinese(text, expected):
    j = parse_judgement(text)
    assert (j.harm_object, j.degree) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("people:serious", "'people' is not an object harmed"),
        ("citizens:bad", "'bad' is not a degree"),
        ("citizens", "not OBJECT:DEGREE"),
        ("a:b:c", "not OBJECT:DEGREE"),
    ],
)
def test_bad_judgement_words_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_judgement(text)
