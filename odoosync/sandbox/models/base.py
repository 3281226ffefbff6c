"""res.* and ir.model.data: companies, users, partners, countries, currencies, languages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from odoosync.sandbox.errors import ServerError
from odoosync.sandbox.orm.database import Row
from odoosync.sandbox.orm.domains import Domain
from odoosync.sandbox.orm.fields import Boolean, Char, Float, Integer, Many2many, Many2one, Selection
from odoosync.sandbox.orm.model import Model, rpc, rpc_model


class Currency(Model):
    _name = "res.currency"
    name = Char(required=True)
    symbol = Char()
    rounding = Float(default=Decimal("0.01"))
    decimal_places = Integer()
    active = Boolean(default=True)

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        row["decimal_places"] = max(0, -row["rounding"].normalize().as_tuple().exponent)
        return row


class Country(Model):
    _name = "res.country"
    name = Char(required=True)
    code = Char()


class CountryState(Model):
    _name = "res.country.state"
    name = Char(required=True)
    code = Char()
    country_id = Many2one("res.country", required=True)


class Lang(Model):
    _name = "res.lang"
    name = Char(required=True)
    code = Char(required=True)
    iso_code = Char()
    active = Boolean(default=False)


class Company(Model):
    _name = "res.company"
    name = Char(required=True)
    currency_id = Many2one("res.currency", required=True)
    country_id = Many2one("res.country")
    vat = Char()
    partner_id = Many2one("res.partner")
    tax_calculation_rounding_method = Selection(
        [("round_per_line", "Round per Line"), ("round_globally", "Round Globally")], default="round_per_line"
    )
    # account's res_company.py: the taxes new invoice and bill lines get (the chart's 15 % ones in l10n_sa).
    account_sale_tax_id = Many2one("account.tax")
    account_purchase_tax_id = Many2one("account.tax")
    # Where a payment books when its method line has no account of its own: these fields up to 17; from 18 the
    # chart's accounts of the same XML ids (`account.<company>_account_journal_payment_debit_account_id`).
    account_journal_payment_debit_account_id = Many2one("account.account", until=17)
    account_journal_payment_credit_account_id = Many2one("account.account", until=17)

    def visible_rows(self, domain: Domain | None = None) -> Any:
        allowed = set(self.env.user.get("company_ids") or ())
        return (row for row in self.table.values() if row["id"] in allowed)


class Partner(Model):
    _name = "res.partner"
    _description = "Contact"
    name = Char()
    display_name = Char(store=False)
    ref = Char()
    is_company = Boolean(default=False)
    email = Char()
    phone = Char()
    mobile = Char(until=18)
    vat = Char()
    company_registry = Char()
    lang = Char()
    street = Char()
    street2 = Char()
    city = Char()
    zip = Char()
    state_id = Many2one("res.country.state")
    # Nothing reads the country while a partner is created: a missing id meets the foreign key (ValidationError);
    # a write reads it (MissingError). Both measured on real 16 to 19.
    country_id = Many2one("res.country", "Country", foreign_key_on_create=True)
    company_id = Many2one("res.company")
    customer_rank = Integer(default=0)
    supplier_rank = Integer(default=0)
    active = Boolean(default=True)

    @classmethod
    def for_version(cls, version: int) -> type[Model]:
        model = super().for_version(version)
        if version <= 18:
            # res_partner.py up to 18 overrides default_get(self, default_fields): the name a keyword or JSON-2
            # call must use (19: default_get(self, fields), as the ORM's). It also sets lang when asked: the
            # default, else the parent's, else env.lang (the context's lang, if installed; else None).
            def default_get(self: Partner, default_fields: list[str]) -> Row:
                values = self.defaults_for(default_fields)
                if "lang" in default_fields:
                    values["lang"] = values.get("lang") or self._context_lang()
                return values

            model.default_get = rpc_model(default_get)  # type: ignore[method-assign]
        return model

    def _context_lang(self) -> str | None:
        lang = self.env.context.get("lang")
        installed = {r["code"] for r in self.env.db.table("res.lang").values() if r.get("active")}
        return str(lang) if lang and (lang == "en_US" or lang in installed) else None

    def check(self, row: Row) -> None:
        lang = row.get("lang")
        if lang:
            active = {r["code"] for r in self.env.db.table("res.lang").values() if r.get("active")}
            if lang not in active:
                # res_partner.py: lang is a selection of the active languages; fields.py rejects other values.
                raise ServerError("builtins.ValueError", f"Wrong value for res.partner.lang: '{lang}'")


class Users(Model):
    _name = "res.users"
    name = Char(required=True)
    login = Char(required=True)
    partner_id = Many2one("res.partner")
    company_id = Many2one("res.company", required=True)
    company_ids = Many2many("res.company")
    lang = Char(default="en_US")
    tz = Char(default="Asia/Riyadh")
    active = Boolean(default=True)

    def visible_rows(self, domain: Domain | None = None) -> Any:
        return self.table.values()

    @rpc_model
    def context_get(self) -> dict[str, Any]:
        user = self.env.user
        return {"lang": user.get("lang") or "en_US", "tz": user.get("tz") or False, "uid": self.env.uid}

    @rpc
    def has_group(self, ids: list[int], group_ext_id: str) -> bool:
        """res_users.py has_group (18+: on the user record); the user's groups by XML id."""
        [user] = self.browse(ids)
        return group_ext_id in (user.get("groups") or ())

    @classmethod
    def for_version(cls, version: int) -> type[Model]:
        model = super().for_version(version)
        if version <= 17:
            # Up to 17 has_group is an @api.model method, answering for the calling user (no ids).
            def has_group(self: Users, group_ext_id: str) -> bool:
                return group_ext_id in (self.env.user.get("groups") or ())

            model.has_group = rpc_model(has_group)  # type: ignore[attr-defined]
        return model


