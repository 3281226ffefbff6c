"""Recovery, and what a person does: failed jobs retried, jobs cancelled, the jobs of a stopped or dead worker
given back to search Odoo first; who holds running jobs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update

from odoosync.domain.jobs import JobState, Lease, transition
from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.jobs.rows import JobRows, stored_state, utc_now
from odoosync.store.tables import JobAttemptRow, JobRow


class JobRecovery(JobRows):
    def retry_failed(self, pks: Sequence[int] | None = None) -> int:
        """Failed jobs (these, or all) back to pending, due now."""
        return self._move(JobState.FAILED, JobState.PENDING, pks, next_attempt_at=utc_now())

    def cancel(self, pks: Sequence[int]) -> int:
        with reported_as_unavailable(), writing(self._engine) as connection:
            rows = connection.execute(select(JobRow.pk, JobRow.state).where(JobRow.pk.in_(list(pks)))).all()
            for row in rows:
                transition(stored_state(row.state, row.pk), JobState.CANCELLED)  # refuses running and finished jobs
            connection.execute(
                update(JobRow)
                .where(JobRow.pk.in_([r.pk for r in rows]))
                .values(state=JobState.CANCELLED.value, updated_at=utc_now())
            )
            return len(rows)

    def _move(self, source: JobState, target: JobState, pks: Sequence[int] | None, **values: Any) -> int:
        transition(source, target)
        query = update(JobRow).where(JobRow.state == source.value)
        if pks is not None:
            query = query.where(JobRow.pk.in_(list(pks)))
        with reported_as_unavailable(), writing(self._engine) as connection:
            result = connection.execute(query.values(state=target.value, updated_at=utc_now(), **values))
            return int(result.rowcount or 0)

    def recover_expired(self) -> int:
        """Running jobs whose lease ran out (their worker died) go back to pending, to search Odoo first."""
        condition = (JobRow.state == JobState.RUNNING.value) & (JobRow.lease_expires_at < utc_now())
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

    def leases(self) -> list[Lease]:
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
        now = utc_now()
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
