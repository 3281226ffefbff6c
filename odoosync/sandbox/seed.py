"""A ready Saudi company, as a fresh Odoo database with the Saudi chart of accounts gives one (a subset)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from odoosync.sandbox.instance import OdooInstance

ADMIN_UID = 2  # uid 1 is the superuser (OdooBot); the admin created with a database is 2
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin"  # noqa: S105 - the sandbox's own throwaway admin, as a fresh Odoo has

BASE_GROUPS = frozenset({"base.group_user", "base.group_system"})
# The admin of a database with Invoicing/Accounting: billing and accounting rights.
ADMIN_GROUPS = BASE_GROUPS | {"account.group_account_invoice", "account.group_account_manager"}

# (code, name, Arabic name as the Saudi chart has it, account_type, reconcile)
CHART: list[tuple[str, str, str, str, bool]] = [
    ("101001", "Bank", "البنك", "asset_cash", False),
    ("101002", "Cash", "النقدية", "asset_cash", False),
    ("101003", "Outstanding Receipts", "مقبوضات معلقة", "asset_current", True),
    ("101004", "Outstanding Payments", "مدفوعات معلقة", "asset_current", True),
    ("102001", "VAT Input", "ضريبة القيمة المضافة على المشتريات", "asset_current", False),
    ("121000", "Accounts Receivable", "الذمم المدينة", "asset_receivable", True),
    ("201000", "Accounts Payable", "الذمم الدائنة", "liability_payable", True),
    ("202001", "VAT Output", "ضريبة القيمة المضافة على المبيعات", "liability_current", False),
    ("210001", "Tenant Security Deposits", "تأمينات المستأجرين", "liability_current", False),
    ("400001", "Rental Income", "إيرادات الإيجار", "income", False),
    ("400002", "Service Charges Income", "إيرادات رسوم الخدمات", "income", False),
    ("500001", "Repairs and Maintenance", "الإصلاح والصيانة", "expense", False),
    ("500002", "Utilities", "المرافق", "expense", False),
    ("500003", "Cleaning Services", "خدمات النظافة", "expense", False),
    ("500004", "Security Services", "خدمات الحراسة والأمن", "expense", False),
    ("500005", "Insurance Expense", "مصروف التأمين", "expense", False),
]

# (name, type_tax_use, amount, group)
TAXES: list[tuple[str, str, str, str]] = [
    ("15%", "sale", "15", "VAT 15%"),
    ("0%", "sale", "0", "VAT 0%"),
    ("Exempt", "sale", "0", "Exempt"),
    ("15%", "purchase", "15", "VAT 15%"),
    ("0%", "purchase", "0", "VAT 0%"),
    ("Exempt", "purchase", "0", "Exempt"),
]


def _create(instance: OdooInstance, model: str, values: dict[str, Any], company: int | None = None) -> int:
    context = {"allowed_company_ids": [company]} if company else {}
    created = instance.model(model, ADMIN_UID, **context).create(values)
    assert isinstance(created, int)
    return created


def _document_type(instance: OdooInstance, document: str) -> dict[str, str]:
    """17+: a repartition line says what it applies to; 16 knows it from the one2many it is created through."""
    return {} if instance.version <= 16 else {"document_type": document}


def add_user(instance: OdooInstance, login: str, name: str, groups: frozenset[str] = BASE_GROUPS) -> str:
    """Another user (e.g. one without accounting rights) with an API key; returns the key."""
    db = instance.db
    with db.transaction():
        partner = db.insert("res.partner", {"name": name, "active": True, "is_company": False})
        uid = db.insert(
            "res.users",
            {
                "name": name,
                "login": login,
                "partner_id": partner,
                "company_id": 1,
                "company_ids": (1,),
                "lang": "en_US",
                "tz": "Asia/Riyadh",
                "active": True,
                "groups": groups,
            },
        )
    return instance.add_login(uid, login, f"{login}-password")


def seed(instance: OdooInstance, companies: int = 1) -> str:
    """Fill an empty instance; returns the admin's API key."""
    db = instance.db
    with db.transaction():
        currencies = {
            code: db.insert(
                "res.currency",
                {
                    "name": code,
                    "symbol": symbol,
                    "rounding": Decimal(rounding),
                    "decimal_places": places,
                    "active": True,
                },
            )
            for code, symbol, rounding, places in [
                ("SAR", "ر.س", "0.01", 2),
                ("USD", "$", "0.01", 2),
                ("EUR", "€", "0.01", 2),
                ("KWD", "د.ك", "0.001", 3),
            ]
        }
        # product.product_category_all; the Saudi chart would give it income and expense accounts, left out here so
        # that a product without accounts of its own books on its journal's default account.
        db.insert(
            "product.category",
            {"name": "All", "property_account_income_categ_id": False, "property_account_expense_categ_id": False},
        )
        countries = {
            code: db.insert("res.country", {"name": name, "code": code})
            for code, name in [
                ("SA", "Saudi Arabia"),
                ("AE", "United Arab Emirates"),
                ("KW", "Kuwait"),
                ("US", "United States"),
            ]
        }
        db.insert("res.country.state", {"name": "Riyadh", "code": "01", "country_id": countries["SA"]})
        db.insert("res.country.state", {"name": "Makkah", "code": "02", "country_id": countries["SA"]})
        db.insert("res.lang", {"name": "English (US)", "code": "en_US", "iso_code": "en", "active": True})
        db.insert("res.lang", {"name": "Arabic / الْعَرَبيّة", "code": "ar_001", "iso_code": "ar", "active": False})
        company_ids = []
        for number in range(1, companies + 1):
            name = "Saudi Test Co" if number == 1 else f"Owner Company {number}"
            partner = db.insert(
                "res.partner", {"name": name, "is_company": True, "active": True, "country_id": countries["SA"]}
            )
            company_ids.append(
                db.insert(
                    "res.company",
                    {
                        "name": name,
                        "currency_id": currencies["SAR"],
                        "country_id": countries["SA"],
                        "partner_id": partner,
                        "tax_calculation_rounding_method": "round_per_line",
                    },
                )
            )
        db.next_id["res.users"] = ADMIN_UID
        admin_partner = db.insert("res.partner", {"name": "Administrator", "active": True, "is_company": False})
        db.insert(
            "res.users",
            {
                "name": "Administrator",
                "login": ADMIN_LOGIN,
                "partner_id": admin_partner,
                "company_id": company_ids[0],
                "company_ids": tuple(company_ids),
                "lang": "en_US",
                "tz": "Asia/Riyadh",
                "active": True,
                "groups": ADMIN_GROUPS if instance.accounting_app else BASE_GROUPS,
            },
        )
        # XML ids of base data as Odoo names them (base/data/res_country_data.xml, res_currency_data.xml, …).
        external_ids = [
            *(("base", code.lower(), "res.country", country) for code, country in countries.items()),
            *(("base", code, "res.currency", currency) for code, currency in currencies.items()),
            ("base", "main_company", "res.company", company_ids[0]),
            ("base", "user_admin", "res.users", ADMIN_UID),
            ("base", "lang_en", "res.lang", 1),
            ("base", "lang_ar", "res.lang", 2),
        ]
        for module, name, model, res_id in external_ids:
            db.insert(
                "ir.model.data",
                {"module": module, "name": name, "complete_name": f"{module}.{name}", "model": model, "res_id": res_id},
            )
        if not instance.accounting_app:
            return instance.add_login(ADMIN_UID, ADMIN_LOGIN, ADMIN_PASSWORD)
        methods = {
            direction: db.insert(
                "account.payment.method", {"name": "Manual Payment", "code": "manual", "payment_type": direction}
            )
            for direction in ("inbound", "outbound")
        }
        db.insert("account.analytic.plan", {"name": "Properties"})
        for company in company_ids:
            _seed_company(instance, company, methods)
    return instance.add_login(ADMIN_UID, ADMIN_LOGIN, ADMIN_PASSWORD)


