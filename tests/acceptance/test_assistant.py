"""The Setup Assistant against the real Saudi chart (l10n_sa): suggestions, the plan round trip, new accounts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from odoosync.cli.exit_codes import ExitCode
from tests.acceptance.conftest import cli, connected_with_the_portfolio
from tests.support.portfolio import expense_using, write_ndjson
from tests.support.servers import SERVERS, Server, client_of, rows, sandbox_only, servers, tag_of, tagged
from tests.support.workspace import ODOOSYNC, own_inputs

# The categories of the sample data and the account an accountant books them to on the Saudi chart: the chart has
# no account for plumbing or air conditioning; they are repairs, booked as maintenance.
ACCOUNTANT = {
    "Cleaning": "400044",
    "Security": "400043",
    "Maintenance": "400042",
    "Insurance": "400040",
    "Plumbing": "400042",
    "Air conditioning": "400042",
    "Electrical": "400042",
    "Landscaping": "400042",
    "Utilities": "400018",
}
# Categories no account of the chart is for: map suggest --create-missing-accounts proposes one for each.
UNPLACED = ("Rent", "Travel")


def tax_names(version: int) -> dict[tuple[str, str], str]:
    """The chart's tax for each (kind, VAT rate code) of the sample data: 16 names them in words, 17+ by rate."""
    if version == 16:
        return {
            ("vat_sale", "15"): "Sales Tax 15%",
            ("vat_sale", "exempt"): "Exempt Sales Tax 0%",
            ("vat_purchase", "15"): "Purchase Tax 15%",
            ("vat_purchase", "0"): "Purchases 0%",
        }
    return {
        ("vat_sale", "15"): "15%",
        ("vat_sale", "exempt"): "0% EXT" if version >= 19 else "0% EXEMPT",
        ("vat_purchase", "15"): "15%",
        ("vat_purchase", "0"): "0%",
    }


def the_tax(server: Server, kind: str, name: str) -> int:
    use = "sale" if kind == "vat_sale" else "purchase"
    found = rows(server, "account.tax", [("company_id", "=", 1), ("type_tax_use", "=", use), ("name", "=", name)])
    [tax] = [row["id"] for row in found if row["active"]]
    return int(tax)


def expense_account(server: Server, name: str) -> dict[str, object] | None:
    """The account named `name` (the chart's, or one an earlier run on a live database made), if any."""
    found = rows(server, "account.account", [("name", "=", name)], ["code", "account_type"])
    assert len(found) <= 1, found
    return found[0] if found else None


def reason_is(server: Server, suggestion: dict[str, object], meaning: str) -> bool:
    """The suggestion's reason is `meaning`; on a live database, whose ledger holds the bills earlier runs posted,
    it may instead be what that ledger says of the same account (vendor or label), which comes first."""
    why = str(suggestion["why"])
    ledger = re.fullmatch(rf"\d+ bill\(s\) .+ went to {suggestion['target']} .+", why)
    return why == meaning or bool(tag_of(server) and ledger)


