"""The Setup Assistant against the sandbox's Saudi chart: suggestions, the plan round trip, new accounts."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tomli_w

from odoosync.cli.exit_codes import ExitCode
from odoosync.sandbox import Sandbox
from tests.acceptance.conftest import cli
from tests.conftest import SAMPLES

# Categories of the sample data whose obvious account exists in the Saudi chart, and that account.
OBVIOUS = {
    "Cleaning": "500003",
    "Security": "500004",
    "Maintenance": "500001",
    "Utilities": "500002",
    "Insurance": "500005",
}


@pytest.fixture(params=[16, 17, 18, 19])
def connected(request: pytest.FixtureRequest, connect_to: Callable[[Sandbox], None]) -> Iterator[Sandbox]:
    with Sandbox(request.param, companies=2) as sandbox:
        assert cli("ingest", str(SAMPLES / "portfolio.ndjson"))[0] == 0
        connect_to(sandbox)
        yield sandbox


def suggested(tmp_path: Path, *args: str) -> dict[tuple[str, str], dict[str, object]]:
    code, out, err = cli("map", "suggest", "--json", "--out", str(tmp_path / "plan.toml"), *args)
    assert code == 0, err
    return {(s["kind"], s["code"]): s for s in json.loads(out)["suggestions"]}


def test_the_quality_bar_on_the_sample_data(connected: Sandbox, tmp_path: Path) -> None:
    suggestions = suggested(tmp_path)
    # Every VAT rate and payment method gets the right top suggestion…
    tax_ids = {
        (row["type_tax_use"], row["name"]): row["id"]
        for row in connected.instance.model("account.tax").search_read(
            [("company_id", "=", 1)], ["type_tax_use", "name"]
        )
    }
    assert suggestions[("vat_sale", "15")]["target"] == str(tax_ids[("sale", "15%")])
    assert suggestions[("vat_sale", "exempt")]["target"] == str(tax_ids[("sale", "Exempt")])
    assert suggestions[("vat_purchase", "15")]["target"] == str(tax_ids[("purchase", "15%")])
    assert suggestions[("vat_purchase", "0")]["target"] == str(tax_ids[("purchase", "0%")])
    cash = "CSH1" if connected.version <= 18 else "BNK1"  # the Saudi chart of 19 has no cash journal
    assert suggestions[("method", "cash")]["target"] == cash
    for method in ("bank_transfer", "mada", "sadad", "cheque"):
        assert suggestions[("method", method)]["target"] == "BNK1"
    # …and every category whose obvious account exists gets it.
    for category, account in OBVIOUS.items():
        assert suggestions[("category", category)]["target"] == account, category
    assert suggestions[("category", "Plumbing")].get("target") is None  # no account says plumbing


def test_arabic_categories_match_the_arabic_account_names(connected: Sandbox, tmp_path: Path) -> None:
    arabic = tmp_path / "arabic.ndjson"
    arabic.write_text(
        json.dumps(
            {
                "type": "expense",
                "id": "EX-AR-1",
                "status": "verified",
                "vendor_id": "C-5001",
                "bill_date": "2026-03-01",
                "lines": [
                    {"category": "نظافة", "amount": "100.00", "vat_rate": "15"},
                    {"category": "صيانة", "amount": "50.00", "vat_rate": "15"},
                ],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    assert cli("ingest", str(arabic))[0] == 0
    assert cli("setup", "language", "ar")[0] == 0
    suggestions = suggested(tmp_path, "--kind", "category")
    assert suggestions[("category", "نظافة")]["target"] == "500003"
    assert suggestions[("category", "صيانة")]["target"] == "500001"
    assert "Arabic name" in str(suggestions[("category", "نظافة")]["why"])


def test_suggest_writes_nothing_then_an_edited_plan_is_applied(connected: Sandbox, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    suggested(tmp_path)
    assert not json.loads(cli("map", "list", "--json")[1])[0]["mapping"]  # nothing written yet
    data = tomllib.loads(plan.read_text(encoding="utf-8"))
    assert plan.read_text(encoding="utf-8").startswith("# odoosync mapping plan")
    entries = [e for e in data["mapping"] if not (e["kind"] == "category" and e["code"] == "Security")]
    for entry in entries:
        if entry["kind"] == "category" and entry["code"] == "Cleaning":
            entry["target"] = "500001"  # the person prefers maintenance
    plan.write_text(tomli_w.dumps({"mapping": entries}), encoding="utf-8")
    code, out, err = cli("map", "apply", str(plan), "--yes", "--json")
    assert code == 0, err
    applied = {(m["kind"], m["code"]): m for m in json.loads(out)["mappings"]}
    assert applied[("category", "cleaning")]["name"] == "500001 Repairs and Maintenance"
    assert ("category", "security") not in applied
    mapped = {(r["kind"], r["code"]): r["mapping"] for r in json.loads(cli("map", "list", "--json")[1])}
    assert mapped[("method", "mada")]["name"] == "BNK1 Bank"
    assert mapped[("category", "Security")] is None


def test_missing_accounts_are_proposed_and_created_only_by_apply(connected: Sandbox, tmp_path: Path) -> None:
    suggestions = suggested(tmp_path, "--kind", "category", "--create-missing-accounts")
    new = suggestions[("category", "Plumbing")]["create_account"]
    assert new == {"code": "500006", "name": "Plumbing"} or new["name"] == "Plumbing"
    accounts = connected.instance.model("account.account", allowed_company_ids=[1])
    assert not accounts.search([("name", "=", "Plumbing")])
    code, out, err = cli("map", "apply", str(tmp_path / "plan.toml"), "--yes", "--json")
    assert code == 0, err
    created = json.loads(out)["created_accounts"]
    assert len(created) == 4  # Plumbing, Electrical, Air conditioning, Landscaping
    field = "company_id" if connected.version <= 17 else "company_ids"
    [row] = accounts.search_read([("name", "=", "Plumbing")], ["code", "account_type", field])
    assert row["account_type"] == "expense"
    assert row[field] in ([1, "Saudi Test Co"], [1])


def test_a_plan_target_that_no_longer_fits_is_refused(connected: Sandbox, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(
        tomli_w.dumps({"mapping": [{"kind": "category", "code": "Plumbing", "company": 0, "target": "400001"}]}),
        encoding="utf-8",
    )
    code, _, err = cli("map", "apply", str(plan), "--yes")
    assert code == ExitCode.USAGE
    assert "no usable expense account" in err
    code, _, err = cli("map", "apply", str(tmp_path / "missing.toml"), "--yes")
    assert code == ExitCode.USAGE
    assert "no plan file" in err


def test_by_company_suggestions_are_kept_per_company(connected: Sandbox, tmp_path: Path) -> None:
    assert cli("defaults", "set", "--owner-separation", "by_company")[0] == 0
    suggestions = suggested(tmp_path, "--company", "2", "--kind", "method")
    assert {s["company"] for s in suggestions.values()} == {2}
    assert cli("map", "apply", str(tmp_path / "plan.toml"), "--yes")[0] == 0
    on_two = json.loads(cli("map", "list", "--json", "--company", "2", "--kind", "method")[1])
    assert all(row["mapping"] for row in on_two)
    assert not any(row["mapping"] for row in json.loads(cli("map", "list", "--json", "--kind", "method")[1]))
