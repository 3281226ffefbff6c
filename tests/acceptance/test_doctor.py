"""odoosync doctor finds each kind of broken mapping (archived account, tax amount changed, company mismatch,
deleted journal) and says what to do; on a sound set-up it finds nothing. It warns of an API key about to expire
and of JSON-RPC where Odoo schedules its removal, and reports an expired key as a problem."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli.exit_codes import ExitCode
from odoosync.domain.mappings import Mapping, MappingKind
from odoosync.odoo.client import OdooClient
from odoosync.odoo.transport import Endpoint
from odoosync.sandbox import Sandbox
from odoosync.store import Store
from tests.support.portfolio import SAMPLES, expense_using, sample_documents, write_ndjson
from tests.support.servers import LiveOdoo, Server, client_of, sandbox_only, serve, servers, tagged
from tests.support.workspace import odoosync, prepare, workspace_env


def mappings(env: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    rows = json.loads(odoosync(env, "map", "list", "--json").stdout)
    return {(r["kind"], r["code"].casefold()): r["mapping"] for r in rows if r["mapping"]}


def sound_set_up(tmp_path: Path, server: Server, database_url: str) -> dict[str, str]:
    """A workspace set up as a person would (prepare), on which doctor finds nothing wrong."""
    env = prepare(tmp_path, server, [SAMPLES / "portfolio.ndjson"], database_url=database_url)
    done = odoosync(env, "doctor", "--json", check=False)
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["problems"] == 0
    [database] = [f for f in json.loads(done.stdout)["findings"] if f["area"] == "database"]
    assert database["status"] == "ok"
    with Store.open(database_url) as store:
        current, head = store.schema_revisions()
    assert current == head
    assert database["message"] == f"schema {head}, the current one"
    return env


@pytest.mark.parametrize("version", servers())
def test_doctor_finds_nothing_on_a_sound_set_up(tmp_path: Path, version: str) -> None:
    """The first half of the next test, on a live Odoo, whose mappings a test must not break."""
    with serve(version) as server:
        sound_set_up(tmp_path, server, f"sqlite:///{tmp_path}/odoosync.db")


@pytest.mark.parametrize("version", [17, 19])
def test_doctor_finds_each_kind_of_broken_mapping(tmp_path: Path, version: int) -> None:
    database_url = f"sqlite:///{tmp_path}/odoosync.db"
    with Sandbox(version=version, companies=2) as sandbox:
        env = sound_set_up(tmp_path, sandbox, database_url)

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
        # And a mapping points at an account of another company: its own expense account 400042 Maintenance.
        other = next(
            row
            for row in sandbox.instance.db.table("account.account").values()
            if row["code"] == "400042" and 2 in (row.get("company_ids") or (row.get("company_id"),))
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

        # sync runs the same checks: only the records that use a broken mapping fail, with doctor's reason, and
        # nothing is sent to Odoo for them; the others sync.
        done = odoosync(env, "sync", "--json", check=False)
        assert done.returncode == ExitCode.JOBS_FAILED, done.stderr
        report = json.loads(done.stdout)
        failed = {f["id"]: f["error"] for f in report["failures"]}
        broken_methods = {code for (kind, code), m in mapped.items() if kind == "method" and m["id"] == bank["id"]}
        expected = set()
        for d in sample_documents():
            if d["type"] == "expense" and d["status"] == "verified":
                if {line["category"].casefold() for line in d["lines"]} & {"cleaning", "utilities"}:
                    expected.add(d["id"])
            elif d["type"] == "rent_payment" and d["status"] == "approved":
                if any(charge["vat_rate"] == "15" for charge in d["charges"]):
                    expected.add(d["id"])
            elif d["type"] == "deposit" and d["status"] == "recorded" and d["method"].casefold() in broken_methods:
                expected.add(d["id"])
        assert set(failed) == expected
        reasons = ("is deprecated", "is archived", "the tax's amount is 5 %", "not in Odoo any more", "company (id 1)")
        for record_id, error in failed.items():
            assert any(reason in error for reason in reasons), error
            assert "needed by" in error
            assert record_id in error
            assert "Run: odoosync map set" in error
            assert "then odoosync queue retry --failed" in error
        origins = {m.get("invoice_origin") for m in sandbox.instance.db.table("account.move").values()}
        assert not set(failed) & origins
        assert sum(t["synced"] for t in report["by_type"].values()) > 0


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


def connected(tmp_path: Path, sandbox: Server, *options: str) -> dict[str, str]:
    """A workspace connected to `sandbox` and nothing more: enough for the connection, key and protocol checks."""
    env = workspace_env(tmp_path, sandbox)
    odoosync(env, "connect", "--url", sandbox.url, "--database", sandbox.database, "--login", sandbox.login, *options)
    return env


def findings(env: dict[str, str], area: str) -> tuple[int, list[dict[str, Any]]]:
    done = odoosync(env, "doctor", "--json", check=False)
    return done.returncode, [f for f in json.loads(done.stdout)["findings"] if f["area"] == area]


@pytest.mark.parametrize("version", [18, 19])
def test_doctor_warns_of_an_api_key_about_to_expire(tmp_path: Path, version: int) -> None:
    with Sandbox(version=version) as sandbox:
        env = connected(tmp_path, sandbox)
        # The accountant makes odoosync a key that lasts 5 days, and deletes the persistent one.
        expiry = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5, hours=1)
        env["ODOOSYNC_API_KEY"] = sandbox.instance.generate_api_key(sandbox.login, "odoosync", expiration_date=expiry)
        sandbox.instance.remove_api_key(sandbox.api_key)
        status, [key] = findings(env, "key")
        assert status == 0  # a warning, not a problem: syncing still works for 5 days
        assert key["status"] == "warning"
        assert (
            key["message"]
            == f"the only API key of admin ('odoosync') expires on {expiry:%Y-%m-%d %H:%M} UTC, in 5 days"
        )
        assert key["instruction"].startswith("Create a new key in Odoo (Preferences → Account Security → New API Key)")
        # A second, persistent key: Odoo does not say which one odoosync uses, so the warning says so.
        sandbox.instance.generate_api_key(sandbox.login, "another integration")
        _, [key] = findings(env, "key")
        assert key["status"] == "warning"
        assert key["message"].startswith("an API key of admin ('odoosync') expires on ")
        assert key["message"].endswith(
            "Odoo does not say which key odoosync uses, and the user has 1 other valid key(s)"
        )


@pytest.mark.parametrize("version", [18, 19])
def test_doctor_reports_an_expired_key_as_a_problem(tmp_path: Path, version: int) -> None:
    with Sandbox(version=version) as sandbox:
        env = connected(tmp_path, sandbox)
        # The key odoosync uses expired yesterday: Odoo refuses it, whatever the protocol.
        yesterday = datetime.now(UTC) - timedelta(days=1)
        env["ODOOSYNC_API_KEY"] = sandbox.instance.generate_api_key(
            sandbox.login, "odoosync", expiration_date=yesterday
        )
        status, [connection] = findings(env, "connection")
        assert status == ExitCode.UNHEALTHY
        assert connection["status"] == "problem"
        assert "expired" in connection["instruction"]
        text = odoosync(env, "doctor", check=False).stdout
        assert "✗ connection:" in text


def key_is_sound(server: Server, env: dict[str, str]) -> None:
    """The sandbox's key never expires; a live one may, far off (these databases' keys: 2099)."""
    [key] = findings(env, "key")[1]
    if not isinstance(server, LiveOdoo):
        assert key["message"] == "the API key of admin does not expire"
    else:
        assert key["status"] == "ok", key
        assert key["message"].startswith(f"the API key of {server.login} ")


@pytest.mark.parametrize("version", servers(17, 19))
def test_doctor_warns_that_jsonrpc_is_scheduled_for_removal(tmp_path: Path, version: int | str) -> None:
    with serve(version) as sandbox:
        env = connected(tmp_path, sandbox, "--protocol", "jsonrpc")
        with client_of(sandbox) as client:  # X.0, or with a build's date (19.0-20251216) as a packaged Odoo says
            version = str(client.common("version")["server_version"])
        assert version.startswith(f"{sandbox.version}.0")
        status, [protocol] = findings(env, "protocol")
        assert status == 0
        if sandbox.version <= 18:  # Odoo 16–18 have nothing else: JSON-RPC is simply the protocol there
            assert protocol == {
                "area": "protocol",
                "status": "ok",
                "message": f"jsonrpc against Odoo {version}",
                "instruction": None,
            }
            if sandbox.version <= 17:
                assert findings(env, "key")[1] == []  # API keys of Odoo 16 and 17 do not expire: nothing to say
            else:
                key_is_sound(sandbox, env)
            return
        assert protocol["status"] == "warning"
        assert protocol["message"] == (
            f"JSON-RPC is in use against Odoo {version}; Odoo deprecates it from 19 and schedules its removal for "
            "Odoo 22 (fall 2028) and Odoo Online 21.1 (winter 2027)"
        )
        assert "odoosync connect again with --protocol json2" in protocol["instruction"]
        key_is_sound(sandbox, env)
        odoosync(
            env,
            "connect",
            "--url",
            sandbox.url,
            "--database",
            sandbox.database,
            "--login",
            sandbox.login,
            "--protocol",
            "json2",
        )
        assert findings(env, "protocol")[1][0]["message"] == f"json2 against Odoo {version}"


@pytest.mark.parametrize("version", servers(18))
def test_doctor_names_the_codes_of_records_to_sync_that_have_no_mapping(tmp_path: Path, version: int | str) -> None:
    with serve(version, companies=2) as server:
        env = sound_set_up(tmp_path, server, f"sqlite:///{tmp_path}/odoosync.db")
        [pest] = tagged(server, [expense_using("Pest control", "EX-PEST-1")])
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "pest.ndjson", [pest])))
        status, found = findings(env, "mapping")
        assert status == ExitCode.UNHEALTHY
        [problem] = [f for f in found if f["status"] == "problem"]
        assert problem["message"] == (
            "1 code(s) of records to sync have no mapping, so those records fail: category 'Pest control' (1 record)"
        )
        assert problem["instruction"].startswith('Run: odoosync map set category "Pest control" --account … for each')
        text = odoosync(env, "doctor", check=False).stdout
        assert "✗ mapping: 1 code(s) of records to sync have no mapping" in text
        assert "All good" not in text
        odoosync(env, "map", "set", "category", "Pest control", "--account", "400042")
        assert odoosync(env, "doctor", "--json", check=False).returncode == 0

        # By company, a code needs a mapping where its records go, their owner's company: one kept for any company
        # serves them all, but a method mapped for company 1 only does not serve an owner of company 2.
        sandbox_only(server, "needs a second company (Sandbox(companies=2))")
        odoosync(env, "defaults", "set", "--owner-separation", "by_company")
        for owner, company in (("C-9001", "1"), ("C-9002", "2"), ("C-9003", "1")):
            odoosync(env, "owners", "map", owner, "--company", company)
        deposit = next(d for d in sample_documents() if d["type"] == "deposit" and d["owner_id"] == "C-9002")
        fresh = {**deposit, "id": "DP-STC", "method": "stc_pay", "status": "recorded"}
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "stc.ndjson", [fresh])))
        odoosync(env, "map", "set", "method", "stc_pay", "--journal", "BNK1", "--company", "1")
        status, found = findings(env, "mapping")
        assert status == ExitCode.UNHEALTHY
        [problem] = [f for f in found if f["status"] == "problem"]
        assert problem["message"].endswith(": method 'stc_pay' in company 2 (1 record)")
        assert problem["instruction"].startswith('Run: odoosync map set method "stc_pay" --journal … --company 2 ')
        odoosync(env, "map", "set", "method", "stc_pay", "--journal", "BNK1", "--company", "2")
        assert odoosync(env, "doctor", "--json", check=False).returncode == 0
