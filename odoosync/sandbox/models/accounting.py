"""Chart of accounts, journals, payment methods, taxes, analytic accounts and products."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any, ClassVar

from odoosync.sandbox.errors import ValidationError
from odoosync.sandbox.models import base
from odoosync.sandbox.orm.database import Row
from odoosync.sandbox.orm.domains import Domain
from odoosync.sandbox.orm.fields import Boolean, Char, Field, Float, Integer, Many2many, Many2one, One2many, Selection
from odoosync.sandbox.orm.model import Model, rpc

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

    def check(self, row: Row) -> None:
        """Codes are unique in a company, whatever the accounts' type or state (16-17: the SQL constraint
        code_company_uniq; 18+: _check_account_code). Messages as real 16, 17, 18 and 19 give them."""
        companies = set(row["company_ids"] if self.env.version >= 18 else (row["company_id"],))
        for other in self.table.values():
            if other["id"] == row["id"] or other["code"] != row["code"]:
                continue
            shared = set(other["company_ids"] if self.env.version >= 18 else (other["company_id"],)) & companies
            if not shared:
                continue
            if self.env.version <= 16:
                raise ValidationError(
                    "The operation cannot be completed: The code of the account must be unique per company !"
                )
            if self.env.version == 17:
                company = self.env.db.table("res.company")[min(shared)]["name"]
                raise ValidationError(
                    f"The code of the account must be unique per company!\n- {row['code']} in {company}"
                )
            raise ValidationError(
                f"Account codes must be unique. You can't create accounts with these duplicate codes: {row['code']}"
            )


class PaymentMethod(Model):
    _name = "account.payment.method"
    name = Char(required=True)
    code = Char(required=True)
    payment_type = Selection([("inbound", "Inbound"), ("outbound", "Outbound")], required=True)


class PaymentMethodLine(Model):
    _name = "account.payment.method.line"
    _order = "sequence, id"  # account_payment_method.py
    name = Char()
    sequence = Integer(default=10)
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


REPARTITION = "account.tax.repartition.line"
DOCUMENT_TYPES = ("invoice", "refund")


def _with(field: Field, **changes: Any) -> Field:
    """A copy of a field with other attributes, for a version that declares it differently."""
    changed = copy.copy(field)
    for key, value in changes.items():
        setattr(changed, key, value)
    return changed


class TaxRepartitionLine(Model):
    """account_tax.py AccountTaxRepartitionLine: how a tax's base and amount are spread over accounts.

    16: linked through invoice_tax_id or refund_tax_id (stored); tax_id and document_type are computed from them,
    not stored (so a domain on them is ignored, as Odoo ignores leaves on non-stored fields without a search
    method). 17+: tax_id and document_type (required) are stored; company_id is related to the tax's.
    """

    _name = REPARTITION
    _rec_name = ""  # no name field: display_name is "account.tax.repartition.line,<id>"
    _order = "document_type, repartition_type, sequence, id"  # 17+; 16 orders by sequence, repartition_type, id
    factor_percent = Float("%", required=True, default=Decimal(100))
    repartition_type = Selection([("base", "Base"), ("tax", "of tax")], "Based On", required=True, default="tax")
    document_type = Selection([("invoice", "Invoice"), ("refund", "Refund")], "Related to", required=True)
    account_id = Many2one("account.account", "Account")
    tax_id = Many2one("account.tax")
    invoice_tax_id = Many2one("account.tax", until=16)
    refund_tax_id = Many2one("account.tax", until=16)
    company_id = Many2one("res.company", "Company", readonly=True)
    sequence = Integer("Sequence", default=1)

    @classmethod
    def for_version(cls, version: int) -> type[Model]:
        model = super().for_version(version)
        if version <= 16:
            fields = dict(model._fields)
            fields["tax_id"] = _with(fields["tax_id"], readonly=True)
            fields["document_type"] = _with(fields["document_type"], required=False, readonly=True)
            model._fields = fields
            model._order = "sequence, repartition_type, id"
        return model

    def compute_display_name(self, row: Row) -> str:
        return f"{self._name},{row['id']}"

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        self._link(row)
        return row

    def _link(self, row: Row) -> None:
        if self.env.version <= 16:
            if row.get("invoice_tax_id") and row.get("refund_tax_id"):
                raise ValidationError(
                    "Tax distribution lines should apply to either invoices or refunds, not both at the same time. "
                    "invoice_tax_id and refund_tax_id should not be set together."
                )
            # _compute_tax_id, _compute_document_type (not stored in 16: kept here so the rest can read them).
            row["tax_id"] = row.get("invoice_tax_id") or row.get("refund_tax_id")
            row["document_type"] = "invoice" if row.get("invoice_tax_id") else "refund"
        tax = self.env.db.table("account.tax").get(row.get("tax_id") or 0)
        row["company_id"] = tax["company_id"] if tax else None

    def after_write(self, ids: list[int], values: Row) -> None:
        for row in self.browse(ids):
            changes = dict(row)
            self._link(changes)
            linked = ("tax_id", "document_type", "company_id")
            self.env.db.update(self._name, row["id"], {key: changes[key] for key in linked})

    def match_leaf(self, row: Row, leaf: list[Any] | tuple[Any, ...]) -> bool:
        if self.env.version <= 16 and len(leaf) == 3 and leaf[0] in ("tax_id", "document_type"):
            return True  # expression.py: "Non-stored field … cannot be searched." is logged, the leaf ignored
        return super().match_leaf(row, leaf)


class Tax(Model):
    _name = "account.tax"
    _order = "sequence, id"
    name = Char(required=True)
    sequence = Integer(default=1)
    description = Char()  # the label on invoices up to 16; a longer text from 17 (HTML from 18)
    invoice_label = Char(since=17)
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
    # 17+: one2many on tax_id restricted by document_type; 16: on invoice_tax_id / refund_tax_id (for_version).
    invoice_repartition_line_ids = One2many(REPARTITION, "tax_id", domain=[("document_type", "=", "invoice")])
    refund_repartition_line_ids = One2many(REPARTITION, "tax_id", domain=[("document_type", "=", "refund")])

    @classmethod
    def for_version(cls, version: int) -> type[Model]:
        model = super().for_version(version)
        if version <= 16:
            fields = dict(model._fields)
            for document_type in DOCUMENT_TYPES:
                name = f"{document_type}_repartition_line_ids"
                field = One2many(REPARTITION, f"{document_type}_tax_id")
                field.name = name
                fields[name] = field
            model._fields = fields
        return model

    def check(self, row: Row) -> None:
        if row["amount_type"] == "percent" and not Decimal(-100) <= row["amount"] <= Decimal(100):
            raise ValidationError("Invalid tax amount: a percentage must be between -100 and 100.")

    # --- the repartition lines ---

    def after_create(self, record_id: int, values: Row) -> None:
        for document_type in DOCUMENT_TYPES:
            name = f"{document_type}_repartition_line_ids"
            commands = values.get(name)
            if commands:
                self._apply_repartition_commands(record_id, document_type, commands)
            # 16: account.tax default_get gives a base and a tax line when the key is missing; 17+:
            # _compute_*_repartition_line_ids gives them when there are none.
            missing = (
                name not in values if self.env.version <= 16 else not self.repartition_lines(record_id)[document_type]
            )
            if missing:
                for kind in ("base", "tax"):
                    self._create_line(record_id, document_type, {"repartition_type": kind})
        self._validate_repartition_lines(record_id)

    def after_write(self, ids: list[int], values: Row) -> None:
        names = [f"{d}_repartition_line_ids" for d in DOCUMENT_TYPES]
        if not any(values.get(name) for name in names):
            return
        for record_id in ids:
            for document_type in DOCUMENT_TYPES:
                commands = values.get(f"{document_type}_repartition_line_ids")
                if commands:
                    self._apply_repartition_commands(record_id, document_type, commands)
            self._validate_repartition_lines(record_id)

    def _create_line(self, tax_id: int, document_type: str, values: Row) -> None:
        link: Row = (
            {f"{document_type}_tax_id": tax_id}
            if self.env.version <= 16
            else {"tax_id": tax_id, "document_type": values.get("document_type") or document_type}
        )
        self.env[REPARTITION].create({**values, **link})

    def _apply_repartition_commands(self, tax_id: int, document_type: str, commands: Any) -> None:
        lines = self.env[REPARTITION]
        if not isinstance(commands, list):
            raise ValidationError(f"{document_type}_repartition_line_ids takes a list of commands")
        for command in commands:
            if not isinstance(command, list | tuple) or not command:
                raise ValidationError(f"Invalid x2many command {command!r}")
            if command[0] == 0:
                # 17+: document_type is a required field of its own; the one2many's domain does not fill it.
                link = {"tax_id": tax_id} if self.env.version >= 17 else {f"{document_type}_tax_id": tax_id}
                lines.create({**dict(command[2]), **link})
            elif command[0] == 1:
                lines.write([command[1]], command[2])
            elif command[0] in (2, 3):
                lines.unlink([command[1]])
            else:
                raise ValidationError(f"Unsupported x2many command {command!r}")

    def repartition_lines(self, tax_id: int) -> dict[str, list[Row]]:
        """The tax's lines per document type, in the order Odoo sorts them."""
        model = self.env[REPARTITION]
        found: dict[str, list[Row]] = {}
        for document_type in DOCUMENT_TYPES:
            field = self._fields[f"{document_type}_repartition_line_ids"]
            assert isinstance(field, One2many)
            domain: Domain = [(field.inverse, "=", tax_id), *field.domain]
            rows = [row for row in model.table.values() if model.matches(row, domain)]
            found[document_type] = model.sort(rows, model._order)
        return found

    def _validate_repartition_lines(self, tax_id: int) -> None:
        """account_tax.py _validate_repartition_lines (the checks on the sorted lines, in Odoo's order)."""
        tax = self.table[tax_id]
        lines = self.repartition_lines(tax_id)
        invoice, refund = lines["invoice"], lines["refund"]
        if tax["amount_type"] == "group" and not invoice and not refund:
            return
        for group in (invoice, refund):
            if len([line for line in group if line["repartition_type"] == "base"]) != 1:
                raise ValidationError(
                    "Invoice and credit note distribution should each contain exactly one line for the base."
                )
        if len(invoice) != len(refund):
            raise ValidationError("Invoice and credit note distribution should have the same number of lines.")
        if not all(any(line["repartition_type"] == "tax" for line in group) for group in (invoice, refund)):
            raise ValidationError("Invoice and credit note repartition should have at least one tax repartition line.")
        for mine, theirs in zip(invoice, refund, strict=True):
            if (mine["repartition_type"], mine["factor_percent"]) != (
                theirs["repartition_type"],
                theirs["factor_percent"],
            ):
                raise ValidationError(
                    "Invoice and credit note distribution should match (same percentages, in the same order)."
                )
        # Checked from 18 (real 17.0 creates a tax whose tax lines take 60 %; 18.0 and 19.0 refuse it).
        if self.env.version >= 18:
            factors = [line["factor_percent"] for line in invoice if line["repartition_type"] == "tax"]
            positive = sum((f for f in factors if f > 0), Decimal(0))
            negative = sum((f for f in factors if f < 0), Decimal(0))
            # float_compare(total factor, ±1.0, precision_digits=2) on factor = factor_percent / 100
            if round((positive - 100) / 100, 2):
                raise ValidationError(
                    "Invoice and credit note distribution should have a total factor (+) equals to 100."
                )
            if negative and round((negative + 100) / 100, 2):
                raise ValidationError(
                    "Invoice and credit note distribution should have a total factor (-) equals to 100."
                )

    @rpc
    def unlink(self, ids: list[int]) -> bool:
        self.browse(ids)
        for tax_id in ids:
            for group in self.repartition_lines(tax_id).values():
                for line in group:  # ondelete='cascade'
                    self.env.db.delete(REPARTITION, line["id"])
        return bool(super().unlink(ids))


