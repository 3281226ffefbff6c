"""What the config file holds: the four tables and their rules, and :class:`Config`, the effective configuration.

Four tables, ``[odoo]``, ``[database]``, ``[defaults]`` and ``[worker]`` (see the section models below and
``config.example.toml``). Keys the schema does not know are kept and reported (:attr:`Config.unknown_keys`),
never an error, so that an older odoosync can read a newer file.

Relative paths in the file (``odoo.api_key_file``, a CA bundle in ``odoo.verify_tls``) are relative to the
directory of the config file; ``~`` is expanded.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from odoosync.config.paths import default_database_url

DEFAULT_API_KEY_ENV = "ODOOSYNC_API_KEY"
#: The error type of the problems worded here; validation passes their text on as it is.
CONFIG_PROBLEM = "config_problem"
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
_ENV_PREFIX = "ODOOSYNC_"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")

EntrySource = Literal["default", "file", "environment"]
ApiKeySourceKind = Literal["environment", "file", "credential", "config"]


def problem(text: str, key: str | None = None) -> PydanticCustomError:
    """A validation error whose message is ours, word for word (no template expansion of ``text``)."""
    context: dict[str, str] = {"text": text}
    if key is not None:
        context["key"] = key
    return PydanticCustomError(CONFIG_PROBLEM, "{text}", context)


def show(value: object) -> str:
    """A short TOML-like rendering of a (non-secret) value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def odoo_url_problem(value: str) -> str | None:
    """What is wrong with an address of Odoo, or None: the one check of odoo.url, whether it comes from the config
    file, ODOOSYNC_ODOO_URL or `connect --url`."""
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an http:// or https:// URL such as https://example.odoo.com, got {show(value)}"
    return None


# --------------------------------------------------------------------------------------------------- tables


