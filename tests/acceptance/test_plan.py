"""odoosync plan end to end: on the sample portfolio, what the plan shows is what sync then does — the same
documents, partners, dates, lines (label, account, tax, amounts), totals and, once posted, journal items — and
the plan itself writes nothing, to Odoo or to the queue."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from odoosync.sandbox import Sandbox
from tests.support.portfolio import SAMPLES, sample_documents, write_ndjson
from tests.support.servers import SERVERS, Server, record_id, rows, serve, servers, tagged
from tests.support.workspace import odoosync, own_inputs, prepare

PORTFOLIO = SAMPLES / "portfolio.ndjson"
EDITS = SAMPLES / "edits.ndjson"


def plan(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = odoosync(env, "plan", "--json", *args)
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def by_id(server: Server, model: str, ids: list[int], fields: list[str]) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in rows(server, model, [("id", "in", sorted(set(ids)))], fields)}


def account_label(accounts: dict[int, dict[str, Any]], account: int | None) -> str:
    row = accounts.get(account or 0)
    return f"{row['code']} {row['name']}" if row else "(no account)"


def own_partners(server: Server) -> list[int]:
    refs = sorted(d["id"] for d in tagged(server, sample_documents()) if d["type"] == "contact")
    return [row["id"] for row in rows(server, "res.partner", [("ref", "in", refs)], ["id"])]


def own_moves(server: Server) -> list[dict[str, Any]]:
    """This run's invoices and bills and its payments' journal entries."""
    origins = sorted(d["id"] for d in tagged(server, sample_documents()))
    fields = ["move_type", "state", "amount_tax"]
    made = rows(server, "account.move", [("invoice_origin", "in", origins)], fields)
    paid = rows(server, "account.payment", [("partner_id", "in", own_partners(server))], ["move_id"])
    entries = [p["move_id"] for p in paid if p["move_id"] and p["move_id"] not in {m["id"] for m in made}]
    return made + rows(server, "account.move", [("id", "in", entries)], fields)


def odoo_document(server: Server, planned: dict[str, Any]) -> dict[str, Any]:
    """The Odoo document sync made for a planned one, described as the plan describes it."""
    if planned["document"] == "payment":
        memo = "memo" if server.version >= 18 else "ref"
        found = rows(
            server,
            "account.payment",
            [(memo, "=like", f"{planned['id']}%")],
            [memo, "payment_type", "partner_id", "date", "amount"],
        )
        [row] = [p for p in found if str(p.get(memo) or "").split(" · ")[0] == planned["id"]]
        sign = 1 if row["payment_type"] == "inbound" else -1
        [partner] = by_id(server, "res.partner", [row["partner_id"]], ["name"]).values()
        return {"partner": partner["name"], "date": str(row["date"]), "total": sign * row["amount"], "lines": []}
    move_type = "out_invoice" if planned["document"] == "invoice" else "in_invoice"
    domain = [("move_type", "=", move_type), ("invoice_origin", "=", planned["id"]), ("state", "!=", "cancel")]
    fields = ["partner_id", "invoice_date", "amount_total", "amount_untaxed", "amount_tax"]
    [move] = rows(server, "account.move", domain, fields)
    lines = [
        line
        for line in rows(
            server,
            "account.move.line",
            [("move_id", "=", move["id"])],
            ["name", "account_id", "tax_ids", "price_subtotal", "display_type"],
        )
        if line.get("display_type") in (None, False, "product")
    ]
    taxes = by_id(server, "account.tax", [t for line in lines for t in line.get("tax_ids") or ()], ["name"])
    accounts = by_id(
        server, "account.account", [line["account_id"] for line in lines if line["account_id"]], ["code", "name"]
    )
    [partner] = by_id(server, "res.partner", [move["partner_id"]], ["name"]).values()
    return {
        "partner": partner["name"],
        "date": str(move["invoice_date"]),
        "total": move["amount_total"],
        "untaxed": move["amount_untaxed"],
        "tax": move["amount_tax"],
        "lines": sorted(
            (
                line["name"],
                account_label(accounts, line["account_id"]),
                ", ".join(taxes[t]["name"] for t in line.get("tax_ids") or ()) or None,
                line["price_subtotal"],
            )
            for line in lines
        ),
    }


def as_planned(document: dict[str, Any]) -> dict[str, Any]:
    described = {
        "partner": document["partner"],
        "date": document["date"],
        "total": Decimal(document["total"]),
        "lines": sorted(
            (line["label"], line["account"], line["tax"], Decimal(line["untaxed"])) for line in document["lines"]
        ),
    }
    if document["document"] != "payment":
        described["untaxed"] = Decimal(document["untaxed"])
        described["tax"] = Decimal(document["tax"])
    return described


def posted_balances(server: Server) -> dict[str, list[Decimal]]:
    """Debit and credit per account over every posted journal item of this run's documents in Odoo."""
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    posted = [m["id"] for m in own_moves(server) if m["state"] == "posted"]
    lines = rows(server, "account.move.line", [("move_id", "in", posted)], ["account_id", "debit", "credit"])
    accounts = by_id(server, "account.account", [line["account_id"] for line in lines], ["code", "name"])
    for line in lines:
        pair = sums[account_label(accounts, line["account_id"])]
        pair[0] += line["debit"]
        pair[1] += line["credit"]
    return {account: pair for account, pair in sums.items() if pair != [0, 0]}


