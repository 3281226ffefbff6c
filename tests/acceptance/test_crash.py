"""Crash test: a backfill against a sandbox in another process, the sync process killed with SIGKILL at random
moments (seeded), restarted each time, then run to completion. Afterwards every eligible record is in Odoo
exactly once, every job is done, and no attempt is missing from the history.

It runs twice: as odoosync is set up by default (invoices and bills left as drafts), and with auto-post on
(`defaults set --auto-post-invoices --auto-post-bills`), where an invoice is created, posted, then paid through
Odoo's register-payment wizard, each step going on from the state the last attempt left it in: the kills land
between those steps too, and afterwards every invoice is posted and paid by exactly one payment, every bill posted.

By default both run in their reduced form (5 kills, 300 records), which CI runs. The full form of the issue
(20 kills, 2,000 records) runs, for both, with the flag ODOOSYNC_FULL_CRASH_TEST=1:

    ODOOSYNC_FULL_CRASH_TEST=1 pytest tests/acceptance/test_crash.py

How a kill is placed: the sync is started, the test waits until the run has begun working (the queue's counts
change: it recovered a dead run's jobs or claimed its first batch), then waits a random time drawn from a seeded
generator and sends SIGKILL. A short lease lets the next run recover the killed run's jobs, which it must search
in Odoo by their markers before creating anything again.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from odoosync.config import default_database_url
from odoosync.domain.jobs import OPEN_STATES, JobState
from odoosync.domain.records import RecordType, is_eligible
from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint
from odoosync.store import Store
from odoosync.sync.build.builders import MEMO_SEPARATOR
from odoosync.sync.build.documents import PAID_STATES
from tests.support.portfolio import rent_payments, sample_documents, write_ndjson
from tests.support.processes import started, stop
from tests.support.workspace import ODOOSYNC, odoosync, prepare

FULL = os.environ.get("ODOOSYNC_FULL_CRASH_TEST", "").strip().lower() in ("1", "true", "yes", "on")
KILLS, RECORDS = (20, 2000) if FULL else (5, 300)
SEED = 20260415
BATCH_SIZE = 20
LEASE_SECONDS = 1
# A kill lands this long (at most) after the run began working: short enough that the run has not finished by
# then, long enough to fall anywhere in a batch (building, the create call, the read-back, the store's commit).
KILL_WINDOW_SECONDS = 0.15
WORKER = {
    "ODOOSYNC_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
    "ODOOSYNC_WORKER_BACKOFF_BASE_SECONDS": "0.01",
    "ODOOSYNC_WORKER_BACKOFF_MAX_SECONDS": "0.05",
}
MODEL_OF = {"contact": "res.partner", "rent_payment": "account.move", "expense": "account.move", "deposit": "payment"}


@pytest.fixture
def odoo_process() -> Iterator[SimpleNamespace]:
    """`odoosync sandbox serve` (Odoo 17) in a process of its own, so that killing the sync leaves it alone."""
    command = [*ODOOSYNC, "sandbox", "serve", "--port", "0", "--version", "17", "--json"]
    with started(command, first=signal.SIGTERM, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        details = json.loads(server.stdout.readline())
        yield SimpleNamespace(process=server, **details)


def _started_working(sync: subprocess.Popen[bytes], store: Store, before: object, timeout: float = 60) -> bool:
    """Wait until the run changed the queue (recovered jobs or claimed a batch), or ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sync.poll() is not None or store.jobs.counts() != before:
            return True
        time.sleep(0.005)
    return False


def _open_jobs(store: Store) -> int:
    return sum(n for (_, state), n in store.jobs.counts().items() if state in OPEN_STATES)


def _done_jobs(store: Store) -> int:
    return sum(n for (_, state), n in store.jobs.counts().items() if state is JobState.DONE)


