"""Database failures in the middle of work become one StoreUnavailable with what to do, not a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from odoosync.domain.errors import StoreUnavailable


@contextmanager
def reported_as_unavailable() -> Iterator[None]:
    try:
        yield
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        if "locked" in reason:
            instruction = "Another odoosync process holds the local database; wait for it to finish and try again."
        else:
            instruction = "Check that the database server is up and reachable, then run the command again."
        raise StoreUnavailable(f"the local database failed: {reason}", instruction) from error


# Read by the SQLite "begin" listener (database.py): a write transaction takes the write lock when it begins.
WRITE_OPTION = "odoosync_write"


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write. On SQLite it begins IMMEDIATE, so that its reads and its writes see one
    state and it never has to upgrade to a write lock half-way (where a busy wait cannot help)."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            yield connection
