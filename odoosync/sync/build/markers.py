"""Finding odoosync's documents in Odoo by their markers (design.md, Idempotency): a partner's `ref` is the
contact id, an invoice's or bill's `invoice_origin` the app id, a payment's memo starts with the deposit id.
The engine looks for them before making a document again; reconcile looks for documents made twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from odoosync.odoo.client import OdooClient
from odoosync.sync.build.builders import MEMO_SEPARATOR
from odoosync.sync.build.documents import MOVE, PARTNER, PAYMENT


def search_markers(
    client: OdooClient,
    model: str,
    markers: Sequence[str],
    *,
    context: Mapping[str, Any],
    memos: Mapping[str, str] | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """(marker, row) for every `model` record carrying one of `markers`, oldest first. Rows carry `name`;
    move rows `move_type` and `state`, payment rows `state`, partner rows `active`. `memos`: the memo each
    deposit's payment was given, when known, so that a payment is matched by its whole memo; a payment whose memo
    could be more than one deposit's comes once for each, the likeliest first."""
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
            ["invoice_origin", "move_type", "state", "payment_state", "name"],
            order="id",
            context=context,
        )
        return [(str(row["invoice_origin"]), row) for row in rows]
    memo = client.version.payment_memo
    leaves: list[Any] = ["|"] * (len(wanted) - 1)
    leaves += [(memo, "=like", f"{_like_escaped(marker)}%") for marker in wanted]
    rows = client.search_read(PAYMENT, leaves, [memo, "state", "name"], order="id", context=context)
    return [(marker, row) for row in rows for marker in memo_markers(str(row.get(memo) or ""), wanted, memos or {})]


def memo_markers(memo: str, markers: Sequence[str], memos: Mapping[str, str]) -> list[str]:
    """The deposit ids a payment's memo may belong to, the likeliest first, whatever the ids contain (an id may
    hold the separator itself): a marker whose memo is known only when it is that memo, whole; one whose memo is
    not known when it is the whole memo or its part before a separator (longest first). The caller gives each
    payment to one record. Pure: tested on its own."""
    exact = sorted((m for m in markers if memos.get(m) == memo), key=lambda m: (m != memo, -len(m)))
    unknown = (m for m in markers if m not in memos and (memo == m or memo.startswith(m + MEMO_SEPARATOR)))
    return exact + sorted(unknown, key=lambda m: -len(m))


def _like_escaped(text: str) -> str:
    # =like takes % and _ as wildcards and \ as their escape (PostgreSQL's LIKE).
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
