"""odoosync connect, test and disconnect against the sandbox and a live Odoo, as a person runs them."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from odoosync.cli.app import app
from odoosync.cli.exit_codes import ExitCode
from odoosync.config import load_config, save_config_values
from odoosync.sandbox import Sandbox
from odoosync.store import Store
from odoosync.sync.setup.connection import KeySource, connect, database_key
from tests.conftest import SAMPLES
from tests.support import misbehaving
from tests.support.misbehaving import NotHttp, closed_port, serving
from tests.support.servers import SERVERS, Server, client_of, rows, serve, servers
from tests.support.terminal import in_a_terminal
from tests.support.workspace import workspace_env

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def connect_args(sandbox: Server, **changes: str) -> list[str]:
    values = {
        "--url": sandbox.url,
        "--database": sandbox.database,
        "--login": sandbox.login,
        "--api-key-env": "TEST_ODOO_KEY",
    }
    values.update(changes)
    return ["connect", *(part for pair in values.items() for part in pair)]


@pytest.fixture(params=servers(17, 19))
def sandbox(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """Odoo 17's sandbox (JSON-RPC), 19's (JSON-2), or the live Odoo: what these tests check holds on any version."""
    with serve(request.param) as running:  # before cli_env, which drops the ODOOSYNC_LIVE_ variables
        request.getfixturevalue("cli_env")
        monkeypatch.setenv("TEST_ODOO_KEY", running.api_key)
        yield running


def server_version(server: Server) -> str:
    """The version Odoo says it is: X.0, or with a build's date (19.0-20251216) as a packaged Odoo says."""
    with client_of(server) as client:
        version = str(client.common("version")["server_version"])
    assert version.startswith(f"{server.version}.0")
    return version


def users_company(server: Server) -> dict[str, object]:
    """The company of the connecting user, as connect reports it (Saudi Test Co, id 1, in the sandbox)."""
    [user] = rows(server, "res.users", [("login", "=", server.login)], ["company_id", "name"])
    [company] = rows(server, "res.company", [("id", "=", user["company_id"])], ["name"])
    return {"id": company["id"], "name": company["name"], "user": user["name"]}


@pytest.mark.parametrize("version", SERVERS)
def test_connect_saves_the_connection_and_prefills_defaults(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, version: int | str
) -> None:
    with serve(version) as sandbox:  # before cli_env, which drops the ODOOSYNC_LIVE_ variables
        request.getfixturevalue("cli_env")
        monkeypatch.setenv("TEST_ODOO_KEY", sandbox.api_key)
        code, out, err = run(*connect_args(sandbox), "--json")
        company = users_company(sandbox)
        version_said = server_version(sandbox)
    assert code == 0, err
    protocol = "json2" if sandbox.version >= 19 else "jsonrpc"  # JSON-2 from 19, JSON-RPC before
    report = json.loads(out)
    assert (report["odoo_version"], report["protocol"], report["user"]) == (
        version_said,
        protocol,
        company.pop("user"),
    )
    assert report["user"] == "Administrator"
    assert report["company"] == company
    assert report["sale_journal"]["code"] == "INV"
    config = load_config()
    assert (config.odoo.url, config.odoo.database, config.odoo.login) == (
        sandbox.url,
        sandbox.database,
        sandbox.login,
    )
    assert config.odoo.api_key_env == "TEST_ODOO_KEY"
    assert (config.defaults.company, config.defaults.sale_journal) == (company["name"], "INV")
    assert oct(config.path.stat().st_mode & 0o777) == "0o600"
    assert sandbox.api_key not in config.path.read_text()


def test_test_re_checks_the_saved_connection(sandbox: Server) -> None:
    assert run(*connect_args(sandbox))[0] == 0
    code, out, _ = run("test")
    assert code == 0
    assert f"Connected to Odoo {server_version(sandbox)}" in out
    assert f"protocol   {'json2' if sandbox.version >= 19 else 'jsonrpc'}" in out


def test_test_without_a_connection_says_how_to_connect(cli_env: dict[str, str]) -> None:
    code, _, err = run("test")
    assert code == ExitCode.CONFIG
    assert "not connected to Odoo yet" in err
    assert "odoosync connect --url" in err


