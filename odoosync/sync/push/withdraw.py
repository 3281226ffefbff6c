"""Withdrawing: records voided or rejected in the app after they synced."""

from __future__ import annotations

from dataclasses import replace

from odoosync.sync.build.documents import MODEL_OF, MOVE, PAYMENT
from odoosync.sync.push.context import Item, PushContext
from odoosync.sync.push.reading import read_current
from odoosync.sync.push.reverse import posted_change


def withdraw(push: PushContext, items: list[Item]) -> None:
    """Records voided or rejected after they synced: a draft is cancelled; a posted invoice or bill follows
    on_posted_change; a posted payment is reset to draft and cancelled (which undoes its matches; from 18 Odoo
    deletes its draft entry)."""
    if not items:
        return
    model = MODEL_OF[items[0].job.record_type]
    fields = ["state", "name", "journal_id", *(["payment_state"] if model == MOVE else [])]
    current = read_current(push, model, items, fields)
    drafts: list[Item] = []
    posted_payments: list[Item] = []
    for item in items:
        assert item.link is not None
        row = current.get(item.link.odoo_id)
        if row is None or row.get("state") in ("cancel", "canceled"):  # "canceled": payments from Odoo 18
            push.done(item, replace(item.link, odoo_state="cancel" if row else "deleted"))
        elif row.get("state") == "draft":
            drafts.append(item)
        elif model == PAYMENT:
            item.link = replace(item.link, odoo_state=str(row.get("state")))
            posted_payments.append(item)
        else:
            posted_change(push, item, row, withdrawn=True)
    ids = _ids

    def to_draft(part: list[Item]) -> None:
        push.client.call(PAYMENT, "action_draft", ids(part), context=push.in_all_companies())

    drafts += push.in_parts(posted_payments, to_draft, "reset to draft (to cancel it)")
    method = "button_cancel" if model == MOVE else "action_cancel"

    def cancel(part: list[Item]) -> None:
        push.client.call(model, method, ids(part), context=push.in_all_companies())

    for item in push.in_parts(drafts, cancel, "cancel"):
        assert item.link is not None
        push.done(item, replace(item.link, odoo_state="cancel", synced_version=item.version))


def _ids(items: list[Item]) -> list[int]:
    return [i.link.odoo_id for i in items if i.link]
