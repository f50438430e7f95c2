"""Hostile input is stored inert, on SQLite and PostgreSQL: script tags, markdown links and formula-looking text
come back exactly as typed (never interpreted); a 100,000-character record is kept whole; the Excel export never
writes a formula; uploads are judged by their bytes, not their names, and a name is only ever a label."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from mlps.adapters.exchange import ExportMeta, export_xlsx, plan_import
from mlps.adapters.store import repository as repo
from mlps.adapters.store.models import AttachmentRow, AuditEventRow, BlobRow
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import ItemResult, Organisation, Result, Risk, System
from mlps.rules.errors import UploadRejected

SCRIPT = "<script>alert(1)</script>"
LINK = "[click](javascript:alert(1))"
IMAGE = "![x](http://127.0.0.1:9/track.png)"
HTML = '<img src=x onerror="alert(1)">'
FORMULAS = [
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
]
HOSTILE = [SCRIPT, LINK, IMAGE, HTML, *FORMULAS]
LIMIT = 1024 * 1024  # 1 MB for these tests


@pytest.fixture
def assessment(store):
    org = repo.save_organisation(store, Organisation(name=f"{SCRIPT} 中学 {LINK}"), "wang")
    system = repo.save_system(
        store,
        System(name=f"{LINK}{SCRIPT}", organisation_id=org.id, description="\n".join(HOSTILE), owner=IMAGE),
        "wang",
    )
    return repo.start_assessment(store, system.id, 2, [], "v", "wang", title=f"{HTML} 自查")


def counts(sm) -> tuple[int, int, int]:
    with sm() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (BlobRow, AttachmentRow, AuditEventRow))


# ---------------------------------------------------------------- text


def test_script_tags_links_and_formulas_come_back_exactly_as_typed(store, assessment):
    system = repo.get_system(store, assessment.system_id)
    org = repo.get_organisation(store, system.organisation_id)
    assert org.name == f"{SCRIPT} 中学 {LINK}"
    assert (system.name, system.description, system.owner) == (f"{LINK}{SCRIPT}", "\n".join(HOSTILE), IMAGE)
    assert repo.get_assessment(store, assessment.id).title == f"{HTML} 自查"
    for n, text in enumerate(HOSTILE):
        saved = repo.save_result(
            store, assessment.id, "L2-PES1-01", "wang", expected_version=n, assessed_object=LINK,
            record=text, risk=Risk.HIGH, risk_reason=text, result=Result.NONCONFORM,
        )  # fmt: skip
        assert (saved.record, saved.risk_reason, saved.assessed_object) == (text, text, LINK)
    [stored] = repo.results(store, assessment.id)
    assert stored.record == FORMULAS[-1] and stored.version == len(HOSTILE)
    trail = [e.after["record"] for e in reversed(repo.item_history(store, assessment.id, "L2-PES1-01"))]
    assert trail == HOSTILE  # the audit trail keeps every version, unaltered


def test_a_100000_character_record_is_kept_whole(store, assessment):
    text = ("机房巡检记录：" + SCRIPT + LINK + "x" * 60) * 1000
    text = text[:100_000]
    assert len(text) == 100_000
    saved = repo.save_result(store, assessment.id, "L2-PES1-01", "wang", expected_version=0, record=text)
    assert saved.record == text
    assert repo.results(store, assessment.id)[0].record == text


def test_an_over_long_system_name_is_refused_with_a_message_and_nothing_is_stored(store, assessment):
    org_id = repo.get_system(store, assessment.system_id).organisation_id
    before = repo.list_systems(store, org_id)
    with pytest.raises(ValueError, match="name"):
        repo.save_system(store, System(name="长" * 100_000, organisation_id=org_id), "wang")
    assert repo.list_systems(store, org_id) == before


# ---------------------------------------------------------------- the Excel export


def test_the_excel_export_never_writes_a_formula(assessment):
    cat = load_catalogue()
    items = cat.select(2, [])
    results = [
        ItemResult(item_id=item.id, result=Result.PARTIAL, record=text, risk_reason=text, risk=Risk.LOW)
        for item, text in zip(items, HOSTILE, strict=False)
    ]
    meta = ExportMeta(organisation=f"={SCRIPT}", system=FORMULAS[0], level=2, assessor="@wang")
    data = export_xlsx(items, results, meta, cat.taxonomy)

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in sheets)
    book = load_workbook(io.BytesIO(data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    for text in HOSTILE:
        matching = [c for c in cells if c.value == text]
        assert len(matching) >= 2, text  # record and risk reason, each exactly as typed
        if text.startswith(("=", "+", "-", "@", "\t")):
            assert all(c.quotePrefix for c in matching), text  # shown as text by Excel, never evaluated
    # and the export imports back unchanged
    plan = plan_import(data, items, cat.taxonomy)
    assert plan.ok, plan.errors
    assert [r.record for r in plan.results][: len(HOSTILE)] == HOSTILE


# ---------------------------------------------------------------- uploads


@pytest.fixture
def result_id(store, assessment) -> int:
    return repo.save_result(store, assessment.id, "L2-PES1-01", "wang", expected_version=0, record="见附件").id


def test_an_empty_upload_is_refused_and_nothing_is_stored(store, result_id):
    before = counts(store)
    with pytest.raises(UploadRejected, match="empty"):
        repo.attach(store, result_id, b"", "empty.pdf", "wang", max_bytes=LIMIT)
    assert counts(store) == before


def test_an_oversize_upload_is_refused_and_one_at_the_limit_is_kept(store, result_id):
    before = counts(store)
    with pytest.raises(UploadRejected, match="limit is 1 MB"):
        repo.attach(store, result_id, b"%PDF-" + b"0" * LIMIT, "big.pdf", "wang", max_bytes=LIMIT)
    assert counts(store) == before
    at_limit = b"%PDF-" + b"1" * (LIMIT - 5)
    kept = repo.attach(store, result_id, at_limit, "ok.pdf", "wang", max_bytes=LIMIT)
    assert (kept.size, kept.mime) == (LIMIT, "application/pdf")
    assert repo.blob(store, kept.sha256)[0] == at_limit


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """An empty working folder (the SQLite database lives beside it, not in it)."""
    work = tmp_path / "cwd" / "here"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return work


PASSWD = b"root:x:0:0:root:/root:/bin/bash\n"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("/etc/shadow", "shadow"),
        ("report\u202egpj.exe", "reportgpj.exe"),  # the right-to-left override that disguises extensions
        ("", "file"),
        ("../", "file"),
    ],
)
def test_a_file_name_is_only_a_label_never_a_path(store, result_id, workdir, name, label):
    etc_passwd = Path("/etc/passwd").read_bytes()
    stored = repo.attach(store, result_id, PASSWD, name, "wang", max_bytes=LIMIT)
    assert stored.original_name == label
    assert stored.mime == "text/plain"  # from the bytes
    assert repo.blob(store, stored.sha256)[0] == PASSWD
    assert Path("/etc/passwd").read_bytes() == etc_passwd
    assert list(workdir.rglob("*")) == []  # nothing written to disk in or near the working folder
    assert not (workdir.parent / "etc").exists()


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("photo.png", b"<html><script>alert(1)</script></html>", "text/plain"),  # not an image, not HTML
        ("notes.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        ("setup.pdf", b"MZ\x90\x00\x03" + bytes(200), "application/octet-stream"),
        ("run.sh", b"\x7fELF\x02\x01\x01" + bytes(100), "application/octet-stream"),
    ],
)
def test_the_type_comes_from_the_bytes_not_the_name(store, result_id, name, data, mime):
    assert repo.attach(store, result_id, data, name, "wang", max_bytes=LIMIT).mime == mime


def test_office_and_zip_files_are_kept_as_attachments_never_opened(store, result_id, workdir):
    """A zip whose member would escape any folder it were extracted to, and an .xlsx that is not a workbook at
    all: both are stored byte for byte; nothing is extracted or parsed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../../escaped.txt", "if you can read this outside the zip, it was extracted")
    evil_zip = buffer.getvalue()
    broken_xlsx = b"PK\x03\x04" + b"\xff" * 500  # a zip header and garbage: opening it would fail
    for name, data in (("evidence.zip", evil_zip), ("records.xlsx", broken_xlsx)):
        stored = repo.attach(store, result_id, data, name, "wang", max_bytes=LIMIT)
        assert stored.mime == "application/zip"
        assert repo.blob(store, stored.sha256)[0] == data
    assert list(workdir.rglob("*")) == [] and not (workdir.parent.parent / "escaped.txt").exists()


def test_the_same_bytes_under_two_names_are_stored_once_with_two_labels(store, result_id):
    a = repo.attach(store, result_id, PASSWD, "../../etc/passwd", "wang", max_bytes=LIMIT)
    b = repo.attach(store, result_id, PASSWD, f"{HTML}.txt", "wang", max_bytes=LIMIT)
    c = repo.attach(store, result_id, PASSWD, f"{SCRIPT}.txt", "wang", max_bytes=LIMIT)  # "/" ends a path
    assert a.sha256 == b.sha256 == c.sha256
    labels = [x.original_name for x in repo.attachments(store, result_id)]
    assert labels == ["passwd", f"{HTML}.txt", "script>.txt"]
    assert counts(store)[0] == 1
