"""The sandbox's own knobs, which no real Odoo has: faults, TLS, latency and the call log."""

from __future__ import annotations

import json
import socket
import ssl
import time

import httpx
import pytest

from odoosync.sandbox import Sandbox
from tests.contract.client import OdooFault, RpcClient

VERSION_CALL = {
    "jsonrpc": "2.0",
    "method": "call",
    "id": 1,
    "params": {"service": "common", "method": "version", "args": []},
}


def client_of(sandbox: Sandbox) -> RpcClient:
    return RpcClient(sandbox.url, sandbox.database, sandbox.login, sandbox.api_key)


@pytest.mark.parametrize(("fault", "status"), [("429", 429), ("503", 503)])
def test_http_faults_answer_with_their_status(fault: str, status: int) -> None:
    with Sandbox(17, fail_rate=1.0, faults=(fault,)) as sandbox:
        response = httpx.post(f"{sandbox.url}/jsonrpc", json=VERSION_CALL)
        assert response.status_code == status
        if fault == "429":
            assert response.headers["retry-after"] == "1"


def test_a_reset_drops_the_connection() -> None:
    with Sandbox(17, fail_rate=1.0, faults=("reset",)) as sandbox, pytest.raises(httpx.TransportError):
        httpx.post(f"{sandbox.url}/jsonrpc", json=VERSION_CALL)


def test_a_timeout_fault_does_the_work_but_answers_too_late() -> None:
    with Sandbox(17, fail_rate=1.0, faults=("timeout",), slow_seconds=1.0) as sandbox:
        uid = sandbox.instance.authenticate(sandbox.database, sandbox.login, sandbox.api_key)
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [sandbox.database, uid, sandbox.api_key, "res.partner", "create", [{"name": "late"}], {}],
            },
        }
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{sandbox.url}/jsonrpc", json=payload, timeout=0.2)
        # The outcome is unknown to the client, yet the partner exists: what find-before-create is for.
        assert sandbox.instance.model("res.partner").search([("name", "=", "late")])


def test_a_concurrency_fault_is_odoos_serialization_failure_and_changes_nothing() -> None:
    with Sandbox(17, fail_rate=1.0, faults=("concurrency",)) as sandbox:
        client = RpcClient(sandbox.url, sandbox.database, sandbox.login, sandbox.api_key)
        client._uid = 2  # authenticate would draw a fault too
        with pytest.raises(OdooFault) as caught:
            client.call("res.partner", "create", {"name": "never"})
        client.close()
        assert caught.value.name == "psycopg2.errors.SerializationFailure"
        assert not sandbox.instance.model("res.partner").search([("name", "=", "never")])


def test_faults_replay_with_the_same_seed() -> None:
    def run(seed: int) -> list[str]:
        with Sandbox(17, fail_rate=0.5, faults=("429", "503"), seed_value=seed) as sandbox:
            for _ in range(30):
                httpx.post(f"{sandbox.url}/jsonrpc", json=VERSION_CALL)
            return list(sandbox.faults.injected)

    first = run(7)
    assert first == run(7)
    assert 5 < len(first) < 25
    assert first != run(8)


def test_tls_with_the_certificate_made_at_start() -> None:
    with Sandbox(17, tls=True) as sandbox:
        assert sandbox.url.startswith("https://")
        assert sandbox.ca_file is not None
        trusted = ssl.create_default_context(cafile=str(sandbox.ca_file))
        response = httpx.post(f"{sandbox.url}/jsonrpc", json=VERSION_CALL, verify=trusted)
        assert response.json()["result"]["server_serie"] == "17.0"
        with pytest.raises(httpx.ConnectError):
            httpx.post(f"{sandbox.url}/jsonrpc", json=VERSION_CALL)  # not trusted by default


def test_latency_is_paid_per_round_trip_and_more_by_a_new_connection() -> None:
    with Sandbox(17, latency_ms=40) as sandbox, httpx.Client() as client:
        started = time.perf_counter()
        client.post(f"{sandbox.url}/jsonrpc", json=VERSION_CALL)
        first = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(3):
            client.post(f"{sandbox.url}/jsonrpc", json=VERSION_CALL)
        kept_alive = (time.perf_counter() - started) / 3
    assert kept_alive >= 0.04
    assert first >= 0.08  # the TCP handshake's round trip comes on top


def test_the_latency_proxy_keeps_the_bytes_of_a_connection_in_order() -> None:
    """Headers and body sent in two writes on a new connection: the body must not overtake the headers (the
    first chunk pays for the connection set-up too)."""
    body = json.dumps(VERSION_CALL).encode()
    head = f"POST /jsonrpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    with Sandbox(17, latency_ms=40) as sandbox:
        host, port = sandbox.url.removeprefix("http://").split(":")
        for _ in range(3):
            with socket.create_connection((host, int(port))) as connection:
                connection.sendall(head.encode())
                time.sleep(0.005)
                connection.sendall(body)
                answer = connection.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:80]


def test_the_call_log_counts_calls_and_records() -> None:
    with Sandbox(17) as sandbox:
        client = client_of(sandbox)
        client.call("res.partner", "create", [{"name": "a"}, {"name": "b"}, {"name": "c"}])
        ids = client.call("res.partner", "search", [["name", "in", ["a", "b"]]])
        client.call("res.partner", "read", ids, fields=["name"])
        calls = [(c.model, c.method, c.records) for c in sandbox.calls]
        assert calls == [("res.partner", "create", 3), ("res.partner", "search", 0), ("res.partner", "read", 2)]
        assert sandbox.call_counts()[("res.partner", "create")] == 1
        client.close()
