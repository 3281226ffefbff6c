"""The docs are checked against the program: every command and exit status documented, examples real."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from odoosync.cli.app import app, command_tree
from odoosync.cli.exit_codes import ExitCode
from odoosync.cli.reference import reference
from tests.conftest import ROOT

CLI_DOC = (ROOT / "docs" / "cli.md").read_text()
RECORDS_DOC = (ROOT / "docs" / "records.md").read_text()


def command_paths() -> list[str]:
    paths: list[str] = []

    def walk(command: object, prefix: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            if getattr(sub, "commands", None):
                walk(sub, [*prefix, name])
            else:
                paths.append(" ".join([*prefix, name]))

    walk(command_tree(), ["odoosync"])
    return paths


def test_there_are_commands_to_check() -> None:
    assert {"odoosync ingest", "odoosync status", "odoosync queue list", "odoosync config show"} <= set(command_paths())


@pytest.mark.parametrize("path", command_paths())
def test_every_command_has_a_section_and_an_example_in_the_reference(path: str) -> None:
    assert f"\n## {path}\n" in CLI_DOC
    section = CLI_DOC.split(f"\n## {path}\n", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^{re.escape(path)}\b", section, re.MULTILINE), f"no example of {path}"


@pytest.mark.parametrize("path", command_paths())
def test_every_command_help_shows_an_example(path: str) -> None:
    result = CliRunner().invoke(app, [*path.split()[1:], "--help"])
    assert result.exit_code == 0
    assert f"Example: {path}" in result.stdout


@pytest.mark.parametrize("code", list(ExitCode))
def test_every_exit_status_is_documented(code: ExitCode) -> None:
    assert re.search(rf"^\| {code.value} \| .+ \|$", CLI_DOC, re.MULTILINE)


def test_the_rejected_input_example_is_what_ingest_prints(cli_env: dict[str, str]) -> None:
    block = RECORDS_DOC.split("$ odoosync ingest samples/bad.ndjson\n", 1)[1].split("```", 1)[0]
    result = subprocess.run(
        [sys.executable, "-m", "odoosync", "ingest", "samples/bad.ndjson"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 65
    assert result.stderr == block


def test_the_readme_quick_start_is_the_two_make_targets() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)$", quick_start, re.MULTILINE)
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert "\ndemo: " in makefile
    assert "\ntest: " in makefile


def test_the_generated_help_reference_is_current() -> None:
    written = (ROOT / "docs" / "cli-help.md").read_text()
    assert written == reference(), "run: python -m odoosync.cli.reference > docs/cli-help.md"
    for path in command_paths():
        assert f"\n## {path}\n" in written
