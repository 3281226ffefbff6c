"""Whether each mapping's Odoo target is still usable: it exists, is active, belongs to the right company, is of
the right type, and a tax still has the amount of its rate. `doctor` reports every broken one; `sync` and `plan`
check the mappings at the start of a run and fail only the records that use a broken one, with the reason and
what to do, instead of learning it from an Odoo error half-way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from odoosync.domain.errors import OdoosyncError
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind
from odoosync.domain.records import vat_percent
from odoosync.odoo.client import OdooClient
from odoosync.sync.setup.mappings import EXPENSE_TYPES, SET_COMMAND

MappingKey = tuple[str, int, str]  # (kind, company id or 0, code), as facts key mappings


class BrokenMapping(OdoosyncError):
    """A mapping whose Odoo target cannot be used any more."""

    kind = "setup"


def broken_mappings(
    client: OdooClient, mappings: Sequence[Mapping], default_company: int, companies: Sequence[int]
) -> dict[MappingKey, BrokenMapping]:
    """The mappings whose target is unusable, with why and what to do: one read per Odoo model."""
    by_model: dict[str, list[Mapping]] = defaultdict(list)
    for mapping in mappings:
        by_model[mapping.odoo_model].append(mapping)
    broken: dict[MappingKey, BrokenMapping] = {}
    usable_field, usable_value = client.version.account_usable
    company_field = client.version.account_company
    for model, group in by_model.items():
        fields = list(MODEL_FIELDS.get(model, ["name"]))
        if model == "account.account":
            fields += [usable_field, company_field]
        ids = sorted({m.odoo_id for m in group})
        rows = {
            int(row["id"]): row
            for row in client.search_read(
                model,
                [("id", "in", ids)],
                fields,
                context={"active_test": False, "allowed_company_ids": list(companies)},
            )
        }
        for mapping in group:
            problem = _mapping_problem(
                mapping,
                rows.get(mapping.odoo_id),
                usable_field=usable_field,
                usable_value=usable_value,
                company_field=company_field,
                default_company=default_company,
            )
            if problem:
                broken[(mapping.kind, mapping.company_id, mapping.code)] = BrokenMapping(problem, _fix(mapping))
    return broken


MODEL_FIELDS = {
    "account.account": ["name", "account_type"],
    "account.journal": ["name", "type", "active", "company_id"],
    "account.tax": ["name", "type_tax_use", "amount", "amount_type", "active", "company_id"],
    "account.analytic.account": ["name", "active"],
    "res.company": ["name"],
}


def _company_of(row: dict[str, Any], field: str) -> set[int]:
    value = row.get(field)
    if isinstance(value, list | tuple):
        return {int(value[0])} if field == "company_id" and value else {int(v) for v in value}
    return set()


def _mapping_problem(
    mapping: Mapping,
    row: dict[str, Any] | None,
    *,
    usable_field: str,
    usable_value: bool,
    company_field: str,
    default_company: int,
) -> str | None:
    what = f"{mapping.kind} {mapping.code!r} → {mapping.odoo_name} (id {mapping.odoo_id})"
    if row is None:
        return f"{what}: it is not in Odoo any more"
    company = mapping.company_id if mapping.company_id != ANY_COMPANY else default_company
    if mapping.odoo_model == "account.account":
        if row.get(usable_field) != usable_value:
            return f"{what}: the account is {'deprecated' if usable_field == 'deprecated' else 'archived'}"
        if company not in _company_of(row, company_field):
            return f"{what}: the account does not belong to the company (id {company})"
        if row.get("account_type") not in EXPENSE_TYPES:
            return f"{what}: the account's type is {row.get('account_type')}, not an expense type"
    elif mapping.odoo_model in ("account.journal", "account.tax", "account.analytic.account") and not row.get(
        "active", True
    ):
        return f"{what}: it is archived"
    if mapping.odoo_model == "account.journal":
        if row.get("type") not in ("bank", "cash"):
            return f"{what}: the journal's type is {row.get('type')}, not bank or cash"
        if company not in _company_of(row, "company_id"):
            return f"{what}: the journal belongs to another company"
    if mapping.odoo_model == "account.tax":
        use = "sale" if mapping.kind == MappingKind.VAT_SALE else "purchase"
        if row.get("type_tax_use") != use:
            return f"{what}: the tax is a {row.get('type_tax_use')} tax, not a {use} tax"
        amount = Decimal(str(row.get("amount") or 0))
        if row.get("amount_type") == "percent" and amount != vat_percent(mapping.code):
            rate = vat_percent(mapping.code)
            return f"{what}: the tax's amount is {amount.normalize():f} %, not the {rate.normalize():f} % of its rate"
        if company not in _company_of(row, "company_id"):
            return f"{what}: the tax belongs to another company"
    return None


def _fix(mapping: Mapping) -> str:
    kind = MappingKind(mapping.kind)
    if kind is MappingKind.OWNER_COMPANY:
        return f"Run: odoosync owners map {mapping.code} --company …"
    if kind is MappingKind.OWNER_ANALYTIC:
        return f"Run: odoosync owners map {mapping.code} --analytic …"
    return f"Run: {SET_COMMAND[kind].format(code=mapping.code)} (odoosync map suggest proposes one)"
