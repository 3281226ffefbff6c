"""odoosync map list/set/remove against the real Saudi chart (l10n_sa)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from odoosync.cli.exit_codes import ExitCode
from tests.acceptance.conftest import cli
from tests.conftest import SAMPLES
from tests.support.servers import Server, sandbox_only, serve, servers


@pytest.fixture(params=servers(17, 19))
def connected(request: pytest.FixtureRequest) -> Iterator[Server]:
    # Only the app's own store is written (and map set checks in Odoo): the sample ids need no tag on a live Odoo.
    with serve(request.param, companies=2) as server:  # before cli_env, which drops the ODOOSYNC_LIVE_ variables
        connect_to: Callable[[Server], None] = request.getfixturevalue("connect_to")
        assert cli("ingest", str(SAMPLES / "portfolio.ndjson"))[0] == 0
        connect_to(server)
        yield server


def sale_tax(server: Server, rate: str) -> str:
    """The name of the chart's sale tax of `rate` %: 16 names its taxes in words, 17+ by the rate."""
    if server.version == 16:
        return {"15": "Sales Tax 15%", "0": "Local Sales 0%"}[rate]
    return f"{rate}%"


def purchase_tax(server: Server, rate: str) -> str:
    if server.version == 16:
        return {"15": "Purchase Tax 15%", "0": "Purchases 0%"}[rate]
    return f"{rate}%"


def codes(*args: str) -> dict[tuple[str, str], dict[str, object]]:
    code, out, err = cli("map", "list", "--json", *args)
    assert code == 0, err
    return {(row["kind"], row["code"]): row for row in json.loads(out)}


def test_the_codes_the_sample_records_use(connected: Server) -> None:
    listed = codes()
    assert listed[("category", "Plumbing")]["records"] == 4  # the verified expenses that use it
    assert listed[("method", "bank_transfer")]["mapping"] is None
    assert {kind for kind, _ in listed} == {"category", "method", "vat_sale", "vat_purchase"}
    assert ("vat_sale", "exempt") in listed
    assert set(codes("--kind", "vat")) == {k for k in listed if k[0].startswith("vat")}


def test_set_list_and_remove(connected: Server) -> None:
    code, out, err = cli("map", "set", "category", " plumbing ", "--account", "400042", "--json")
    assert code == 0, err
    [saved] = json.loads(out)
    assert (saved["kind"], saved["code"], saved["name"]) == ("category", "plumbing", "400042 Maintenance")
    assert codes()[("category", "Plumbing")]["mapping"]["name"] == "400042 Maintenance"
    assert ("category", "Plumbing") not in codes("--unmapped")
    assert cli("map", "remove", "category", "PLUMBING")[0] == 0
    assert codes()[("category", "Plumbing")]["mapping"] is None
    code, _, err = cli("map", "remove", "category", "PLUMBING")
    assert code == ExitCode.NOT_FOUND


def test_a_method_keeps_the_payment_method_lines_of_its_journal(connected: Server) -> None:
    code, out, err = cli("map", "set", "method", "bank_transfer", "--journal", "BNK1", "--json")
    assert code == 0, err
    assert json.loads(out)[0]["name"] == "BNK1 Bank"


def test_vat_maps_a_sale_and_a_purchase_tax_of_the_same_rate(connected: Server) -> None:
    sale, purchase = sale_tax(connected, "15"), purchase_tax(connected, "15")
    code, out, err = cli("map", "set", "vat", "15.0", "--sale-tax", sale, "--purchase-tax", purchase, "--json")
    assert code == 0, err
    assert [(row["kind"], row["code"]) for row in json.loads(out)] == [("vat_sale", "15"), ("vat_purchase", "15")]
    assert [row["name"] for row in json.loads(out)] == [sale, purchase]
    assert codes()[("vat_sale", "15")]["mapping"] is not None


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["category", "Plumbing", "--account", "500001"], "no usable expense account"),  # Sales Account: income
        (["category", "Plumbing", "--account", "102011"], "no usable expense account"),  # Accounts Receivable
        (["method", "cash", "--journal", "INV"], "no usable bank or cash journal"),
        (["vat", "15", "--sale-tax", "{0% sale tax}"], "is 0.0 %, but the VAT rate '15' is 15 %"),
        (["vat", "15", "--sale-tax", "Nope"], "no usable sale tax"),
        (["vat", "fifteen", "--sale-tax", "{15% sale tax}"], "is not a VAT rate code"),
        (["vat", "15"], "Add --sale-tax and/or --purchase-tax"),
        (["category", "Plumbing"], "Add --account"),
        (["colour", "red", "--account", "400042"], "unknown mapping kind"),
    ],
)
def test_refusals_say_why_and_what_could_be_meant(connected: Server, args: list[str], fragment: str) -> None:
    names = {"{0% sale tax}": sale_tax(connected, "0"), "{15% sale tax}": sale_tax(connected, "15")}
    code, _, err = cli("map", "set", *(names.get(arg, arg) for arg in args))
    assert code == ExitCode.USAGE, err
    assert fragment in err
    assert not any(row["mapping"] for row in codes().values())


def test_by_company_mappings_are_kept_apart_per_company(connected: Server) -> None:
    sandbox_only(connected, "needs a second company (Sandbox(companies=2))")
    assert cli("defaults", "set", "--owner-separation", "by_company")[0] == 0
    code, _, err = cli("map", "set", "category", "Cleaning", "--account", "400044")
    assert code == ExitCode.USAGE
    assert "kept per company" in err
    for company in ("1", "2"):
        code, out, err = cli(
            "map", "set", "category", "Cleaning", "--account", "400044", "--company", company, "--json"
        )
        assert code == 0, err
        assert json.loads(out)[0]["company"] == int(company)
    first = codes("--company", "1")[("category", "Cleaning")]["mapping"]
    second = codes("--company", "2")[("category", "Cleaning")]["mapping"]
    assert first["id"] != second["id"]  # each company's own account 400044
    assert codes()[("category", "Cleaning")]["mapping"] is None  # nothing kept outside the companies


def test_a_code_no_record_uses_is_saved_with_a_warning_naming_the_nearest(connected: Server) -> None:
    code, out, err = cli("map", "set", "category", "Plumbnig", "--account", "400042", "--json")
    assert code == 0, err
    [saved] = json.loads(out)
    assert saved["code"] == "plumbnig"
    assert saved["warning"].startswith(
        'no stored record uses the expense category "Plumbnig"; the nearest in use: "Plumbing"'
    )
    assert saved["warning"].endswith('if it is a typo, run: odoosync map remove category "Plumbnig"')
    code, out, err = cli("map", "set", "method", "stc pay", "--journal", "BNK1")
    assert code == 0, err
    assert "✓ method 'stc pay' → BNK1 Bank" in out
    assert 'warning: no stored record uses the payment method "stc pay"' in " ".join(err.split())
    # A code the records use, however it is written, says nothing more.
    code, out, err = cli("map", "set", "category", "PLUMBING ", "--account", "400042", "--json")
    assert code == 0, err
    assert json.loads(out)[0]["warning"] is None
    assert "warning" not in err
    code, out, _ = cli("map", "set", "vat", "15.0", "--sale-tax", sale_tax(connected, "15"), "--json")
    assert json.loads(out)[0]["warning"] is None
