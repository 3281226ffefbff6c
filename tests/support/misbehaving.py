"""Servers that are not Odoo, or misbehave, for the tests of the client and of `connect`: an HTTP server answering
with a handler of the test's, a port that speaks another protocol, a port nothing listens at."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local HTTP server answering with `handler`, for servers that are not Odoo or misbehave; its URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Answering(http.server.BaseHTTPRequestHandler):
    """The same answer to every call; `requests` counts the calls. Made with `answering`."""

    status = 200
    content_type = "text/html"
    body = b""
    requests = 0

    def do_POST(self) -> None:
        type(self).requests += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        return


def answering(status: int, body: bytes, content_type: str = "text/html") -> type[Answering]:
    """A handler giving this answer to every call, with its own count of calls."""
    return type("Answering", (Answering,), {"status": status, "body": body, "content_type": content_type})


def unavailable() -> type[Answering]:
    """HTTP 503 to every call, as a proxy whose Odoo is down answers."""
    return answering(503, b"<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>")


class NotHttp:
    """A port that speaks another protocol, as an SSH server does: its greeting, then a complaint about what the
    client sent, then the connection closed. `connections` counts the clients.

    It reads the whole request before it closes: a socket closed with data unread sends a reset, which can overtake
    the greeting on the way, and a reset is a network failure to the client (retried), not a port that is not
    HTTP. A real SSH server may do either; the test pins the one that says what the port is."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> NotHttp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.connections += 1
            with client:
                try:
                    client.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
                    _read_request(client)
                    client.sendall(b"Invalid SSH identification string.\r\n")
                    client.shutdown(socket.SHUT_WR)
                except OSError:
                    pass


def _read_request(client: socket.socket) -> None:
    """Read an HTTP request to its end (headers, then Content-Length bytes of body), or until the client stops."""
    client.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    while len(body) < length:
        chunk = client.recv(65536)
        if not chunk:
            return
        body += chunk


def closed_port() -> str:
    """The URL of a local port nothing listens at."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
