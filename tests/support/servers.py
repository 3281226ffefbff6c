"""The Odoo an acceptance test runs against: the bundled sandbox of each version, or a live Odoo it does not own.

With ODOOSYNC_LIVE_URL, _DB, _LOGIN and _API_KEY set, every test parametrized with `SERVERS` (or `servers(...)`)
also runs against that server, marked `live` (`pytest -m live tests` runs them all). A live database persists
between runs and is shared with people, so a live test:

- tags every record id of the app with its run's tag (`tagged(server, documents)`, `record_id(server, id)`;
  `prepare` tags its input files), so that its markers, and the documents they find, are its own;
- reads Odoo through the external API (`rows(server, model, domain, fields)`), never through the sandbox's
  tables, and only what its own records made;
- never changes the company's settings: what needs that (a second company, an empty journal, fault injection,
  the call log) is the sandbox's alone and is skipped live, with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from odoosync.sandbox import Sandbox
from tests.contract.client import RpcClient
from tests.support.portfolio import sample_documents

LIVE_VARIABLES = ("ODOOSYNC_LIVE_URL", "ODOOSYNC_LIVE_DB", "ODOOSYNC_LIVE_LOGIN", "ODOOSYNC_LIVE_API_KEY")
LIVE = all(os.environ.get(name) for name in LIVE_VARIABLES)
NO_LIVE = f"no live Odoo: set {', '.join(LIVE_VARIABLES)} to run against one"
LIVE_PARAM = pytest.param("live", marks=[pytest.mark.live, pytest.mark.skipif(not LIVE, reason=NO_LIVE)], id="live")


def servers(*versions: int) -> list[Any]:
    """Parameters for a test that runs on the sandbox of each of `versions` and on the live Odoo."""
    return [*versions, LIVE_PARAM]


SERVERS = servers(16, 17, 18, 19)


class LiveOdoo:
    """A real Odoo the tests do not own, with what they use of a Sandbox: url, database, login, api_key, version."""

    def __init__(self) -> None:
        self.url, self.database, self.login, self.api_key = (os.environ[name] for name in LIVE_VARIABLES)
        self.client = RpcClient(self.url, self.database, self.login, self.api_key)
        self.version = int(self.client.common("version")["server_version_info"][0])
        self.tag = uuid.uuid4().hex[:6].upper()

    def close(self) -> None:
        self.client.close()


Server = Sandbox | LiveOdoo


@contextmanager
def serve(version: int | str, **sandbox_options: Any) -> Iterator[Server]:
    """A running sandbox of `version`, or the live Odoo for the `live` parameter."""
    if version == "live":
        live = LiveOdoo()
        try:
            yield live
        finally:
            live.close()
        return
    assert isinstance(version, int)
    with Sandbox(version=version, **sandbox_options) as sandbox:
        yield sandbox


def sandbox_only(server: Server, why: str) -> Sandbox:
    """The sandbox, or skip a live run with the reason."""
    if isinstance(server, Sandbox):
        return server
    pytest.skip(f"sandbox only: {why}")


def tag_of(server: Server) -> str:
    return server.tag if isinstance(server, LiveOdoo) else ""


def tagged(server: Server, documents: Sequence[dict[str, Any]], known: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The documents with every record id, and every reference to one (to them, to the sample portfolio or to
    `known` ids), made this run's own: live only; on the sandbox they are returned as they are."""
    tag = tag_of(server)
    if not tag:
        return [dict(d) for d in documents]
    ids = {d["id"] for d in documents} | set(known) | {d["id"] for d in sample_documents()}

    def retag(value: Any) -> Any:
        if isinstance(value, str) and value in ids:
            return f"{value}-{tag}"
        if isinstance(value, list):
            return [retag(v) for v in value]
        if isinstance(value, dict):
            return {k: retag(v) for k, v in value.items()}
        return value

    return [retag(d) for d in documents]


def record_id(server: Server, app_id: str) -> str:
    """The id a sample record has in this run."""
    tag = tag_of(server)
    return f"{app_id}-{tag}" if tag else app_id


def own_detail(server: Server, kind: str, value: str) -> str:
    """A contact's VAT number, email or phone made this run's own (live only), the same way wherever it is written,
    so that matching by them (adoption) finds this run's partners only: a VAT number keeps its first and last nine
    digits, an email its domain, a phone its prefix and last four digits (the last nine digits are what match)."""
    tag = tag_of(server)
    if not tag:
        return value
    number = int(tag, 16)
    if kind == "vat":
        return f"{value[0]}{number % 100000:05d}{value[6:]}"
    if kind == "email":
        local, domain = value.split("@")
        return f"{local}.{tag.lower()}@{domain}"
    assert kind == "phone", kind
    return f"{value[:-8]}{number % 10000:04d}{value[-4:]}"


def own_contacts(server: Server, documents: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents (tagged already) with every contact's VAT number, email and phone made this run's own."""
    return [
        {
            **d,
            **{
                kind: own_detail(server, kind, d[kind])
                for kind in ("vat", "email", "phone")
                if d.get("type") == "contact" and d.get(kind)
            },
        }
        for d in documents
    ]


def _plain(value: Any) -> Any:
    # What the sandbox's tables hold, from what the API answers: ids for many2one pairs, Decimal for floats.
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
        return value[0]
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def rows(
    server: Server, model: str, domain: list[Any] | None = None, fields: list[str] | None = None
) -> list[dict[str, Any]]:
    """Records of `model` read through the external API (archived ones too), many2one values as ids and amounts
    as Decimal, as a test compares them."""
    client = (
        server.client
        if isinstance(server, LiveOdoo)
        else RpcClient(server.url, server.database, server.login, server.api_key)
    )
    try:
        found = client.call(
            model, "search_read", domain or [], fields=fields or [], context={"active_test": False}, order="id"
        )
    finally:
        if not isinstance(server, LiveOdoo):
            client.close()
    return [{name: _plain(value) for name, value in row.items()} for row in found]


@contextmanager
def client_of(server: Server) -> Iterator[RpcClient]:
    """An external-API client of `server` (the live one's own, or a new one to the sandbox), for a test's writes."""
    if isinstance(server, LiveOdoo):
        yield server.client
        return
    client = RpcClient(server.url, server.database, server.login, server.api_key)
    try:
        yield client
    finally:
        client.close()
