"""Owners and owner separation: each owner's Odoo company (by_company) or analytic account (by_analytic)."""

from __future__ import annotations

from dataclasses import dataclass

from odoosync.config import Config
from odoosync.domain.errors import ConfigError, InvalidChoice, NotFound
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind
from odoosync.domain.records import RecordType
from odoosync.odoo import errors
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.setup.connection import database_key, endpoint_of, open_client
from odoosync.sync.setup.defaults import Target, company_target, resolve

ANALYTIC_PLAN = "Owners"
# analytic/security/ir.model.access.csv (16 to 19): analytic accounts and plans are readable only by the group
# analytic.group_analytic_accounting (the Analytic Accounting setting, off in a new database) or, through account,
# by Accountants (account.group_account_user). A Billing administrator is neither until the setting is on.
ANALYTIC_SETTING = (
    "In Odoo: Invoicing (or Accounting) → Configuration → Settings → Analytics: tick Analytic Accounting and save. "
    "Then run the command again."
)
KIND_BY_SEPARATION = {"by_company": MappingKind.OWNER_COMPANY, "by_analytic": MappingKind.OWNER_ANALYTIC}


@dataclass(frozen=True)
class Owner:
    id: str
    name: str
    company: Mapping | None
    analytic: Mapping | None


def list_owners(config: Config, store: Store) -> list[Owner]:
    """Owners from the stored contacts, with their mappings for the connected Odoo database."""
    owners = [
        record for record in store.records.of_type(RecordType.CONTACT) if "owner" in record.document.get("roles", [])
    ]
    companies: dict[str, Mapping] = {}
    analytics: dict[str, Mapping] = {}
    if config.odoo.url and config.odoo.database:
        key = database_key(config.odoo.url, config.odoo.database)
        companies = store.mappings.of_kind(key, MappingKind.OWNER_COMPANY)
        analytics = store.mappings.of_kind(key, MappingKind.OWNER_ANALYTIC)
    return [
        Owner(o.app_id, str(o.document.get("name", "")), companies.get(o.app_id), analytics.get(o.app_id))
        for o in owners
    ]


def analytic_accounting_off(error: errors.AccessError) -> errors.AccessError:
    """Odoo's refusal to show analytic accounts, said as what it means on a default database."""
    return errors.AccessError(
        "Analytic Accounting is not enabled in this Odoo database, so its analytic plans are hidden from the user "
        f"(Odoo: {error.reason.splitlines()[0]})",
        ANALYTIC_SETTING,
        odoo_name=error.odoo_name,
    )


def _analytic_target(client: OdooClient, reference: str | None, owner: str, owner_name: str, *, create: bool) -> Target:
    if reference:
        try:
            return resolve(client, "account.analytic.account", reference, what="analytic account", code_field="code")
        except InvalidChoice:
            if not create:
                raise
    elif not create:
        raise InvalidChoice("give --analytic ACCOUNT, or --create to make one for the owner", None)
    # --create makes one only when none exists: an earlier --create (before a disconnect, say) made it already.
    existing = client.search_read("account.analytic.account", [("code", "=", owner)], ["name"], limit=1)
    if existing:
        return Target("account.analytic.account", int(existing[0]["id"]), str(existing[0]["name"]), owner)
    plans = client.search("account.analytic.plan", [("name", "=", ANALYTIC_PLAN)], limit=1)
    plan = plans[0] if plans else client.create("account.analytic.plan", [{"name": ANALYTIC_PLAN}])[0]
    name = reference or owner_name
    [created] = client.create("account.analytic.account", [{"name": name, "code": owner, "plan_id": plan}])
    return Target("account.analytic.account", created, name, owner)


def map_owner(
    config: Config,
    store: Store,
    owner_id: str,
    *,
    company: str | None = None,
    analytic: str | None = None,
    create: bool = False,
) -> Mapping:
    """Map an owner to a company (by_company) or an analytic account (by_analytic), checked in Odoo."""
    if (company is None) == (analytic is None and not create):
        raise InvalidChoice("give either --company or --analytic (or --create)", None)
    separation = config.defaults.owner_separation
    if create and separation != "by_analytic":
        # Accounts made in Odoo stay there: none is made for a setting that would not use it.
        raise ConfigError(
            f"owner separation is {separation}, and an owner's analytic account is used only with by_analytic: "
            "nothing was made in Odoo",
            "To give each owner an analytic account, run: odoosync defaults set --owner-separation by_analytic, "
            f"then odoosync owners map {owner_id} --create",
        )
    owner = store.records.get(RecordType.CONTACT, owner_id)
    if owner is None or "owner" not in owner.document.get("roles", []):
        raise NotFound(
            f"no owner with id {owner_id!r} is stored",
            "Owners are contacts with the owner role; see them with: odoosync owners list",
        )
    endpoint = endpoint_of(config)
    with open_client(config) as client:
        if company is not None:
            target = company_target(client, company)
            kind = MappingKind.OWNER_COMPANY
        else:
            try:
                target = _analytic_target(client, analytic, owner_id, str(owner.document.get("name")), create=create)
            except errors.AccessError as error:
                raise analytic_accounting_off(error) from None
            kind = MappingKind.OWNER_ANALYTIC
    mapping = Mapping(kind.value, owner_id, ANY_COMPANY, target.model, target.id, target.name)
    store.mappings.set(database_key(endpoint.url, endpoint.database), mapping)
    return mapping
