"""odoosync setup language and setup rent-product against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from odoosync.cli.exit_codes import ExitCode
from odoosync.config import load_config
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind
from odoosync.sandbox import Sandbox
from odoosync.store import Store
from odoosync.sync.connection import database_key
from tests.acceptance.conftest import cli

run = cli


@pytest.fixture(params=[16, 17, 18, 19])
def connected(request: pytest.FixtureRequest, connect_to: Callable[[Sandbox], None]) -> Iterator[Sandbox]:
    with Sandbox(request.param) as sandbox:
        connect_to(sandbox)
        yield sandbox


def test_arabic_is_installed_through_odoo_then_allowed_as_the_language(connected: Sandbox) -> None:
    code, out, err = run("setup", "language", "ar", "--json")
    assert code == 0, err
    assert json.loads(out) == {"language": "ar_001", "already_active": False}
    assert any(call.model == "base.language.install" and call.method == "lang_install" for call in connected.calls)
    assert json.loads(run("setup", "language", "ar", "--json")[1])["already_active"] is True
    assert run("defaults", "set", "--language", "ar")[0] == 0
    assert load_config().defaults.language == "ar"


def test_only_arabic_needs_installing(connected: Sandbox) -> None:
    assert run("setup", "language", "fr")[0] == ExitCode.USAGE


def test_the_rent_product_is_created_once_then_found(connected: Sandbox) -> None:
    code, _, err = run("setup", "rent-product")
    assert code == ExitCode.USAGE
    assert "--create" in err
    code, out, err = run("setup", "rent-product", "--create", "--json")
    assert code == 0, err
    created = json.loads(out)
    assert (created["name"], created["code"], created["created"]) == ("Rent", "RENT", True)
    product_type = "type" if connected.version >= 18 else "detailed_type"
    [row] = connected.instance.model("product.product").read([created["id"]], [product_type, "sale_ok"])
    assert (row[product_type], row["sale_ok"]) == ("service", True)
    again = json.loads(run("setup", "rent-product", "--create", "--json")[1])
    assert (again["id"], again["created"]) == (created["id"], False)
    assert load_config().defaults.rent_product == "RENT"


def test_an_arabic_rent_product_is_found(connected: Sandbox) -> None:
    field = "type" if connected.version >= 18 else "detailed_type"
    product = connected.instance.model("product.product").create({"name": "إيجار", field: "service"})
    code, out, _ = run("setup", "rent-product", "--json")
    assert code == 0
    assert json.loads(out)["id"] == product


def test_a_created_rent_product_takes_the_mapped_15_percent_sale_tax(connected: Sandbox) -> None:
    [tax] = connected.instance.model("account.tax").search([("type_tax_use", "=", "sale"), ("name", "=", "15%")])
    config = load_config()
    with Store.open(config.database_url) as store:
        store.mappings.set(
            database_key(connected.url, connected.database),
            Mapping(MappingKind.VAT_SALE, "15", ANY_COMPANY, "account.tax", tax, "15%"),
        )
    code, out, err = run("setup", "rent-product", "--create", "--json")
    assert code == 0, err
    [row] = connected.instance.model("product.product").read([json.loads(out)["id"]], ["taxes_id"])
    assert row["taxes_id"] == [tax]
