"""odoosync sync end to end: the installed command, as a subprocess, against the sandbox (Odoo 16 to 19) and a
live Odoo.

The sample portfolio and its edits: every eligible record appears once in Odoo with the right partner, lines,
taxes and totals; ineligible ones do not; edits update in place; the status chips say so.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from odoosync.domain.links import Link
from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint
from odoosync.sandbox import Sandbox
from odoosync.store import Store
from tests.support.portfolio import SAMPLES, expense_using, rent_payments, sample_documents, write_ndjson
from tests.support.servers import SERVERS, Server, record_id, rows, serve, servers, tag_of, tagged
from tests.support.workspace import odoosync, own_inputs, prepare, workspace_env

PORTFOLIO = SAMPLES / "portfolio.ndjson"
EDITS = SAMPLES / "edits.ndjson"
MOVE_FIELDS = [
    "move_type",
    "invoice_origin",
    "state",
    "amount_total",
    "amount_untaxed",
    "partner_id",
    "invoice_date",
    "payment_reference",
    "ref",
    "company_id",
    "journal_id",
]


def moves(server: Server, move_type: str, origins: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """This run's documents of `move_type` by the app record they were made for."""
    found: dict[str, list[dict[str, Any]]] = {}
    domain = [("move_type", "=", move_type), ("invoice_origin", "in", sorted(origins))]
    for row in rows(server, "account.move", domain, MOVE_FIELDS):
        found.setdefault(row["invoice_origin"], []).append(row)
    return found


def partners(server: Server, refs: Iterable[str]) -> list[dict[str, Any]]:
    return rows(server, "res.partner", [("ref", "in", sorted(refs))], ["ref", "email", "active"])


def payments(server: Server, memo: str, ids: Iterable[str]) -> list[dict[str, Any]]:
    """This run's payments: those whose memo starts with one of `ids`."""
    ids = sorted(ids)
    domain: list[Any] = ["|"] * (len(ids) - 1) + [(memo, "=like", f"{i}%") for i in ids]
    fields = [memo, "amount", "payment_type", "state", "move_id", "company_id"]
    found = rows(server, "account.payment", domain, fields)
    return [row for row in found if str(row[memo]).split(" · ")[0] in ids]


