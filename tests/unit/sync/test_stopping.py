"""A stop signal inside a deferred block lets the block finish, then stops: what is counted is what was done."""

from __future__ import annotations

import os
import signal

import pytest

from odoosync.sync.stopping import StopRequested, signals_deferred, stop_on_signals


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_in_a_deferred_block_stops_once_the_block_is_done(number: signal.Signals) -> None:
    finished: list[str] = []

    def two_chunks() -> None:
        with signals_deferred():
            os.kill(os.getpid(), number)
            finished.append("the chunk")  # still runs: the signal waits for the block's end
        finished.append("the next chunk")  # never runs

    with stop_on_signals(), pytest.raises(StopRequested) as stopped:
        two_chunks()
    assert finished == ["the chunk"]
    assert stopped.value.signal_name == number.name


def test_outside_a_deferred_block_a_signal_stops_at_once() -> None:
    with stop_on_signals(), pytest.raises(StopRequested) as stopped:
        os.kill(os.getpid(), signal.SIGTERM)
    assert stopped.value.signal_name == "SIGTERM"


def test_the_handlers_are_given_back_and_an_ignored_sigint_stays_ignored() -> None:
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    terminate = signal.getsignal(signal.SIGTERM)
    try:
        with stop_on_signals():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # started under nohup: Ctrl-C stays ignored
            assert signal.getsignal(signal.SIGTERM) is not terminate
        assert signal.getsignal(signal.SIGTERM) is terminate
    finally:
        signal.signal(signal.SIGINT, before)
