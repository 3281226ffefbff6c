"""The wire: JSON-RPC (`/jsonrpc`, every version) and JSON-2 (`/json/2/…`, 19+) over one keep-alive httpx client.

A transport sends one call and turns every failure into an error of odoo/errors.py, telling apart what happened
before the request left (safe to send again) from what happened after (a write's outcome is then unknown).
Retrying is the client's business, not the transport's.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from email.utils import parsedate_to_datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx

from odoosync.domain.secrets import without_secret
from odoosync.odoo import errors

log = logging.getLogger("odoosync.odoo")

JSON_HEADERS = {"Content-Type": "application/json"}

try:
    USER_AGENT = f"odoosync/{metadata.version('odoosync')}"
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    USER_AGENT = "odoosync"

# Odoo's exception classes → ours. Anything not listed is a ServerError.
ODOO_ERRORS: dict[str, type[errors.OdooError]] = {
    "odoo.exceptions.AccessDenied": errors.AuthError,
    "werkzeug.exceptions.Unauthorized": errors.AuthError,
    "odoo.exceptions.AccessError": errors.AccessError,
    "odoo.exceptions.MissingError": errors.MissingRecord,
    "odoo.exceptions.ValidationError": errors.ValidationError,
    "odoo.exceptions.UserError": errors.UserError,
    "odoo.exceptions.RedirectWarning": errors.UserError,
    # Odoo retries these five times itself (odoo/service/model.py retrying); what comes through is transient.
    "psycopg2.errors.SerializationFailure": errors.TransientError,
    "psycopg2.errors.LockNotAvailable": errors.TransientError,
    "psycopg2.errors.DeadlockDetected": errors.TransientError,
    "psycopg2.extensions.TransactionRollbackError": errors.TransientError,
    "odoo.exceptions.ConcurrencyError": errors.TransientError,
    "odoo.exceptions.LockError": errors.TransientError,
}


DEADLINE_FACTOR = 4


@dataclass(frozen=True)
class Endpoint:
    """Where Odoo is and how to talk to it; the API key is held by the transport, never here."""

    url: str
    database: str
    login: str
    verify_tls: bool | Path = True
    timeout_seconds: float = 30.0

    @property
    def deadline_seconds(self) -> float:
        """How long one call may take in all: the timeout bounds each wait for a byte, so a server that trickles
        its answer would hold a call for ever without this."""
        return self.timeout_seconds * DEADLINE_FACTOR


def _verify(setting: bool | Path) -> bool | ssl.SSLContext:
    if setting is False:
        return False
    return _tls_context(setting if isinstance(setting, Path) else None)


@functools.cache
def _tls_context(cafile: Path | None) -> ssl.SSLContext:
    # Made once per process: reading the system's certificates takes some 40 ms, and a process may connect often
    # (the demo, doctor after connect, a test suite).
    return ssl.create_default_context(cafile=str(cafile)) if cafile else httpx.create_ssl_context()


def http_client(endpoint: Endpoint) -> httpx.Client:
    """One persistent client per run: keep-alive and pooled connections save a TCP and TLS set-up per call."""
    return httpx.Client(
        base_url=endpoint.url.rstrip("/"),
        verify=_verify(endpoint.verify_tls),
        timeout=httpx.Timeout(endpoint.timeout_seconds, connect=min(endpoint.timeout_seconds, 10.0)),
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_keepalive_connections=8, max_connections=16),
        follow_redirects=False,
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        try:
            return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
        except (TypeError, ValueError):
            return None


# What OpenSSL says when the other side of an https:// address answers in plain HTTP (or not in TLS at all).
NOT_TLS = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure", "packet length too long")
REFUSED_HINT = "Check that Odoo is running, and that the port in the URL is Odoo's (8069, or 443/80 behind a proxy)."
NOT_HTTP_HINT = (
    "Check that the port in the URL is Odoo's web port (8069, or 443/80 behind a proxy), and that the URL says "
    "https:// if the server speaks TLS; if it is Odoo's, its log (or the proxy's) says why it closed the connection."
)
UNAVAILABLE_HINT = (
    "Check that Odoo is running behind that address: a proxy answers 503 when it cannot reach Odoo, and Odoo while "
    "it starts, is in maintenance or has no worker free."
)
LIMITED_HINT = "Odoo, or the proxy in front of it, limits how many calls it takes: wait a minute."
UNREACHABLE_HINT = "Check that Odoo is up and reachable at that address (odoo.url)."
IN_BETWEEN_HINT = "Check what stands between odoosync and Odoo (a proxy, a CDN) and odoo.url."


def _connection_failure(error: httpx.TransportError, endpoint: Endpoint, *, sent: bool) -> errors.OdooError:
    """An httpx failure as odoosync's error. `sent`: whether the request may have reached the server."""
    text = str(error)
    where = endpoint.url
    if isinstance(error, httpx.ConnectError):
        if any(marker in text for marker in NOT_TLS):
            return errors.ConnectionProblem(
                f"{where} does not speak TLS at that port: an https:// address reached a server that answers in "
                "plain HTTP (or not in TLS)",
                "If Odoo serves plain HTTP at that port, write the URL with http://; for https, give the address "
                "of the proxy that serves it (usually port 443).",
            )
        if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
            detail = text.rsplit("]", maxsplit=1)[-1].strip() or "verification failed"
            return errors.ConnectionProblem(
                f"the TLS certificate of {where} is not trusted ({detail})",
                "If the server uses a private certificate authority, set odoo.verify_tls to the path of its CA "
                "bundle; turn verification off (verify_tls = false) only for a test server.",
            )
        if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
            return errors.ConnectionProblem(
                f"the host of {where} cannot be found (DNS)", "Check the spelling of the URL (odoo.url)."
            )
        if "refused" in text.lower():
            return errors.TransientError(
                f"cannot connect to {where}: the connection was refused (nothing listens at that port)",
                "odoosync retries later.",
                hint=REFUSED_HINT,
            )
        return errors.TransientError(
            f"cannot connect to {where}: {text or 'no connection'}", "odoosync retries later.", hint=UNREACHABLE_HINT
        )
    if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout):
        return errors.TransientError(
            f"connecting to {where} timed out",
            "The server or network is slow or down; odoosync retries later.",
            hint=UNREACHABLE_HINT,
        )
    if isinstance(error, httpx.RemoteProtocolError) and sent:
        # The port took the request and closed the connection without an HTTP answer: an answer that is not
        # Odoo's, as far as a call can tell (SSH, a database, TLS spoken to plain http://, a server that gave up).
        return errors.UnreadableAnswer(
            f"{where} closed the connection without an HTTP answer ({text.rstrip('.')}): the call may or may not "
            "have been done",
            "odoosync looks for the record in Odoo before trying again.",
            seen="no HTTP answer",
            hint=NOT_HTTP_HINT,
        )
    kind = "timed out" if isinstance(error, httpx.TimeoutException) else f"failed ({type(error).__name__})"
    if sent:
        return errors.OutcomeUnknown(
            f"the call to {where} {kind} after it was sent: it may or may not have been done",
            "odoosync looks for the record in Odoo before trying again.",
            hint=UNREACHABLE_HINT,
        )
    return errors.TransientError(f"the call to {where} {kind}", "odoosync retries later.", hint=UNREACHABLE_HINT)