def sync(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    done = odoosync(env, "sync", "--json", *args, check=False)
    assert done.returncode in (0, 4), done.stderr
    return done.returncode, json.loads(done.stdout)


def chip(env: dict[str, str], record_type: str, record_id: str) -> dict[str, Any]:
    status: dict[str, Any] = json.loads(odoosync(env, "status", record_type, record_id, "--json").stdout)
    return status


@pytest.mark.parametrize("version", SERVERS)
def test_the_sample_portfolio_and_its_edits(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        documents = tagged(server, sample_documents())
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        code, report = sync(env)
        assert code == 0, report["failures"]
        assert report["failures"] == []

        contacts = {d["id"]: d for d in documents if d["type"] == "contact"}
        assert Counter(row["ref"] for row in partners(server, contacts)) == dict.fromkeys(contacts, 1)
        partner_of = {row["ref"]: row for row in partners(server, contacts)}

        approved = {d["id"]: d for d in documents if d["type"] == "rent_payment" and d["status"] == "approved"}
        rent_ids = {d["id"] for d in documents if d["type"] == "rent_payment"}
        invoices = moves(server, "out_invoice", rent_ids)
        assert set(invoices) == set(approved)  # pending ones stay out of Odoo
        for payment_id, payment in approved.items():
            [invoice] = invoices[payment_id]
            assert invoice["state"] == "draft"
            assert invoice["amount_total"] == Decimal(payment["amount_paid"])
            assert invoice["partner_id"] == partner_of[payment["tenant_id"]]["id"]
            assert str(invoice["invoice_date"]) == payment["paid_on"]

        verified = {d["id"]: d for d in documents if d["type"] == "expense" and d["status"] == "verified"}
        expense_ids = {d["id"] for d in documents if d["type"] == "expense"}
        bills = moves(server, "in_invoice", expense_ids)
        assert set(bills) == set(verified)
        for expense_id, expense in verified.items():
            [bill] = bills[expense_id]
            assert bill["ref"] == expense.get("bill_reference", False)
            assert bill["partner_id"] == partner_of[expense["vendor_id"]]["id"]
            untaxed = sum(Decimal(line["amount"]) for line in expense["lines"])
            assert bill["amount_untaxed"] == untaxed

        memo = "ref" if server.version <= 17 else "memo"
        recorded = {d["id"]: d for d in documents if d["type"] == "deposit" and d["status"] == "recorded"}
        deposit_ids = {d["id"] for d in documents if d["type"] == "deposit"}
        made = payments(server, memo, deposit_ids)
        assert Counter(row[memo].split(" · ")[0] for row in made) == Counter(list(recorded))
        for row in made:
            deposit = recorded[row[memo].split(" · ")[0]]
            assert row["amount"] == Decimal(deposit["amount"])
            assert row["payment_type"] == ("inbound" if deposit["direction"] == "in" else "outbound")
            assert row["state"] == ("posted" if server.version <= 17 else "in_process")
            assert row["move_id"]  # its journal entry

        synced = chip(env, "rent_payment", record_id(server, "RP-2026-0001"))
        assert synced["chip"] == "synced"
        assert synced["odoo"]["model"] == "account.move"
        pending = next(d for d in documents if d["type"] == "rent_payment" and d["status"] == "pending")
        assert chip(env, "rent_payment", pending["id"])["reason"].startswith("not eligible: its status is pending")

        # The edits: a contact's email, a payment's reference, an expense voided, a contact archived.
        odoosync(env, "ingest", *map(str, own_inputs(tmp_path, server, [EDITS])))
        code, report = sync(env)
        assert code == 0, report["failures"]
        partners_now = {row["ref"]: row for row in partners(server, contacts)}
        assert partners_now[record_id(server, "C-1004")]["email"] == "john.carter@example.com"
        assert partners_now[record_id(server, "C-1012")]["active"] is False
        corrected = moves(server, "out_invoice", rent_ids)[record_id(server, "RP-2026-0003")]
        assert corrected[0]["payment_reference"] == "TRX-CORRECTED"
        voided = moves(server, "in_invoice", expense_ids)[record_id(server, "EX-302")]
        assert [bill["state"] for bill in voided] == ["cancel"]
        assert len(moves(server, "out_invoice", rent_ids)) == len(approved)  # updated in place, nothing duplicated
        assert Counter(row["ref"] for row in partners(server, contacts)) == dict.fromkeys(contacts, 1)
        archived = chip(env, "contact", record_id(server, "C-1012"))
        assert archived["chip"] == "synced"
        assert archived["odoo"]["state"] == "archived"
        assert chip(env, "expense", record_id(server, "EX-302"))["odoo"]["state"] == "cancel"

        # Nothing left to do: a second run takes no job and makes no change.
        before = len(server.calls) if isinstance(server, Sandbox) else 0
        code, report = sync(env)
        assert (code, report["jobs"]) == (0, 0)
        assert report["odoo_calls"] <= 10  # the run's set-up reads only
        if isinstance(server, Sandbox):
            # What the run counted is what Odoo answered, but for the connection's proof of the key: a model call
            # on 19 (JSON-2 has no login), `common.authenticate` up to 18, which the call log does not list.
            proof = 1 if server.version >= 19 else 0
            assert len(server.calls) - before == report["odoo_calls"] + proof


@pytest.mark.parametrize("version", servers(17))
def test_a_backfill_of_a_thousand_payments_costs_at_most_a_tenth_of_a_call_per_record(
    tmp_path: Path, version: int | str
) -> None:
    generated = write_ndjson(tmp_path / "generated.ndjson", rent_payments(1000))
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO, generated], since="2025-01-01")
        before = len(server.calls) if isinstance(server, Sandbox) else 0
        code, report = sync(env)
        assert code == 0, report["failures"][:3]
        assert report["jobs"] >= 1090
        if isinstance(server, Sandbox):
            assert len(server.calls) - before == report["odoo_calls"]
        calls = report["odoo_calls"]
        assert calls / report["jobs"] <= 0.1, f"{calls} calls for {report['jobs']} records"
        documents = tagged(server, [*sample_documents(), *rent_payments(1000)])
        invoices = moves(server, "out_invoice", {d["id"] for d in documents if d["type"] == "rent_payment"})
        assert all(len(found) == 1 for found in invoices.values())
        assert len(invoices) == 1000 + sum(1 for d in sample_documents() if d.get("status") == "approved")


