"""The Odoo client every part of odoosync uses: typed operations over JSON-RPC or JSON-2, retried safely.

Reads are retried on transient errors with exponential backoff and jitter, within a bounded time, honouring
Retry-After. Calls that change data are retried only when the server certainly did not act on them (it could not
be reached, it answered 429/503, or Odoo rolled back a concurrency conflict); when a change was sent and no answer
came, `OutcomeUnknown` goes up to the caller, who must look before sending it again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay
from tenacity.wait import wait_exponential_jitter

from odoosync.odoo import errors
from odoosync.odoo.transport import Endpoint, Json2Transport, JsonRpcTransport, Transport, http_client
from odoosync.odoo.versions import OdooVersion

log = logging.getLogger("odoosync.odoo")

Protocol = Literal["auto", "jsonrpc", "json2"]
T = TypeVar("T")

# Methods that only read: safe to send again whatever happened to the first try.
READ_METHODS = frozenset(
    {
        "search",
        "search_read",
        "read",
        "search_count",
        "fields_get",
        "name_search",
        "context_get",
        "default_get",
        "has_group",
    }
)


TRIED = (
    "odoosync tried again a few times without success. Try later; a scheduled sync puts its jobs back and "
    "retries them by itself."
)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    max_seconds: float = 60.0
    initial_wait: float = 0.5
    max_wait: float = 10.0
    # What to do once the retries are spent: a sync's jobs wait for the next run; a person at connect does not.
    # Said after the failure's own hint (what to check), when it has one.
    gave_up: str = TRIED

    def instruction(self, error: errors.OdooError) -> str:
        return f"{error.hint} {self.gave_up}" if error.hint else self.gave_up


@dataclass(frozen=True)
class Identity:
    """Who odoosync is in Odoo."""

    uid: int
    name: str
    login: str
    company_id: int
    company_ids: tuple[int, ...]
    lang: str


def _retryable_read(error: BaseException) -> bool:
    # A read has no unknown outcome: sending it again is always safe.
    return isinstance(error, errors.TransientError | errors.OutcomeUnknown)


def _retryable_write(error: BaseException) -> bool:
    # The transport raises TransientError for a change only when the server certainly did not act on it.
    return isinstance(error, errors.TransientError)


def _wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(multiplier=policy.initial_wait, max=policy.max_wait, jitter=policy.initial_wait)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        after = getattr(error, "retry_after", None)
        return max(float(after), backoff(state)) if after else backoff(state)

    return wait


def _ints(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)


# What each method answers, when it answers at all: anything else came from something that is not Odoo.
ANSWERS: dict[str, Callable[[Any], bool]] = {
    "search": _ints,
    "create": lambda a: _ints(a) or (isinstance(a, int) and not isinstance(a, bool)),
    "read": lambda a: isinstance(a, list) and all(isinstance(r, dict) and "id" in r for r in a),
    "search_read": lambda a: isinstance(a, list) and all(isinstance(r, dict) and "id" in r for r in a),
    "search_count": lambda a: isinstance(a, int) and not isinstance(a, bool),
    "write": lambda a: isinstance(a, bool),
    "context_get": lambda a: isinstance(a, dict),
    "fields_get": lambda a: isinstance(a, dict),
    "default_get": lambda a: isinstance(a, dict),
}


def _answer_fits(method: str, answer: Any) -> bool:
    check = ANSWERS.get(method)
    return check is None or check(answer)


NOT_ODOO = "Check odoo.url: it should be the address you open Odoo with, e.g. https://example.odoo.com."


def _ask_version(probe: JsonRpcTransport) -> dict[str, Any]:
    """The server's version, the first call to it: an answer that is not Odoo's here means the URL is not an Odoo
    server's (nothing was changed, so nothing is unknown)."""
    try:
        info = probe.rpc("common", "version")
    except errors.UnreadableAnswer as error:
        raise errors.ConnectionProblem(
            f"{probe.endpoint.url} did not answer as an Odoo server ({error.seen})",
            error.hint or NOT_ODOO,
        ) from None
    if not isinstance(info, dict) or "server_version_info" not in info:
        raise errors.ConnectionProblem(f"{probe.endpoint.url} did not answer as an Odoo server", NOT_ODOO)
    return info


