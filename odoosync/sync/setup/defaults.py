"""The defaults: company, sale journal, Rent product, language, auto-post switches, owner separation.

Values that name Odoo objects are given by id, code or name and checked against Odoo before they are saved
(exists, active, in the right company, of the right type); a name that matches several objects is refused with
the candidates listed. All given values are checked first and saved together, or none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from odoosync.config import Config, save_config_values
from odoosync.domain.errors import InvalidChoice, OdooNotReady
from odoosync.odoo.client import OdooClient
from odoosync.sync.setup.connection import open_client

ARABIC = "ar_001"
MAX_CANDIDATES = 8


@dataclass(frozen=True)
class Target:
    """An Odoo object a setting points at."""

    model: str
    id: int
    name: str
    code: str | None = None
    by_id: bool = False  # its code and name name other objects too: only the id is its own

    @property
    def reference(self) -> str:
        """What the config keeps: the code when the object has one, else its name; the id when neither is its
        alone (two "Rent" products with the code RENT, say)."""
        return str(self.id) if self.by_id else self.code or self.name


def _label(row: Mapping[str, Any], code_field: str | None) -> str:
    code = row.get(code_field) if code_field else None
    return f"{code} {row['name']}" if code else str(row["name"])


def resolve(
    client: OdooClient,
    model: str,
    given: str,
    *,
    what: str,
    domain: Sequence[Any] = (),
    code_field: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> Target:
    """The one object of `model` that `given` names (an id, a code or a name) among those `domain` allows."""
    fields = ["name", *([code_field] if code_field else [])]
    text = given.strip()
    matches: list[dict[str, Any]] = []
    # Codes first: account codes are digits too, and "500001" means the account, not the record with that id.
    if code_field:
        matches = client.search_read(model, [(code_field, "=", text), *domain], fields, context=context)
    if not matches and text.isdigit():
        matches = client.search_read(model, [("id", "=", int(text)), *domain], fields, context=context)
    if not matches:
        # The name in any case, its % and _ taken as written: from 17 the Saudi chart names its taxes "15%", "0%",
        # …, and in =ilike a bare % is a wildcard ("15%" would match "15% R C", "15% EX", …).
        literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        matches = client.search_read(model, [("name", "=ilike", literal), *domain], fields, context=context)
    if len(matches) == 1:
        row = matches[0]
        code = str(row[code_field]) if code_field and row.get(code_field) else None
        target = Target(model, int(row["id"]), str(row["name"]), code)
        if text.isdigit() and int(text) == target.id and text != code:
            # Chosen by id, as the ambiguity message asks: kept by id when its code or name is not its own.
            shared = [(code_field, "=", code)] if code_field and code else [("name", "=ilike", target.name)]
            if len(client.search(model, [*shared, *domain], limit=2, context=context)) > 1:
                return replace(target, by_id=True)
        return target
    if matches:
        listed = "; ".join(f"{_label(r, code_field)} (id {r['id']})" for r in matches[:MAX_CANDIDATES])
        # A code shared by several (two products coded RENT) is settled only by an id; a name, by either.
        by_code = code_field is not None and all(str(r.get(code_field) or "") == text for r in matches)
        raise InvalidChoice(
            f"{given!r} is ambiguous: {len(matches)} match ({what}): {listed}",
            f"They share the code {text!r}: give the id of the one you mean."
            if by_code
            else "Give the id or the code instead of the name.",
        )
    candidates = client.search_read(model, list(domain), fields, limit=MAX_CANDIDATES, context=context)
    listed = "; ".join(f"{_label(r, code_field)} (id {r['id']})" for r in candidates) or "none"
    raise InvalidChoice(f"no usable {what} is named {given!r}", f"Candidates: {listed}.")


@dataclass(frozen=True)
class DefaultsChange:
    company: str | None = None
    sale_journal: str | None = None
    rent_product: str | None = None
    language: str | None = None
    auto_post_invoices: bool | None = None
    auto_post_bills: bool | None = None
    owner_separation: str | None = None
    deposit_account: str | None = None
    on_posted_change: str | None = None

    @property
    def needs_odoo(self) -> bool:
        return any(
            v is not None for v in (self.company, self.sale_journal, self.rent_product, self.deposit_account)
        ) or (self.language == "ar")


def company_target(client: OdooClient, reference: str) -> Target:
    return resolve(client, "res.company", reference, what="company")


def sale_journal_target(client: OdooClient, reference: str, company: Target) -> Target:
    return resolve(
        client,
        "account.journal",
        reference,
        what=f"sale journal of {company.name}",
        domain=[("type", "=", "sale"), ("company_id", "=", company.id)],
        code_field="code",
        context={"allowed_company_ids": [company.id]},
    )


def rent_product_target(client: OdooClient, reference: str) -> Target:
    return resolve(
        client,
        "product.product",
        reference,
        what="service product that can be sold",
        domain=[(client.version.product_type, "=", "service"), ("sale_ok", "=", True)],
        code_field="default_code",
    )


DEPOSIT_ACCOUNT_TYPES = ("asset_receivable", "liability_payable")


def account_of_types(client: OdooClient, given: str, company: Target, types: Sequence[str], what: str) -> Target:
    """A usable account of one of `types` in `company`, named by code, id or name."""
    usable_field, usable_value = client.version.account_usable
    return resolve(
        client,
        "account.account",
        given,
        what=f"{what} of {company.name}",
        domain=[
            ("account_type", "in", list(types)),
            (usable_field, "=", usable_value),
            (client.version.account_company, "in", [company.id]),
        ],
        code_field="code",
        context={"allowed_company_ids": [company.id]},
    )


def deposit_account_target(client: OdooClient, reference: str, company: Target) -> Target:
    """An account to hold deposits: Receivable or Payable, as Odoo wants of a payment's counterpart."""
    return account_of_types(
        client,
        reference,
        company,
        DEPOSIT_ACCOUNT_TYPES,
        "receivable or payable account (Odoo wants one as a payment's counterpart)",
    )


def arabic_is_active(client: OdooClient) -> bool:
    return bool(client.search("res.lang", [("code", "=", ARABIC)], limit=1))


def set_defaults(config: Config, change: DefaultsChange) -> dict[str, object]:
    """Check every given value, then save them together; returns what was saved."""
    updates: dict[str, object] = {}
    if change.needs_odoo:
        with open_client(config) as client:
            company_ref = change.company or config.defaults.company
            company = company_target(client, company_ref) if company_ref else None
            if change.company is not None and company is not None:
                updates["defaults.company"] = company.reference
            if change.sale_journal is not None:
                if company is None:
                    raise InvalidChoice("a sale journal belongs to a company, and none is set", "Add --company.")
                updates["defaults.sale_journal"] = sale_journal_target(client, change.sale_journal, company).reference
            if change.rent_product is not None:
                updates["defaults.rent_product"] = rent_product_target(client, change.rent_product).reference
            if change.deposit_account is not None:
                if company is None:
                    raise InvalidChoice("an account belongs to a company, and none is set", "Add --company.")
                updates["defaults.deposit_account"] = deposit_account_target(
                    client, change.deposit_account, company
                ).reference
            if change.language == "ar" and not arabic_is_active(client):
                raise OdooNotReady(
                    "Arabic is not active in this Odoo database",
                    "Run: odoosync setup language ar (it installs Arabic through Odoo), then set the language again.",
                )
    for key in ("language", "auto_post_invoices", "auto_post_bills", "owner_separation", "on_posted_change"):
        value = getattr(change, key)
        if value is not None:
            updates[f"defaults.{key}"] = value
    if updates:
        save_config_values(config.path, updates)
    return updates
