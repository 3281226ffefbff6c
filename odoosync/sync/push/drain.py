"""The drain loop of `odoosync sync`: claim a batch of due jobs, push it, record its outcomes, until the queue has
nothing due or a limit is reached; and what a run reports.

Each batch is pushed by the steps of this package (batch.py: withdraw, build, update, create; then post and pay,
reverse where a posted document changed), per Odoo model and company, in a few calls. While a batch is pushed its
jobs' leases are kept (leases.py); a run stopped by a signal gives its jobs back to the queue, to be searched for
by marker before anything is created again (design.md, Idempotency).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from odoosync.config import Config
from odoosync.domain.jobs import JobResult, Outcome
from odoosync.domain.records import SYNC_ORDER, RecordType
from odoosync.domain.workers import worker_gone, worker_name
from odoosync.odoo.client import OdooClient, RetryPolicy
from odoosync.store import Store
from odoosync.sync.build.facts import load_facts
from odoosync.sync.ingest.switch import SyncDisabled, sync_switch
from odoosync.sync.push.batch import push_batch
from odoosync.sync.push.context import PushContext
from odoosync.sync.push.leases import kept_leased
from odoosync.sync.setup.connection import database_key, endpoint_of, open_client
from odoosync.sync.stopping import StopRequested, signals_held, stop_reason

log = logging.getLogger("odoosync.sync")

# A batch run: a few quick retries of one call, then the queue's own backoff takes over.
BATCH_POLICY = RetryPolicy(attempts=4, max_seconds=30, initial_wait=0.5, max_wait=5)


# --- what a run reports ------------------------------------------------------------------------------------


@dataclass
class TypeTally:
    synced: int = 0
    unchanged: int = 0  # nothing to do in Odoo (not eligible and never synced, or already in line)
    failed: int = 0
    retrying: int = 0
    waiting: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class SyncReport:
    by_type: dict[str, TypeTally] = field(default_factory=lambda: {t.value: TypeTally() for t in SYNC_ORDER})
    jobs: int = 0
    batches: int = 0
    odoo_calls: int = 0
    seconds: float = 0.0
    # max_jobs, max_seconds, odoo_unavailable (a batch failed whole, transiently), or SIGINT / SIGTERM
    stopped_by: str | None = None
    recovered: int = 0  # running jobs of a dead worker given back to the queue
    released: int = 0  # jobs this run held when a signal stopped it, given back to the queue

    @property
    def interrupted(self) -> bool:
        return self.stopped_by in ("SIGINT", "SIGTERM")

    warnings: list[str] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(t.failed for t in self.by_type.values())

    def outcomes(self) -> dict[str, int]:
        """What became of the run's jobs, over every type: synced, unchanged, failed, retrying, waiting."""
        totals = TypeTally()
        for tally in self.by_type.values():
            for outcome, count in tally.as_dict().items():
                setattr(totals, outcome, getattr(totals, outcome) + count)
        return totals.as_dict()

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.failed == 0,
            "jobs": self.jobs,
            "outcomes": self.outcomes(),
            "batches": self.batches,
            "odoo_calls": self.odoo_calls,
            "seconds": round(self.seconds, 3),
            "stopped_by": self.stopped_by,
            "recovered": self.recovered,
            "released": self.released,
            "by_type": {name: tally.as_dict() for name, tally in self.by_type.items()},
            "failures": self.failures,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class SyncLimits:
    batch_size: int | None = None  # None: the config's worker.batch_size
    max_jobs: int | None = None
    max_seconds: float | None = None
    types: tuple[RecordType, ...] = ()


Progress = Callable[[int, int], None]


def run_sync(
    config: Config,
    store: Store,
    limits: SyncLimits | None = None,
    *,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    client: OdooClient | None = None,
) -> SyncReport:
    """Drain due jobs in batches until the queue is empty or a limit is reached. On SQLite one run works at a
    time (a second waits briefly, then gives up with QueueBusy); on PostgreSQL several share the queue, within
    `worker.max_concurrent_odoo_calls` calls at a time to the Odoo database across all of them."""
    limits = limits or SyncLimits()
    if not sync_switch(store).enabled:
        raise SyncDisabled(
            "syncing is off: nothing is sent to Odoo", "Run: odoosync enable (see odoosync enable --help)."
        )
    endpoint = endpoint_of(config)
    odoo_database = database_key(endpoint.url, endpoint.database)
    with store.one_run_at_a_time(wait_seconds=config.worker.queue_wait_seconds):
        slots = store.call_slots(odoo_database, config.worker.max_concurrent_odoo_calls)
        odoo = client
        try:
            if odoo is None:
                with slots():  # connecting asks Odoo its version and checks the key: calls too
                    odoo = open_client(config, env, policy=BATCH_POLICY)
            odoo.gate = slots
            return _drain(odoo, store, config, limits, odoo_database, progress=progress)
        finally:
            slots.close()
            if odoo is not None:
                odoo.gate = contextlib.nullcontext
                if client is None:
                    odoo.close()


