"""Several workers: on PostgreSQL four `sync` processes drain one queue together, each job once, within the cap
on concurrent Odoo calls; on SQLite a second run waits for the first or gives up with exit status 75."""

from __future__ import annotations

import fcntl
import json
import subprocess
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from odoosync.sandbox import Sandbox
from odoosync.store import Store
from tests.support.portfolio import SAMPLES, rent_payments, write_ndjson
from tests.support.processes import started
from tests.support.workspace import ODOOSYNC, odoosync, prepare

WORKERS = 4
CAP = 2


@pytest.mark.postgres
def syncs_at_once(env: dict[str, str], runs: int, *, batch_size: int, timeout: float) -> list[dict[str, Any]]:
    """`runs` syncs started together; their reports once every one has ended (each is ended and reaped for sure,
    whatever fails)."""
    command = [*ODOOSYNC, "sync", "--batch-size", str(batch_size), "--json"]
    with ExitStack() as stack:
        processes = [
            stack.enter_context(started(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            for _ in range(runs)
        ]
        finished = [process.communicate(timeout=timeout) for process in processes]
    for process, (_, err) in zip(processes, finished, strict=True):
        assert process.returncode == 0, err
    return [json.loads(out) for out, _ in finished]


def test_four_workers_share_the_queue_on_postgresql(tmp_path: Path, pg_schema_url: str) -> None:
    generated = write_ndjson(tmp_path / "generated.ndjson", rent_payments(1900))
    with Sandbox(version=17, think_ms=4) as sandbox:
        env = prepare(
            tmp_path, sandbox, [SAMPLES / "portfolio.ndjson", generated], since="2025-01-01", database_url=pg_schema_url
        )
        env["ODOOSYNC_WORKER_MAX_CONCURRENT_ODOO_CALLS"] = str(CAP)
        # A payment claimed while another worker still pushes its tenant waits for it: briefly, here.
        env["ODOOSYNC_WORKER_BACKOFF_BASE_SECONDS"] = "0.2"
        jobs = json.loads(odoosync(env, "queue", "list", "--json").stdout)["total"]
        assert jobs >= 1990
        reports = syncs_at_once(env, WORKERS, batch_size=25, timeout=600)
        assert all(report["jobs"] > 0 for report in reports)  # all four took part
        synced = sum(tally["synced"] for report in reports for tally in report["by_type"].values())
        rest = json.loads(odoosync(env, "sync", "--json").stdout)  # any that waited past the workers' end
        synced += sum(tally["synced"] for tally in rest["by_type"].values())
        assert synced == jobs  # each job synced once
        assert sandbox.max_concurrent_calls <= CAP
        assert sandbox.max_concurrent_calls == CAP  # the cap was reached, not merely never tested

        db = sandbox.instance.db
        markers = Counter(
            row["invoice_origin"] for row in db.table("account.move").values() if row.get("invoice_origin")
        )
        assert markers
        assert set(markers.values()) == {1}  # no Odoo duplicates
        partners = Counter(row["ref"] for row in db.table("res.partner").values() if row.get("ref"))
        assert set(partners.values()) == {1}
        with Store.open(pg_schema_url) as store:
            states = Counter(job.state.value for job in store.jobs.list())
            assert states == {"done": jobs}
            for job in store.jobs.list()[::50]:
                outcomes = [attempt.outcome for attempt in store.jobs.attempts(job.pk)]
                assert outcomes.count("done") == 1
                assert outcomes[-1] == "done"


def test_a_second_run_on_sqlite_waits_then_says_the_queue_is_held(tmp_path: Path) -> None:
    database = tmp_path / "odoosync.db"
    with Sandbox(version=17) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"], database_url=f"sqlite:///{database}")
        env["ODOOSYNC_WORKER_QUEUE_WAIT_SECONDS"] = "0.5"
        with (tmp_path / "odoosync.db.sync.lock").open("a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # a run in progress
            done = odoosync(env, "sync", check=False)
            assert done.returncode == 75
            assert "another odoosync sync holds the queue" in done.stderr
            fcntl.flock(held, fcntl.LOCK_UN)
        done = odoosync(env, "sync", "--json")
        assert json.loads(done.stdout)["jobs"] > 0


def test_overlapping_runs_on_sqlite_take_turns(tmp_path: Path) -> None:
    with Sandbox(version=17, think_ms=2) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"], database_url=f"sqlite:///{tmp_path}/o.db")
        env["ODOOSYNC_WORKER_QUEUE_WAIT_SECONDS"] = "60"
        reports = syncs_at_once(env, 2, batch_size=10, timeout=120)
        total = sum(report["jobs"] for report in reports)
        assert sorted(report["jobs"] for report in reports)[0] == 0  # the second found nothing left
        invoices = Counter(
            row["invoice_origin"]
            for row in sandbox.instance.db.table("account.move").values()
            if row.get("invoice_origin")
        )
        assert set(invoices.values()) == {1}
        assert total == json.loads(odoosync(env, "queue", "list", "--json").stdout)["total"]
