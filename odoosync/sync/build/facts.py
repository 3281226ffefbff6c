"""Reading, once per run, what the builders need to know of Odoo: companies, journals, the Rent product,
currencies, languages; countries and states as contacts need them. A handful of calls, then cached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import ConfigError
from odoosync.domain.mappings import MappingKind, normalize_code
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.build.builders import ARABIC, Company, OdooFacts
from odoosync.sync.build.targets import broken_mappings


def _name(value: Any) -> str:
    return str(value[1]) if isinstance(value, list | tuple) and len(value) > 1 else str(value or "")


def matching_rows(rows: list[dict[str, Any]], reference: str, code_field: str | None = None) -> list[dict[str, Any]]:
    """The rows a stored reference names, in the order `defaults set` resolved it: the code, else the id, else the
    name (a product with the code RENT is the one meant, even when another is also named "Rent")."""
    text = reference.strip()

    def by_code(row: dict[str, Any]) -> bool:
        return bool(code_field) and str(row.get(code_field or "") or "") == text

    def by_id(row: dict[str, Any]) -> bool:
        return text.isdigit() and int(text) == row["id"]

    def by_name(row: dict[str, Any]) -> bool:
        return str(row.get("name") or "").casefold() == text.casefold()

    for rule in (by_code, by_id, by_name):
        found = [row for row in rows if rule(row)]
        if found:
            return found
    return []


# The command that sets each default, written out so that a test can check it against the CLI.
SET_DEFAULT = {
    "company": "Run: odoosync defaults set --company … (see odoosync defaults show for candidates).",
    "sale journal": "Run: odoosync defaults set --sale-journal … (see odoosync defaults show for candidates).",
    "rent product": "Run: odoosync defaults set --rent-product … (see odoosync defaults show for candidates).",
}


def _pick(rows: list[dict[str, Any]], reference: str, what: str, code_field: str | None = None) -> dict[str, Any]:
    found = matching_rows(rows, reference, code_field)
    if len(found) != 1:
        raise ConfigError(
            f"the default {what} {reference!r} {'is ambiguous' if found else 'is not in Odoo any more'}",
            SET_DEFAULT[what],
        )
    return found[0]


def load_facts(
    client: OdooClient, config: Config, store: Store, odoo_database: str, *, check_targets: bool = True
) -> OdooFacts:
    """What the builders need, read once per run. With `check_targets`, every mapping's Odoo target is checked
    too (one read per model), so that a record using a broken one fails with the reason before anything is sent.
    """
    defaults = config.defaults
    companies = client.search_read(
        "res.company", [], ["name", "currency_id", "tax_calculation_rounding_method", "partner_id"]
    )
    if defaults.company:
        default = _pick(companies, defaults.company, "company")
    else:
        user = client.whoami()
        default = next(row for row in companies if row["id"] == user.company_id)
    journals = client.search_read(
        "account.journal",
        [("type", "=", "sale")],
        ["name", "code", "company_id"],
        order="sequence, id",
        context={"allowed_company_ids": [row["id"] for row in companies]},
    )
    chosen: dict[int, int] = {}
    for journal in journals:
        chosen.setdefault(int(journal["company_id"][0]), int(journal["id"]))
    if defaults.sale_journal:
        own = [j for j in journals if j["company_id"] and j["company_id"][0] == default["id"]]
        chosen[default["id"]] = int(_pick(own, defaults.sale_journal, "sale journal", "code")["id"])
    currencies = {str(row["name"]): int(row["id"]) for row in client.search_read("res.currency", [], ["name"])}
    rent_product = None
    if defaults.rent_product:
        products = client.search_read(
            "product.product",
            ["|", ("default_code", "=", defaults.rent_product), ("name", "=ilike", defaults.rent_product)],
            ["name", "default_code"],
        )
        rent_product = int(_pick(products, defaults.rent_product, "rent product", "default_code")["id"])
    languages = {str(row["code"]) for row in client.search_read("res.lang", [], ["code"])}
    language = defaults.language
    if language == "company":
        # "company": the language of the Odoo user odoosync works as (config.example.toml).
        user_lang = str(client.user_context().get("lang") or "")
        language = "ar" if user_lang.startswith("ar") else "en"
    deposit_accounts: dict[int, int] = {}
    if defaults.deposit_account:
        company_field = client.version.account_company
        accounts = client.search_read(
            "account.account",
            [
                "|",
                ("code", "=", defaults.deposit_account),
                ("name", "=ilike", defaults.deposit_account),
                ("account_type", "in", ["asset_receivable", "liability_payable"]),
            ],
            ["code", company_field],
            context={"allowed_company_ids": [row["id"] for row in companies]},
        )
        for account in accounts:
            owners = account.get(company_field) or []
            for company in [owners[0]] if company_field == "company_id" else owners:
                deposit_accounts.setdefault(int(company), int(account["id"]))
    mappings: dict[tuple[str, int, str], int] = {}
    names: dict[tuple[str, int, str], str] = {}
    method_lines: dict[tuple[int, str], int] = {}
    saved = store.mappings.all(odoo_database)
    broken = (
        broken_mappings(client, saved, int(default["id"]), [int(row["id"]) for row in companies])
        if check_targets and saved
        else {}
    )
    for mapping in saved:
        key = (mapping.kind, mapping.company_id, mapping.code)
        mappings[key] = mapping.odoo_id
        names[key] = mapping.odoo_name
        if mapping.kind == MappingKind.METHOD:
            for direction, extra_key in (("in", "inbound_method_line"), ("out", "outbound_method_line")):
                if mapping.extra.get(extra_key):
                    method_lines[(mapping.odoo_id, direction)] = int(mapping.extra[extra_key])
    return OdooFacts(
        version=client.version,
        separation=defaults.owner_separation,
        default_company=int(default["id"]),
        companies={
            int(row["id"]): Company(
                id=int(row["id"]),
                name=str(row["name"]),
                currency=_name(row["currency_id"]),
                rounds_per_line=(row.get("tax_calculation_rounding_method") or "round_per_line") == "round_per_line",
                sale_journal=chosen.get(int(row["id"])),
            )
            for row in companies
        },
        language=language,
        arabic_active=ARABIC in languages,
        rent_product=rent_product,
        currencies=currencies,
        countries={},
        states={},
        mappings=mappings,
        method_lines=method_lines,
        mapping_names=names,
        deposit_account=defaults.deposit_account,
        deposit_accounts=deposit_accounts,
        broken={key: (problem.reason, problem.instruction) for key, problem in broken.items()},
    )


def with_places(client: OdooClient, facts: OdooFacts, addresses: Iterable[tuple[str, str | None]]) -> OdooFacts:
    """Facts that also know the countries (and states) of these (country, state) pairs: one or two calls when
    any is new, none otherwise."""
    wanted = {(country, state) for country, state in addresses if country}
    countries = {country for country, _ in wanted} - set(facts.countries)
    known_countries = dict(facts.countries)
    if countries:
        rows = client.search_read("res.country", [("code", "in", sorted(countries))], ["code"])
        known_countries.update({str(row["code"]): int(row["id"]) for row in rows})
    states = {(c, normalize_code(s)) for c, s in wanted if s} - set(facts.states)
    known_states = dict(facts.states)
    if states:
        ids = [known_countries[c] for c, _ in states if c in known_countries]
        rows = client.search_read("res.country.state", [("country_id", "in", ids)], ["code", "name", "country_id"])
        code_of = {v: k for k, v in known_countries.items()}
        for row in rows:
            country = code_of.get(int(row["country_id"][0]))
            if country:
                known_states[(country, normalize_code(str(row["code"])))] = int(row["id"])
                known_states[(country, normalize_code(str(row["name"])))] = int(row["id"])
    if known_countries == facts.countries and known_states == facts.states:
        return facts
    return replace(facts, countries=known_countries, states=known_states)