class Section(BaseModel):
    """Rules of the four tables: strict types (TOML has real types), frozen, unknown keys ignored here."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_empty_strings(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise problem("must not be empty (remove the key to leave it unset)")
        return value


class OdooSettings(Section):
    """``[odoo]``: how to reach Odoo and where the API key comes from."""

    url: str | None = None
    database: str | None = None
    login: str | None = None
    protocol: Literal["auto", "jsonrpc", "json2"] = "auto"
    verify_tls: bool | str = True
    timeout_seconds: float = Field(default=30.0, gt=0, allow_inf_nan=False)
    api_key_env: str = DEFAULT_API_KEY_ENV
    api_key_file: str | None = None
    api_key_credential: str | None = None
    api_key: str | None = Field(default=None, repr=False)

    @field_validator("url", mode="after")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        text = None if value is None else odoo_url_problem(value)
        if text:
            raise problem(text)
        return value

    @field_validator("verify_tls", mode="after")
    @classmethod
    def _check_verify_tls(cls, value: bool | str) -> bool | str:
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            raise problem(f"must be true or false (without quotes) or the path of a CA bundle file, got {show(value)}")
        return value

    @field_validator("api_key_env", mode="after")
    @classmethod
    def _check_api_key_env(cls, value: str) -> str:
        if not _ENV_NAME.fullmatch(value):
            raise problem(f"must be the name of an environment variable, got {show(value)}")
        return value

    @field_validator("api_key_credential", mode="after")
    @classmethod
    def _check_credential(cls, value: str | None) -> str | None:
        if value is not None and ("/" in value or value in (".", "..")):
            raise problem(f"must be a systemd credential name (no '/'), got {show(value)}")
        return value


class DatabaseSettings(Section):
    """``[database]``: the local database. ``url`` None means SQLite in the XDG data directory."""

    url: str | None = Field(default=None, repr=False)

    @field_validator("url", mode="after")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not _URL_SCHEME.match(value):
            # The value may hold a password: it is not repeated here.
            raise problem(
                "must be a database URL such as sqlite:////var/lib/odoosync/odoosync.db "
                "or postgresql+psycopg://odoosync@localhost/odoosync"
            )
        return value


class DefaultsSettings(Section):
    """``[defaults]``: what odoosync uses when a record or mapping does not say."""

    company: str | None = None
    sale_journal: str | None = None
    rent_product: str | None = None
    language: Literal["company", "en", "ar"] = "company"
    auto_post_invoices: bool = False
    auto_post_bills: bool = False
    owner_separation: Literal["off", "by_company", "by_analytic"] = "off"
    on_posted_change: Literal["fail", "credit_note"] = "fail"
    deposit_account: str | None = None


class WorkerSettings(Section):
    """``[worker]``: batch sizes, leases, retries and concurrency of ``odoosync sync``."""

    batch_size: int = Field(default=100, ge=1, le=1000)
    lease_seconds: int = Field(default=300, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    backoff_base_seconds: float = Field(default=30.0, gt=0, allow_inf_nan=False)
    backoff_max_seconds: float = Field(default=3600.0, gt=0, allow_inf_nan=False)
    max_concurrent_odoo_calls: int = Field(default=4, ge=1)
    queue_wait_seconds: float = Field(default=10.0, ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _check_backoff(self) -> WorkerSettings:
        if self.backoff_max_seconds < self.backoff_base_seconds:
            raise problem(
                f"must be at least backoff_base_seconds ({show(self.backoff_base_seconds)}), "
                f"got {show(self.backoff_max_seconds)}",
                key="backoff_max_seconds",
            )
        return self


SECTIONS: dict[str, type[Section]] = {
    "odoo": OdooSettings,
    "database": DatabaseSettings,
    "defaults": DefaultsSettings,
    "worker": WorkerSettings,
}

#: Every dotted key of the schema, in schema order.
SCHEMA_KEYS: tuple[str, ...] = tuple(f"{name}.{key}" for name, model in SECTIONS.items() for key in model.model_fields)
#: Keys whose values are never shown (``database.url`` is shown with its password replaced by ``***``).
SECRET_KEYS: frozenset[str] = frozenset({"odoo.api_key", "database.url"})


def env_var_for(key: str) -> str:
    """The variable overriding a dotted key: ``worker.batch_size`` → ``ODOOSYNC_WORKER_BATCH_SIZE``."""
    return _ENV_PREFIX + key.replace(".", "_").upper()


def split_key(key: str) -> tuple[str, str]:
    """``worker.batch_size`` → ``("worker", "batch_size")``."""
    section, _, name = key.partition(".")
    return section, name


# ---------------------------------------------------------------------------------------------- the config


@dataclass(frozen=True, kw_only=True)
class Config:
    """The effective configuration: file values, then environment overrides, then defaults."""

    path: Path
    exists: bool
    odoo: OdooSettings = field(default_factory=OdooSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    defaults: DefaultsSettings = field(default_factory=DefaultsSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    #: Dotted names of keys in the file that the schema does not know (kept, not an error).
    unknown_keys: tuple[str, ...] = ()
    #: Dotted schema keys whose value came from an environment variable.
    env_overrides: tuple[str, ...] = ()
    #: Dotted schema keys present in the file.
    file_keys: tuple[str, ...] = ()
    #: The database URL used when ``database.url`` is unset (computed from the environment at load time).
    database_url_default: str = field(default_factory=default_database_url)
    #: Values of the unknown keys (may hold secrets: not in the repr).
    unknown_values: Mapping[str, object] = field(
        default_factory=lambda: types.MappingProxyType({}), repr=False, hash=False
    )

    @property
    def database_url(self) -> str:
        """The effective database URL (may hold a password: show it with :func:`redact_url`)."""
        return self.database.url if self.database.url is not None else self.database_url_default

    @property
    def tls_verify(self) -> bool | Path:
        """``odoo.verify_tls`` for the HTTP client: a bool, or the CA bundle's path (relative to the file)."""
        value = self.odoo.verify_tls
        return value if isinstance(value, bool) else self._relative(value)

    @property
    def api_key_file_path(self) -> Path | None:
        """``odoo.api_key_file`` as a path (relative to the config file's directory), or None."""
        return None if self.odoo.api_key_file is None else self._relative(self.odoo.api_key_file)

    def source_of(self, key: str) -> EntrySource:
        """Where the value of a dotted schema key came from."""
        if key in self.env_overrides:
            return "environment"
        if key in self.file_keys:
            return "file"
        return "default"

    def _relative(self, value: str) -> Path:
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.path.parent / candidate
