"""odoosync defaults against the sandbox: values by id, code or name, checked in Odoo, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from odoosync.cli.exit_codes import ExitCode
from odoosync.config import load_config
from odoosync.sandbox import Sandbox
from tests.acceptance.conftest import cli

run = cli


@pytest.fixture(params=[17, 19])
def connected(request: pytest.FixtureRequest, connect_to: Callable[[Sandbox], None]) -> Iterator[Sandbox]:
    with Sandbox(request.param, companies=2) as sandbox:
        connect_to(sandbox)
        yield sandbox


def products(sandbox: Sandbox, *values: dict[str, object]) -> list[int]:
    created = sandbox.instance.model("product.product").create([dict(v) for v in values])
    assert isinstance(created, list)
    return created


def service(sandbox: Sandbox) -> dict[str, object]:
    return {"type" if sandbox.version >= 18 else "detailed_type": "service"}


def test_values_by_name_code_and_id_are_saved_as_their_reference(connected: Sandbox) -> None:
    [rent] = products(connected, {"name": "Rent", "default_code": "RENT", **service(connected)})
    code, out, err = run(
        "defaults",
        "set",
        "--company",
        "saudi test co",
        "--sale-journal",
        "Customer Invoices",
        "--rent-product",
        str(rent),
        "--auto-post-invoices",
        "--owner-separation",
        "by_analytic",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out) == {
        "company": "Saudi Test Co",
        "sale_journal": "INV",
        "rent_product": "RENT",
        "auto_post_invoices": True,
        "owner_separation": "by_analytic",
    }
    defaults = load_config().defaults
    assert (defaults.company, defaults.sale_journal, defaults.rent_product) == ("Saudi Test Co", "INV", "RENT")
    code, out, _ = run("defaults", "show", "--json")
    assert json.loads(out)["auto_post_invoices"] is True


def test_a_journal_of_another_company_or_type_is_refused_with_candidates(connected: Sandbox) -> None:
    code, _, err = run("defaults", "set", "--sale-journal", "BNK1")
    assert code == ExitCode.USAGE
    assert "no usable sale journal of Saudi Test Co is named 'BNK1'" in err
    assert "Candidates: INV Customer Invoices (id 1)" in err


def test_an_ambiguous_name_lists_the_candidates(connected: Sandbox) -> None:
    first, second = products(connected, {"name": "Rent", **service(connected)}, {"name": "rent", **service(connected)})
    code, _, err = run("defaults", "set", "--rent-product", "Rent")
    assert code == ExitCode.USAGE
    assert "'Rent' is ambiguous: 2 match (service product that can be sold)" in err
    assert f"(id {first})" in err
    assert f"(id {second})" in err
    assert "Give the id or the code" in err


def test_a_goods_product_is_not_a_rent_product(connected: Sandbox) -> None:
    [goods] = products(connected, {"name": "Paint"})
    code, _, err = run("defaults", "set", "--rent-product", str(goods))
    assert code == ExitCode.USAGE
    assert "no usable service product" in err


def test_nothing_is_saved_unless_every_value_is_right(connected: Sandbox) -> None:
    code, _, _ = run("defaults", "set", "--sale-journal", "INV", "--rent-product", "does not exist")
    assert code == ExitCode.USAGE
    assert load_config().defaults.rent_product is None
    assert load_config().defaults.sale_journal == "INV"  # as connect pre-filled it, unchanged


def test_arabic_is_refused_until_it_is_active(connected: Sandbox) -> None:
    code, _, err = run("defaults", "set", "--language", "ar")
    assert code == ExitCode.USAGE
    assert "odoosync setup language ar" in err
    assert load_config().defaults.language == "company"
    assert run("defaults", "set", "--language", "en")[0] == 0
    assert load_config().defaults.language == "en"


def test_bad_choices_are_usage_errors(cli_env: dict[str, str]) -> None:
    assert run("defaults", "set", "--owner-separation", "sometimes")[0] == ExitCode.USAGE
    assert run("defaults", "set", "--language", "fr")[0] == ExitCode.USAGE
