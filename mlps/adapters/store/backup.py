"""Backup and restore of the whole database, attachments included, as one verified archive.

The archive is a zip file:

- `tables/<table>.jsonl`: every row of every table of `mlps.adapters.store.models.Base.metadata`, one JSON object per
  line, ordered by primary key. Values are dialect-neutral: dates and times as ISO 8601 text, JSON columns as
  JSON, binary columns as the name of a member holding the bytes.
- `files/<sha256>`: the bytes of every binary value (the attachments of the `blob` table), named by their
  sha256, each stored once.
- `manifest.json`: format, schema version (the Alembic revision), the tables in dependency order with their
  columns and row counts, and the sha256 and size of every other member.

Restore reads the whole archive and checks it before it writes anything: every member listed and present,
nothing extra, every checksum, the schema version equal to this workbench's, every row's columns and value
types. Then, in one transaction, it empties every table and inserts the rows in dependency order (on
PostgreSQL it then moves each id sequence past the highest restored id). A database that already holds data
is replaced only when the caller confirms (`replace=True`).

Checksums detect a damaged or edited archive; they cannot prove who made it (anyone who edits a member can
also rewrite the manifest). Compare the archive's own sha256, which `backup` reports, to be sure it is the
file that was made. The archive holds everything in the database, password hashes included: keep it as
carefully as the database itself.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import pkgutil
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import sessionmaker

import mlps.adapters.store
from mlps.adapters.store.db import MIGRATIONS
from mlps.adapters.store.models import Base

FORMAT = "mlps-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_TABLE_MEMBER = re.compile(r"^tables/([a-z_][a-z0-9_]*)\.jsonl$")
_FILE_MEMBER = re.compile(r"^files/([0-9a-f]{64})$")
_CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 16 << 20


class BackupError(ValueError):
    """The archive cannot be made or restored (damaged, edited, another schema); nothing was written."""


class NotEmptyError(RuntimeError):
    """The target database already holds data: restoring would replace it, so the caller must confirm."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        shown = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
        super().__init__(f"the database is not empty ({shown}); restoring replaces everything in it")


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    sha256: str  # of the archive file itself
    schema_version: str
    tables: dict[str, int]  # rows per table, in dependency order
    files: int
    file_bytes: int

    def as_dict(self) -> dict:
        return {
            "file": str(self.path),
            "sha256": self.sha256,
            "schema_version": self.schema_version,
            "tables": self.tables,
            "files": self.files,
            "file_bytes": self.file_bytes,
        }


@dataclass(frozen=True)
class RestoreSummary:
    sha256: str
    schema_version: str
    created_at: str
    tables: dict[str, int]
    files: int
    replaced: dict[str, int] = field(default_factory=dict)  # rows the database held before (all deleted)

    def as_dict(self) -> dict:
        return {
            "sha256": self.sha256,
            "schema_version": self.schema_version,
            "created_at": self.created_at,
            "tables": self.tables,
            "files": self.files,
            "replaced": self.replaced,
        }


# ---------------------------------------------------------------- schema and tables


def head_revision() -> str:
    """The Alembic revision this workbench's models correspond to."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if head is None:
        raise BackupError("the workbench has no migrations")
    return head


def database_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at (None for a database without the workbench's schema)."""
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _load_models() -> None:
    """Tables join `Base.metadata` when their module is imported: import every model module of the store
    (`mlps/store/*models*.py`), so that no table is left out because nothing else imported it yet."""
    for module in pkgutil.iter_modules(mlps.adapters.store.__path__):
        if "models" in module.name:
            importlib.import_module(f"mlps.adapters.store.{module.name}")


def tables() -> list[Table]:
    """Every table of the models, parents before children."""
    _load_models()
    return list(Base.metadata.sorted_tables)


