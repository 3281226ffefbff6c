"""odoosync owners list and owners map against the sandbox and a live Odoo."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from odoosync.cli.exit_codes import ExitCode
from tests.acceptance.conftest import cli, connected_with_the_portfolio
from tests.conftest import SAMPLES
from tests.contract.client import RpcClient
from tests.support.servers import LiveOdoo, Server, client_of, record_id, rows, sandbox_only, serve, servers
from tests.support.workspace import own_inputs

run = cli
ANALYTIC = "analytic.group_analytic_accounting"


@pytest.fixture(params=servers(17, 19))
def connected(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    with connected_with_the_portfolio(request, tmp_path, companies=3) as server:
        yield server


def owners() -> dict[str, dict[str, object]]:
    code, out, _ = run("owners", "list", "--json")
    assert code == 0
    return {row["id"]: row for row in json.loads(out)}


def has_analytic_accounting(client: RpcClient, version: int) -> bool:
    ids = [[client.uid]] if version >= 18 else []  # has_group: a model method up to 17, the user's from 18
    return bool(client.call("res.users", "has_group", *ids, group_ext_id=ANALYTIC))


def analytic_accounting_on(server: Server) -> None:
    """What owners map --create needs. Off, it says how to turn it on; then the sandbox turns it on as a person does
    in Odoo's settings, and a live Odoo, whose settings a test leaves alone, is skipped unless it is on already."""
    with client_of(server) as client:
        if has_analytic_accounting(client, server.version):
            return
        code, _, err = run("owners", "map", record_id(server, "C-9003"), "--create")
        assert code == ExitCode.NO_PERMISSION, err
        assert "Analytic Accounting is not enabled in this Odoo database" in err
        assert "Configuration → Settings → Analytics: tick Analytic Accounting and save" in err
        if isinstance(server, LiveOdoo):
            pytest.skip(
                "Analytic Accounting is off in this database, and turning it on changes its settings: enable it in "
                "Odoo (Invoicing → Configuration → Settings → Analytic Accounting) to run this test"
            )
        settings = client.call("res.config.settings", "create", {"group_analytic_accounting": True})
        client.call("res.config.settings", "execute", [settings])


def test_the_sample_owners_start_unmapped(connected: Server) -> None:
    listed = owners()
    first, second, third = (record_id(connected, owner) for owner in ("C-9001", "C-9002", "C-9003"))
    assert set(listed) == {first, second, third}
    assert listed[first] == {"id": first, "name": "Al Noor Real Estate Co.", "company": None, "analytic": None}
    assert "unmapped" in run("owners", "list")[1]


def test_an_owner_maps_to_a_company(connected: Server) -> None:
    sandbox_only(connected, "needs an owner's company beside the main one (Sandbox(companies=3))")
    code, out, err = run("owners", "map", "C-9002", "--company", "Owner Company 2", "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == 2
    assert owners()["C-9002"]["company"] == {"id": 2, "name": "Owner Company 2"}


def test_create_makes_nothing_in_odoo_unless_owners_are_separated_by_analytic_account(connected: Server) -> None:
    assert run("defaults", "set", "--owner-separation", "by_analytic")[0] == 0
    analytic_accounting_on(connected)  # so that nothing but the setting stops it
    owner = record_id(connected, "C-9001")
    for separation in ("off", "by_company"):
        assert run("defaults", "set", "--owner-separation", separation)[0] == 0
        code, _, err = run("owners", "map", owner, "--create")
        assert code == ExitCode.CONFIG, err
        assert f"owner separation is {separation}" in err
        assert "nothing was made in Odoo" in err
        assert f"odoosync defaults set --owner-separation by_analytic, then odoosync owners map {owner} --create" in err
    assert rows(connected, "account.analytic.account", [("code", "=", owner)], ["id"]) == []
    assert owners()[owner]["analytic"] is None


def test_an_owner_maps_to_a_new_analytic_account(connected: Server) -> None:
    assert run("defaults", "set", "--owner-separation", "by_analytic")[0] == 0
    analytic_accounting_on(connected)
    owner = record_id(connected, "C-9001")
    code, out, err = run("owners", "map", owner, "--create", "--json")
    assert code == 0, err
    mapping = json.loads(out)
    assert (mapping["model"], mapping["name"]) == ("account.analytic.account", "Al Noor Real Estate Co.")
    [account] = rows(connected, "account.analytic.account", [("id", "=", mapping["id"])], ["code", "plan_id"])
    assert account["code"] == owner
    [plan] = rows(connected, "account.analytic.plan", [("id", "=", account["plan_id"])], ["name"])
    assert plan["name"] == "Owners"
    # An existing account is found by its code, not created again.
    code, out, _ = run("owners", "map", owner, "--analytic", owner, "--json")
    assert json.loads(out)["id"] == mapping["id"]


def test_mapping_mistakes_are_explained(connected: Server) -> None:
    tenant, owner = record_id(connected, "C-1001"), record_id(connected, "C-9001")
    code, _, err = run("owners", "map", tenant, "--company", "1")
    assert code == ExitCode.NOT_FOUND
    assert f"no owner with id '{tenant}'" in err
    code, _, err = run("owners", "map", owner, "--company", "No Such Co")
    assert code == ExitCode.USAGE
    assert "Candidates:" in err
    code, _, err = run("owners", "map", owner)
    assert code == ExitCode.USAGE


def test_disconnect_forgets_owner_mappings(connected: Server) -> None:
    company = 1 if isinstance(connected, LiveOdoo) else 2  # a live Odoo has one company: the owner gets that one
    owner = record_id(connected, "C-9002")
    assert run("owners", "map", owner, "--company", str(company))[0] == 0
    assert owners()[owner]["company"] is not None
    assert json.loads(run("disconnect", "--yes", "--json")[1])["mappings_removed"] == 1
    assert owners()[owner]["company"] is None


@pytest.mark.parametrize("version", servers(17))
def test_create_reuses_the_analytic_account_an_earlier_create_made(
    version: int | str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with serve(version) as server:  # before cli_env, which drops the ODOOSYNC_LIVE_ variables
        connect_to: Callable[[Server], None] = request.getfixturevalue("connect_to")
        connect_to(server)
        [portfolio] = own_inputs(tmp_path, server, [SAMPLES / "portfolio.ndjson"])
        assert cli("ingest", str(portfolio))[0] == 0
        assert cli("defaults", "set", "--owner-separation", "by_analytic")[0] == 0
        analytic_accounting_on(server)
        owner = record_id(server, "C-9001")
        first = json.loads(cli("owners", "map", owner, "--create", "--json")[1])
        again = json.loads(cli("owners", "map", owner, "--create", "--json")[1])
        assert again["id"] == first["id"]
        assert len(rows(server, "account.analytic.account", [("code", "=", owner)], ["id"])) == 1