class Partner(base.Partner):
    """account/models/partner.py: the receivable and payable accounts, company-dependent (one value per company,
    with the company's default: the chart's ir.property up to 17, its ir.default from 18). Declared required up
    to 17 (only a flag for forms: a company-dependent field has no column to be required), not from 18."""

    property_account_payable_id = Many2one("account.account", "Account Payable", company_dependent=True)
    property_account_receivable_id = Many2one("account.account", "Account Receivable", company_dependent=True)

    @classmethod
    def for_version(cls, version: int) -> type[Model]:
        model = super().for_version(version)
        if version <= 17:
            fields = dict(model._fields)
            for name in ("property_account_payable_id", "property_account_receivable_id"):
                fields[name] = _with(fields[name], required=True)
            model._fields = fields
        return model


# analytic/security/ir.model.access.csv and account's (16 to 19): plans only for the Analytic Accounting group or
# accountants ("Show Full Accounting Features"); analytic accounts readable by every internal user (account gives
# base.group_user read), the rest for those two groups. A new database has neither for its admin: the setting
# Analytic Accounting (res.config.settings) gives the group to every internal user.
ANALYTIC_GROUPS = ("analytic.group_analytic_accounting", "account.group_account_user")


class AnalyticPlan(Model):
    _name = "account.analytic.plan"
    _description = "Analytic Plans"
    _access: ClassVar[dict[str, tuple[str, ...]]] = dict.fromkeys(
        ("read", "write", "create", "unlink"), ANALYTIC_GROUPS
    )
    name = Char(required=True)