def unreadable(endpoint: Endpoint, response: httpx.Response | None, what: str = "") -> errors.UnreadableAnswer:
    """An answer that is not Odoo's, after the call was sent."""
    seen = (
        f"HTTP {response.status_code}, {response.headers.get('content-type') or 'no content type'}"
        if response is not None
        else what
    )
    return errors.UnreadableAnswer(
        f"{endpoint.url} answered something that is not Odoo's answer ({seen}): the call may or may not have been done",
        "odoosync looks for the record in Odoo before trying again. If this keeps happening, check what stands "
        "between odoosync and Odoo (a proxy, a CDN) and odoo.url.",
        seen=seen,
        hint=IN_BETWEEN_HINT,
    )


def odoo_error(data: dict[str, Any], *, status: int | None = None) -> errors.OdooError:
    """Odoo's error payload ({name, message, …}) as one of our errors, Odoo's message kept verbatim."""
    name = str(data.get("name") or "")
    message = str(data.get("message") or name or "Odoo reported an error without a message")
    kind = ODOO_ERRORS.get(name, errors.ServerError)
    instruction = {
        errors.AuthError: "Check the login and API key (odoosync connect), and that the key has not expired.",
        errors.AccessError: "Give the Odoo user the access rights this needs (e.g. Accounting / Billing).",
        errors.TransientError: "Odoo was busy with a conflicting change; odoosync retries later.",
    }.get(kind)
    if kind is errors.TransientError:
        return errors.TransientError(
            message, instruction, odoo_name=name, hint="Odoo was busy with a conflicting change of the same records."
        )
    return kind(message, instruction, odoo_name=name)


