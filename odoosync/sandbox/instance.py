"""One emulated Odoo server: its version, its database, its users and keys, and the calls it answered.

`execute_kw` is the single entry of both protocols (JSON-RPC and JSON-2), as in Odoo where both end in
odoo/service/model.py `execute_kw` → the model's method, inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from odoosync.sandbox import errors
from odoosync.sandbox.models import accounting, apikeys, base, moves, payments
from odoosync.sandbox.orm.database import Database
from odoosync.sandbox.orm.environment import Env
from odoosync.sandbox.orm.model import Model

VERSIONS = (16, 17, 18, 19)
JSON2_SINCE = 19
API_KEY_EXPIRY_SINCE = 18  # res.users.apikeys.expiration_date, checked at login (res_users.py of 18.0)


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
    api_keys: dict[str, int] = field(default_factory=dict)  # secret → its res.users.apikeys record


class OdooInstance:
    def __init__(self, version: int = 17, database: str = "sandbox", *, accounting_app: bool = True) -> None:
        if version not in VERSIONS:
            raise ValueError(f"the sandbox imitates Odoo {', '.join(map(str, VERSIONS))}, not {version}")
        self.version = version
        self.accounting_app = accounting_app
        self.db = Database(database, version)
        models = [*base.MODELS, *apikeys.MODELS]
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
        """Give a user a password and a new API key (one that does not expire); returns the key."""
        self.logins[login] = Login(uid, login, password)
        return self.generate_api_key(login, "sandbox")

    def generate_api_key(
        self, login: str, name: str, *, expiration_date: dt.datetime | None = None, scope: str | None = None
    ) -> str:
        """A new API key of the user, as res.users.apikeys._generate makes one (a 20-byte random key in hex, shown
        once): its record holds the name, scope and (from 18) the expiration date, in UTC. An administrator may
        give any date, or none for a persistent key (_check_expiration_date lets system users through)."""
        if expiration_date is not None and self.version < API_KEY_EXPIRY_SINCE:
            raise ValueError(f"API keys of Odoo {self.version} have no expiration date")
        found = self.logins[login]
        key = secrets.token_hex(20)
        values: dict[str, Any] = {"name": name, "user_id": found.uid, "scope": scope, "create_date": _utcnow()}
        if self.version >= API_KEY_EXPIRY_SINCE:
            expiry = expiration_date
            if expiry is not None and expiry.tzinfo is not None:
                expiry = expiry.astimezone(dt.UTC).replace(tzinfo=None)
            values["expiration_date"] = expiry.replace(microsecond=0) if expiry else None
        with self.db.transaction():
            found.api_keys[key] = self.db.insert("res.users.apikeys", values)
        return key

    def remove_api_key(self, key: str) -> None:
        """Delete a key, as its Delete button in Preferences → Account Security does (res.users.apikeys.remove)."""
        for found in self.logins.values():
            record = found.api_keys.pop(key, None)
            if record is not None:
                with self.db.transaction():
                    self.db.delete("res.users.apikeys", record)
                return
        raise KeyError("no such API key")

    def _key_works(self, found: Login, key: str) -> bool:
        """APIKeys._check_credentials(scope='rpc'): the key exists, its scope is empty or 'rpc', and from 18 it
        has not expired (`expiration_date IS NULL OR expiration_date >= now() at time zone 'utc'`)."""
        record = found.api_keys.get(key)
        row = self.db.table("res.users.apikeys").get(record) if record is not None else None
        if row is None or row.get("scope") not in (None, "rpc"):
            return False
        expiry = row.get("expiration_date")
        return expiry is None or expiry >= _utcnow()

    def authenticate(self, database: str, login: str, secret: str) -> int | bool:
        """The uid, or False for wrong credentials (odoo/service/common.py answers False, not an error); an
        unknown database is an error."""
        if database != self.db.name:
            # odoo.registry(db) fails before any credential is looked at.
            raise errors.ServerError("psycopg2.OperationalError", f'FATAL:  database "{database}" does not exist')
        found = self.logins.get(login)
        if found is None or (secret != found.password and not self._key_works(found, secret)):
            return False
        return found.uid

    def uid_for_key(self, key: str) -> int | None:
        for found in self.logins.values():
            if self._key_works(found, key):
                return found.uid
        return None

    def check_uid(self, database: str, uid: Any, secret: str) -> int:
        """execute_kw checks the credentials on every call; wrong ones raise AccessDenied."""
        if database != self.db.name:
            raise errors.ServerError("psycopg2.OperationalError", f'database "{database}" does not exist')
        for found in self.logins.values():
            if found.uid == uid and (secret == found.password or self._key_works(found, secret)):
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
        if target is not None and getattr(target, "_rpc", None) is not None:
            cls(env).check_access(method)
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
                    if not args:  # odoo/api.py call_kw takes args[0] as the ids (real 16-18: a tuple, 19: a list)
                        raise IndexError(f"{'tuple' if self.version <= 18 else 'list'} index out of range")
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
            except (ValueError, KeyError, IndexError) as error:
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


def _utcnow() -> dt.datetime:
    """Odoo's now() at time zone 'utc': naive, to the second."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
