"""The words the import understands: headers as agencies write them, result words in both languages, and
messages that exist in Chinese and English with the same placeholders."""

from __future__ import annotations

import string

import pytest

from mlps.adapters.exchange.vocabulary import (
    match_header,
    parse_result_word,
    parse_risk_word,
    sheet_is_generic,
    sheet_is_skipped,
    vocabulary,
)
from mlps.rules.domain import Result, Risk


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("符合情况", "result"),
        ("符合情况（符合/部分符合/不符合/不适用）", "result"),
        ("符合程度", "result"),
        ("Result (conforms / partly)", "result"),
        ("结果记录", "record"),
        ("测评结果记录", "record"),
        ("测评项", "item"),
        ("测评指标", "item"),
        ("测评项编号", "id"),
        ("Item id", "id"),
        ("安全控制点", "control_point"),
        ("控 制 点", "control_point"),
        ("安全类/层面", "category"),
        ("安全扩展要求", "scope"),
        ("风险等级", "risk"),
        ("风险分析", "risk_reason"),
        ("序号", "ignore"),  # a serial number is never an item id
        ("记录人", None),  # "the recorder" is not the record
        ("姓名", None),
    ],
)
def test_headers_are_recognised_as_agencies_write_them(header, field):
    assert match_header(header) == field


@pytest.mark.parametrize(
    ("word", "result"),
    [
        ("符合", Result.CONFORM),
        (" 部分符合 ", Result.PARTIAL),
        ("不符合", Result.NONCONFORM),
        ("不适用", Result.NA),
        ("Ｎ／Ａ", Result.NA),  # full-width, as typed with a Chinese input method
        ("Partly conforms", Result.PARTIAL),
        ("Does not conform", Result.NONCONFORM),
        ("", Result.NOT_ASSESSED),
        ("未测评", Result.NOT_ASSESSED),
        ("基本符合", None),
        ("OK", None),
    ],
)
def test_result_words_in_both_languages(word, result):
    assert parse_result_word(word) == result


def test_risk_words():
    assert parse_risk_word("高") == (True, Risk.HIGH)
    assert parse_risk_word("Medium") == (True, Risk.MEDIUM)
    assert parse_risk_word("") == (True, None)
    assert parse_risk_word("严重") == (False, None)


def test_every_message_has_both_languages_with_the_same_placeholders():
    fields = string.Formatter()
    for code, entry in vocabulary()["messages"].items():
        zh = {name for _, name, _, _ in fields.parse(entry["zh"]) if name}
        en = {name for _, name, _, _ in fields.parse(entry["en"]) if name}
        assert zh == en, code


@pytest.mark.parametrize(
    ("title", "skipped"),
    [
        ("说明", True),
        ("填写说明及注意事项", True),
        ("问题汇总表", True),
        ("Summary (2024)", True),
        ("Info", True),
        ("Infoblox DNS", False),  # an assessed object, not an info sheet
        ("物理机房", False),
        ("Web服务器", False),
    ],
)
def test_sheets_without_results_are_known_by_name(title, skipped):
    assert sheet_is_skipped(title) is skipped


def test_sheets_named_for_no_object_hold_whole_system_results():
    assert sheet_is_generic("Sheet1") and sheet_is_generic("测评结果") and sheet_is_generic("Results")
    assert not sheet_is_generic("核心交换机")