@pytest.mark.parametrize("version", servers(17))
def test_a_missing_mapping_fails_with_what_to_do_then_syncs_once_mapped(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        odoosync(env, "map", "remove", "category", "Plumbing")
        code, report = sync(env)
        assert code == 4
        failed = {f["id"]: f["error"] for f in report["failures"]}
        assert failed  # the plumbing bills, and only those
        for error in failed.values():
            assert error.startswith('Expense category "plumbing" has no account mapping (company ')
            assert error.endswith(
                'Run: odoosync map set category "plumbing" --account <code>, then odoosync queue retry --failed'
            )
        assert report["by_type"]["rent_payment"]["failed"] == 0
        listed = json.loads(odoosync(env, "queue", "list", "--state", "failed", "--json").stdout)["jobs"]
        assert {job["id"] for job in listed} == set(failed)
        assert chip(env, "expense", next(iter(failed)))["chip"] == "failed"

        odoosync(env, "map", "set", "category", "Plumbing", "--account", "400042")  # Maintenance
        odoosync(env, "queue", "retry", "--failed")
        code, report = sync(env)
        assert code == 0
        assert report["by_type"]["expense"]["synced"] == len(failed)
        assert set(failed) <= set(moves(server, "in_invoice", failed))


@pytest.mark.parametrize("version", servers(18))
def test_one_code_written_two_ways_is_one_problem_with_one_command(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        category = f"Pest control {tag_of(server)}".strip()
        written = {"EX-PEST-1": category, "EX-PEST-2": category.replace("control", "Control") + " "}
        documents = tagged(server, [expense_using(c, record) for record, c in written.items()])
        ids = sorted(d["id"] for d in documents)
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "pest.ndjson", documents)))
        unmapped = json.loads(odoosync(env, "map", "list", "--unmapped", "--json").stdout)
        assert [(row["kind"], row["records"]) for row in unmapped] == [("category", 2)]  # one code in map list…
        command = f'Run: odoosync map set category "{category.casefold()}" --account <code>'

        def one_cause(found: dict[str, tuple[str, str]]) -> None:
            """Each record's reason and what to do, its own id left out: one for both."""
            assert sorted(found) == ids
            causes = {(why.replace(f", needed by expense {record}", ""), then) for record, (why, then) in found.items()}
            assert len(causes) == 1, causes
            assert next(iter(causes))[1].startswith(command)

        # …and one in plan (JSON and terminal)…
        problems = json.loads(odoosync(env, "plan", "--json").stdout)["problems"]
        one_cause({p["id"]: (p["message"], p["instruction"]) for p in problems if p["id"] in ids})
        shown = odoosync(env, "plan").stderr
        assert shown.count("would fail expense") == 1, shown
        assert shown.count("odoosync map set category") == 1, shown
        assert f"{ids[0]}, {ids[1]}" in shown

        # …and in sync (JSON and terminal).
        code, report = sync(env)
        assert code == 4
        split = {f["id"]: f["error"].split("\n", 1) for f in report["failures"]}
        one_cause({record: (why, then) for record, (why, then) in split.items()})
        odoosync(env, "queue", "retry", "--failed")
        shown = odoosync(env, "sync", check=False).stderr
        assert shown.count("failed expense") == 1, shown
        assert shown.count("odoosync map set category") == 1, shown


@pytest.mark.parametrize("version", servers(18))
def test_a_payment_waits_for_its_tenant(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        [newcomer] = tagged(server, [{"type": "contact", "id": "C-2001", "roles": ["tenant"], "name": "New Tenant"}])
        approved = next(d for d in sample_documents() if d["type"] == "rent_payment" and d["status"] == "approved")
        [payment] = tagged(server, [{**approved, "id": "RP-NEW-1", "tenant_id": "C-2001"}], known={"C-2001"})
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "payment.ndjson", [payment])))
        code, report = sync(env)
        assert code == 0
        assert report["by_type"]["rent_payment"]["waiting"] == 1
        waiting = chip(env, "rent_payment", payment["id"])
        assert waiting["chip"] == "pending"
        assert f"waits for contact {newcomer['id']}, which is not in Odoo yet" in waiting["reason"]

        # The tenant arrives: synced first, it wakes the payment, which syncs in the same run.
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "tenant.ndjson", [newcomer])))
        code, report = sync(env)
        assert code == 0
        assert report["by_type"]["contact"]["synced"] == 1
        assert report["by_type"]["rent_payment"]["synced"] == 1
        assert chip(env, "rent_payment", payment["id"])["chip"] == "synced"


