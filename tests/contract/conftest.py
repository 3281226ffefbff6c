"""Contract tests run against the sandbox at every version it imitates, and against a live Odoo when
ODOOSYNC_LIVE_URL, ODOOSYNC_LIVE_DB, ODOOSYNC_LIVE_LOGIN and ODOOSYNC_LIVE_API_KEY are set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from odoosync.sandbox import Sandbox
from tests.contract.client import RpcClient

LIVE_VARIABLES = ("ODOOSYNC_LIVE_URL", "ODOOSYNC_LIVE_DB", "ODOOSYNC_LIVE_LOGIN", "ODOOSYNC_LIVE_API_KEY")
LIVE = all(os.environ.get(name) for name in LIVE_VARIABLES)
TARGETS = [
    *(f"sandbox-{v}" for v in (16, 17, 18, 19)),
    pytest.param(
        "live",
        marks=[
            pytest.mark.live,
            pytest.mark.skipif(not LIVE, reason=f"no live Odoo: set {', '.join(LIVE_VARIABLES)} to run against one"),
        ],
    ),
]


@dataclass
class Target:
    """What a contract test talks to: a client, the Odoo version, a prefix for every record it creates."""

    client: RpcClient
    version: int
    prefix: str
    sandbox: Sandbox | None


@pytest.fixture(params=TARGETS)
def odoo(request: pytest.FixtureRequest) -> Iterator[Target]:
    prefix = f"ODOOSYNC-TEST-{uuid.uuid4().hex[:8]}"
    if request.param == "live":
        client = RpcClient(*(os.environ[name] for name in LIVE_VARIABLES))
        version = int(client.common("version")["server_version_info"][0])
        yield Target(client, version, prefix, None)
        client.close()
        return
    version = int(request.param.split("-")[1])
    with Sandbox(version) as sandbox:
        client = RpcClient(sandbox.url, sandbox.database, sandbox.login, sandbox.api_key)
        yield Target(client, version, prefix, sandbox)
        client.close()


@pytest.fixture
def sandbox_only(odoo: Target) -> Sandbox:
    """For behaviour only the sandbox has (the call log, fault knobs)."""
    if odoo.sandbox is None:
        pytest.skip("a sandbox-only behaviour")
    return odoo.sandbox
