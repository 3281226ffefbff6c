"""Draft vs. posted, payments matched, and what happens after posting — end to end against the sandbox and a
live Odoo.

Auto-post on and off for invoices and bills; payments registered with the right amounts, dates, journals and
memos; edits and voids before and after posting under on_posted_change = fail and credit_note; documents
changed in Odoo behind odoosync's back; the round trips of an auto-posted backfill as a formula.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint
from odoosync.sandbox import Sandbox
from tests.support.portfolio import SAMPLES, rent_payments, sample_documents, write_ndjson
from tests.support.servers import SERVERS, Server, record_id, rows, serve, servers, tagged
from tests.support.workspace import odoosync, prepare

PORTFOLIO = SAMPLES / "portfolio.ndjson"
RANK = {"contact": 0, "expense": 1, "deposit": 2, "rent_payment": 3}
MOVE_FIELDS = [
    "move_type",
    "invoice_origin",
    "name",
    "state",
    "payment_state",
    "amount_total",
    "amount_residual",
    "payment_reference",
    "reversed_entry_id",
]
PAYMENT_FIELDS = ["amount", "date", "journal_id", "state", "reconciled_invoice_ids"]


def documents_of(server: Server, move_type: str) -> dict[str, list[dict[str, Any]]]:
    """This run's documents of `move_type` by the app record they were made for."""
    origins = sorted(d["id"] for d in tagged(server, sample_documents()))
    found: dict[str, list[dict[str, Any]]] = {}
    domain = [("move_type", "=", move_type), ("invoice_origin", "in", origins)]
    for row in rows(server, "account.move", domain, MOVE_FIELDS):
        found.setdefault(row["invoice_origin"], []).append(row)
    return found


def own_moves(server: Server) -> list[dict[str, Any]]:
    """Every document this run made: invoices and bills, and the credit notes reversing them."""
    origins = sorted(d["id"] for d in tagged(server, sample_documents()))
    made = rows(server, "account.move", [("invoice_origin", "in", origins)], MOVE_FIELDS)
    notes = rows(server, "account.move", [("reversed_entry_id", "in", [m["id"] for m in made])], MOVE_FIELDS)
    return made + [note for note in notes if note["id"] not in {m["id"] for m in made}]


def credit_notes(server: Server) -> dict[int, dict[str, Any]]:
    return {row["reversed_entry_id"]: row for row in own_moves(server) if row.get("reversed_entry_id")}


def lines_of(server: Server) -> list[dict[str, Any]]:
    moves = [m["id"] for m in own_moves(server)]
    return rows(server, "account.move.line", [("move_id", "in", moves)], ["move_id"])


def payments(server: Server) -> list[dict[str, Any]]:
    """This run's payments: those of its own partners (a live run's partners are its own, their refs tagged)."""
    refs = sorted(d["id"] for d in tagged(server, sample_documents()) if d["type"] == "contact")
    partners = [row["id"] for row in rows(server, "res.partner", [("ref", "in", refs)], ["id"])]
    memo = "ref" if server.version <= 17 else "memo"
    return rows(server, "account.payment", [("partner_id", "in", partners)], [*PAYMENT_FIELDS, memo])


def payments_of_invoices(server: Server) -> Counter[int]:
    return Counter(i for row in payments(server) for i in row.get("reconciled_invoice_ids") or ())


