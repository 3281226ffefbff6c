"""odoosync setup language and setup rent-product against the sandbox and a live Odoo."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from odoosync.cli.exit_codes import ExitCode
from odoosync.config import load_config
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind
from odoosync.store import Store
from odoosync.sync.setup.connection import database_key
from tests.acceptance.conftest import cli
from tests.support.servers import SERVERS, LiveOdoo, Server, client_of, rows, sandbox_only, serve

run = cli


@pytest.fixture(params=SERVERS)
def connected(request: pytest.FixtureRequest) -> Iterator[Server]:
    with serve(request.param) as server:  # before cli_env, which drops the ODOOSYNC_LIVE_ variables
        connect_to: Callable[[Server], None] = request.getfixturevalue("connect_to")
        connect_to(server)
        yield server


def arabic_is_active(server: Server) -> bool:
    return bool(rows(server, "res.lang", [("code", "=", "ar_001"), ("active", "=", True)], ["code"]))


def rent_products(server: Server) -> list[int]:
    """The products coded RENT: on a live database, the one an earlier run (of any test) made."""
    return [row["id"] for row in rows(server, "product.product", [("default_code", "=", "RENT")], ["id"])]


def test_arabic_is_installed_through_odoo_then_allowed_as_the_language(connected: Server) -> None:
    if isinstance(connected, LiveOdoo) and not arabic_is_active(connected):
        pytest.skip("Arabic is not active in this database, and installing it changes the database")
    active = arabic_is_active(connected)
    code, out, err = run("setup", "language", "ar", "--json")
    assert code == 0, err
    assert json.loads(out) == {"language": "ar_001", "already_active": active}
    if not active:  # only the sandbox gets here
        calls = sandbox_only(connected, "the call log").calls
        assert any(call.model == "base.language.install" and call.method == "lang_install" for call in calls)
    assert arabic_is_active(connected)
    assert json.loads(run("setup", "language", "ar", "--json")[1])["already_active"] is True
    assert run("defaults", "set", "--language", "ar")[0] == 0
    assert load_config().defaults.language == "ar"


def test_only_arabic_needs_installing(connected: Server) -> None:
    assert run("setup", "language", "fr")[0] == ExitCode.USAGE


def test_the_rent_product_is_created_once_then_found(connected: Server) -> None:
    product_type = "type" if connected.version >= 18 else "detailed_type"
    existing = rent_products(connected)  # none on the sandbox; on a live Odoo, maybe the one an earlier run made
    code, out, err = run("setup", "rent-product", "--json")
    if not existing:
        assert code == ExitCode.UNAVAILABLE  # found in Odoo: not a usage error
        assert "--create" in err
    else:
        assert code == 0, err
        assert json.loads(out)["id"] in existing
    code, out, err = run("setup", "rent-product", "--create", "--json")
    assert code == 0, err
    created = json.loads(out)
    assert (created["name"], created["code"], created["created"]) == ("Rent", "RENT", not existing)
    [row] = rows(connected, "product.product", [("id", "=", created["id"])], [product_type, "sale_ok"])
    assert (row[product_type], row["sale_ok"]) == ("service", True)
    again = json.loads(run("setup", "rent-product", "--create", "--json")[1])
    assert (again["id"], again["created"]) == (created["id"], False)
    assert rent_products(connected) == (existing or [created["id"]])
    assert load_config().defaults.rent_product == "RENT"


def test_an_arabic_rent_product_is_found(connected: Server) -> None:
    sandbox_only(
        connected, "a live database keeps the Rent products earlier runs made, and the test needs only its own"
    )
    field = "type" if connected.version >= 18 else "detailed_type"
    with client_of(connected) as client:
        product = client.call("product.product", "create", {"name": "إيجار", field: "service"})
    code, out, _ = run("setup", "rent-product", "--json")
    assert code == 0
    assert json.loads(out)["id"] == product


def test_a_created_rent_product_takes_the_mapped_15_percent_sale_tax(connected: Server) -> None:
    if rent_products(connected):
        pytest.skip("this live database has a RENT product an earlier run made: setup rent-product creates none")
    [company] = rows(connected, "res.company", [("id", "=", 1)], ["account_sale_tax_id"])
    tax = company["account_sale_tax_id"]  # the chart's 15 % sale tax, the company's default
    [row] = rows(connected, "account.tax", [("id", "=", tax)], ["name", "amount", "type_tax_use"])
    assert (row["name"], row["amount"], row["type_tax_use"]) == (
        "Sales Tax 15%" if connected.version == 16 else "15%",
        15,
        "sale",
    )
    config = load_config()
    with Store.open(config.database_url) as store:
        store.mappings.set(
            database_key(connected.url, connected.database),
            Mapping(MappingKind.VAT_SALE, "15", ANY_COMPANY, "account.tax", tax, row["name"]),
        )
    code, out, err = run("setup", "rent-product", "--create", "--json")
    assert code == 0, err
    [product] = rows(connected, "product.product", [("id", "=", json.loads(out)["id"])], ["taxes_id"])
    assert product["taxes_id"] == [tax]
