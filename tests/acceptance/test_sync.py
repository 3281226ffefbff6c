"""odoosync sync end to end: the installed command, as a subprocess, against the sandbox (Odoo 16 to 19).

The sample portfolio and its edits: every eligible record appears once in Odoo with the right partner, lines,
taxes and totals; ineligible ones do not; edits update in place; the status chips say so.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from odoosync.domain.links import Link
from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint
from odoosync.sandbox import Sandbox
from odoosync.store import Store
from tests.support.portfolio import SAMPLES, rent_payments, sample_documents, write_ndjson
from tests.support.workspace import odoosync, prepare, workspace_env

PORTFOLIO = SAMPLES / "portfolio.ndjson"
EDITS = SAMPLES / "edits.ndjson"


def rows(sandbox: Sandbox, model: str) -> list[dict[str, Any]]:
    return list(sandbox.instance.db.table(model).values())


def moves(sandbox: Sandbox, move_type: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows(sandbox, "account.move"):
        if row["move_type"] == move_type:
            found.setdefault(row["invoice_origin"], []).append(row)
    return found


def sync(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    done = odoosync(env, "sync", "--json", *args, check=False)
    assert done.returncode in (0, 4), done.stderr
    return done.returncode, json.loads(done.stdout)


def chip(env: dict[str, str], record_type: str, record_id: str) -> dict[str, Any]:
    status: dict[str, Any] = json.loads(odoosync(env, "status", record_type, record_id, "--json").stdout)
    return status


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_the_sample_portfolio_and_its_edits(tmp_path: Path, version: int) -> None:
    documents = sample_documents()
    with Sandbox(version=version) as sandbox:
        env = prepare(tmp_path, sandbox, [PORTFOLIO], since="2025-01-01")
        code, report = sync(env)
        assert code == 0, report["failures"]
        assert report["failures"] == []

        contacts = {d["id"]: d for d in documents if d["type"] == "contact"}
        partners = Counter(row["ref"] for row in rows(sandbox, "res.partner") if row.get("ref"))
        assert {ref: n for ref, n in partners.items() if ref in contacts} == dict.fromkeys(contacts, 1)
        partner_of = {row["ref"]: row for row in rows(sandbox, "res.partner") if row.get("ref")}

        approved = {d["id"]: d for d in documents if d["type"] == "rent_payment" and d["status"] == "approved"}
        invoices = moves(sandbox, "out_invoice")
        assert set(invoices) == set(approved)  # pending ones stay out of Odoo
        for payment_id, payment in approved.items():
            [invoice] = invoices[payment_id]
            assert invoice["state"] == "draft"
            assert invoice["amount_total"] == Decimal(payment["amount_paid"])
            assert invoice["partner_id"] == partner_of[payment["tenant_id"]]["id"]
            assert str(invoice["invoice_date"]) == payment["paid_on"]

        verified = {d["id"]: d for d in documents if d["type"] == "expense" and d["status"] == "verified"}
        bills = moves(sandbox, "in_invoice")
        assert set(bills) == set(verified)
        for expense_id, expense in verified.items():
            [bill] = bills[expense_id]
            assert bill["ref"] == expense.get("bill_reference", False)
            assert bill["partner_id"] == partner_of[expense["vendor_id"]]["id"]
            untaxed = sum(Decimal(line["amount"]) for line in expense["lines"])
            assert bill["amount_untaxed"] == untaxed

        memo = "ref" if version <= 17 else "memo"
        recorded = {d["id"]: d for d in documents if d["type"] == "deposit" and d["status"] == "recorded"}
        payments = Counter(row[memo].split(" · ")[0] for row in rows(sandbox, "account.payment"))
        assert payments == Counter(list(recorded))
        for row in rows(sandbox, "account.payment"):
            deposit = recorded[row[memo].split(" · ")[0]]
            assert row["amount"] == Decimal(deposit["amount"])
            assert row["payment_type"] == ("inbound" if deposit["direction"] == "in" else "outbound")
            assert row["state"] == ("posted" if version <= 17 else "in_process")
            assert row["move_id"]  # its journal entry

        synced = chip(env, "rent_payment", "RP-2026-0001")
        assert synced["chip"] == "synced"
        assert synced["odoo"]["model"] == "account.move"
        pending = next(d for d in documents if d["type"] == "rent_payment" and d["status"] == "pending")
        assert chip(env, "rent_payment", pending["id"])["reason"].startswith("not eligible: its status is pending")

        # The edits: a contact's email, a payment's reference, an expense voided, a contact archived.
        odoosync(env, "ingest", str(EDITS))
        code, report = sync(env)
        assert code == 0, report["failures"]
        partners_now = {row["ref"]: row for row in rows(sandbox, "res.partner") if row.get("ref")}
        assert partners_now["C-1004"]["email"] == "john.carter@example.com"
        assert partners_now["C-1012"]["active"] is False
        assert moves(sandbox, "out_invoice")["RP-2026-0003"][0]["payment_reference"] == "TRX-CORRECTED"
        assert [bill["state"] for bill in moves(sandbox, "in_invoice")["EX-302"]] == ["cancel"]
        assert len(moves(sandbox, "out_invoice")) == len(approved)  # updated in place, nothing duplicated
        assert len(rows(sandbox, "res.partner")) == len(partner_of) + sum(
            1 for row in rows(sandbox, "res.partner") if not row.get("ref")
        )
        archived = chip(env, "contact", "C-1012")
        assert archived["chip"] == "synced"
        assert archived["odoo"]["state"] == "archived"
        assert chip(env, "expense", "EX-302")["odoo"]["state"] == "cancel"

        # Nothing left to do: a second run takes no job and makes no change.
        before = len(sandbox.calls)
        code, report = sync(env)
        assert (code, report["jobs"]) == (0, 0)
        assert len(sandbox.calls) - before <= 10  # the run's set-up reads only


def test_a_backfill_of_a_thousand_payments_costs_at_most_a_tenth_of_a_call_per_record(tmp_path: Path) -> None:
    generated = write_ndjson(tmp_path / "generated.ndjson", rent_payments(1000))
    with Sandbox(version=17) as sandbox:
        env = prepare(tmp_path, sandbox, [PORTFOLIO, generated], since="2025-01-01")
        before = len(sandbox.calls)
        code, report = sync(env)
        calls = len(sandbox.calls) - before
        assert code == 0, report["failures"][:3]
        assert report["jobs"] >= 1090
        assert calls == report["odoo_calls"]
        assert calls / report["jobs"] <= 0.1, f"{calls} calls for {report['jobs']} records"
        invoices = moves(sandbox, "out_invoice")
        assert all(len(found) == 1 for found in invoices.values())
        assert len(invoices) == 1000 + sum(1 for d in sample_documents() if d.get("status") == "approved")


def test_a_missing_mapping_fails_with_what_to_do_then_syncs_once_mapped(tmp_path: Path) -> None:
    with Sandbox(version=17) as sandbox:
        env = prepare(tmp_path, sandbox, [PORTFOLIO], since="2025-01-01")
        odoosync(env, "map", "remove", "category", "Plumbing")
        code, report = sync(env)
        assert code == 4
        failed = {f["id"]: f["error"] for f in report["failures"]}
        assert failed  # the plumbing bills, and only those
        for error in failed.values():
            assert error.startswith('Expense category "Plumbing" has no account mapping (company ')
            assert error.endswith(
                'Run: odoosync map set category "Plumbing" --account <code>, then odoosync queue retry --failed'
            )
        assert report["by_type"]["rent_payment"]["failed"] == 0
        listed = json.loads(odoosync(env, "queue", "list", "--state", "failed", "--json").stdout)
        assert {job["id"] for job in listed} == set(failed)
        assert chip(env, "expense", next(iter(failed)))["chip"] == "failed"

        odoosync(env, "map", "set", "category", "Plumbing", "--account", "500001")
        odoosync(env, "queue", "retry", "--failed")
        code, report = sync(env)
        assert code == 0
        assert report["by_type"]["expense"]["synced"] == len(failed)
        assert set(failed) <= set(moves(sandbox, "in_invoice"))


def test_a_payment_waits_for_its_tenant(tmp_path: Path) -> None:
    newcomer = {"type": "contact", "id": "C-2001", "roles": ["tenant"], "name": "New Tenant"}
    payment = {
        **next(d for d in sample_documents() if d["type"] == "rent_payment" and d["status"] == "approved"),
        "id": "RP-NEW-1",
        "tenant_id": "C-2001",
    }
    with Sandbox(version=18) as sandbox:
        env = prepare(tmp_path, sandbox, [PORTFOLIO], since="2025-01-01")
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "payment.ndjson", [payment])))
        code, report = sync(env)
        assert code == 0
        assert report["by_type"]["rent_payment"]["waiting"] == 1
        waiting = chip(env, "rent_payment", "RP-NEW-1")
        assert waiting["chip"] == "pending"
        assert "waits for contact C-2001, which is not in Odoo yet" in waiting["reason"]

        # The tenant arrives: synced first, it wakes the payment, which syncs in the same run.
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "tenant.ndjson", [newcomer])))
        code, report = sync(env)
        assert code == 0
        assert report["by_type"]["contact"]["synced"] == 1
        assert report["by_type"]["rent_payment"]["synced"] == 1
        assert chip(env, "rent_payment", "RP-NEW-1")["chip"] == "synced"


def test_one_record_odoo_refuses_fails_alone(tmp_path: Path) -> None:
    with Sandbox(version=17) as sandbox:
        env = prepare(tmp_path, sandbox, [PORTFOLIO], since="2025-01-01")
        assert sync(env, "--type", "contact")[0] == 0
        # The partner of one vendor is deleted in Odoo after it synced: Odoo refuses that vendor's bills (a
        # mapping broken that way would be caught before sending; a partner is not checked).
        [vendor] = [p for p in rows(sandbox, "res.partner") if p.get("ref") == "C-5003"]
        with OdooClient.connect(
            Endpoint(sandbox.url, sandbox.database, sandbox.login, True, 30), sandbox.api_key
        ) as client:
            client.call("res.partner", "unlink", [vendor["id"]])
        code, report = sync(env)
        assert code == 4
        refused = {
            d["id"]
            for d in sample_documents()
            if d["type"] == "expense" and d["status"] == "verified" and d["vendor_id"] == "C-5003"
        }
        assert refused
        failed = {f["id"]: f["error"] for f in report["failures"]}
        assert set(failed) == refused
        assert all(error.startswith(f"Odoo refused the bill of expense {i}") for i, error in failed.items())
        assert set(moves(sandbox, "in_invoice")).isdisjoint(refused)
        verified = sum(1 for d in sample_documents() if d["type"] == "expense" and d["status"] == "verified")
        assert len(moves(sandbox, "in_invoice")) == verified - len(refused)


def test_link_type_is_the_domain_one() -> None:
    assert Link.__dataclass_fields__["role"].default == "document"


@pytest.mark.postgres
def test_the_portfolio_syncs_with_its_state_in_postgresql(tmp_path: Path, pg_schema_url: str) -> None:
    with Sandbox(version=19) as sandbox:
        env = prepare(tmp_path, sandbox, [PORTFOLIO, EDITS], since="2025-01-01", database_url=pg_schema_url)
        code, report = sync(env)
        assert code == 0, report["failures"]
        approved = {d["id"] for d in sample_documents() if d["type"] == "rent_payment" and d["status"] == "approved"}
        assert set(moves(sandbox, "out_invoice")) == approved
        assert all(len(found) == 1 for found in moves(sandbox, "out_invoice").values())
        with Store.open(pg_schema_url) as store:
            assert store.links.count(f"{sandbox.url.lower()}#{sandbox.database}") == report["jobs"]
        assert "EX-302" not in moves(sandbox, "in_invoice")  # voided before it was ever queued
        assert sync(env)[1]["jobs"] == 0


def test_deposits_can_go_to_an_account_of_their_own(tmp_path: Path) -> None:
    with Sandbox(version=17) as sandbox:
        env = prepare(tmp_path, sandbox, [PORTFOLIO], since="2025-01-01")
        # A current liability cannot be a payment's counterpart in Odoo: refused, with the reason.
        done = odoosync(env, "defaults", "set", "--deposit-account", "210001", check=False)
        assert done.returncode == 2
        assert "receivable or payable account" in done.stderr
        endpoint = Endpoint(sandbox.url, sandbox.database, sandbox.login, True, 30)
        with OdooClient.connect(endpoint, sandbox.api_key) as client:
            [held] = client.create(
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
        entries = {row["payment_id"]: row["id"] for row in rows(sandbox, "account.move") if row.get("payment_id")}
        assert entries
        for payment, entry in entries.items():
            accounts = {line["account_id"] for line in rows(sandbox, "account.move.line") if line["move_id"] == entry}
            assert held in accounts, payment


@pytest.mark.parametrize("version", [17, 18])
def test_owner_separation_by_company_puts_each_owners_documents_in_their_company(tmp_path: Path, version: int) -> None:
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

        owner_of = {d["id"]: d.get("owner_id") for d in sample_documents()}
        company_of_owner = {"C-9001": 2, "C-9002": 1, "C-9003": 1}
        documents = [*moves(sandbox, "out_invoice").values(), *moves(sandbox, "in_invoice").values()]
        assert {row["company_id"] for [row] in documents} == {1, 2}
        for [row] in documents:
            assert row["company_id"] == company_of_owner[owner_of[row["invoice_origin"]]]
            journal = sandbox.instance.db.table("account.journal")[row["journal_id"]]
            assert journal["company_id"] == row["company_id"]
        memo = "ref" if version <= 17 else "memo"
        for payment in rows(sandbox, "account.payment"):
            assert payment["company_id"] == company_of_owner[owner_of[payment[memo].split(" · ")[0]]]
