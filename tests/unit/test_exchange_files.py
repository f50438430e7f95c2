"""A file that is not a usable workbook gives one clear message in both languages, never a traceback, and no
results: empty, foreign, encrypted, damaged, oversized, zip bombs, entity bombs, absurd merges or row counts."""

from __future__ import annotations

import io
import random
import re
import time
import zipfile

import pytest

from mlps.adapters.exchange import ImportLimits, plan_import
from mlps.rules.catalogue import load_catalogue
from tests.data.xlsx import replace_part, workbook, zip_bytes

CATALOGUE = load_catalogue()
L3 = CATALOGUE.select(3)
GOOD = workbook({"机房": [["控制点", "测评项", "符合情况"], ["防火", "a)", "符合"]]})


def refused(data: bytes, limits: ImportLimits | None = None) -> str:
    plan = plan_import(data, L3, CATALOGUE.taxonomy, limits=limits)
    assert plan.results == [] and not plan.ok
    [error] = plan.errors
    assert error.message("zh").strip() and error.message("en").strip()
    return error.code


def test_a_good_workbook_is_read():
    plan = plan_import(GOOD, L3, CATALOGUE.taxonomy)
    assert plan.ok and [r.item_id for r in plan.results] == ["L3-PES1-09"]


def test_an_empty_file():
    assert refused(b"") == "empty_file"


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "'%PDF-1.7'"),
        ("控制点,测评项,符合情况\n防火,a),符合\n".encode(), "e6 8e a7 e5 88 b6 e7 82"),
        (b"\x00\x01\x02\x03garbage", "00 01 02 03 67 61 72 62"),
    ],
)
def test_a_file_that_is_not_a_zip_says_what_it_begins_with(data, shown):
    plan = plan_import(data, L3, CATALOGUE.taxonomy)
    [error] = plan.errors
    assert error.code == "not_xlsx"
    assert shown in error.message("en")


def test_a_password_protected_workbook_or_old_xls_asks_to_save_as_plain_xlsx():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    assert refused(ole2) == "encrypted"
    plan = plan_import(ole2, L3, CATALOGUE.taxonomy)
    assert "另存为 .xlsx" in plan.errors[0].message("zh")


def test_a_zip_that_is_not_a_workbook_such_as_a_word_document():
    docx = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert refused(docx) == "not_workbook"
    assert refused(zip_bytes({})) == "not_workbook"


def test_a_truncated_or_damaged_workbook():
    assert refused(GOOD[: len(GOOD) // 2]) == "bad_zip"
    assert refused(replace_part(GOOD, "xl/workbook.xml", b"this is not xml")) == "unreadable"


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    assert refused(GOOD, ImportLimits(max_bytes=len(GOOD) - 1)) == "too_large"


def test_a_zip_bomb_is_refused_by_its_unpacked_size():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/worksheets/sheet2.xml", "w") as fh:
        for _ in range(210):  # 210 MB of zeros, about 200 KB packed
            fh.write(b"\0" * (1 << 20))
    src = zipfile.ZipFile(io.BytesIO(GOOD))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, src.read(info.filename))
    data = buffer.getvalue()
    assert len(data) < 1 << 20
    started = time.perf_counter()
    assert refused(data) == "too_big_unpacked"  # default limit: 200 MB
    assert time.perf_counter() - started < 2  # refused from the zip directory, nothing unpacked


def test_too_many_parts_or_sheets():
    assert refused(GOOD, ImportLimits(max_parts=3)) == "too_many_parts"
    sheets = {f"服务器{n}": [["控制点", "测评项", "符合情况"], ["防火", "a)", "符合"]] for n in range(4)}
    assert refused(workbook(sheets), ImportLimits(max_sheets=3)) == "too_many_sheets"


def test_an_xml_entity_bomb_is_refused_before_any_parser_sees_it():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    assert refused(replace_part(GOOD, "xl/sharedStrings.xml", bomb)) == "dtd_forbidden"


def test_a_sheet_with_more_rows_than_allowed_is_refused_by_name():
    rows = [["控制点", "测评项", "符合情况"]] + [["防火", "a)", "符合"]] * 20
    plan = plan_import(workbook({"机房": rows}), L3, CATALOGUE.taxonomy, limits=ImportLimits(max_rows=10))
    assert [(e.code, e.sheet) for e in plan.errors] == [("too_many_rows", "机房")] and plan.results == []


def _sheet_part(data: bytes) -> str:
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    return next(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))


def test_a_sheet_claiming_a_million_rows_and_a_giant_merge_is_read_quickly():
    part = _sheet_part(GOOD)
    xml = zipfile.ZipFile(io.BytesIO(GOOD)).read(part)
    xml = re.sub(rb"<dimension ref=\"[^\"]+\"/>", b'<dimension ref="A1:XFD1048576"/>', xml)
    xml = xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>'
    )
    started = time.perf_counter()
    plan = plan_import(replace_part(GOOD, part, xml), L3, CATALOGUE.taxonomy)
    assert time.perf_counter() - started < 5
    assert plan.ok and [r.item_id for r in plan.results] == ["L3-PES1-09"]


def test_formulas_in_an_imported_workbook_are_never_evaluated_only_their_saved_values_read():
    rows = [["控制点", "测评项", "符合情况", "结果记录"], ["防火", "a)", "符合", '=WEBSERVICE("http://x")']]
    plan = plan_import(workbook({"机房": rows}), L3, CATALOGUE.taxonomy)
    # openpyxl saved no cached value for the formula, so the record reads as empty; nothing ran
    assert plan.ok and [(r.item_id, r.record) for r in plan.results] == [("L3-PES1-09", "")]


def test_damaged_bytes_anywhere_give_an_issue_never_an_exception():
    rng = random.Random(20261101)  # fixed seed: the same 60 damaged files every run
    outcomes = set()
    for n in range(60):
        data = bytearray(GOOD)
        if n % 2:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            damaged = bytes(data)
        else:  # damage inside one XML part and zip it again, so the zip itself stays valid
            archive = zipfile.ZipFile(io.BytesIO(GOOD))
            name = rng.choice(archive.namelist())
            part = bytearray(archive.read(name))
            for _ in range(rng.randint(1, 10)):
                part[rng.randrange(len(part))] = rng.choice(b'<>"/= a\x00\xff')
            damaged = replace_part(GOOD, name, bytes(part))
        plan = plan_import(damaged, L3, CATALOGUE.taxonomy)
        assert plan.ok or plan.results == []
        outcomes.add(plan.errors[0].code if plan.errors else "ok")
    assert {"bad_zip", "unreadable"} <= outcomes
