"""Job states and the one function that moves a job between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from odoosync.domain.errors import IllegalTransition
from odoosync.domain.records import RecordType


class JobState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


OPEN_STATES = frozenset({JobState.PENDING, JobState.RUNNING})

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


@dataclass(frozen=True, slots=True)
class Attempt:
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None  # done, retry, failed, interrupted; None while running
    error: str | None
    error_kind: str | None
    odoo_ids: list[int]
