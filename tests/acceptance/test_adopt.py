"""backfill --adopt end to end: an Odoo that already holds partners, an invoice, a bill and a payment keyed in by
hand; odoosync links them instead of making them twice, keeps the ambiguous ones for a person, and never links
one Odoo record to two records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint
from odoosync.sandbox import Sandbox
from tests.support.portfolio import SAMPLES
from tests.support.workspace import odoosync, workspace_env

PORTFOLIO = SAMPLES / "portfolio.ndjson"


def keyed_in_by_hand(sandbox: Sandbox) -> dict[str, int]:
    """What an accountant made before odoosync came: partners, an invoice, a bill and a payment."""
    endpoint = Endpoint(sandbox.url, sandbox.database, sandbox.login, True, 30)
    with OdooClient.connect(endpoint, sandbox.api_key) as client:

        def partner(**values: Any) -> int:
            [made] = client.create("res.partner", [values])
            return int(made)

        made = {
            "plumber": partner(name="Riyadh Plumbing", vat="300001000005003", is_company=True),  # C-5001: VAT
            "harbi": partner(name="A. Al-Harbi", email="TENANT1@example.sa"),  # C-1001: email
            "otaibi": partner(name="Sara Al-Otaibi", phone="0500000002"),  # C-1002: name and phone
            "ghamdi": partner(name="Mohammed Al-Ghamdi", email="tenant3@example.sa"),  # C-1003: two matches
            "ghamdi2": partner(name="M. Al-Ghamdi", email="tenant3@example.sa"),
            "carter": partner(name="John Carter", email="tenant4@example.sa"),  # C-1004: two matches
            "carter2": partner(name="J. Carter", email="tenant4@example.sa"),
        }
        line = {"name": "keyed in by hand", "quantity": 1, "tax_ids": [(6, 0, [])]}
        [made["invoice"]] = client.create(
            "account.move",
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": made["harbi"],
                    "invoice_date": "2026-01-01",
                    "payment_reference": "TRX-880001",
                    "invoice_line_ids": [(0, 0, {**line, "price_unit": "9775.00"})],
                }
            ],
        )
        [made["bill"]] = client.create(
            "account.move",
            [
                {
                    "move_type": "in_invoice",
                    "partner_id": made["plumber"],
                    "invoice_date": "2026-02-01",
                    "ref": "INV-5506",
                    "invoice_line_ids": [(0, 0, {**line, "price_unit": "197.57"})],  # 171.80 + 15 %
                }
            ],
        )
        [bank] = client.search("account.journal", [("type", "=", "bank")], limit=1)
        [made["payment"]] = client.create(
            "account.payment",
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": made["otaibi"],
                    "amount": "8400",
                    "date": "2025-12-28",
                    "journal_id": bank,
                }
            ],
        )
    return {k: int(v) for k, v in made.items()}


def prepared(tmp_path: Path, sandbox: Sandbox) -> dict[str, str]:
    env = workspace_env(tmp_path, sandbox)
    odoosync(env, "connect", "--url", sandbox.url, "--database", sandbox.database, "--login", sandbox.login)
    odoosync(env, "ingest", str(PORTFOLIO))
    plan = tmp_path / "plan.toml"
    odoosync(env, "map", "suggest", "--create-missing-accounts", "--out", str(plan))
    odoosync(env, "map", "apply", "--yes", str(plan))
    odoosync(env, "setup", "rent-product", "--create")
    odoosync(env, "enable", "--no-backfill")
    return env


def adopt(env: dict[str, str], *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        odoosync(env, "backfill", "--since", "2025-01-01", "--adopt", "--json", *args).stdout
    )
    return found


# The sandbox's alone: adoption matches partners by VAT number, email, name and phone, which the sample contacts
# share with the partners every other run made in a live database (tags change ids, not emails), so there the
# matches, and the ambiguous ones, would not be this run's.
@pytest.mark.parametrize("version", [17, 19])
def test_backfill_adopts_what_was_keyed_in_by_hand(tmp_path: Path, version: int) -> None:
    with Sandbox(version=version) as sandbox:
        made = keyed_in_by_hand(sandbox)
        env = prepared(tmp_path, sandbox)

        dry = adopt(env, "--dry-run")
        assert dry["dry_run"] is True
        assert json.loads(odoosync(env, "queue", "list", "--json").stdout) == []

        report = adopt(env)
        adopted = {(a["type"], a["id"]): (a["odoo_id"], a["matched_on"]) for a in report["adopted"]}
        assert adopted == {
            ("contact", "C-5001"): (made["plumber"], "VAT number"),
            ("contact", "C-1001"): (made["harbi"], "email"),
            ("contact", "C-1002"): (made["otaibi"], "name and phone"),
            ("rent_payment", "RP-2026-0001"): (made["invoice"], "partner, date and amount"),
            ("expense", "EX-306"): (made["bill"], "partner, date and amount"),
            ("deposit", "DP-11"): (made["payment"], "partner, date and amount"),
        }
        assert {a["id"]: {c["odoo_id"] for c in a["candidates"]} for a in report["ambiguous"]} == {
            "C-1003": {made["ghamdi"], made["ghamdi2"]},
            "C-1004": {made["carter"], made["carter2"]},
        }
        assert {k: v for k, v in dry.items() if k not in ("dry_run", "odoo_calls")} == {
            k: v for k, v in report.items() if k not in ("dry_run", "odoo_calls")
        }
        queued = {(j["type"], j["id"]) for j in json.loads(odoosync(env, "queue", "list", "--json").stdout)}
        assert not queued & (set(adopted) | {("contact", "C-1003"), ("contact", "C-1004")})

        listed = odoosync(env, "adopt", "list")
        assert "C-1003" in listed.stdout
        assert "odoosync adopt accept contact C-1003 --odoo-id ID" in listed.stdout
        several = odoosync(env, "adopt", "accept", "contact", "C-1003", check=False)
        assert several.returncode == 2
        assert "has 2 candidates: say which" in several.stderr
        odoosync(env, "adopt", "accept", "contact", "C-1003", "--odoo-id", str(made["ghamdi"]))
        odoosync(env, "adopt", "reject", "contact", "C-1004")
        assert json.loads(odoosync(env, "adopt", "list", "--json").stdout) == []

        done = odoosync(env, "sync", "--json", check=False)
        assert done.returncode == 0, done.stdout
        partners = sandbox.instance.db.table("res.partner").values()
        # Adopted and accepted partners were not made again; the rejected contact got its own.
        assert not [p for p in partners if p.get("ref") in ("C-5001", "C-1001", "C-1002", "C-1003")]
        assert len([p for p in partners if p.get("ref") == "C-1004"]) == 1
        moves = sandbox.instance.db.table("account.move").values()
        assert not [m for m in moves if m.get("invoice_origin") in ("RP-2026-0001", "EX-306")]
        # C-1003's rent payments, which waited for it, went to the partner a person chose.
        ghamdi = [m for m in moves if m["move_type"] == "out_invoice" and m["partner_id"] == made["ghamdi"]]
        assert ghamdi
        status = json.loads(odoosync(env, "status", "rent_payment", "RP-2026-0001", "--json").stdout)
        assert status["odoo"]["id"] == made["invoice"]

        # Never twice: a second backfill adopts nothing more and queues nothing.
        again = adopt(env)
        assert again["adopted"] == []
        assert again["ambiguous"] == []
        assert all(t["queued"] == 0 for t in again["by_type"].values())
        reconciled = json.loads(odoosync(env, "reconcile", "--json", check=False).stdout)
        assert reconciled["differences_by_kind"].get("duplicate", 0) == 0