def _kill_at_random_moments(env: dict[str, str], store: Store, rng: random.Random) -> list[float]:
    """Start the sync, SIGKILL it a random time after it began working, again and again until KILLS kills landed
    on a live run. Returns the delays of those kills.

    The random time is drawn from [0, window]: KILL_WINDOW_SECONDS, narrowed when this machine is so fast that a
    run would otherwise finish the backfill before all the kills are spent (the expected progress of a run is then
    at most half of the jobs left per kill left)."""
    kills: list[float] = []
    fastest = 0.0  # jobs done per second of work, the highest seen
    for _ in range(KILLS * 3):  # a run that finished before its kill is not a kill: try again
        left = _open_jobs(store)
        if len(kills) == KILLS or not left:
            break
        window = KILL_WINDOW_SECONDS
        if fastest:
            window = min(window, left / (KILLS - len(kills)) / fastest)
        before, done_before = store.jobs.counts(), _done_jobs(store)
        command = [*ODOOSYNC, "sync", "--batch-size", str(BATCH_SIZE), "--json"]
        with started(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as sync:
            assert _started_working(sync, store, before), "the sync run did not start working within 60 s"
            delay = rng.uniform(0, window)
            time.sleep(delay)
            if sync.poll() is None:
                os.kill(sync.pid, signal.SIGKILL)
                kills.append(delay)
            sync.wait(timeout=30)
        assert sync.returncode in (0, -signal.SIGKILL), f"sync ended with {sync.returncode}"
        if delay > 0.02:
            fastest = max(fastest, (_done_jobs(store) - done_before) / delay)
    return kills


def _read_odoo(odoo: SimpleNamespace) -> SimpleNamespace:
    """The partners, invoices and bills with a marker, and every payment, read over JSON-RPC from the sandbox
    process; a payment's memo is under `memo` whatever the version names it."""
    endpoint = Endpoint(url=odoo.url, database=odoo.database, login=odoo.login, timeout_seconds=30)
    with OdooClient.connect(endpoint, odoo.api_key) as client:
        companies = [int(c["id"]) for c in client.search_read("res.company", [], ["id"])]
        context: dict[str, Any] = {"active_test": False, "allowed_company_ids": companies}
        partners = client.search_read("res.partner", [("ref", "!=", False)], ["ref"], context=context)
        moves = client.search_read(
            "account.move",
            [("invoice_origin", "!=", False)],
            ["invoice_origin", "move_type", "state", "payment_state", "amount_total", "amount_residual"],
            context=context,
        )
        memo = client.version.payment_memo
        payments = client.search_read(
            "account.payment", [], [memo, "state", "date", "amount", "reconciled_invoice_ids"], context=context
        )
    for row in payments:
        row["memo"] = row.pop(memo) or ""
    return SimpleNamespace(partners=partners, moves=moves, payments=payments)


def _odoo_markers(odoo: SimpleNamespace) -> dict[str, Counter[str]]:
    """Per Odoo model, how many records carry each marker."""
    return {
        "res.partner": Counter(str(row["ref"]) for row in odoo.partners),
        "account.move": Counter(f"{row['move_type']}:{row['invoice_origin']}" for row in odoo.moves),
        "payment": Counter(str(row["memo"]).split(MEMO_SEPARATOR, 1)[0] for row in odoo.payments if row["memo"]),
    }


def _expected_markers(documents: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Every eligible record once (the backfill starts in 2025; every record is dated later)."""
    move_type = {"rent_payment": "out_invoice", "expense": "in_invoice"}
    expected: dict[str, Counter[str]] = {"res.partner": Counter(), "account.move": Counter(), "payment": Counter()}
    for document in documents:
        kind = document["type"]
        if not is_eligible(RecordType(kind), document):
            continue
        marker = f"{move_type[kind]}:{document['id']}" if kind in move_type else document["id"]
        expected[MODEL_OF[kind]][marker] += 1
    return expected


def _assert_posted_and_paid(odoo: SimpleNamespace, documents: list[dict[str, Any]], *, auto_post: bool) -> None:
    """With auto-post every invoice is posted and paid by exactly one payment the wizard registered (its date the
    payment's, its memo the payment's reference, its amount the invoice's), every bill posted. Without, invoices
    and bills stay drafts and nothing is registered against them. Deposits are posted payments either way."""
    records = {d["id"]: d for d in documents if is_eligible(RecordType(d["type"]), d)}
    ours = [row for row in odoo.moves if row["invoice_origin"] in records]
    invoices = {int(row["id"]): row for row in ours if row["move_type"] == "out_invoice"}
    bills = [row for row in ours if row["move_type"] == "in_invoice"]
    registered = [row for row in odoo.payments if row["reconciled_invoice_ids"]]
    deposits = [row for row in odoo.payments if row["memo"].split(MEMO_SEPARATOR, 1)[0] in records]
    assert invoices, "no invoice in Odoo"
    assert bills, "no bill in Odoo"
    assert deposits, "no deposit in Odoo"
    assert {row["state"] for row in deposits} == {"posted"}, Counter(row["state"] for row in deposits)
    assert all(not row["reconciled_invoice_ids"] for row in deposits)

    if not auto_post:
        assert {row["state"] for row in ours} == {"draft"}, Counter(row["state"] for row in ours)
        assert not registered, f"payments registered with auto-post off: {registered[:5]}"
        return

    unpaid = {
        row["invoice_origin"]: (row["state"], row["payment_state"], row["amount_residual"])
        for row in invoices.values()
        if row["state"] != "posted" or row["payment_state"] not in PAID_STATES or row["amount_residual"] != 0
    }
    assert not unpaid, f"{len(unpaid)} invoice(s) not posted and paid: {dict(list(unpaid.items())[:10])}"
    drafts = {row["invoice_origin"]: row["state"] for row in bills if row["state"] != "posted"}
    assert not drafts, f"{len(drafts)} bill(s) not posted: {drafts}"

    paid_by = Counter(invoice for row in registered for invoice in row["reconciled_invoice_ids"])
    wrong = {invoices[i]["invoice_origin"]: paid_by[i] for i in invoices if paid_by[i] != 1}
    assert not wrong, f"invoices paid by other than one payment (marker: payments): {wrong}"
    several = [row for row in registered if len(row["reconciled_invoice_ids"]) != 1]
    assert not several, f"payments paying more than one invoice: {several}"
    assert set(paid_by) == set(invoices), f"payments of other moves: {set(paid_by) - set(invoices)}"
    assert len(registered) == len(invoices)
    for payment in registered:
        [invoice] = (invoices[i] for i in payment["reconciled_invoice_ids"])
        record = records[invoice["invoice_origin"]]
        seen = (payment["state"], payment["date"], payment["memo"], payment["amount"])
        assert seen == ("posted", record["paid_on"], record["reference"], invoice["amount_total"]), (
            f"payment {payment['id']} of {record['id']}: {seen}"
        )


@pytest.mark.parametrize("auto_post", [False, True], ids=["drafts", "auto-post"])
def test_a_sync_killed_at_random_moments_makes_every_record_exactly_once(
    tmp_path: Path, odoo_process: SimpleNamespace, auto_post: bool
) -> None:
    documents = sample_documents()
    documents += rent_payments(RECORDS - len(documents), seed=SEED)
    env = prepare(tmp_path, odoo_process, [write_ndjson(tmp_path / "history.ndjson", documents)])  # type: ignore[arg-type]
    if auto_post:
        odoosync(env, "defaults", "set", "--auto-post-invoices", "--auto-post-bills")
    env.update(WORKER)
    eligible = {(d["type"], d["id"]) for d in documents if is_eligible(RecordType(d["type"]), d)}

    with Store.open(default_database_url(env), upgrade=False) as store:
        assert _open_jobs(store) == len(eligible)
        kills = _kill_at_random_moments(env, store, random.Random(SEED))
        assert len(kills) == KILLS, f"only {len(kills)} of {KILLS} kills landed before the backfill was done"
        assert odoo_process.process.poll() is None, "the sandbox died with the sync"

        # Past the lease every killed run's jobs are recoverable: run to completion.
        time.sleep(LEASE_SECONDS + 0.2)
        reports = []
        for _ in range(10):
            reports.append(json.loads(odoosync(env, "sync", "--batch-size", str(BATCH_SIZE), "--json").stdout))
            if not _open_jobs(store):
                break

        jobs = store.jobs.list()
        histories = {job.pk: store.jobs.attempts(job.pk) for job in jobs}

    # Every job done, one per eligible record.
    listed = json.loads(odoosync(env, "queue", "list", "--all", "--json").stdout)["jobs"]
    assert Counter(job["state"] for job in listed) == {"done": len(eligible)}, reports[-1]
    assert {(job["type"], job["id"]) for job in listed} == eligible

    # Every eligible record exactly once in Odoo, and nothing else with a marker of the history.
    odoo = _read_odoo(odoo_process)
    found = _odoo_markers(odoo)
    input_ids = {d["id"] for d in documents}
    for model, expected in _expected_markers(documents).items():
        ours = Counter({m: n for m, n in found[model].items() if m.split(":", 1)[-1] in input_ids})
        duplicates = {m: n for m, n in ours.items() if n > 1}
        assert not duplicates, f"{model}: made more than once: {duplicates}"
        assert ours == expected, f"{model}: missing {expected - ours}, unexpected {ours - expected}"

    # Each document went as far as the defaults say, and no step was done twice: one payment per invoice.
    _assert_posted_and_paid(odoo, documents, auto_post=auto_post)

    # No attempt lost: each claim counted on the job has its attempt in the history, every attempt ended, the
    # killed ones marked interrupted, and each job ends with exactly one attempt done.
    lost = {
        job.pk: f"claimed {job.attempts} times, {len(histories[job.pk])} attempts in the history"
        for job in jobs
        if len(histories[job.pk]) != job.attempts
    }
    assert not lost, f"{len(lost)} job(s) lost attempts from their history: {lost}"
    for job in jobs:
        attempts = histories[job.pk]
        outcomes = [a.outcome for a in attempts]
        assert job.state is JobState.DONE
        assert all(a.finished_at is not None and a.outcome for a in attempts), f"job {job.pk}: {attempts}"
        assert outcomes[-1] == "done", f"job {job.pk}: {outcomes}"
        assert outcomes.count("done") == 1, f"job {job.pk}: {outcomes}"
        assert set(outcomes) <= {"done", "retry", "interrupted"}, f"job {job.pk}: {outcomes}"
    interrupted = [pk for pk, attempts in histories.items() if any(a.outcome == "interrupted" for a in attempts)]
    assert interrupted, f"no kill interrupted an attempt (kills at {kills})"

    # What `queue show` prints for an interrupted job is that same history.
    shown = json.loads(odoosync(env, "queue", "show", str(interrupted[0]), "--json").stdout)
    assert [a["outcome"] for a in shown["attempts"]] == [a.outcome for a in histories[interrupted[0]]]
    assert "interrupted" in [a["outcome"] for a in shown["attempts"]]
    assert len(shown["attempts"]) == next(job["attempts"] for job in listed if job["job"] == interrupted[0])


@pytest.fixture
def slow_odoo_process() -> Iterator[SimpleNamespace]:
    """`odoosync sandbox serve` 20 ms away, in a process of its own: a batch is in flight long enough to be stopped."""
    command = [*ODOOSYNC, "sandbox", "serve", "--port", "0", "--version", "17", "--latency-ms", "20", "--json"]
    with started(command, first=signal.SIGTERM, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        details = json.loads(server.stdout.readline())
        yield SimpleNamespace(process=server, **details)


def _running(store: Store) -> int:
    return sum(n for (_, state), n in store.jobs.counts().items() if state is JobState.RUNNING)


def _sync_stopped_in_flight(env: dict[str, str], store: Store, signal_sent: signal.Signals) -> tuple[int, str]:
    """Start a sync, and send it `signal_sent` while it holds a batch: its exit status and all it printed."""
    command = [*ODOOSYNC, "sync", "--batch-size", "40"]
    options: dict[str, Any] = {"env": env, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with started(command, first=signal_sent, **options) as sync:
        deadline = time.monotonic() + 60
        while not _running(store) and sync.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sync.poll() is None, "the sync finished before it could be stopped"
        assert _running(store), "the sync took no batch within 60 s"
        time.sleep(0.1)
        printed, said = stop(sync, first=signal_sent, grace=60)
    return sync.returncode, printed + said


def _synced_exactly_once(env: dict[str, str], odoo: SimpleNamespace, documents: list[dict[str, Any]]) -> None:
    listed = json.loads(odoosync(env, "queue", "list", "--all", "--json").stdout)["jobs"]
    assert {job["state"] for job in listed} == {"done"}
    found = _odoo_markers(_read_odoo(odoo))
    input_ids = {d["id"] for d in documents}
    for model, expected in _expected_markers(documents).items():
        ours = Counter({m: n for m, n in found[model].items() if m.split(":", 1)[-1] in input_ids})
        assert ours == expected, f"{model}: missing {expected - ours}, more than once {ours - expected}"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stopped_sync_gives_back_what_it_holds_and_says_so(
    tmp_path: Path, slow_odoo_process: SimpleNamespace, stop: signal.Signals
) -> None:
    """Ctrl-C, or systemd's SIGTERM, in the middle of a batch: the run gives its jobs back to the queue before it
    exits (they would otherwise stay leased for the lease's five minutes), says what happened, and a re-run at once
    finishes the work, finding in Odoo what the stopped batch had made."""
    documents = sample_documents() + rent_payments(250, seed=SEED)
    env = prepare(tmp_path, slow_odoo_process, [write_ndjson(tmp_path / "history.ndjson", documents)])  # type: ignore[arg-type]
    with Store.open(default_database_url(env), upgrade=False) as store:
        code, said = _sync_stopped_in_flight(env, store, stop)
        # Ctrl-C exits 130; SIGTERM ends the process by that signal once it is done, as systemd expects.
        assert code == (130 if stop is signal.SIGINT else -signal.SIGTERM), said
        assert f"Stopped by {stop.name}" in said
        assert "went back to the queue" in said
        assert "Nothing to sync" not in said
        assert "Traceback" not in said
        assert _running(store) == 0
        given_back = [job for job in store.jobs.list(states=[JobState.PENDING]) if job.error_kind == "interrupted"]
        assert given_back, "no job was given back"
        assert all(job.search_first for job in given_back)
        assert store.jobs.attempts(given_back[0].pk)[-1].outcome == "interrupted"
    chip = json.loads(
        odoosync(env, "status", given_back[0].record_type.value, given_back[0].record_id, "--json").stdout
    )
    assert "being pushed" not in chip["reason"]
    for _ in range(5):
        report = json.loads(odoosync(env, "sync", "--json").stdout)
        if not report["jobs"]:
            break
    _synced_exactly_once(env, slow_odoo_process, documents)


def test_a_killed_run_is_shown_as_stopped_and_its_jobs_taken_back_at_once(
    tmp_path: Path, slow_odoo_process: SimpleNamespace
) -> None:
    """SIGKILL leaves no chance to give jobs back: status, queue, doctor and health say that their worker is gone,
    and the next sync takes them back at once instead of after the lease."""
    documents = sample_documents() + rent_payments(250, seed=SEED)
    env = prepare(tmp_path, slow_odoo_process, [write_ndjson(tmp_path / "history.ndjson", documents)])  # type: ignore[arg-type]
    with Store.open(default_database_url(env), upgrade=False) as store:
        code, _ = _sync_stopped_in_flight(env, store, signal.SIGKILL)
        assert code == -signal.SIGKILL
        held = store.jobs.list(states=[JobState.RUNNING])
    assert held
    listed = json.loads(odoosync(env, "queue", "list", "--state", "running", "--all", "--json").stdout)["jobs"]
    assert [job["abandoned"] for job in listed] == [True] * len(held)
    shown = odoosync(env, "queue", "list", "--state", "running").stdout
    assert "abandoned" in shown
    assert "held by a sync run that stopped before it finished" in shown
    chip = json.loads(odoosync(env, "status", held[0].record_type.value, held[0].record_id, "--json").stdout)
    assert chip["reason"].startswith("held by a sync run that stopped before it finished")
    checkup = json.loads(odoosync(env, "doctor", "--json", check=False).stdout)
    [queue] = [f for f in checkup["findings"] if f["area"] == "queue"]
    assert queue["message"] == f"{len(held)} job(s) still marked running by a sync run that stopped before it finished"
    health = odoosync(env, "health", "--json", check=False)
    assert health.returncode == 5
    assert any("held by a sync run that stopped" in p for p in json.loads(health.stdout)["problems"])
    report = json.loads(odoosync(env, "sync", "--json").stdout)
    assert report["recovered"] == len(held)  # at once: the lease has five minutes to run
    for _ in range(5):
        if not json.loads(odoosync(env, "sync", "--json").stdout)["jobs"]:
            break
    _synced_exactly_once(env, slow_odoo_process, documents)
