"""Fault test: with the sandbox failing 20 % of calls (429, 503, connection reset, timeout and concurrency
error, mixed), the sync converges to the same final Odoo state as a fault-free run, with no duplicates.

Two sandboxes of the same version get the same history and the same set-up (done before the faults are switched
on: the set-up is not what is tested). The fault-free one is synced once; the faulty one is synced again and
again, with a tiny backoff, until no job is pending or running. Then the two Odoo databases are read directly
(not over the wire, so that reading adds no faults) and compared record by record, matched by their markers:
the Odoo ids may differ, since a rolled-back create uses ids up.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from odoosync.sandbox import Sandbox
from odoosync.sandbox.faults import FAULTS
from odoosync.sync.build.builders import MEMO_SEPARATOR
from tests.support.portfolio import rent_payments, sample_documents, write_ndjson
from tests.support.workspace import odoosync, prepare

FAIL_RATE = 0.2
FAULT_SEED = 4242
GENERATED = 200
# The timeout fault answers after SLOW_SECONDS; the client gives up after TIMEOUT_SECONDS, so that a timeout costs
# half a second, not the default 30.
SLOW_SECONDS = 1.0
SETTINGS = {
    "ODOOSYNC_ODOO_TIMEOUT_SECONDS": "0.5",
    "ODOOSYNC_WORKER_BACKOFF_BASE_SECONDS": "0.01",
    "ODOOSYNC_WORKER_BACKOFF_MAX_SECONDS": "0.05",
}
# Small batches: more calls, so that every kind of fault comes up several times.
BATCH_SIZE = 20
MAX_RUNS = 20
# Exit statuses a sync under faults may end with: done (0), some job failed (4), Odoo unavailable for now (75).
SYNC_EXITS = (0, 4, 75)

PARTNER_FIELDS = [
    "name",
    "is_company",
    "email",
    "phone",
    "mobile",
    "vat",
    "company_registry",
    "lang",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "company_id",
    "customer_rank",
    "supplier_rank",
    "active",
]
MOVE_FIELDS = [
    "move_type",
    "state",
    "partner_id",
    "journal_id",
    "company_id",
    "currency_id",
    "invoice_date",
    "invoice_date_due",
    "date",
    "ref",
    "payment_reference",
    "narration",
    "invoice_origin",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "payment_state",
]
LINE_FIELDS = [
    "display_type",
    "name",
    "product_id",
    "account_id",
    "partner_id",
    "quantity",
    "price_unit",
    "discount",
    "tax_ids",
    "analytic_distribution",
    "price_subtotal",
    "price_total",
    "debit",
    "credit",
]
PAYMENT_FIELDS = [
    "payment_type",
    "partner_type",
    "partner_id",
    "amount",
    "currency_id",
    "journal_id",
    "date",
    "ref",
    "memo",
    "state",
    "company_id",
]


def _sync_until_settled(env: dict[str, str]) -> list[dict[str, Any]]:
    """Run `odoosync sync` until no job is pending or running; the reports of the runs."""
    reports = []
    for _ in range(MAX_RUNS):
        done = odoosync(env, "sync", "--batch-size", str(BATCH_SIZE), "--json", check=False)
        assert done.returncode in SYNC_EXITS, f"sync → {done.returncode}\n{done.stdout}\n{done.stderr}"
        reports.append(json.loads(done.stdout) if done.returncode != 75 else {"error": done.stderr})
        open_jobs = json.loads(
            odoosync(env, "queue", "list", "--state", "pending", "--state", "running", "--json").stdout
        )["jobs"]
        if not open_jobs:
            return reports
        time.sleep(0.05)  # the backoff of the jobs that will retry
    raise AssertionError(f"jobs still open after {MAX_RUNS} runs: {reports[-1]}")


class _Reader:
    """Reads one sandbox's database through its ORM: every company, archived records too, no call logged."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.instance = sandbox.instance
        self.companies = sorted(self.instance.db.table("res.company"))

    def rows(self, model: str, domain: list[Any], fields: list[str]) -> list[dict[str, Any]]:
        orm = self.instance.model(model, active_test=False, allowed_company_ids=self.companies)
        known = [f for f in fields if f in orm._fields]
        rows: list[dict[str, Any]] = orm.search_read(domain, known)
        return rows


def _plain(value: Any, refs: dict[int, str], names: dict[int, str], field: str) -> Any:
    """A value comparable across databases: a many2one by its name (a partner by its ref), taxes by name."""
    if field == "partner_id":
        return refs.get(value[0], value[1]) if value else False
    if field == "tax_ids":
        return sorted(names[i] for i in value)
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
        return value[1]
    return value


