"""Workers that share a queue: one run at a time on SQLite, and on PostgreSQL a cap on concurrent calls to one
Odoo database shared by every process (advisory locks, one per slot)."""

from __future__ import annotations

import contextlib
import fcntl
import time
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from odoosync.domain.errors import QueueBusy, StoreUnavailable
from odoosync.store.failures import reported_as_unavailable

SLOT_WAIT_SECONDS = 0.02


@contextmanager
def one_run_at_a_time(engine: Engine, *, wait_seconds: float) -> Iterator[None]:
    """On SQLite, a run holds a lock file beside the database; a second run waits up to `wait_seconds`, then
    gives up with QueueBusy. PostgreSQL lets several runs share the queue (claims skip each other's jobs)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    # Beside the real file: two names of one database (a symlink, a relative path) share one lock.
    real = Path(database).expanduser().resolve()
    path = real.with_name(real.name + ".sync.lock")
    with path.open("a") as handle:
        _lock(handle, wait_seconds)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock(handle: IO[str], wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise QueueBusy(
                    "another odoosync sync holds the queue (on SQLite one run works at a time)",
                    "It finishes on its own; run again later. For several workers at once, use PostgreSQL "
                    "(database.url = postgresql://…).",
                ) from None
            time.sleep(0.2)


class CallSlots:
    """At most `limit` calls to one Odoo database at a time, across every process sharing the PostgreSQL database:
    a call holds one of `limit` advisory locks while it runs. On SQLite one run works at a time, so no gate."""

    def __init__(self, engine: Engine, odoo_database: str, limit: int) -> None:
        self._limit = limit
        self._key = zlib.crc32(odoo_database.encode()) & 0x7FFFFFFF
        self._engine = engine if engine.dialect.name == "postgresql" else None
        self._connection: Connection | None = None

    def __call__(self) -> AbstractContextManager[object]:
        if self._engine is None:
            return nullcontext()
        return self._slot()

    def _session(self) -> Connection:
        """The connection holding the locks: opened when first needed, and again after one was lost."""
        if self._connection is None:
            assert self._engine is not None
            with reported_as_unavailable():
                self._connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._connection

    @contextmanager
    def _slot(self) -> Iterator[object]:
        while True:
            connection = self._session()
            for slot in range(self._limit):
                try:
                    with reported_as_unavailable():
                        taken = connection.execute(
                            text("SELECT pg_try_advisory_lock(:key, :slot)"), {"key": self._key, "slot": slot}
                        ).scalar_one()
                except StoreUnavailable:
                    self._forget()  # the next call opens a new session; this one's locks died with it
                    raise
                if taken:
                    try:
                        yield slot
                    finally:
                        self._release(connection, slot)
                    return
            time.sleep(SLOT_WAIT_SECONDS)

    def _release(self, connection: Connection, slot: int) -> None:
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key, :slot)"), {"key": self._key, "slot": slot})
        except DBAPIError:
            # The session is gone, and PostgreSQL released its locks with it: nothing is held. A new session
            # is opened for the next call.
            self._forget()

    def _forget(self) -> None:
        """Drop a session that failed: its driver connection closed, not handed back to the pool."""
        if self._connection is not None:
            with contextlib.suppress(DBAPIError):
                self._connection.invalidate()
            with contextlib.suppress(DBAPIError):
                self._connection.close()
            self._connection = None

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except DBAPIError:
                with contextlib.suppress(DBAPIError):
                    self._connection.invalidate()  # closes the driver's connection, whatever state it is in
            self._connection = None
