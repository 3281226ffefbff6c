"""Keeping an eye on it: `odoosync health` for a monitoring check, and `sync --metrics-file` for Prometheus."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from odoosync.cli.exit_codes import ExitCode
from odoosync.sandbox import Sandbox
from odoosync.store import Store
from odoosync.store.tables import JobRow
from odoosync.sync.checks.health import LAST_SUCCESS, parse_duration
from tests.support.portfolio import SAMPLES
from tests.support.servers import serve, servers
from tests.support.workspace import odoosync, prepare


def health(env: dict[str, str], *args: str) -> tuple[int, dict[str, object]]:
    done = odoosync(env, "health", "--json", *args, check=False)
    return done.returncode, json.loads(done.stdout)


def plumbing_account(env: dict[str, str]) -> str:
    """The code of the account the Setup Assistant's plan mapped Plumbing to (400042 Maintenance on the Saudi chart;
    on a live database, wherever its own bills for plumbing went)."""
    mappings = json.loads(odoosync(env, "map", "list", "--json").stdout)
    [plumbing] = [m for m in mappings if (m["kind"], m["code"]) == ("category", "Plumbing")]
    code, _ = plumbing["mapping"]["name"].split(" ", 1)
    return str(code)


@pytest.mark.parametrize("version", servers(17))
def test_health_and_metrics_through_a_life(tmp_path: Path, version: int | str) -> None:
    database = f"sqlite:///{tmp_path}/odoosync.db"
    with serve(version) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"], since="2025-01-01", database_url=database)
        code, verdict = health(env)
        assert code == ExitCode.UNHEALTHY
        assert "odoosync sync has never completed a run here" in verdict["problems"]

        account = plumbing_account(env)
        odoosync(env, "map", "remove", "category", "Plumbing")
        metrics = tmp_path / "textfile" / "odoosync.prom"
        done = odoosync(env, "sync", "--metrics-file", str(metrics), check=False)
        assert done.returncode == ExitCode.JOBS_FAILED
        text = metrics.read_text()
        assert re.search(r'^odoosync_jobs\{type="expense",state="failed"\} [1-9]\d*$', text, re.MULTILINE)
        assert re.search(r'^odoosync_jobs\{type="rent_payment",state="done"\} 46$', text, re.MULTILINE)
        assert re.search(r"^odoosync_run_odoo_calls \d+$", text, re.MULTILINE)
        assert re.search(r"^odoosync_last_success_timestamp_seconds 1\d{9}$", text, re.MULTILINE)
        assert "# TYPE odoosync_jobs gauge" in text
        assert sandbox.api_key not in text

        code, verdict = health(env)
        assert code == ExitCode.UNHEALTHY
        [problem] = verdict["problems"]
        assert str(problem).endswith("job(s) failed and need a person: odoosync queue list --state failed")

        odoosync(env, "map", "set", "category", "Plumbing", "--account", account)
        odoosync(env, "queue", "retry", "--failed")
        assert odoosync(env, "sync", check=False).returncode == 0
        code, verdict = health(env)
        assert (code, verdict["ok"]) == (0, True)
        assert "healthy" in odoosync(env, "health").stdout

        # A queue left alone, and no run for days.
        with Store.open(database) as store:
            store.settings.set_many({LAST_SUCCESS: (datetime.now(UTC) - timedelta(days=3)).isoformat()})
        odoosync(env, "ingest", str(SAMPLES / "edits.ndjson"))
        with Store.open(database) as store, store.engine.begin() as connection:
            connection.execute(update(JobRow).values(next_attempt_at=datetime.now(UTC) - timedelta(days=2)))
        code, verdict = health(env, "--max-age", "2d", "--max-queue-age", "1d")
        assert code == ExitCode.UNHEALTHY
        assert len(verdict["problems"]) == 2
        assert any("more than 2 days ago" in str(p) for p in verdict["problems"])
        assert any("more than 1 day)" in str(p) for p in verdict["problems"])


def test_durations_are_read_as_a_person_writes_them() -> None:
    assert parse_duration("90", "--max-age") == timedelta(seconds=90)
    assert parse_duration("15m", "--max-age") == timedelta(minutes=15)
    assert parse_duration("36h", "--max-age") == timedelta(hours=36)
    assert parse_duration("2d", "--max-age") == timedelta(days=2)


def test_a_bad_duration_is_a_usage_error(tmp_path: Path) -> None:
    with Sandbox(version=17) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"])
        done = odoosync(env, "health", "--max-age", "soon", check=False)
        assert done.returncode == ExitCode.USAGE
        assert "--max-age takes a duration such as 90s, 15m, 36h or 2d" in done.stderr


@pytest.mark.parametrize("version", servers(17))
def test_json_log_lines_for_the_journal(tmp_path: Path, version: int | str) -> None:
    with serve(version) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"], since="2025-01-01")
        done = odoosync(env, "--log-format", "json", "sync", "--batch-size", "50")
        lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
        batches = [line for line in lines if line.get("event") == "batch"]
        [run] = [line for line in lines if line.get("event") == "run"]
        assert len(batches) == run["batches"] == 2
        assert sum(line["jobs"] for line in batches) == run["jobs"]
        assert all(line["level"] == "info" and line["logger"] == "odoosync.sync" for line in batches)
        assert run["failed"] == 0
        assert sandbox.api_key not in done.stderr + done.stdout
        human = odoosync(env, "sync")  # nothing due; a person's terminal gets no log noise
        assert human.stderr == ""
        assert odoosync(env, "--log-format", "xml", "sync", check=False).returncode == ExitCode.USAGE
