"""Backup, wipe, restore: every record and every attachment comes back byte for byte, on SQLite and PostgreSQL;
a damaged or edited archive is refused before anything is written; a database that holds data is replaced only
when the user confirms."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text

from mlps.adapters.store import backup as bk
from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from mlps.adapters.store.models import Base
from mlps.adapters.store.remediation import create_tasks
from mlps.cli import main
from mlps.rules.auth import Role
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Organisation, Result, Risk, System
from mlps.rules.remediation import TaskDraft
from mlps.services import demo

PW = "lantern-orchard-42"
LIMIT = 5 * 1024 * 1024


def snapshot(sm) -> dict[str, list[tuple]]:
    """Every row of every table, as the database returns it, ordered by primary key."""
    with sm.kw["bind"].connect() as c:
        return {
            t.name: [tuple(r) for r in c.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


def counts(sm) -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot(sm).items()}


FILES = {
    "scan.png": b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(300_000),
    "every-byte.bin": bytes(range(256)) * 40,
    "机房巡检记录.txt": "机房门禁记录 2026-11\n".encode() * 50,
}


@pytest.fixture
def filled(store):
    """The demo school, a viewer with a role, and three attachments (one of them attached twice)."""
    cat = load_catalogue()
    org = demo.create(store, cat)
    users.create_user(store, "zhao", PW, by="test", display_name="赵老师")
    users.set_role(store, "zhao", org.id, Role.VIEWER, by="test")
    system = repo.list_systems(store, org.id)[0]
    assessment = repo.list_assessments(store, system.id)[0]
    first = repo.results(store, assessment.id)[0]
    saved = repo.save_result(
        store, assessment.id, first.item_id, "wang", expected_version=first.version,
        record="<script>alert(1)</script> [click](javascript:alert(1)) =SUM(A1) 换行\n第二行", result=Result.PARTIAL,
    )  # fmt: skip
    for name, data in FILES.items():
        repo.attach(store, saved.id, data, name, "wang", max_bytes=LIMIT)
    repo.attach(store, saved.id, FILES["scan.png"], "again.png", "wang", max_bytes=LIMIT)
    draft = TaskDraft(
        key=f"item:{first.item_id}", item_ids=(first.item_id,), scope="general", category="CES",
        control_point="identification", control_point_zh="身份鉴别", control_point_en="Identification",
        title_zh="启用登录失败锁定", title_en="Lock accounts after failed sign-ins", action_zh="配置锁定策略",
        action_en="Configure the lock-out policy", risk=Risk.HIGH, case_ids=("case-1",), points=0.1 + 0.2,
        priority=1,
    )  # fmt: skip
    create_tasks(store, assessment.id, [draft], "wang")
    return store


@pytest.fixture
def empty_url(db_url, tmp_path, request) -> Iterator[str]:
    """A second, empty database of the same kind as `db_url` (the "wiped" machine)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"r_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_wipe_restore_gives_back_every_record_and_file_byte_for_byte(filled, empty_url, tmp_path):
    before = snapshot(filled)
    made = bk.backup(filled, tmp_path / "backup.zip")
    assert made.tables["item_result"] == len(before["item_result"]) > 100
    assert made.files == 3 and made.file_bytes == sum(len(d) for d in FILES.values())

    target = open_store(empty_url)
    try:
        restored = bk.restore(target, tmp_path / "backup.zip")
        assert restored.sha256 == made.sha256 and restored.replaced == {}
        assert snapshot(target) == before
        assert snapshot(target)["remediation_task"][0] and before["remediation_task"]
        stored = {a.original_name: a for r in _all_results(target) for a in repo.attachments(target, r.id)}
        assert set(stored) == {*FILES, "again.png"}
        for name, data in FILES.items():
            assert repo.blob(target, stored[name].sha256)[0] == data
        assert users.sign_in(target, "zhao", PW).roles  # password hashes and roles came back
        # new rows get new ids (PostgreSQL's sequences were moved past the restored ids)
        new = repo.save_organisation(target, Organisation(name="恢复后新建"), "wang")
        assert new.id == max(r[0] for r in before["organisation"]) + 1
    finally:
        target.kw["bind"].dispose()


def test_every_table_is_backed_up_even_those_no_other_module_has_imported():
    """Tables join the models' metadata when their module is imported; the backup imports them all itself."""
    code = "from mlps.adapters.store.backup import tables; print(' '.join(t.name for t in tables()))"
    names = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert {"remediation_task", "task_event", "blob", "item_result", "app_user"} <= set(names)
    assert names.index("assessment") < names.index("remediation_task") < names.index("task_event")


