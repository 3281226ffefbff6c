"""A server that echoes the request in its error messages (a proxy, a misconfigured Odoo): the API key, which
JSON-RPC sends in every body and JSON-2 in a header, never reaches the terminal, the logs or the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from odoosync.sandbox import Sandbox
from tests.support.echo import EchoingProxy
from tests.support.portfolio import SAMPLES
from tests.support.workspace import odoosync, prepare


@pytest.mark.parametrize("version", [17, 19])
def test_an_echoed_key_is_never_shown_logged_or_stored(tmp_path: Path, version: int) -> None:
    with Sandbox(version) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"])
        key = sandbox.api_key
        with EchoingProxy(sandbox.url, lambda path, body: b'"create"' in body or path.endswith("/create")) as proxy:
            connected = odoosync(
                env, "connect", "--url", proxy.url, "--database", sandbox.database, "--login", sandbox.login
            )
            assert key not in connected.stdout + connected.stderr
            shown = ""
            for flags in ((), ("--debug",), ("--log-format", "json")):
                done = odoosync(env, *flags, "sync", check=False)
                shown += done.stdout + done.stderr
            assert "Bad request" in shown  # the echo did come, the key with it
            assert key not in shown
            failed = odoosync(env, "queue", "list", "--state", "failed", check=False)
            assert key not in failed.stdout + failed.stderr
        database = tmp_path / "data" / "odoosync" / "odoosync.db"
        with sqlite3.connect(database) as connection:
            stored = [
                str(value)
                for query in ("SELECT last_error FROM jobs", "SELECT error FROM job_attempts")
                for (value,) in connection.execute(query)
                if value
            ]
        assert any("Bad request" in text for text in stored)
        assert not [text for text in stored if key in text]


@pytest.mark.parametrize("version", [17, 19])
def test_a_connect_refused_with_an_echo_does_not_show_the_key(tmp_path: Path, version: int) -> None:
    with Sandbox(version) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"])
        with EchoingProxy(sandbox.url, lambda path, body: b'"version"' not in body) as proxy:
            for flags in ((), ("--debug",)):
                done = odoosync(
                    env,
                    *flags,
                    "connect",
                    "--url",
                    proxy.url,
                    "--database",
                    sandbox.database,
                    "--login",
                    sandbox.login,
                    check=False,
                )
                assert done.returncode != 0
                assert "Bad request" in done.stderr
                assert sandbox.api_key not in done.stdout + done.stderr