class Transport:
    """What the client needs from a protocol."""

    protocol = ""

    def __init__(self, endpoint: Endpoint, api_key: str, client: httpx.Client | None = None) -> None:
        self.endpoint = endpoint
        self._key = api_key
        self.http = client or http_client(endpoint)
        self.calls = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.endpoint.url!r}, database={self.endpoint.database!r}, key=****)"

    def close(self) -> None:
        self.http.close()

    def _post(self, path: str, payload: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        self.calls += 1
        started = time.perf_counter()
        http = self.http
        overdue = threading.Event()

        def give_up() -> None:
            overdue.set()
            http.close()  # the waiting read fails at once; the next call gets a new client

        deadline = threading.Timer(self.endpoint.deadline_seconds, give_up)
        deadline.daemon = True
        deadline.start()
        try:
            response = http.post(path, content=encode_json(payload), headers={**JSON_HEADERS, **(headers or {})})
        except (httpx.TransportError, RuntimeError) as error:
            if overdue.is_set():
                self.http = http_client(self.endpoint)
                raise errors.OutcomeUnknown(
                    f"the call to {self.endpoint.url} took more than {self.endpoint.deadline_seconds:.0f} s in all "
                    "(the server answers too slowly): it may or may not have been done",
                    "odoosync looks for the record in Odoo before trying again.",
                    hint="Check what slows Odoo or the network down (odoo.timeout_seconds bounds each wait).",
                ) from None
            if isinstance(error, RuntimeError):
                raise
            sent = not isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
            raise _connection_failure(error, self.endpoint, sent=sent) from None
        finally:
            deadline.cancel()
        if overdue.is_set():  # the answer came as the deadline struck: the client is closed all the same
            self.http = http_client(self.endpoint)
        log.debug("POST %s → %s in %.0f ms", path, response.status_code, (time.perf_counter() - started) * 1000)
        if response.status_code == 429:
            # Refused before any work was done: safe to send again, after Retry-After when given.
            raise errors.TransientError(
                f"{self.endpoint.url} is overloaded (HTTP 429 Too Many Requests)",
                "odoosync waits and retries.",
                hint=LIMITED_HINT,
                retry_after=_retry_after(response),
            )
        if response.status_code == 503:
            raise errors.TransientError(
                f"{self.endpoint.url} answered HTTP 503 Service Unavailable: Odoo is busy, starting or in "
                "maintenance, or the proxy in front of it cannot reach it",
                "odoosync waits and retries.",
                hint=UNAVAILABLE_HINT,
                retry_after=_retry_after(response),
            )
        if response.status_code in (502, 504):
            # A gateway gave up on the server, which may still have done the work.
            raise errors.OutcomeUnknown(
                f"{self.endpoint.url} answered HTTP {response.status_code} (a gateway gave up waiting)",
                "odoosync looks for the record in Odoo before trying again.",
                hint="Check that Odoo is running behind the proxy; the proxy's log says why it gave up.",
            )
        return response

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise unreadable(self.endpoint, response) from None

    def execute(self, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any]) -> Any:
        with self.secret_kept():
            return self._execute(model, method, ids, kwargs)

    def _execute(self, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any]) -> Any:
        raise NotImplementedError

    @contextmanager
    def secret_kept(self) -> Iterator[None]:
        """Errors without the API key: a proxy or a misconfigured server may echo the request (JSON-RPC sends the
        key in every body) in its message, which is then printed, logged and stored with a job."""
        try:
            yield
        except errors.OdooError as error:
            error.reason = without_secret(error.reason, self._key)
            if error.instruction:
                error.instruction = without_secret(error.instruction, self._key)
            error.args = (error.reason,)
            raise


