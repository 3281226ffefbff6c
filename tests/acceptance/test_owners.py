"""odoosync owners list and owners map against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from odoosync.cli.exit_codes import ExitCode
from odoosync.sandbox import Sandbox
from tests.acceptance.conftest import cli
from tests.conftest import SAMPLES

run = cli


@pytest.fixture(params=[17, 19])
def connected(request: pytest.FixtureRequest, connect_to: Callable[[Sandbox], None]) -> Iterator[Sandbox]:
    with Sandbox(request.param, companies=3) as sandbox:
        assert run("ingest", str(SAMPLES / "portfolio.ndjson"))[0] == 0
        connect_to(sandbox)
        yield sandbox


def owners() -> dict[str, dict[str, object]]:
    code, out, _ = run("owners", "list", "--json")
    assert code == 0
    return {row["id"]: row for row in json.loads(out)}


def test_the_sample_owners_start_unmapped(connected: Sandbox) -> None:
    listed = owners()
    assert set(listed) == {"C-9001", "C-9002", "C-9003"}
    assert listed["C-9001"] == {"id": "C-9001", "name": "Al Noor Real Estate Co.", "company": None, "analytic": None}
    assert "unmapped" in run("owners", "list")[1]


def test_an_owner_maps_to_a_company(connected: Sandbox) -> None:
    code, out, err = run("owners", "map", "C-9002", "--company", "Owner Company 2", "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == 2
    assert owners()["C-9002"]["company"] == {"id": 2, "name": "Owner Company 2"}


def test_an_owner_maps_to_a_new_analytic_account(connected: Sandbox) -> None:
    code, out, err = run("owners", "map", "C-9001", "--create", "--json")
    assert code == 0, err
    mapping = json.loads(out)
    assert (mapping["model"], mapping["name"]) == ("account.analytic.account", "Al Noor Real Estate Co.")
    [account] = connected.instance.model("account.analytic.account").read([mapping["id"]], ["code", "plan_id"])
    assert account["code"] == "C-9001"
    assert account["plan_id"][1] == "Owners"
    # An existing account is found by its code, not created again.
    code, out, _ = run("owners", "map", "C-9001", "--analytic", "C-9001", "--json")
    assert json.loads(out)["id"] == mapping["id"]


def test_mapping_mistakes_are_explained(connected: Sandbox) -> None:
    code, _, err = run("owners", "map", "C-1001", "--company", "1")
    assert code == ExitCode.NOT_FOUND
    assert "no owner with id 'C-1001'" in err
    code, _, err = run("owners", "map", "C-9001", "--company", "No Such Co")
    assert code == ExitCode.USAGE
    assert "Candidates:" in err
    code, _, err = run("owners", "map", "C-9001")
    assert code == ExitCode.USAGE


def test_disconnect_forgets_owner_mappings(connected: Sandbox) -> None:
    assert run("owners", "map", "C-9002", "--company", "2")[0] == 0
    assert json.loads(run("disconnect", "--yes", "--json")[1])["mappings_removed"] == 1
    assert owners()["C-9002"]["company"] is None


def test_create_reuses_the_analytic_account_an_earlier_create_made(
    cli_env: dict[str, str], connect_to: Callable[[Sandbox], None]
) -> None:
    with Sandbox(version=17) as sandbox:
        connect_to(sandbox)
        assert cli("ingest", str(SAMPLES / "portfolio.ndjson"))[0] == 0
        assert cli("defaults", "set", "--owner-separation", "by_analytic")[0] == 0
        first = json.loads(cli("owners", "map", "C-9001", "--create", "--json")[1])
        again = json.loads(cli("owners", "map", "C-9001", "--create", "--json")[1])
        assert again["id"] == first["id"]
        codes = [row["code"] for row in sandbox.instance.db.table("account.analytic.account").values()]
        assert codes.count("C-9001") == 1
