"""The wire: JSON-RPC envelope, common service, authentication, errors, JSON-2, keep-alive."""

from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit

import httpx
import pytest

from tests.contract.client import OdooFault, RpcClient
from tests.contract.conftest import Target


def test_common_version_names_the_server(odoo: Target) -> None:
    info = odoo.client.common("version")
    assert info["server_version_info"][0] == odoo.version
    assert info["server_serie"] == f"{odoo.version}.0"
    assert info["server_version"].startswith(f"{odoo.version}.")
    assert info["protocol_version"] == 1


def test_authenticate_with_the_api_key_gives_the_uid(odoo: Target) -> None:
    client = odoo.client
    uid = client.common("authenticate", client.database, client.login, client.key, {})
    assert isinstance(uid, int)
    assert uid > 0
    assert client.common("login", client.database, client.login, client.key) == uid


def test_wrong_credentials_answer_false_not_an_error(odoo: Target) -> None:
    client = odoo.client
    answer = client.jsonrpc("common", "authenticate", client.database, client.login, "not-the-key", {})
    assert answer["result"] is False
    assert "error" not in answer


def test_execute_kw_with_a_wrong_key_is_access_denied(odoo: Target) -> None:
    client = odoo.client
    answer = client.jsonrpc(
        "object", "execute_kw", client.database, client.uid, "wrong-key", "res.partner", "search", [[]], {}
    )
    assert answer["error"]["code"] == 200
    assert answer["error"]["message"] == "Odoo Server Error"
    assert answer["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"


def test_an_error_answer_has_odoos_shape(odoo: Target) -> None:
    client = odoo.client
    answer = client.jsonrpc(
        "object",
        "execute_kw",
        client.database,
        client.uid,
        client.key,
        "res.partner",
        "read",
        [[2_000_000_000]],
        {"fields": ["name"]},
    )
    assert answer["jsonrpc"] == "2.0"
    assert "result" not in answer
    data = answer["error"]["data"]
    assert {"name", "message", "arguments", "context", "debug"} <= set(data)
    assert data["name"] == "odoo.exceptions.MissingError"
    assert data["message"].startswith("Record does not exist or has been deleted.")


def test_private_methods_cannot_be_called(odoo: Target) -> None:
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("res.partner", "_compute_display_name", [1])
    assert caught.value.name == "odoo.exceptions.AccessError"
    assert "cannot be called remotely" in caught.value.message


def test_web_version(odoo: Target) -> None:
    response = httpx.get(f"{odoo.client.url}/web/version")
    assert response.status_code == 200
    assert response.json()["version_info"][0] == odoo.version


def test_json2_is_there_from_19_and_redirects_before(odoo: Target) -> None:
    response = odoo.client.json2("res.partner", "search_count", domain=[])
    if odoo.version >= 19:
        assert response.status_code == 200
        assert isinstance(response.json(), int)
    else:
        assert response.status_code == 303


def test_json2_answers_bare_results_and_takes_named_arguments(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    created = odoo.client.json2("res.partner", "create", vals_list=[{"name": f"{odoo.prefix} A"}])
    assert created.status_code == 200
    ids = created.json()
    assert isinstance(ids, list)
    assert len(ids) == 1
    read = odoo.client.json2("res.partner", "read", ids=ids, fields=["name"])
    assert read.json() == [{"id": ids[0], "name": f"{odoo.prefix} A"}]


def test_json2_refuses_a_wrong_key_with_401(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    response = odoo.client.json2("res.partner", "search", key="wrong", domain=[])
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == "Invalid apikey"
    assert body["name"] == "odoo.exceptions.AccessDenied"


def test_json2_unknown_model_is_404(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    assert odoo.client.json2("no.such.model", "search", domain=[]).status_code == 404


def test_json2_errors_carry_odoos_fields(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    response = odoo.client.json2("res.partner", "read", ids=[2_000_000_000], fields=["name"])
    assert 400 <= response.status_code < 500
    body = response.json()
    assert {"name", "message", "arguments", "context", "debug"} <= set(body)
    assert body["name"] == "odoo.exceptions.MissingError"


def test_several_calls_share_one_keep_alive_connection(odoo: Target) -> None:
    parts = urlsplit(odoo.client.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version", "args": []}, "id": 1}
    )
    sockets = []
    for _ in range(3):
        connection.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["result"]["server_serie"] == f"{odoo.version}.0"
        sockets.append(connection.sock)
    assert sockets[0] is not None
    assert sockets[0] is sockets[1] is sockets[2]
    connection.close()


def test_concurrent_clients_are_served(odoo: Target) -> None:
    errors: list[BaseException] = []
    results: list[int] = []

    def work() -> None:
        client = RpcClient(odoo.client.url, odoo.client.database, odoo.client.login, odoo.client.key)
        try:
            for _ in range(10):
                results.append(client.call("res.partner", "search_count", []))
        except BaseException as error:
            errors.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 60
