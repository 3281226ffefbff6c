"""odoosync's Odoo client against the sandbox: every version, both protocols, failures and retries."""

from __future__ import annotations

import http.server
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from odoosync.odoo import errors
from odoosync.odoo.client import OdooClient, RetryPolicy
from odoosync.odoo.transport import Endpoint
from odoosync.sandbox import Sandbox
from odoosync.sandbox.server import GARBLED
from tests.support.misbehaving import answering, serving
from tests.support.servers import Server, serve, servers

FAST = RetryPolicy(attempts=4, max_seconds=10, initial_wait=0.01, max_wait=0.05)


def endpoint_of(sandbox: Server, **changes: object) -> Endpoint:
    values: dict[str, object] = {
        "url": sandbox.url,
        "database": sandbox.database,
        "login": sandbox.login,
        "verify_tls": getattr(sandbox, "ca_file", None) or True,
        "timeout_seconds": 5.0,
    }
    values.update(changes)
    return Endpoint(**values)  # type: ignore[arg-type]


@pytest.fixture(
    params=[(16, "auto"), (17, "auto"), (18, "auto"), (19, "auto"), (19, "jsonrpc")],
    ids=["16", "17", "18", "19-json2", "19-jsonrpc"],
)
def connected(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, OdooClient]]:
    version, protocol = request.param
    with Sandbox(version) as sandbox:
        client = OdooClient.connect(endpoint_of(sandbox), sandbox.api_key, protocol=protocol, policy=FAST)
        yield sandbox, client
        client.close()


@pytest.mark.parametrize(
    ("version", "asked", "used"),
    [(16, "auto", "jsonrpc"), (18, "auto", "jsonrpc"), (19, "auto", "json2"), (19, "jsonrpc", "jsonrpc")],
)
def test_connect_chooses_the_protocol_from_the_version(version: int, asked: str, used: str) -> None:
    with Sandbox(version) as sandbox:
        client = OdooClient.connect(endpoint_of(sandbox), sandbox.api_key, protocol=asked, policy=FAST)  # type: ignore[arg-type]
        assert (client.version.major, client.protocol) == (version, used)
        client.close()
        json2_calls = [call for call in sandbox.calls if call.protocol == "json2"]
        assert bool(json2_calls) == (used == "json2")


def test_whoami(connected: tuple[Sandbox, OdooClient]) -> None:
    _, client = connected
    me = client.whoami()
    assert (me.uid, me.name, me.login, me.company_id, me.company_ids) == (2, "Administrator", "admin", 1, (1,))
    assert me.lang == "en_US"


def test_create_read_write_search(connected: tuple[Sandbox, OdooClient]) -> None:
    _, client = connected
    ids = client.create("res.partner", [{"name": "A", "ref": "C-1"}, {"name": "B", "ref": "C-2"}])
    assert len(ids) == 2
    assert client.create("res.partner", [{"name": "C"}]) == [ids[1] + 1]
    assert client.write("res.partner", ids[:1], {"email": "a@example.sa"}) is True
    assert client.read("res.partner", ids[:1], ["email"]) == [{"id": ids[0], "email": "a@example.sa"}]
    assert client.search("res.partner", [("ref", "in", ["C-1", "C-2"])], order="ref desc") == [ids[1], ids[0]]
    rows = client.search_read("res.partner", [("ref", "=", "C-2")], ["name"], limit=1)
    assert rows == [{"id": ids[1], "name": "B"}]


def test_a_context_selects_the_company(connected: tuple[Sandbox, OdooClient]) -> None:
    _, client = connected
    journals = client.search_read(
        "account.journal", [("type", "=", "sale")], ["company_id"], context={"allowed_company_ids": [1]}
    )
    assert {row["company_id"][0] for row in journals} == {1}


