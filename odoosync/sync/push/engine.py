"""The sync engine: claim a batch of jobs, build every record's Odoo values, push them in a few calls, link.

Per batch and per Odoo model and company: one `create` with the list of values, one read-back; updates are a
write per changed record. A call refused because of one record is split in halves until that record is alone:
it fails with Odoo's reason, the others sync. A create whose outcome is unknown (a timeout after sending, or a
worker killed: its lease expired) is followed by a search for the records' markers; what is found is linked,
never created twice (design.md, Idempotency).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from odoosync.config import Config
from odoosync.domain import money
from odoosync.domain.errors import OdoosyncError
from odoosync.domain.jobs import Job, JobResult, Outcome
from odoosync.domain.links import CREDIT_NOTE, REVERSED, Link
from odoosync.domain.links import PAYMENT as PAYMENT_ROLE
from odoosync.domain.records import (
    SYNC_ORDER,
    Contact,
    Deposit,
    Record,
    RecordType,
    RentPayment,
    is_eligible,
    parse_record,
)
from odoosync.domain.versions import UNREADABLE
from odoosync.domain.workers import worker_gone, worker_name
from odoosync.odoo import errors
from odoosync.odoo.client import OdooClient, RetryPolicy
from odoosync.store import Store
from odoosync.sync.build import builders
from odoosync.sync.build.builders import Document, MissingSetup, OdooFacts, WaitingFor
from odoosync.sync.build.documents import MODEL_OF, MOVE, MOVE_TYPE, PAID_STATES, PARTNER, PAYMENT, WHAT
from odoosync.sync.build.facts import load_facts, with_places
from odoosync.sync.build.markers import search_markers
from odoosync.sync.ingest.switch import SyncDisabled, sync_switch
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
        pusher = _Pusher(odoo, store, config, facts, odoo_database)
        try:
            _drain_batches(
                pusher,
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
        report.warnings.extend(pusher.warnings)
    finally:
        report.odoo_calls = odoo.calls - calls_before
        report.seconds = time.monotonic() - started
        _log_run(report)
    return report


def _drain_batches(
    pusher: _Pusher,
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
            results = pusher.push(jobs)
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


# --- one batch ---------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One job in a batch: its record, what it becomes in Odoo, and where it stands."""

    job: Job
    record: Record
    version: int
    link: Link | None
    document: Document | None = None
    expected_total: Decimal | None = None
    paid: bool = False  # its invoice is paid (or in payment) in Odoo
    # A posted credit note whose open amount pays the new invoice: the reversed one had been paid, and that
    # money was received once.
    settle_with: int | None = None
    extra_links: list[Link] = field(default_factory=list)  # the payment registered for it, a credit note…

    @property
    def currency(self) -> str:
        return str(getattr(self.record, "currency", "SAR"))  # a contact has none


