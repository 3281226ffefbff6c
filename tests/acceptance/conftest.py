from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from odoosync.cli.app import app
from odoosync.sandbox import Sandbox
from tests.conftest import SAMPLES
from tests.support.servers import Server, serve
from tests.support.workspace import own_inputs


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment whose config and database live in tmp_path, with no odoosync variable inherited."""
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_"):
            monkeypatch.delenv(name)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def cli(*args: str) -> tuple[int, str, str]:
    """Run odoosync through Typer's runner: (exit status, stdout, stderr)."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def connect_to(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Callable[[Sandbox], None]:
    """Connect odoosync (in cli_env) to a running sandbox, its key in ODOOSYNC_API_KEY."""

    def connect(sandbox: Sandbox) -> None:
        monkeypatch.setenv("ODOOSYNC_API_KEY", sandbox.api_key)
        code, _, err = cli("connect", "--url", sandbox.url, "--database", sandbox.database, "--login", sandbox.login)
        assert code == 0, err

    return connect


@contextmanager
def connected_with_the_portfolio(
    request: pytest.FixtureRequest, tmp_path: Path, **sandbox_options: Any
) -> Iterator[Server]:
    """The server of the fixture's parameter, the sample portfolio ingested (tagged on a live Odoo) and odoosync
    connected to it. The server starts before cli_env, which drops the ODOOSYNC_LIVE_ variables."""
    with serve(request.param, **sandbox_options) as server:
        connect_to: Callable[[Server], None] = request.getfixturevalue("connect_to")
        [portfolio] = own_inputs(tmp_path, server, [SAMPLES / "portfolio.ndjson"])
        assert cli("ingest", str(portfolio))[0] == 0
        connect_to(server)
        yield server
