"""A built document's figures as Odoo makes them when it posts (account_move.py `_sync_dynamic_lines`): each
invoice line on its account, each tax on the account of its repartition line, the total on the partner's receivable
or payable account; a payment between its outstanding account and the partner's (or the deposit account)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from odoosync.domain import money
from odoosync.domain.records import Contact, Deposit, Expense, RentPayment
from odoosync.sync.build.builders import OdooFacts
from odoosync.sync.checks.plan.books import Books
from odoosync.sync.checks.plan.items import Item
from odoosync.sync.checks.plan.report import REPLACE, ZERO, Entry, PlanLine


def figure(item: Item, books: Books, facts: OdooFacts) -> None:
    """Lines, taxes, totals and journal items of a built document."""
    planned, document, record = item.planned, item.document, item.record
    assert planned is not None
    assert document is not None
    if isinstance(record, Contact):
        return
    undone = books.undone(item) if planned.action == REPLACE else []
    if isinstance(record, Deposit):
        planned.total = record.amount if record.direction == "in" else -record.amount
        planned.untaxed, planned.tax = planned.total, ZERO
        outstanding = books.outstanding(
            document.company_id,
            document.values["journal_id"],
            document.values.get("payment_method_line_id"),
            "inbound" if record.direction == "in" else "outbound",
        )
        counterpart = document.values.get("destination_account_id") or books.partner_account(
            document.values["partner_id"], document.company_id, "receivable"
        )
        company = facts.companies[document.company_id]
        planned.entries = undone + books.pair(company, record.currency, outstanding, counterpart, planned.total)
        return
    planned.entries = undone + _move_entries(item, books, facts)


def _move_entries(item: Item, books: Books, facts: OdooFacts) -> list[Entry]:
    planned, document, record = item.planned, item.document, item.record
    assert planned is not None
    assert document is not None
    assert isinstance(record, RentPayment | Expense)
    company = facts.companies[document.company_id]
    currency = record.currency
    entries: list[Entry] = []
    sign = Decimal(1) if isinstance(record, Expense) else Decimal(-1)  # a bill debits, an invoice credits
    lines: list[PlanLine] = []
    raw_tax: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for values in document.lines:
        base = money.round_money(Decimal(values["price_unit"]) * Decimal(values["quantity"]), currency)
        tax_ids = list(values["tax_ids"][0][2]) if values.get("tax_ids") else []
        line_tax = ZERO
        for tax_id in tax_ids:
            rate, included = books.tax_rate(tax_id)
            amount = base - base / (1 + rate / 100) if included else base * rate / 100
            if company.rounds_per_line:
                amount = money.round_money(amount, currency)
            if included:
                base -= money.round_money(amount, currency)
            raw_tax[tax_id] += amount
            line_tax += amount
        account = values.get("account_id") or books.line_account(values.get("product_id"), document)
        analytic = values.get("analytic_distribution")
        lines.append(
            PlanLine(
                label=str(values["name"]),
                account=books.account_name(account),
                tax=", ".join(books.tax_name(t) for t in tax_ids) or None,
                analytic=", ".join(books.analytic_name(int(a)) for a in analytic) if analytic else None,
                untaxed=base,
                tax_amount=money.round_money(line_tax, currency),
            )
        )
        entries.append(books.entry(company, currency, account, sign * base))
    taxes = {tax_id: money.round_money(amount, currency) for tax_id, amount in raw_tax.items()}
    for tax_id, amount in taxes.items():
        for account, share in books.tax_accounts(tax_id, amount, currency):
            if share:  # Odoo makes no tax line for a tax that comes to nothing
                entries.append(books.entry(company, currency, account, sign * share))
    planned.lines = lines
    planned.untaxed = sum((line.untaxed for line in lines), ZERO)
    planned.tax = sum(taxes.values(), ZERO)
    planned.total = planned.untaxed + planned.tax
    kind = "payable" if isinstance(record, Expense) else "receivable"
    partner_account = books.partner_account(document.values["partner_id"], document.company_id, kind)
    entries.append(books.entry(company, currency, partner_account, -sign * planned.total))
    if planned.payment is not None:
        outstanding = books.outstanding(document.company_id, planned.payment["journal_id"], None, "inbound")
        entries += books.pair(company, currency, outstanding, partner_account, planned.total)
    return entries
