"""One transaction around several repository calls.

Each repository function runs its own unit of work (`with sm.begin()`). A use case that must land several of
them together — an import's results and its objects' descriptions — runs them on one connection inside one
outer transaction: the sessionmaker this yields joins that transaction (SQLAlchemy's "conditional savepoint"
joining: a session's commit leaves the outer transaction open, a failure rolls all of it back), and the outer
transaction commits only when the whole block succeeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import sessionmaker


@contextmanager
def one_transaction(sm: sessionmaker) -> Iterator[sessionmaker]:
    engine = sm.kw["bind"]
    with engine.connect() as connection, connection.begin():
        yield sessionmaker(bind=connection, expire_on_commit=False, join_transaction_mode="conditional_savepoint")
