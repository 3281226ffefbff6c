"""One emulated Odoo server: its version, its database, its users and keys, and the calls it answered.

`execute_kw` is the single entry of both protocols (JSON-RPC and JSON-2), as in Odoo where both end in
odoo/service/model.py `execute_kw` → the model's method, inside one transaction.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from odoosync.sandbox import errors
from odoosync.sandbox.models import accounting, base, moves, payments
from odoosync.sandbox.orm import Database, Env, Model

VERSIONS = (16, 17, 18, 19)
JSON2_SINCE = 19


@dataclass(frozen=True)
class Call:
    """One call the sandbox answered: what tests and benchmarks count."""

    protocol: str
    model: str
    method: str
    records: int
    company_ids: tuple[int, ...] = ()


@dataclass
class Login:
    uid: int
    login: str
    password: str
    api_keys: set[str] = field(default_factory=set)


class OdooInstance:
    def __init__(self, version: int = 17, database: str = "sandbox", *, accounting_app: bool = True) -> None:
        if version not in VERSIONS:
            raise ValueError(f"the sandbox imitates Odoo {', '.join(map(str, VERSIONS))}, not {version}")
        self.version = version
        self.accounting_app = accounting_app
        self.db = Database(database, version)
        models = [*base.MODELS]
        if accounting_app:  # a database without the Invoicing/Accounting app has none of these models
            models += [*accounting.MODELS, *moves.MODELS, *payments.MODELS]
        for model in models:
            self.db.registry[model._name] = model.for_version(version)
        self.logins: dict[str, Login] = {}
        self.calls: list[Call] = []
        self._calls_lock = threading.Lock()

    # --- common ---

    @property
    def error_code(self) -> int:
        """The JSON-RPC error `code`: 200 up to 18, 0 from 19 (odoo/http.py JsonRPCDispatcher.handle_error)."""
        return 200 if self.version <= 18 else 0

    def version_info(self) -> dict[str, Any]:
        serie = f"{self.version}.0"
        return {
            "server_version": serie,
            "server_version_info": [self.version, 0, 0, "final", 0, ""],
            "server_serie": serie,
            "protocol_version": 1,
        }

    def add_login(self, uid: int, login: str, password: str) -> str:
        """Give a user a password and a new API key; returns the key."""
        key = secrets.token_hex(20)
        self.logins[login] = Login(uid, login, password, {key})
        return key

    def authenticate(self, database: str, login: str, secret: str) -> int | bool:
        """The uid, or False for wrong credentials (odoo/service/common.py answers False, not an error); an
        unknown database is an error."""
        if database != self.db.name:
            # odoo.registry(db) fails before any credential is looked at.
            raise errors.ServerError("psycopg2.OperationalError", f'FATAL:  database "{database}" does not exist')
        found = self.logins.get(login)
        if found is None or (secret != found.password and secret not in found.api_keys):
            return False
        return found.uid

    def uid_for_key(self, key: str) -> int | None:
        for found in self.logins.values():
            if key in found.api_keys:
                return found.uid
        return None

    def check_uid(self, database: str, uid: Any, secret: str) -> int:
        """execute_kw checks the credentials on every call; wrong ones raise AccessDenied."""
        if database != self.db.name:
            raise errors.ServerError("psycopg2.OperationalError", f'database "{database}" does not exist')
        for found in self.logins.values():
            if found.uid == uid and (secret == found.password or secret in found.api_keys):
                return found.uid
        raise errors.AccessDenied()

    # --- object ---

    def execute_kw(
        self,
        uid: int,
        model: str,
        method: str,
        args: list[Any] | None = None,
        kwargs: dict[str, Any] | None = None,
        *,
        protocol: str = "jsonrpc",
    ) -> Any:
        args = list(args or [])
        kwargs = dict(kwargs or {})
        context = kwargs.pop("context", None) or {}
        if not isinstance(context, dict):
            raise errors.ServerError("builtins.TypeError", "context must be a dict")
        cls = self.db.registry.get(model)
        if cls is None:
            if protocol == "json2":
                raise errors.HttpError("NotFound", 404, f"the model {model!r} does not exist")
            raise errors.UserError(f"Object {model} doesn't exist")
        if method.startswith("_"):
            # odoo/service/model.py (16/17: the bare method name) and models.py get_public_method (18+).
            shown = method if self.version <= 17 else f"'{model}.{method}'"
            raise errors.AccessError(f"Private methods (such as {shown}) cannot be called remotely.")
        env = Env(self.db, uid, context)
        target = getattr(cls(env), method, None)
        kind = getattr(target, "_rpc", None)
        if target is None or kind is None:
            if protocol == "json2":
                raise errors.HttpError("NotFound", 404, f"The method '{model}.{method}' does not exist")
            raise errors.ServerError("builtins.AttributeError", self._no_method(model, method))
        records = self._count(kind, method, args, kwargs)
        self._log(Call(protocol, model, method, records, tuple(env.company_ids)))
        with self.db.transaction():
            try:
                if kind == "records":
                    if not args:
                        raise TypeError(f"{method}() missing the record ids")
                    ids = args.pop(0)
                    ids = [ids] if isinstance(ids, int) else list(ids)
                    return target(ids, *args, **kwargs)
                return target(*args, **kwargs)
            except errors.OdooError:
                raise
            except TypeError as error:
                if protocol == "json2":  # json2.py binds the arguments first: 422 UnprocessableEntity
                    raise errors.HttpError("UnprocessableEntity", 422, str(error)) from None
                raise errors.ServerError("builtins.TypeError", str(error)) from None
            except (ValueError, KeyError) as error:
                raise errors.ServerError(f"builtins.{type(error).__name__}", str(error)) from None

    def _no_method(self, model: str, method: str) -> str:
        if self.version == 16:
            return f"type object '{model}' has no attribute '{method}'"
        if self.version == 17:
            return f"The method '{method}' does not exist on the model '{model}'"
        return f"The method '{model}.{method}' does not exist"

    @staticmethod
    def _count(kind: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> int:
        if kind == "records" and args:
            return 1 if isinstance(args[0], int) else len(args[0])
        if method == "create":
            values = args[0] if args else kwargs.get("vals_list")
            return len(values) if isinstance(values, list) else 1
        return 0

    def _log(self, call: Call) -> None:
        with self._calls_lock:
            self.calls.append(call)

    def env(self, uid: int = 2, **context: Any) -> Env:
        """An environment for seeding and for tests that look inside."""
        return Env(self.db, uid, context)

    def model(self, name: str, uid: int = 2, **context: Any) -> Model:
        return self.env(uid, **context)[name]