class OdooClient:
    """A connection to one Odoo database as one user. Use `OdooClient.connect(...)`; close it when done."""

    def __init__(self, transport: Transport, version: OdooVersion, policy: RetryPolicy | None = None) -> None:
        self.transport = transport
        self.version = version
        self.policy = policy or RetryPolicy()
        # Entered around every call: several workers use it to share a cap on concurrent calls to one database.
        self.gate: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext
        self._user_context: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"OdooClient({self.transport.endpoint.url!r}, Odoo {self.version.label}, {self.protocol})"

    @property
    def protocol(self) -> str:
        return self.transport.protocol

    @property
    def calls(self) -> int:
        """How many HTTP calls this client made (retries included)."""
        return self.transport.calls

    @classmethod
    def connect(
        cls,
        endpoint: Endpoint,
        api_key: str,
        *,
        protocol: Protocol = "auto",
        policy: RetryPolicy | None = None,
    ) -> OdooClient:
        """Ask the server its version, choose the protocol (JSON-2 from 19 when "auto"), and check the key."""
        http = http_client(endpoint)
        try:
            probe = JsonRpcTransport(endpoint, api_key, http)
            client = cls(probe, OdooVersion(0, "?"), policy)
            info = client._with_retries(lambda: _ask_version(probe), read=True)
            try:
                version = OdooVersion.from_info(info)
            except ValueError as error:
                raise errors.ConnectionProblem(
                    f"{endpoint.url} did not answer as an Odoo server: {error}", NOT_ODOO
                ) from None
            use_json2 = protocol == "json2" or (protocol == "auto" and version.has_json2)
            if protocol == "json2" and not version.has_json2:
                raise errors.ConnectionProblem(
                    f"Odoo {version.label} has no JSON-2 API (it arrived in Odoo 19)",
                    'Set odoo.protocol = "auto" or "jsonrpc".',
                )
            transport: Transport = Json2Transport(endpoint, api_key, http) if use_json2 else probe
            client = cls(transport, version, policy)
            if isinstance(transport, JsonRpcTransport):
                client._with_retries(transport.authenticate, read=True)
            else:
                client.user_context()  # JSON-2 has no login: the first call proves the key
            return client
        except errors.ServerError as error:
            http.close()
            if "database" in error.reason and "does not exist" in error.reason:
                raise errors.ConnectionProblem(
                    f"the database {endpoint.database!r} does not exist on {endpoint.url}",
                    "Check odoo.database: on Odoo Online it is usually the name before .odoo.com.",
                ) from None
            raise
        except BaseException:
            http.close()
            raise

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> OdooClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- retries ---

    def _with_retries(self, call: Callable[[], T], *, read: bool) -> T:
        retrying = Retrying(
            retry=retry_if_exception(_retryable_read if read else _retryable_write),
            stop=stop_after_attempt(self.policy.attempts) | stop_after_delay(self.policy.max_seconds),
            wait=_wait(self.policy),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return call()
        except errors.OutcomeUnknown as error:
            if read:
                raise errors.TransientError(error.reason, self.policy.instruction(error), hint=error.hint) from None
            raise
        except errors.TransientError as error:
            # The retries are spent: say so, rather than the first failure's "odoosync waits and retries".
            raise errors.TransientError(
                error.reason, self.policy.instruction(error), hint=error.hint, retry_after=error.retry_after
            ) from None
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    # --- operations ---

    def call(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call any public method; `ids` for methods on records, named arguments only (as JSON-2 wants)."""
        if context:
            kwargs["context"] = dict(context)
        id_list = None if ids is None else list(ids)
        started_reading = method in READ_METHODS
        log.debug("%s.%s(%s) via %s", model, method, "" if id_list is None else f"{len(id_list)} ids", self.protocol)

        def send() -> Any:
            with self.gate():
                answer = self.transport.execute(model, method, id_list, dict(kwargs))
            if not _answer_fits(method, answer):
                raise errors.UnreadableAnswer(
                    f"Odoo's answer to {model}.{method} is not what the method returns ({type(answer).__name__}): "
                    "the call may or may not have been done",
                    "odoosync looks for the record in Odoo before trying again. If this keeps happening, check "
                    "what stands between odoosync and Odoo (a proxy, a CDN).",
                    seen=type(answer).__name__,
                    hint="Check what stands between odoosync and Odoo (a proxy, a CDN).",
                )
            return answer

        return self._with_retries(send, read=started_reading)

    def search_read(
        self,
        model: str,
        domain: Sequence[Any] = (),
        fields: Sequence[str] | None = None,
        *,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"domain": list(domain)}
        if fields is not None:
            kwargs["fields"] = list(fields)
        if limit is not None:
            kwargs["limit"] = limit
        if order is not None:
            kwargs["order"] = order
        rows: list[dict[str, Any]] = self.call(model, "search_read", context=context, **kwargs)
        return rows

    def search(
        self,
        model: str,
        domain: Sequence[Any] = (),
        *,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        kwargs: dict[str, Any] = {"domain": list(domain)}
        if limit is not None:
            kwargs["limit"] = limit
        if order is not None:
            kwargs["order"] = order
        ids: list[int] = self.call(model, "search", context=context, **kwargs)
        return ids

    def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.call(model, "read", ids, fields=list(fields), context=context)
        return rows

    def create(
        self, model: str, values: Sequence[Mapping[str, Any]], *, context: Mapping[str, Any] | None = None
    ) -> list[int]:
        """Create many records in one call; their ids in the same order."""
        created = self.call(model, "create", vals_list=[dict(v) for v in values], context=context)
        ids = [created] if isinstance(created, int) else list(created)
        if len(ids) != len(values):
            raise errors.UnreadableAnswer(
                f"Odoo answered {len(ids)} id(s) for {len(values)} {model} record(s) created: the call may or may "
                "not have been done",
                "odoosync looks for the records in Odoo before trying again.",
                seen=f"{len(ids)} ids",
            )
        return ids

    def write(
        self,
        model: str,
        ids: Sequence[int],
        values: Mapping[str, Any],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> bool:
        return bool(self.call(model, "write", ids, vals=dict(values), context=context))

    def user_context(self) -> dict[str, Any]:
        """The user's context (uid, lang, tz), asked once per connection: it does not change while connected."""
        if self._user_context is None:
            self._user_context = dict(self.call("res.users", "context_get"))
        return dict(self._user_context)

    def database_identity(self) -> str | None:
        """What Odoo says this database is, whatever address reaches it: its `database.uuid` (a system parameter
        administrators may read), else None."""
        try:
            rows = self.search_read("ir.config_parameter", [("key", "=", "database.uuid")], ["value"])
        except errors.AccessError:
            return None
        return str(rows[0]["value"]) if rows and rows[0].get("value") else None

    def whoami(self) -> Identity:
        """The user behind the key: its uid, name, login, companies and language."""
        context = self.user_context()
        uid = int(context.get("uid") or getattr(self.transport, "uid", 0) or 0)
        [user] = self.read("res.users", [uid], ["name", "login", "company_id", "company_ids", "lang"])
        company = user["company_id"]
        return Identity(
            uid=uid,
            name=str(user["name"]),
            login=str(user["login"]),
            company_id=int(company[0]) if company else 0,
            company_ids=tuple(int(c) for c in user.get("company_ids") or ()),
            lang=str(user.get("lang") or context.get("lang") or "en_US"),
        )