def planned_balances(report: dict[str, Any]) -> dict[str, list[Decimal]]:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in report["journal_impact"]:
        sums[row["account"]][0] += Decimal(row["debit"])
        sums[row["account"]][1] += Decimal(row["credit"])
    return dict(sums)


@pytest.mark.parametrize("version", SERVERS)
def test_the_plan_is_what_sync_then_does(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        queue_before = odoosync(env, "queue", "list", "--json").stdout
        assert own_moves(server) == []
        every_move = len(rows(server, "account.move", [], ["id"])) if isinstance(server, Sandbox) else 0
        report = plan(env)
        # Nothing written: not to Odoo, not to the queue.
        assert own_moves(server) == []
        if isinstance(server, Sandbox):  # the sandbox is this test's own: nothing at all
            assert len(rows(server, "account.move", [], ["id"])) == every_move
        assert odoosync(env, "queue", "list", "--json").stdout == queue_before
        dry = json.loads(odoosync(env, "sync", "--dry-run", "--json").stdout)
        assert {**dry, "odoo_calls": 0} == {**report, "odoo_calls": 0}

        planned = {(d["type"], d["id"]): d for d in report["documents"]}
        assert {d["action"] for d in planned.values()} == {"create"}
        eligible = {
            (d["type"], d["id"])
            for d in tagged(server, sample_documents())
            if d["type"] == "contact"
            or (d["type"] == "rent_payment" and d["status"] == "approved")
            or (d["type"] == "expense" and d["status"] == "verified")
            or (d["type"] == "deposit" and d["status"] == "recorded")
        }
        assert set(planned) == eligible - {(p["type"], p["id"]) for p in report["problems"]}

        done = json.loads(odoosync(env, "sync", "--json", check=False).stdout)
        assert {(f["type"], f["id"]) for f in done["failures"]} == {
            (p["type"], p["id"]) for p in report["problems"] if p["kind"] != "waiting"
        }
        for (record_type, app_id), document in planned.items():
            if record_type == "contact":
                continue
            assert as_planned(document) == odoo_document(server, document), app_id
        # Nothing left to do, and the plan says so.
        again = plan(env, "--since", "2025-01-01")
        assert again["documents"] == []


@pytest.mark.parametrize("version", servers(17, 19))
def test_the_journal_impact_is_what_odoo_posts(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        odoosync(env, "defaults", "set", "--auto-post-invoices", "--auto-post-bills")
        report = plan(env)
        invoices = [d for d in report["documents"] if d["document"] == "invoice"]
        assert invoices
        assert all(d["ends"] == "paid" and d["payment"] for d in invoices)
        assert posted_balances(server) == {}
        assert odoosync(env, "sync", check=False).returncode == 0
        assert planned_balances(report) == posted_balances(server)
        # Debits equal credits, and tax totals match Odoo's.
        impact = report["journal_impact"]
        assert sum(Decimal(r["debit"]) for r in impact) == sum(Decimal(r["credit"]) for r in impact)
        odoo_tax = sum((m["amount_tax"] for m in own_moves(server) if m["move_type"] != "entry"), Decimal(0))
        assert sum(Decimal(t["amount"]) for t in report["taxes"]) == odoo_tax


@pytest.mark.parametrize("version", servers(18))
def test_edits_are_planned_as_updates_and_problems_are_listed(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        assert odoosync(env, "sync", check=False).returncode == 0
        assert plan(env)["documents"] == []
        [edits] = own_inputs(tmp_path, server, [EDITS])
        odoosync(env, "ingest", str(edits))
        report = plan(env)
        actions = {(d["type"], d["id"]): d["action"] for d in report["documents"]}
        assert "update" in actions.values()
        assert "cancel" in actions.values()
        done = json.loads(odoosync(env, "sync", "--json", check=False).stdout)
        changed = sum(t["synced"] for t in done["by_type"].values())
        assert changed == len(actions)

        # A record whose mapping is missing is listed with the reason and what to do; the others are planned.
        odoosync(env, "map", "remove", "method", "cash")
        deposit = next(d for d in sample_documents() if d["type"] == "deposit" and d["method"] == "cash")
        [fresh] = tagged(server, [{**deposit, "id": "DP-NEW", "updated_at": "2026-11-01T10:00:00+03:00"}])
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "new.ndjson", [fresh])))
        report = plan(env)
        [problem] = report["problems"]
        assert problem["id"] == record_id(server, "DP-NEW")
        assert problem["kind"] == "setup"
        assert 'Payment method "cash" has no journal mapping' in problem["message"]
        assert problem["instruction"].startswith('Run: odoosync map set method "cash"')
        human = odoosync(env, "plan")
        assert "would fail" in human.stderr
        assert fresh["id"] in human.stderr


