"""Engine and sessions. SQLite (WAL, foreign keys on) by default; PostgreSQL through MLPS_DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _refuse_nul(_conn, _cursor, _statement, parameters, _context, _executemany) -> None:
    """No text with a NUL character reaches the database (PostgreSQL refuses it with a raw DataError; SQLite
    would keep it and cut it off elsewhere): a ValueError naming the field instead, and nothing is written."""
    batches = parameters if isinstance(parameters, list | tuple) and parameters and isinstance(
        parameters[0], dict | list | tuple) else [parameters]  # fmt: skip
    for params in batches:
        items = params.items() if isinstance(params, dict) else enumerate(params or ())
        for name, value in items:
            if isinstance(value, str) and "\x00" in value:
                raise ValueError(f"'{name}' contains a NUL character (\\0), which cannot be stored")


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created and the pragmas set on every connection."""
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            raise ValueError("an in-memory SQLite database gives every thread its own empty database; use a file")
        path = Path(url.split("sqlite:///", 1)[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", _refuse_nul)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    # The migration switched SQLite's foreign keys off on that connection (see env.py) and the pragma cannot be
    # switched back inside its transaction: drop the pooled connections so every later one starts with them on.
    engine.dispose()


def is_empty(engine: Engine) -> bool:
    return "organisation" not in inspect(engine).get_table_names()


def sessions(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def open_store(url: str) -> sessionmaker:
    """Engine + migrations + session factory for `url`: what the app and the CLI start from."""
    engine = make_engine(url)
    migrate(engine)
    return sessions(engine)