def _seed_company(instance: OdooInstance, company: int, methods: dict[str, int]) -> None:
    accounts = {}
    for code, name, arabic, kind, reconcile in CHART:
        account_id = _create(
            instance,
            "account.account",
            {"code": code, "name": name, "account_type": kind, "reconcile": reconcile},
            company,
        )
        instance.db.update("account.account", account_id, {"name@ar_001": arabic})
        accounts[code] = account_id
    # The chart's defaults of the partners' receivable and payable accounts in this company (an ir.property
    # without a record up to 17, an ir.default of the company from 18).
    defaults = instance.db.company_defaults
    defaults[("res.partner", "property_account_receivable_id", company)] = accounts["121000"]
    defaults[("res.partner", "property_account_payable_id", company)] = accounts["201000"]
    groups: dict[str, int] = {}
    for name, use, amount, group in TAXES:
        if group not in groups:
            groups[group] = _create(instance, "account.tax.group", {"name": group}, company)
        # As the chart template makes them: per document type a base line and a tax line of 100 % on the VAT
        # account (output VAT for sales, input VAT for purchases), the same for invoices and credit notes.
        vat_account = accounts["202001" if use == "sale" else "102001"]
        repartition = {
            f"{document}_repartition_line_ids": [
                (0, 0, {"repartition_type": "base", **_document_type(instance, document)}),
                (0, 0, {"repartition_type": "tax", "account_id": vat_account, **_document_type(instance, document)}),
            ]
            for document in ("invoice", "refund")
        }
        _create(
            instance,
            "account.tax",
            {
                "name": name,
                "type_tax_use": use,
                "amount_type": "percent",
                "amount": amount,
                "tax_group_id": groups[group],
                **repartition,
            },
            company,
        )
    journals = [
        ("Customer Invoices", "INV", "sale", "400001"),
        ("Vendor Bills", "BILL", "purchase", "500001"),
        ("Bank", "BNK1", "bank", "101001"),
        ("Miscellaneous Operations", "MISC", "general", None),
    ]
    if instance.version <= 18:  # the Saudi chart of 19 no longer creates a cash journal
        journals.insert(3, ("Cash", "CSH1", "cash", "101002"))
    for name, code, kind, account in journals:
        journal = _create(
            instance,
            "account.journal",
            {"name": name, "code": code, "type": kind, "default_account_id": accounts[account] if account else False},
            company,
        )
        if kind in ("bank", "cash"):
            for direction, method in methods.items():
                outstanding = accounts["101003" if direction == "inbound" else "101004"]
                _create(
                    instance,
                    "account.payment.method.line",
                    {"payment_method_id": method, "journal_id": journal, "payment_account_id": outstanding},
                    company,
                )
