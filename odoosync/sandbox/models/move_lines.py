"""account.move.line, and the lines a move makes for itself.

After every change of an invoice's lines, its tax lines and its receivable/payable line are rebuilt and the totals
recomputed (account_move.py `_sync_dynamic_lines`, `_compute_amount`), which is what makes amount_total follow
Odoo's rounding.
"""

from __future__ import annotations

from decimal import Decimal

from odoosync.sandbox.errors import UserError
from odoosync.sandbox.models.accounting import Tax
from odoosync.sandbox.models.move_types import INVOICE_TYPES, PRODUCT_SIGN, REFUND_TYPES, SALE_TYPES
from odoosync.sandbox.models.reconciliation import MoveMatching
from odoosync.sandbox.orm.database import Row
from odoosync.sandbox.orm.environment import Env
from odoosync.sandbox.orm.fields import Boolean, Char, Date, Float, Json, Many2many, Many2one, Monetary, Selection
from odoosync.sandbox.orm.model import Model, rpc
from odoosync.sandbox.taxes import ROUND_GLOBALLY, LineTaxes, TaxRule, compute_line, round_to, totals

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
        assert isinstance(moves, MoveDynamicLines)
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


class MoveDynamicLines(MoveMatching):
    """The part of account.move that rebuilds its tax and receivable/payable lines and its totals."""

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

    def _incompatible(self, record: str, company_id: int, field: str, target: Row) -> str:
        """models.py _check_company: the record, its company, the field's label and name, the linked value."""
        company = self.env.db.table("res.company")[company_id]["name"]
        labels = {"journal_id": "Journal", "tax_ids": "Taxes", "account_id": "Account"}
        return (
            "Incompatible companies on records:\n"
            f"- {record!r} belongs to company {company!r} and {labels[field]!r} ({field}: {target['name']!r}) "
            "belongs to another company."
        )