@pytest.mark.parametrize("version", servers(17))
def test_one_record_odoo_refuses_fails_alone(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        documents = tagged(server, sample_documents())
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        assert sync(env, "--type", "contact")[0] == 0
        # The partner of one vendor is deleted in Odoo after it synced: Odoo refuses that vendor's bills (a
        # mapping broken that way would be caught before sending; a partner is not checked).
        vendor_ref = record_id(server, "C-5003")
        [vendor] = partners(server, [vendor_ref])
        with OdooClient.connect(
            Endpoint(server.url, server.database, server.login, True, 30), server.api_key
        ) as client:
            client.call("res.partner", "unlink", [vendor["id"]])
        code, report = sync(env)
        assert code == 4
        refused = {
            d["id"]
            for d in documents
            if d["type"] == "expense" and d["status"] == "verified" and d["vendor_id"] == vendor_ref
        }
        assert refused
        failed = {f["id"]: f["error"] for f in report["failures"]}
        assert set(failed) == refused
        assert all(error.startswith(f"Odoo refused the bill of expense {i}") for i, error in failed.items())
        expense_ids = {d["id"] for d in documents if d["type"] == "expense"}
        assert set(moves(server, "in_invoice", expense_ids)).isdisjoint(refused)
        verified = sum(1 for d in documents if d["type"] == "expense" and d["status"] == "verified")
        assert len(moves(server, "in_invoice", expense_ids)) == verified - len(refused)


@pytest.mark.parametrize("version", servers(17))
def test_the_headline_counts_what_became_of_the_jobs(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        approved = next(d for d in sample_documents() if d["type"] == "rent_payment" and d["status"] == "approved")
        [orphan] = tagged(server, [{**approved, "id": "RP-NEW-1", "tenant_id": "C-2001"}], known={"C-2001"})
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "payment.ndjson", [orphan])))
        odoosync(env, "map", "remove", "category", "Plumbing")
        done = odoosync(env, "sync", check=False)
        assert done.returncode == 4
        failed = [
            d
            for d in sample_documents()
            if d["type"] == "expense"
            and d["status"] == "verified"
            and any(line["category"].strip().casefold() == "plumbing" for line in d["lines"])
        ]
        headline = done.stdout.splitlines()[0]
        jobs = sum(1 for d in tagged(server, sample_documents()) if d["type"] == "contact") + 1
        assert not headline.startswith("Synced"), headline
        assert f", {len(failed)} failed, 1 waiting: " in headline, headline
        synced = int(headline.split(" synced")[0])
        assert synced >= jobs - 1  # the contacts at least
        assert f"{synced + len(failed) + 1} job(s) in " in headline, headline

        # --json counts the same outcomes, over every type (the payment waits for its tenant until later).
        odoosync(env, "map", "set", "category", "Plumbing", "--account", "400042")
        odoosync(env, "queue", "retry", "--failed")
        code, again = sync(env)
        assert code == 0
        assert again["outcomes"] == {"synced": len(failed), "unchanged": 0, "failed": 0, "retrying": 0, "waiting": 0}


def test_link_type_is_the_domain_one() -> None:
    assert Link.__dataclass_fields__["role"].default == "document"


@pytest.mark.postgres
@pytest.mark.parametrize("version", servers(19))
def test_the_portfolio_syncs_with_its_state_in_postgresql(
    tmp_path: Path, pg_schema_url: str, version: int | str
) -> None:
    with serve(version) as server:
        documents = tagged(server, sample_documents())
        env = prepare(tmp_path, server, [PORTFOLIO, EDITS], since="2025-01-01", database_url=pg_schema_url)
        code, report = sync(env)
        assert code == 0, report["failures"]
        approved = {d["id"] for d in documents if d["type"] == "rent_payment" and d["status"] == "approved"}
        invoices = moves(server, "out_invoice", {d["id"] for d in documents if d["type"] == "rent_payment"})
        assert set(invoices) == approved
        assert all(len(found) == 1 for found in invoices.values())
        with Store.open(pg_schema_url) as store:
            assert store.links.count(f"{server.url.lower()}#{server.database}") == report["jobs"]
        voided = record_id(server, "EX-302")
        assert voided not in moves(server, "in_invoice", [voided])  # voided before it was ever queued
        assert sync(env)[1]["jobs"] == 0