def _same_tables(connection: Connection, where: str) -> None:
    """The database has exactly the models' tables (besides Alembic's): a table the backup does not know would
    be left out of a backup, or left behind by a restore."""
    present = set(inspect(connection).get_table_names()) - {"alembic_version"}
    known = {t.name for t in tables()}
    if present - known:
        raise BackupError(
            f"the {where} database has tables this workbench's models do not define: "
            f"{', '.join(sorted(present - known))}; nothing was done"
        )
    if known - present:
        raise BackupError(f"the {where} database lacks tables: {', '.join(sorted(known - present))}")


def row_counts(connection: Connection) -> dict[str, int]:
    return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one() for t in tables()}


def _engine(sm: sessionmaker | Engine) -> Engine:
    return sm if isinstance(sm, Engine) else sm.kw["bind"]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- values <-> JSON


def _encode(column, value, files: dict[str, bytes]) -> Any:
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        data = bytes(value)
        digest = _sha256(data)
        files.setdefault(digest, data)
        return f"files/{digest}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact; read back as a Decimal
    return value


def _decode(table: Table, column, value, where: str, file_names: set[str]) -> Any:
    """A JSON value back to what the column holds; BackupError naming the table, row and column otherwise."""
    if value is None:
        return None
    kind = column.type

    def bad(expected: str) -> BackupError:
        return BackupError(f"{where}, column {column.name}: expected {expected}, found {json.dumps(value)[:60]}")

    if isinstance(kind, LargeBinary):
        if not isinstance(value, str) or value not in file_names:
            raise bad("the name of a file in the archive")
        return value  # replaced by the bytes when inserting
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if isinstance(kind, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad("a whole number")
        return value
    if isinstance(kind, Float | Numeric):  # Float is a Numeric; JSON keeps a float's exact value
        if isinstance(value, str) and not isinstance(kind, Float):
            try:
                return Decimal(value)
            except ArithmeticError:
                raise bad("a decimal number") from None
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise bad("a number")
        return value
    if isinstance(kind, DateTime | Date):
        parse = datetime.fromisoformat if isinstance(kind, DateTime) else date.fromisoformat
        try:
            return parse(value)
        except (TypeError, ValueError):
            raise bad("a date and time (ISO 8601)" if isinstance(kind, DateTime) else "a date (YYYY-MM-DD)") from None
    if isinstance(kind, JSON):
        return value
    if isinstance(kind, String):  # Text is a String
        if not isinstance(value, str):
            raise bad("text")
        return value  # lengths are the database's to check: SQLite keeps longer text, and the backup must too
    raise BackupError(f"table {table.name}, column {column.name}: a column type the backup does not know")


# ---------------------------------------------------------------- backup


def backup(sm: sessionmaker | Engine, out: str | Path) -> BackupSummary:
    """Write every table and every stored file to a new archive at `out` (refused if the file exists).

    The rows are read in one transaction, so the archive is a consistent snapshot. The file is written next
    to `out` under a temporary name, readable only by its owner, and renamed into place when complete.
    """
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} exists; choose another file name or delete it first")
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    engine = _engine(sm)
    head = head_revision()
    fd, tmp_name = tempfile.mkstemp(prefix=".mlps-backup-", suffix=".tmp", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            manifest = _write_members(engine, zf, head)
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.chmod(tmp, 0o600)
        digest = _file_sha256(tmp)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    files = [m for m in manifest["members"] if m.startswith("files/")]
    return BackupSummary(
        path=out,
        sha256=digest,
        schema_version=head,
        tables={t["name"]: t["rows"] for t in manifest["tables"]},
        files=len(files),
        file_bytes=sum(manifest["members"][m]["size"] for m in files),
    )


def _write_members(engine: Engine, zf: zipfile.ZipFile, head: str) -> dict:
    members: dict[str, dict] = {}
    table_entries = []
    written_files: set[str] = set()
    with engine.connect() as conn, conn.begin():  # every table read from one snapshot, while others write on
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        elif conn.dialect.name == "sqlite":
            # Python's sqlite3 runs SELECTs outside a transaction: each would see the newest data, and an
            # attachment saved between reading `blob` and `attachment` would point at a file the archive lacks.
            # A read transaction keeps one snapshot (WAL lets writers carry on meanwhile).
            conn.exec_driver_sql("BEGIN")
        revision = database_revision(conn)
        if revision != head:
            raise BackupError(
                f"the database is at schema {revision or 'none'}, this workbench expects {head}: "
                "open it once with this version of the workbench (which upgrades it), or use the version that made it"
            )
        _same_tables(conn, "source")
        for table in tables():
            name = f"tables/{table.name}.jsonl"
            digest, size, rows = hashlib.sha256(), 0, 0
            columns = [c.name for c in table.columns]
            query = select(table).order_by(*table.primary_key.columns)
            # the lines wait in a spooled file: a zip takes no other member while one is open for writing,
            # and each row's files are written as the row is read
            with tempfile.SpooledTemporaryFile(max_size=32 << 20) as lines:
                for row in conn.execute(query.execution_options(yield_per=200)):
                    files: dict[str, bytes] = {}
                    record = {c.name: _encode(c, row._mapping[c], files) for c in table.columns}
                    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
                    lines.write(line)
                    digest.update(line)
                    size += len(line)
                    rows += 1
                    for file_digest, data in files.items():
                        if file_digest not in written_files:
                            zf.writestr(f"files/{file_digest}", data)
                            members[f"files/{file_digest}"] = {"sha256": file_digest, "size": len(data)}
                            written_files.add(file_digest)
                lines.seek(0)
                with zf.open(name, "w", force_zip64=True) as member:
                    shutil.copyfileobj(lines, member, _CHUNK)
            members[name] = {"sha256": digest.hexdigest(), "size": size}
            table_entries.append({"name": table.name, "member": name, "rows": rows, "columns": columns})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "schema_version": head,
        "source_dialect": engine.dialect.name,
        "tables": table_entries,
        "members": members,
    }


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- verify


