"""Servers that are not Odoo, or misbehave, for the tests of the client and of `connect`: an HTTP server answering
with a handler of the test's, a port that speaks another protocol, a port nothing listens at."""

from __future__ import annotations

import http.server
import socket
import struct
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
    client sent, then the connection closed. `connections` counts the clients. With `resets`, it reads the start of
    the request and resets the connection, as a server closing with the request unread does."""

    def __init__(self, *, resets: bool = False) -> None:
        self.resets = resets
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
                if self.resets:
                    client.recv(16)
                    # Linger 0: the close sends a reset, not the orderly end of the connection.
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    continue
                try:
                    client.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
                    client.recv(65536)
                    client.sendall(b"Invalid SSH identification string.\r\n")
                except OSError:
                    pass


def closed_port() -> str:
    """The URL of a local port nothing listens at."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
