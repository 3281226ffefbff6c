"""The command starts with only what it uses: --version and --help load no command, a command is loaded only when
it is named, and what it needs to run (the database, Odoo's client, rich) only when it runs. What each start imports
is read from sys.modules in a fresh process; how long it takes is bench/startup.py's to measure, not a test's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from odoosync.cli.app import COMMANDS, command_tree

HEAVY = ("sqlalchemy", "httpx", "rich", "alembic", "pydantic")
# What a command needs only when it runs: the database, Odoo's client and rich's output.
RUNTIME = ("sqlalchemy", "alembic", "httpx", "rich")


PROGRAM = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("MODULES " + " ".join(sys.modules) + "\\n"))
from odoosync.cli.entry_point import main
sys.argv = ["odoosync", *sys.argv[1:]]
main()
"""

# Every command defined, as the reference and the docs' tests load them, and no command run.
TREE = """
import sys
from odoosync.cli.app import command_tree
command_tree()
sys.stderr.write("MODULES " + " ".join(sys.modules) + "\\n")
"""


def imported_by(*args: str, status: int = 0, program: str = PROGRAM) -> set[str]:
    """The modules a fresh `odoosync ARGS` (or another program) has imported when it exits."""
    done = subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True, check=False)
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


def test_defining_every_command_imports_nothing_they_need_only_when_they_run() -> None:
    imported = imported_by(program=TREE)
    assert {source.module for source in COMMANDS.values()} <= imported
    assert not [name for name in RUNTIME if name in imported]


@pytest.mark.parametrize("args", [("sync", "--help"), ("queue", "list", "--help")], ids=" ".join)
def test_a_command_s_help_imports_nothing_it_needs_only_when_it_runs(args: tuple[str, ...]) -> None:
    imported = imported_by(*args)
    assert COMMANDS[args[0]].module in imported
    assert not [name for name in RUNTIME if name in imported]


@pytest.mark.parametrize("noun", ["config", "defaults"])
def test_a_command_without_database_or_network_imports_neither(
    noun: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.touch(mode=0o600)
    imported = imported_by("--config", str(config), noun, "show")
    assert COMMANDS[noun].module in imported
    assert not [name for name in ("sqlalchemy", "alembic", "httpx") if name in imported]
