"""The queue as a person sees it: a summary and the jobs that matter first, one job in detail, retrying and
cancelling jobs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import IllegalTransition, InvalidChoice, NotFound
from odoosync.domain.jobs import SHOWN_JOBS, Attempt, Job, JobState
from odoosync.domain.links import DOCUMENT, Link
from odoosync.domain.records import RecordType
from odoosync.store import Store
from odoosync.sync.checks.status import link_as_dict, record_links


def job_as_dict(job: Job) -> dict[str, Any]:
    return {
        "job": job.pk,
        "type": job.record_type.value,
        "id": job.record_id,
        "version": job.record_version,
        "state": job.state.value,
        "attempts": job.attempts,
        "next_attempt_at": job.next_attempt_at.isoformat(),
        "last_error": job.last_error,
        "error_kind": job.error_kind,
        "worker": job.lease_owner,
        # Running, but its worker stopped before it finished: the next sync takes it back.
        "abandoned": job.abandoned,
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
    }


@dataclass(frozen=True)
class QueueListing:
    """How many jobs there are per type and state, and the ones shown: failed first, then running and pending,
    newest first within each state."""

    summary: dict[str, dict[str, int]]  # record type → job state → jobs (every state, zeros included)
    jobs: list[Job]
    filtered: bool

    @property
    def total(self) -> int:
        return sum(sum(states.values()) for states in self.summary.values())

    @property
    def not_shown(self) -> int:
        return self.total - len(self.jobs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "total": self.total,
            "jobs": [job_as_dict(job) for job in self.jobs],
            "not_shown": self.not_shown,
        }


def queue_summary(
    store: Store, states: Sequence[JobState] = (), types: Sequence[RecordType] = ()
) -> dict[str, dict[str, int]]:
    """Jobs per record type and state, counted by the database."""
    summary: dict[str, dict[str, int]] = {}
    for (record_type, state), count in sorted(store.jobs.counts(states=states, types=types).items()):
        summary.setdefault(record_type.value, {s.value: 0 for s in JobState})[state.value] = count
    return summary


def list_queue(
    store: Store,
    *,
    states: Sequence[JobState] = (),
    types: Sequence[RecordType] = (),
    limit: int | None = SHOWN_JOBS,
) -> QueueListing:
    """The queue's summary and its first `limit` jobs (every one with None), of these states and types."""
    if limit is not None and limit < 1:
        raise InvalidChoice(f"--limit must be 1 or more, got {limit}", "Give --all to list every job.")
    jobs = store.jobs.list(states=states, types=types, limit=limit, failed_first=True)
    return QueueListing(queue_summary(store, states, types), jobs, filtered=bool(states or types))


@dataclass(frozen=True)
class JobDetails:
    job: Job
    document: dict[str, Any]
    attempts: list[Attempt]
    link: Link | None
    related: tuple[Link, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job.pk,
            "type": self.job.record_type.value,
            "id": self.job.record_id,
            "version": self.job.record_version,
            "state": self.job.state.value,
            "attempts": [
                {
                    "started_at": a.started_at.isoformat(),
                    "finished_at": a.finished_at.isoformat() if a.finished_at else None,
                    "seconds": round((a.finished_at - a.started_at).total_seconds(), 3) if a.finished_at else None,
                    "outcome": a.outcome,
                    "error": a.error,
                    "error_kind": a.error_kind,
                    "odoo_ids": a.odoo_ids,
                }
                for a in self.attempts
            ],
            "next_attempt_at": self.job.next_attempt_at.isoformat(),
            "last_error": self.job.last_error,
            "record": self.document,
            "odoo": link_as_dict(self.link) if self.link else None,
            "related": [{"role": link.role, **link_as_dict(link)} for link in self.related],
        }


def job_details(store: Store, config: Config, pk: int) -> JobDetails:
    job = store.jobs.get(pk)
    if job is None:
        raise NotFound(f"there is no job {pk}", "See the jobs with: odoosync queue list")
    [record] = store.records.get_many([job.record_pk]).values()
    links, _ = record_links(store, config, job.record_pk)
    link = next((found for found in links if found.role == DOCUMENT), None)
    related = tuple(found for found in links if found.role != DOCUMENT)
    return JobDetails(job, record.document, store.jobs.attempts(pk), link, related)


def _known(store: Store, pks: Sequence[int]) -> list[Job]:
    jobs = [store.jobs.get(pk) for pk in pks]
    missing = [str(pk) for pk, job in zip(pks, jobs, strict=True) if job is None]
    if missing:
        raise NotFound(f"there is no job {', '.join(missing)}", "See the jobs with: odoosync queue list")
    return [job for job in jobs if job is not None]


def retry_jobs(store: Store, pks: Sequence[int] = (), *, failed: bool = False) -> int:
    """Failed jobs back to pending, due now: these, or every failed one. Returns how many."""
    if failed == bool(pks):
        raise InvalidChoice("name the jobs to retry, or give --failed for all failed jobs", None)
    if failed:
        return store.jobs.retry_failed()
    jobs = _known(store, pks)
    wrong = [f"job {job.pk} is {job.state.value}" for job in jobs if job.state is not JobState.FAILED]
    if wrong:
        raise IllegalTransition(
            f"only failed jobs can be retried: {'; '.join(wrong)}",
            "A pending job syncs at the next odoosync sync; the failed ones: odoosync queue list --state failed",
        )
    return store.jobs.retry_failed(pks)


def cancel_jobs(store: Store, pks: Sequence[int]) -> int:
    """Pending or failed jobs cancelled (their records stay, and show Not synced)."""
    if not pks:
        raise InvalidChoice("name the jobs to cancel", "See them with: odoosync queue list")
    jobs = _known(store, pks)
    wrong = [
        f"job {job.pk} is {job.state.value}" for job in jobs if job.state not in (JobState.PENDING, JobState.FAILED)
    ]
    if wrong:
        raise IllegalTransition(
            f"only pending or failed jobs can be cancelled: {'; '.join(wrong)}",
            "A running job finishes first; a done or cancelled one is over. See them with: odoosync queue list",
        )
    return store.jobs.cancel(pks)