def sync(env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    done = odoosync(env, "sync", "--json", check=False)
    assert done.returncode in (0, 4), done.stderr
    return done.returncode, json.loads(done.stdout)


def status(env: dict[str, str], record_type: str, record_id: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(odoosync(env, "status", record_type, record_id, "--json").stdout)
    return found


def edited(server: Server, app_id: str, **changes: Any) -> dict[str, Any]:
    [document] = tagged(server, [next(d for d in sample_documents() if d["id"] == app_id)])
    return {**document, **changes, "updated_at": "2026-11-01T10:00:00+03:00"}


def client_of(server: Server) -> OdooClient:
    return OdooClient.connect(Endpoint(server.url, server.database, server.login, True, 30), server.api_key)


def auto_posting(tmp_path: Path, server: Server, *settings: str) -> dict[str, str]:
    env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
    odoosync(env, "defaults", "set", "--auto-post-invoices", "--auto-post-bills", *settings)
    return env


@pytest.mark.parametrize("version", SERVERS)
def test_auto_post_pays_every_invoice_and_posts_every_bill(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = auto_posting(tmp_path, server)
        code, report = sync(env)
        assert code == 0, report["failures"]
        documents = tagged(server, sample_documents())
        approved = {d["id"]: d for d in documents if d["type"] == "rent_payment" and d["status"] == "approved"}
        invoices = documents_of(server, "out_invoice")
        assert set(invoices) == set(approved)
        paid_by = payments_of_invoices(server)
        registered_for = {i: row for row in payments(server) for i in row.get("reconciled_invoice_ids") or ()}
        memo = "ref" if server.version <= 17 else "memo"
        journals = {row["id"]: row for row in rows(server, "account.journal", [], ["type"])}
        for payment_id, payment in approved.items():
            [invoice] = invoices[payment_id]
            assert invoice["state"] == "posted"
            assert invoice["payment_state"] in ("paid", "in_payment")
            assert invoice["amount_residual"] == 0
            assert paid_by[invoice["id"]] == 1  # exactly one payment
            registered = registered_for[invoice["id"]]
            assert registered["amount"] == Decimal(payment["amount_paid"])
            assert str(registered["date"]) == payment["paid_on"]
            assert registered[memo] == payment.get("reference", invoice["name"])
            kind = journals[registered["journal_id"]]["type"]
            assert kind == ("cash" if payment["method"] == "cash" and server.version <= 18 else "bank")
        bills = documents_of(server, "in_invoice")
        assert bills
        assert all(bill["state"] == "posted" for [bill] in bills.values())
        chip = status(env, "rent_payment", record_id(server, "RP-2026-0001"))
        assert chip["odoo"]["state"] == "posted"
        assert [link["role"] for link in chip["related"]] == ["payment"]

        before = len(payments(server))
        code, report = sync(env)
        assert (code, report["jobs"]) == (0, 0)
        assert len(payments(server)) == before


@pytest.mark.parametrize("version", servers(17))
def test_without_auto_post_everything_stays_draft(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        assert sync(env)[0] == 0
        moves = [*documents_of(server, "out_invoice").values(), *documents_of(server, "in_invoice").values()]
        assert {row["state"] for [row] in moves} == {"draft"}
        assert payments_of_invoices(server) == Counter()
        # Switching auto-post on later does not touch what was synced.
        odoosync(env, "defaults", "set", "--auto-post-invoices", "--auto-post-bills")
        assert sync(env)[1]["jobs"] == 0
        assert {row["state"] for [row] in documents_of(server, "out_invoice").values()} == {"draft"}


def test_round_trips_of_an_auto_posted_backfill(tmp_path: Path) -> None:
    """Per batch a fixed handful of calls, plus two per distinct (company, journal, payment date) group."""
    generated = write_ndjson(tmp_path / "generated.ndjson", rent_payments(1000))
    with Sandbox(version=17) as sandbox:
        env = prepare(tmp_path, sandbox, [PORTFOLIO, generated], since="2025-01-01")
        odoosync(env, "defaults", "set", "--auto-post-invoices", "--auto-post-bills")
        jobs = json.loads(odoosync(env, "queue", "list", "--all", "--json").stdout)["jobs"]
        before = len(sandbox.calls)
        code, report = sync(env)
        assert code == 0, report["failures"][:3]
        calls = sandbox.calls[before:]
        documents = {(d["type"], d["id"]): d for d in [*sample_documents(), *rent_payments(1000)]}
        journal_of = {
            m["code"].casefold(): m["mapping"]["id"]
            for m in json.loads(odoosync(env, "map", "list", "--json").stdout)
            if m["kind"] == "method" and m["mapping"]
        }
        ordered = sorted(jobs, key=lambda job: (RANK[job["type"]], job["job"]))
        batches = [ordered[start : start + 100] for start in range(0, len(ordered), 100)]
        groups = 0
        for batch in batches:
            payments = [documents[("rent_payment", job["id"])] for job in batch if job["type"] == "rent_payment"]
            payments = [p for p in payments if p["status"] == "approved"]
            groups += len({(journal_of[p["method"].casefold()], p["paid_on"]) for p in payments})
        methods = Counter((call.model, call.method) for call in calls)
        assert methods[("account.payment.register", "create")] == groups
        assert methods[("account.payment.register", "action_create_payments")] == groups
        handful = 8
        assert len(calls) <= 10 + handful * len(batches) + 2 * groups, methods
        assert report["batches"] == len(batches)
        # What the README reports.
        print(f"{len(calls)} calls for {report['jobs']} records: {len(calls) / report['jobs']:.2f} a record")


@pytest.mark.parametrize("version", SERVERS)
def test_a_change_after_posting_fails_by_default_and_touches_nothing(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = auto_posting(tmp_path, server)
        assert sync(env)[0] == 0
        changed, withdrawn = record_id(server, "RP-2026-0003"), record_id(server, "EX-302")
        [invoice] = documents_of(server, "out_invoice")[changed]
        total, lines = invoice["amount_total"], len(lines_of(server))
        change = edited(server, "RP-2026-0003", reference="TRX-CORRECTED")
        void = edited(server, "EX-302", status="void")
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "edits.ndjson", [change, void])))
        code, report = sync(env)
        assert code == 4
        failed = {f["id"]: f["error"] for f in report["failures"]}
        assert failed[changed] == (
            f"{changed} changed after invoice {invoice['name']} was posted; odoosync does not modify posted "
            "documents.\nEither correct it in Odoo (then cancel the job: odoosync queue cancel JOB), or set "
            "on_posted_change = credit_note and retry: odoosync defaults set --on-posted-change credit_note, then "
            "odoosync queue retry --failed"
        )
        assert failed[withdrawn].startswith(f"{withdrawn} was withdrawn in the app (void) after bill ")
        [now] = rows(server, "account.move", [("id", "=", invoice["id"])], ["amount_total"])
        assert now["amount_total"] == total
        assert len(lines_of(server)) == lines
        assert credit_notes(server) == {}


@pytest.mark.parametrize("version", SERVERS)
def test_credit_notes_reverse_what_was_posted_and_the_new_version_is_made(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = auto_posting(tmp_path, server, "--on-posted-change", "credit_note")
        assert sync(env)[0] == 0
        changed, withdrawn = record_id(server, "RP-2026-0003"), record_id(server, "EX-302")
        [original] = documents_of(server, "out_invoice")[changed]
        [bill] = documents_of(server, "in_invoice")[withdrawn]
        payments_before = len(payments(server))
        change = edited(server, "RP-2026-0003", reference="TRX-CORRECTED")
        void = edited(server, "EX-302", status="void")
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "edits.ndjson", [change, void])))
        code, report = sync(env)
        assert code == 0, report["failures"]
        notes = credit_notes(server)
        assert set(notes) == {original["id"], bill["id"]}
        assert notes[original["id"]]["move_type"] == "out_refund"
        assert notes[bill["id"]]["move_type"] == "in_refund"
        assert all(note["state"] == "posted" for note in notes.values())  # the originals were auto-posted
        assert notes[original["id"]]["amount_total"] == original["amount_total"]
        assert notes[bill["id"]]["amount_total"] == bill["amount_total"]
        invoices = documents_of(server, "out_invoice")[changed]
        assert len(invoices) == 2
        new = next(row for row in invoices if row["id"] != original["id"])
        assert new["state"] == "posted"
        assert new["payment_reference"] == "TRX-CORRECTED"
        assert new["amount_residual"] == 0  # paid by the credit note: the money came in once
        assert len(payments(server)) == payments_before
        chip = status(env, "rent_payment", changed)
        assert chip["odoo"]["id"] == new["id"]
        roles = {link["role"]: link["id"] for link in chip["related"]}
        assert roles["credit_note"] == notes[original["id"]]["id"]
        assert roles["reversed"] == original["id"]
        voided = status(env, "expense", withdrawn)
        assert voided["odoo"]["state"] == "reversed"
        assert {link["role"] for link in voided["related"]} == {"credit_note"}
        # Nothing more to do: no second credit note, no third invoice.
        assert sync(env)[1]["jobs"] == 0
        assert len([row for row in own_moves(server) if row.get("reversed_entry_id")]) == 2


