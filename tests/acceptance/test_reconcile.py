"""odoosync reconcile end to end: the sample portfolio synced, then Odoo changed behind odoosync's back through
its own API, the way an accountant would; reconcile names each change, and exits 6 until Odoo is back in line."""

from __future__ import annotations

import json
import math
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint
from tests.support.portfolio import SAMPLES, rent_payments, sample_documents, write_ndjson
from tests.support.servers import Server, record_id, rows, serve, servers, tagged
from tests.support.workspace import odoosync, prepare

PORTFOLIO = SAMPLES / "portfolio.ndjson"


def reconcile(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    done = odoosync(env, "reconcile", "--json", *args, check=False)
    assert done.returncode in (0, 6), done.stderr
    return done.returncode, json.loads(done.stdout)


def client_of(server: Server) -> OdooClient:
    return OdooClient.connect(Endpoint(server.url, server.database, server.login, True, 30), server.api_key)


def invoices(server: Server) -> dict[str, dict[str, Any]]:
    """This run's invoices by the rent payment they were made for."""
    origins = sorted(d["id"] for d in tagged(server, sample_documents()) if d["type"] == "rent_payment")
    domain = [("move_type", "=", "out_invoice"), ("invoice_origin", "in", origins)]
    fields = ["invoice_origin", "partner_id", "amount_total"]
    return {row["invoice_origin"]: row for row in rows(server, "account.move", domain, fields)}


def partners(server: Server) -> list[dict[str, Any]]:
    refs = sorted(d["id"] for d in tagged(server, sample_documents()) if d["type"] == "contact")
    return rows(server, "res.partner", [("ref", "in", refs)], ["ref"])


def found(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(d["kind"], d["id"]): d["message"] for d in report["differences"]}


@pytest.mark.parametrize("version", servers(17, 19))
def test_reconcile_finds_each_kind_of_drift_made_behind_odoosyncs_back(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        assert odoosync(env, "sync", check=False).returncode == 0
        code, clean = reconcile(env)
        assert code == 0, clean["differences"]
        assert clean["ok"] is True
        assert clean["compared"] > 0
        assert all(Decimal(t["difference"]) == 0 for t in clean["totals"])

        synced = invoices(server)
        ids = sorted(synced)[:7]
        deleted, cancelled, posted, total, partner, dated, twice = (synced[i] for i in ids)
        other_partner = next(p for p in partners(server) if p["id"] != partner["partner_id"])
        [tenant] = [p for p in partners(server) if p["id"] == total["partner_id"]]
        pushed = Decimal(str(total["amount_total"])).quantize(Decimal("0.01"))
        with client_of(server) as client:
            client.call("account.move", "unlink", [deleted["id"]])
            client.call("account.move", "button_cancel", [cancelled["id"]])
            client.call("account.move", "action_post", [posted["id"]])
            [line] = client.read("account.move", [total["id"]], ["invoice_line_ids"])[0]["invoice_line_ids"][:1]
            client.write("account.move", [total["id"]], {"invoice_line_ids": [(1, line, {"price_unit": 1})]})
            client.write("account.move", [partner["id"]], {"partner_id": other_partner["id"]})
            client.write("account.move", [dated["id"]], {"invoice_date": "2020-01-01"})
            client.create(
                "account.move",
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": twice["partner_id"],
                        "invoice_origin": twice["invoice_origin"],
                        "invoice_line_ids": [(0, 0, {"name": "keyed in by hand", "price_unit": 100, "quantity": 1})],
                    }
                ],
            )
            client.write("res.partner", [tenant["id"]], {"active": False})
            [again] = client.create("res.partner", [{"name": "made again", "ref": other_partner["ref"]}])

        code, report = reconcile(env)
        assert code == 6
        assert report["ok"] is False
        kinds = found(report)
        assert "was deleted in Odoo" in kinds[("deleted", deleted["invoice_origin"])]
        assert "was cancelled in Odoo" in kinds[("cancelled", cancelled["invoice_origin"])]
        assert "was posted in Odoo (odoosync left it draft)" in kinds[("posted", posted["invoice_origin"])]
        assert f"not the {pushed} odoosync pushed" in kinds[("total", total["invoice_origin"])]
        assert "is made out to" in kinds[("partner", partner["invoice_origin"])]
        assert "is dated 2020-01-01 in Odoo" in kinds[("date", dated["invoice_origin"])]
        assert "is in Odoo more than once" in kinds[("duplicate", twice["invoice_origin"])]
        assert "was archived in Odoo" in kinds[("archived", tenant["ref"])]
        # A partner made twice is merged or archived, not cancelled; the advice names both.
        [doubled] = [d for d in report["differences"] if d["kind"] == "duplicate" and d["id"] == other_partner["ref"]]
        assert (
            f"res.partner {other_partner['id']}, which odoosync keeps in line, and res.partner {again}"
            in (doubled["message"])
        )
        assert f"merge made again (id {again}) into it" in doubled["instruction"]
        assert f"(id {other_partner['id']})" in doubled["instruction"]
        assert "cancel" not in doubled["instruction"].lower()
        # Nothing else: the other documents are as they were pushed.
        assert len(report["differences"]) == 9, report["differences"]
        # The month of the deleted and the changed invoice shows the gap.
        assert any(Decimal(t["difference"]) != 0 for t in report["totals"])
        every = {d["kind"] for d in report["differences"]}
        assert every == {"deleted", "cancelled", "posted", "total", "partner", "date", "duplicate", "archived"}

        human = odoosync(env, "reconcile", check=False)
        assert human.returncode == 6
        assert "9 difference(s)" in human.stdout
        assert "→ " in human.stdout


