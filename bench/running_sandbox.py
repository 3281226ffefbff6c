"""The sandbox in its own process, as the benchmarks use it: `with running_sandbox(...) as details: ...`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def running_sandbox(*options: str) -> Iterator[dict[str, Any]]:
    """Start `odoosync sandbox serve --port 0 --json OPTIONS…`; yield its connection details; stop it after."""
    server = subprocess.Popen(
        [sys.executable, "-m", "odoosync", "sandbox", "serve", "--port", "0", "--json", *options],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        details = json.loads(server.stdout.readline())
        details["pid"] = server.pid
        yield details
    finally:
        server.terminate()
        server.wait(timeout=10)
