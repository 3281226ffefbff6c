"""The tests' one way to end a process: a child that ignores SIGINT, or SIGINT and SIGTERM, is still ended and
reaped, its pipes closed, and no ResourceWarning is left for a later test to trip on under -W error."""

from __future__ import annotations

import gc
import signal
import subprocess
import sys
import warnings

import pytest

from tests.support.processes import started, stop

# A child that says it is ready once it ignores what it was told to ignore, then waits for a minute.
IGNORING = """
import signal, sys, time
for name in sys.argv[1:]:
    signal.signal(getattr(signal, name), signal.SIG_IGN)
print("ready", flush=True)
time.sleep(60)
"""


def child(*ignored: str) -> list[str]:
    return [sys.executable, "-c", IGNORING, *ignored]


def ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"


@pytest.mark.parametrize(
    ("ignored", "ended_by"),
    [((), signal.SIGINT), (("SIGINT",), signal.SIGTERM), (("SIGINT", "SIGTERM"), signal.SIGKILL)],
)
def test_a_child_is_ended_whatever_it_ignores(ignored: tuple[str, ...], ended_by: signal.Signals) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a child left running would warn when its Popen is collected
        process = subprocess.Popen(child(*ignored), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready(process)
        stop(process, grace=0.5)
        assert process.returncode in (-ended_by, 128 + ended_by)  # Python's own Ctrl-C exit, or the signal
        assert process.stdout is not None
        assert process.stdout.closed
        del process
        gc.collect()


def test_started_ends_the_child_when_the_test_fails_inside() -> None:
    with (  # noqa: PT012 - the failure is inside the block
        pytest.raises(AssertionError, match="the test failed"),
        started(child("SIGINT"), grace=0.5, stdout=subprocess.PIPE, text=True) as process,
    ):
        ready(process)
        raise AssertionError("the test failed")
    assert process.returncode == -signal.SIGTERM


def test_stop_returns_what_a_child_that_ended_wrote_and_can_be_called_again() -> None:
    with started([sys.executable, "-c", "print('done')"], stdout=subprocess.PIPE, text=True) as process:
        process.wait(timeout=30)
        assert stop(process) == ("done\n", None)
        assert stop(process) == ("done\n", None)
    assert process.returncode == 0