@pytest.fixture(params=SERVERS)
def connected(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    with connected_with_the_portfolio(request, tmp_path, companies=2) as server:
        yield server


def suggested(tmp_path: Path, *args: str) -> dict[tuple[str, str], dict[str, object]]:
    code, out, err = cli("map", "suggest", "--json", "--out", str(tmp_path / "plan.toml"), *args)
    assert code == 0, err
    return {(s["kind"], s["code"]): s for s in json.loads(out)["suggestions"]}


def test_the_quality_bar_on_the_sample_data(connected: Server, tmp_path: Path) -> None:
    suggestions = suggested(tmp_path)
    # Every VAT rate and payment method gets the right top suggestion: the company's default taxes for 15 %…
    [company] = rows(connected, "res.company", [("id", "=", 1)], ["account_sale_tax_id", "account_purchase_tax_id"])
    assert suggestions[("vat_sale", "15")]["target"] == str(company["account_sale_tax_id"])
    assert suggestions[("vat_purchase", "15")]["target"] == str(company["account_purchase_tax_id"])
    for (kind, rate), name in tax_names(connected.version).items():
        assert suggestions[(kind, rate)]["target"] == str(the_tax(connected, kind, name)), (kind, rate, name)
        assert suggestions[(kind, rate)]["name"] == name
    cash = "CSH1" if connected.version <= 18 else "BNK1"  # the Saudi chart of 19 has no cash journal
    assert suggestions[("method", "cash")]["target"] == cash
    for method in ("bank_transfer", "mada", "sadad", "cheque"):
        assert suggestions[("method", method)]["target"] == "BNK1"
    # …and every category gets the account an accountant books it to, with the reason.
    for category, account in ACCOUNTANT.items():
        assert suggestions[("category", category)]["target"] == account, suggestions[("category", category)]
    assert suggestions[("category", "Security")]["name"] == "400043 Security & Guard"
    plumbing = suggestions[("category", "Plumbing")]
    assert plumbing["name"] == "400042 Maintenance"
    assert reason_is(connected, plumbing, "“Plumbing” is plumbing, booked as maintenance and repairs")


def test_arabic_categories_match_the_arabic_account_names(connected: Server, tmp_path: Path) -> None:
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
                    {"category": "تنظيف", "amount": "100.00", "vat_rate": "15"},
                    {"category": "صيانة", "amount": "50.00", "vat_rate": "15"},
                ],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    [arabic] = own_inputs(tmp_path, connected, [arabic])
    assert cli("ingest", str(arabic))[0] == 0
    assert cli("setup", "language", "ar")[0] == 0
    suggestions = suggested(tmp_path, "--kind", "category")
    assert suggestions[("category", "تنظيف")]["target"] == "400044"  # مصروف تنظيف, Cleaning
    assert suggestions[("category", "صيانة")]["target"] == "400042"  # مصروف صيانة, Maintenance
    assert reason_is(connected, suggestions[("category", "تنظيف")], "“تنظيف” is cleaning")


def test_the_ledger_says_where_a_vendor_s_bills_went(connected: Server, tmp_path: Path) -> None:
    vendor = f"Saudi Electricity Co. {uuid.uuid4().hex[:6].upper()}"
    [other_utilities] = rows(connected, "account.account", [("code", "=", "400019")], ["id"])
    with client_of(connected) as client:
        partner = client.call("res.partner", "create", [{"name": vendor, "is_company": True}])
        partner = partner[0] if isinstance(partner, list) else partner
        for month in (1, 2, 3):
            line = {"name": "Monthly invoice", "account_id": other_utilities["id"], "quantity": 1, "price_unit": 410}
            bill = client.call(
                "account.move",
                "create",
                [
                    {
                        "move_type": "in_invoice",
                        "partner_id": partner,
                        "invoice_date": f"2026-0{month}-05",
                        "invoice_line_ids": [(0, 0, line)],
                    }
                ],
            )
            client.call("account.move", "action_post", [bill[0] if isinstance(bill, list) else bill])
    contact = {
        "type": "contact",
        "id": "C-SEC-1",
        "roles": ["vendor"],
        "name": vendor,
        "is_company": True,
        "updated_at": "2026-01-01T00:00:00+03:00",
    }
    expense = {**expense_using("Electricity", "EX-SEC-1"), "vendor_id": "C-SEC-1"}
    assert cli("ingest", str(write_ndjson(tmp_path / "sec.ndjson", tagged(connected, [contact, expense]))))[0] == 0
    suggestion = suggested(tmp_path, "--kind", "category")[("category", "Electricity")]
    # The meaning says 400018 Water & Electricity; this company's own bills say otherwise, and win.
    assert suggestion["target"] == "400019"
    assert str(suggestion["why"]).startswith(f"3 bill(s) from {vendor} went to 400019 ")


def test_a_category_left_open_lists_the_nearest_accounts_to_choose_from(connected: Server, tmp_path: Path) -> None:
    both = tagged(connected, [expense_using("Electricity and cleaning", "EX-BOTH-1")])
    assert cli("ingest", str(write_ndjson(tmp_path / "both.ndjson", both)))[0] == 0
    suggestion = suggested(tmp_path, "--kind", "category")[("category", "Electricity and cleaning")]
    assert "target" not in suggestion
    assert suggestion["nearest"][:2] == ["400018 Water & Electricity", "400044 Cleaning"]
    plan = tmp_path / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    assert '# target = "400044"  # 400044 Cleaning\n' in text
    code, out, err = cli("map", "apply", str(plan), "--yes", "--json")
    assert code == 0, err
    assert json.loads(out)["left"] == ["Electricity and cleaning"]
    plan.write_text(text.replace('# target = "400044"', ' target = "400044"'), encoding="utf-8")  # one # deleted
    code, out, err = cli("map", "apply", str(plan), "--yes", "--json")
    assert code == 0, err
    applied = {m["code"]: m["name"] for m in json.loads(out)["mappings"]}
    assert applied["electricity and cleaning"] == "400044 Cleaning"