@dataclass
class _Verified:
    sha256: str
    manifest: dict
    tables: list[tuple[Table, list[dict]]]  # decoded rows, binary values still member names
    file_names: set[str]


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, expected: dict, *, keep: bool = True) -> bytes:
    """The member's bytes, checked against the manifest's size and sha256, read in chunks and never more than
    the size the manifest states. With keep=False only checked (an attachment: its bytes are read again when
    restored), so checking an archive holds at most one chunk of it in memory."""
    if info.file_size != expected["size"]:
        raise BackupError(
            f"archive member {info.filename}: {info.file_size} bytes, the manifest says {expected['size']} "
            "(the archive was changed after it was made)"
        )
    digest, parts, size = hashlib.sha256(), [], 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                if size > expected["size"]:
                    break
                digest.update(chunk)
                if keep:
                    parts.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(f"archive member {info.filename} cannot be read: {exc}") from None
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BackupError(
            f"archive member {info.filename}: checksum mismatch (the archive was damaged or changed after it was "
            "made); nothing was restored"
        )
    return b"".join(parts)


def verify(path: str | Path, *, expect_sha256: str | None = None) -> _Verified:
    """Read and check the whole archive; BackupError with a clear message for anything wrong.

    `expect_sha256`: the archive file's own sha256 as `backup` reported it (refused if it differs)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    archive_sha = _file_sha256(path)
    if expect_sha256 and archive_sha != expect_sha256.strip().lower():
        raise BackupError(f"{path} has sha256 {archive_sha}, not the expected {expect_sha256.strip()}")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise BackupError(f"{path} is not a workbench backup (not a zip archive)") from None
    with zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise BackupError(f"archive member {dupes[0]} appears more than once (the archive was changed)")
        by_name = {i.filename: i for i in infos}
        manifest = _manifest(zf, by_name)
        head = head_revision()
        if manifest["schema_version"] != head:
            raise BackupError(
                f"the backup is of schema {manifest['schema_version']}, this workbench is at {head}: "
                "restore it with the workbench version that made it"
            )
        listed = manifest["members"]
        extra = sorted(set(by_name) - set(listed) - {MANIFEST})
        if extra:
            raise BackupError(f"archive member {extra[0]} is not in the manifest (the archive was changed)")
        missing = sorted(set(listed) - set(by_name))
        if missing:
            raise BackupError(f"archive member {missing[0]} is listed in the manifest but missing")
        for name in listed:
            if not (_TABLE_MEMBER.match(name) or _FILE_MEMBER.match(name)):
                raise BackupError(f"archive member {name}: not a name a workbench backup uses")
            entry = listed[name]
            if not isinstance(entry, dict) or not isinstance(entry.get("size"), int) or "sha256" not in entry:
                raise BackupError(f"manifest entry for {name} is malformed")
        file_names = {n for n in listed if n.startswith("files/")}
        for name in sorted(file_names):  # every file: checksum of the member and name == sha256 of its bytes
            if listed[name]["sha256"] != name.split("/", 1)[1]:
                raise BackupError(f"archive member {name}: its bytes do not match its name")
            _read_member(zf, by_name[name], listed[name], keep=False)  # streamed: sha256 == the name
        decoded = _decode_tables(zf, by_name, manifest, file_names)
    return _Verified(archive_sha, manifest, decoded, file_names)


def _manifest(zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> dict:
    info = by_name.get(MANIFEST)
    if info is None:
        raise BackupError("not a workbench backup: the archive has no manifest.json")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BackupError("manifest.json is implausibly large")
    try:
        manifest = json.loads(zf.read(info).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise BackupError(f"manifest.json cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a workbench backup: manifest.json does not name the format mlps-backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format version {manifest.get('format_version')} is not supported (this workbench reads "
            f"version {FORMAT_VERSION})"
        )
    for key, kind in (("schema_version", str), ("tables", list), ("members", dict), ("created_at", str)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"manifest.json: '{key}' is missing or malformed")
    return manifest


def _decode_tables(zf, by_name, manifest: dict, file_names: set[str]) -> list[tuple[Table, list[dict]]]:
    known = {t.name: t for t in tables()}
    entries = {}
    for entry in manifest["tables"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise BackupError("manifest.json: a table entry is malformed")
        entries[entry["name"]] = entry
    if set(entries) != set(known):
        missing, extra = sorted(set(known) - set(entries)), sorted(set(entries) - set(known))
        raise BackupError(
            "the backup's tables do not match this workbench's"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(extra)}" if extra else "")
        )
    result = []
    for table in tables():
        entry = entries[table.name]
        member = f"tables/{table.name}.jsonl"
        if entry.get("member") != member or member not in manifest["members"]:
            raise BackupError(f"manifest.json: table {table.name} does not point at {member}")
        data = _read_member(zf, by_name[member], manifest["members"][member])
        columns = {c.name: c for c in table.columns}
        rows = []
        for n, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            where = f"table {table.name}, row {n}"
            try:
                record = json.loads(line)
            except ValueError:
                raise BackupError(f"{where}: not valid JSON") from None
            if not isinstance(record, dict) or set(record) != set(columns):
                raise BackupError(f"{where}: the columns do not match the table's")
            rows.append({k: _decode(table, columns[k], v, where, file_names) for k, v in record.items()})
        if len(rows) != entry.get("rows"):
            raise BackupError(f"table {table.name}: {len(rows)} rows, the manifest says {entry.get('rows')}")
        result.append((table, rows))
    return result


# ---------------------------------------------------------------- restore


def restore(
    sm: sessionmaker | Engine, path: str | Path, *, replace: bool = False, expect_sha256: str | None = None
) -> RestoreSummary:
    """Restore the archive at `path` into the database (already migrated to this workbench's schema).

    Everything is checked first (see `verify`). A database holding any row raises NotEmptyError unless
    `replace` is true; then all its rows are deleted and the archive's inserted in one transaction: on any
    error nothing changes.
    """
    checked = verify(path, expect_sha256=expect_sha256)
    engine = _engine(sm)
    head = head_revision()
    with engine.connect() as conn:
        revision = database_revision(conn)
        if revision != head:
            raise BackupError(f"the target database is at schema {revision or 'none'}, not {head}: migrate it first")
        _same_tables(conn, "target")
    path = Path(path)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                _foreign_keys_on(conn)
            with conn.begin():
                before = row_counts(conn)
                if any(before.values()) and not replace:
                    raise NotEmptyError(before)
                with zipfile.ZipFile(path) as zf:
                    files = _FileReader(zf, checked.manifest["members"])
                    for table in reversed(tables()):
                        conn.execute(table.delete())
                    for table, rows in checked.tables:
                        for batch in _batches(rows, files, table):
                            conn.execute(table.insert(), batch)
                if conn.dialect.name == "postgresql":
                    _reset_sequences(conn)
                after = row_counts(conn)
                expected = {t.name: len(rows) for t, rows in checked.tables}
                if after != expected:
                    raise BackupError(f"restored row counts {after} differ from the archive's {expected}")
    except IntegrityError as exc:
        raise BackupError(f"the archive's rows do not fit together: {exc.orig}") from None
    except DBAPIError as exc:
        raise BackupError(f"the database refused the archive's rows: {exc.orig}") from None
    return RestoreSummary(
        sha256=checked.sha256,
        schema_version=checked.manifest["schema_version"],
        created_at=checked.manifest["created_at"],
        tables={t.name: len(rows) for t, rows in checked.tables},
        files=len(checked.file_names),
        replaced={k: v for k, v in before.items() if v},
    )


def _foreign_keys_on(conn: Connection) -> None:
    """SQLite checks foreign keys only when asked, per connection and outside a transaction; a pooled connection
    may come back from a migration with them off. The restore relies on them: make sure."""
    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    on = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    conn.commit()
    if on != 1:
        raise BackupError("SQLite would not check foreign keys on this connection; nothing was restored")


class _FileReader:
    """Binary values for inserting, read again from the archive and checked again (the file may have changed
    since it was verified)."""

    def __init__(self, zf: zipfile.ZipFile, members: dict):
        self.zf, self.members = zf, members

    def get(self, name: str) -> bytes:
        return _read_member(self.zf, self.zf.getinfo(name), self.members[name])


def _batches(rows: list[dict], files: _FileReader, table: Table, size: int = 200) -> Iterator[list[dict]]:
    binary = [c.name for c in table.columns if isinstance(c.type, LargeBinary)]
    batch: list[dict] = []
    for row in rows:
        if binary:
            row = {**row, **{c: files.get(row[c]) for c in binary if row[c] is not None}}
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move each integer id's sequence past the highest restored id, so new rows get new ids."""
    for table in tables():
        pks = list(table.primary_key.columns)
        if len(pks) != 1 or not isinstance(pks[0].type, Integer):
            continue
        col = pks[0].name
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": col}).scalar()
        if seq is None:
            continue
        conn.execute(
            text(f'SELECT setval(:seq, COALESCE((SELECT MAX("{col}") FROM "{table.name}"), 0) + 1, false)'),
            {"seq": seq},
        )


def describe(path: str | Path) -> dict:
    """What an archive holds, after checking it (for `mlps restore --check`)."""
    checked = verify(path)
    return {
        "sha256": checked.sha256,
        "schema_version": checked.manifest["schema_version"],
        "created_at": checked.manifest["created_at"],
        "source_dialect": checked.manifest.get("source_dialect"),
        "tables": {t.name: len(rows) for t, rows in checked.tables},
        "files": len(checked.file_names),
    }


__all__ = [
    "BackupError",
    "BackupSummary",
    "NotEmptyError",
    "RestoreSummary",
    "backup",
    "database_revision",
    "describe",
    "head_revision",
    "restore",
    "row_counts",
    "tables",
    "verify",
]