def _odoo_state(sandbox: Sandbox) -> tuple[dict[str, Any], dict[str, int]]:
    """What odoosync made in this Odoo, keyed by marker, and every marker seen more than once."""
    read = _Reader(sandbox)
    markers: Counter[str] = Counter()
    state: dict[str, Any] = {}

    partners = read.rows("res.partner", [("ref", "!=", False)], ["ref", *PARTNER_FIELDS])
    refs = {row["id"]: str(row["ref"]) for row in partners}
    taxes = {row["id"]: str(row["name"]) for row in read.rows("account.tax", [], ["name"])}
    for row in partners:
        key = f"partner {row['ref']}"
        markers[key] += 1
        state[key] = {f: _plain(row[f], refs, taxes, f) for f in PARTNER_FIELDS if f in row}

    moves = read.rows("account.move", [("invoice_origin", "!=", False)], ["line_ids", *MOVE_FIELDS])
    lines: dict[int, list[str]] = defaultdict(list)
    for line in read.rows(
        "account.move.line", [("move_id", "in", [m["id"] for m in moves])], ["move_id", *LINE_FIELDS]
    ):
        plain = {f: _plain(line[f], refs, taxes, f) for f in LINE_FIELDS if f in line}
        lines[line["move_id"][0]].append(json.dumps(plain, sort_keys=True))
    for row in moves:
        key = f"{row['move_type']} {row['invoice_origin']}"
        markers[key] += 1
        state[key] = {f: _plain(row[f], refs, taxes, f) for f in MOVE_FIELDS if f in row}
        state[key]["lines"] = sorted(lines[row["id"]])

    memo = "ref" if sandbox.version <= 17 else "memo"
    for row in read.rows("account.payment", [(memo, "!=", False)], PAYMENT_FIELDS):
        key = f"payment {str(row[memo]).split(MEMO_SEPARATOR, 1)[0]}"
        markers[key] += 1
        state[key] = {f: _plain(row[f], refs, taxes, f) for f in PAYMENT_FIELDS if f in row}
    return state, {key: n for key, n in markers.items() if n > 1}


def _calm_run(root: Path, sandbox: Sandbox, history: Path) -> dict[str, str]:
    """Set up and sync the fault-free workspace."""
    env = {**prepare(root, sandbox, [history]), **SETTINGS}
    [report] = _sync_until_settled(env)
    assert report["ok"], report["failures"]
    return env


@pytest.mark.parametrize("version", [17, 19])
def test_under_faults_the_sync_converges_to_the_fault_free_state(tmp_path: Path, version: int) -> None:
    history = write_ndjson(tmp_path / "history.ndjson", sample_documents() + rent_payments(GENERATED, seed=31))
    (tmp_path / "calm").mkdir()
    (tmp_path / "faulty").mkdir()
    with (
        Sandbox(version) as calm,
        Sandbox(version, fail_rate=FAIL_RATE, seed_value=FAULT_SEED, slow_seconds=SLOW_SECONDS) as faulty,
    ):
        faulty.faults.rate = 0.0  # a calm set-up: the sync is what is tested
        # One after the other: the command runs in this process, which has one standard output and environment.
        calm_env = _calm_run(tmp_path / "calm", calm, history)
        faulty_env = {**prepare(tmp_path / "faulty", faulty, [history]), **SETTINGS}

        faulty.faults.rate = FAIL_RATE
        reports = _sync_until_settled(faulty_env)
        faulty.faults.rate = 0.0
        injected = Counter(faulty.faults.injected)
        assert set(injected) == set(FAULTS), f"not every kind of fault was injected: {injected}"

        for env in (calm_env, faulty_env):
            jobs = json.loads(odoosync(env, "queue", "list", "--all", "--json").stdout)["jobs"]
            assert Counter(job["state"] for job in jobs) == {"done": len(jobs)}, (reports, injected)

        expected, calm_duplicates = _odoo_state(calm)
        found, duplicates = _odoo_state(faulty)

    assert not calm_duplicates
    assert not duplicates, f"made more than once under faults: {duplicates}"
    assert found.keys() == expected.keys(), (
        f"missing {sorted(expected.keys() - found.keys())}, unexpected {sorted(found.keys() - expected.keys())}"
    )
    different = {key: (expected[key], found[key]) for key in expected if expected[key] != found[key]}
    example = next(iter(different.items()), None)
    assert not different, f"{len(different)} records differ from the fault-free run, e.g. {example}"
    assert len(expected) == 21 + 46 + 21 + 9 + GENERATED  # contacts, approved rent, verified expenses, deposits
