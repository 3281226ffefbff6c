"""`odoosync sandbox serve` as a real process: ready to use, and stopped by Ctrl-C."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import httpx

from tests.support.processes import started, stop


def serving(*options: str) -> AbstractContextManager[subprocess.Popen[str]]:
    """`odoosync sandbox serve --port 0 --json` with `options`, as its own process, ended for sure on leaving."""
    command = [sys.executable, "-m", "odoosync", "sandbox", "serve", "--port", "0", "--json", *options]
    return started(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_prints_the_connection_and_answers_until_interrupted() -> None:
    with serving("--version", "19") as process:
        assert process.stdout is not None
        details = json.loads(process.stdout.readline())
        assert set(details) == {"url", "database", "login", "api_key", "version", "ca_file"}
        assert details["version"] == 19
        response = httpx.post(
            f"{details['url']}/json/2/res.partner/search_count",
            json={"domain": []},
            headers={"Authorization": f"bearer {details['api_key']}"},
        )
        assert response.status_code == 200
        assert response.json() >= 2
        _, err = stop(process)  # Ctrl-C
    assert process.returncode == 0
    assert "sandbox stopped" in err


def test_an_unknown_version_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "odoosync", "sandbox", "serve", "--version", "15"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "imitates Odoo 16, 17, 18 and 19" in result.stderr


def _connection_header(options: list[str]) -> tuple[str | None, int]:
    """Serve with `options`, make two calls on one connection: what the first answer's Connection header says,
    and how many calls that one connection carried (1 when the server closed it)."""
    with serving("--version", "17", *options) as process:
        assert process.stdout is not None
        details = json.loads(process.stdout.readline())
        parts = urlsplit(details["url"])
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version"}})
        headers = {"Content-Type": "application/json"}
        connection.request("POST", "/jsonrpc", body, headers)
        first = connection.getresponse()
        header = first.getheader("Connection")
        assert json.loads(first.read())["result"]["server_version_info"][0] == 17
        carried = 1
        if not first.will_close:
            connection.request("POST", "/jsonrpc", body, headers)
            connection.getresponse().read()
            carried = 2
        connection.close()
    return header, carried


def test_served_plainly_it_closes_each_connection_as_odoos_own_server_does() -> None:
    assert _connection_header([]) == ("close", 1)
    assert _connection_header(["--close"]) == ("close", 1)


def test_keep_alive_keeps_the_connection_open_as_a_proxy_in_front_of_odoo_does() -> None:
    header, carried = _connection_header(["--keep-alive"])
    assert header != "close"
    assert carried == 2


def test_a_port_in_use_is_said_plainly() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "odoosync", "sandbox", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 78
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert "internal error" not in result.stderr