def test_suggest_writes_nothing_then_an_edited_plan_is_applied(connected: Server, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    suggested(tmp_path)
    assert not json.loads(cli("map", "list", "--json")[1])[0]["mapping"]  # nothing written yet
    data = tomllib.loads(plan.read_text(encoding="utf-8"))
    assert plan.read_text(encoding="utf-8").startswith("# odoosync mapping plan")
    entries = [e for e in data["mapping"] if not (e["kind"] == "category" and e["code"] == "Security")]
    for entry in entries:
        if entry["kind"] == "category" and entry["code"] == "Cleaning":
            entry["target"] = "400042"  # the person prefers maintenance
    plan.write_text(tomli_w.dumps({"mapping": entries}), encoding="utf-8")
    code, out, err = cli("map", "apply", str(plan), "--yes", "--json")
    assert code == 0, err
    applied = {(m["kind"], m["code"]): m for m in json.loads(out)["mappings"]}
    assert applied[("category", "cleaning")]["name"] == "400042 Maintenance"
    assert ("category", "security") not in applied
    mapped = {(r["kind"], r["code"]): r["mapping"] for r in json.loads(cli("map", "list", "--json")[1])}
    assert mapped[("method", "mada")]["name"] == "BNK1 Bank"
    assert mapped[("category", "Security")] is None


def ingest_unplaced(server: Server, tmp_path: Path) -> None:
    expenses = tagged(server, [expense_using(category, f"EX-UNPLACED-{n}") for n, category in enumerate(UNPLACED)])
    assert cli("ingest", str(write_ndjson(tmp_path / "unplaced.ndjson", expenses)))[0] == 0


def test_missing_accounts_are_proposed_and_created_only_by_apply(connected: Server, tmp_path: Path) -> None:
    ingest_unplaced(connected, tmp_path)
    # On a live database an earlier run may have made some of them: those are matched, the others proposed.
    before = {category: expense_account(connected, category) for category in UNPLACED}
    taken = {row["code"] for row in rows(connected, "account.account", [], ["code"])}
    suggestions = suggested(tmp_path, "--kind", "category", "--create-missing-accounts")
    proposed = {c: suggestions[("category", c)].get("create_account") for c in UNPLACED if not before[c]}
    for category, existing in before.items():
        if existing:
            assert suggestions[("category", category)]["target"] == existing["code"], category
            assert not suggestions[("category", category)].get("create_account"), category
    if not tag_of(connected):
        # The chart's expense block ends at 400073 (400075 on 19): the new accounts follow it, in name order.
        first = 400074 if connected.version <= 18 else 400076
        assert proposed == {c: {"code": str(first + n), "name": c} for n, c in enumerate(UNPLACED)}
    for category, new in proposed.items():
        assert new is not None, category
        assert new["name"] == category
        assert new["code"].startswith("4000"), new
        assert new["code"] not in taken, new
    assert all(expense_account(connected, category) == before[category] for category in UNPLACED)  # not yet
    code, out, err = cli("map", "apply", str(tmp_path / "plan.toml"), "--yes", "--json")
    assert code == 0, err
    created = json.loads(out)["created_accounts"]
    assert len(created) == len(proposed)  # Rent, Travel
    field = "company_id" if connected.version <= 17 else "company_ids"
    for category in UNPLACED:
        [row] = rows(connected, "account.account", [("name", "=", category)], ["code", "account_type", field])
        assert row["account_type"] == "expense"
        assert row[field] == (1 if connected.version <= 17 else [1])
        if category in proposed:
            assert row["code"] == proposed[category]["code"]


def test_a_plan_target_that_no_longer_fits_is_refused(connected: Server, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(  # 500001 is the chart's Sales Account: income, not an expense
        tomli_w.dumps({"mapping": [{"kind": "category", "code": "Plumbing", "company": 0, "target": "500001"}]}),
        encoding="utf-8",
    )
    code, _, err = cli("map", "apply", str(plan), "--yes")
    assert code == ExitCode.USAGE
    assert "no usable expense account" in err
    code, _, err = cli("map", "apply", str(tmp_path / "missing.toml"), "--yes")
    assert code == ExitCode.NO_INPUT
    assert "no plan file" in err
    plan.write_text('[[mapping]]\nkind = "category"\ncode = "Plumbing"\ntarget = ', encoding="utf-8")
    code, _, err = cli("map", "apply", str(plan), "--yes")
    assert code == ExitCode.INVALID_INPUT
    assert "is not valid TOML" in err


def test_by_company_suggestions_are_kept_per_company(connected: Server, tmp_path: Path) -> None:
    sandbox_only(connected, "needs a second company (Sandbox(companies=2))")
    assert cli("defaults", "set", "--owner-separation", "by_company")[0] == 0
    suggestions = suggested(tmp_path, "--company", "2", "--kind", "method")
    assert {s["company"] for s in suggestions.values()} == {2}
    assert cli("map", "apply", str(tmp_path / "plan.toml"), "--yes")[0] == 0
    on_two = json.loads(cli("map", "list", "--json", "--company", "2", "--kind", "method")[1])
    assert all(row["mapping"] for row in on_two)
    assert not any(row["mapping"] for row in json.loads(cli("map", "list", "--json", "--kind", "method")[1]))


def test_an_apply_run_again_uses_the_account_an_earlier_run_made(connected: Server, tmp_path: Path) -> None:
    # A live database keeps the accounts earlier runs made: there, a name like no other, so that the Setup
    # Assistant proposes to make an account rather than one of theirs.
    category = "Building rent" if not tag_of(connected) else f"Q{uuid.uuid4().hex[:12]}"  # the chart has none
    rent = tagged(connected, [expense_using(category, "EX-RENT-1")])
    assert cli("ingest", str(write_ndjson(tmp_path / "rent.ndjson", rent)))[0] == 0
    plan = tmp_path / "plan.toml"
    proposed = suggested(tmp_path, "--kind", "category", "--create-missing-accounts")
    new = proposed[("category", category)]["create_account"]
    assert new == {"code": new["code"], "name": category}
    entries = [e for e in tomllib.loads(plan.read_text(encoding="utf-8"))["mapping"] if e["code"] == category]
    # The first apply stops after it made the account: a later line of the plan names no journal.
    broken = [*entries, {"kind": "method", "code": "cash", "company": 0, "target": "NO-SUCH-JOURNAL"}]
    plan.write_text(tomli_w.dumps({"mapping": broken}), encoding="utf-8")
    code, _, err = cli("map", "apply", str(plan), "--yes")
    assert code == ExitCode.USAGE
    assert "no usable bank or cash journal" in err
    # Run again, mended, and once more: the account is used, never made twice (Odoo would refuse the second).
    plan.write_text(tomli_w.dumps({"mapping": entries}), encoding="utf-8")
    for _ in range(2):
        code, out, err = cli("map", "apply", str(plan), "--yes", "--json")
        assert code == 0, err
        applied = json.loads(out)
        assert (applied["created_accounts"], applied["reused_accounts"]) == ([], [new["code"]])
        assert [m["name"] for m in applied["mappings"]] == [f"{new['code']} {category}"]
    assert len(rows(connected, "account.account", [("code", "=", new["code"])], ["id"])) == 1
    code, out, _ = cli("map", "apply", str(plan), "--yes")
    assert f"account {new['code']} is in Odoo already (an earlier apply made it): used as it is" in out
    # The account given by its code is that account.
    code, out, err = cli("map", "set", "category", category, "--account", new["code"], "--json")
    assert code == 0, err
    assert json.loads(out)[0]["name"] == f"{new['code']} {category}"


@pytest.fixture(params=servers(17))
def connected_once(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    with connected_with_the_portfolio(request, tmp_path) as server:
        yield server


def test_at_80_columns_why_reads_in_lines_not_a_word_a_line(connected_once: Server, tmp_path: Path) -> None:
    suggestions = suggested(tmp_path, "--create-missing-accounts")
    command = [*ODOOSYNC, "map", "suggest", "--create-missing-accounts", "--out", str(tmp_path / "plan.toml")]
    done = subprocess.run(
        command, env={**os.environ, "COLUMNS": "80"}, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines[:-1]), done.stdout  # the table; the last line says where it wrote
    cells = [cell.strip() for line in lines for cell in line.split("│")]
    for (kind, code), suggestion in suggestions.items():
        words = " ".join(str(suggestion["why"]).split()[:3])
        assert any(cell.startswith(words) for cell in cells), (kind, code, words, done.stdout)
