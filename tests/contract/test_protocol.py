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

VERSION_CALL = {"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version", "args": []}}


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
    assert answer["error"]["code"] == (200 if odoo.version <= 18 else 0)
    assert answer["error"]["message"] == "Odoo Server Error"
    assert answer["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert answer["error"]["data"]["message"] == "Access Denied"


def test_an_error_answer_has_odoos_shape(odoo: Target) -> None:
    client = odoo.client
    answer = client.jsonrpc(
        "object",
        "execute_kw",
        client.database,
        client.uid,
        client.key,
        "account.move",
        "create",
        [{"move_type": "out_invoice", "partner_id": 2_000_000_000}],
        {},
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
    shown = "_compute_display_name" if odoo.version <= 17 else "'res.partner._compute_display_name'"
    assert caught.value.message == f"Private methods (such as {shown}) cannot be called remotely."


def test_web_version_arrived_with_19(odoo: Target) -> None:
    response = httpx.get(f"{odoo.client.url}/web/version")
    if odoo.version >= 19:
        assert response.status_code == 200
        answer = response.json()
        assert answer["version_info"] == [19, 0, 0, "final", 0, ""]
        # A build says its date: "19.0-20251216" from a source snapshot, "19.0" from a release.
        assert answer["version"] == "19.0" or answer["version"].startswith("19.0-")
    else:
        assert response.status_code == 404


def test_json2_is_there_from_19_and_redirects_before(odoo: Target) -> None:
    response = odoo.client.json2("res.partner", "search_count", domain=[])
    if odoo.version >= 19:
        assert response.status_code == 200
        assert isinstance(response.json(), int)
    else:
        # No such route: a redirect to the login page when the server has one database to offer, else Not Found
        # (real 16, 17 and 18 with several databases and no dbfilter answered 404).
        assert response.status_code in (303, 404)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/web/login?redirect=")


def test_json2_answers_bare_results_and_takes_named_arguments(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    single = odoo.client.json2("res.partner", "create", vals_list={"name": f"{odoo.prefix} single"})
    assert isinstance(single.json(), list)  # recordsets become id lists, even for one record
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
    assert (body["name"], body["message"]) == ("werkzeug.exceptions.Unauthorized", "Invalid apikey")
    assert body["arguments"] == ["Invalid apikey", 401]


def test_json2_unknown_model_is_404(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    response = odoo.client.json2("no.such.model", "search", domain=[])
    assert response.status_code == 404
    assert response.json()["message"] == "the model 'no.such.model' does not exist"
    method = odoo.client.json2("res.partner", "no_such_method")
    assert method.status_code == 404
    assert method.json()["message"] == "The method 'res.partner.no_such_method' does not exist"


def test_json2_bad_arguments_are_422(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    response = odoo.client.json2("res.partner", "search_count", colour="blue")
    assert response.status_code == 422
    assert response.json()["name"] == "werkzeug.exceptions.UnprocessableEntity"


def test_json2_errors_carry_odoos_fields(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    response = odoo.client.json2(
        "account.move", "create", vals_list=[{"move_type": "out_invoice", "partner_id": 2_000_000_000}]
    )
    assert response.status_code == 404
    body = response.json()
    assert {"name", "message", "arguments", "context", "debug"} <= set(body)
    assert body["name"] == "odoo.exceptions.MissingError"


def test_odoos_own_server_closes_the_connection_after_each_answer(odoo: Target) -> None:
    """odoo-bin's werkzeug server closes every connection (real 17 to 19 say `Connection: close`; 16 answers as
    HTTP/1.0): keep-alive exists only behind a reverse proxy (Odoo Online, Odoo.sh, nginx). The sandbox, served
    plainly, does the same."""
    response = httpx.post(f"{odoo.client.url}/jsonrpc", json=VERSION_CALL)
    if odoo.sandbox is None and "werkzeug" not in response.headers.get("server", "").casefold():
        pytest.skip(f"the live server answers through {response.headers.get('server')!r}, not Odoo's own server")
    if odoo.version <= 16:
        assert response.http_version == "HTTP/1.0"
        assert "connection" not in response.headers
    else:
        assert response.http_version == "HTTP/1.1"
        assert response.headers["connection"] == "close"
    assert response.json()["result"]["server_serie"] == f"{odoo.version}.0"


def test_behind_a_proxy_several_calls_share_one_keep_alive_connection(odoo: Target) -> None:
    parts = urlsplit(odoo.client.url)
    if odoo.sandbox is None:
        probe = httpx.post(f"{odoo.client.url}/jsonrpc", json=VERSION_CALL)
        if probe.headers.get("connection") == "close" or probe.http_version == "HTTP/1.0":
            pytest.skip("the live server is Odoo's own, which closes every connection (no proxy in front)")
    else:
        odoo.sandbox.keep_alive = True  # as Odoo Online and Odoo.sh are reached
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


def test_error_arguments_repeat_the_message(odoo: Target) -> None:
    client = odoo.client
    values = {"move_type": "out_invoice", "partner_id": 2_000_000_000}
    answer = client.jsonrpc(
        "object", "execute_kw", client.database, client.uid, client.key, "account.move", "create", [values], {}
    )
    data = answer["error"]["data"]
    assert data["arguments"] == [data["message"]]


def test_reading_ids_that_do_not_exist_leaves_them_out(odoo: Target) -> None:
    [country] = odoo.client.call("res.country", "search", [["code", "=", "SA"]])
    rows = odoo.client.call("res.country", "read", [country, 2_000_000_000], fields=["code"])
    assert rows == [{"id": country, "code": "SA"}]


def test_an_unknown_model_is_a_user_error(odoo: Target) -> None:
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("no.such.model", "search", [])
    assert (caught.value.name, caught.value.message) == (
        "odoo.exceptions.UserError",
        "Object no.such.model doesn't exist",
    )


def test_an_unknown_method_is_an_attribute_error(odoo: Target) -> None:
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("res.partner", "no_such_method", [])
    assert caught.value.name == "builtins.AttributeError"
    assert "no_such_method" in caught.value.message


def test_a_body_that_is_not_json_is_a_plain_400(odoo: Target) -> None:
    response = odoo.client.http.post("/jsonrpc", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.text == "Invalid JSON data"


def test_json2_to_a_database_the_server_does_not_have_is_an_html_not_found(odoo: Target) -> None:
    """Real 19: no such database means only the server-wide routes, and none matches: Werkzeug's 404 page, whatever
    the key (not a JSON error)."""
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    response = odoo.client.http.post(
        "/json/2/res.users/context_get",
        json={},
        headers={"Authorization": "bearer not-a-key", "X-Odoo-Database": "no-such-database"},
    )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No database is selected" in response.text


def test_json2_with_a_wrong_key_is_unauthorized(odoo: Target) -> None:
    if odoo.version < 19:
        pytest.skip("JSON-2 arrived in Odoo 19")
    response = odoo.client.json2("res.users", "context_get", key="not-a-key")
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid apikey"
    assert odoo.client.json2("res.users", "context_get").json()["uid"] == odoo.client.uid
