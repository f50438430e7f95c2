"""Alembic environment: runs on the connection db.migrate() hands over (or the URL in the config)."""

from alembic import context
from sqlalchemy import create_engine, text

import mlps.adapters.store.change_models  # noqa: F401  (its table joins Base.metadata)
import mlps.adapters.store.collector_models  # noqa: F401  (its table joins Base.metadata)
import mlps.adapters.store.hazard_models  # noqa: F401  (its table joins Base.metadata)
import mlps.adapters.store.object_models  # noqa: F401  (its table joins Base.metadata)
import mlps.adapters.store.remediation_models  # noqa: F401  (its tables join Base.metadata)
from mlps.adapters.store.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch rebuild of a parent table would otherwise cascade and delete every child row.
        connection.execute(text("PRAGMA foreign_keys=OFF"))
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        connection.execute(text("PRAGMA foreign_keys=ON"))


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
        run(conn)
        conn.commit()