@pytest.mark.parametrize("version", servers(17))
def test_deposits_can_go_to_an_account_of_their_own(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        # A current liability cannot be a payment's counterpart in Odoo: refused, with the reason.
        done = odoosync(env, "defaults", "set", "--deposit-account", "201018", check=False)  # Deferred income
        assert done.returncode == 2
        assert "receivable or payable account" in done.stderr
        # A payable account of its own (made once on a live Odoo, whose chart persists).
        held = [row["id"] for row in rows(server, "account.account", [("code", "=", "201100")], ["id"])]
        if not held:
            endpoint = Endpoint(server.url, server.database, server.login, True, 30)
            with OdooClient.connect(endpoint, server.api_key) as client:
                held = client.create(
                    "account.account",
                    [
                        {
                            "code": "201100",
                            "name": "Tenant deposits held",
                            "account_type": "liability_payable",
                            "reconcile": True,
                        }
                    ],
                )
        odoosync(env, "defaults", "set", "--deposit-account", "201100")
        code, report = sync(env)
        assert code == 0, report["failures"]
        memo = "ref" if server.version <= 17 else "memo"
        deposit_ids = {d["id"] for d in tagged(server, sample_documents()) if d["type"] == "deposit"}
        entries = {row["id"]: row["move_id"] for row in payments(server, memo, deposit_ids)}
        assert entries
        for payment, entry in entries.items():
            lines = rows(server, "account.move.line", [("move_id", "=", entry)], ["account_id"])
            accounts = {line["account_id"] for line in lines}
            assert held[0] in accounts, payment


@pytest.mark.parametrize("version", [17, 18])
def test_owner_separation_by_company_puts_each_owners_documents_in_their_company(tmp_path: Path, version: int) -> None:
    # The sandbox's alone: a second company.
    with Sandbox(version=version, companies=2) as sandbox:
        env = workspace_env(tmp_path, sandbox)
        odoosync(env, "connect", "--url", sandbox.url, "--database", sandbox.database, "--login", sandbox.login)
        odoosync(env, "ingest", str(PORTFOLIO))
        odoosync(env, "defaults", "set", "--owner-separation", "by_company")
        odoosync(env, "owners", "map", "C-9001", "--company", "2")
        odoosync(env, "owners", "map", "C-9002", "--company", "1")
        odoosync(env, "owners", "map", "C-9003", "--company", "1")
        for company in ("1", "2"):
            plan = tmp_path / f"plan-{company}.toml"
            odoosync(env, "map", "suggest", "--company", company, "--create-missing-accounts", "--out", str(plan))
            odoosync(env, "map", "apply", "--yes", str(plan))
        odoosync(env, "setup", "rent-product", "--create")
        odoosync(env, "enable", "--backfill-since", "2025-01-01")
        code, report = sync(env)
        assert code == 0, report["failures"]

        # Read from the sandbox's tables: the external API shows the user's current company only.
        owner_of = {d["id"]: d.get("owner_id") for d in sample_documents()}
        company_of_owner = {"C-9001": 2, "C-9002": 1, "C-9003": 1}
        table = sandbox.instance.db.table
        documents = [row for row in table("account.move").values() if row["move_type"] in ("out_invoice", "in_invoice")]
        assert Counter(row["invoice_origin"] for row in documents) == Counter(
            d["id"]
            for d in sample_documents()
            if (d["type"], d.get("status")) in (("rent_payment", "approved"), ("expense", "verified"))
        )
        assert {row["company_id"] for row in documents} == {1, 2}
        for row in documents:
            assert row["company_id"] == company_of_owner[owner_of[row["invoice_origin"]]]
            assert table("account.journal")[row["journal_id"]]["company_id"] == row["company_id"]
        memo = "ref" if version <= 17 else "memo"
        for payment in table("account.payment").values():
            assert payment["company_id"] == company_of_owner[owner_of[payment[memo].split(" · ")[0]]]
