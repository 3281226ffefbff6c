"""The HTTP face of the sandbox: Odoo's /jsonrpc and /json/2 endpoints over HTTP/1.1 keep-alive."""

from __future__ import annotations

import contextlib
import json
import random
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

from odoosync.sandbox import errors
from odoosync.sandbox.faults import FAULTS
from odoosync.sandbox.instance import JSON2_SINCE, OdooInstance

# What a client may get instead of Odoo's answer once the call was done: a proxy's error page, a CDN's timeout
# page, a maintenance page, garbage, an empty object, a cut answer ("garble" picks one of these).
GARBLED: tuple[tuple[int, str, bytes], ...] = (
    (500, "text/html", b"<html><body><h1>500 Internal Server Error</h1>nginx</body></html>"),
    (524, "text/html", b"<html><body>Error 524: A timeout occurred (Cloudflare)</body></html>"),
    (200, "text/html", b"<html><body>Down for maintenance, back soon.</body></html>"),
    (200, "application/json", b"\x8b\x00garbage\xff"),
    (200, "application/json", b"{}"),
    (200, "application/json", b""),  # the real answer cut in half (see Handler._garble)
)


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return json.dumps(value, default=_encode, ensure_ascii=False).encode()


NO_DATABASE_PAGE = (
    b"<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the requested "
    b"URL was not found in the server-wide controllers.</p>\n<p>Please verify the hostname, <a href=/web/login>login"
    b"</a> and try again.</p>\n"
)


