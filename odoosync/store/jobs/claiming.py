"""Claiming and finishing: a batch of due jobs taken in one statement and leased to a worker, its leases kept,
its outcomes recorded, an attempt in the history for each claim."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from odoosync.domain.jobs import Job, JobResult, JobState, Outcome, transition
from odoosync.domain.records import RecordType
from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.jobs.rows import DEPENDENCY_RANK, JobRows, stored_state, utc_now
from odoosync.store.links import LinkRepository
from odoosync.store.tables import JobAttemptRow, JobRow, RecordRow


class JobClaiming(JobRows):
    def claim(self, worker: str, *, limit: int, lease_seconds: int, types: Sequence[RecordType] = ()) -> list[Job]:
        """Take up to `limit` due pending jobs, in dependency order, leased to `worker` for `lease_seconds`."""
        now = utc_now()
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
        until = utc_now() + timedelta(seconds=lease_seconds)
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
        current = stored_state(connection.execute(select(JobRow.state).where(JobRow.pk == job.pk)).scalar_one(), job.pk)
        transition(current, target)
        now = utc_now()
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
            .values(state=JobState.PENDING.value, record_version=wanted, wanted_version=None, next_attempt_at=utc_now())
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
                finished_at=utc_now(),
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
        now = utc_now()
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
                transition(stored_state(row.state, row.pk), target)
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
