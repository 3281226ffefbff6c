"""account.move and account.move.line: invoices, bills, refunds and their journal items.

Lines come in through x2many commands on invoice_line_ids; after every change the move's tax lines and its
receivable/payable line are rebuilt and the totals recomputed (account_move.py `_sync_dynamic_lines`,
`_compute_amount`), which is what makes amount_total follow Odoo's rounding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from odoosync.sandbox.errors import RedirectWarning, UserError, ValidationError
from odoosync.sandbox.models.accounting import Tax
from odoosync.sandbox.orm.model import (
    Boolean,
    Char,
    Database,
    Date,
    Env,
    Float,
    Json,
    Many2many,
    Many2one,
    Model,
    Monetary,
    One2many,
    Row,
    Selection,
    Text,
    rpc,
)
from odoosync.sandbox.taxes import ROUND_GLOBALLY, LineTaxes, TaxRule, compute_line, round_to, totals


def context_today(env: Env) -> dt.date:
    """Today where the user is (fields.Date.context_today): a Riyadh morning is still yesterday in UTC."""
    return dt.datetime.now(ZoneInfo(env.user.get("tz") or "UTC")).date()


MOVE_TYPES = [
    ("entry", "Journal Entry"),
    ("out_invoice", "Customer Invoice"),
    ("out_refund", "Customer Credit Note"),
    ("in_invoice", "Vendor Bill"),
    ("in_refund", "Vendor Credit Note"),
    ("out_receipt", "Sales Receipt"),
    ("in_receipt", "Purchase Receipt"),
]
SALE_TYPES = {"out_invoice", "out_refund", "out_receipt"}
INVOICE_TYPES = SALE_TYPES | {"in_invoice", "in_refund", "in_receipt"}
# Which side the product lines take: income is credited on a customer invoice, expense debited on a bill.
PRODUCT_SIGN = {
    "out_invoice": -1,
    "out_receipt": -1,
    "in_refund": -1,
    "in_invoice": 1,
    "in_receipt": 1,
    "out_refund": 1,
}
SEQUENCE_PREFIX = {"out_refund": "R", "in_refund": "R"}
LINE_TYPES = [
    ("product", "Product"),
    ("cogs", "Cost of Goods Sold"),
    ("tax", "Tax"),
    ("discount", "Discount"),
    ("rounding", "Rounding"),
    ("payment_term", "Payment Term"),
    ("line_section", "Section"),
    ("line_note", "Note"),
    ("epd", "Early Payment Discount"),
]
PAYMENT_STATES = [
    ("not_paid", "Not Paid"),
    ("in_payment", "In Payment"),
    ("paid", "Paid"),
    ("partial", "Partially Paid"),
    ("reversed", "Reversed"),
    ("invoicing_legacy", "Invoicing App Legacy"),
]
# Fields that Odoo 18+ refuses to change on a posted move (account_move.py `_check_fiscal_lock_dates` /
# the readonly-on-posted check); Odoo 17 lets them through RPC.
# account_move.py write (18, 19): these keys of `vals` are refused on a posted move; 17 has no such check.
POSTED_READONLY = (
    "invoice_line_ids",
    "line_ids",
    "invoice_date",
    "date",
    "partner_id",
    "partner_bank_id",
    "invoice_payment_term_id",
    "currency_id",
    "fiscal_position_id",
    "invoice_cash_rounding_id",
)
# _get_starting_sequence: sale, bank and cash journals number per year, the others per month.
YEARLY_JOURNALS = ("sale", "bank", "cash")
REFUND_TYPES = {"out_refund", "in_refund"}


def partner_account(env: Env, partner_id: int | None, company_id: int, *, receivable: bool) -> int | None:
    """The partner's receivable or payable account in a company, as Odoo finds it for a receivable/payable line
    (account_move_line.py _compute_account_id) and a payment (account_payment.py _compute_destination_account_id):
    property_account_receivable_id / property_account_payable_id read with that company (the partner's own value,
    else the company's default), else the company's first receivable/payable account that is in use."""
    name = "property_account_receivable_id" if receivable else "property_account_payable_id"
    partners = env.db.table("res.partner")
    if partner_id and partner_id in partners and name in env["res.partner"]._fields:
        found = env["res.partner"].company_value(partners[partner_id], name, company_id)
        if found:
            return int(found)
    wanted = "asset_receivable" if receivable else "liability_payable"
    for account in env.db.table("account.account").values():
        companies = account.get("company_ids") or (account.get("company_id"),)
        in_use = not account.get("deprecated") and account.get("active", True)
        if account["account_type"] == wanted and company_id in companies and in_use:
            return int(account["id"])
    return None


def reconcile(db: Database, first: Row, second: Row) -> None:
    """Match two open items of opposite signs by the smaller of their residuals."""
    amount = min(abs(first["amount_residual"]), abs(second["amount_residual"]))
    if not amount or (first["amount_residual"] > 0) == (second["amount_residual"] > 0):
        return
    for line, other in ((first, second), (second, first)):
        step = amount if line["amount_residual"] > 0 else -amount
        db.update(
            "account.move.line",
            line["id"],
            {
                "amount_residual": line["amount_residual"] - step,
                "reconcile_with": [*line.get("reconcile_with", []), other["id"]],
                # account.partial.reconcile, as far as undoing it needs: (the other line, what it took off this one)
                "partials": [*line.get("partials", []), (other["id"], step)],
            },
        )


def unreconcile(db: Database, line_ids: Iterable[int]) -> set[int]:
    """remove_move_reconcile: every match of these lines undone, on both sides. Answers the moves touched."""
    lines = db.table("account.move.line")
    touched: set[int] = set()
    for line_id in line_ids:
        line = lines[line_id]
        for other_id, step in line.get("partials", ()):
            other = lines[other_id]
            back = sum((s for o, s in other.get("partials", ()) if o == line_id), Decimal(0))
            db.update(
                "account.move.line",
                other_id,
                {
                    "amount_residual": other["amount_residual"] + back,
                    "reconcile_with": [o for o in other.get("reconcile_with", ()) if o != line_id],
                    "partials": [(o, s) for o, s in other.get("partials", ()) if o != line_id],
                },
            )
            db.update(
                "account.move.line",
                line_id,
                {
                    "amount_residual": lines[line_id]["amount_residual"] + step,
                    "reconcile_with": [o for o in lines[line_id].get("reconcile_with", ()) if o != other_id],
                    "partials": [(o, s) for o, s in lines[line_id].get("partials", ()) if o != other_id],
                },
            )
            touched |= {line["move_id"], other["move_id"]}
    return touched


class MoveLine(Model):
    _name = "account.move.line"
    move_id = Many2one("account.move", required=True)
    name = Char()
    display_type = Selection(LINE_TYPES, default="product")
    product_id = Many2one("product.product")
    account_id = Many2one("account.account")
    partner_id = Many2one("res.partner")
    quantity = Float(default=Decimal(1))
    price_unit = Float(default=Decimal(0))
    discount = Float(default=Decimal(0))
    tax_ids = Many2many("account.tax")
    analytic_distribution = Json()
    price_subtotal = Monetary(readonly=True)
    price_total = Monetary(readonly=True)
    debit = Monetary(readonly=True)
    credit = Monetary(readonly=True)
    balance = Monetary(readonly=True)
    amount_residual = Monetary(readonly=True)
    reconciled = Boolean(readonly=True, store=False)
    company_id = Many2one("res.company", readonly=True)
    currency_id = Many2one("res.currency", readonly=True)
    date = Date(readonly=True)
    tax_line_id = Many2one("account.tax", readonly=True)
    tax_repartition_line_id = Many2one("account.tax.repartition.line", readonly=True)
    parent_state = Char(readonly=True)

    def compute_display_name(self, row: Row) -> str:
        return str(row.get("name") or "")

    @rpc
    def write(self, ids: list[int], vals: Row) -> bool:
        values = vals
        rows = self.browse(ids)
        moves = self.env["account.move"]
        assert isinstance(moves, Move)
        posted = [row for row in rows if moves.table[row["move_id"]]["state"] == "posted"]
        if posted and self.env.version >= 18:
            labels = ", ".join(self._fields[n].describe()["string"] for n in values if n in self._fields)
            raise UserError(f"You cannot modify the following readonly fields on a posted move: {labels}")
        if posted and self.env.version <= 16 and set(values) & {"price_unit", "quantity", "tax_ids", "discount"}:
            # 16: the line's taxes are computed again, which a posted item refuses (real 16; 17 takes the write).
            raise UserError(
                "You cannot modify the taxes related to a posted journal item, you should reset the journal entry to "
                "draft to do so."
            )
        super().write(ids, values)
        for move_id in dict.fromkeys(row["move_id"] for row in rows):
            moves.recompute(move_id)
        return True

    def read_row(self, row: Row, fields: list[str] | None) -> Row:
        out = super().read_row(row, fields)
        if "reconciled" in out:
            out["reconciled"] = bool(row.get("reconcile_with")) and row.get("amount_residual") == 0
        return out


class Move(Model):
    _name = "account.move"
    _order = "date desc, name desc, id desc"
    name = Char()
    move_type = Selection(MOVE_TYPES, default="entry")
    state = Selection([("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")], default="draft")
    partner_id = Many2one("res.partner")
    journal_id = Many2one("account.journal")
    company_id = Many2one("res.company")
    currency_id = Many2one("res.currency")
    invoice_date = Date()
    invoice_date_due = Date()
    date = Date()
    ref = Char()
    payment_reference = Char()
    narration = Text()
    invoice_origin = Char()
    invoice_line_ids = One2many(
        "account.move.line", "move_id", domain=[("display_type", "in", ["product", "line_section", "line_note"])]
    )
    line_ids = One2many("account.move.line", "move_id")
    amount_untaxed = Monetary(readonly=True)
    amount_tax = Monetary(readonly=True)
    amount_total = Monetary(readonly=True)
    amount_residual = Monetary(readonly=True)
    payment_state = Selection(PAYMENT_STATES, default="not_paid", readonly=True)
    reversed_entry_id = Many2one("account.move")

    def compute_display_name(self, row: Row) -> str:
        if row.get("name") and row["name"] != "/":
            return str(row["name"])
        label = dict(MOVE_TYPES)[row["move_type"]]
        return f"Draft {label} ({row['id']})" if row["move_type"] != "entry" else "Draft Entry"

    # --- create and write ---

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        move_type = row.get("move_type") or "entry"
        journal = self._journal(row, move_type)
        row["journal_id"] = journal["id"]
        row["company_id"] = row.get("company_id") or journal["company_id"]
        company = self.env.db.table("res.company")[row["company_id"]]
        row["currency_id"] = row.get("currency_id") or journal.get("currency_id") or company["currency_id"]
        row["date"] = row.get("date") or row.get("invoice_date") or context_today(self.env)
        row["state"] = "draft"
        row["name"] = row.get("name") or self._draft_name(row)
        return row

    def _draft_name(self, row: Row) -> str | None:
        """_compute_name up to 17: the first move of its journal and period takes its number while still a draft,
        later drafts show "/". From 18 a draft has no name until posted (measured on 18 and 19)."""
        if self.env.version >= 18:
            return None
        prefix = self._sequence_prefix(row, row["date"])
        if self.env.db.sequence_used(prefix):
            return "/"
        return self._next_name(row, row["date"])

    def _journal(self, row: Row, move_type: str) -> Row:
        journals = self.env.db.table("account.journal")
        if row.get("journal_id"):
            journal = journals[row["journal_id"]]
        else:
            wanted = "sale" if move_type in SALE_TYPES else "purchase" if move_type in INVOICE_TYPES else "general"
            company = row.get("company_id") or self.env.company_id
            candidates = [j for j in journals.values() if j["type"] == wanted and j["company_id"] == company]
            if not candidates:
                raise UserError(f"No journal could be found in company for any of those types: {wanted}")
            journal = candidates[0]
        if row.get("company_id") and journal["company_id"] != row["company_id"]:
            label = dict(MOVE_TYPES)[move_type]
            raise UserError(self._incompatible(f"Draft {label}", row["company_id"], "journal_id", journal))
        return journal

    def _incompatible(self, record: str, company_id: int, field: str, target: Row) -> str:
        """models.py _check_company: the record, its company, the field's label and name, the linked value."""
        company = self.env.db.table("res.company")[company_id]["name"]
        labels = {"journal_id": "Journal", "tax_ids": "Taxes", "account_id": "Account"}
        return (
            "Incompatible companies on records:\n"
            f"- {record!r} belongs to company {company!r} and {labels[field]!r} ({field}: {target['name']!r}) "
            "belongs to another company."
        )

    def after_create(self, record_id: int, values: Row) -> None:
        self._apply_line_commands(record_id, values.get("invoice_line_ids") or values.get("line_ids") or [])
        self.recompute(record_id)

    @rpc
    def write(self, ids: list[int], vals: Row) -> bool:
        values = vals
        rows = self.browse(ids)
        touched = [name for name in values if name in POSTED_READONLY]
        if self.env.version >= 18 and touched and any(row["state"] == "posted" for row in rows):
            raise UserError(f"You cannot modify the following readonly fields on a posted move: {', '.join(touched)}")
        super().write(ids, values)
        for row in rows:
            commands = values.get("invoice_line_ids") or values.get("line_ids")
            if commands:
                self._apply_line_commands(row["id"], commands)
            # account_move.py _inverse_partner_id: a new partner makes the receivable/payable line's account
            # computed again; otherwise the line keeps the account it has.
            self.recompute(row["id"], reset_term_account="partner_id" in values)
        return True

    def _apply_line_commands(self, move_id: int, commands: list[Any]) -> None:
        lines = self.env["account.move.line"]
        if not isinstance(commands, list):
            raise ValidationError("invoice_line_ids takes a list of commands")
        for command in commands:
            if not isinstance(command, list | tuple) or not command:
                raise ValidationError(f"Invalid x2many command {command!r}")
            code = command[0]
            if code == 0:
                lines.create({**command[2], "move_id": move_id})
            elif code == 1:
                self._own_lines(move_id, [command[1]])
                lines.write([command[1]], command[2])
            elif code in (2, 3):
                self._own_lines(move_id, [command[1]])
                lines.unlink([command[1]])
            elif code == 5:
                lines.unlink(self._product_lines(move_id))
            elif code == 6:
                keep = set(command[2])
                lines.unlink([i for i in self._product_lines(move_id) if i not in keep])
            else:
                raise ValidationError(f"Unsupported x2many command {command!r}")

    def _own_lines(self, move_id: int, ids: list[int]) -> None:
        for row in self.env["account.move.line"].browse(ids):
            if row["move_id"] != move_id:
                raise UserError(f"Line {row['id']} does not belong to move {move_id}")

    def _product_lines(self, move_id: int) -> list[int]:
        return [
            row["id"]
            for row in self.env.db.children("account.move.line", "move_id", [move_id])
            if row.get("display_type") in ("product", "line_section", "line_note", None)
        ]

    # --- the dynamic lines and the totals ---

    def recompute(self, move_id: int, *, reset_term_account: bool = False) -> None:
        db = self.env.db
        move = self.table[move_id]
        if move["move_type"] not in INVOICE_TYPES:
            self._recompute_entry(move)
            return
        company = db.table("res.company")[move["company_id"]]
        rounding = db.table("res.currency")[move["currency_id"]]["rounding"]
        method = company.get("tax_calculation_rounding_method") or "round_per_line"
        sign = PRODUCT_SIGN[move["move_type"]]
        all_lines = db.children("account.move.line", "move_id", [move_id])
        product_lines = [row for row in all_lines if row.get("display_type") == "product"]
        computed: list[LineTaxes] = []
        for line in product_lines:
            result = compute_line(
                line["price_unit"],
                line["quantity"],
                discount=line["discount"],
                taxes=self._tax_rules(line, move),
                rounding=rounding,
                method=method,
            )
            computed.append(result)
            self._check_account_company(line, move)
            balance = sign * result.subtotal
            db.update(
                "account.move.line",
                line["id"],
                {
                    "price_subtotal": result.subtotal,
                    "price_total": round_to(result.total, rounding),
                    **self._amounts(balance),
                    "amount_residual": Decimal(0),
                    "company_id": move["company_id"],
                    "currency_id": move["currency_id"],
                    "partner_id": move.get("partner_id"),
                    "date": move["date"],
                    "account_id": line.get("account_id") or self._default_account(move, line),
                    "parent_state": move["state"],
                },
            )
        previous_term_account = next(
            (line["account_id"] for line in all_lines if line.get("display_type") == "payment_term"), None
        )
        for line in all_lines:
            if line.get("display_type") in ("tax", "payment_term"):
                db.delete("account.move.line", line["id"])
        spread = self.env.version >= 18 and method == ROUND_GLOBALLY
        summed = totals(computed, rounding, spread_base=spread)
        delta = summed.amount_untaxed - sum((c.subtotal for c in computed), Decimal(0))
        if delta and product_lines:
            # The 18+ engine puts the base's rounding difference on the line with the largest amount; its
            # price_subtotal stays as computed, only its balance moves.
            largest = max(zip(product_lines, computed, strict=True), key=lambda pair: abs(pair[1].raw_subtotal))[0]
            db.update("account.move.line", largest["id"], self._amounts(largest["balance"] + sign * delta))
        for tax_id, amount in summed.by_tax.items():
            if amount:
                tax = db.table("account.tax")[tax_id]
                for repartition, account, share in self._tax_line_shares(move, tax_id, amount, product_lines, computed):
                    self._add_line(
                        move,
                        tax["name"],
                        kind="tax",
                        account=account,
                        balance=sign * share,
                        tax_id=tax_id,
                        repartition=repartition,
                    )
        total = summed.amount_total
        # account_move_line.py _compute_account_id (payment_term): the account of the move's other payment term
        # lines if any (a term line that is rebuilt keeps its account), else the partner's, for the move's company.
        counterpart = None if reset_term_account else previous_term_account
        counterpart = counterpart or self._counterpart_account(move)
        label = move.get("payment_reference") or move.get("name") or ""
        term = self._add_line(move, label, kind="payment_term", account=counterpart, balance=-sign * total)
        residual = abs(term["amount_residual"])
        db.update(
            "account.move",
            move_id,
            {
                "amount_untaxed": summed.amount_untaxed,
                "amount_tax": summed.amount_tax,
                "amount_total": total,
                "amount_residual": residual if move["state"] == "posted" else total,
            },
        )
        self._update_payment_state(move_id)

    def _tax_line_shares(
        self, move: Row, tax_id: int, amount: Decimal, product_lines: list[Row], computed: list[LineTaxes]
    ) -> list[tuple[int | None, int | None, Decimal]]:
        """The tax lines of one tax as (repartition line, account, amount).

        account_tax.py: a tax line per repartition line of type tax of the document (refund lines for credit
        notes, _add_accounting_data_to_base_line_tax_details / compute_all with is_refund), on the repartition
        line's account or, when it has none, on the account of the invoice line it comes from (the account is
        part of the tax line's grouping key). Each repartition line takes factor_percent of the tax; from 17 the
        tax lines' factors must add up to 100 % (_validate_repartition_lines), so the tax amount is whole.
        """
        taxes = self.env["account.tax"]
        assert isinstance(taxes, Tax)
        document_type = "refund" if move["move_type"] in REFUND_TYPES else "invoice"
        repartitions = [
            line for line in taxes.repartition_lines(tax_id)[document_type] if line["repartition_type"] == "tax"
        ]
        if not repartitions:
            return [(None, None, amount)]
        raw: dict[tuple[int, int | None], Decimal] = {}
        for line, result in zip(product_lines, computed, strict=True):
            amounts = [a for t, a in result.taxes if t == tax_id]
            if not amounts:
                continue
            line_amount = sum(amounts, Decimal(0))
            for repartition in repartitions:
                key = (repartition["id"], repartition.get("account_id") or line.get("account_id"))
                raw[key] = raw.get(key, Decimal(0)) + line_amount * repartition["factor_percent"] / 100
        rounding = self.env.db.table("res.currency")[move["currency_id"]]["rounding"]
        shares = {key: round_to(value, rounding) for key, value in raw.items()}
        # The tax lines add up to the tax amount: a rounding difference between groups goes to the largest.
        difference = amount - sum(shares.values(), Decimal(0))
        if difference and shares:
            largest = max(shares, key=lambda key: abs(shares[key]))
            shares[largest] += difference
        return [(repartition, account, share) for (repartition, account), share in shares.items() if share]

    def _recompute_entry(self, move: Row) -> None:
        lines = self.env.db.children("account.move.line", "move_id", [move["id"]])
        total = sum((row["debit"] for row in lines), Decimal(0))
        self.env.db.update("account.move", move["id"], {"amount_total": total, "amount_untaxed": total})

    @staticmethod
    def _amounts(balance: Decimal) -> Row:
        return {"balance": balance, "debit": max(balance, Decimal(0)), "credit": max(-balance, Decimal(0))}

    def _add_line(
        self,
        move: Row,
        label: str,
        *,
        kind: str,
        account: int | None,
        balance: Decimal,
        tax_id: int | None = None,
        repartition: int | None = None,
    ) -> Row:
        row = {
            "move_id": move["id"],
            "name": label,
            "display_type": kind,
            "account_id": account,
            "partner_id": move.get("partner_id"),
            "quantity": Decimal(1),
            "price_unit": Decimal(0),
            "discount": Decimal(0),
            "tax_ids": (),
            "price_subtotal": Decimal(0),
            "price_total": Decimal(0),
            **self._amounts(balance),
            "amount_residual": balance if kind == "payment_term" else Decimal(0),
            "company_id": move["company_id"],
            "currency_id": move["currency_id"],
            "date": move["date"],
            "tax_line_id": tax_id,
            "tax_repartition_line_id": repartition,
            "parent_state": move["state"],
            "reconcile_with": [],
        }
        line_id = self.env.db.insert("account.move.line", row)
        return self.env.db.table("account.move.line")[line_id]

    def _check_account_company(self, line: Row, move: Row) -> None:
        if not line.get("account_id"):
            return
        account = self.env.db.table("account.account")[line["account_id"]]
        companies = account.get("company_ids") or (account.get("company_id"),)
        if move["company_id"] not in companies:
            record = str(line.get("name") or "")
            target = {"name": f"{account['code']} {account['name']}"}
            raise UserError(self._incompatible(record, move["company_id"], "account_id", target))

    def _tax_rules(self, line: Row, move: Row) -> list[TaxRule]:
        rules = []
        for tax in self.env["account.tax"].browse(line.get("tax_ids") or ()):
            if tax["company_id"] != move["company_id"]:
                record = str(line.get("name") or "")
                raise UserError(self._incompatible(record, move["company_id"], "tax_ids", tax))
            included = tax.get("price_include") or tax.get("price_include_override") == "tax_included"
            rules.append(TaxRule(tax["id"], tax["amount"], bool(included)))
        return rules

    def _default_account(self, move: Row, line: Row) -> int | None:
        journal = self.env.db.table("account.journal")[move["journal_id"]]
        if line.get("product_id"):
            product = self.env.db.table("product.product")[line["product_id"]]
            key = "property_account_income_id" if move["move_type"] in SALE_TYPES else "property_account_expense_id"
            if product.get(key):
                return int(product[key])
            # product.py _get_product_accounts: else the category's account.
            category = self.env.db.table("product.category").get(product.get("categ_id") or 0) or {}
            if category.get(key.replace("_id", "_categ_id")):
                return int(category[key.replace("_id", "_categ_id")])
        return journal.get("default_account_id")

    def _counterpart_account(self, move: Row) -> int | None:
        """The receivable (sales) or payable account of the move's partner in the move's company."""
        receivable = move["move_type"] in SALE_TYPES
        return partner_account(self.env, move.get("partner_id"), move["company_id"], receivable=receivable)

    def copy_term_account(self, source_id: int, target_id: int) -> None:
        """Give a move made from another (a reversal, the new draft of "modify") the other's receivable/payable
        account: Odoo makes them from copy_data of the original, whose lines carry their accounts."""
        db = self.env.db
        terms = {
            move_id: [
                line
                for line in db.children("account.move.line", "move_id", [move_id])
                if line.get("display_type") == "payment_term"
            ]
            for move_id in (source_id, target_id)
        }
        if terms[source_id]:
            for line in terms[target_id]:
                db.update("account.move.line", line["id"], {"account_id": terms[source_id][0]["account_id"]})

    def _update_payment_state(self, move_id: int) -> None:
        move = self.table[move_id]
        state = "not_paid"
        if move["state"] == "posted" and move["move_type"] in INVOICE_TYPES:
            if move["amount_residual"] == 0 and move["amount_total"] != 0:
                # _compute_payment_state: "reversed" when it was matched with credit notes only.
                db = self.env.db
                partners = {
                    other
                    for line in db.children("account.move.line", "move_id", [move_id])
                    for other in line.get("reconcile_with", ())
                }
                partner_moves = {db.table("account.move.line")[other]["move_id"] for other in partners}
                refunds = [db.table("account.move")[m]["move_type"].endswith("_refund") for m in partner_moves]
                state = "reversed" if refunds and all(refunds) else "paid"
            elif move["amount_residual"] != move["amount_total"]:
                state = "partial"
        self.env.db.update("account.move", move_id, {"payment_state": state})

    # --- the state machine ---

    @rpc
    def action_post(self, ids: list[int]) -> bool:
        for move in self.browse(ids):
            self._post(move)
        return False

    def _post(self, move: Row) -> None:
        db = self.env.db
        if move["state"] != "draft":
            raise UserError(f"The entry {move['name']} (id {move['id']}) must be in draft.")
        lines = db.children("account.move.line", "move_id", [move["id"]])
        if move["move_type"] in INVOICE_TYPES:
            if not [row for row in lines if row.get("display_type") == "product"]:
                raise UserError("You need to add a line before posting.")
            if not move.get("partner_id"):
                role = "Customer" if move["move_type"] in SALE_TYPES else "Vendor"
                label = dict(MOVE_TYPES)[move["move_type"]]
                raise UserError(f"The field '{role}' is required, please complete it to validate the {label}.")
            if move["amount_total"] < 0:
                raise UserError(
                    "You cannot validate an invoice with a negative total amount. You should create a credit note "
                    "instead. Use the action menu to transform it into a credit note or refund."
                )
        if self.env.version <= 16:
            self._check_duplicate_supplier_reference(move)
        changes: Row = {"state": "posted"}
        if move["move_type"] in INVOICE_TYPES and not move.get("invoice_date"):
            if move["move_type"] not in SALE_TYPES:
                raise UserError("The Bill/Refund date is required to validate this document.")
            changes["invoice_date"] = context_today(self.env)
            changes["date"] = changes["invoice_date"]
        if not move.get("name") or move["name"] == "/":
            changes["name"] = self._next_name(move, changes.get("date") or move["date"])
        if move["move_type"] == "out_invoice" and not move.get("payment_reference"):
            # _post, _auto_compute_invoice_reference: a customer invoice without a payment reference gets one
            # (with the journal's default reference type, its number).
            changes["payment_reference"] = changes.get("name") or move["name"]
        db.update("account.move", move["id"], changes)
        for line in lines:
            db.update("account.move.line", line["id"], {"parent_state": "posted"})
        self.recompute(move["id"])
        if move["move_type"] in INVOICE_TYPES and move.get("partner_id"):
            rank = "customer_rank" if move["move_type"] in SALE_TYPES else "supplier_rank"
            partner = db.table("res.partner")[move["partner_id"]]
            db.update("res.partner", partner["id"], {rank: (partner.get(rank) or 0) + 1})
        if move.get("reversed_entry_id") and self.env.version >= 17:
            # 16 matches a credit note with its invoice only when the wizard cancels the invoice (refund_method
            # "cancel" or "modify"); a partial refund posted later stays open, and so does the invoice (real 16).
            self._reconcile_with_origin(move)

    def _check_duplicate_supplier_reference(self, move: Row) -> None:
        """16 (_check_duplicate_supplier_reference): a vendor bill or refund is not posted when another posted one of
        the same company, vendor, reference, type and bill date exists. 17 turned it into a warning in the form."""
        if move["move_type"] not in ("in_invoice", "in_refund") or not move.get("ref"):
            return
        commercial = self._commercial_partner(move.get("partner_id"))
        key = (move["company_id"], move["ref"], move["move_type"], move.get("invoice_date"))
        for other in self.table.values():
            if (
                other["id"] != move["id"]
                and other["state"] == "posted"
                and (other["company_id"], other.get("ref"), other["move_type"], other.get("invoice_date")) == key
                and self._commercial_partner(other.get("partner_id")) == commercial
            ):
                raise RedirectWarning(
                    "Duplicated vendor reference detected. You probably encoded twice the same vendor bill/credit note."
                )

    def _commercial_partner(self, partner_id: int | None) -> int | None:
        partners = self.env.db.table("res.partner")
        while partner_id and partners[partner_id].get("parent_id") and not partners[partner_id].get("is_company"):
            partner_id = partners[partner_id]["parent_id"]
        return partner_id

    @rpc
    def js_assign_outstanding_line(self, ids: list[int], line_id: int) -> bool:
        """The invoice's "Add" button on an outstanding credit or payment: match that line with the invoice's
        open lines of the same account."""
        [move] = self.browse(ids)
        db = self.env.db
        outstanding = db.table("account.move.line")[line_id]
        for line in db.children("account.move.line", "move_id", [move["id"]]):
            if line["account_id"] == outstanding["account_id"] and line["amount_residual"] != 0:
                reconcile(db, db.table("account.move.line")[line_id], line)
        self.after_matching({move["id"], outstanding["move_id"]})
        return True

    def after_matching(self, move_ids: Iterable[int]) -> None:
        """What matching lines, or undoing it, changes: a move's residual and payment state; a payment's
        `is_reconciled` and the invoices it pays."""
        db = self.env.db
        lines = db.table("account.move.line")
        for move_id in sorted(set(move_ids)):
            terms = [
                line
                for line in db.children("account.move.line", "move_id", [move_id])
                if line.get("display_type") == "payment_term"
            ]
            residual = abs(sum((t["amount_residual"] for t in terms), Decimal(0)))
            db.update("account.move", move_id, {"amount_residual": residual})
            self._update_payment_state(move_id)
            payment = self.table[move_id].get("payment_id")
            if payment:
                paid = {lines[other]["move_id"] for t in terms for other in t.get("reconcile_with", ())}
                invoices = {m for m in paid if self.table[m]["move_type"] in INVOICE_TYPES}
                if self.env.version >= 18:
                    # From 18 a payment keeps the invoices it was made for (`invoice_ids`), matched or not any
                    # more: real 18 and 19 list them after the payment is reset to draft.
                    invoices |= set(db.table("account.payment")[payment].get("reconciled_invoice_ids") or ())
                matched = bool(terms) and all(t["amount_residual"] == 0 for t in terms)
                values: Row = {"is_reconciled": matched, "reconciled_invoice_ids": tuple(sorted(invoices))}
                state = db.table("account.payment")[payment]["state"]
                if self.env.version >= 18 and state in ("in_process", "paid"):
                    # _compute_state: "paid" once every invoice it was made for is paid (the outstanding line is
                    # never matched with a bank statement here).
                    paid_all = invoices and all(self.table[m]["payment_state"] == "paid" for m in invoices)
                    values["state"] = "paid" if paid_all else "in_process"
                db.update("account.payment", payment, values)

    def _reconcile_with_origin(self, move: Row) -> None:
        """_reconcile_reversed_moves: a posted credit note is matched with the invoice it reverses."""
        origin = self.table[move["reversed_entry_id"]]
        if origin["state"] != "posted":
            return
        terms = [
            line
            for line in self.env.db.children("account.move.line", "move_id", [origin["id"], move["id"]])
            if line.get("display_type") == "payment_term"
        ]
        # Only what is still open is matched (`.filtered(lambda l: not l.reconciled)`): the credit note of an
        # invoice already paid stays open, and the invoice stays paid.
        mine = [line for line in terms if line["move_id"] == move["id"] and line["amount_residual"] != 0]
        theirs = [line for line in terms if line["move_id"] == origin["id"] and line["amount_residual"] != 0]
        if not (mine and theirs):
            return
        reconcile(self.env.db, theirs[0], mine[0])
        self.after_matching({origin["id"], move["id"]})

    def _sequence_prefix(self, move: Row, date: dt.date) -> str:
        journal = self.env.db.table("account.journal")[move["journal_id"]]
        # Refunds and payments have their own sequences (journal refund_sequence / payment_sequence).
        letter = "P" if move.get("payment_id") else SEQUENCE_PREFIX.get(move["move_type"], "")
        period = f"{date.year}/" if journal["type"] in YEARLY_JOURNALS else f"{date.year}/{date.month:02d}/"
        return f"{letter}{journal['code']}/{period}"

    def _next_name(self, move: Row, date: dt.date) -> str:
        journal = self.env.db.table("account.journal")[move["journal_id"]]
        prefix = self._sequence_prefix(move, date)
        number = self.env.db.next_number(prefix)
        return f"{prefix}{number:0{5 if journal['type'] in YEARLY_JOURNALS else 4}d}"

    @rpc
    def button_draft(self, ids: list[int]) -> bool:
        for move in self.browse(ids):
            if move["state"] not in ("posted", "cancel"):
                raise UserError("Only posted/cancelled journal entries can be reset to draft.")
            self.env.db.update("account.move", move["id"], {"state": "draft"})
            if self.env.version <= 18:
                # Up to 18 its matches are undone first (remove_move_reconcile): a paid invoice goes back to draft
                # unpaid, its payment stays posted, open. 19 keeps them until the entry is cancelled.
                self._unmatch(move)
            self.recompute(move["id"])
        return False

    @rpc
    def button_cancel(self, ids: list[int]) -> None:
        for move in self.browse(ids):
            if move["state"] == "posted":  # a posted move is first reset to draft (account_move.py, 18)
                self.button_draft([move["id"]])
            if move["state"] != "draft":
                raise UserError("Only draft journal entries can be cancelled.")
            self._unmatch(move)
            self.env.db.update("account.move", move["id"], {"state": "cancel"})
            self.recompute(move["id"])

    def _unmatch(self, move: Row) -> None:
        lines = [line["id"] for line in self.env.db.children("account.move.line", "move_id", [move["id"]])]
        self.after_matching(unreconcile(self.env.db, lines))


MODELS: list[type[Model]] = [MoveLine, Move]
