"""Jobs: the sync queue. One open job per record; every change of state goes through domain.jobs.transition.

Claiming is one statement (UPDATE … WHERE pk IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING), so several workers
on PostgreSQL never take the same job, and on SQLite the write lock serialises them. Every claim opens an attempt
in the history; an attempt whose worker died stays, marked interrupted, when its lease is recovered.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from odoosync.domain.adoptions import AdoptionState
from odoosync.domain.errors import SchemaError
from odoosync.domain.jobs import OPEN_STATES, Attempt, Job, JobResult, JobState, Lease, Outcome, transition
from odoosync.domain.records import RecordType
from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.links import LinkRepository
from odoosync.store.tables import AdoptionRow, JobAttemptRow, JobRow, LinkRow, RecordRow

# Contacts first: every transaction needs its partner. Then expenses, deposits, rent payments (design.md).
DEPENDENCY_RANK = {RecordType.CONTACT: 0, RecordType.EXPENSE: 1, RecordType.DEPOSIT: 2, RecordType.RENT_PAYMENT: 3}


# The repository has a method named `list`: annotations inside the class use these names instead.
Jobs = list[Job]
Attempts = list[Attempt]
Pairs = list[tuple[int, int]]  # (record pk, version)
Leases = list[Lease]


def _state(value: str, pk: int | None = None) -> JobState:
    """A job's state as stored; one odoosync does not know means the database was changed by hand or damaged."""
    try:
        return JobState(value)
    except ValueError:
        which = f"job {pk}" if pk is not None else "a job"
        raise SchemaError(
            f"the local database is damaged: {which} has the state {str(value)[:40]!r}, which odoosync does not know",
            "Restore the database from a backup, or set the job's state back by hand to one of: "
            + ", ".join(state.value for state in JobState),
        ) from None


def _now() -> datetime:
    return datetime.now(UTC)


# What a person looks at first in a listing: the failed jobs, then what runs and what waits.
ATTENTION_ORDER = (JobState.FAILED.value, JobState.RUNNING.value, JobState.PENDING.value)


def _filtered(query: Any, states: Sequence[JobState], types: Sequence[RecordType]) -> Any:
    if states:
        query = query.where(JobRow.state.in_([s.value for s in states]))
    if types:
        query = query.where(RecordRow.type.in_([t.value for t in types]))
    return query


class JobRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- reading ---

    def _select(self) -> Any:
        return select(JobRow.__table__, RecordRow.type.label("record_type"), RecordRow.app_id).join(
            RecordRow, RecordRow.pk == JobRow.record_pk
        )

    @staticmethod
    def _job(row: Any) -> Job:
        return Job(
            pk=row.pk,
            record_pk=row.record_pk,
            record_type=RecordType(row.record_type),
            record_id=row.app_id,
            record_version=row.record_version,
            state=_state(row.state, row.pk),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            error_kind=row.error_kind,
            created_at=row.created_at,
            updated_at=row.updated_at,
            search_first=bool(row.search_first),
            lease_owner=row.lease_owner,
            lease_expires_at=row.lease_expires_at,
        )

    def list(
        self,
        *,
        states: Sequence[JobState] = (),
        types: Sequence[RecordType] = (),
        limit: int | None = None,
        failed_first: bool = False,
    ) -> list[Job]:
        """Jobs in number order; with `failed_first`, what needs a person first (failed, running, pending, then
        the rest), newest first within each state: the database sorts and bounds them, whatever the queue's size."""
        if failed_first:
            rank = case(*((JobRow.state == state, i) for i, state in enumerate(ATTENTION_ORDER)), else_=99)
            query = _filtered(self._select(), states, types).order_by(rank, JobRow.pk.desc())
        else:
            query = _filtered(self._select(), states, types).order_by(JobRow.pk)
        if limit is not None:
            query = query.limit(limit)
        with reported_as_unavailable(), self._engine.connect() as connection:
            return [self._job(row) for row in connection.execute(query)]

    def get(self, pk: int) -> Job | None:
        with reported_as_unavailable(), self._engine.connect() as connection:
            row = connection.execute(self._select().where(JobRow.pk == pk)).one_or_none()
        return None if row is None else self._job(row)

    def attempts(self, pk: int) -> Attempts:
        query = select(JobAttemptRow).where(JobAttemptRow.job_pk == pk).order_by(JobAttemptRow.pk)
        with reported_as_unavailable(), self._engine.connect() as connection:
            return [
                Attempt(
                    row.started_at,
                    row.finished_at,
                    row.outcome,
                    row.error,
                    row.error_kind,
                    json.loads(row.odoo_ids) if row.odoo_ids else [],
                )
                for row in connection.execute(query)
            ]

    # --- enqueueing ---

    def enqueue(self, entries: Sequence[tuple[int, int]]) -> int:
        """Ask for each (record pk, version) to be synced. A record keeps one open job: a pending one takes the
        newer version; a running one remembers it and goes back to pending when its attempt ends."""
        with reported_as_unavailable(), writing(self._engine) as connection:
            return self.enqueue_in(connection, entries)

    @staticmethod
    def enqueue_in(connection: Connection, entries: Sequence[tuple[int, int]]) -> int:
        """`enqueue` inside a transaction the caller holds (ingest stores a chunk and queues it together)."""
        now = _now()
        touched = 0
        for start in range(0, len(entries), 500):
            chunk = entries[start : start + 500]
            open_jobs = {
                row.record_pk: row
                for row in connection.execute(
                    select(JobRow.pk, JobRow.record_pk, JobRow.state, JobRow.record_version).where(
                        JobRow.record_pk.in_([pk for pk, _ in chunk]),
                        JobRow.state.in_([s.value for s in OPEN_STATES]),
                    )
                )
            }
            new: dict[int, int] = {}
            for record_pk, version in chunk:
                job = open_jobs.get(record_pk)
                if job is None:
                    if version > new.get(record_pk, 0):
                        touched += record_pk not in new
                        new[record_pk] = version
                elif job.state == JobState.PENDING.value and version > job.record_version:
                    connection.execute(
                        update(JobRow).where(JobRow.pk == job.pk).values(record_version=version, updated_at=now)
                    )
                    touched += 1
                elif job.state == JobState.RUNNING.value and version > job.record_version:
                    connection.execute(
                        update(JobRow).where(JobRow.pk == job.pk).values(wanted_version=version, updated_at=now)
                    )
                    touched += 1
            if new:
                types = dict(
                    connection.execute(select(RecordRow.pk, RecordRow.type).where(RecordRow.pk.in_(list(new)))).all()
                )
                connection.execute(
                    insert(JobRow),
                    [
                        {
                            "record_pk": record_pk,
                            "record_version": version,
                            "state": JobState.PENDING.value,
                            "attempts": 0,
                            "next_attempt_at": now,
                            "created_at": now,
                            "updated_at": now,
                            "search_first": False,
                            "rank": DEPENDENCY_RANK.get(RecordType(types[record_pk]), 9),
                        }
                        for record_pk, version in new.items()
                    ],
                )
        return touched

    def enqueue_new_versions(
        self, entries: Sequence[tuple[int, int]], *, odoo_database: str | None = None, dry_run: bool = False
    ) -> int:
        """Enqueue the (record pk, version) pairs not in Odoo yet: with no job for that version open and, when
        `odoo_database` is given, not synced to that database (a record synced to another database is queued for
        this one); without it, never queued before. So a backfill run twice adds nothing twice. With `dry_run`,
        only count them."""
        with reported_as_unavailable(), writing(self._engine) as connection:
            fresh = self._fresh(connection, entries, odoo_database)
            if dry_run or not fresh:
                return len(fresh)
            return self.enqueue_in(connection, fresh)

    def new_versions(self, entries: Sequence[tuple[int, int]], *, odoo_database: str) -> Pairs:
        """The pairs `enqueue_new_versions` would queue (what `plan --since` shows), reading only."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            return self._fresh(connection, entries, odoo_database)

    @staticmethod
    def _fresh(connection: Connection, entries: Sequence[tuple[int, int]], odoo_database: str | None) -> Pairs:
        pks = [pk for pk, _ in entries]
        jobs = select(JobRow.record_pk, func.max(JobRow.record_version)).where(JobRow.record_pk.in_(pks))
        if odoo_database is not None:
            jobs = jobs.where(JobRow.state.in_([s.value for s in OPEN_STATES]))
        seen = dict(connection.execute(jobs.group_by(JobRow.record_pk)).all())
        if odoo_database is not None:
            synced = connection.execute(
                select(LinkRow.record_pk, func.max(LinkRow.synced_version))
                .where(LinkRow.record_pk.in_(pks), LinkRow.odoo_database == odoo_database)
                .group_by(LinkRow.record_pk)
            )
            for pk, version in synced:
                seen[pk] = max(seen.get(pk, 0), version)
            # A record matched to several hand-made documents waits for a person (odoosync adopt list).
            waiting = connection.execute(
                select(AdoptionRow.record_pk).where(
                    AdoptionRow.record_pk.in_(pks),
                    AdoptionRow.odoo_database == odoo_database,
                    AdoptionRow.state == AdoptionState.PENDING.value,
                )
            )
            held = {pk for (pk,) in waiting}
            return [(pk, version) for pk, version in entries if seen.get(pk, 0) < version and pk not in held]
        return [(pk, version) for pk, version in entries if seen.get(pk, 0) < version]

    def count_due(self, types: Sequence[RecordType] = ()) -> int:
        query = (
            select(func.count())
            .select_from(JobRow)
            .join(RecordRow, RecordRow.pk == JobRow.record_pk)
            .where(JobRow.state == JobState.PENDING.value, JobRow.next_attempt_at <= _now())
        )
        if types:
            query = query.where(RecordRow.type.in_([t.value for t in types]))
        with reported_as_unavailable(), self._engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def oldest_due(self) -> datetime | None:
        """When the longest-waiting pending job became due (None when none is due)."""
        now = _now()
        query = select(func.min(JobRow.next_attempt_at)).where(
            JobRow.state == JobState.PENDING.value, JobRow.next_attempt_at <= now
        )
        with reported_as_unavailable(), self._engine.connect() as connection:
            found: datetime | None = connection.execute(query).scalar_one()
        return found

    def counts(
        self, *, states: Sequence[JobState] = (), types: Sequence[RecordType] = ()
    ) -> dict[tuple[RecordType, JobState], int]:
        """How many jobs there are per record type and state (of these states and types, when given)."""
        query = _filtered(
            select(RecordRow.type, JobRow.state, func.count()).join(RecordRow, RecordRow.pk == JobRow.record_pk),
            states,
            types,
        ).group_by(RecordRow.type, JobRow.state)
        with reported_as_unavailable(), self._engine.connect() as connection:
            return {(RecordType(t), _state(s)): n for t, s, n in connection.execute(query)}

    def latest_for_record(self, record_pk: int) -> Job | None:
        """The record's newest job (open or not)."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            row = connection.execute(
                self._select().where(JobRow.record_pk == record_pk).order_by(JobRow.pk.desc()).limit(1)
            ).one_or_none()
        return None if row is None else self._job(row)

    def wake_waiting(self, before: datetime) -> int:
        """Jobs that were waiting for another record (their contact) before `before` become due now: it may
        have just synced. Those that found it missing after `before` keep their time."""
        with reported_as_unavailable(), writing(self._engine) as connection:
            result = connection.execute(
                update(JobRow)
                .where(
                    JobRow.state == JobState.PENDING.value,
                    JobRow.error_kind == "waiting",
                    JobRow.updated_at < before,
                )
                .values(next_attempt_at=_now())
            )
            return int(result.rowcount or 0)

    @staticmethod
    def queued_before(connection: Connection, record_pks: Sequence[int]) -> set[int]:
        """Which of these records have had a job, in any state."""
        found: set[int] = set()
        for start in range(0, len(record_pks), 500):
            chunk = list(record_pks[start : start + 500])
            found.update(connection.execute(select(JobRow.record_pk).where(JobRow.record_pk.in_(chunk))).scalars())
        return found

    # --- claiming and finishing ---

    def claim(self, worker: str, *, limit: int, lease_seconds: int, types: Sequence[RecordType] = ()) -> Jobs:
        """Take up to `limit` due pending jobs, in dependency order, leased to `worker` for `lease_seconds`."""
        now = _now()
        due = (
            select(JobRow.pk)
            .join(RecordRow, RecordRow.pk == JobRow.record_pk)
            .where(JobRow.state == JobState.PENDING.value, JobRow.next_attempt_at <= now)
            .order_by(JobRow.rank, JobRow.pk)
            .limit(limit)
            .with_for_update(skip_locked=True, of=JobRow)
        )
        if types:
            due = due.where(RecordRow.type.in_([t.value for t in types]))
        transition(JobState.PENDING, JobState.RUNNING)
        with reported_as_unavailable(), writing(self._engine) as connection:
            # A CTE, not IN (subquery): PostgreSQL may run an IN subquery more than once, ignoring its LIMIT.
            chosen = due.cte("due")
            claimed = [
                row.pk
                for row in connection.execute(
                    update(JobRow)
                    .where(JobRow.pk == chosen.c.pk, JobRow.state == JobState.PENDING.value)
                    .values(
                        state=JobState.RUNNING.value,
                        lease_owner=worker,
                        lease_expires_at=now + timedelta(seconds=lease_seconds),
                        attempts=JobRow.attempts + 1,
                        updated_at=now,
                    )
                    .returning(JobRow.pk)
                )
            ]
            if claimed:
                connection.execute(insert(JobAttemptRow), [{"job_pk": pk, "started_at": now} for pk in claimed])
            rows = connection.execute(self._select().where(JobRow.pk.in_(claimed))).all() if claimed else []
        jobs = {row.pk: self._job(row) for row in rows}
        return sorted(jobs.values(), key=lambda job: (DEPENDENCY_RANK[job.record_type], job.pk))

    def extend_leases(self, worker: str, pks: Sequence[int], *, lease_seconds: int) -> int:
        """Keep the jobs a worker is still pushing leased to it (its heartbeat), so that no other worker takes them
        over while a slow batch runs. Jobs it lost meanwhile stay lost. Returns how many were extended."""
        if not pks:
            return 0
        until = _now() + timedelta(seconds=lease_seconds)
        with reported_as_unavailable(), writing(self._engine) as connection:
            result = connection.execute(
                update(JobRow)
                .where(
                    JobRow.pk.in_(list(pks)),
                    JobRow.lease_owner == worker,
                    JobRow.state == JobState.RUNNING.value,
                )
                .values(lease_expires_at=until)
            )
            return int(result.rowcount or 0)

    def _close(
        self,
        connection: Connection,
        job: Job,
        target: JobState,
        *,
        outcome: str,
        error: str | None = None,
        kind: str | None = None,
        odoo_ids: Sequence[int] = (),
        next_attempt_at: datetime | None = None,
        search_first: bool = False,
    ) -> None:
        current = _state(connection.execute(select(JobRow.state).where(JobRow.pk == job.pk)).scalar_one(), job.pk)
        transition(current, target)
        now = _now()
        values: dict[str, Any] = {
            "state": target.value,
            "lease_owner": None,
            "lease_expires_at": None,
            "last_error": error,
            "error_kind": kind,
            "updated_at": now,
            "search_first": search_first,
        }
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        connection.execute(update(JobRow).where(JobRow.pk == job.pk).values(values))
        attempt = connection.execute(
            select(JobAttemptRow.pk)
            .where(JobAttemptRow.job_pk == job.pk, JobAttemptRow.finished_at.is_(None))
            .order_by(JobAttemptRow.pk.desc())
            .limit(1)
        ).scalar_one_or_none()
        if attempt is not None:
            connection.execute(
                update(JobAttemptRow)
                .where(JobAttemptRow.pk == attempt)
                .values(
                    finished_at=now,
                    outcome=outcome,
                    error=error,
                    error_kind=kind,
                    odoo_ids=json.dumps(list(odoo_ids)) if odoo_ids else None,
                )
            )

    def _requeue_wanted(self, connection: Connection, job: Job) -> bool:
        """A newer version arrived while the job ran: back to pending for it, done or not."""
        wanted = connection.execute(select(JobRow.wanted_version).where(JobRow.pk == job.pk)).scalar_one()
        if wanted is None:
            return False
        transition(JobState.RUNNING, JobState.PENDING)
        connection.execute(
            update(JobRow)
            .where(JobRow.pk == job.pk)
            .values(state=JobState.PENDING.value, record_version=wanted, wanted_version=None, next_attempt_at=_now())
        )
        return True

    def complete(self, job: Job, *, odoo_ids: Sequence[int] = ()) -> None:
        with reported_as_unavailable(), writing(self._engine) as connection:
            if self._requeue_wanted(connection, job):
                self._close_attempt_only(connection, job=job, outcome="done", odoo_ids=odoo_ids)
                return
            self._close(connection, job, JobState.DONE, outcome="done", odoo_ids=odoo_ids)

    def _close_attempt_only(
        self,
        connection: Connection,
        *,
        job: Job,
        outcome: str,
        odoo_ids: Sequence[int],
        error: str | None = None,
        kind: str | None = None,
    ) -> None:
        connection.execute(
            update(JobAttemptRow)
            .where(JobAttemptRow.job_pk == job.pk, JobAttemptRow.finished_at.is_(None))
            .values(
                finished_at=_now(),
                outcome=outcome,
                error=error,
                error_kind=kind,
                odoo_ids=json.dumps(list(odoo_ids)) if odoo_ids else None,
            )
        )
        connection.execute(update(JobRow).where(JobRow.pk == job.pk).values(lease_owner=None, lease_expires_at=None))

    def finish(self, odoo_database: str, results: Sequence[JobResult]) -> int:
        """Record how a batch ended, with the links it made, in one transaction and a few statements. A job whose
        lease was lost meanwhile (recovered and taken by another worker) is left to that worker. A job that got a
        newer version while it ran goes back to pending for it, whatever this attempt's outcome. Returns how many
        jobs were closed."""
        now = _now()
        with reported_as_unavailable(), writing(self._engine) as connection:
            current: dict[int, Any] = {}
            pks = [r.job.pk for r in results]
            for start in range(0, len(pks), 500):
                query = select(
                    JobRow.pk,
                    JobRow.state,
                    JobRow.lease_owner,
                    JobRow.wanted_version,
                    JobRow.record_version,
                    JobRow.next_attempt_at,
                ).where(JobRow.pk.in_(pks[start : start + 500]))
                current.update((row.pk, row) for row in connection.execute(query))
            kept = [
                r
                for r in results
                if r.job.pk in current
                and (r.job.lease_owner is None or current[r.job.pk].lease_owner == r.job.lease_owner)
            ]
            LinkRepository.save(connection, odoo_database, [link for r in kept for link in r.links])
            # A late finisher's jobs belong to the worker that took them over, but what it made in Odoo is made:
            # its links are kept where that worker has not linked anything yet, so that nothing is made again.
            kept_results = {id(r) for r in kept}
            late = [link for r in results if id(r) not in kept_results and r.job.pk in current for link in r.links]
            LinkRepository.save_missing(connection, odoo_database, late)
            jobs: list[dict[str, Any]] = []
            attempts: list[dict[str, Any]] = []
            for result in kept:
                row = current[result.job.pk]
                wanted = row.wanted_version
                if result.outcome is Outcome.RETRY or wanted is not None:
                    target = JobState.PENDING
                elif result.outcome is Outcome.DONE:
                    target = JobState.DONE
                else:
                    target = JobState.FAILED
                transition(_state(row.state, row.pk), target)
                if result.outcome is Outcome.RETRY:
                    due = result.retry_at or now
                else:
                    due = now if target is JobState.PENDING else row.next_attempt_at
                jobs.append(
                    {
                        "b_pk": result.job.pk,
                        "state": target.value,
                        "lease_owner": None,
                        "lease_expires_at": None,
                        "last_error": result.error,
                        "error_kind": result.error_kind,
                        "updated_at": now,
                        "search_first": result.search_first if result.outcome is Outcome.RETRY else False,
                        "next_attempt_at": due,
                        "record_version": wanted if wanted is not None else row.record_version,
                        "wanted_version": None,
                    }
                )
                attempts.append(
                    {
                        "b_job": result.job.pk,
                        "finished_at": now,
                        "outcome": result.outcome.value,
                        "error": result.error,
                        "error_kind": result.error_kind,
                        "odoo_ids": json.dumps(result.odoo_ids) if result.odoo_ids else None,
                    }
                )
            if jobs:
                connection.execute(update(JobRow).where(JobRow.pk == bindparam("b_pk")), jobs)
                connection.execute(
                    update(JobAttemptRow).where(
                        JobAttemptRow.job_pk == bindparam("b_job"), JobAttemptRow.finished_at.is_(None)
                    ),
                    attempts,
                )
        return len(jobs)

    def retry_later(self, job: Job, *, error: str, kind: str, at: datetime, search_first: bool = False) -> None:
        with reported_as_unavailable(), writing(self._engine) as connection:
            self._close(
                connection,
                job,
                JobState.PENDING,
                outcome="retry",
                error=error,
                kind=kind,
                next_attempt_at=at,
                search_first=search_first,
            )

    def fail(self, job: Job, *, error: str, kind: str) -> None:
        with reported_as_unavailable(), writing(self._engine) as connection:
            self._close(connection, job, JobState.FAILED, outcome="failed", error=error, kind=kind)

    # --- people and recovery ---

    def retry_failed(self, pks: Sequence[int] | None = None) -> int:
        """Failed jobs (these, or all) back to pending, due now."""
        return self._move(JobState.FAILED, JobState.PENDING, pks, next_attempt_at=_now())

    def cancel(self, pks: Sequence[int]) -> int:
        with reported_as_unavailable(), writing(self._engine) as connection:
            rows = connection.execute(select(JobRow.pk, JobRow.state).where(JobRow.pk.in_(list(pks)))).all()
            for row in rows:
                transition(_state(row.state, row.pk), JobState.CANCELLED)  # refuses running and finished jobs
            connection.execute(
                update(JobRow)
                .where(JobRow.pk.in_([r.pk for r in rows]))
                .values(state=JobState.CANCELLED.value, updated_at=_now())
            )
            return len(rows)

    def _move(self, source: JobState, target: JobState, pks: Sequence[int] | None, **values: Any) -> int:
        transition(source, target)
        query = update(JobRow).where(JobRow.state == source.value)
        if pks is not None:
            query = query.where(JobRow.pk.in_(list(pks)))
        with reported_as_unavailable(), writing(self._engine) as connection:
            result = connection.execute(query.values(state=target.value, updated_at=_now(), **values))
            return int(result.rowcount or 0)

    def recover_expired(self) -> int:
        """Running jobs whose lease ran out (their worker died) go back to pending, to search Odoo first."""
        condition = (JobRow.state == JobState.RUNNING.value) & (JobRow.lease_expires_at < _now())
        return self._interrupt(condition, "the worker stopped before it finished")

    def release(self, worker: str, reason: str) -> int:
        """A worker that is stopping gives back the jobs it still holds: pending again, to search Odoo first, since
        what it sent for them may or may not have been done. Returns how many."""
        condition = (JobRow.state == JobState.RUNNING.value) & (JobRow.lease_owner == worker)
        return self._interrupt(condition, reason)

    def release_workers(self, workers: Sequence[str], reason: str) -> int:
        """The jobs of workers known to be gone (their process ended) go back to pending before their lease runs
        out, to search Odoo first."""
        if not workers:
            return 0
        condition = (JobRow.state == JobState.RUNNING.value) & JobRow.lease_owner.in_(list(workers))
        return self._interrupt(condition, reason)

    def leases(self) -> Leases:
        """Who holds running jobs: each worker with how many and until when."""
        query = (
            select(JobRow.lease_owner, func.count(), func.max(JobRow.lease_expires_at))
            .where(JobRow.state == JobState.RUNNING.value)
            .group_by(JobRow.lease_owner)
            .order_by(JobRow.lease_owner)
        )
        with reported_as_unavailable(), self._engine.connect() as connection:
            return [Lease(str(owner or ""), int(count), until) for owner, count, until in connection.execute(query)]

    def _interrupt(self, condition: Any, reason: str) -> int:
        now = _now()
        transition(JobState.RUNNING, JobState.PENDING)
        with reported_as_unavailable(), writing(self._engine) as connection:
            stopped = [
                row.pk
                for row in connection.execute(select(JobRow.pk).where(condition).with_for_update(skip_locked=True))
            ]
            if not stopped:
                return 0
            connection.execute(
                update(JobRow)
                .where(JobRow.pk.in_(stopped), JobRow.state == JobState.RUNNING.value)
                .values(
                    state=JobState.PENDING.value,
                    lease_owner=None,
                    lease_expires_at=None,
                    search_first=True,
                    next_attempt_at=now,
                    last_error=f"interrupted: {reason}",
                    error_kind="interrupted",
                    updated_at=now,
                )
            )
            connection.execute(
                update(JobAttemptRow)
                .where(JobAttemptRow.job_pk.in_(stopped), JobAttemptRow.finished_at.is_(None))
                .values(finished_at=now, outcome="interrupted", error=reason)
            )
            return len(stopped)
