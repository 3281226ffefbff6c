"""enable, disable, backfill, queue show/retry/cancel and sync's refusals, through the command line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from odoosync.cli.app import app
from odoosync.cli.exit_codes import ExitCode
from tests.acceptance.conftest import cli
from tests.support.portfolio import SAMPLES

PORTFOLIO = str(SAMPLES / "portfolio.ndjson")


@pytest.fixture
def stocked(cli_env: dict[str, str]) -> None:
    assert cli("ingest", PORTFOLIO)[0] == 0


@pytest.fixture
def configured(stocked: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection named in the environment (no Odoo is called by these commands)."""
    monkeypatch.setenv("ODOOSYNC_ODOO_URL", "http://odoo.example")
    monkeypatch.setenv("ODOOSYNC_ODOO_DATABASE", "prod")
    monkeypatch.setenv("ODOOSYNC_ODOO_LOGIN", "accountant@example.sa")


def test_enable_with_a_backfill_then_backfill_again_adds_nothing(stocked: None) -> None:
    code, out, _ = cli("backfill", "--since", "2026-01-01", "--dry-run", "--json")
    assert code == 0
    dry = json.loads(out)
    assert dry["dry_run"] is True
    assert dry["by_type"]["contact"] == {"eligible": 21, "added": 21}
    code, out, _ = cli("enable", "--backfill-since", "2026-01-01", "--json")
    assert code == 0
    enabled = json.loads(out)
    assert enabled["enabled"] is True
    assert enabled["backfill_since"] == "2026-01-01"
    assert enabled["backfill"]["added"] == dry["added"]
    code, out, _ = cli("backfill", "--since", "2026-01-01")
    assert code == 0
    assert "Nothing new to queue." in out
    assert "deposit" in out


def test_a_real_backfill_needs_syncing_on(stocked: None) -> None:
    code, _, err = cli("backfill", "--since", "2026-01-01")
    assert code == ExitCode.CONFIG
    assert "syncing is off" in err
    assert "odoosync enable --backfill-since 2026-01-01" in err


def test_bad_dates_and_both_options_are_usage_errors(stocked: None) -> None:
    assert cli("backfill", "--since", "2026-02-30", "--dry-run")[0] == ExitCode.USAGE
    code, _, err = cli("enable", "--backfill-since", "2026-01-01", "--no-backfill")
    assert code == ExitCode.USAGE
    assert "not both" in err


def test_the_first_enable_on_a_terminal_asks_about_the_backfill(stocked: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("odoosync.cli.sync.at_a_terminal", lambda: True)
    result = CliRunner().invoke(app, ["enable"], input="y\n2026-13-45\n1 March\n2026-03-01\n")
    assert result.exit_code == 0, result.output
    assert "Backfill records stored before now?" in result.stdout
    # A date it cannot read is asked again, with why, as a prompt does.
    assert "Error: the backfill date takes a date as YYYY-MM-DD, not '2026-13-45'" in result.output
    assert "Error: the backfill date takes a date as YYYY-MM-DD, not '1 March'" in result.output
    assert result.output.count("Since which date (YYYY-MM-DD)?") == 3
    assert "records dated from 2026-03-01 on" in result.stdout


def test_disable_keeps_the_queue_and_stops_sync(stocked: None) -> None:
    assert cli("enable", "--backfill-since", "2026-04-01")[0] == 0
    queued = json.loads(cli("queue", "list", "--all", "--json")[1])
    code, out, _ = cli("disable")
    assert code == 0
    assert "Syncing is off" in out
    assert json.loads(cli("queue", "list", "--all", "--json")[1]) == queued
    code, _, err = cli("sync")
    assert code == ExitCode.CONFIG
    assert "syncing is off" in err
    status = json.loads(cli("status", "contact", "C-1001", "--json")[1])
    assert status["chip"] == "pending"
    assert "syncing is off" in status["reason"]


def test_sync_without_a_connection_says_to_connect(stocked: None) -> None:
    assert cli("enable", "--no-backfill")[0] == 0
    code, _, err = cli("sync")
    assert code == ExitCode.CONFIG
    assert "odoosync connect" in err


def test_jobs_queued_before_any_connect_say_to_connect_first(stocked: None) -> None:
    assert cli("enable", "--backfill-since", "2026-01-01")[0] == 0
    assert cli("sync")[0] == ExitCode.CONFIG
    # The queued jobs say what sync needs first, not that the next sync takes them.
    status = json.loads(cli("status", "contact", "C-1001", "--json")[1])
    assert status["chip"] == "pending"
    assert "next odoosync sync takes it" not in status["reason"]
    assert "not connected to Odoo" in status["reason"]
    assert "odoosync connect" in status["reason"]


def test_not_synced_reasons(stocked: None) -> None:
    assert "not connected" in json.loads(cli("status", "contact", "C-1001", "--json")[1])["reason"]


def test_queue_show_retry_and_cancel(configured: None) -> None:
    assert cli("enable", "--backfill-since", "2026-01-01")[0] == 0
    [first, second, *_] = json.loads(cli("queue", "list", "--json")[1])["jobs"]
    code, out, _ = cli("queue", "show", str(first["job"]), "--json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["job"], shown["state"], shown["attempts"]) == (first["job"], "pending", [])
    assert shown["record"]["id"] == first["id"]
    code, out, _ = cli("queue", "show", str(first["job"]))
    assert code == 0
    assert f"job {first['job']}: {first['type']} {first['id']}" in out

    assert cli("queue", "show", "99999")[0] == ExitCode.NOT_FOUND
    code, _, err = cli("queue", "retry", str(first["job"]))
    assert code == ExitCode.WRONG_STATE
    assert "only failed jobs can be retried" in err
    assert "odoosync queue list --state failed" in err
    assert cli("queue", "retry")[0] == ExitCode.USAGE

    code, out, _ = cli("queue", "cancel", str(first["job"]), str(second["job"]))
    assert code == 0
    assert "2 job(s) cancelled" in out
    assert cli("queue", "cancel", str(first["job"]))[0] == ExitCode.WRONG_STATE  # already cancelled
    status = json.loads(cli("status", first["type"], first["id"], "--json")[1])
    assert status["chip"] == "not_synced"
    assert "was cancelled" in status["reason"]
    assert cli("queue", "retry", "--failed", "--json")[1].strip() == '{\n  "retried": 0\n}'


def test_records_before_the_window_and_not_eligible_say_so(configured: None) -> None:
    assert cli("enable", "--backfill-since", "2026-03-01")[0] == 0
    early = json.loads(cli("status", "rent_payment", "RP-2026-0001", "--json")[1])
    assert early["chip"] == "not_synced"
    assert early["reason"] == "dated 2026-01-01, before the backfill window (since 2026-03-01)"
