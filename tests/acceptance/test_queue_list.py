"""odoosync queue list on a queue of thousands, as a person reads it at 80 columns: a summary by type and state,
then a bounded listing, failed jobs first, each on one line; --all, --limit, --state and --type for more or
fewer; --json the same, with how many jobs it did not show."""

from __future__ import annotations

import json
import os

import pytest

from odoosync.store import Store
from tests.support.portfolio import write_ndjson
from tests.support.workspace import odoosync

CONTACTS = 3000
FAILED = 12
# Odoo's refusals run to several lines: the reason, then what to do.
LONG_ERROR = (
    "Odoo refused the partner of contact {n}: The operation cannot be completed: another model requires the record "
    "being deleted. If possible, archive it instead. Model: Journal Item (account.move.line), Constraint: "
    "account_move_line_partner_id_fkey\nArchive it in Odoo, or restore the partner, then run: odoosync queue retry "
    "--failed"
)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Thousands of contact jobs queued, the first few of them failed with Odoo's long refusals (the tests only
    read them)."""
    tmp_path = tmp_path_factory.mktemp("crowded")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ODOOSYNC_")}
    env.update({"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "80"})
    contacts = [
        {"type": "contact", "id": f"C-{n:05d}", "roles": ["tenant"], "name": f"Tenant {n}"} for n in range(CONTACTS)
    ]
    odoosync(env, "ingest", str(write_ndjson(tmp_path / "contacts.ndjson", contacts)))
    odoosync(env, "enable", "--backfill-since", "2026-01-01")
    with Store.open(f"sqlite:///{tmp_path}/data/odoosync/odoosync.db") as store:
        for job in store.jobs.claim("test", limit=FAILED, lease_seconds=60):
            store.jobs.fail(job, error=LONG_ERROR.format(n=job.record_id), kind="refused")
    return env


def test_the_default_listing_is_bounded_and_summarised(crowded: dict[str, str]) -> None:
    done = odoosync(crowded, "queue", "list")
    lines = done.stdout.splitlines()
    assert len(lines) < 80, done.stdout
    assert all(len(line) <= 80 for line in lines if "Odoo refused" not in line and "→" not in line), done.stdout
    assert "3,000 job(s)" in lines[0]
    [summary] = [line for line in lines if line.startswith("│ contact")]
    # pending, running, done, failed, cancelled
    assert [cell.strip() for cell in summary.split("│")[2:7]] == [str(CONTACTS - FAILED), "0", "0", str(FAILED), "0"]
    rows = [line for line in lines if line.startswith("│") and "contact C-" in line]
    assert len(rows) == 50
    assert all("failed" in row for row in rows[:FAILED])  # what needs a person comes first
    assert all("pending" in row for row in rows[FAILED:])
    assert "Shown: 50 of 3,000" in done.stdout
    assert "--all" in done.stdout
    # An error is shown once for the jobs it stopped, each of its lines cut short, never wrapped word by word.
    [error] = [line for line in lines if "Odoo refused" in line]
    assert error.startswith(f"  jobs {FAILED}, {FAILED - 1}, ")
    assert f"and {FAILED - 8} more: Odoo refused the partner: The operation cannot be completed" in error
    assert error.endswith("…")
    assert len(error) < 240
    [instruction] = [line for line in lines if "Archive it in Odoo" in line]
    assert instruction == "    → Archive it in Odoo, or restore the partner, then run: odoosync queue retry --failed"


def test_json_gives_the_summary_the_jobs_shown_and_how_many_are_not(crowded: dict[str, str]) -> None:
    listed = json.loads(odoosync(crowded, "queue", "list", "--json").stdout)
    assert listed["total"] == CONTACTS
    assert listed["summary"] == {
        "contact": {"pending": CONTACTS - FAILED, "running": 0, "done": 0, "failed": FAILED, "cancelled": 0}
    }
    assert len(listed["jobs"]) == 50
    assert listed["not_shown"] == CONTACTS - 50
    assert [job["state"] for job in listed["jobs"][:FAILED]] == ["failed"] * FAILED
    assert listed["jobs"][0]["last_error"].endswith("then run: odoosync queue retry --failed")  # whole in JSON

    every = json.loads(odoosync(crowded, "queue", "list", "--all", "--json").stdout)
    assert (len(every["jobs"]), every["not_shown"]) == (CONTACTS, 0)
    assert len({job["job"] for job in every["jobs"]}) == CONTACTS
    few = json.loads(odoosync(crowded, "queue", "list", "--limit", "5", "--json").stdout)
    assert (len(few["jobs"]), few["not_shown"]) == (5, CONTACTS - 5)
    failed = json.loads(odoosync(crowded, "queue", "list", "--state", "failed", "--json").stdout)
    assert (failed["total"], len(failed["jobs"]), failed["not_shown"]) == (FAILED, FAILED, 0)
    none = json.loads(odoosync(crowded, "queue", "list", "--type", "expense", "--json").stdout)
    assert (none["total"], none["jobs"], none["summary"]) == (0, [], {})
    assert odoosync(crowded, "queue", "list", "--limit", "0", check=False).returncode == 2


def test_the_whole_error_is_in_queue_show(crowded: dict[str, str]) -> None:
    [first] = json.loads(odoosync(crowded, "queue", "list", "--limit", "1", "--json").stdout)["jobs"]
    shown = odoosync(crowded, "queue", "show", str(first["job"])).stdout
    assert "Archive it in Odoo, or restore the partner" in shown
