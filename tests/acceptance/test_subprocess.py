"""The installed `odoosync` command, run as a real process, the way cron or a person runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.support.portfolio import write_ndjson
from tests.support.processes import started, stop
from tests.support.servers import LIVE_VARIABLES, serve, servers

ODOOSYNC = shutil.which("odoosync", path=str(Path(sys.executable).parent)) or "odoosync"
SECRET = "live-key-7d1e2f3a4b5c"
# Where the live Odoo is, read before cli_env takes every ODOOSYNC_ variable out of the environment.
LIVE_ENV = {name: os.environ[name] for name in LIVE_VARIABLES if name in os.environ}


def odoosync(*args: str, env: dict[str, str], stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ODOOSYNC_")}
    return subprocess.run(
        [ODOOSYNC, *args],
        env={**clean, **env},
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ingest_status_and_queue_as_a_process(cli_env: dict[str, str]) -> None:
    ingested = odoosync("ingest", "--json", str(SAMPLES / "portfolio.ndjson"), env=cli_env)
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["totals"]["new"] == 102
    assert Path(cli_env["XDG_DATA_HOME"], "odoosync", "odoosync.db").exists()

    status = odoosync("status", "expense", "EX-302", env=cli_env)
    assert status.returncode == 0
    assert "Not synced" in status.stdout

    queue = odoosync("queue", "list", env=cli_env)
    assert (queue.returncode, queue.stdout) == (0, "The queue is empty.\n")


def test_bad_input_as_a_process_exits_65_without_a_traceback(cli_env: dict[str, str]) -> None:
    result = odoosync("ingest", "-", env=cli_env, stdin=(SAMPLES / "bad.ndjson").read_bytes())
    assert result.returncode == 65
    assert "line 9 (expense EX-X8): lines[0].amount" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_runs_the_same_command(cli_env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "odoosync", "--version"], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("odoosync ")


@pytest.mark.parametrize(
    "args",
    [
        ("--debug", "config", "show"),
        ("--debug", "config", "show", "--json"),
        ("--debug", "ingest", str(SAMPLES / "bad.ndjson")),
        ("--debug", "ingest", "missing.ndjson"),
        ("--debug", "status", "contact", "nobody"),
    ],
)
def test_the_api_key_never_appears_in_any_output(cli_env: dict[str, str], args: tuple[str, ...]) -> None:
    result = odoosync(*args, env={**cli_env, "ODOOSYNC_API_KEY": SECRET})
    assert SECRET not in result.stdout + result.stderr


def test_the_database_password_never_appears_even_in_a_debug_traceback(cli_env: dict[str, str]) -> None:
    url = f"postgresql://odoosync:{SECRET}@127.0.0.1:1/odoosync"
    result = odoosync("--debug", "ingest", str(SAMPLES / "edits.ndjson"), env={**cli_env, "ODOOSYNC_DATABASE_URL": url})
    assert result.returncode == 69
    assert "Traceback" in result.stderr
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("version", servers(19))
def test_a_debug_connect_as_a_process_never_shows_the_odoo_key(
    cli_env: dict[str, str], version: int | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in LIVE_ENV.items():  # for the test's own reach of a live Odoo; odoosync never gets them
        monkeypatch.setenv(name, value)
    with serve(version) as sandbox:
        env = {**cli_env, "ODOO_KEY": sandbox.api_key}
        base = ["--debug", "connect", "--url", sandbox.url, "--login", sandbox.login, "--api-key-env", "ODOO_KEY"]
        good = odoosync(*base, "--database", sandbox.database, env=env)
        bad = odoosync(*base, "--database", "nope", env=env)
        retest = odoosync("--debug", "test", env=env)
    assert good.returncode == 0, good.stderr
    assert bad.returncode != 0
    assert retest.returncode == 0
    assert "DEBUG" in good.stderr or "httpcore" in good.stderr  # debug logging really was on
    for run in (good, bad, retest):
        assert sandbox.api_key not in run.stdout + run.stderr


@pytest.mark.parametrize("delay", [0.1, 0.15, 0.2, 0.3, 0.4, 0.55, 0.7])
def test_ctrl_c_while_the_command_loads_is_an_interruption_not_a_traceback(
    cli_env: dict[str, str], delay: float
) -> None:
    # The Ctrl-C lands while Python starts, the global options are read, the command's module and the output
    # modules load (a module cut off halfway cannot be imported again), or later in the wait for input. Sooner
    # than 0.1 s it may land while Python itself starts (its `site`), before any of odoosync runs.
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ODOOSYNC_")}, **cli_env}
    with started([ODOOSYNC, "ingest", "-"], env=env, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as run:
        time.sleep(delay)
        _, err = stop(run)
    assert run.returncode == 130, err
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    assert "interrupted" in err


def test_ctrl_c_partway_through_an_ingest_says_what_was_stored_and_a_rerun_completes_it(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    records = 30_000
    contacts = [
        {"type": "contact", "id": f"C-{n:05d}", "roles": ["tenant"], "name": f"Tenant {n}"} for n in range(records)
    ]
    source = write_ndjson(tmp_path / "contacts.ndjson", contacts)
    database = Path(cli_env["XDG_DATA_HOME"], "odoosync", "odoosync.db")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ODOOSYNC_")}, **cli_env}
    with started([ODOOSYNC, "ingest", str(source)], env=env, stderr=subprocess.PIPE, text=True) as run:
        while stored(database) == 0:  # the first chunk is committed: the ingest is storing
            assert run.poll() is None, "the ingest ended before it was interrupted"
            time.sleep(0.01)
        _, err = stop(run)  # Ctrl-C
    assert run.returncode == 130, err
    assert "Traceback" not in err
    found = re.search(r"interrupted: ([0-9,]+) of 30,000 record\(s\) were stored", err)
    assert found, err
    kept = int(found.group(1).replace(",", ""))
    assert 0 < kept < records
    assert stored(database) == kept  # what it says is what the database holds
    assert "Run the same command again to store the rest" in err

    again = odoosync("ingest", "--json", str(source), env=cli_env)
    assert again.returncode == 0, again.stderr
    totals = json.loads(again.stdout)["totals"]
    assert (totals["new"], totals["unchanged"]) == (records - kept, kept)
    assert stored(database) == records


def stored(database: Path) -> int:
    """Records committed in the database, read beside the writer (0 before it exists)."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
