"""The command starts with only what it uses: --version and --help load no command, and a command is loaded only
when it is named. What each start imports is read from `python -X importtime` in a fresh process; how long it takes
is bench/startup.py's to measure, not a test's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from odoosync.cli.app import COMMANDS, command_tree

HEAVY = ("sqlalchemy", "httpx", "rich", "alembic", "pydantic")


PROGRAM = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("MODULES " + " ".join(sys.modules) + "\\n"))
from odoosync.cli.entry_point import main
sys.argv = ["odoosync", *sys.argv[1:]]
main()
"""


def imported_by(*args: str, status: int = 0) -> set[str]:
    """The modules a fresh `odoosync ARGS` has imported when it exits."""
    done = subprocess.run([sys.executable, "-c", PROGRAM, *args], capture_output=True, text=True, check=False)
    assert done.returncode == status, done.stderr[-2000:]
    listed = [line for line in done.stderr.splitlines() if line.startswith("MODULES ")]
    assert len(listed) == 1, done.stderr[-2000:]
    return set(listed[0].split()[1:])


@pytest.mark.parametrize(
    ("args", "status"), [(("--version",), 0), (("--help",), 0), ((), 2)], ids=["--version", "--help", "no arguments"]
)
def test_the_top_level_loads_no_command_and_no_heavy_library(args: tuple[str, ...], status: int) -> None:
    imported = imported_by(*args, status=status)
    assert not [name for name in HEAVY if name in imported]
    assert not {source.module for source in COMMANDS.values()} & imported


def test_naming_a_command_loads_its_module_alone() -> None:
    imported = imported_by("config", "--help")
    assert "odoosync.cli.config" in imported
    assert not {source.module for source in COMMANDS.values()} - {"odoosync.cli.config"} & imported


def test_every_listed_command_exists_and_its_summary_fits_a_terminal() -> None:
    tree = command_tree()
    assert list(tree.commands) == list(COMMANDS)
    for name, source in COMMANDS.items():
        assert tree.commands[name].short_help == source.summary
        assert len(source.summary) <= 64, name
