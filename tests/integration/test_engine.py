"""The engine's exactly-once rules, driven in-process against the sandbox with a client that loses answers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text, update

from odoosync.config import Config
from odoosync.domain.jobs import JobState
from odoosync.domain.records import RecordType
from odoosync.odoo import errors
from odoosync.odoo.client import OdooClient
from odoosync.sandbox import Sandbox
from odoosync.store.tables import JobRow
from odoosync.sync.ingest.records import ingest_documents
from odoosync.sync.push.drain import SyncLimits, SyncReport, run_sync
from odoosync.sync.setup.connection import database_key, open_client
from odoosync.sync.setup.workspace import Workspace, open_workspace
from tests.support.portfolio import SAMPLES, sample_documents
from tests.support.workspace import prepare


@pytest.fixture
def ready(tmp_path: Path) -> Iterator[tuple[Sandbox, Workspace, dict[str, str]]]:
    with Sandbox(version=17) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"], since="2025-01-01")
        with open_workspace(None, env) as workspace:
            yield sandbox, workspace, env


def markers(sandbox: Sandbox) -> Counter[str]:
    found: Counter[str] = Counter()
    db = sandbox.instance.db
    found.update(row["ref"] for row in db.table("res.partner").values() if row.get("ref"))
    found.update(row["invoice_origin"] for row in db.table("account.move").values() if row.get("invoice_origin"))
    found.update(row["ref"].split(" · ")[0] for row in db.table("account.payment").values())
    return found


def losing_answers(client: OdooClient, models: set[str], times: int, *, arrived: bool = True) -> list[str]:
    """Make `create` on these models lose its answer (`times` times), after doing its work in Odoo or (with
    `arrived=False`) before the request reached it."""
    lost: list[str] = []
    original = client.create

    def create(model: str, values: Any, **options: Any) -> list[int]:
        if model in models and len(lost) < times and not arrived:
            lost.append(model)
            raise errors.OutcomeUnknown("the connection dropped while sending", None)
        ids = original(model, values, **options)
        if model in models and len(lost) < times:
            lost.append(model)
            raise errors.OutcomeUnknown("the answer did not come in time", None)
        return ids

    client.create = create  # type: ignore[method-assign]
    return lost


def test_a_create_whose_answer_is_lost_is_found_not_made_twice(
    ready: tuple[Sandbox, Workspace, dict[str, str]],
) -> None:
    sandbox, workspace, env = ready
    with open_client(workspace.config, env) as client:
        lost = losing_answers(client, {"res.partner", "account.move", "account.payment"}, times=3)
        report = run_sync(workspace.config, workspace.store, client=client)
    assert lost == ["res.partner", "account.move", "account.payment"]  # partners, the bills, the payments
    assert report.failed == 0
    counts = markers(sandbox)
    assert counts
    assert set(counts.values()) == {1}
    eligible = [
        d
        for d in sample_documents()
        if d["type"] == "contact" or d.get("status") in ("approved", "verified", "recorded")
    ]
    assert set(counts) == {d["id"] for d in eligible}
    synced = sum(t.synced for t in report.by_type.values())
    assert synced == len(eligible)


def test_an_answer_lost_twice_retries_later_and_searches_first(
    ready: tuple[Sandbox, Workspace, dict[str, str]],
) -> None:
    sandbox, workspace, env = ready
    with open_client(workspace.config, env) as client:
        losing_answers(client, {"res.partner"}, times=2, arrived=False)
        report = run_sync(workspace.config, workspace.store, client=client)
    assert report.by_type["contact"].retrying == 21
    contacts = [job for job in workspace.store.jobs.list() if job.record_type is RecordType.CONTACT]
    assert all(job.search_first and job.error_kind == "transient" for job in contacts)
    assert not any(row.get("ref") for row in sandbox.instance.db.table("res.partner").values())
    assert report.by_type["rent_payment"].waiting > 0  # their tenants are not in Odoo yet

    # Their time comes: the next run searches Odoo first, finds nothing, creates each once.
    with workspace.store.engine.begin() as connection:
        connection.execute(update(JobRow).values(next_attempt_at=JobRow.created_at))
    report = run_sync(workspace.config, workspace.store, env=env)
    assert report.failed == 0
    assert set(markers(sandbox).values()) == {1}


def test_a_run_stops_when_odoo_refuses_a_whole_batch_for_now(ready: tuple[Sandbox, Workspace, dict[str, str]]) -> None:
    _sandbox, workspace, env = ready
    with open_client(workspace.config, env) as client:

        def overloaded(model: str, values: Any, **options: Any) -> list[int]:
            raise errors.TransientError("Odoo is overloaded (HTTP 503)", None)

        client.create = overloaded  # type: ignore[method-assign]
        report = run_sync(workspace.config, workspace.store, SyncLimits(batch_size=10), client=client)
    assert report.stopped_by == "odoo_unavailable"
    assert report.batches == 1
    assert report.by_type["contact"].retrying == 10
    assert all(job.next_attempt_at > job.created_at for job in workspace.store.jobs.list()[:10])


class _WorkerDied(BaseException):
    """The process ends there, as under SIGKILL: nothing of odoosync's runs after it (a Ctrl-C would give the batch
    back)."""


def _auto_posting(workspace: Workspace) -> Config:
    return replace(workspace.config, defaults=workspace.config.defaults.model_copy(update={"auto_post_invoices": True}))


def _stopped_after_paying(workspace: Workspace, env: dict[str, str], stop: type[BaseException]) -> SyncReport:
    """An auto-posting sync that `stop` ends right after Odoo registered the batch's payments, before odoosync
    recorded them."""
    config = _auto_posting(workspace)
    with open_client(config, env) as client:
        original = client.call

        def stopped_after_paying(model: str, method: str, *args: Any, **kwargs: Any) -> Any:
            answer = original(model, method, *args, **kwargs)
            if method == "action_create_payments":
                raise stop
            return answer

        client.call = stopped_after_paying  # type: ignore[method-assign]
        return run_sync(config, workspace.store, client=client)


def _payments_per_invoice(sandbox: Sandbox) -> Counter[int]:
    return Counter(
        i
        for row in sandbox.instance.db.table("account.payment").values()
        for i in row.get("reconciled_invoice_ids") or ()
    )


def test_a_payment_registered_before_a_crash_is_linked_by_the_next_attempt(
    ready: tuple[Sandbox, Workspace, dict[str, str]],
) -> None:
    sandbox, workspace, env = ready
    with pytest.raises(_WorkerDied):
        _stopped_after_paying(workspace, env, _WorkerDied)
    with workspace.store.engine.begin() as connection:  # the lease runs out
        connection.execute(update(JobRow).values(lease_expires_at=JobRow.created_at))
    report = run_sync(_auto_posting(workspace), workspace.store, env=env)
    assert report.failed == 0
    paid = _payments_per_invoice(sandbox)
    assert paid
    assert set(paid.values()) == {1}  # no second payment
    database = f"{sandbox.url.lower()}#{sandbox.database}"
    pks = [job.record_pk for job in workspace.store.jobs.list() if job.record_type is RecordType.RENT_PAYMENT]
    links = workspace.store.links.of_records(database, pks, role="payment")
    assert {link.odoo_id for link in links.values()} == {
        row["id"] for row in sandbox.instance.db.table("account.payment").values() if row.get("reconciled_invoice_ids")
    }


def test_ctrl_c_after_paying_gives_the_batch_back_and_the_next_run_pays_nothing_twice(
    ready: tuple[Sandbox, Workspace, dict[str, str]],
) -> None:
    sandbox, workspace, env = ready
    stopped = _stopped_after_paying(workspace, env, KeyboardInterrupt)
    assert stopped.stopped_by == "SIGINT"
    assert stopped.released > 0
    assert workspace.store.jobs.list(states=[JobState.RUNNING]) == []
    report = run_sync(_auto_posting(workspace), workspace.store, env=env)  # at once: no lease to wait for
    assert report.failed == 0
    paid = _payments_per_invoice(sandbox)
    assert paid
    assert set(paid.values()) == {1}


def test_deposits_whose_ids_hold_the_memo_separator_each_find_their_own_payment(
    ready: tuple[Sandbox, Workspace, dict[str, str]], tmp_path: Path
) -> None:
    """`DP-7 · A` and `DP-7`, their answers lost after Odoo made their payments: each is linked to its own, in
    either order, and a later run does not stumble on them."""
    sandbox, workspace, env = ready
    tenant = next(d for d in sample_documents() if d["type"] == "deposit")
    deposits = [
        {**tenant, "id": "DP-7 · A", "reference": "March", "amount": "111.00"},
        {**tenant, "id": "DP-7", "reference": "April", "amount": "222.00"},
        {**tenant, "id": "DP-7 · A · X", "reference": None, "amount": "333.00"},
    ]
    ingest_documents(workspace.store, deposits)
    with open_client(workspace.config, env) as client:
        losing_answers(client, {"account.payment"}, times=10)
        report = run_sync(workspace.config, workspace.store, client=client)
    assert report.failed == 0, report
    memo = "ref"
    payments = {
        row["id"]: (row[memo], row["amount"])
        for row in sandbox.instance.db.table("account.payment").values()
        if str(row.get(memo) or "").startswith("DP-7")
    }
    assert sorted(payments.values()) == [
        ("DP-7 · A · March", Decimal("111.00")),
        ("DP-7 · A · X", Decimal("333.00")),
        ("DP-7 · April", Decimal("222.00")),
    ]
    database = database_key(workspace.config.odoo.url, workspace.config.odoo.database)
    for deposit in deposits:
        stored = workspace.store.records.get(RecordType.DEPOSIT, deposit["id"])
        assert stored is not None
        [link] = workspace.store.links.of_record(database, stored.pk)
        assert payments[link.odoo_id][1] == Decimal(deposit["amount"]), deposit["id"]
    again = run_sync(workspace.config, workspace.store, env=env)
    assert (again.failed, again.jobs) == (0, 0)


def test_a_slow_batch_keeps_its_lease_so_no_other_worker_takes_it_over(tmp_path: Path) -> None:
    """Leases of a second: every call to Odoo takes 0.1 s, a batch several seconds. Another worker recovering
    expired leases all along finds none, and everything is made once."""
    with Sandbox(version=17, think_ms=100) as sandbox:
        env = {**prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"]), "ODOOSYNC_WORKER_LEASE_SECONDS": "1"}
        with open_workspace(None, env) as workspace:
            assert workspace.config.worker.lease_seconds == 1
            recovered: list[int] = []
            done = threading.Event()

            def other_worker() -> None:
                while not done.wait(0.1):
                    recovered.append(workspace.store.jobs.recover_expired())

            watcher = threading.Thread(target=other_worker)
            watcher.start()
            try:
                started = time.monotonic()
                report = run_sync(workspace.config, workspace.store, SyncLimits(max_seconds=20), env=env)
                elapsed = time.monotonic() - started
            finally:
                done.set()
                watcher.join()
        assert elapsed > 2  # batches longer than a lease
        assert sum(recovered) == 0
        assert report.failed == 0
        assert set(markers(sandbox).values()) == {1}


def test_a_stored_document_that_cannot_be_read_fails_its_job_alone(
    ready: tuple[Sandbox, Workspace, dict[str, str]],
) -> None:
    sandbox, workspace, env = ready
    broken = workspace.store.records.get(RecordType.CONTACT, "C-1001")
    assert broken is not None
    with workspace.store.engine.begin() as connection:
        connection.execute(text("UPDATE records SET document = '{not json' WHERE pk = :pk"), {"pk": broken.pk})
    report = run_sync(workspace.config, workspace.store, env=env)
    [failed] = [job for job in workspace.store.jobs.list() if job.state.value == "failed"]
    assert failed.record_id == "C-1001"
    assert "the stored copy of contact C-1001 is not a valid record: it cannot be read" in (failed.last_error or "")
    assert "Ingest the record again" in (failed.last_error or "")
    assert report.by_type["contact"].synced == 20  # the others went on
    assert "C-1002" in markers(sandbox)