@pytest.mark.parametrize(
    ("changes", "code", "fragment"),
    [
        ({"--database": "nope"}, ExitCode.UNAVAILABLE, "the database 'nope' does not exist"),
        ({"--login": "someone@example.sa"}, ExitCode.NO_PERMISSION, "Odoo refused the login 'someone@example.sa'"),
        ({"--api-key-env": "UNSET_VARIABLE"}, ExitCode.CONFIG, "UNSET_VARIABLE is not set"),
        ({"--url": "http://odoo.invalid"}, ExitCode.UNAVAILABLE, "cannot be found (DNS)"),
        ({"--url": "http://127.0.0.1:1"}, ExitCode.TEMPORARY, "cannot connect to http://127.0.0.1:1"),
    ],
)
def test_connect_failures_say_what_is_wrong(sandbox: Server, changes: dict[str, str], code: int, fragment: str) -> None:
    exit_code, _, err = run(*connect_args(sandbox, **changes))
    assert exit_code == code
    assert fragment in err
    assert "Traceback" not in err
    assert "jobs" not in err  # connect has none: its advice is for the person running it
    assert not load_config().exists  # nothing saved


def test_a_wrong_key(sandbox: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_ODOO_KEY", "0123456789abcdef")
    code, out, err = run("--debug", *connect_args(sandbox))
    assert code == ExitCode.NO_PERMISSION
    assert f"Odoo refused the login '{sandbox.login}'" in err
    assert "0123456789abcdef" not in out + err


def test_an_untrusted_certificate(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox(17, tls=True) as sandbox:
        monkeypatch.setenv("TEST_ODOO_KEY", sandbox.api_key)
        code, _, err = run(*connect_args(sandbox))
        assert code == ExitCode.UNAVAILABLE
        assert "TLS certificate" in err
        assert "verify_tls" in err
        # Trusting the sandbox's certificate makes it work.
        monkeypatch.setenv("ODOOSYNC_ODOO_VERIFY_TLS", str(sandbox.ca_file))
        assert run(*connect_args(sandbox))[0] == 0


def test_not_an_odoo_server(sandbox: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_ODOO_KEY", "k")
    code, _, err = run(*connect_args(sandbox, **{"--url": sandbox.url + "/web/login"}))
    assert code == ExitCode.UNAVAILABLE
    assert "did not answer as an Odoo server" in err or "not an Odoo server" in err


def test_a_database_without_the_accounting_app(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox(17, accounting_app=False) as sandbox:
        monkeypatch.setenv("TEST_ODOO_KEY", sandbox.api_key)
        code, _, err = run(*connect_args(sandbox))
    assert code == ExitCode.UNAVAILABLE
    assert "the Invoicing/Accounting app is not installed" in err


@pytest.mark.parametrize("version", [16, 19])
def test_a_user_without_accounting_rights(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    with Sandbox(version) as sandbox:
        monkeypatch.setenv("TEST_ODOO_KEY", sandbox.add_user("clerk@example.sa", "Clerk"))
        code, _, err = run(*connect_args(sandbox, **{"--login": "clerk@example.sa"}))
    assert code == ExitCode.NO_PERMISSION
    assert "has no accounting rights" in err
    assert "Accounting: Billing" in err


def test_a_typed_key_is_kept_in_a_private_file(sandbox: Server) -> None:
    config = load_config()
    report = connect(
        config,
        url=sandbox.url,
        database=sandbox.database,
        login=sandbox.login,
        key=KeySource(typed=sandbox.api_key),
        env={},
    )
    assert report.key_source == "typed at the prompt"
    saved = load_config()
    assert saved.api_key_file_path is not None
    assert oct(saved.api_key_file_path.stat().st_mode & 0o777) == "0o600"
    assert saved.api_key_file_path.read_text().strip() == sandbox.api_key
    assert sandbox.api_key not in saved.path.read_text()


def test_disconnect_forgets_the_connection_and_mappings_and_keeps_links(sandbox: Server) -> None:
    assert run(*connect_args(sandbox))[0] == 0
    config = load_config()
    key = database_key(sandbox.url, sandbox.database)
    now = datetime.now(UTC).replace(tzinfo=None)
    with Store.open(config.database_url) as store, store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO records (type, app_id, version, content_hash, document, received_at) "
                "VALUES ('contact', 'C-1', 1, 'h', '{}', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO links (record_pk, odoo_database, role, odoo_model, odoo_id, synced_version, synced_at) "
                "VALUES (1, :key, 'document', 'res.partner', 7, 1, :now)"
            ),
            {"key": key, "now": now},
        )
        connection.execute(
            text(
                "INSERT INTO mappings (odoo_database, kind, code, company_id, odoo_model, odoo_id, odoo_name, "
                "updated_at) VALUES (:key, 'method', 'cash', 0, 'account.journal', 4, 'Cash', :now)"
            ),
            {"key": key, "now": now},
        )
    code, out, _ = run("disconnect", "--yes", "--json")
    assert code == 0
    assert json.loads(out) == {
        "connected": True,
        "url": sandbox.url,
        "database": sandbox.database,
        "mappings_removed": 1,
        "links_kept": 1,
        "kept_for": [{"url": sandbox.url.lower().rstrip("/"), "database": sandbox.database, "links": 1}],
        "odoo_changed": False,
    }
    after = load_config()
    assert (after.odoo.url, after.odoo.login, after.defaults.company) == (None, None, None)
    with Store.open(after.database_url) as store:
        assert store.links.count(key) == 1
        assert store.mappings.count(key) == 0


def test_a_second_disconnect_says_it_was_not_connected_and_counts_the_links_kept(sandbox: Server) -> None:
    assert run(*connect_args(sandbox))[0] == 0
    assert run("ingest", str(SAMPLES / "portfolio.ndjson"))[0] == 0
    assert run("enable", "--backfill-since", "2026-01-01")[0] == 0
    code, out, _ = run("sync", "--type", "contact", "--json")
    assert code == 0
    synced = json.loads(out)["outcomes"]["synced"]
    assert synced > 0
    code, out, _ = run("disconnect", "--yes", "--json")
    assert code == 0
    assert json.loads(out)["links_kept"] == synced

    code, out, _ = run("disconnect", "--yes", "--json")
    assert code == 0
    again = json.loads(out)
    assert again["connected"] is False
    assert again["links_kept"] == synced
    assert again["kept_for"] == [
        {"url": sandbox.url.lower().rstrip("/"), "database": sandbox.database, "links": synced}
    ]
    code, out, _ = run("disconnect", "--yes")
    assert code == 0
    assert "odoosync was not connected" in out
    assert f"{synced} link(s) kept" in out
    assert "0 link(s)" not in out


def test_status_after_disconnect_shows_the_link_and_that_odoosync_is_disconnected(sandbox: Server) -> None:
    assert run(*connect_args(sandbox))[0] == 0
    assert run("ingest", str(SAMPLES / "portfolio.ndjson"))[0] == 0
    assert run("enable", "--backfill-since", "2026-01-01")[0] == 0
    assert run("sync", "--type", "contact")[0] == 0
    synced = json.loads(run("status", "contact", "C-1001", "--json")[1])
    assert synced["chip"] == "synced"
    assert run("disconnect", "--yes")[0] == 0

    code, out, _ = run("status", "contact", "C-1001", "--json")
    assert code == 0
    after = json.loads(out)
    assert after["chip"] == "synced"
    assert after["odoo"] == synced["odoo"]
    assert "disconnected" in after["reason"]
    assert "odoosync connect" in after["reason"]
    code, out, _ = run("status", "contact", "C-1001")
    assert "Not synced" not in out
    assert f"res.partner {synced['odoo']['id']}" in out
    assert sandbox.database in out
    # queue show names the same Odoo record, kept for that database.
    code, out, _ = run("queue", "show", str(synced["job"]["id"]), "--json")
    assert code == 0
    assert json.loads(out)["odoo"] == synced["odoo"]


def test_disconnect_asks_first_unless_told_yes(sandbox: Server) -> None:
    assert run(*connect_args(sandbox))[0] == 0
    code, _, err = run("disconnect")
    assert code == ExitCode.USAGE
    assert "--yes" in err
    assert load_config().odoo.url == sandbox.url


def test_the_key_never_shows_even_with_debug(sandbox: Server) -> None:
    outputs = []
    for args in (connect_args(sandbox), ["test", "--json"], connect_args(sandbox, **{"--database": "nope"})):
        result = runner.invoke(app, ["--debug", *args])
        outputs.append(result.stdout + result.stderr)
    assert os.environ["TEST_ODOO_KEY"] == sandbox.api_key
    assert all(sandbox.api_key not in output for output in outputs)


def test_nothing_is_saved_when_the_key_file_is_readable_by_others(sandbox: Server, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(sandbox.api_key)
    key_file.chmod(0o644)
    code, _, err = run(*connect_args(sandbox, **{"--api-key-env": ""})[:-2], "--api-key-file", str(key_file))
    assert code == ExitCode.CONFIG
    assert "chmod 600" in err


def test_another_database_gets_its_own_defaults_a_reconnection_keeps_them(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Sandbox(17) as first, Sandbox(17, companies=2) as second:
        monkeypatch.setenv("TEST_ODOO_KEY", first.api_key)
        assert run(*connect_args(first))[0] == 0
        monkeypatch.setenv("ODOOSYNC_API_KEY", first.api_key)
        assert run("defaults", "set", "--company", "Saudi Test Co", "--sale-journal", "INV")[0] == 0
        save_config_values(load_config().path, {"defaults.rent_product": "RENT"})
        assert run(*connect_args(first))[0] == 0  # the same database again
        assert load_config().defaults.rent_product == "RENT"
        monkeypatch.setenv("TEST_ODOO_KEY", second.api_key)
        assert run(*connect_args(second))[0] == 0  # another database
        defaults = load_config().defaults
        assert (defaults.company, defaults.sale_journal, defaults.rent_product) == ("Saudi Test Co", "INV", None)


def test_an_address_without_its_scheme_is_refused_at_once_as_in_the_config(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = 'must be an http:// or https:// URL such as https://example.odoo.com, got "127.0.0.1:8069"'
    monkeypatch.setenv("TEST_ODOO_KEY", "k")
    code, _, err = run(
        "connect", "--url", "127.0.0.1:8069", "--database", "d", "--login", "me", "--api-key-env", "TEST_ODOO_KEY"
    )
    assert code == ExitCode.USAGE
    assert f"--url {wrong}" in err
    assert "may or may not" not in err
    assert not load_config().exists
    monkeypatch.setenv("ODOOSYNC_ODOO_URL", "127.0.0.1:8069")
    code, _, err = run("test")
    assert code == ExitCode.CONFIG
    assert f"ODOOSYNC_ODOO_URL (odoo.url): {wrong}" in err


@pytest.fixture
def unavailable() -> Iterator[str]:
    handler = misbehaving.unavailable()
    with serving(handler) as url:
        yield url
    assert handler.requests == 1  # asked once: a person is waiting, and reruns the command


@pytest.fixture
def not_http() -> Iterator[str]:
    with NotHttp() as server:
        yield server.url
    assert server.connections == 1


@pytest.fixture
def https_to_http() -> Iterator[str]:
    with Sandbox(17) as sandbox:
        yield sandbox.url.replace("http://", "https://")


@pytest.fixture
def refused() -> str:
    return closed_port()


@pytest.mark.parametrize(
    ("server", "code", "says", "check"),
    [
        ("refused", ExitCode.TEMPORARY, "the connection was refused", "Check that Odoo is running, and that the port"),
        ("not_http", ExitCode.UNAVAILABLE, "did not answer as an Odoo server (no HTTP answer)", "Odoo's web port"),
        ("https_to_http", ExitCode.UNAVAILABLE, "does not speak TLS at that port", "write the URL with http://"),
        ("unavailable", ExitCode.TEMPORARY, "answered HTTP 503 Service Unavailable", "a proxy answers 503"),
    ],
)
def test_each_way_connect_fails_is_said_at_once_with_what_to_check(
    request: pytest.FixtureRequest,
    cli_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    server: str,
    code: int,
    says: str,
    check: str,
) -> None:
    url = request.getfixturevalue(server)
    monkeypatch.setenv("TEST_ODOO_KEY", "k")
    started = time.monotonic()
    exit_code, _, err = run(
        "connect", "--url", url, "--database", "d", "--login", "me", "--api-key-env", "TEST_ODOO_KEY"
    )
    assert time.monotonic() - started < 3
    assert exit_code == code, err
    reason, instruction = err.splitlines()
    assert says in reason
    assert check in instruction
    for advice_of_another_kind in ("jobs", "scheduled", "may or may not", "certificate", "retries"):
        assert advice_of_another_kind not in err
    assert not load_config().exists


def test_the_key_prompt_offers_the_configured_key_only_when_there_is_one(tmp_path: Path) -> None:
    with Sandbox(17) as sandbox:
        args = ["connect", "--url", sandbox.url, "--database", sandbox.database, "--login", sandbox.login]
        configured = workspace_env(tmp_path / "configured", sandbox)  # the key in ODOOSYNC_API_KEY
        code, screen = in_a_terminal(configured, args, [("ODOOSYNC_API_KEY): ", "")])
        assert code == 0, screen
        assert "(hidden; Enter to use the configured one, from environment variable ODOOSYNC_API_KEY)" in screen
        assert "API key    from environment variable ODOOSYNC_API_KEY" in screen

        none = {k: v for k, v in workspace_env(tmp_path / "none", sandbox).items() if k != "ODOOSYNC_API_KEY"}
        prompt = "Odoo API key (hidden): "
        code, screen = in_a_terminal(none, args, [(prompt, ""), (prompt, sandbox.api_key)])
        assert code == 0, screen
        assert screen.count(prompt) == 2  # nothing configured to fall back on: an empty answer is asked again
        assert "configured" not in screen
        assert "API key    typed at the prompt, kept in a private file next to the config" in screen
        assert "from typed" not in screen
        assert sandbox.api_key not in screen
