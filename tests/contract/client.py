"""A deliberately plain Odoo client for the contract tests, independent of odoosync's own client."""

from __future__ import annotations

import functools
import itertools
import ssl
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class OdooFault(Exception):
    """An error answer: Odoo's exception class name and message, and the HTTP status."""

    name: str
    message: str
    status: int = 200
    code: int | None = None


@functools.cache
def _tls() -> ssl.SSLContext:
    # One context for every client: reading the system's certificates takes 40 ms, and tests make hundreds.
    return httpx.create_ssl_context()


class RpcClient:
    def __init__(self, url: str, database: str, login: str, key: str) -> None:
        self.url = url.rstrip("/")
        self.database = database
        self.login = login
        self.key = key
        self.http = httpx.Client(base_url=self.url, timeout=30, verify=_tls())
        self._ids = itertools.count(1)
        self._uid: int | None = None

    def close(self) -> None:
        self.http.close()

    def jsonrpc(self, service: str, method: str, *args: Any) -> dict[str, Any]:
        """The whole JSON-RPC answer, for tests of the envelope itself."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": next(self._ids),
        }
        response = self.http.post("/jsonrpc", json=payload)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def common(self, method: str, *args: Any) -> Any:
        answer = self.jsonrpc("common", method, *args)
        if "error" in answer:
            raise OdooFault(answer["error"]["data"]["name"], answer["error"]["data"]["message"])
        return answer.get("result")

    @property
    def uid(self) -> int:
        if self._uid is None:
            uid = self.common("authenticate", self.database, self.login, self.key, {})
            assert isinstance(uid, int), "the test credentials do not authenticate"
            self._uid = uid
        return self._uid

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        answer = self.jsonrpc(
            "object", "execute_kw", self.database, self.uid, self.key, model, method, list(args), kwargs
        )
        if "error" in answer:
            error = answer["error"]
            raise OdooFault(error["data"]["name"], error["data"]["message"], code=error["code"])
        return answer.get("result")

    def json2(self, model: str, method: str, key: str | None = None, **body: Any) -> httpx.Response:
        headers = {"Authorization": f"bearer {self.key if key is None else key}", "X-Odoo-Database": self.database}
        return self.http.post(f"/json/2/{model}/{method}", json=body, headers=headers, follow_redirects=False)