class ModelData(Model):
    _name = "ir.model.data"
    _rec_name = "complete_name"
    module = Char(required=True)
    name = Char(required=True)
    complete_name = Char()
    model = Char(required=True)
    res_id = Integer()

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        row["complete_name"] = f"{row['module']}.{row['name']}"
        return row


class ConfigParameter(Model):
    """ir.config_parameter: system parameters, among them `database.uuid`, the database's identity. Only
    administrators (Settings) may read or change them (base's ir.model.access.csv)."""

    _name = "ir.config_parameter"
    _description = "System Parameter"
    _rec_name = "key"
    _access: ClassVar[dict[str, tuple[str, ...]]] = dict.fromkeys(
        ("read", "write", "create", "unlink"), ("base.group_system",)
    )
    key = Char(required=True)
    value = Char(required=True)


class LanguageInstall(Model):
    """base.language.install: how Odoo activates a language (16: one `lang` code; 17+: `lang_ids` records)."""

    _name = "base.language.install"
    lang = Char(until=16)
    lang_ids = Many2many("res.lang", since=17)
    overwrite = Boolean(default=False)

    @rpc
    def lang_install(self, ids: list[int]) -> dict[str, Any]:
        langs = self.env.db.table("res.lang")
        for wizard in self.browse(ids):
            codes = {wizard["lang"]} if wizard.get("lang") else {langs[i]["code"] for i in wizard.get("lang_ids") or ()}
            unknown = codes - {row["code"] for row in langs.values()}
            if unknown or not codes:
                raise ServerError("builtins.ValueError", f"No language with code {', '.join(sorted(unknown))}")
            for row in langs.values():
                if row["code"] in codes:
                    self.env.db.update("res.lang", row["id"], {"active": True})
        return {"type": "ir.actions.client", "tag": "reload"}


MODELS: list[type[Model]] = [
    Currency,
    Country,
    CountryState,
    Lang,
    Company,
    Partner,
    Users,
    ModelData,
    ConfigParameter,
    LanguageInstall,
]
