"""Hostile workbooks are refused while they are unpacked (issue 13, item 6): a DTD anywhere in a part, not only
in its first 64 KB; shared strings that unpack far beyond the limit, whatever sizes the zip headers claim, in
little time and memory."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from mlps.adapters.exchange.xlsx_read import ImportLimits, WorkbookRejected, read_workbook

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def _workbook(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>')
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_a_dtd_after_a_long_comment_is_still_found():
    part = b'<?xml version="1.0"?><!--' + b"x" * 200_000 + b'--><!DOCTYPE x [<!ENTITY a "aaaa">]><sst/>'
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(_workbook({"xl/sharedStrings.xml": part}))
    assert caught.value.issue.code == "dtd_forbidden"


def test_shared_strings_that_unpack_past_the_limit_are_refused_quickly():
    huge = b'<?xml version="1.0"?><sst>' + b"<si><t>" + b"A" * (80 << 20) + b"</t></si></sst>"
    data = _workbook({"xl/sharedStrings.xml": huge})
    assert len(data) < 1 << 20  # a small upload
    began = time.perf_counter()
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookRejected) as caught:
            read_workbook(data, ImportLimits(max_unpacked_bytes=16 << 20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.issue.code == "too_big_unpacked"
    assert time.perf_counter() - began < 5
    assert peak < 8 << 20, peak  # read in chunks: never the 80 MB part, nor even the 16 MB limit, at once
