"""Every process a test starts is ended for sure, and reaped.

A child sent only SIGINT goes on running when SIGINT is ignored (under `nohup`, or a CI runner that starts its
jobs with SIGINT ignored: children inherit it); its Popen object, collected later while the child still runs,
raises a ResourceWarning, which `-W error` turns into the failure of whichever test comes next. So a test starts
its processes with `started` and stops them with `stop`: the first signal (SIGINT, a person's Ctrl-C, by
default), then SIGTERM, then SIGKILL, each with a grace period, whatever happens in the test.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

GRACE_SECONDS = 10.0


def stop(
    process: subprocess.Popen[Any], *, first: signal.Signals = signal.SIGINT, grace: float = GRACE_SECONDS
) -> tuple[Any, Any]:
    """End `process` (`first`, then SIGTERM, then SIGKILL, each given `grace` seconds) and reap it. Returns what
    it wrote to its pipes (None for a stream not piped); its pipes are read to the end and closed."""
    escalation = list(dict.fromkeys((first, signal.SIGTERM, signal.SIGKILL)))
    for number in escalation:
        if process.poll() is None:
            process.send_signal(number)
        try:
            return process.communicate(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    return process.communicate()  # SIGKILL cannot be ignored: it ends now


@contextmanager
def started(
    command: Sequence[str], *, first: signal.Signals = signal.SIGINT, grace: float = GRACE_SECONDS, **options: Any
) -> Iterator[subprocess.Popen[Any]]:
    """`subprocess.Popen(command, **options)`, stopped for sure on leaving (see `stop`) if it still runs."""
    process = subprocess.Popen(command, **options)
    try:
        yield process
    finally:
        stop(process, first=first, grace=grace)