@pytest.mark.parametrize("version", servers(17))
def test_plan_filters_by_owner_and_type(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        whole = plan(env)
        owner = next(d["owner"] for d in whole["documents"] if d["owner"])
        one = plan(env, "--owner", owner)
        transactions = [d for d in one["documents"] if d["type"] != "contact"]
        assert transactions
        assert {d["owner"] for d in transactions} == {owner}
        assert {o["owner"] for o in one["owner_totals"]} == {owner}
        only = plan(env, "--type", "contact")
        assert {d["type"] for d in only["documents"]} == {"contact"}


@pytest.mark.parametrize("version", servers(17))
def test_a_reversal_is_shown_at_the_currency_precision(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        odoosync(env, "defaults", "set", "--auto-post-invoices", "--on-posted-change", "credit_note")
        assert odoosync(env, "sync", check=False).returncode == 0
        [payment] = tagged(server, [next(d for d in sample_documents() if d["id"] == "RP-2026-0003")])
        void = {**payment, "status": "void", "updated_at": "2026-11-01T10:00:00+03:00"}
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "void.ndjson", [void])))
        report = plan(env)
        [reversal] = report["documents"]
        assert reversal["action"] == "reverse"
        amounts = [row[side] for row in report["journal_impact"] for side in ("debit", "credit")]
        assert amounts
        assert all(Decimal(amount).as_tuple().exponent == -2 for amount in amounts), amounts
        assert "8,050.00" in odoosync(env, "plan").stdout
        assert "8,050.0 " not in odoosync(env, "plan").stdout