@pytest.mark.parametrize("version", SERVERS)
def test_a_paid_rent_payment_voided_leaves_nothing_open(tmp_path: Path, version: int | str) -> None:
    """A voided rent payment is money not received: its invoice is reversed and the payment odoosync registered
    is cancelled, so that neither the invoice, nor the credit note, nor the bank keeps anything of it."""
    with serve(version) as server:
        env = auto_posting(tmp_path, server, "--on-posted-change", "credit_note")
        assert sync(env)[0] == 0
        voided = record_id(server, "RP-2026-0003")
        [invoice] = documents_of(server, "out_invoice")[voided]
        [paid_with] = [row for row in payments(server) if invoice["id"] in (row.get("reconciled_invoice_ids") or ())]
        odoosync(
            env, "ingest", str(write_ndjson(tmp_path / "void.ndjson", [edited(server, "RP-2026-0003", status="void")]))
        )
        code, report = sync(env)
        assert code == 0, report["failures"]
        [note] = [row for row in own_moves(server) if row.get("reversed_entry_id") == invoice["id"]]
        assert (note["state"], note["amount_total"], note["amount_residual"]) == ("posted", invoice["amount_total"], 0)
        [now] = rows(server, "account.move", [("id", "=", invoice["id"])], ["amount_residual", "payment_state"])
        assert now["amount_residual"] == 0
        assert now["payment_state"] == "reversed"
        [payment] = [row for row in payments(server) if row["id"] == paid_with["id"]]
        assert payment["state"] == ("cancel" if server.version <= 17 else "canceled")
        related = {link["role"]: link for link in status(env, "rent_payment", voided)["related"]}
        assert related["payment"]["id"] == paid_with["id"]
        assert related["payment"]["state"] == "cancel"
        assert related["credit_note"]["id"] == note["id"]
        assert sync(env)[1]["jobs"] == 0  # nothing left to do, nothing done twice


