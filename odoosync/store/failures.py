"""Database failures in the middle of work become one StoreUnavailable with what to do, not a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
