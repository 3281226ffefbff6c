"""The queue as syncing uses it, on SQLite and PostgreSQL: ingest queues while enabled, backfill, batch
outcomes with their links in one transaction, waiting jobs woken, a lost lease respected."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from odoosync.domain.jobs import JobResult, JobState, Outcome
from odoosync.domain.links import PAYMENT, Link
from odoosync.domain.records import RecordType
from odoosync.store import Store
from odoosync.sync.ingest.records import ingest_documents, ingest_files
from odoosync.sync.ingest.switch import SyncDisabled, backfill, disable, enable, sync_switch
from tests.conftest import SAMPLES

DB = "http://odoo.example#prod"


def states(store: Store) -> dict[str, JobState]:
    return {job.record_id: job.state for job in store.jobs.list()}


def test_ingest_queues_only_while_enabled_and_only_eligible_versions(store: Store) -> None:
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    assert store.jobs.list() == []  # off: stored, not queued
    assert not sync_switch(store).ever_enabled
    enable(store)
    assert sync_switch(store).enabled
    assert sync_switch(store).backfill_since is None
    ingest_files(store, [SAMPLES / "edits.ndjson"])
    # The four edits are eligible (a contact, an approved payment) or later versions of…
    # …records never queued: the voided expense is neither eligible nor queued before.
    assert set(states(store)) == {"C-1004", "C-1012", "RP-2026-0003"}
    disable(store)
    ingest_documents(store, ['{"type":"contact","id":"C-7","roles":["tenant"],"name":"Late"}'])
    assert "C-7" not in states(store)


def test_a_later_version_of_a_queued_record_is_queued_even_when_no_longer_eligible(store: Store) -> None:
    enable(store)
    payment = json.loads((SAMPLES / "portfolio.ndjson").read_text().splitlines()[30])
    assert payment["type"] == "rent_payment"
    ingest_documents(store, [json.dumps({**payment, "status": "approved"})])
    [job] = store.jobs.claim("w", limit=1, lease_seconds=60)
    store.jobs.finish(DB, [JobResult(job, Outcome.DONE)])
    ingest_documents(store, [json.dumps({**payment, "status": "void"})])
    [again] = store.jobs.list(states=[JobState.PENDING])
    assert (again.record_id, again.record_version) == (payment["id"], 2)


def test_the_backfill_window_keeps_older_records_out(store: Store) -> None:
    enable(store, backfill_since=date(2026, 3, 1))
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    queued = store.records.get_many([job.record_pk for job in store.jobs.list()])
    dated = [r.record_date for r in queued.values() if r.record_date is not None]
    assert dated
    assert min(dated) >= date(2026, 3, 1)
    assert sum(1 for r in queued.values() if r.type is RecordType.CONTACT) == 21


def test_backfill_counts_queues_in_order_and_adds_nothing_twice(store: Store) -> None:
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    with pytest.raises(SyncDisabled):
        backfill(store, since=date(2026, 1, 1))
    dry = backfill(store, since=date(2026, 1, 1), dry_run=True)
    assert store.jobs.list() == []
    report = enable(store, backfill_since=date(2026, 1, 1)).backfill
    assert report is not None
    assert report.by_type == dry.by_type
    assert list(report.by_type) == ["contact", "expense", "deposit", "rent_payment"]
    assert report.by_type["contact"] == (21, 21)
    assert report.added == len(store.jobs.list())
    assert backfill(store, since=date(2025, 1, 1)).by_type["contact"] == (21, 0)  # nothing twice
    only = backfill(store, since=date(2025, 1, 1), types=(RecordType.DEPOSIT,), dry_run=True)
    assert list(only.by_type) == ["deposit"]


def test_a_batch_is_recorded_with_its_links_in_one_go(store: Store) -> None:
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    enable(store, backfill_since=date(2025, 1, 1))
    done, retry, failed = store.jobs.claim("w", limit=3, lease_seconds=60)
    link = Link(done.record_pk, "res.partner", 41, "Al Noor", None, "active", done.record_version)
    later = datetime.now(UTC) + timedelta(minutes=1)
    closed = store.jobs.finish(
        DB,
        [
            JobResult(done, Outcome.DONE, links=(link,)),
            JobResult(retry, Outcome.RETRY, error="503", error_kind="transient", retry_at=later, search_first=True),
            JobResult(failed, Outcome.FAILED, error="no mapping\nRun: …", error_kind="setup"),
        ],
    )
    assert closed == 3
    assert store.links.of_records(DB, [done.record_pk])[done.record_pk].odoo_id == 41
    assert store.links.of_app_ids(DB, RecordType.CONTACT, [done.record_id])[done.record_id].odoo_name == "Al Noor"
    assert store.links.of_records("another#db", [done.record_pk]) == {}
    assert [a.odoo_ids for a in store.jobs.attempts(done.pk)] == [[41]]
    retried = store.jobs.get(retry.pk)
    assert retried is not None
    assert (retried.state, retried.search_first, retried.error_kind) == (JobState.PENDING, True, "transient")
    assert store.jobs.get(failed.pk).state is JobState.FAILED  # type: ignore[union-attr]
    # A newer link replaces the older one for the same record and role.
    [again] = store.jobs.claim("w", limit=1, lease_seconds=60)
    store.jobs.finish(
        DB, [JobResult(again, Outcome.DONE, links=(Link(done.record_pk, "res.partner", 42, None, None, None, 2),))]
    )
    assert store.links.of_records(DB, [done.record_pk])[done.record_pk].odoo_id == 42


def test_a_job_whose_lease_was_lost_is_left_to_the_worker_that_has_it(store: Store) -> None:
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    enable(store, backfill_since=date(2025, 1, 1))
    [job] = store.jobs.claim("dead", limit=1, lease_seconds=-1)  # expired at once
    assert store.jobs.recover_expired() == 1
    [taken] = store.jobs.claim("alive", limit=1, lease_seconds=60)
    assert taken.pk == job.pk
    assert taken.search_first
    assert store.jobs.finish(DB, [JobResult(job, Outcome.DONE)]) == 0  # the dead worker's late answer
    assert store.jobs.get(job.pk).state is JobState.RUNNING  # type: ignore[union-attr]
    assert store.jobs.finish(DB, [JobResult(taken, Outcome.DONE)]) == 1
    assert [a.outcome for a in store.jobs.attempts(job.pk)] == ["interrupted", "done"]


def test_a_late_finisher_keeps_what_it_made_in_odoo_but_not_the_job(store: Store) -> None:
    """The dead worker registered a payment before its lease was taken over: its links are kept where the worker
    that has the job linked nothing yet, never over what that worker linked."""
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    enable(store, backfill_since=date(2025, 1, 1))
    [job] = store.jobs.claim("slow", limit=1, lease_seconds=-1)
    assert store.jobs.recover_expired() == 1
    [taken] = store.jobs.claim("alive", limit=1, lease_seconds=60)
    made = (
        Link(job.record_pk, "account.move", 42, "INV/1", None, "posted", 1),
        Link(job.record_pk, "account.payment", 77, "P/1", None, "posted", 1, role=PAYMENT),
    )
    assert store.jobs.finish(DB, [JobResult(job, Outcome.DONE, links=made)]) == 0
    assert store.jobs.get(job.pk).state is JobState.RUNNING  # type: ignore[union-attr]
    kept = {link.role: link.odoo_id for link in store.links.of_record(DB, job.record_pk)}
    assert kept == {"document": 42, "payment": 77}
    # A second late answer changes nothing that is linked already.
    other = (Link(job.record_pk, "account.move", 43, "INV/2", None, "posted", 1),)
    store.jobs.finish(DB, [JobResult(job, Outcome.DONE, links=other)])
    assert {link.odoo_id for link in store.links.of_record(DB, job.record_pk)} == {42, 77}
    assert store.jobs.finish(DB, [JobResult(taken, Outcome.DONE)]) == 1


def test_a_worker_extends_the_leases_it_holds_only(store: Store) -> None:
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    enable(store, backfill_since=date(2025, 1, 1))
    mine = store.jobs.claim("busy", limit=2, lease_seconds=-1)
    theirs = store.jobs.claim("other", limit=1, lease_seconds=-1)
    assert store.jobs.extend_leases("busy", [j.pk for j in mine + theirs], lease_seconds=60) == 2
    assert store.jobs.recover_expired() == 1  # only the other worker's
    assert store.jobs.get(theirs[0].pk).state is JobState.PENDING  # type: ignore[union-attr]


def test_waiting_jobs_wake_when_their_time_has_not_come(store: Store) -> None:
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    enable(store, backfill_since=date(2025, 1, 1))
    [job] = store.jobs.claim("w", limit=1, lease_seconds=60)
    later = datetime.now(UTC) + timedelta(hours=1)
    store.jobs.finish(DB, [JobResult(job, Outcome.RETRY, error="waits", error_kind="waiting", retry_at=later)])
    assert store.jobs.wake_waiting(before=datetime.now(UTC) - timedelta(minutes=1)) == 0  # it waited after that
    assert store.jobs.wake_waiting(before=datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert store.jobs.get(job.pk).next_attempt_at <= datetime.now(UTC)  # type: ignore[union-attr]


def test_backfill_for_another_odoo_database_queues_what_is_not_there(store: Store) -> None:
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    enable(store, backfill_since=date(2026, 1, 1), odoo_database=DB)
    jobs = store.jobs.claim("w", limit=500, lease_seconds=60)
    store.jobs.finish(
        DB,
        [
            JobResult(
                job,
                Outcome.DONE,
                links=(Link(job.record_pk, "res.partner", 100 + i, None, None, None, job.record_version),),
            )
            for i, job in enumerate(jobs)
        ],
    )
    assert backfill(store, since=date(2026, 1, 1), odoo_database=DB).added == 0  # all in that database
    other = backfill(store, since=date(2026, 1, 1), odoo_database="https://new.example#books")
    assert other.added == len(jobs)  # none in the new one: all queued for it
    assert backfill(store, since=date(2026, 1, 1), odoo_database="https://new.example#books").added == 0
