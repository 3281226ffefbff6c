"""The `odoosync` command's entry point, kept light: a Ctrl-C while typer and the command line load, before the
command's own handling is in place, is an interruption like any other, not a traceback."""

from __future__ import annotations

import sys

INTERRUPTED = 130  # ExitCode.INTERRUPTED, not imported: this module must load before anything heavy


def main() -> None:
    try:
        from odoosync.cli.app import main as run  # loaded where a Ctrl-C is handled

        run()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(INTERRUPTED)
