"""A ready Saudi company, as a fresh Odoo database with the Saudi chart of accounts gives one (a subset)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from odoosync.sandbox.instance import OdooInstance
from odoosync.sandbox.models.payments import OUTSTANDING_FIELDS

ADMIN_UID = 2  # uid 1 is the superuser (OdooBot); the admin created with a database is 2
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin"  # noqa: S105 - the sandbox's own throwaway admin, as a fresh Odoo has

BASE_GROUPS = frozenset({"base.group_user", "base.group_system"})
# The admin of a database with Invoicing/Accounting: billing and accounting rights.
ADMIN_GROUPS = BASE_GROUPS | {"account.group_account_invoice", "account.group_account_manager"}

# The Saudi company as real Odoo makes it: read from a fresh database of each version with l10n_sa (accounts with
# their English and Arabic names, taxes with their repartition lines, journals) by tests/support/read_chart.py.
CHARTS = Path(__file__).resolve().parent / "charts"


def saudi_chart(version: int) -> dict[str, Any]:
    """The l10n_sa chart of `version` (20 takes 19's until a real 20 has been read)."""
    with (CHARTS / f"sa-{min(version, 19)}.json").open(encoding="utf-8") as source:
        chart: dict[str, Any] = json.load(source)
    return chart


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
                ("SAR", "SR", "0.01", 2),
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
        # Every database is told apart by the uuid it was given when it was created.
        db.insert("ir.config_parameter", {"key": "database.uuid", "value": str(uuid.uuid4())})
        for module, name, model, res_id in external_ids:
            db.insert(
                "ir.model.data",
                {"module": module, "name": name, "complete_name": f"{module}.{name}", "model": model, "res_id": res_id},
            )
        if not instance.accounting_app:
            return instance.add_login(ADMIN_UID, ADMIN_LOGIN, ADMIN_PASSWORD)
        methods = {
            method["payment_type"]: db.insert(
                "account.payment.method",
                {"name": method["name"], "code": method["code"], "payment_type": method["payment_type"]},
            )
            for method in saudi_chart(instance.version)["payment_methods"]
            if method["code"] == "manual"
        }
        db.insert("account.analytic.plan", {"name": "Properties"})
        for company in company_ids:
            _seed_company(instance, company, methods)
    return instance.add_login(ADMIN_UID, ADMIN_LOGIN, ADMIN_PASSWORD)


def _outstanding_accounts(chart: dict[str, Any], accounts: dict[str, int]) -> dict[str, int | None]:
    """Where a payment method line without an account of its own books (the company's outstanding receipts and
    payments accounts up to 17; from 18 the same accounts, found by their names, as real 18 and 19 post them)."""
    company = chart["company"]
    found: dict[str, int | None] = {}
    for direction, name in (("inbound", "Outstanding Receipts"), ("outbound", "Outstanding Payments")):
        field = OUTSTANDING_FIELDS[direction]
        code = company.get(field) or next((a["code"] for a in chart["accounts"] if a["name"] == name), None)
        found[direction] = accounts[code] if code else None
    return found


def _seed_company(instance: OdooInstance, company: int, methods: dict[str, int]) -> None:
    chart = saudi_chart(instance.version)
    accounts = {}
    for account in chart["accounts"]:
        values: dict[str, Any] = {
            "code": account["code"],
            "name": account["name"],
            "account_type": account["account_type"],
            "reconcile": account["reconcile"],
        }
        if account["deprecated_or_inactive"]:
            values["deprecated" if instance.version <= 18 else "active"] = instance.version <= 18
        account_id = _create(instance, "account.account", values, company)
        if account.get("name_ar"):
            instance.db.update("account.account", account_id, {"name@ar_001": account["name_ar"].strip()})
        accounts[account["code"]] = account_id
    # The chart's defaults of the partners' receivable and payable accounts in this company (an ir.property
    # without a record up to 17, an ir.default of the company from 18).
    defaults = instance.db.company_defaults
    for field, code in chart["partner_defaults"].items():
        defaults[("res.partner", field, company)] = accounts[code]
    groups = {
        group["name"]: _create(instance, "account.tax.group", {"name": group["name"]}, company)
        for group in chart["tax_groups"]
    }
    for tax in chart["taxes"]:
        repartition: dict[str, list[Any]] = {}
        for document in ("invoice", "refund"):
            repartition[f"{document}_repartition_line_ids"] = [
                (
                    0,
                    0,
                    {
                        "repartition_type": line["repartition_type"],
                        "factor_percent": Decimal(line["factor_percent"]),
                        "account_id": accounts[line["account"]] if line["account"] else False,
                        **_document_type(instance, document),
                    },
                )
                for line in tax["repartition"]
                if line["document_type"] == document
            ]
        price_include: dict[str, Any] = (
            {"price_include": tax["price_include"]}
            if instance.version <= 17
            else {"price_include_override": "tax_included" if tax["price_include"] else False}
        )
        made = _create(
            instance,
            "account.tax",
            {
                "name": tax["name"],
                "sequence": tax["sequence"],
                "description": tax.get("description") or False,
                **({"invoice_label": tax.get("invoice_label") or False} if instance.version >= 17 else {}),
                "type_tax_use": tax["type_tax_use"],
                "amount_type": tax["amount_type"],
                "amount": Decimal(tax["amount"]),
                "active": tax["active"],
                "tax_group_id": groups[tax["tax_group"]],
                **price_include,
                **repartition,
            },
            company,
        )
        for use, field in (("sale", "account_sale_tax"), ("purchase", "account_purchase_tax")):
            if tax["type_tax_use"] == use and tax["name"] == chart["company"].get(field) and tax["active"]:
                instance.db.update("res.company", company, {f"{field}_id": made})
    for direction, account in _outstanding_accounts(chart, accounts).items():
        field = OUTSTANDING_FIELDS[direction]
        if instance.version <= 17:
            instance.db.update("res.company", company, {field: account or False})
        if instance.version >= 17 and account:  # 17's chart templates name the company's accounts too
            instance.db.insert(
                "ir.model.data",
                {
                    "module": "account",
                    "name": f"{company}_{field}",
                    "complete_name": f"account.{company}_{field}",
                    "model": "account.account",
                    "res_id": account,
                },
            )
    for journal in chart["journals"]:
        if journal["type"] not in ("sale", "purchase", "bank", "cash", "general"):
            continue
        journal_id = _create(
            instance,
            "account.journal",
            {
                "name": journal["name"],
                "code": journal["code"],
                "type": journal["type"],
                "sequence": journal["sequence"],
                "default_account_id": accounts[journal["default_account"]] if journal["default_account"] else False,
            },
            company,
        )
        for direction in ("inbound", "outbound"):
            for line in journal[f"{direction}_payment_method_lines"]:
                account = accounts[line["payment_account"]] if line["payment_account"] else None
                _create(
                    instance,
                    "account.payment.method.line",
                    {
                        "name": line["name"],
                        "sequence": line["sequence"],
                        "payment_method_id": methods[direction],
                        "journal_id": journal_id,
                        "payment_account_id": account or False,
                    },
                    company,
                )
