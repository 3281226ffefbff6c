"""Stopping a run cleanly: SIGINT (Ctrl-C) and SIGTERM (how systemd stops a service) both become `StopRequested`
in the main thread, so that a run gives back the jobs it holds before it exits instead of leaving them leased
until the lease runs out."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequested(BaseException):
    """A signal asked the run to stop. A BaseException, as KeyboardInterrupt is: `except Exception` never hides it."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


class _Stops:
    held = 0
    seen: str | None = None


def _on_signal(number: int, _frame: FrameType | None) -> None:
    name = signal.Signals(number).name
    if _Stops.held:
        _Stops.seen = _Stops.seen or name  # the block being finished is already the way out
        return
    raise StopRequested(name)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise StopRequested while the block runs. A signal set to be ignored stays ignored (a
    process started with nohup); outside the main thread nothing changes, as Python allows handlers only there."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    _Stops.seen = None
    for number in STOP_SIGNALS:
        if signal.getsignal(number) is not signal.SIG_IGN:
            previous[number] = signal.signal(number, _on_signal)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """A stop signal that arrives while the block runs takes effect when the block has ended, as StopRequested: a
    chunk is written and counted whole, or not at all, so that what a stopped run reports is what it did."""
    _Stops.held += 1
    try:
        yield
    finally:
        _Stops.held -= 1
    if not _Stops.held and _Stops.seen:
        name, _Stops.seen = _Stops.seen, None
        raise StopRequested(name)


@contextmanager
def signals_held() -> Iterator[None]:
    """A stop signal that arrives while the block runs does not cut it short: giving jobs back is one write that
    must not be left half done by a second Ctrl-C."""
    _Stops.held += 1
    try:
        yield
    finally:
        _Stops.held -= 1


def stop_reason(stop: BaseException) -> str:
    """The signal's name, for the report: SIGINT for a KeyboardInterrupt raised by Python's own handler."""
    return stop.signal_name if isinstance(stop, StopRequested) else "SIGINT"