class _Pusher:
    def __init__(self, client: OdooClient, store: Store, config: Config, facts: OdooFacts, odoo_database: str):
        self.client = client
        self.store = store
        self.config = config
        self.facts = facts
        self.odoo_database = odoo_database
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self._partners: dict[str, int] = {}  # contact id → partner id, learnt in this run
        self._results: dict[int, JobResult] = {}

    # -- outcomes --

    def _done(self, item: _Item, link: Link | None) -> None:
        if link is not None and isinstance(item.record, Contact):
            self._partners[item.record.id] = link.odoo_id  # the same batch's transactions use it
        self._results[item.job.pk] = JobResult(
            item.job, Outcome.DONE, links=((link,) if link else ()) + tuple(item.extra_links)
        )

    def _fail(self, item: _Item, message: str, kind: str, link: Link | None = None) -> None:
        self._results[item.job.pk] = JobResult(
            item.job, Outcome.FAILED, error=message, error_kind=kind, links=(link,) if link else ()
        )

    def _retry(self, item: _Item, error: OdoosyncError, kind: str, *, search_first: bool = False) -> None:
        worker = self.config.worker
        attempts = item.job.attempts
        if kind != "waiting" and attempts >= worker.max_attempts:
            # Attempts cut short by a dead worker are not Odoo's failures: they do not count towards the cap.
            attempts -= sum(1 for a in self.store.jobs.attempts(item.job.pk) if a.outcome == "interrupted")
        if kind != "waiting" and attempts >= worker.max_attempts:
            self._fail(
                item,
                f"gave up after {attempts} attempts: {error.reason}\n"
                "Check that Odoo is reachable and not overloaded, then run: odoosync queue retry --failed",
                "gave_up",
            )
            return
        delay = min(worker.backoff_base_seconds * 2 ** max(attempts - 1, 0), worker.backoff_max_seconds)
        self._results[item.job.pk] = JobResult(
            item.job,
            Outcome.RETRY,
            error=str(error),
            error_kind=kind,
            retry_at=datetime.now(UTC) + timedelta(seconds=delay),
            search_first=search_first or item.job.search_first,
        )

    def _error(self, item: _Item, error: OdoosyncError) -> None:
        """Sort an error into retry later, wait, or fail (with what to do)."""
        if isinstance(error, errors.AuthError):
            raise error  # the key, not the record: stop the run
        if isinstance(error, WaitingFor):
            self._retry(item, error, "waiting")
        elif isinstance(error, MissingSetup):
            self._fail(item, str(error), "setup")
        elif isinstance(error, errors.OutcomeUnknown):
            self._retry(item, error, "transient", search_first=True)
        elif isinstance(error, errors.TransientError):
            self._retry(item, error, "transient")
        elif isinstance(error, errors.OdooError):
            what = WHAT[item.job.record_type]
            self._fail(
                item,
                f"Odoo refused the {what} of {_label(item)}: {error.reason}\n"
                + (
                    error.instruction
                    or "Correct the record in the app (or the setting in Odoo it names), then "
                    "run: odoosync queue retry --failed"
                ),
                "odoo",
            )
        else:
            self._fail(item, str(error), "error")

    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(message)
            log.info(message)

    # -- the batch --

    def push(self, jobs: Sequence[Job]) -> list[JobResult]:
        self._results = {}
        records = self.store.records.get_many([job.record_pk for job in jobs])
        links = self.store.links.of_records(self.odoo_database, [job.record_pk for job in jobs])
        items: dict[RecordType, list[_Item]] = defaultdict(list)
        for job in jobs:
            stored = records[job.record_pk]
            try:
                if UNREADABLE in stored.document:
                    raise ValueError(f"it cannot be read ({stored.document[UNREADABLE]})")
                record = parse_record(stored.document)
            except ValueError as error:  # RecordInvalid too: stored before a rule odoosync keeps now
                self._results[job.pk] = JobResult(
                    job,
                    Outcome.FAILED,
                    error=f"the stored copy of {job.record_type.value} {job.record_id} is not a valid record: "
                    f"{error}\nIngest the record again from the app (a corrected version), then run: odoosync "
                    "queue retry --failed",
                    error_kind="input",
                )
                continue
            items[job.record_type].append(_Item(job, record, stored.version, links.get(job.record_pk)))
        for record_type in SYNC_ORDER:
            group = items.get(record_type, [])
            if group:
                try:
                    self._push_type(record_type, group)
                except errors.AuthError:
                    raise
                except errors.OdooError as error:
                    # A call that concerned the whole group (a read, a search) failed: each job hears why, and
                    # keeps what it already made in Odoo, so the next attempt does not make it again.
                    for item in group:
                        if item.job.pk not in self._results:
                            self._error(item, error)
                            self._keep_link(item)
        return [self._results[job.pk] for job in jobs]

    def _push_type(self, record_type: RecordType, group: list[_Item]) -> None:
        eligible = [i for i in group if is_eligible(record_type, {"status": getattr(i.record, "status", None)})]
        withdrawn = [i for i in group if i not in eligible]
        for item in withdrawn:
            if item.link is None:
                self._done(item, None)  # never synced, not to be synced now
        self._withdraw([i for i in withdrawn if i.link is not None])
        if record_type is RecordType.CONTACT:
            self._places([i.record for i in eligible])
        else:
            self._resolve_partners(eligible)
        ready: list[_Item] = []
        for item in eligible:
            if item.job.pk in self._results:
                continue
            try:
                item.document = self._build(item)
            except OdoosyncError as error:
                self._error(item, error)
                continue
            for warning in item.document.warnings:
                if warning == "arabic_inactive":
                    self._warn(
                        warning,
                        "Arabic is not active in Odoo: contacts with lang ar get Odoo's default language. "
                        "Run: odoosync setup language ar",
                    )
            ready.append(item)
        self._update([i for i in ready if i.link is not None])
        self._create([i for i in ready if i.link is None])

    # -- building --

    def _places(self, contacts: Sequence[Record]) -> None:
        pairs = [
            (c.address.country, c.address.state)
            for c in contacts
            if isinstance(c, Contact) and c.address and c.address.country
        ]
        if pairs:
            self.facts = with_places(self.client, self.facts, [(str(a), b) for a, b in pairs])

    def _resolve_partners(self, items: Sequence[_Item]) -> None:
        wanted = {builders.contact_id_of(item.record) for item in items} - set(self._partners)
        if wanted:
            found = self.store.links.of_app_ids(self.odoo_database, RecordType.CONTACT, sorted(wanted))
            self._partners.update({app_id: link.odoo_id for app_id, link in found.items()})

    def _build(self, item: _Item) -> Document:
        if isinstance(item.record, RentPayment):
            item.expected_total = item.record.amount_paid
        return builders.build_document(item.record, self._partners.get, self.facts)

    # -- creating --

    def _create(self, items: list[_Item]) -> None:
        if not items:
            return
        searching = [i for i in items if i.job.search_first]
        if searching:
            found = self._find(searching)
            for item in searching:
                if item.job.pk in found:
                    item.link = self._link(item, found[item.job.pk])
            self._update([i for i in searching if i.link is not None])
        groups: dict[tuple[str, int], list[_Item]] = defaultdict(list)
        for item in items:
            if item.link is None and item.job.pk not in self._results:
                assert item.document is not None
                groups[(item.document.model, item.document.company_id)].append(item)
        for (model, company), group in groups.items():
            created = self._create_group(model, company, group)
            if model == PAYMENT:
                created = self._post_payments(created)
            elif model == MOVE:
                created = self._post_and_pay(created)
            self._read_back(model, created)

    def _context(self, company: int) -> dict[str, Any]:
        return {"allowed_company_ids": [company]} if company else {}

    def _create_group(self, model: str, company: int, items: list[_Item], retried: bool = False) -> list[_Item]:
        """Create the group in one call; split it to isolate a record Odoo refuses. Returns the items created."""
        try:
            ids = self.client.create(
                model,
                [i.document.create_values() for i in items if i.document is not None],
                context=self._context(company),
            )
        except errors.AuthError:
            raise
        except errors.OutcomeUnknown as error:
            # Odoo may have created them: look before creating again.
            try:
                found = self._find(items)
            except errors.AuthError:
                raise
            except errors.OdooError as failure:
                for item in items:
                    self._retry(item, failure, "transient", search_first=True)
                return []
            done = []
            for item in items:
                if item.job.pk in found:
                    item.link = self._link(item, found[item.job.pk])
                    done.append(item)
            rest = [i for i in items if i.link is None]
            if rest and not retried:
                return done + self._create_group(model, company, rest, retried=True)
            for item in rest:
                self._error(item, error)
            return done
        except errors.TransientError as error:
            for item in items:
                self._error(item, error)
            return []
        except errors.OdooError as error:
            if len(items) == 1:
                self._error(items[0], error)
                return []
            middle = len(items) // 2
            return self._create_group(model, company, items[:middle]) + self._create_group(
                model, company, items[middle:]
            )
        for item, odoo_id in zip(items, ids, strict=True):
            item.link = self._link(item, odoo_id)
        return items

    def _in_parts(self, items: list[_Item], call: Callable[[list[_Item]], None], step: str) -> list[_Item]:
        """Do `call` for the items together; when Odoo refuses, split them until the one it refuses is alone: that
        one fails, keeping what it already made in Odoo, the others go on. Returns the items it worked for."""
        if not items:
            return []
        try:
            call(items)
        except errors.AuthError:
            raise
        except (errors.TransientError, errors.OutcomeUnknown) as error:
            for item in items:
                self._error(item, error)
                self._keep_link(item)
            return []
        except errors.OdooError as error:
            if len(items) == 1:
                self._step_failed(items[0], step, error)
                return []
            middle = len(items) // 2
            return self._in_parts(items[:middle], call, step) + self._in_parts(items[middle:], call, step)
        return items

    def _step_failed(self, item: _Item, step: str, error: OdoosyncError) -> None:
        """A step after the create failed: the reason, how far the document got, and what to do."""
        what = WHAT[item.job.record_type]
        link = item.link
        reached = "not in Odoo yet"
        if link is not None and not link.odoo_name:
            # A number is given when posting: say it, so the person finds the document (a read, rarely needed).
            with contextlib.suppress(errors.OdooError):
                [row] = self.client.read(link.odoo_model, [link.odoo_id], ["name"], context=self._context_all())
                if row.get("name") and row["name"] != "/":
                    link = item.link = replace(link, odoo_name=str(row["name"]))
        if link is not None:
            name = link.odoo_name or f"id {link.odoo_id}"
            reached = f"it is in Odoo as {name}, {'posted' if link.odoo_state == 'posted' else 'a draft'}"
        refused = f"cannot {step}" if isinstance(error, MissingSetup) else f"Odoo refused to {step}"
        self._fail(
            item,
            f"{refused} the {what} of {_label(item)} ({reached}): {error.reason}\n"
            + (
                error.instruction
                or "Fix what Odoo names, then run: odoosync queue retry --failed "
                "(the next attempt goes on from where this one stopped)"
            ),
            "odoo",
        )
        self._keep_link(item)

    def _post_payments(self, items: list[_Item]) -> list[_Item]:
        """Deposits become posted payments: one call for the group."""
        drafts = [i for i in items if i.link is not None and i.link.odoo_state in (None, "draft")]

        def post(part: list[_Item]) -> None:
            self.client.call(PAYMENT, "action_post", [i.link.odoo_id for i in part if i.link])

        posted = self._in_parts(drafts, post, "post")
        return [i for i in items if i not in drafts or i in posted]

    def _auto_posts(self, item: _Item) -> bool:
        defaults = self.config.defaults
        if item.job.record_type is RecordType.RENT_PAYMENT:
            return defaults.auto_post_invoices
        return item.job.record_type is RecordType.EXPENSE and defaults.auto_post_bills

    def _post_and_pay(self, items: list[_Item]) -> list[_Item]:
        """With auto-post: post the drafts in one call, then register each invoice's payment, grouped by company,
        journal and date. Each step goes on from the state the document is in, so a retry never posts or pays
        twice. Returns the items that went through."""
        auto = [i for i in items if self._auto_posts(i)]
        drafts = [i for i in auto if i.link is not None and i.link.odoo_state in (None, "draft")]

        def post(part: list[_Item]) -> None:
            self.client.call(MOVE, "action_post", [i.link.odoo_id for i in part if i.link], context=self._context_all())
            for i in part:
                assert i.link is not None
                i.link = replace(i.link, odoo_state="posted")

        self._in_parts(drafts, post, "post")
        for item in auto:
            if item.settle_with and item.job.pk not in self._results and item.link and item.link.odoo_state == "posted":
                self._settle(item)
        unpaid = [
            i
            for i in auto
            if i.job.record_type is RecordType.RENT_PAYMENT
            and i.job.pk not in self._results
            and i.link is not None
            and i.link.odoo_state == "posted"
            and not i.paid
        ]
        self._register_payments(unpaid)
        self._find_payments([i for i in auto if i.paid and i.settle_with is None and i.job.pk not in self._results])
        return [i for i in items if i.job.pk not in self._results]

    def _find_payments(self, items: list[_Item]) -> None:
        """Invoices found paid by a later attempt (a crash came after the payment was registered, before it was
        recorded): their payment is looked up, once per batch, so that its link is not lost."""
        candidates = [i for i in items if not i.extra_links and i.link]
        if not candidates:
            return
        pks = [i.job.record_pk for i in candidates]
        known = self.store.links.of_records(self.odoo_database, pks, role=PAYMENT_ROLE)
        missing = [i for i in candidates if i.job.record_pk not in known]
        if not missing:
            return
        partners = sorted({int(i.document.values["partner_id"]) for i in missing if i.document})
        days = sorted({i.record.paid_on.isoformat() for i in missing if isinstance(i.record, RentPayment)})
        rows = self.client.search_read(
            PAYMENT,
            [("partner_id", "in", partners), ("date", "in", days), ("payment_type", "=", "inbound")],
            ["name", "state", "reconciled_invoice_ids"],
            context=self._context_all(),
        )
        self._link_payments(missing, rows)

    def _settle(self, item: _Item) -> None:
        """Pay the new invoice with the open amount of the credit note that reversed a paid one (Odoo's "Add"
        on an outstanding credit); what is left, if the new total is higher, is registered as usual."""
        assert item.link is not None
        context = self._context_all()
        try:
            open_lines = self.client.search_read(
                "account.move.line",
                [
                    ("move_id", "=", item.settle_with),
                    ("account_id.account_type", "in", ["asset_receivable", "liability_payable"]),
                    ("amount_residual", "!=", 0),
                ],
                ["id"],
                context=context,
            )
            if open_lines:
                self.client.call(
                    MOVE,
                    "js_assign_outstanding_line",
                    [item.link.odoo_id],
                    line_id=int(open_lines[0]["id"]),
                    context=context,
                )
            [row] = self.client.read(MOVE, [item.link.odoo_id], ["amount_residual"], context=context)
        except errors.AuthError:
            raise
        except errors.OdooError as error:
            self._step_failed(item, "match the credit note with", error)
            return
        # Matched with a credit note only, Odoo calls the invoice "reversed", not "paid": the open amount says it.
        item.paid = Decimal(str(row.get("amount_residual") or 0)) == 0

    def _register_payments(self, items: list[_Item]) -> None:
        groups: dict[tuple[int, int, int | None, str], list[_Item]] = defaultdict(list)
        for item in items:
            assert isinstance(item.record, RentPayment)
            assert item.document is not None
            try:
                journal, method_line = builders.invoice_payment(item.record, item.document.company_id, self.facts)
            except MissingSetup as error:
                self._step_failed(item, "register the payment of", error)
                continue
            groups[(item.document.company_id, journal, method_line, item.record.paid_on.isoformat())].append(item)
        made: list[int] = []
        for (company, journal, method_line, day), group in groups.items():
            values: dict[str, Any] = {"journal_id": journal, "payment_date": day, "group_payment": False}
            if method_line:
                values["payment_method_line_id"] = method_line

            def pay(part: list[_Item], values: dict[str, Any] = values, company: int = company) -> None:
                context = {
                    "active_model": MOVE,
                    "active_ids": [i.link.odoo_id for i in part if i.link],
                    "allowed_company_ids": [company],
                }
                [wizard] = self.client.create("account.payment.register", [values], context=context)
                action = self.client.call(
                    "account.payment.register", "action_create_payments", [wizard], context=context
                )
                made.extend(_ids_of_action(action))

            for item in self._in_parts(group, pay, "register the payment of"):
                item.paid = True
        if not made:
            return
        payments = self.client.read(
            PAYMENT, made, ["name", "state", "reconciled_invoice_ids"], context=self._context_all()
        )
        self._link_payments(items, payments)

    def _link_payments(self, items: list[_Item], payments: list[dict[str, Any]]) -> None:
        by_invoice = {invoice: row for row in payments for invoice in row.get("reconciled_invoice_ids") or ()}
        for item in items:
            row = by_invoice.get(item.link.odoo_id) if item.link else None
            if row is not None:
                item.extra_links.append(
                    Link(
                        record_pk=item.job.record_pk,
                        odoo_model=PAYMENT,
                        odoo_id=int(row["id"]),
                        odoo_name=str(row["name"]) if row.get("name") else None,
                        company_id=item.link.company_id if item.link else None,
                        odoo_state=str(row["state"]),
                        synced_version=item.version,
                        role=PAYMENT_ROLE,
                    )
                )

    def _keep_link(self, item: _Item) -> None:
        """A failed job still remembers what it made in Odoo: the next attempt continues from there."""
        if item.link is not None:
            links = (item.link, *item.extra_links)
            self._results[item.job.pk] = replace(self._results[item.job.pk], links=links)

    def _find(self, items: Sequence[_Item]) -> dict[int, int]:
        """Search Odoo for the markers of these items: job pk → the Odoo id that carries its marker."""
        found: dict[int, int] = {}
        by_model: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            by_model[MODEL_OF[item.job.record_type]].append(item)
        for model, group in by_model.items():
            markers = {item.record.id: item for item in group}
            memos = {i.record.id: builders.payment_memo(i.record) for i in group if isinstance(i.record, Deposit)}
            rows = search_markers(self.client, model, sorted(markers), context=self._context_all(), memos=memos)
            hits = [(marker, int(row["id"])) for marker, row in rows]
            if model == MOVE:
                # A document a credit note reversed keeps its marker: it is not the record's document any more.
                reversed_ids = {link.odoo_id for i in group for link in i.extra_links if link.role == REVERSED} | {
                    link.odoo_id
                    for link in self.store.links.of_records(
                        self.odoo_database, [i.job.record_pk for i in group], role=REVERSED
                    ).values()
                }
                hits = [
                    (marker, int(row["id"]))
                    for marker, row in rows
                    if row["move_type"] == MOVE_TYPE[markers[marker].job.record_type]
                    and int(row["id"]) not in reversed_ids
                ]
            taken = set(found.values())
            for marker, odoo_id in hits:
                # The first one made, should there be two; and never one Odoo record for two records.
                if markers[marker].job.pk not in found and odoo_id not in taken:
                    found[markers[marker].job.pk] = odoo_id
                    taken.add(odoo_id)
        return found

    def _context_all(self) -> dict[str, Any]:
        return {"allowed_company_ids": sorted(self.facts.companies)}

    def _link(self, item: _Item, odoo_id: int, state: str | None = None, name: str | None = None) -> Link:
        return Link(
            record_pk=item.job.record_pk,
            odoo_model=MODEL_OF[item.job.record_type],
            odoo_id=odoo_id,
            odoo_name=name,
            company_id=item.document.company_id if item.document and item.document.company_id else None,
            odoo_state=state,
            synced_version=item.version,
        )

    def _read_back(self, model: str, items: list[_Item]) -> None:
        """One read for the group: names, states and totals into the links; totals checked against the app."""
        linked = [i for i in items if i.link is not None and i.job.pk not in self._results]
        if not linked:
            return
        fields = {PARTNER: ["name", "active"], MOVE: ["name", "state", "amount_total"], PAYMENT: ["name", "state"]}[
            model
        ]
        rows = {
            int(row["id"]): row
            for row in self.client.read(
                model, [i.link.odoo_id for i in linked if i.link], fields, context=self._context_all()
            )
        }
        for item in linked:
            assert item.link is not None
            row = rows.get(item.link.odoo_id, {})
            if model == PARTNER:
                state: str | None = "active" if row.get("active", True) else "archived"
            else:
                state = str(row["state"]) if row.get("state") else None
            name = str(row["name"]) if row.get("name") and row["name"] != "/" else None  # "/": a draft's no-number
            link = replace(item.link, odoo_name=name, odoo_state=state)
            total = row.get("amount_total")
            # Odoo answers a total as a JSON float (8049.5): read at the currency's precision, as it is shown.
            in_odoo = None if total is None else money.round_money(Decimal(str(total)), item.currency)
            if item.expected_total is not None and in_odoo is not None and in_odoo != item.expected_total:
                self._fail(
                    item,
                    f"invoice of {_label(item)} totals {in_odoo} in Odoo, not the {item.expected_total} paid\n"
                    "Check the VAT mappings' taxes (price included? amount?), then run: odoosync queue retry --failed",
                    "total",
                    link,
                )
                continue
            self._done(item, link)

    # -- updating --

    def _update(self, items: list[_Item]) -> None:
        if not items:
            return
        by_model: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            by_model[MODEL_OF[item.job.record_type]].append(item)
        for model, group in by_model.items():
            fields = {
                PARTNER: None,
                MOVE: ["state", "name", "payment_state", "journal_id"],
                PAYMENT: ["state", "name"],
            }[model]
            current = self._current(model, group, fields)
            changed: list[_Item] = []
            for item in group:
                assert item.link is not None
                assert item.document is not None
                row = current.get(item.link.odoo_id)
                if row is None:
                    # Deleted in Odoo: made again, and the attempt says so.
                    self._warn(
                        f"gone-{item.job.pk}",
                        f"the Odoo {WHAT[item.job.record_type]} of {_label(item)} was deleted in Odoo; "
                        "odoosync creates it again",
                    )
                    item.link = None
                    continue
                try:
                    if model == PARTNER:
                        values = builders.partner_changes(row, item.document.values)
                        if values:
                            self.client.write(PARTNER, [item.link.odoo_id], values)
                    elif model == MOVE:
                        item.paid = row.get("payment_state") in PAID_STATES
                        if row.get("state") == "posted" and item.link.synced_version == item.version:
                            # Unchanged since odoosync made it: a step of auto-post is left (pay it), or none.
                            item.link = replace(item.link, odoo_state="posted")
                        elif not self._writable(item, row):
                            continue
                        else:
                            self.client.write(
                                MOVE,
                                [item.link.odoo_id],
                                item.document.update_values(),
                                context=self._context(item.document.company_id),
                            )
                            item.link = replace(item.link, odoo_state="draft")
                    elif not self._payment_in_line(item, row):
                        continue
                except errors.AuthError:
                    raise
                except errors.OdooError as error:
                    self._error(item, error)
                    continue
                item.link = replace(item.link, synced_version=item.version)
                changed.append(item)
            if model == PAYMENT:
                changed = self._post_payments(changed)
            elif model == MOVE:
                changed = self._post_and_pay(changed)
            self._read_back(model, changed)
        # Those deleted in Odoo go back to being created.
        gone = [i for i in items if i.link is None and i.job.pk not in self._results]
        if gone:
            self._create(gone)

    def _current(self, model: str, items: list[_Item], fields: list[str] | None) -> dict[int, dict[str, Any]]:
        ids = [i.link.odoo_id for i in items if i.link]
        if fields is None:
            fields = sorted({key for i in items if i.document for key in i.document.values})
            fields = [f for f in fields if f not in ("customer_rank", "supplier_rank")] + [
                "customer_rank",
                "supplier_rank",
            ]
        rows = self.client.search_read(
            model, [("id", "in", ids)], fields, context={**self._context_all(), "active_test": False}
        )
        return {int(row["id"]): row for row in rows}

    def _writable(self, item: _Item, row: Mapping[str, Any]) -> bool:
        """A draft may be written; a posted document is handled by on_posted_change; a cancelled one fails."""
        state = row.get("state")
        if state == "draft":
            return True
        if state == "posted":
            self._posted_change(item, row, withdrawn=False)
            return False
        name = row.get("name") or f"#{row['id']}"
        self._fail(
            item,
            f"{item.record.id} changed, but its {WHAT[item.job.record_type]} {name} was cancelled in Odoo.\n"
            f"Reset {name} to draft in Odoo, then run: odoosync queue retry --failed",
            "cancelled",
        )
        return False

    def _posted_change(self, item: _Item, row: Mapping[str, Any], *, withdrawn: bool) -> None:
        """A record changed or withdrawn after its invoice or bill was posted. odoosync never modifies a posted
        document: the job fails (on_posted_change = fail), or a credit note reverses it and, for an edit, a new
        document is made from the new version (credit_note)."""
        assert item.link is not None
        # Drafts have no number: the one Odoo gave when the document was posted (maybe by a person) is kept.
        item.link = replace(item.link, odoo_name=row.get("name") or item.link.odoo_name, odoo_state="posted")
        name = row.get("name") or f"#{row['id']}"
        what = WHAT[item.job.record_type]
        if self.config.defaults.on_posted_change != "credit_note":
            change = f"was withdrawn in the app ({getattr(item.record, 'status', '')})" if withdrawn else "changed"
            self._fail(
                item,
                f"{item.record.id} {change} after {what} {name} was posted; odoosync does not modify posted "
                "documents.\nEither correct it in Odoo (then cancel the job: odoosync queue cancel JOB), or set "
                "on_posted_change = credit_note and retry: odoosync defaults set --on-posted-change credit_note, "
                "then odoosync queue retry --failed",
                "posted",
                item.link,
            )
            return
        try:
            if withdrawn and row.get("payment_state") in PAID_STATES:
                row = self._cancel_payment(item, row)
            credit_note = self._credit_note(item, row, withdrawn=withdrawn)
        except errors.AuthError:
            raise
        except errors.OdooError as error:
            self._step_failed(item, "reverse", error)
            return
        item.extra_links.append(credit_note)
        if withdrawn:
            if row.get("payment_state") in PAID_STATES:
                self._warn(
                    f"paid-by-others:{item.link.odoo_id}",
                    f"{item.record.id} was voided, but {what} {name} was paid by a payment odoosync did not make: "
                    f"its credit note {credit_note.odoo_name or credit_note.odoo_id} is left open. Refund the money "
                    "in Odoo, or reset that payment to draft and cancel it if it was never received.",
                )
            self._done(item, replace(item.link, odoo_state="reversed", synced_version=item.version))
            return
        item.extra_links.append(replace(item.link, role=REVERSED, odoo_state="reversed"))
        item.link = None  # a new document is made from the new version
        item.paid = False
        if row.get("payment_state") in PAID_STATES and credit_note.odoo_state == "posted":
            item.settle_with = credit_note.odoo_id

    def _cancel_payment(self, item: _Item, row: Mapping[str, Any]) -> Mapping[str, Any]:
        """A voided record's invoice was paid with the payment odoosync registered for it (auto-post): that money
        was never received, so the payment is reset to draft and cancelled, which unmatches the invoice; the credit
        note then settles the invoice and nothing of the record is left open. Returns the invoice as it is now."""
        assert item.link is not None
        known = self.store.links.of_records(self.odoo_database, [item.job.record_pk], role=PAYMENT_ROLE)
        payment = known.get(item.job.record_pk)
        if payment is None:
            return row  # paid by someone else's payment: that one is a person's to undo
        context = self._context_all()
        found = self.client.search_read(PAYMENT, [("id", "=", payment.odoo_id)], ["state"], context=context)
        state = found[0].get("state") if found else "deleted"
        if state not in ("cancel", "canceled", "deleted"):  # "canceled": payments from Odoo 18
            if state != "draft":
                self.client.call(PAYMENT, "action_draft", [payment.odoo_id], context=context)
            self.client.call(PAYMENT, "action_cancel", [payment.odoo_id], context=context)
        item.extra_links.append(replace(payment, odoo_state="cancel", synced_version=item.version))
        [invoice] = self.client.read(MOVE, [item.link.odoo_id], ["payment_state"], context=context)
        return {**row, "payment_state": invoice.get("payment_state")}

    def _credit_note(self, item: _Item, row: Mapping[str, Any], *, withdrawn: bool) -> Link:
        """The credit note reversing the item's posted document: the one made by an earlier attempt if there is
        one (Odoo's reversed_entry_id is its marker), else a new one; posted when the document was auto-posted."""
        assert item.link is not None
        original = item.link.odoo_id
        context = {**self._context_all(), "active_model": MOVE, "active_ids": [original]}
        find = [("reversed_entry_id", "=", original), ("move_type", "in", ["out_refund", "in_refund"])]
        found = self.client.search_read(MOVE, find, ["name", "state"], order="id", context=self._context_all())
        if not found:
            change = "withdrawn" if withdrawn else "changed"
            # The wizard computes its journal from the moves in Odoo's forms only: through the external API real 16
            # to 19 refuse it without one. The credit note goes in the document's own journal, as the form's does.
            journal = row["journal_id"]
            values: dict[str, Any] = {
                "reason": f"{item.record.id} {change} in the app after {row.get('name')} was posted "
                f"(version {item.version}); reversed by odoosync",
                "journal_id": journal[0] if isinstance(journal, list) else journal,
            }
            if self.facts.version.major <= 16:
                # 16 matches a credit note with its invoice only in a full refund ("cancel", which posts it); a
                # partial refund ("refund") stays a draft, and open once posted. Auto-post wants what 17+ give, but
                # a full refund also detaches the payments of a paid invoice (real 16), which then looked unpaid:
                # a paid invoice gets a partial refund, which the new document's payment is settled with below.
                paid = row.get("payment_state") in PAID_STATES
                values["refund_method"] = "cancel" if self._auto_posts(item) and not paid else "refund"
            [wizard] = self.client.create("account.move.reversal", [values], context=context)
            self.client.call("account.move.reversal", self.facts.version.credit_note_method, [wizard], context=context)
            found = self.client.search_read(MOVE, find, ["name", "state"], order="id", context=self._context_all())
        credit = found[0]
        if credit.get("state") == "draft" and self._auto_posts(item):
            self.client.call(MOVE, "action_post", [int(credit["id"])], context=self._context_all())
            [credit] = self.client.read(MOVE, [int(credit["id"])], ["name", "state"], context=self._context_all())
        return Link(
            record_pk=item.job.record_pk,
            odoo_model=MOVE,
            odoo_id=int(credit["id"]),
            odoo_name=str(credit["name"]) if credit.get("name") and credit["name"] != "/" else None,
            company_id=item.link.company_id,
            odoo_state=str(credit.get("state")),
            synced_version=item.version,
            role=CREDIT_NOTE,
        )

    def _payment_in_line(self, item: _Item, row: Mapping[str, Any]) -> bool:
        """A posted payment stays as it is: fine when the deposit still says the same, a failure otherwise."""
        state = row.get("state")
        if state == "draft":
            assert item.link is not None
            assert item.document is not None
            self.client.write(PAYMENT, [item.link.odoo_id], item.document.values, context=self._context_all())
            item.link = replace(item.link, odoo_state="draft")
            return True
        assert item.link is not None
        if item.link.synced_version == item.version:
            item.link = replace(item.link, odoo_state=str(state))
            return True
        self._fail(
            item,
            f"{item.record.id} changed after payment {row.get('name')} was posted; odoosync does not modify "
            "posted payments.\nCorrect the payment in Odoo, or record the change in the app as a new deposit",
            "posted",
        )
        return False

    # -- withdrawing (rejected, void) --

    def _withdraw(self, items: list[_Item]) -> None:
        """Records voided or rejected after they synced: a draft is cancelled; a posted invoice or bill follows
        on_posted_change; a posted payment is reset to draft and cancelled (which undoes its matches; from 18 Odoo
        deletes its draft entry)."""
        if not items:
            return
        model = MODEL_OF[items[0].job.record_type]
        fields = ["state", "name", "journal_id", *(["payment_state"] if model == MOVE else [])]
        current = self._current(model, items, fields)
        drafts: list[_Item] = []
        posted_payments: list[_Item] = []
        for item in items:
            assert item.link is not None
            row = current.get(item.link.odoo_id)
            if row is None or row.get("state") in ("cancel", "canceled"):  # "canceled": payments from Odoo 18
                self._done(item, replace(item.link, odoo_state="cancel" if row else "deleted"))
            elif row.get("state") == "draft":
                drafts.append(item)
            elif model == PAYMENT:
                item.link = replace(item.link, odoo_state=str(row.get("state")))
                posted_payments.append(item)
            else:
                self._posted_change(item, row, withdrawn=True)
        ids = self._ids

        def to_draft(part: list[_Item]) -> None:
            self.client.call(PAYMENT, "action_draft", ids(part), context=self._context_all())

        drafts += self._in_parts(posted_payments, to_draft, "reset to draft (to cancel it)")
        method = "button_cancel" if model == MOVE else "action_cancel"

        def cancel(part: list[_Item]) -> None:
            self.client.call(model, method, ids(part), context=self._context_all())

        for item in self._in_parts(drafts, cancel, "cancel"):
            assert item.link is not None
            self._done(item, replace(item.link, odoo_state="cancel", synced_version=item.version))

    @staticmethod
    def _ids(items: list[_Item]) -> list[int]:
        return [i.link.odoo_id for i in items if i.link]


def _ids_of_action(action: Any) -> list[int]:
    """The records an action returned by a button opens: its res_id, or the ids of its domain."""
    if not isinstance(action, dict):
        return []
    if action.get("res_id"):
        return [int(action["res_id"])]
    for leaf in action.get("domain") or ():
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and leaf[0] == "id" and leaf[1] == "in":
            return [int(i) for i in leaf[2]]
    return []


def _label(item: _Item) -> str:
    return builders.record_label(item.record)
