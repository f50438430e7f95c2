"""Stores on real databases: SQLite files always, and a throwaway PostgreSQL server when one can be started.

PostgreSQL: `MLPS_TEST_PG_URL` points at a server to use; otherwise the fixture starts one from Debian's
binaries (installed by `make test`) in a temporary folder, as the `postgres` user, on a free port. In CI a
missing PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from mlps.adapters.store.db import open_store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unavailable(message: str):
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    url = os.environ.get("MLPS_TEST_PG_URL")
    if url:
        yield url
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        _unavailable("PostgreSQL is not installed: run `make test`, which installs Debian's postgresql")
    bin_dir = bins[-1]
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = tempfile.mkdtemp(prefix="mlps-pg-")
    data, sock = os.path.join(base, "data"), os.path.join(base, "sock")
    os.makedirs(sock)
    if run_as:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    subprocess.run(
        [*run_as, f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"], check=True, capture_output=True
    )
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*run_as, f"{bin_dir}/pg_ctl", "-D", data, "-o", opts, "-w", "-l", os.path.join(base, "log"), "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    for _ in range(20):
        try:
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{name}"'))
            break
        except Exception:  # the server may still be starting
            time.sleep(0.3)
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mlps.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url):
    sm = open_store(db_url)
    yield sm
    sm.kw["bind"].dispose()


def insert_old_school(engine, results=None) -> int:
    """An organisation, a system and a level-2 assessment with `results` ({item_id: (result, risk)}) written
    with plain SQL in the columns of the first schema, so that migration tests can start at any old revision
    whatever columns later models add. Returns the assessment id."""
    with engine.begin() as c:
        c.execute(text("INSERT INTO organisation (name, credit_code, address, region_code, head_name, head_title, "
                       "head_phone, security_department, security_contact, security_phone, security_email, "
                       "data_department, data_contact, data_phone, affiliation, unit_type, industry, version) "
                       "VALUES ('实验中学', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 1)"))
        org = c.execute(text("SELECT max(id) FROM organisation")).scalar()
        c.execute(text("INSERT INTO system (organisation_id, name, code, object_type, description, owner, "
                       "business_type, business_description, data_description, service_scope, service_users, "
                       "deployment, internet_facing, internet_details, parent_system, extensions, profile, version) "
                       "VALUES (:org, '学生信息管理系统', '', 'information_system', '', '', '', '', '', '', '', '', "
                       "false, '', '', '[]', '{}', 1)"), {"org": org})  # fmt: skip
        sid = c.execute(text("SELECT max(id) FROM system")).scalar()
        c.execute(text("INSERT INTO assessment (system_id, title, level, extensions, catalogue_version, kind, status, "
                       "created_by, created_at) VALUES (:sid, '', 2, '[]', 'v', 'self', 'in_progress', 'setup', "
                       "'2026-01-05 10:00:00')"), {"sid": sid})  # fmt: skip
        aid = c.execute(text("SELECT max(id) FROM assessment")).scalar()
        for item_id, (result, risk) in (results or {}).items():
            c.execute(text("INSERT INTO item_result (assessment_id, item_id, assessed_object, result, record, methods, "
                           "risk, risk_reason, needs_review, updated_by, version) VALUES (:a, :i, '', :r, '', '[]', "
                           ":k, '', false, 'setup', 1)"),
                      {"a": aid, "i": item_id, "r": str(getattr(result, "value", result)),
                       "k": None if risk is None else str(getattr(risk, "value", risk))})  # fmt: skip
    return aid