@pytest.mark.parametrize("version", servers(18))
def test_a_payment_undone_in_odoo_and_a_link_to_a_missing_record(tmp_path: Path, version: int | str) -> None:
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO], since="2025-01-01")
        odoosync(env, "defaults", "set", "--auto-post-invoices")
        assert odoosync(env, "sync", check=False).returncode == 0
        assert reconcile(env)[0] == 0
        own = [p["id"] for p in partners(server)]
        paid = rows(server, "account.payment", [("partner_id", "in", own)], ["reconciled_invoice_ids"])
        payment = next(row for row in paid if row.get("reconciled_invoice_ids"))
        # The accountant unreconciles the payment and cancels it.
        with client_of(server) as client:
            client.call("account.payment", "action_draft", [payment["id"]])
            client.call("account.payment", "action_cancel", [payment["id"]])
        database = tmp_path / "data" / "odoosync" / "odoosync.db"
        with sqlite3.connect(database) as connection:
            connection.execute("PRAGMA foreign_keys = OFF")
            query = "SELECT pk FROM records WHERE app_id = ?"
            [(pk,)] = connection.execute(query, (record_id(server, "EX-301"),)).fetchall() or [(None,)]
            assert pk is not None
            connection.execute("DELETE FROM jobs WHERE record_pk = ?", (pk,))
            connection.execute("DELETE FROM records WHERE pk = ?", (pk,))
        code, report = reconcile(env)
        assert code == 6
        kinds = {d["kind"] for d in report["differences"]}
        assert kinds == {"unpaid", "orphan"}, report["differences"]
        [unpaid] = [d for d in report["differences"] if d["kind"] == "unpaid"]
        assert "was cancelled in Odoo" in unpaid["message"]


@pytest.mark.parametrize("version", servers(17))
def test_reconcile_reads_in_batches_and_filters_by_owner_and_month(tmp_path: Path, version: int | str) -> None:
    extra = write_ndjson(tmp_path / "payments.ndjson", rent_payments(1000))
    with serve(version) as server:
        env = prepare(tmp_path, server, [PORTFOLIO, extra], since="2025-01-01")
        assert odoosync(env, "sync", check=False).returncode == 0
        code, report = reconcile(env)
        assert code == 0, report["differences"][:3]
        documents = report["compared"]
        assert documents > 1000
        # A few calls per thousand documents: the companies and the user, then per chunk one read and one marker
        # search per model.
        assert report["odoo_calls"] <= 2 + 8 * math.ceil(documents / 1000), report["odoo_calls"]
        owner = report["totals"][0]["owner"]
        code, one = reconcile(env, "--owner", owner, "--since", "2026-02-01", "--until", "2026-02-28")
        assert code == 0
        assert {t["owner"] for t in one["totals"]} == {owner}
        assert {t["month"] for t in one["totals"]} <= {"2026-02"}
        assert 0 < one["compared"] < documents
