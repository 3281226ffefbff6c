"""odoosync defaults against the sandbox and a live Odoo: values by id, code or name, checked, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from odoosync.cli.exit_codes import ExitCode
from odoosync.config import load_config
from tests.acceptance.conftest import cli
from tests.support.servers import LiveOdoo, Server, client_of, record_id, rows, serve, servers

run = cli


@pytest.fixture(params=servers(17, 19))
def connected(request: pytest.FixtureRequest) -> Iterator[Server]:
    with serve(request.param, companies=2) as server:  # before cli_env, which drops the ODOOSYNC_LIVE_ variables
        connect_to: Callable[[Server], None] = request.getfixturevalue("connect_to")
        connect_to(server)
        yield server


def products(server: Server, *values: dict[str, object]) -> list[int]:
    """Products made in Odoo as a person would; on a live Odoo they stay, so their names and codes are the run's."""
    with client_of(server) as client:
        created = client.call("product.product", "create", [dict(v) for v in values])
    assert isinstance(created, list)
    return created


def service(server: Server) -> dict[str, object]:
    return {"type" if server.version >= 18 else "detailed_type": "service"}


def company(server: Server) -> str:
    """The name of the company odoosync works in: the user's (Saudi Test Co in the sandbox)."""
    [user] = rows(server, "res.users", [("login", "=", server.login)], ["company_id"])
    [row] = rows(server, "res.company", [("id", "=", user["company_id"])], ["name"])
    return str(row["name"])


def sale_journal(server: Server) -> tuple[int, str]:
    """The chart's sale journal INV: its id and its name (Customer Invoices; Sales from 19)."""
    [row] = rows(server, "account.journal", [("code", "=", "INV")], ["name"])
    assert row["name"] == ("Sales" if server.version >= 19 else "Customer Invoices")
    return row["id"], row["name"]


def test_values_by_name_code_and_id_are_saved_as_their_reference(connected: Server) -> None:
    code_of_rent = record_id(connected, "RENT")  # RENT-<tag> on a live Odoo, where other runs made a RENT
    [rent] = products(
        connected, {"name": record_id(connected, "Rent"), "default_code": code_of_rent, **service(connected)}
    )
    name = company(connected)
    code, out, err = run(
        "defaults",
        "set",
        "--company",
        name.lower(),
        "--sale-journal",
        sale_journal(connected)[1],
        "--rent-product",
        str(rent),
        "--auto-post-invoices",
        "--owner-separation",
        "by_analytic",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out) == {
        "company": name,
        "sale_journal": "INV",
        "rent_product": code_of_rent,
        "auto_post_invoices": True,
        "owner_separation": "by_analytic",
    }
    defaults = load_config().defaults
    assert (defaults.company, defaults.sale_journal, defaults.rent_product) == (name, "INV", code_of_rent)
    code, out, _ = run("defaults", "show", "--json")
    assert json.loads(out)["auto_post_invoices"] is True


def test_a_journal_of_another_company_or_type_is_refused_with_candidates(connected: Server) -> None:
    code, _, err = run("defaults", "set", "--sale-journal", "BNK1")
    assert code == ExitCode.USAGE
    assert f"no usable sale journal of {company(connected)} is named 'BNK1'" in err
    journal, journal_name = sale_journal(connected)
    assert f"Candidates: INV {journal_name} (id {journal})" in err


def test_an_ambiguous_name_lists_the_candidates(connected: Server) -> None:
    rent = record_id(connected, "Rent")  # on a live Odoo, a name of this run's: Rent-<tag>
    first, second = products(
        connected, {"name": rent, **service(connected)}, {"name": rent.lower(), **service(connected)}
    )
    code, _, err = run("defaults", "set", "--rent-product", rent)
    assert code == ExitCode.USAGE
    assert f"{rent!r} is ambiguous: 2 match (service product that can be sold)" in err
    assert f"(id {first})" in err
    assert f"(id {second})" in err
    assert "Give the id or the code" in err


def test_a_goods_product_is_not_a_rent_product(connected: Server) -> None:
    [goods] = products(connected, {"name": record_id(connected, "Paint")})
    code, _, err = run("defaults", "set", "--rent-product", str(goods))
    assert code == ExitCode.USAGE
    assert "no usable service product" in err


def test_nothing_is_saved_unless_every_value_is_right(connected: Server) -> None:
    code, _, _ = run("defaults", "set", "--sale-journal", "INV", "--rent-product", "does not exist")
    assert code == ExitCode.USAGE
    assert load_config().defaults.rent_product is None
    assert load_config().defaults.sale_journal == "INV"  # as connect pre-filled it, unchanged


def test_arabic_is_refused_until_it_is_active(connected: Server) -> None:
    if isinstance(connected, LiveOdoo) and rows(
        connected, "res.lang", [("code", "=", "ar_001"), ("active", "=", True)]
    ):
        pytest.skip("Arabic is active in this database already: nothing to refuse")
    code, _, err = run("defaults", "set", "--language", "ar")
    assert code == ExitCode.UNAVAILABLE  # found in Odoo: not a usage error
    assert "odoosync setup language ar" in err
    assert load_config().defaults.language == "company"
    assert run("defaults", "set", "--language", "en")[0] == 0
    assert load_config().defaults.language == "en"


def test_bad_choices_are_usage_errors(cli_env: dict[str, str]) -> None:
    assert run("defaults", "set", "--owner-separation", "sometimes")[0] == ExitCode.USAGE
    assert run("defaults", "set", "--language", "fr")[0] == ExitCode.USAGE