@pytest.mark.parametrize("version", SERVERS)
def test_drafts_are_updated_and_cancelled_in_place(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        assert sync(env)[0] == 0
        [draft] = documents_of(server, "out_invoice")[record_id(server, "RP-2026-0001")]
        payment = next(d for d in sample_documents() if d["id"] == "RP-2026-0001")
        charges = [{**payment["charges"][0], "amount": "7000"}, *payment["charges"][1:]]
        due = sum(Decimal(c["amount"]) * Decimal("1.15") for c in charges)
        change = edited(server, "RP-2026-0001", charges=charges, amount_paid=str(due.quantize(Decimal("0.01"))))
        void = edited(server, "EX-302", status="void")
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "edits.ndjson", [change, void])))
        assert sync(env)[0] == 0
        [updated] = documents_of(server, "out_invoice")[record_id(server, "RP-2026-0001")]
        assert updated["id"] == draft["id"]
        assert updated["amount_total"] == Decimal(change["amount_paid"])
        assert documents_of(server, "in_invoice")[record_id(server, "EX-302")][0]["state"] == "cancel"


@pytest.mark.parametrize("version", SERVERS)
def test_a_posted_deposit_payment_voided_is_cancelled(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        assert sync(env)[0] == 0
        deposit = next(d for d in sample_documents() if d["type"] == "deposit")
        void = edited(server, deposit["id"], status="void")
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "void.ndjson", [void])))
        assert sync(env)[0] == 0
        memo = "ref" if server.version <= 17 else "memo"
        [payment] = [row for row in payments(server) if str(row[memo]).startswith(void["id"] + " ")]
        assert payment["state"] == ("cancel" if server.version <= 17 else "canceled")  # renamed in 18
        assert status(env, "deposit", void["id"])["odoo"]["state"] == "cancel"


