"""One-time set-up in Odoo: the Arabic language and the Rent product."""

from __future__ import annotations

from dataclasses import dataclass

from odoosync.config import Config, save_config_values
from odoosync.domain.errors import OdooNotReady
from odoosync.domain.mappings import MappingKind
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.setup.connection import database_key, endpoint_of, open_client
from odoosync.sync.setup.defaults import ARABIC, Target, arabic_is_active, rent_product_target

RENT_NAMES = ("Rent", "إيجار")


@dataclass(frozen=True)
class LanguageReport:
    code: str
    already_active: bool


def activate_arabic(config: Config) -> LanguageReport:
    """Install Arabic through Odoo's own language installation (base.language.install), as a person would."""
    with open_client(config) as client:
        if arabic_is_active(client):
            return LanguageReport(ARABIC, already_active=True)
        found = client.search("res.lang", [("code", "=", ARABIC)], limit=1, context={"active_test": False})
        if not found:
            raise OdooNotReady(f"this Odoo database does not know the language {ARABIC}", None)
        # 16 names the language by its code; 17 and later take res.lang records.
        values: dict[str, object] = {"lang": ARABIC} if client.version.major <= 16 else {"lang_ids": [(6, 0, found)]}
        [wizard] = client.create("base.language.install", [values])
        client.call("base.language.install", "lang_install", [wizard])
        if not arabic_is_active(client):
            raise OdooNotReady("Odoo did not activate Arabic", "Activate it in Odoo: Settings → Languages.")
        return LanguageReport(ARABIC, already_active=False)


@dataclass(frozen=True)
class RentProductReport:
    product: Target
    created: bool


def _find_rent(client: OdooClient) -> list[Target]:
    found: dict[int, Target] = {}
    for name in RENT_NAMES:
        for row in client.search_read(
            "product.product",
            [("name", "=ilike", name), (client.version.product_type, "=", "service"), ("sale_ok", "=", True)],
            ["name", "default_code"],
        ):
            found[int(row["id"])] = Target(
                "product.product",
                int(row["id"]),
                str(row["name"]),
                str(row["default_code"]) if row.get("default_code") else None,
            )
    return list(found.values())


# Commercial rent is charged at the standard rate; residential rent lines get their own tax from the record.
RENT_VAT_CODE = "15"


def setup_rent_product(config: Config, store: Store, *, create: bool) -> RentProductReport:
    """Find the service product named Rent (or إيجار), or create it (with the standard sale tax when the VAT
    rate 15 is mapped); then make it the default."""
    endpoint = endpoint_of(config)
    with open_client(config) as client:
        found = _find_rent(client)
        if len(found) > 1:
            listed = "; ".join(f"{t.name} (id {t.id})" for t in found)
            raise OdooNotReady(
                f"several Rent products exist: {listed}",
                "Choose one: odoosync defaults set --rent-product <id>",
            )
        created = False
        if found:
            product = found[0]
        elif not create:
            raise OdooNotReady(
                "there is no service product named Rent (or إيجار) in Odoo",
                "Run: odoosync setup rent-product --create (or choose one: odoosync defaults set --rent-product …)",
            )
        else:
            values: dict[str, object] = {
                "name": "Rent",
                "default_code": "RENT",
                client.version.product_type: "service",
                "sale_ok": True,
                "purchase_ok": False,
            }
            vat = store.mappings.of_kind(database_key(endpoint.url, endpoint.database), MappingKind.VAT_SALE)
            if RENT_VAT_CODE in vat:
                values["taxes_id"] = [(6, 0, [vat[RENT_VAT_CODE].odoo_id])]
            [product_id] = client.create("product.product", [values])
            product = rent_product_target(client, str(product_id))
            created = True
    save_config_values(config.path, {"defaults.rent_product": product.reference})
    return RentProductReport(product, created)
