"""A worker whose process ended on this host is known to be gone; elsewhere only its lease can tell."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from odoosync.domain.workers import worker_gone, worker_name


def test_a_worker_of_this_process_is_not_gone() -> None:
    name = worker_name()
    assert name.startswith(f"{socket.gethostname()}:{os.getpid()}:")
    assert not worker_gone(name)


def test_a_worker_whose_process_ended_is_gone() -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True, text=True
    )
    pid = int(child.stdout)
    assert worker_gone(f"{socket.gethostname()}:{pid}:abc123")


def test_a_worker_of_another_host_or_a_strange_name_is_not_taken_for_gone() -> None:
    assert not worker_gone("elsewhere.example:1:abc123")
    assert not worker_gone(f"{socket.gethostname()}:0:abc123")  # pid 0 would be this process group
    assert not worker_gone(f"{socket.gethostname()}:notapid:abc123")
    assert not worker_gone("")