def test_the_backup_is_one_snapshot_while_others_keep_saving(store, tmp_path):
    """Someone saves an organisation and a system while the backup is between tables: the archive holds the
    state from before (the database has both), never half of it."""
    org = repo.save_organisation(store, Organisation(name="A 中学"), "wang")
    repo.save_system(store, System(name="A 网站", organisation_id=org.id), "wang")
    engine = store.kw["bind"]
    other = open_store(str(engine.url.render_as_string(hide_password=False)))
    fired = []

    def meanwhile(conn, cursor, statement, *args):
        if not fired and 'FROM "system"' in statement.replace("FROM system", 'FROM "system"'):
            fired.append(True)
            later = repo.save_organisation(other, Organisation(name="B 中学"), "li")
            repo.save_system(other, System(name="B 网站", organisation_id=later.id), "li")

    event.listen(engine, "before_cursor_execute", meanwhile)
    try:
        made = bk.backup(store, tmp_path / "b.zip")
    finally:
        event.remove(engine, "before_cursor_execute", meanwhile)
        other.kw["bind"].dispose()
    assert fired
    assert (made.tables["organisation"], made.tables["system"]) == (1, 1)
    assert len(repo.list_organisations(store)) == 2


def test_a_table_the_models_do_not_know_stops_the_backup(tmp_path):
    sm = open_store(f"sqlite:///{tmp_path / 'school.db'}")
    with sm.kw["bind"].begin() as c:
        c.execute(text("CREATE TABLE stray_notes (id INTEGER PRIMARY KEY, body TEXT)"))
    with pytest.raises(bk.BackupError, match="do not define: stray_notes"):
        bk.backup(sm, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists() and not list(tmp_path.glob(".mlps-backup-*"))


def _all_results(sm):
    out = []
    for org in repo.list_organisations(sm):
        for s in repo.list_systems(sm, org.id):
            for a in repo.list_assessments(sm, s.id):
                out.extend(repo.results(sm, a.id))
    return out


def test_a_sqlite_backup_restores_into_postgresql(tmp_path, pg_url):
    source = open_store(f"sqlite:///{tmp_path / 'school.db'}")
    demo.create(source, load_catalogue())
    result = _all_results(source)[0]
    repo.attach(source, result.id, FILES["every-byte.bin"], "b.bin", "wang", max_bytes=LIMIT)
    bk.backup(source, tmp_path / "b.zip")
    target = open_store(pg_url)
    try:
        bk.restore(target, tmp_path / "b.zip")
        assert snapshot(target) == snapshot(source)
    finally:
        target.kw["bind"].dispose()


def test_restoring_into_a_database_that_holds_data_needs_confirmation(filled, tmp_path):
    before = snapshot(filled)
    bk.backup(filled, tmp_path / "b.zip")
    repo.save_organisation(filled, Organisation(name="备份之后新建的单位"), "wang")
    changed = snapshot(filled)
    with pytest.raises(bk.NotEmptyError) as refused:
        bk.restore(filled, tmp_path / "b.zip")
    assert refused.value.counts["organisation"] == 2
    assert snapshot(filled) == changed  # nothing touched
    summary = bk.restore(filled, tmp_path / "b.zip", replace=True)
    assert summary.replaced["organisation"] == 2
    assert snapshot(filled) == before  # the later organisation is gone, everything else as backed up


def test_a_restore_that_fails_half_way_changes_nothing(filled, tmp_path):
    """An archive whose checksums are right but whose rows do not fit (an attachment of a result that does not
    exist): the database refuses the rows, and the wipe before them is rolled back too."""
    bk.backup(filled, tmp_path / "b.zip")
    before = snapshot(filled)

    def orphan(members):
        lines = members["tables/attachment.jsonl"].decode().splitlines()
        row = json.loads(lines[0])
        row["result_id"] = 999_999
        members["tables/attachment.jsonl"] = ("\n".join([json.dumps(row), *lines[1:]]) + "\n").encode()

    rewrite(tmp_path / "b.zip", tmp_path / "bad.zip", orphan, fix_manifest=True)
    with pytest.raises(bk.BackupError, match="do not fit together|refused"):
        bk.restore(filled, tmp_path / "bad.zip", replace=True)
    assert snapshot(filled) == before


# ---------------------------------------------------------------- tampered archives


def rewrite(src: Path, dst: Path, change, *, fix_manifest: bool = False) -> None:
    """Copy an archive, letting `change` edit its members (a dict name -> bytes); optionally recompute the
    manifest's checksums, as a careful forger would."""
    with zipfile.ZipFile(src) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    change(members)
    if fix_manifest:
        manifest = json.loads(members["manifest.json"])
        for name in list(manifest["members"]):
            if name in members:
                manifest["members"][name] = {"sha256": bk._sha256(members[name]), "size": len(members[name])}
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _edit_record(m):  # "满足要求" (meets the requirement) -> "不足要求": the same length, a different meaning
    edited = m["tables/item_result.jsonl"].replace("满足".encode(), "不足".encode(), 1)
    assert edited != m["tables/item_result.jsonl"] and len(edited) == len(m["tables/item_result.jsonl"])
    m["tables/item_result.jsonl"] = edited


def _flip_file_byte(m):
    name = next(n for n in m if n.startswith("files/"))
    m[name] = bytes([m[name][0] ^ 1]) + m[name][1:]


def _add_member(m):
    m["files/../../etc/cron.d/evil"] = b"* * * * * root sh"


def _drop_member(m):
    del m[next(n for n in m if n.startswith("files/"))]


def _other_schema(m):
    manifest = json.loads(m["manifest.json"])
    manifest["schema_version"] = "0001"
    m["manifest.json"] = json.dumps(manifest).encode()


def _drop_row_keep_count(m):
    lines = m["tables/organisation.jsonl"].splitlines(keepends=True)
    m["tables/organisation.jsonl"] = b"".join(lines[1:])


TAMPERING = [
    (_edit_record, False, "tables/item_result.jsonl: checksum mismatch"),
    (_flip_file_byte, False, "files/[0-9a-f]{64}: checksum mismatch"),
    (_flip_file_byte, True, "files/[0-9a-f]{64}: its bytes do not match its name"),
    (_add_member, False, "is not in the manifest"),
    (_drop_member, False, "listed in the manifest but missing"),
    (_other_schema, False, "the backup is of schema 0001, this workbench is at"),
    (_drop_row_keep_count, True, "table organisation: 0 rows, the manifest says 1"),
]


@pytest.mark.parametrize(("change", "forged", "message"), TAMPERING, ids=lambda v: getattr(v, "__name__", None))
def test_a_tampered_archive_is_refused_before_anything_is_written(tmp_path, change, forged, message):
    source = open_store(f"sqlite:///{tmp_path / 'school.db'}")
    demo.create(source, load_catalogue())
    result = _all_results(source)[0]
    repo.attach(source, result.id, FILES["scan.png"], "scan.png", "wang", max_bytes=LIMIT)
    bk.backup(source, tmp_path / "b.zip")
    rewrite(tmp_path / "b.zip", tmp_path / "tampered.zip", change, fix_manifest=forged)
    target = open_store(f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(bk.BackupError, match=message):
        bk.restore(target, tmp_path / "tampered.zip")
    assert not any(counts(target).values())


def test_files_that_are_not_backups_are_refused_with_a_message(tmp_path):
    target = open_store(f"sqlite:///{tmp_path / 'target.db'}")
    (tmp_path / "notes.zip").write_bytes(b"this is not a zip")
    with pytest.raises(bk.BackupError, match="not a zip archive"):
        bk.restore(target, tmp_path / "notes.zip")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(bk.BackupError, match="has no manifest.json"):
        bk.restore(target, tmp_path / "other.zip")
    with pytest.raises(bk.BackupError, match="is not a file"):
        bk.restore(target, tmp_path / "missing.zip")


# ---------------------------------------------------------------- the command line


def test_the_command_line_backs_up_asks_before_replacing_and_refuses_tampering(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'school.db'}"
    demo.create(open_store(url), load_catalogue())
    out = tmp_path / "nightly.zip"
    assert main(["backup", "--out", str(out), "--database", url]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["tables"]["organisation"] == 1 and made["schema_version"] == bk.head_revision()
    assert out.stat().st_mode & 0o077 == 0  # readable by its owner only

    assert main(["backup", "--out", str(out), "--database", url]) == 2
    assert "exists" in capsys.readouterr().err

    assert main(["restore", str(out), "--database", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not empty" in err and "--yes" in err

    assert main(["restore", str(out), "--database", url, "--expect-sha256", "0" * 64]) == 2
    assert "not the expected" in capsys.readouterr().err

    assert main(["restore", str(out), "--database", url, "--yes", "--expect-sha256", made["sha256"]]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["restored"] is True and done["replaced"]["organisation"] == 1

    rewrite(out, tmp_path / "edited.zip", _edit_record)
    empty = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["restore", str(tmp_path / "edited.zip"), "--database", empty]) == 2
    err = capsys.readouterr().err
    assert "item_result.jsonl" in err and "nothing was restored" in err and "Traceback" not in err
    assert not any(counts(open_store(empty)).values())

    assert main(["restore", str(out), "--check"]) == 0
    assert json.loads(capsys.readouterr().out)["checked"] is True


def test_checking_an_archive_with_a_huge_member_holds_only_a_chunk_in_memory(store, tmp_path):
    """`restore --check` of a small archive holding a 300 MB member: streamed, never held whole (it used 2.3 GB
    for a 1 GB member)."""
    import contextlib
    import hashlib
    import json
    import tracemalloc
    import zipfile

    from mlps.adapters.store import backup as bk

    plain = tmp_path / "plain.zip"
    bk.backup(store, plain)
    size = 300 << 20
    digest = hashlib.sha256()
    chunk = bytes(1 << 20)
    for _ in range(size >> 20):
        digest.update(chunk)
    name = f"files/{digest.hexdigest()}"
    huge = tmp_path / "huge.zip"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as dst:
        manifest = json.loads(src.read("manifest.json"))
        manifest["members"][name] = {"size": size, "sha256": digest.hexdigest()}
        for info in src.infolist():
            if info.filename != "manifest.json":
                dst.writestr(info, src.read(info))
        dst.writestr("manifest.json", json.dumps(manifest))
        with dst.open(name, "w", force_zip64=True) as fh:
            for _ in range(size >> 20):
                fh.write(chunk)
    assert huge.stat().st_size < 5 << 20
    tracemalloc.start()
    with contextlib.suppress(bk.BackupError):  # an unreferenced attachment may be refused; the memory is the point
        bk.verify(huge)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 << 20, peak
