import itertools

import pytest

from odoosync.domain.errors import IllegalTransition
from odoosync.domain.jobs import TRANSITIONS, JobState, transition

DESIGN = {
    ("pending", "running"),
    ("running", "done"),
    ("running", "pending"),
    ("running", "failed"),
    ("failed", "pending"),
    ("pending", "cancelled"),
    ("failed", "cancelled"),
}


def test_the_transitions_are_exactly_the_designs() -> None:
    assert {(a.value, b.value) for a, b in TRANSITIONS} == DESIGN


@pytest.mark.parametrize(("current", "target"), list(itertools.product(JobState, JobState)))
def test_transition_allows_the_design_and_refuses_everything_else(current: JobState, target: JobState) -> None:
    if (current.value, target.value) in DESIGN:
        assert transition(current, target) is target
    else:
        with pytest.raises(IllegalTransition, match=f"a {current.value} job cannot become {target.value}"):
            transition(current, target)


def test_a_refusal_says_where_the_job_can_go() -> None:
    with pytest.raises(IllegalTransition) as caught:
        transition(JobState.DONE, JobState.PENDING)
    assert caught.value.instruction == "From done it can become: nothing (final state)."
    with pytest.raises(IllegalTransition) as caught:
        transition(JobState.FAILED, JobState.DONE)
    assert caught.value.instruction == "From failed it can become: cancelled, pending."
