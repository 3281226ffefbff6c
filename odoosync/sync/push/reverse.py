"""Reversing: a record changed or withdrawn in the app after its invoice or bill was posted. odoosync never
modifies a posted document: the job fails (on_posted_change = fail), or a credit note reverses it (credit_note);
a voided record's payment that odoosync registered is cancelled first, as that money was never received."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from odoosync.domain.links import CREDIT_NOTE, REVERSED, Link
from odoosync.domain.links import PAYMENT as PAYMENT_ROLE
from odoosync.odoo import errors
from odoosync.sync.build.documents import MOVE, PAID_STATES, PAYMENT, WHAT
from odoosync.sync.push.context import Item, PushContext
from odoosync.sync.push.post_and_pay import auto_posts


def posted_change(push: PushContext, item: Item, row: Mapping[str, Any], *, withdrawn: bool) -> None:
    """A record changed or withdrawn after its invoice or bill was posted. odoosync never modifies a posted
    document: the job fails (on_posted_change = fail), or a credit note reverses it and, for an edit, a new
    document is made from the new version (credit_note)."""
    assert item.link is not None
    # Drafts have no number: the one Odoo gave when the document was posted (maybe by a person) is kept.
    item.link = replace(item.link, odoo_name=row.get("name") or item.link.odoo_name, odoo_state="posted")
    name = row.get("name") or f"#{row['id']}"
    what = WHAT[item.job.record_type]
    if push.config.defaults.on_posted_change != "credit_note":
        change = f"was withdrawn in the app ({getattr(item.record, 'status', '')})" if withdrawn else "changed"
        push.fail(
            item,
            f"{item.record.id} {change} after {what} {name} was posted; odoosync does not modify posted "
            "documents.\nEither correct it in Odoo (then cancel the job: odoosync queue cancel JOB), or set "
            "on_posted_change = credit_note and retry: odoosync defaults set --on-posted-change credit_note, "
            "then odoosync queue retry --failed",
            "posted",
            item.link,
        )
        return
    try:
        if withdrawn and row.get("payment_state") in PAID_STATES:
            row = _cancel_payment(push, item, row)
        credit_note = _credit_note(push, item, row, withdrawn=withdrawn)
    except errors.AuthError:
        raise
    except errors.OdooError as error:
        push.step_failed(item, "reverse", error)
        return
    item.extra_links.append(credit_note)
    if withdrawn:
        if row.get("payment_state") in PAID_STATES:
            push.warn(
                f"paid-by-others:{item.link.odoo_id}",
                f"{item.record.id} was voided, but {what} {name} was paid by a payment odoosync did not make: "
                f"its credit note {credit_note.odoo_name or credit_note.odoo_id} is left open. Refund the money "
                "in Odoo, or reset that payment to draft and cancel it if it was never received.",
            )
        push.done(item, replace(item.link, odoo_state="reversed", synced_version=item.version))
        return
    item.extra_links.append(replace(item.link, role=REVERSED, odoo_state="reversed"))
    item.link = None  # a new document is made from the new version
    item.paid = False
    if row.get("payment_state") in PAID_STATES and credit_note.odoo_state == "posted":
        item.settle_with = credit_note.odoo_id


def _cancel_payment(push: PushContext, item: Item, row: Mapping[str, Any]) -> Mapping[str, Any]:
    """A voided record's invoice was paid with the payment odoosync registered for it (auto-post): that money
    was never received, so the payment is reset to draft and cancelled, which unmatches the invoice; the credit
    note then settles the invoice and nothing of the record is left open. Returns the invoice as it is now."""
    assert item.link is not None
    known = push.store.links.of_records(push.odoo_database, [item.job.record_pk], role=PAYMENT_ROLE)
    payment = known.get(item.job.record_pk)
    if payment is None:
        return row  # paid by someone else's payment: that one is a person's to undo
    context = push.in_all_companies()
    found = push.client.search_read(PAYMENT, [("id", "=", payment.odoo_id)], ["state"], context=context)
    state = found[0].get("state") if found else "deleted"
    if state not in ("cancel", "canceled", "deleted"):  # "canceled": payments from Odoo 18
        if state != "draft":
            push.client.call(PAYMENT, "action_draft", [payment.odoo_id], context=context)
        push.client.call(PAYMENT, "action_cancel", [payment.odoo_id], context=context)
    item.extra_links.append(replace(payment, odoo_state="cancel", synced_version=item.version))
    [invoice] = push.client.read(MOVE, [item.link.odoo_id], ["payment_state"], context=context)
    return {**row, "payment_state": invoice.get("payment_state")}


def _credit_note(push: PushContext, item: Item, row: Mapping[str, Any], *, withdrawn: bool) -> Link:
    """The credit note reversing the item's posted document: the one made by an earlier attempt if there is
    one (Odoo's reversed_entry_id is its marker), else a new one; posted when the document was auto-posted."""
    assert item.link is not None
    original = item.link.odoo_id
    context = {**push.in_all_companies(), "active_model": MOVE, "active_ids": [original]}
    find = [("reversed_entry_id", "=", original), ("move_type", "in", ["out_refund", "in_refund"])]
    found = push.client.search_read(MOVE, find, ["name", "state"], order="id", context=push.in_all_companies())
    if not found:
        change = "withdrawn" if withdrawn else "changed"
        # The wizard computes its journal from the moves in Odoo's forms only: through the external API real 16
        # to 19 refuse it without one. The credit note goes in the document's own journal, as the form's does.
        journal = row["journal_id"]
        values: dict[str, Any] = {
            "reason": f"{item.record.id} {change} in the app after {row.get('name')} was posted "
            f"(version {item.version}); reversed by odoosync",
            "journal_id": journal[0] if isinstance(journal, list) else journal,
        }
        if push.facts.version.major <= 16:
            # 16 matches a credit note with its invoice only in a full refund ("cancel", which posts it); a
            # partial refund ("refund") stays a draft, and open once posted. Auto-post wants what 17+ give, but
            # a full refund also detaches the payments of a paid invoice (real 16), which then looked unpaid:
            # a paid invoice gets a partial refund, which the new document's payment is settled with below.
            paid = row.get("payment_state") in PAID_STATES
            values["refund_method"] = "cancel" if auto_posts(push, item) and not paid else "refund"
        [wizard] = push.client.create("account.move.reversal", [values], context=context)
        push.client.call("account.move.reversal", push.facts.version.credit_note_method, [wizard], context=context)
        found = push.client.search_read(MOVE, find, ["name", "state"], order="id", context=push.in_all_companies())
    credit = found[0]
    if credit.get("state") == "draft" and auto_posts(push, item):
        push.client.call(MOVE, "action_post", [int(credit["id"])], context=push.in_all_companies())
        [credit] = push.client.read(MOVE, [int(credit["id"])], ["name", "state"], context=push.in_all_companies())
    return Link(
        record_pk=item.job.record_pk,
        odoo_model=MOVE,
        odoo_id=int(credit["id"]),
        odoo_name=str(credit["name"]) if credit.get("name") and credit["name"] != "/" else None,
        company_id=item.link.company_id,
        odoo_state=str(credit.get("state")),
        synced_version=item.version,
        role=CREDIT_NOTE,
    )
