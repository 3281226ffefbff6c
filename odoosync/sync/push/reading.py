"""What the steps read of the group's documents in Odoo: as they are before an update or a withdrawal changes
them (`read_current`), and after a step, their names, states and totals into the links (`read_back`)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from odoosync.domain import money
from odoosync.sync.build.documents import MOVE, PARTNER, PAYMENT
from odoosync.sync.push.context import Item, PushContext


def read_current(
    push: PushContext, model: str, items: list[Item], fields: list[str] | None
) -> dict[int, dict[str, Any]]:
    ids = [i.link.odoo_id for i in items if i.link]
    if fields is None:
        fields = sorted({key for i in items if i.document for key in i.document.values})
        fields = [f for f in fields if f not in ("customer_rank", "supplier_rank")] + [
            "customer_rank",
            "supplier_rank",
        ]
    rows = push.client.search_read(
        model, [("id", "in", ids)], fields, context={**push.in_all_companies(), "active_test": False}
    )
    return {int(row["id"]): row for row in rows}


def read_back(push: PushContext, model: str, items: list[Item]) -> None:
    """One read for the group: names, states and totals into the links; totals checked against the app."""
    linked = [i for i in items if i.link is not None and i.job.pk not in push.results]
    if not linked:
        return
    fields = {PARTNER: ["name", "active"], MOVE: ["name", "state", "amount_total"], PAYMENT: ["name", "state"]}[model]
    rows = {
        int(row["id"]): row
        for row in push.client.read(
            model, [i.link.odoo_id for i in linked if i.link], fields, context=push.in_all_companies()
        )
    }
    for item in linked:
        assert item.link is not None
        row = rows.get(item.link.odoo_id, {})
        if model == PARTNER:
            state: str | None = "active" if row.get("active", True) else "archived"
        else:
            state = str(row["state"]) if row.get("state") else None
        name = str(row["name"]) if row.get("name") and row["name"] != "/" else None  # "/": a draft's no-number
        link = replace(item.link, odoo_name=name, odoo_state=state)
        total = row.get("amount_total")
        # Odoo answers a total as a JSON float (8049.5): read at the currency's precision, as it is shown.
        in_odoo = None if total is None else money.round_money(Decimal(str(total)), item.currency)
        if item.expected_total is not None and in_odoo is not None and in_odoo != item.expected_total:
            push.fail(
                item,
                f"invoice of {item.label} totals {in_odoo} in Odoo, not the {item.expected_total} paid\n"
                "Check the VAT mappings' taxes (price included? amount?), then run: odoosync queue retry --failed",
                "total",
                link,
            )
            continue
        push.done(item, link)
