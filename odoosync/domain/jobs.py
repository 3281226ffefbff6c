"""Job states and the one function that moves a job between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from odoosync.domain.errors import IllegalTransition
from odoosync.domain.links import Link
from odoosync.domain.records import RecordType
from odoosync.domain.workers import worker_gone


class JobState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


OPEN_STATES = frozenset({JobState.PENDING, JobState.RUNNING})

# A listing shows this many jobs unless told otherwise: a queue of thousands would fill screens and take seconds.
SHOWN_JOBS = 50

# The design's graph; nothing else is allowed.
TRANSITIONS: frozenset[tuple[JobState, JobState]] = frozenset(
    {
        (JobState.PENDING, JobState.RUNNING),
        (JobState.RUNNING, JobState.DONE),
        (JobState.RUNNING, JobState.PENDING),  # transient error: retry later
        (JobState.RUNNING, JobState.FAILED),  # permanent error: needs a person
        (JobState.FAILED, JobState.PENDING),  # retry
        (JobState.PENDING, JobState.CANCELLED),
        (JobState.FAILED, JobState.CANCELLED),
    }
)


def transition(current: JobState, target: JobState) -> JobState:
    """Return `target` when the design allows moving there from `current`, else raise IllegalTransition."""
    if (current, target) not in TRANSITIONS:
        allowed = sorted(t.value for (s, t) in TRANSITIONS if s == current)
        raise IllegalTransition(
            f"a {current.value} job cannot become {target.value}",
            f"From {current.value} it can become: {', '.join(allowed) or 'nothing (final state)'}.",
        )
    return target


@dataclass(frozen=True, slots=True)
class Job:
    pk: int
    record_pk: int
    record_type: RecordType
    record_id: str
    record_version: int
    state: JobState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    error_kind: str | None
    created_at: datetime
    updated_at: datetime
    search_first: bool = False
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None

    @property
    def abandoned(self) -> bool:
        """Running, but its worker is gone: its lease ran out, or its process ended on this host. The next sync
        takes it back and looks for it in Odoo first."""
        if self.state is not JobState.RUNNING:
            return False
        expired = self.lease_expires_at is not None and self.lease_expires_at < datetime.now(UTC)
        return expired or (self.lease_owner is not None and worker_gone(self.lease_owner))


@dataclass(frozen=True, slots=True)
class Lease:
    """The running jobs one worker holds, until its lease runs out (or it gives them back)."""

    worker: str  # host:pid:nonce (domain.workers.worker_name)
    jobs: int
    expires_at: datetime | None

    @property
    def abandoned(self) -> bool:
        """Its worker is gone: the lease ran out, or the process ended on this host."""
        expired = self.expires_at is not None and self.expires_at < datetime.now(UTC)
        return expired or worker_gone(self.worker)


@dataclass(frozen=True, slots=True)
class Attempt:
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None  # done, retry, failed, interrupted; None while running
    error: str | None
    error_kind: str | None
    odoo_ids: list[int]


class Outcome(StrEnum):
    DONE = "done"
    RETRY = "retry"  # transient: back to pending, due at `retry_at`
    FAILED = "failed"  # permanent: a person must act


@dataclass(frozen=True, slots=True)
class JobResult:
    """How one attempt at a job ended, and what it left behind in Odoo."""

    job: Job
    outcome: Outcome
    error: str | None = None
    error_kind: str | None = None
    retry_at: datetime | None = None
    search_first: bool = False
    links: tuple[Link, ...] = ()

    @property
    def odoo_ids(self) -> list[int]:
        return [link.odoo_id for link in self.links]


@dataclass(frozen=True, slots=True)
class EnqueuePolicy:
    """Which new versions `ingest` queues while syncing is on: eligible ones dated inside the backfill window
    (any date when there is none), and every later version of a record that has been queued before."""

    since: date | None = None

    def wants(self, *, eligible: bool, record_date: date | None, queued_before: bool) -> bool:
        if queued_before:
            return True
        return eligible and (self.since is None or record_date is None or record_date >= self.since)
