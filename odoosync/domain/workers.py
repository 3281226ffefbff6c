"""Workers: the sync runs that lease jobs. A worker is named host:pid:nonce, so that on its own host a worker whose
process has ended is known to be gone at once, without waiting for its lease to run out."""

from __future__ import annotations

import os
import socket


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


def worker_gone(worker: str) -> bool:
    """Whether the worker's process has ended: known only on its own host (elsewhere its lease tells)."""
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or int(pid_text) <= 0:
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False