def _drain(
    odoo: OdooClient,
    store: Store,
    config: Config,
    limits: SyncLimits,
    odoo_database: str,
    *,
    progress: Progress | None,
) -> SyncReport:
    report = SyncReport()
    started = time.monotonic()
    calls_before = odoo.calls
    worker = worker_name()
    try:
        report.recovered = store.jobs.recover_expired() + store.jobs.release_workers(
            [lease.worker for lease in store.jobs.leases() if worker_gone(lease.worker)],
            "the worker's process ended before it finished",
        )
        facts = load_facts(odoo, config, store, odoo_database)
        push = PushContext(odoo, store, config, facts, odoo_database)
        try:
            _drain_batches(
                push,
                report,
                store=store,
                config=config,
                limits=limits,
                odoo_database=odoo_database,
                worker=worker,
                started=started,
                progress=progress,
            )
        except (KeyboardInterrupt, StopRequested) as stop:
            # What was sent for the batch in flight may or may not have been done in Odoo: its jobs go back to the
            # queue to be searched for by marker, rather than stay leased to a run that is gone.
            with signals_held():
                report.released = store.jobs.release(worker, f"the run was stopped ({stop_reason(stop)}) first")
            report.stopped_by = stop_reason(stop)
        report.warnings.extend(push.warnings)
    finally:
        report.odoo_calls = odoo.calls - calls_before
        report.seconds = time.monotonic() - started
        _log_run(report)
    return report


def _drain_batches(
    push: PushContext,
    report: SyncReport,
    *,
    store: Store,
    config: Config,
    limits: SyncLimits,
    odoo_database: str,
    worker: str,
    started: float,
    progress: Progress | None,
) -> None:
    total = store.jobs.count_due(limits.types)
    while True:
        if limits.max_jobs is not None and report.jobs >= limits.max_jobs:
            report.stopped_by = "max_jobs"
            return
        if limits.max_seconds is not None and time.monotonic() - started >= limits.max_seconds:
            report.stopped_by = "max_seconds"
            return
        size = limits.batch_size or config.worker.batch_size
        if limits.max_jobs is not None:
            size = min(size, limits.max_jobs - report.jobs)
        claimed_at = datetime.now(UTC)
        jobs = store.jobs.claim(worker, limit=size, lease_seconds=config.worker.lease_seconds, types=limits.types)
        if not jobs:
            return
        with kept_leased(store, worker, [job.pk for job in jobs], lease_seconds=config.worker.lease_seconds):
            results = push_batch(push, jobs)
        store.jobs.finish(odoo_database, results)
        _count_batch(report, results)
        if any(r.job.record_type is RecordType.CONTACT and r.outcome is Outcome.DONE for r in results):
            store.jobs.wake_waiting(claimed_at)  # their partner may be in Odoo now
        if progress:
            progress(report.jobs, max(total, report.jobs))
        if all(r.outcome is Outcome.RETRY and r.error_kind == "transient" for r in results):
            # Nothing went through: Odoo is down or overloaded. The jobs wait for their backoff; the next
            # batches would only fail the same way, each after its retries.
            report.stopped_by = "odoo_unavailable"
            return


def _count_batch(report: SyncReport, results: Sequence[JobResult]) -> None:
    report.batches += 1
    report.jobs += len(results)
    for result in results:
        _tally(report, result)
    outcomes = {o.value: sum(1 for r in results if r.outcome is o) for o in Outcome}
    log.info(
        "batch %d: %d job(s), %s",
        report.batches,
        len(results),
        ", ".join(f"{n} {o}" for o, n in outcomes.items() if n),
        extra={"event": "batch", "batch": report.batches, "jobs": len(results), **outcomes},
    )


def _log_run(report: SyncReport) -> None:
    log.info(
        "run: %d job(s) in %d batch(es), %d failed, %d Odoo call(s), %.1f s",
        report.jobs,
        report.batches,
        report.failed,
        report.odoo_calls,
        report.seconds,
        extra={
            "event": "run",
            "jobs": report.jobs,
            "batches": report.batches,
            "failed": report.failed,
            "odoo_calls": report.odoo_calls,
            "seconds": round(report.seconds, 3),
            "stopped_by": report.stopped_by,
        },
    )


def _tally(report: SyncReport, result: JobResult) -> None:
    tally = report.by_type[result.job.record_type.value]
    if result.outcome is Outcome.DONE:
        if result.links:
            tally.synced += 1
        else:
            tally.unchanged += 1
    elif result.outcome is Outcome.RETRY:
        if result.error_kind == "waiting":
            tally.waiting += 1
        else:
            tally.retrying += 1
    else:
        tally.failed += 1
        report.failures.append(
            {
                "job": str(result.job.pk),
                "type": result.job.record_type.value,
                "id": result.job.record_id,
                "error": result.error or "",
            }
        )