def test_odoo_errors_keep_odoos_message(connected: tuple[Sandbox, OdooClient]) -> None:
    _, client = connected
    with pytest.raises(errors.MissingRecord) as missing:
        client.create("account.move", [{"move_type": "out_invoice", "partner_id": 2_000_000_000}])
    assert missing.value.reason.startswith("Record does not exist or has been deleted.")
    assert missing.value.odoo_name == "odoo.exceptions.MissingError"
    move = client.create(
        "account.move",
        [{"move_type": "in_invoice", "partner_id": 1, "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 1.0})]}],
    )
    with pytest.raises(errors.UserError, match="The Bill/Refund date is required"):
        client.call("account.move", "action_post", move)


def test_a_method_returning_none_is_fine(connected: tuple[Sandbox, OdooClient]) -> None:
    _, client = connected
    [bank] = client.search("account.journal", [("type", "=", "bank")], limit=1)
    memo = client.version.payment_memo
    [payment] = client.create("account.payment", [{"amount": 10.0, "partner_id": 1, "journal_id": bank, memo: "x"}])
    assert client.call("account.payment", "action_post", [payment]) is None
    [row] = client.read("account.payment", [payment], ["state"])
    assert row["state"] == client.version.posted_payment_state


# --- connection failures ---


def test_a_wrong_key_is_an_auth_error_on_both_protocols() -> None:
    for version in (17, 19):
        with Sandbox(version) as sandbox, pytest.raises(errors.AuthError) as caught:
            OdooClient.connect(endpoint_of(sandbox), "wrong-key", policy=FAST)
        assert "wrong-key" not in str(caught.value)


@pytest.mark.parametrize("version", servers(17))
def test_an_unknown_database(version: int | str) -> None:
    with serve(version) as server, pytest.raises(errors.ConnectionProblem, match="'nope' does not exist"):
        OdooClient.connect(endpoint_of(server, database="nope"), server.api_key, policy=FAST)


def test_json2_asked_of_an_old_odoo() -> None:
    with Sandbox(18) as sandbox, pytest.raises(errors.ConnectionProblem, match="no JSON-2 API"):
        OdooClient.connect(endpoint_of(sandbox), sandbox.api_key, protocol="json2", policy=FAST)


def test_a_refused_connection_is_transient_after_retries() -> None:
    with Sandbox(17) as sandbox:
        url = sandbox.url
    with pytest.raises(errors.TransientError, match="cannot connect"):
        OdooClient.connect(Endpoint(url, "sandbox", "admin", timeout_seconds=2), "key", policy=FAST)


def test_a_host_that_does_not_exist() -> None:
    endpoint = Endpoint("http://odoo.invalid", "db", "admin", timeout_seconds=5)
    with pytest.raises(errors.ConnectionProblem, match="cannot be found"):
        OdooClient.connect(endpoint, "key", policy=FAST)


def test_an_untrusted_certificate_and_a_trusted_one() -> None:
    with Sandbox(17, tls=True) as sandbox:
        with pytest.raises(errors.ConnectionProblem, match="TLS certificate"):
            OdooClient.connect(endpoint_of(sandbox, verify_tls=True), sandbox.api_key, policy=FAST)
        assert isinstance(sandbox.ca_file, Path)
        with OdooClient.connect(endpoint_of(sandbox), sandbox.api_key, policy=FAST) as client:
            assert client.whoami().uid == 2


_NotOdoo = answering(200, b"<html><body>Welcome to nginx!</body></html>")


def test_a_server_that_is_not_odoo() -> None:
    with serving(_NotOdoo) as url, pytest.raises(errors.ConnectionProblem, match="did not answer as an Odoo server"):
        OdooClient.connect(Endpoint(url, "db", "admin"), "key", policy=FAST)


# --- retries ---


def faulty(version: int, *faults: str, rate: float = 1.0) -> Sandbox:
    return Sandbox(version, fail_rate=rate, faults=faults, seed_value=3, slow_seconds=1.0)


@pytest.mark.parametrize("version", [17, 19])
@pytest.mark.parametrize("fault", ["429", "503", "reset", "concurrency", "timeout"])
def test_reads_are_retried_until_they_succeed(fault: str, version: int) -> None:
    patient = RetryPolicy(attempts=12, max_seconds=30, initial_wait=0.01, max_wait=0.02)
    with faulty(version, fault, rate=0.5) as sandbox:
        client = OdooClient.connect(endpoint_of(sandbox, timeout_seconds=0.3), sandbox.api_key, policy=patient)
        for _ in range(5):
            assert len(client.search("res.country", [("code", "=", "SA")])) == 1
        client.close()
        assert fault in sandbox.faults.injected  # faults did happen, and were ridden out


def test_retry_after_is_honoured() -> None:
    with faulty(17, "429", rate=0.0) as sandbox:
        client = OdooClient.connect(
            endpoint_of(sandbox),
            sandbox.api_key,
            policy=RetryPolicy(attempts=2, max_seconds=10, initial_wait=0.01, max_wait=0.01),
        )
        sandbox.faults.rate = 1.0
        started = time.perf_counter()
        with pytest.raises(errors.TransientError, match="HTTP 429"):
            client.search("res.country", [])
        assert time.perf_counter() - started >= 1.0  # the server's Retry-After: 1, not the 10 ms backoff
        client.close()


@pytest.mark.parametrize("version", [17, 19])
def test_a_write_that_timed_out_after_sending_is_not_sent_again(version: int) -> None:
    with faulty(version, "timeout", rate=0.0) as sandbox:
        client = OdooClient.connect(endpoint_of(sandbox, timeout_seconds=0.3), sandbox.api_key, policy=FAST)
        sandbox.faults.rate = 1.0
        with pytest.raises(errors.OutcomeUnknown):
            client.create("res.partner", [{"name": "sent once"}])
        client.close()
        # The create ran on the server exactly once: no blind retry.
        assert len(sandbox.instance.model("res.partner").search([("name", "=", "sent once")])) == 1
        assert sum(1 for call in sandbox.calls if call.method == "create") == 1


@pytest.mark.parametrize("version", [17, 19])
def test_a_write_whose_answer_is_not_odoos_is_an_unknown_outcome_and_a_read_is_asked_again(version: int) -> None:
    """A proxy's 500 page, a CDN's 524, a maintenance page, garbage, `{}`, a cut body, after Odoo did the work: a
    create is not sent again (the engine looks for its marker), a read is."""
    with faulty(version, "garble", rate=0.0) as sandbox:
        client = OdooClient.connect(endpoint_of(sandbox), sandbox.api_key, policy=FAST)
        sandbox.faults.rate = 1.0
        for number in range(30):
            with pytest.raises(errors.OutcomeUnknown, match=r"not Odoo.s answer|not what the method returns"):
                client.create("res.partner", [{"name": f"garbled {number}"}])
            if set(sandbox.faults.garbled) == set(range(len(GARBLED))):
                break
        assert set(sandbox.faults.garbled) == set(range(len(GARBLED))), "not every garbled answer came up"
        sandbox.faults.rate = 0.5
        for _ in range(5):
            assert len(client.search("res.country", [("code", "=", "SA")])) == 1
        client.close()
        # Every create ran on the server exactly once: no blind retry.
        creates = sum(1 for call in sandbox.calls if call.method == "create")
        assert creates == number + 1
        made = sandbox.instance.model("res.partner").search([("name", "like", "garbled")])
        assert len(made) == creates


@pytest.mark.parametrize("version", [17, 19])
def test_a_write_refused_before_any_work_is_sent_again(version: int) -> None:
    with faulty(version, "503", rate=0.0) as sandbox:
        client = OdooClient.connect(endpoint_of(sandbox), sandbox.api_key, policy=FAST)
        sandbox.faults.rate = 0.6
        ids = client.create("res.partner", [{"name": "eventually"}])
        client.close()
        assert len(ids) == 1
        assert len(sandbox.instance.model("res.partner").search([("name", "=", "eventually")])) == 1


def test_the_key_never_shows_in_reprs_or_errors() -> None:
    with Sandbox(17) as sandbox:
        client = OdooClient.connect(endpoint_of(sandbox), sandbox.api_key, policy=FAST)
        shown = repr(client) + repr(client.transport)
        try:
            client.call("res.partner", "no_such_method")
        except errors.OdooError as error:
            shown += str(error) + repr(error)
        client.close()
        assert sandbox.api_key not in shown


_GarbageVersion = answering(
    200,
    b'{"jsonrpc": "2.0", "id": 1, "result": {"server_version_info": "garbage", "server_version": "x"}}',
    "application/json",
)


def test_a_server_whose_version_is_not_odoos_is_not_odoo() -> None:
    with serving(_GarbageVersion) as url, pytest.raises(errors.ConnectionProblem, match="'garbage' is not an Odoo"):
        OdooClient.connect(Endpoint(url, "db", "admin"), "key", policy=FAST)


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Answers a byte at a time, each well within the read timeout: only a deadline for the whole call ends it."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        try:
            for byte in answer:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            return

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_server_that_trickles_its_answer_is_given_up_on_at_the_calls_deadline() -> None:
    with serving(_Trickle) as url:
        endpoint = Endpoint(url, "db", "admin", timeout_seconds=0.5)
        started = time.monotonic()
        with pytest.raises(errors.TransientError, match=r"took more than 2 s in all"):
            OdooClient.connect(endpoint, "key", policy=RetryPolicy(attempts=1, max_seconds=5))
        assert time.monotonic() - started < 4  # the whole answer would take 7 s
