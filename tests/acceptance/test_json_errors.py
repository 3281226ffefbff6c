"""Every command run with --json prints one JSON document on standard output, its errors included: the exit
status by name and number, the message and what to do, as standard error says them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from odoosync.cli.exit_codes import ExitCode
from tests.acceptance.conftest import cli
from tests.conftest import SAMPLES
from tests.support.misbehaving import closed_port
from tests.support.workspace import odoosync

pytestmark = pytest.mark.usefixtures("cli_env")


def error_of(out: str, status: ExitCode) -> dict[str, Any]:
    document = json.loads(out)  # one document, nothing else on standard output
    assert document["ok"] is False
    error: dict[str, Any] = document["error"]
    assert (error["code"], error["exit_status"]) == (status.name.lower(), status.value)
    return error


def test_a_record_that_does_not_exist() -> None:
    code, out, err = cli("status", "contact", "C-9999", "--json")
    assert code == ExitCode.NOT_FOUND
    error = error_of(out, ExitCode.NOT_FOUND)
    assert error["message"] == "no contact with id 'C-9999' is stored"
    assert error["instruction"] == "Check the type and id, or ingest the record first: odoosync ingest FILE"
    assert err.startswith("error: no contact with id 'C-9999' is stored")  # people still read standard error


@pytest.mark.parametrize("args", [["test"], ["map", "remove", "category", "Plumbing"], ["plan"]])
def test_an_error_before_any_call_to_odoo(args: list[str]) -> None:
    code, out, _ = cli(*args, "--json")
    assert code == ExitCode.CONFIG
    error = error_of(out, ExitCode.CONFIG)
    assert error["message"] == "odoosync is not connected to Odoo yet"
    assert error["instruction"].startswith("Run: odoosync connect --url")


def test_odoo_out_of_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_ODOO_KEY", "k")
    args = ["--url", closed_port(), "--database", "d", "--login", "me", "--api-key-env", "TEST_ODOO_KEY", "--json"]
    code, out, _ = cli("connect", *args)
    assert code == ExitCode.TEMPORARY
    assert "the connection was refused" in error_of(out, ExitCode.TEMPORARY)["message"]


def test_a_job_in_the_wrong_state() -> None:
    assert cli("ingest", str(SAMPLES / "portfolio.ndjson"))[0] == 0
    assert cli("enable", "--backfill-since", "2026-01-01")[0] == 0
    job = json.loads(cli("queue", "list", "--json")[1])["jobs"][0]["job"]
    code, out, _ = cli("queue", "retry", str(job), "--json")
    assert code == ExitCode.WRONG_STATE
    assert error_of(out, ExitCode.WRONG_STATE)["message"] == f"only failed jobs can be retried: job {job} is pending"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["queue", "show", "seven", "--json"], "Invalid value for 'JOB'"),
        (["queue", "lst", "--json"], "No such command 'lst'"),
        (["--log-format", "xml", "health", "--json"], "Invalid value for --log-format"),
        (["connect", "--json", "--url", "https://x", "--database", "d", "--login", "l"], "--api-key-env"),
    ],
)
def test_a_wrong_command_line(args: list[str], message: str) -> None:
    if "connect" in args:
        args = [*args, "--api-key-env", "A", "--api-key-file", "/k"]
    code, out, err = cli(*args)
    assert code == ExitCode.USAGE
    error = error_of(out, ExitCode.USAGE)
    assert message in error["message"]
    assert error["instruction"].startswith("See odoosync ")
    assert error["instruction"].endswith(" --help.")
    assert "Error:" in err  # the usage message, as without --json


def test_rejected_input_is_the_report_with_its_error() -> None:
    code, out, _ = cli("ingest", "--json", str(SAMPLES / "bad.ndjson"))
    assert code == ExitCode.INVALID_INPUT
    error = error_of(out, ExitCode.INVALID_INPUT)
    assert error["message"] == "9 invalid line(s): nothing was stored"
    assert "--skip-invalid" in error["instruction"]
    assert len(json.loads(out)["problems"]) == 9


def test_without_json_standard_output_stays_empty() -> None:
    code, out, err = cli("status", "contact", "C-9999")
    assert (code, out) == (ExitCode.NOT_FOUND, "")
    assert "error:" in err


def test_the_installed_command_prints_the_document(cli_env: dict[str, str]) -> None:
    done = odoosync(dict(cli_env, PATH="/usr/bin:/bin"), "queue", "show", "42", "--json", check=False)
    assert done.returncode == ExitCode.NOT_FOUND, done.stderr
    assert error_of(done.stdout, ExitCode.NOT_FOUND)["message"] == "there is no job 42"
