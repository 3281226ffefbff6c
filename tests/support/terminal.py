"""odoosync run in a pseudo-terminal, as a person at a keyboard runs it: the terminal is its controlling one (a
hidden prompt reads from it), its prompts appear, and each answer is typed once its prompt is on the screen (a
hidden prompt discards what was typed before it)."""

from __future__ import annotations

import os
import pty
import select
import signal
import time
from collections.abc import Sequence

from tests.support.workspace import ODOOSYNC


def in_a_terminal(
    env: dict[str, str], args: Sequence[str], script: Sequence[tuple[str, str]], *, timeout: float = 60
) -> tuple[int, str]:
    """Run odoosync with `args`; for each (prompt, answer) of `script`, wait until the prompt shows, then type the
    answer and Enter. Returns the exit status and everything the screen showed. The process is ended for sure.

    Give each prompt up to its end, the space after its colon included: a hidden prompt writes that space once it
    has turned echo off (and discarded what was typed before)."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: odoosync, with the pseudo-terminal as its controlling terminal
        os.execve(ODOOSYNC[0], [*ODOOSYNC, *args], env)
    screen = ""
    answered_up_to = 0  # a prompt asked again is looked for after the one answered
    steps = list(script)
    deadline = time.monotonic() + timeout
    status: int | None = None
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([terminal], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(terminal, 65536)
                except OSError:  # the program ended: its terminal is gone
                    chunk = b""
                if not chunk:
                    break
                screen += chunk.decode(errors="replace")
            found = screen.find(steps[0][0], answered_up_to) if steps else -1
            if found >= 0:
                prompt, answer = steps.pop(0)
                answered_up_to = found + len(prompt)
                os.write(terminal, answer.encode() + b"\r")
        waited, raw = os.waitpid(pid, 0 if time.monotonic() < deadline else os.WNOHANG)
        if waited:
            status = os.waitstatus_to_exitcode(raw)
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(terminal)
    assert status is not None, f"odoosync {' '.join(args)} did not end within {timeout} s:\n{screen}"
    return status, screen.replace("\r\n", "\n")
