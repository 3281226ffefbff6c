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
from tests.support.portfolio import SAMPLES, sample_documents, write_ndjson
from tests.support.servers import SERVERS, Server, own_contacts, own_detail, record_id, rows, serve, tagged
from tests.support.workspace import odoosync, own_inputs, prepare, use_rent_product, workspace_env

PORTFOLIO = SAMPLES / "portfolio.ndjson"


def keyed_in_by_hand(server: Server) -> dict[str, int]:
    """What an accountant made before odoosync came: partners, an invoice, a bill and a payment (on a live Odoo
    with this run's own VAT numbers, emails and phones, so that they match this run's contacts only)."""
    endpoint = Endpoint(server.url, server.database, server.login, True, 30)

    def own(kind: str, value: str) -> str:
        return own_detail(server, kind, value)

    with OdooClient.connect(endpoint, server.api_key) as client:

        def partner(**values: Any) -> int:
            [made] = client.create("res.partner", [values])
            return int(made)

        made = {
            "plumber": partner(name="Riyadh Plumbing", vat=own("vat", "300001000005003"), is_company=True),  # VAT
            "harbi": partner(name="A. Al-Harbi", email=own("email", "TENANT1@example.sa")),  # C-1001: email
            "otaibi": partner(name="Sara Al-Otaibi", phone=own("phone", "0500000002")),  # C-1002: name and phone
            "ghamdi": partner(name="Mohammed Al-Ghamdi", email=own("email", "tenant3@example.sa")),  # two matches
            "ghamdi2": partner(name="M. Al-Ghamdi", email=own("email", "tenant3@example.sa")),
            "carter": partner(name="John Carter", email=own("email", "tenant4@example.sa")),  # two matches
            "carter2": partner(name="J. Carter", email=own("email", "tenant4@example.sa")),
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


def prepared(tmp_path: Path, server: Server) -> dict[str, str]:
    env = workspace_env(tmp_path, server)
    odoosync(env, "connect", "--url", server.url, "--database", server.database, "--login", server.login)
    portfolio = write_ndjson(tmp_path / "portfolio.ndjson", own_contacts(server, tagged(server, sample_documents())))
    odoosync(env, "ingest", str(portfolio))
    plan = tmp_path / "plan.toml"
    odoosync(env, "map", "suggest", "--create-missing-accounts", "--out", str(plan))
    odoosync(env, "map", "apply", "--yes", str(plan))
    use_rent_product(env, server)
    odoosync(env, "enable", "--no-backfill")
    return env


def adopt(env: dict[str, str], *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        odoosync(env, "backfill", "--since", "2025-01-01", "--adopt", "--json", *args).stdout
    )
    return found


@pytest.mark.parametrize("version", SERVERS)
def test_backfill_adopts_what_was_keyed_in_by_hand(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        made = keyed_in_by_hand(server)
        env = prepared(tmp_path, server)

        def own(app_id: str) -> str:
            return record_id(server, app_id)

        dry = adopt(env, "--dry-run")
        assert dry["dry_run"] is True
        assert json.loads(odoosync(env, "queue", "list", "--json").stdout)["jobs"] == []

        report = adopt(env)
        adopted = {(a["type"], a["id"]): (a["odoo_id"], a["matched_on"]) for a in report["adopted"]}
        assert adopted == {
            ("contact", own("C-5001")): (made["plumber"], "VAT number"),
            ("contact", own("C-1001")): (made["harbi"], "email"),
            ("contact", own("C-1002")): (made["otaibi"], "name and phone"),
            ("rent_payment", own("RP-2026-0001")): (made["invoice"], "partner, date and amount"),
            ("expense", own("EX-306")): (made["bill"], "partner, date and amount"),
            ("deposit", own("DP-11")): (made["payment"], "partner, date and amount"),
        }
        assert {a["id"]: {c["odoo_id"] for c in a["candidates"]} for a in report["ambiguous"]} == {
            own("C-1003"): {made["ghamdi"], made["ghamdi2"]},
            own("C-1004"): {made["carter"], made["carter2"]},
        }
        assert {k: v for k, v in dry.items() if k not in ("dry_run", "odoo_calls")} == {
            k: v for k, v in report.items() if k not in ("dry_run", "odoo_calls")
        }
        listed = json.loads(odoosync(env, "queue", "list", "--all", "--json").stdout)["jobs"]
        queued = {(j["type"], j["id"]) for j in listed}
        assert not queued & (set(adopted) | {("contact", own("C-1003")), ("contact", own("C-1004"))})

        listed = odoosync(env, "adopt", "list")
        assert own("C-1003") in listed.stdout
        assert f"odoosync adopt accept contact {own('C-1003')} --odoo-id ID" in listed.stdout
        several = odoosync(env, "adopt", "accept", "contact", own("C-1003"), check=False)
        assert several.returncode == 2
        assert "has 2 candidates: say which" in several.stderr
        odoosync(env, "adopt", "accept", "contact", own("C-1003"), "--odoo-id", str(made["ghamdi"]))
        odoosync(env, "adopt", "reject", "contact", own("C-1004"))
        assert json.loads(odoosync(env, "adopt", "list", "--json").stdout) == []

        done = odoosync(env, "sync", "--json", check=False)
        assert done.returncode == 0, done.stdout
        refs = [own(c) for c in ("C-5001", "C-1001", "C-1002", "C-1003", "C-1004")]
        partners = rows(server, "res.partner", [["ref", "in", refs]], ["ref"])
        # Adopted and accepted partners were not made again; the rejected contact got its own.
        assert [p["ref"] for p in partners] == [own("C-1004")]
        origins = [own("RP-2026-0001"), own("EX-306")]
        assert rows(server, "account.move", [["invoice_origin", "in", origins]], ["id"]) == []
        # C-1003's rent payments, which waited for it, went to the partner a person chose.
        invoices = [["move_type", "=", "out_invoice"], ["partner_id", "=", made["ghamdi"]]]
        ghamdi = rows(server, "account.move", invoices, ["id"])  # every field: 16 fails to encode one of them
        assert ghamdi
        status = json.loads(odoosync(env, "status", "rent_payment", own("RP-2026-0001"), "--json").stdout)
        assert status["odoo"]["id"] == made["invoice"]

        # Never twice: a second backfill adopts nothing more and queues nothing.
        again = adopt(env)
        assert again["adopted"] == []
        assert again["ambiguous"] == []
        assert all(t["queued"] == 0 for t in again["by_type"].values())
        reconciled = json.loads(odoosync(env, "reconcile", "--json", check=False).stdout)
        assert reconciled["differences_by_kind"].get("duplicate", 0) == 0


@pytest.mark.parametrize("version", SERVERS)
def test_a_new_install_adopts_what_an_earlier_one_made_by_its_markers(tmp_path: Path, version: int | str) -> None:
    """A fresh local database against an Odoo an earlier odoosync filled: every record is found by the marker that
    install left (a partner's ref, a document's source, a payment's memo), even a contact with no VAT number, email
    or phone (C-9002), and nothing is made twice."""
    with serve(version) as server:
        first = prepare(tmp_path / "first", server, [PORTFOLIO], since="2025-01-01")
        assert odoosync(first, "sync", "--json", check=False).returncode == 0
        made = json.loads(odoosync(first, "queue", "list", "--all", "--json").stdout)["jobs"]
        env = workspace_env(tmp_path / "second", server)
        odoosync(env, "connect", "--url", server.url, "--database", server.database, "--login", server.login)
        odoosync(env, "ingest", *map(str, own_inputs(tmp_path / "second", server, [PORTFOLIO])))
        plan = tmp_path / "second" / "plan.toml"
        odoosync(env, "map", "suggest", "--create-missing-accounts", "--out", str(plan))
        odoosync(env, "map", "apply", "--yes", str(plan))
        rent = min(row["id"] for row in rows(server, "product.product", [["name", "=", "Rent"]], ["id"]))
        odoosync(env, "defaults", "set", "--rent-product", str(rent))
        odoosync(env, "enable", "--no-backfill")

        report = adopt(env)
        adopted = {(a["type"], a["id"]): a["matched_on"] for a in report["adopted"]}
        assert adopted == {
            (job["type"], job["id"]): f"odoosync's marker ({job['type'].replace('_', ' ')} {job['id']})" for job in made
        }
        assert report["ambiguous"] == []
        assert json.loads(odoosync(env, "queue", "list", "--json").stdout)["jobs"] == []
        assert json.loads(odoosync(env, "sync", "--json").stdout)["jobs"] == 0
        owner = record_id(server, "C-9002")
        assert len(rows(server, "res.partner", [["ref", "=", owner]], ["id"])) == 1
        shown = json.loads(odoosync(env, "status", "contact", owner, "--json").stdout)
        assert shown["chip"] == "synced"
