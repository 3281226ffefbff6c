"""Posting and paying, after a create or an update: deposits' payments are posted in one `action_post`; with
auto-post, the group's invoices and bills are posted in one `action_post`, and each invoice's payment registered
(`account.payment.register`, two calls per company, journal and payment date), or settled with the credit note
that reversed a paid one. Every step starts from the state Odoo reports, so a retry neither posts nor pays twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from typing import Any

from odoosync.domain.links import PAYMENT as PAYMENT_ROLE
from odoosync.domain.links import Link
from odoosync.domain.records import RecordType, RentPayment
from odoosync.odoo import errors
from odoosync.sync.build import builders
from odoosync.sync.build.builders import MissingSetup
from odoosync.sync.build.documents import MOVE, PAYMENT
from odoosync.sync.push.context import Item, PushContext


def post_payments(push: PushContext, items: list[Item]) -> list[Item]:
    """Deposits become posted payments: one call for the group."""
    drafts = [i for i in items if i.link is not None and i.link.odoo_state in (None, "draft")]

    def post(part: list[Item]) -> None:
        push.client.call(PAYMENT, "action_post", [i.link.odoo_id for i in part if i.link])

    posted = push.in_parts(drafts, post, "post")
    return [i for i in items if i not in drafts or i in posted]


def post_and_pay(push: PushContext, items: list[Item]) -> list[Item]:
    """With auto-post: post the drafts in one call, then register each invoice's payment, grouped by company,
    journal and date. Each step goes on from the state the document is in, so a retry never posts or pays
    twice. Returns the items that went through."""
    auto = [i for i in items if auto_posts(push, i)]
    drafts = [i for i in auto if i.link is not None and i.link.odoo_state in (None, "draft")]

    def post(part: list[Item]) -> None:
        push.client.call(MOVE, "action_post", [i.link.odoo_id for i in part if i.link], context=push.in_all_companies())
        for i in part:
            assert i.link is not None
            i.link = replace(i.link, odoo_state="posted")

    push.in_parts(drafts, post, "post")
    for item in auto:
        if item.settle_with and item.job.pk not in push.results and item.link and item.link.odoo_state == "posted":
            _settle(push, item)
    unpaid = [
        i
        for i in auto
        if i.job.record_type is RecordType.RENT_PAYMENT
        and i.job.pk not in push.results
        and i.link is not None
        and i.link.odoo_state == "posted"
        and not i.paid
    ]
    _register_payments(push, unpaid)
    _find_payments(push, [i for i in auto if i.paid and i.settle_with is None and i.job.pk not in push.results])
    return [i for i in items if i.job.pk not in push.results]


def auto_posts(push: PushContext, item: Item) -> bool:
    defaults = push.config.defaults
    if item.job.record_type is RecordType.RENT_PAYMENT:
        return defaults.auto_post_invoices
    return item.job.record_type is RecordType.EXPENSE and defaults.auto_post_bills


def _find_payments(push: PushContext, items: list[Item]) -> None:
    """Invoices found paid by a later attempt (a crash came after the payment was registered, before it was
    recorded): their payment is looked up, once per batch, so that its link is not lost."""
    candidates = [i for i in items if not i.extra_links and i.link]
    if not candidates:
        return
    pks = [i.job.record_pk for i in candidates]
    known = push.store.links.of_records(push.odoo_database, pks, role=PAYMENT_ROLE)
    missing = [i for i in candidates if i.job.record_pk not in known]
    if not missing:
        return
    partners = sorted({int(i.document.values["partner_id"]) for i in missing if i.document})
    days = sorted({i.record.paid_on.isoformat() for i in missing if isinstance(i.record, RentPayment)})
    rows = push.client.search_read(
        PAYMENT,
        [("partner_id", "in", partners), ("date", "in", days), ("payment_type", "=", "inbound")],
        ["name", "state", "reconciled_invoice_ids"],
        context=push.in_all_companies(),
    )
    _link_payments(push, missing, rows)


def _settle(push: PushContext, item: Item) -> None:
    """Pay the new invoice with the open amount of the credit note that reversed a paid one (Odoo's "Add"
    on an outstanding credit); what is left, if the new total is higher, is registered as usual."""
    assert item.link is not None
    context = push.in_all_companies()
    try:
        open_lines = push.client.search_read(
            "account.move.line",
            [
                ("move_id", "=", item.settle_with),
                ("account_id.account_type", "in", ["asset_receivable", "liability_payable"]),
                ("amount_residual", "!=", 0),
            ],
            ["id"],
            context=context,
        )
        if open_lines:
            push.client.call(
                MOVE,
                "js_assign_outstanding_line",
                [item.link.odoo_id],
                line_id=int(open_lines[0]["id"]),
                context=context,
            )
        [row] = push.client.read(MOVE, [item.link.odoo_id], ["amount_residual"], context=context)
    except errors.AuthError:
        raise
    except errors.OdooError as error:
        push.step_failed(item, "match the credit note with", error)
        return
    # Matched with a credit note only, Odoo calls the invoice "reversed", not "paid": the open amount says it.
    item.paid = Decimal(str(row.get("amount_residual") or 0)) == 0


def _register_payments(push: PushContext, items: list[Item]) -> None:
    groups: dict[tuple[int, int, int | None, str], list[Item]] = defaultdict(list)
    for item in items:
        assert isinstance(item.record, RentPayment)
        assert item.document is not None
        try:
            journal, method_line = builders.invoice_payment(item.record, item.document.company_id, push.facts)
        except MissingSetup as error:
            push.step_failed(item, "register the payment of", error)
            continue
        groups[(item.document.company_id, journal, method_line, item.record.paid_on.isoformat())].append(item)
    made: list[int] = []
    for (company, journal, method_line, day), group in groups.items():
        values: dict[str, Any] = {"journal_id": journal, "payment_date": day, "group_payment": False}
        if method_line:
            values["payment_method_line_id"] = method_line

        def pay(part: list[Item], values: dict[str, Any] = values, company: int = company) -> None:
            context = {
                "active_model": MOVE,
                "active_ids": [i.link.odoo_id for i in part if i.link],
                "allowed_company_ids": [company],
            }
            [wizard] = push.client.create("account.payment.register", [values], context=context)
            action = push.client.call("account.payment.register", "action_create_payments", [wizard], context=context)
            made.extend(_ids_of_action(action))

        for item in push.in_parts(group, pay, "register the payment of"):
            item.paid = True
    if not made:
        return
    payments = push.client.read(
        PAYMENT, made, ["name", "state", "reconciled_invoice_ids"], context=push.in_all_companies()
    )
    _link_payments(push, items, payments)


def _link_payments(push: PushContext, items: list[Item], payments: list[dict[str, Any]]) -> None:
    by_invoice = {invoice: row for row in payments for invoice in row.get("reconciled_invoice_ids") or ()}
    for item in items:
        row = by_invoice.get(item.link.odoo_id) if item.link else None
        if row is not None:
            item.extra_links.append(
                Link(
                    record_pk=item.job.record_pk,
                    odoo_model=PAYMENT,
                    odoo_id=int(row["id"]),
                    odoo_name=str(row["name"]) if row.get("name") else None,
                    company_id=item.link.company_id if item.link else None,
                    odoo_state=str(row["state"]),
                    synced_version=item.version,
                    role=PAYMENT_ROLE,
                )
            )


def _ids_of_action(action: Any) -> list[int]:
    """The records an action returned by a button opens: its res_id, or the ids of its domain."""
    if not isinstance(action, dict):
        return []
    if action.get("res_id"):
        return [int(action["res_id"])]
    for leaf in action.get("domain") or ():
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and leaf[0] == "id" and leaf[1] == "in":
            return [int(i) for i in leaf[2]]
    return []