@pytest.mark.parametrize("version", SERVERS)
def test_documents_changed_in_odoo_behind_odoosyncs_back(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        assert sync(env)[0] == 0
        first, second = record_id(server, "RP-2026-0001"), record_id(server, "RP-2026-0002")
        [deleted] = documents_of(server, "out_invoice")[first]
        [posted] = documents_of(server, "out_invoice")[second]
        with client_of(server) as client:
            client.call("account.move", "unlink", [deleted["id"]])  # the accountant deletes a draft
            client.call("account.move", "action_post", [posted["id"]])  # and posts another
        edits = [
            edited(server, "RP-2026-0001", reference="NEW-1"),
            edited(server, "RP-2026-0002", reference="NEW-2"),
        ]
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "edits.ndjson", edits)))
        code, report = sync(env)
        assert code == 4
        [remade] = documents_of(server, "out_invoice")[first]
        assert remade["id"] != deleted["id"]
        assert remade["payment_reference"] == "NEW-1"
        assert any("was deleted in Odoo; odoosync creates it again" in w for w in report["warnings"])
        [failure] = report["failures"]
        assert failure["id"] == second
        assert "was posted; odoosync does not modify posted documents" in failure["error"]
        [now] = rows(server, "account.move", [("id", "=", posted["id"])], ["payment_reference"])
        assert now["payment_reference"] != "NEW-2"


@pytest.mark.parametrize("version", SERVERS)
def test_a_document_a_person_posted_keeps_its_number_once_reversed(tmp_path: Path, version: int | str) -> None:
    """Drafts have no number: the one Odoo gave when the accountant posted it is what status shows afterwards."""
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        assert sync(env)[0] == 0
        changed, held = record_id(server, "RP-2026-0001"), record_id(server, "RP-2026-0002")
        [first] = documents_of(server, "out_invoice")[changed]
        [second] = documents_of(server, "out_invoice")[held]
        with client_of(server) as client:
            client.call("account.move", "action_post", [first["id"], second["id"]])
        [first, second] = rows(server, "account.move", [("id", "in", [first["id"], second["id"]])], ["name"])
        edits = [edited(server, "RP-2026-0002", reference="NEW-2")]
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "held.ndjson", edits)))
        assert sync(env)[0] == 4  # on_posted_change = fail
        assert status(env, "rent_payment", held)["odoo"]["name"] == second["name"]
        odoosync(env, "defaults", "set", "--on-posted-change", "credit_note")
        edits = [edited(server, "RP-2026-0001", reference="NEW-1")]
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "edits.ndjson", edits)))
        code, report = sync(env)
        assert code == 0, report["failures"]  # the failed one waits for a person; this one is reversed, made again
        related = {link["role"]: link for link in status(env, "rent_payment", changed)["related"]}
        assert related["reversed"]["id"] == first["id"]
        assert related["reversed"]["name"] == first["name"]
        shown = odoosync(env, "status", "rent_payment", changed).stdout
        assert first["name"] in shown
        assert "no number yet" not in shown.split("reversed")[-1].splitlines()[0]


@pytest.mark.parametrize("version", servers(18))
def test_a_payment_that_cannot_be_registered_goes_on_from_the_posted_invoice(
    tmp_path: Path, version: int | str
) -> None:
    with serve(version) as server:
        env = auto_posting(tmp_path, server)
        odoosync(env, "map", "remove", "method", "cash")
        code, report = sync(env)
        assert code == 4
        cash = {
            d["id"]
            for d in tagged(server, sample_documents())
            if d["type"] == "rent_payment" and d["status"] == "approved" and d["method"] == "cash"
        }
        failed = {f["id"]: f["error"] for f in report["failures"] if f["type"] == "rent_payment"}
        assert set(failed) == cash
        for payment_id, error in failed.items():
            [invoice] = documents_of(server, "out_invoice")[payment_id]
            assert invoice["state"] == "posted"
            assert error.startswith(
                f"cannot register the payment of the invoice of rent payment {payment_id} "
                f'(it is in Odoo as {invoice["name"]}, posted): Payment method "cash" has no journal mapping'
            )
        journal = next(iter(rows(server, "account.journal", [("type", "=", "bank")], ["code"])))
        odoosync(env, "map", "set", "method", "cash", "--journal", journal["code"])
        odoosync(env, "queue", "retry", "--failed")
        code, report = sync(env)
        assert code == 0, report["failures"]
        invoices = documents_of(server, "out_invoice")
        paid_by = payments_of_invoices(server)
        for payment_id in cash:
            [invoice] = invoices[payment_id]  # not made twice
            assert paid_by[invoice["id"]] == 1
            assert invoice["amount_residual"] == 0
