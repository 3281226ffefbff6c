"""odoosync doctor finds each kind of broken mapping (archived account, tax amount changed, company mismatch,
deleted journal) and says what to do; on a sound set-up it finds nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli.exit_codes import ExitCode
from odoosync.domain.mappings import Mapping, MappingKind
from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint
from odoosync.sandbox import Sandbox
from odoosync.store import Store
from tests.support.portfolio import SAMPLES
from tests.support.workspace import odoosync, prepare


def mappings(env: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    rows = json.loads(odoosync(env, "map", "list", "--json").stdout)
    return {(r["kind"], r["code"].casefold()): r["mapping"] for r in rows if r["mapping"]}


@pytest.mark.parametrize("version", [17, 19])
def test_doctor_finds_each_kind_of_broken_mapping(tmp_path: Path, version: int) -> None:
    database_url = f"sqlite:///{tmp_path}/odoosync.db"
    with Sandbox(version=version, companies=2) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"], database_url=database_url)
        done = odoosync(env, "doctor", "--json", check=False)
        assert done.returncode == 0, done.stdout
        assert json.loads(done.stdout)["problems"] == 0

        mapped = mappings(env)
        cleaning, bank = mapped[("category", "cleaning")], mapped[("method", "bank_transfer")]
        sale_tax = mapped[("vat_sale", "15")]
        endpoint = Endpoint(sandbox.url, sandbox.database, sandbox.login, True, 30)
        with OdooClient.connect(endpoint, sandbox.api_key) as client:
            # The accountant archives an account, changes a tax's amount, deletes a journal.
            usable_field, usable_value = client.version.account_usable
            client.write("account.account", [cleaning["id"]], {usable_field: not usable_value})
            client.write("account.tax", [sale_tax["id"]], {"amount": 5})
            client.call("account.journal", "unlink", [bank["id"]])
        # And a mapping points at an account of another company.
        other = next(
            row
            for row in sandbox.instance.db.table("account.account").values()
            if row["code"] == "500002" and 2 in (row.get("company_ids") or (row.get("company_id"),))
        )
        with Store.open(database_url) as store:
            key = f"{sandbox.url.lower()}#{sandbox.database}"
            store.mappings.set(key, Mapping(MappingKind.CATEGORY, "utilities", 0, "account.account", other["id"], "x"))

        done = odoosync(env, "doctor", "--json", check=False)
        assert done.returncode == ExitCode.UNHEALTHY
        problems = {
            f["message"].split(":")[0]: f for f in json.loads(done.stdout)["findings"] if f["status"] == "problem"
        }
        on_that_journal = sum(1 for (kind, _c), m in mapped.items() if kind == "method" and m["id"] == bank["id"])
        assert len(problems) == 3 + on_that_journal  # every method mapped to the deleted journal
        archived = problems[f"category 'cleaning' → {cleaning['name']} (id {cleaning['id']})"]
        assert archived["message"].endswith("deprecated" if usable_field == "deprecated" else "archived")
        assert problems[f"vat_sale '15' → {sale_tax['name']} (id {sale_tax['id']})"]["message"].endswith(
            "the tax's amount is 5 %, not the 15 % of its rate"
        )
        assert problems[f"method 'bank_transfer' → {bank['name']} (id {bank['id']})"]["message"].endswith(
            "it is not in Odoo any more"
        )
        assert problems[f"category 'utilities' → x (id {other['id']})"]["message"].endswith(
            "the account does not belong to the company (id 1)"
        )
        assert all(f["instruction"].startswith("Run: odoosync map set ") for f in problems.values())
        text = odoosync(env, "doctor", check=False).stdout
        assert "✗ mapping: category 'cleaning'" in text
        assert '→ Run: odoosync map set category "cleaning" --account' in text


def test_doctor_finds_a_default_journal_that_is_gone(tmp_path: Path) -> None:
    with Sandbox(version=18) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"])
        odoosync(env, "defaults", "set", "--sale-journal", "INV")
        endpoint = Endpoint(sandbox.url, sandbox.database, sandbox.login, True, 30)
        with OdooClient.connect(endpoint, sandbox.api_key) as client:
            [journal] = client.search("account.journal", [("code", "=", "INV")])
            client.write("account.journal", [journal], {"code": "INV2", "name": "Invoices (renamed)"})
        done = odoosync(env, "doctor", "--json", check=False)
        assert done.returncode == ExitCode.UNHEALTHY
        [problem] = [f for f in json.loads(done.stdout)["findings"] if f["status"] == "problem"]
        assert problem["area"] == "defaults"
        assert problem["message"] == "the default sale journal 'INV' is not in Odoo any more"
        assert problem["instruction"].startswith("Run: odoosync defaults set --sale-journal")
