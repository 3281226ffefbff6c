"""Database failures in the middle of work become one StoreUnavailable with what to do, not a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError, ProgrammingError

from odoosync.domain.errors import StoreUnavailable


@contextmanager
def reported_as_unavailable() -> Iterator[None]:
    try:
        yield
    except (IntegrityError, ProgrammingError):
        raise  # odoosync's own mistake, not the database's: a bug to report
    except DatabaseError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        instruction = instruction_for(reason)
        raise StoreUnavailable(f"the local database failed: {reason}", instruction) from error
    except UnicodeDecodeError as error:  # SQLite text from corrupt pages
        raise StoreUnavailable(
            f"the local database failed: unreadable text ({error.reason})", instruction_for("malformed")
        ) from error


def instruction_for(reason: str) -> str:
    """What to do about a failure of the local database, by what it says (SQLite's own words first)."""
    if "locked" in reason:
        return "Another odoosync process holds the local database; wait for it to finish and try again."
    if "disk is full" in reason or "No space left" in reason:
        return "Free some space on the disk that holds the local database (database.url), then run again."
    if "unable to open database file" in reason or "readonly database" in reason:
        return "Check that the local database's file and folder exist and are writable by this user (database.url)."
    if "file is not a database" in reason or "malformed" in reason:
        return "The local database file is damaged or not an SQLite database: restore it from a backup."
    return "Check that the database server is up and reachable, then run the command again."


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