@dataclass
class FaultPlan:
    """Which faults to inject, how often, and a seeded generator so that a failing run can be replayed."""

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULTS
    seed: int = 0
    slow_seconds: float = 5.0

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault {sorted(unknown)}: choose from {', '.join(FAULTS)}")
        self._random = random.Random(self.seed)  # noqa: S311 - replayable faults, not security
        self._lock = threading.Lock()
        self.injected: list[str] = []
        self.garbled: list[int] = []  # which of GARBLED each "garble" answered with

    def garble(self) -> int:
        """Which of GARBLED this "garble" answers with, from the same seeded generator."""
        with self._lock:
            chosen = self._random.randrange(len(GARBLED))
            self.garbled.append(chosen)
            return chosen

    def draw(self) -> str | None:
        if not self.rate:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            fault = self._random.choice(self.kinds)
            self.injected.append(fault)
            return fault


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        instance: OdooInstance,
        faults: FaultPlan,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        # Set before binding: a port in use makes socketserver call server_close(), which uses them.
        self._open: set[Any] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, Handler)
        self.instance = instance
        self.faults = faults
        self.tls = tls
        # Calls being answered at once, and the most seen: what a cap on concurrent calls is checked against.
        self.think_seconds = 0.0
        self.keep_alive = True
        self.in_flight = 0
        self.max_in_flight = 0
        self._flight_lock = threading.Lock()

    def flight(self, change: int) -> None:
        with self._flight_lock:
            self.in_flight += change
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake happens here, in the connection's own thread, so a slow client cannot hold up accept.
        if self.tls is not None:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self._open_lock:
            self._open.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)
            request.close()

    def server_close(self) -> None:
        """Close the listening socket and every connection still kept alive by a client."""
        super().server_close()
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._open.clear()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as two writes; without this, Nagle plus the client's delayed ACK stall each
        # answer on a keep-alive connection by up to 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return

    # --- plumbing ---

    def _send(self, status: int, body: bytes, content_type: str = "application/json", **headers: str) -> None:
        self._landed()
        bare_16 = not self.server.keep_alive and self.server.instance.version <= 16
        if bare_16:
            # 16's werkzeug (2.0) answers as HTTP/1.0 with no Connection header: closed all the same.
            self.protocol_version = "HTTP/1.0"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if bare_16:
            self.close_connection = True
        elif not self.server.keep_alive:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        """Drop the connection with a TCP reset, as a crashed proxy or server does."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _fault(self) -> tuple[str | None, bool]:
        """The fault for this call (if any) and whether the call is already answered by it."""
        fault = self.server.faults.draw()
        if fault == "429":
            self._send(429, b"Too Many Requests", "text/plain", Retry_After="1")
            return fault, True
        if fault == "503":
            self._send(503, b"Service Unavailable", "text/plain")
            return fault, True
        if fault == "reset":
            self._reset()
            return fault, True
        return fault, False

    def _garble(self, answer: bytes) -> None:
        """Answer with something that is not Odoo's answer, the call's work being done."""
        status, content_type, body = GARBLED[self.server.faults.garble()]
        self._send(status, body or answer[: len(answer) // 2], content_type)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else {}

    # --- routes ---

    def do_GET(self) -> None:
        # /web/version arrived with the rpc addon of 19; earlier versions answer 404.
        if self.path.rstrip("/") in ("/web/version", "/json/version") and self.server.instance.version >= JSON2_SINCE:
            info = self.server.instance.version_info()
            self._send(200, dumps({"version_info": info["server_version_info"], "version": info["server_version"]}))
        else:
            self._send(404, b"Not Found", "text/plain")

    def do_POST(self) -> None:
        self.server.flight(+1)
        self._in_flight = True
        try:
            if self.server.think_seconds:
                time.sleep(self.server.think_seconds)  # a server busy with each call, as a loaded Odoo is
            self._post()
        finally:
            self._landed()

    def _landed(self) -> None:
        """The call is done: counted out before its answer leaves, so that a client holding its answer (and
        sending the next call) never finds it still counted, however late this thread runs."""
        if getattr(self, "_in_flight", False):
            self._in_flight = False
            self.server.flight(-1)

    def _post(self) -> None:
        try:
            body = self._body()
        except (ValueError, UnicodeDecodeError):
            # odoo/http.py: a plain-text 400, not a JSON-RPC envelope.
            self._send(400, b"Invalid JSON data", "text/plain")
            return
        if self.path == "/jsonrpc":
            if not isinstance(body, dict):
                self._send(400, b"Invalid JSON-RPC data", "text/plain")
                return
            self._jsonrpc(body)
        elif self.path.startswith("/json/2/"):
            self._json2(body)
        else:
            self._send(404, b"Not Found", "text/plain")

    # --- JSON-RPC ---

    def _jsonrpc(self, body: Any) -> None:
        request_id = body.get("id") if isinstance(body, dict) else None
        fault, answered = self._fault()
        if answered:
            return
        try:
            if fault == "concurrency":
                raise errors.ConcurrencyError()
            params = body.get("params") or {}
            result = self._dispatch(params.get("service"), params.get("method"), list(params.get("args") or []))
            response: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
            if result is not None:  # odoo/http.py leaves `result` out when the method returned None
                response["result"] = result
        except errors.OdooError as error:
            response = {
                "jsonrpc": "2.0",
                "id": request_id,
                "error": {
                    "code": self.server.instance.error_code,
                    "message": "Odoo Server Error",
                    "data": error.data(),
                },
            }
        if fault == "timeout":
            time.sleep(self.server.faults.slow_seconds)
        if fault == "garble":
            self._garble(dumps(response))
            return
        self._send(200, dumps(response))

    def _dispatch(self, service: Any, method: Any, args: list[Any]) -> Any:
        instance = self.server.instance
        if service == "common":
            if method == "version":
                return instance.version_info()
            if method in ("login", "authenticate"):
                if len(args) < 3:
                    raise errors.ServerError("builtins.TypeError", f"{method}() missing required arguments")
                return instance.authenticate(args[0], args[1], args[2])
            raise errors.ServerError("builtins.Exception", f"Method not found: {method}")
        if service == "db" and method == "list":
            return [instance.db.name]
        if service == "object" and method not in ("execute_kw", "execute"):
            raise errors.ServerError("builtins.NameError", f"Method not available {method}")
        if service == "object":
            if len(args) < 5:
                raise errors.ServerError("builtins.TypeError", f"{method}() missing required arguments")
            database, uid, secret, model, name = args[:5]
            uid = instance.check_uid(database, uid, secret)
            if method == "execute":
                return instance.execute_kw(uid, model, name, args[5:], {})
            return instance.execute_kw(
                uid, model, name, args[5] if len(args) > 5 else [], args[6] if len(args) > 6 else {}
            )
        raise errors.ServerError("builtins.KeyError", repr(service))

    # --- JSON-2 ---

    def _json2(self, body: Any) -> None:
        instance = self.server.instance
        if instance.version < JSON2_SINCE:
            # Odoo 18 and earlier have no such route: /json/<path> needs a session, so the web layer redirects.
            self._send(303, b"", "text/html", Location=f"/web/login?redirect={quote(self.path, safe='')}")
            return
        fault, answered = self._fault()
        if answered:
            return
        database = self.headers.get("X-Odoo-Database")
        if database and database != instance.db.name:
            # No such database: odoo/http.py serves the server-wide routes only, and none matches (real 19).
            self._send(404, NO_DATABASE_PAGE, "text/html; charset=utf-8")
            return
        scheme, _, key = (self.headers.get("Authorization") or "").partition(" ")
        uid = instance.uid_for_key(key.strip()) if scheme.lower() == "bearer" else None
        if uid is None:
            self._json2_error(errors.HttpError("Unauthorized", 401, "Invalid apikey"))
            return
        parts = self.path.split("?", 1)[0].split("/")
        if len(parts) != 5 or not parts[3] or not parts[4]:
            self._json2_error(errors.HttpError("NotFound", 404, "Did you mean POST /json/2/<model>/<method>?"))
            return
        model, method = parts[3], parts[4]
        if not isinstance(body, dict):
            body = {}  # json2.py ignores a body that is not an object
        kwargs = dict(body)
        ids = kwargs.pop("ids", None)
        args = [ids] if ids is not None else []
        try:
            if fault == "concurrency":
                raise errors.ConcurrencyError()
            result = instance.execute_kw(uid, model, method, args, kwargs, protocol="json2")
        except errors.OdooError as error:
            self._json2_error(error)
            return
        if method == "create" and isinstance(result, int):
            result = [result]  # json2.py turns every recordset into its ids: create always answers a list
        if fault == "timeout":
            time.sleep(self.server.faults.slow_seconds)
        if fault == "garble":
            self._garble(dumps(result))
            return
        self._send(200, dumps(result))

    def _json2_error(self, error: errors.OdooError) -> None:
        # Odoo's own exceptions carry their status; any other Python error is a 500 (http.py Json2Dispatcher).
        status = 500 if isinstance(error, errors.ServerError | errors.ConcurrencyError) else error.http_status
        self._send(status, dumps(error.data()))