class AnalyticAccount(Model):
    _name = "account.analytic.account"
    _description = "Analytic Account"
    _access: ClassVar[dict[str, tuple[str, ...]]] = dict.fromkeys(("write", "create", "unlink"), ANALYTIC_GROUPS)
    name = Char(required=True)
    code = Char()
    plan_id = Many2one("account.analytic.plan", required=True)
    company_id = Many2one("res.company")
    active = Boolean(default=True)


class ConfigSettings(Model):
    """res.config.settings, the one setting odoosync's users meet: Analytic Accounting (account's
    group_analytic_accounting, implied_group analytic.group_analytic_accounting). `execute` gives the group to
    every internal user when ticked and takes it away when not, as res_config.py does for group_* fields."""

    _name = "res.config.settings"
    _description = "Config Settings"
    # Its default is the database's state (res_config.py default_get): a settings record saved without the field
    # keeps the setting as it is.
    group_analytic_accounting = Boolean(
        "Analytic Accounting", default=lambda env: ANALYTIC_GROUPS[0] in (env.user.get("groups") or ())
    )

    @rpc
    def execute(self, ids: list[int]) -> Any:
        for row in self.browse(ids):
            for user in list(self.env.db.table("res.users").values()):
                groups = set(user.get("groups") or ())
                if "base.group_user" not in groups:
                    continue
                changed = (
                    groups | {ANALYTIC_GROUPS[0]} if row["group_analytic_accounting"] else groups - {ANALYTIC_GROUPS[0]}
                )
                self.env.db.update("res.users", user["id"], {"groups": frozenset(changed)})
        return {"type": "ir.actions.client", "tag": "reload"}


class ProductCategory(Model):
    """product_category.py, with account's company-dependent income and expense accounts (product.py): the
    accounts a product's lines take when the product has none of its own."""

    _name = "product.category"
    name = Char(required=True)
    property_account_income_categ_id = Many2one("account.account")
    property_account_expense_categ_id = Many2one("account.account")


def _default_category(env: Any) -> int | None:
    # product_template.py _get_default_category_id: the "All" category (product.product_category_all).
    categories = env.db.table("product.category")
    return min(categories) if categories else None


class Product(Model):
    _name = "product.product"
    categ_id = Many2one("product.category", required=True, default=_default_category)
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
    TaxRepartitionLine,
    Tax,
    Partner,
    AnalyticPlan,
    AnalyticAccount,
    ConfigSettings,
    ProductCategory,
    Product,
]
