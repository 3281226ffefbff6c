"""The sync queue on SQLite and PostgreSQL: one open job per record, claims, transitions, leases, history."""

from __future__ import annotations

import threading
import uuid
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, event, text, update

from odoosync.domain.errors import IllegalTransition, SchemaError, StoreUnavailable
from odoosync.domain.jobs import JobState
from odoosync.domain.records import RecordType
from odoosync.store import Store
from odoosync.store.tables import JobRow
from odoosync.sync.ingest.records import ingest_files
from tests.conftest import SAMPLES


@pytest.fixture
def stocked(store: Store) -> Store:
    ingest_files(store, [SAMPLES / "portfolio.ndjson"])
    return store


def enqueue_all(store: Store) -> int:
    entries = []
    for record_type in RecordType:
        entries += [(r.pk, r.version) for r in store.records.of_type(record_type)]
    return store.jobs.enqueue(entries)


def test_one_open_job_per_record_and_newer_versions_update_it(stocked: Store) -> None:
    assert enqueue_all(stocked) == 102
    assert enqueue_all(stocked) == 0  # the same versions again: nothing new
    [first] = stocked.jobs.list(limit=1)
    assert stocked.jobs.enqueue([(first.record_pk, first.record_version + 1)]) == 1
    assert stocked.jobs.get(first.pk).record_version == first.record_version + 1  # type: ignore[union-attr]
    assert len(stocked.jobs.list()) == 102


def test_claims_come_in_dependency_order_with_a_lease_and_an_attempt(stocked: Store) -> None:
    enqueue_all(stocked)
    claimed = stocked.jobs.claim("worker-1", limit=30, lease_seconds=60)
    assert [job.record_type.value for job in claimed] == ["contact"] * 21 + ["expense"] * 9
    assert all(job.state is JobState.RUNNING and job.lease_owner == "worker-1" for job in claimed)
    assert [a.outcome for a in stocked.jobs.attempts(claimed[0].pk)] == [None]
    assert len(stocked.jobs.claim("worker-2", limit=500, lease_seconds=60)) == 72  # the rest, none twice


def test_outcomes_move_jobs_as_the_design_allows(stocked: Store) -> None:
    enqueue_all(stocked)
    done, retry, failed = stocked.jobs.claim("w", limit=3, lease_seconds=60)
    stocked.jobs.complete(done, odoo_ids=[7])
    later = datetime.now(UTC) + timedelta(minutes=5)
    stocked.jobs.retry_later(retry, error="503", kind="transient", at=later)
    stocked.jobs.fail(failed, error='Expense category "Plumbing" has no account mapping', kind="mapping")
    assert stocked.jobs.get(done.pk).state is JobState.DONE  # type: ignore[union-attr]
    assert stocked.jobs.attempts(done.pk)[0].odoo_ids == [7]
    waiting = stocked.jobs.get(retry.pk)
    assert waiting is not None
    assert (waiting.state, waiting.next_attempt_at > datetime.now(UTC)) == (JobState.PENDING, True)
    assert retry.pk not in [j.pk for j in stocked.jobs.claim("w", limit=500, lease_seconds=60)]  # not due yet
    with pytest.raises(IllegalTransition):
        stocked.jobs.complete(done)  # a done job is final
    assert stocked.jobs.retry_failed() == 1
    assert stocked.jobs.get(failed.pk).state is JobState.PENDING  # type: ignore[union-attr]
    assert stocked.jobs.cancel([failed.pk]) == 1
    assert [a.outcome for a in stocked.jobs.attempts(failed.pk)] == ["failed"]


def test_a_version_that_arrives_while_running_brings_the_job_back(stocked: Store) -> None:
    enqueue_all(stocked)
    [job] = stocked.jobs.claim("w", limit=1, lease_seconds=60)
    assert stocked.jobs.enqueue([(job.record_pk, job.record_version + 1)]) == 1
    stocked.jobs.complete(job)
    again = stocked.jobs.get(job.pk)
    assert again is not None
    assert (again.state, again.record_version) == (JobState.PENDING, job.record_version + 1)
    assert [a.outcome for a in stocked.jobs.attempts(job.pk)] == ["done"]


