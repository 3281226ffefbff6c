"""Workers that share a queue: one run at a time on SQLite, and on PostgreSQL a cap on concurrent calls to one
Odoo database shared by every process (advisory locks, one per slot)."""

from __future__ import annotations

import fcntl
import time
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from odoosync.domain.errors import QueueBusy

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
        self._connection: Connection | None = None
        if engine.dialect.name == "postgresql":
            self._connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def __call__(self) -> AbstractContextManager[object]:
        if self._connection is None:
            return nullcontext()
        return self._slot(self._connection)

    @contextmanager
    def _slot(self, connection: Connection) -> Iterator[object]:
        while True:
            for slot in range(self._limit):
                taken = connection.execute(
                    text("SELECT pg_try_advisory_lock(:key, :slot)"), {"key": self._key, "slot": slot}
                ).scalar_one()
                if taken:
                    try:
                        yield slot
                    finally:
                        connection.execute(
                            text("SELECT pg_advisory_unlock(:key, :slot)"), {"key": self._key, "slot": slot}
                        )
                    return
            time.sleep(SLOT_WAIT_SECONDS)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
