"""Chart of accounts, journals, payment methods, taxes, analytic accounts and products."""

from __future__ import annotations

from decimal import Decimal

from odoosync.sandbox.errors import ValidationError
from odoosync.sandbox.orm import (
    Boolean,
    Char,
    Float,
    Integer,
    Many2many,
    Many2one,
    Model,
    One2many,
    Row,
    Selection,
)

# account_account.py: the account types of 16+.
ACCOUNT_TYPES = [
    ("asset_receivable", "Receivable"),
    ("asset_cash", "Bank and Cash"),
    ("asset_current", "Current Assets"),
    ("asset_non_current", "Non-current Assets"),
    ("asset_prepayments", "Prepayments"),
    ("asset_fixed", "Fixed Assets"),
    ("liability_payable", "Payable"),
    ("liability_credit_card", "Credit Card"),
    ("liability_current", "Current Liabilities"),
    ("liability_non_current", "Non-current Liabilities"),
    ("equity", "Equity"),
    ("equity_unaffected", "Current Year Earnings"),
    ("income", "Income"),
    ("income_other", "Other Income"),
    ("expense", "Expenses"),
    ("expense_depreciation", "Depreciation"),
    ("expense_direct_cost", "Cost of Revenue"),
    ("off_balance", "Off-Balance Sheet"),
]


class Account(Model):
    _name = "account.account"
    _order = "code"
    code = Char(required=True)
    name = Char(required=True, translate=True)
    account_type = Selection(ACCOUNT_TYPES, required=True)
    reconcile = Boolean(default=False)
    # account.account is per company up to 17 and shared between companies from 18.
    company_id = Many2one("res.company", required=True, until=17, default=lambda env: env.company_id)
    company_ids = Many2many("res.company", since=18, default=lambda env: (env.company_id,))
    deprecated = Boolean(default=False, until=18)
    active = Boolean(default=True, since=19)

    def compute_display_name(self, row: Row) -> str:
        return f"{row['code']} {row['name']}"


class PaymentMethod(Model):
    _name = "account.payment.method"
    name = Char(required=True)
    code = Char(required=True)
    payment_type = Selection([("inbound", "Inbound"), ("outbound", "Outbound")], required=True)


class PaymentMethodLine(Model):
    _name = "account.payment.method.line"
    name = Char()
    payment_method_id = Many2one("account.payment.method", required=True)
    journal_id = Many2one("account.journal")
    payment_type = Selection([("inbound", "Inbound"), ("outbound", "Outbound")])
    payment_account_id = Many2one("account.account")

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        method = self.env.db.table("account.payment.method")[row["payment_method_id"]]
        row["payment_type"] = method["payment_type"]
        row["name"] = row.get("name") or method["name"]
        return row


class Journal(Model):
    _name = "account.journal"
    name = Char(required=True)
    code = Char(required=True)
    sequence = Integer(default=10)  # account_journal.py: _order = 'sequence, type, code'
    type = Selection(
        [("sale", "Sales"), ("purchase", "Purchase"), ("cash", "Cash"), ("bank", "Bank"), ("general", "Miscellaneous")],
        required=True,
    )
    company_id = Many2one("res.company", required=True, default=lambda env: env.company_id)
    default_account_id = Many2one("account.account")
    currency_id = Many2one("res.currency")
    inbound_payment_method_line_ids = One2many("account.payment.method.line", "journal_id")
    outbound_payment_method_line_ids = One2many("account.payment.method.line", "journal_id")
    active = Boolean(default=True)

    def read_row(self, row: Row, fields: list[str] | None) -> Row:
        out = super().read_row(row, fields)
        lines = self.env.db.table("account.payment.method.line").values()
        for direction in ("inbound", "outbound"):
            name = f"{direction}_payment_method_line_ids"
            if name in out:
                out[name] = [
                    line["id"]
                    for line in lines
                    if line["journal_id"] == row["id"] and line["payment_type"] == direction
                ]
        return out


class TaxGroup(Model):
    _name = "account.tax.group"
    name = Char(required=True)
    company_id = Many2one("res.company", default=lambda env: env.company_id)


class Tax(Model):
    _name = "account.tax"
    name = Char(required=True)
    description = Char()
    type_tax_use = Selection([("sale", "Sales"), ("purchase", "Purchases"), ("none", "None")], default="sale")
    amount_type = Selection(
        [
            ("group", "Group of Taxes"),
            ("fixed", "Fixed"),
            ("percent", "Percentage"),
            ("division", "Percentage Tax Included"),
        ],
        default="percent",
    )
    amount = Float(default=Decimal(0))
    # account_tax.py: a boolean up to 17; from 18 an override of the company's default (account_price_include).
    price_include = Boolean(default=False, until=17)
    price_include_override = Selection([("tax_included", "Tax Included"), ("tax_excluded", "Tax Excluded")], since=18)
    company_id = Many2one("res.company", required=True, default=lambda env: env.company_id)
    tax_group_id = Many2one("account.tax.group")
    active = Boolean(default=True)

    def check(self, row: Row) -> None:
        if row["amount_type"] == "percent" and not Decimal(-100) <= row["amount"] <= Decimal(100):
            raise ValidationError("Invalid tax amount: a percentage must be between -100 and 100.")


class AnalyticPlan(Model):
    _name = "account.analytic.plan"
    name = Char(required=True)


class AnalyticAccount(Model):
    _name = "account.analytic.account"
    name = Char(required=True)
    code = Char()
    plan_id = Many2one("account.analytic.plan", required=True)
    company_id = Many2one("res.company")
    active = Boolean(default=True)


class Product(Model):
    _name = "product.product"
    name = Char(required=True)
    default_code = Char()
    # product_template.py: detailed_type (consu/service/product) up to 17, type (consu/service/combo) from 18.
    detailed_type = Selection(
        [("consu", "Consumable"), ("service", "Service"), ("product", "Storable Product")], default="consu", until=17
    )
    type = Selection([("consu", "Goods"), ("service", "Service"), ("combo", "Combo")], default="consu", since=18)
    list_price = Float(default=Decimal(1))
    sale_ok = Boolean(default=True)
    purchase_ok = Boolean(default=True)
    taxes_id = Many2many("account.tax")
    supplier_taxes_id = Many2many("account.tax")
    property_account_income_id = Many2one("account.account")
    property_account_expense_id = Many2one("account.account")
    company_id = Many2one("res.company")
    active = Boolean(default=True)


MODELS: list[type[Model]] = [
    Account,
    PaymentMethod,
    PaymentMethodLine,
    Journal,
    TaxGroup,
    Tax,
    AnalyticPlan,
    AnalyticAccount,
    Product,
]
