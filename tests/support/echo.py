"""A proxy in front of the sandbox that echoes the request it got in Odoo's error message, as a misconfigured
proxy or server does: headers and body, the API key with them (JSON-RPC sends it in every body, JSON-2 in a
header). Calls it does not echo go through to the sandbox."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable
from types import TracebackType

import httpx


class EchoingProxy:
    def __init__(self, upstream: str, echo: Callable[[str, bytes], bool]) -> None:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if echo(self.path, body):
                    seen = f"{self.requestline}\n{self.headers}\n{body.decode(errors='replace')}"
                    error = {"name": "odoo.exceptions.UserError", "message": f"Bad request: {seen}"}
                    if self.path == "/jsonrpc":
                        request_id = json.loads(body).get("id")
                        answer = {"jsonrpc": "2.0", "id": request_id, "error": {"code": 200, "data": error}}
                        self._answer(200, json.dumps(answer).encode())
                    else:
                        self._answer(422, json.dumps(error).encode())
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                forwarded = proxy.client.post(f"{upstream}{self.path}", content=body, headers=headers)
                self._answer(forwarded.status_code, forwarded.content, forwarded.headers.get("content-type"))

            def _answer(self, status: int, body: bytes, content_type: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type or "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.client = httpx.Client(timeout=30)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> EchoingProxy:
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.client.close()