class JsonRpcTransport(Transport):
    """`/jsonrpc` with `execute_kw`: every version, the key sent as the password of each call."""

    protocol = "jsonrpc"

    def __init__(self, endpoint: Endpoint, api_key: str, client: httpx.Client | None = None) -> None:
        super().__init__(endpoint, api_key, client)
        self._ids = itertools.count(1)
        self.uid: int | None = None

    def rpc(self, service: str, method: str, *args: Any) -> Any:
        with self.secret_kept():
            return self._rpc(service, method, *args)

    def _rpc(self, service: str, method: str, *args: Any) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": next(self._ids),
        }
        response = self._post("/jsonrpc", payload)
        if response.status_code == 404:
            raise errors.ConnectionProblem(
                f"{self.endpoint.url} has no /jsonrpc endpoint (HTTP 404): not an Odoo server, or RPC is disabled",
                'Check odoo.url; on Odoo 20+ use protocol = "json2".',
            )
        answer = self._json(response)
        if not isinstance(answer, dict) or ("result" not in answer and "error" not in answer and "id" not in answer):
            raise unreadable(self.endpoint, response)
        if response.status_code != 200 and "error" not in answer:
            raise unreadable(self.endpoint, response)
        if "error" in answer:
            error = answer["error"]
            if not isinstance(error, dict) or not isinstance(error.get("data") or {}, dict):
                raise unreadable(self.endpoint, response)
            raise odoo_error(error.get("data") or {"message": error.get("message")})
        # A method returning None comes back with no `result` key at all.
        return answer.get("result")

    def authenticate(self) -> int:
        uid = self.rpc("common", "authenticate", self.endpoint.database, self.endpoint.login, self._key, {})
        if not uid:
            raise errors.AuthError(
                f"Odoo refused the login {self.endpoint.login!r} with this API key on database "
                f"{self.endpoint.database!r}",
                "Check the login (the user's email), the database name and the API key; create a new key in Odoo "
                "under Preferences → Account Security if it expired.",
            )
        self.uid = int(uid)
        return self.uid

    def _execute(self, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any]) -> Any:
        if self.uid is None:
            self.authenticate()
        args: list[Any] = [] if ids is None else [ids]
        if method == "create" and "vals_list" in kwargs:
            # Odoo 16/17 tell a single create from a batch by the first positional argument.
            kwargs = dict(kwargs)
            args.append(kwargs.pop("vals_list"))
        return self.rpc(
            "object", "execute_kw", self.endpoint.database, self.uid, self._key, model, method, args, kwargs
        )


def encode_json(value: Any) -> bytes:
    """JSON with every Decimal written as the exact number it holds ("869.57", never 869.5700000000001):
    money stays Decimal up to the wire, where Odoo reads it."""
    parts: list[str] = []
    _encode(value, parts.append)
    return "".join(parts).encode()


def _encode(value: Any, out: Callable[[str], None]) -> None:
    if isinstance(value, str):
        out(json.dumps(value, ensure_ascii=False))
    elif value is None or isinstance(value, bool | int | float):
        out(json.dumps(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send {value} to Odoo")
        out(format(value, "f"))
    elif isinstance(value, dict):
        out("{")
        for index, (key, item) in enumerate(value.items()):
            out(("," if index else "") + json.dumps(str(key), ensure_ascii=False) + ":")
            _encode(item, out)
        out("}")
    elif isinstance(value, list | tuple):
        out("[")
        for index, item in enumerate(value):
            if index:
                out(",")
            _encode(item, out)
        out("]")
    else:
        raise TypeError(f"cannot send a {type(value).__name__} to Odoo")


class Json2Transport(Transport):
    """`/json/2/<model>/<method>` (Odoo 19+): named arguments, a bearer key, bare JSON results."""

    protocol = "json2"

    def _execute(self, model: str, method: str, ids: list[int] | None, kwargs: dict[str, Any]) -> Any:
        body = dict(kwargs)
        if ids is not None:
            body["ids"] = ids
        headers = {"Authorization": f"bearer {self._key}", "X-Odoo-Database": self.endpoint.database}
        response = self._post(f"/json/2/{model}/{method}", body, headers)
        if response.status_code in (301, 302, 303, 307, 308):
            raise errors.ConnectionProblem(
                f"{self.endpoint.url} has no JSON-2 API (it redirected): it is older than Odoo 19",
                'Set odoo.protocol = "jsonrpc" (or "auto").',
            )
        if response.status_code == 200:
            return self._json(response)
        if response.status_code == 404 and "No database is selected" in response.text:
            # Real 19: a database the server does not serve answers Werkzeug's HTML page, not a JSON error.
            raise errors.ConnectionProblem(
                f"the database {self.endpoint.database!r} does not exist on {self.endpoint.url}",
                "Check odoo.database: on Odoo Online it is usually the name before .odoo.com.",
            )
        if response.status_code == 401:
            raise errors.AuthError(
                f"Odoo refused the login {self.endpoint.login!r} with this API key on database "
                f"{self.endpoint.database!r} (JSON-2: Invalid apikey)",
                "Check the API key (and that it has not expired); create a new key in Odoo under Preferences → "
                "Account Security if needed.",
            )
        data = self._json(response)
        if not isinstance(data, dict) or not ("name" in data or "message" in data):
            raise unreadable(self.endpoint, response)
        if response.status_code == 404 and str(data.get("name", "")).startswith("werkzeug"):
            raise errors.ServerError(str(data.get("message")), "Is the Odoo app that provides it installed?")
        raise odoo_error(data, status=response.status_code)