def test_an_expired_lease_is_recovered_to_search_odoo_first(stocked: Store) -> None:
    enqueue_all(stocked)
    [job] = stocked.jobs.claim("dead-worker", limit=1, lease_seconds=60)
    with stocked.engine.begin() as connection:
        connection.execute(
            update(JobRow).where(JobRow.pk == job.pk).values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert stocked.jobs.recover_expired() == 1
    recovered = stocked.jobs.get(job.pk)
    assert recovered is not None
    assert (recovered.state, recovered.search_first, recovered.error_kind) == (JobState.PENDING, True, "interrupted")
    assert [a.outcome for a in stocked.jobs.attempts(job.pk)] == ["interrupted"]  # the history keeps it
    [again] = [j for j in stocked.jobs.claim("w", limit=1, lease_seconds=60) if j.pk == job.pk]
    assert again.search_first is True
    assert again.attempts == 2


def test_a_stopping_worker_gives_back_only_its_own_jobs(stocked: Store) -> None:
    enqueue_all(stocked)
    mine = stocked.jobs.claim("host:1:mine", limit=3, lease_seconds=300)
    theirs = stocked.jobs.claim("host:2:theirs", limit=2, lease_seconds=300)
    leases = {lease.worker: lease for lease in stocked.jobs.leases()}
    assert {worker: lease.jobs for worker, lease in leases.items()} == {"host:1:mine": 3, "host:2:theirs": 2}
    assert not any(lease.abandoned for lease in leases.values())  # another host's, within the lease
    assert stocked.jobs.release("host:1:mine", "the run was stopped (SIGTERM) first") == 3
    for job in mine:
        given_back = stocked.jobs.get(job.pk)
        assert given_back is not None
        assert (given_back.state, given_back.search_first, given_back.lease_owner) == (JobState.PENDING, True, None)
        assert given_back.last_error == "interrupted: the run was stopped (SIGTERM) first"
        assert [a.outcome for a in stocked.jobs.attempts(job.pk)] == ["interrupted"]
    assert {job.pk for job in stocked.jobs.list(states=[JobState.RUNNING])} == {job.pk for job in theirs}
    assert stocked.jobs.release_workers(["host:2:theirs"], "the worker's process ended before it finished") == 2
    assert stocked.jobs.leases() == []


def test_two_workers_never_claim_the_same_job(stocked: Store) -> None:
    enqueue_all(stocked)
    taken: dict[str, list[int]] = {"a": [], "b": []}

    def work(name: str) -> None:
        while batch := stocked.jobs.claim(name, limit=5, lease_seconds=60):
            taken[name] += [job.pk for job in batch]

    threads = [threading.Thread(target=work, args=(name,)) for name in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    everything = taken["a"] + taken["b"]
    assert len(everything) == len(set(everything)) == 102


def test_a_claim_that_fails_half_way_leaves_nothing_behind(stocked: Store) -> None:
    """The claim (WITH … UPDATE) and its attempts are one transaction: on SQLite the driver would otherwise run
    a statement starting with WITH outside it, and a crash in between lost the attempt from the history."""
    enqueue_all(stocked)

    def refuse_attempts(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO JOB_ATTEMPTS"):
            raise RuntimeError("the worker died here")

    event.listen(stocked.engine, "before_cursor_execute", refuse_attempts)
    try:
        with pytest.raises(RuntimeError):
            stocked.jobs.claim("w", limit=5, lease_seconds=60)
    finally:
        event.remove(stocked.engine, "before_cursor_execute", refuse_attempts)
    jobs = stocked.jobs.list()
    assert {job.state for job in jobs} == {JobState.PENDING}
    assert {job.attempts for job in jobs} == {0}


@pytest.mark.postgres
def test_a_dropped_session_holding_call_slots_is_the_databases_failure_then_a_new_one_is_opened(
    pg_schema_url: str,
) -> None:
    """The connection that holds the advisory locks is cut mid-call: releasing is no crash (the locks died with
    the session), the next call gets a new session, and a database that refuses is `StoreUnavailable`."""
    with Store.open(pg_schema_url) as store:
        database = f"http://odoo.example#{uuid.uuid4().hex}"  # locks of this test alone
        slots = store.call_slots(database, 2)
        with slots(), store.engine.connect() as other:
            other.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = :key"),
                {"key": zlib.crc32(database.encode()) & 0x7FFFFFFF},
            )
            other.commit()
        with slots() as slot:
            assert slot == 0
        slots.close()
    broken = Store(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    with broken, pytest.raises(StoreUnavailable), broken.call_slots("x", 1)():
        pass


def test_a_job_state_odoosync_does_not_know_is_damage_said_plainly(stocked: Store) -> None:
    enqueue_all(stocked)
    [job] = stocked.jobs.claim("w", limit=1, lease_seconds=60)
    with stocked.engine.begin() as connection:
        connection.execute(text("UPDATE jobs SET state = 'garbage' WHERE pk = :pk"), {"pk": job.pk})
    with pytest.raises(SchemaError, match=f"job {job.pk} has the state 'garbage'"):
        stocked.jobs.list()
