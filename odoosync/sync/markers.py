"""Finding odoosync's documents in Odoo by their markers (design.md, Idempotency): a partner's `ref` is the
contact id, an invoice's or bill's `invoice_origin` the app id, a payment's memo starts with the deposit id.
The engine looks for them before making a document again; reconcile looks for documents made twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from odoosync.odoo.client import OdooClient
from odoosync.sync.builders import MEMO_SEPARATOR
from odoosync.sync.documents import MOVE, PARTNER, PAYMENT


def search_markers(
    client: OdooClient, model: str, markers: Sequence[str], *, context: Mapping[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """(marker, row) for every `model` record carrying one of `markers`, oldest first. Rows carry `name`;
    move rows `move_type` and `state`, payment rows `state`, partner rows `active`."""
    if not markers:
        return []
    wanted = sorted(set(markers))
    if model == PARTNER:
        rows = client.search_read(
            PARTNER,
            [("ref", "in", wanted)],
            ["ref", "name", "active"],
            order="id",
            context={**context, "active_test": False},
        )
        return [(str(row["ref"]), row) for row in rows]
    if model == MOVE:
        rows = client.search_read(
            MOVE,
            [("invoice_origin", "in", wanted), ("move_type", "in", ["out_invoice", "in_invoice"])],
            ["invoice_origin", "move_type", "state", "name"],
            order="id",
            context=context,
        )
        return [(str(row["invoice_origin"]), row) for row in rows]
    memo = client.version.payment_memo
    leaves: list[Any] = ["|"] * (len(wanted) - 1)
    leaves += [(memo, "=like", f"{marker}%") for marker in wanted]
    rows = client.search_read(PAYMENT, leaves, [memo, "state", "name"], order="id", context=context)
    found = []
    known = set(wanted)
    for row in rows:
        marker = str(row.get(memo) or "").split(MEMO_SEPARATOR, 1)[0]
        if marker in known:
            found.append((marker, row))
    return found
