"""Job states and the one function that moves a job between them."""

from __future__ import annotations

from enum import StrEnum

from odoosync.domain.errors import IllegalTransition


class JobState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


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
