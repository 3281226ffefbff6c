"""A worker's heartbeat: while it pushes a batch, the leases of the batch's jobs are extended, so that a slow batch
(a slow Odoo, a large batch) is not taken for a dead worker's and pushed a second time by another."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from odoosync.domain.errors import OdoosyncError
from odoosync.store import Store

log = logging.getLogger("odoosync.sync")


@contextmanager
def kept_leased(store: Store, worker: str, pks: Sequence[int], *, lease_seconds: int) -> Iterator[None]:
    """Extend the jobs' leases every third of a lease until the block ends."""
    stop = threading.Event()
    interval = max(lease_seconds / 3, 0.05)

    def beat() -> None:
        while not stop.wait(interval):
            try:
                store.jobs.extend_leases(worker, pks, lease_seconds=lease_seconds)
            except OdoosyncError as error:  # the next beat may work; the batch goes on either way
                log.warning("could not extend the leases of %d job(s): %s", len(pks), error)

    thread = threading.Thread(target=beat, name="odoosync-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
