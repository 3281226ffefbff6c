"""The odoosync configuration file: find it, load it, check it, save it, describe it.

Where the file is: ``--config`` (the ``explicit`` argument), else ``$ODOOSYNC_CONFIG``, else
``$XDG_CONFIG_HOME/odoosync/config.toml`` (``~/.config`` when XDG_CONFIG_HOME is unset). A missing file at the
default place means "all defaults"; a missing file that was named explicitly is an error.

What is in it: four tables, ``[odoo]``, ``[database]``, ``[defaults]`` and ``[worker]`` (see the section
models below and ``config.example.toml``). Keys the schema does not know are kept and reported
(:attr:`Config.unknown_keys`), never an error, so that an older odoosync can read a newer file.

Environment overrides, applied after the file: ``ODOOSYNC_<SECTION>_<KEY>`` for every key of the schema, e.g.
``ODOOSYNC_ODOO_URL``, ``ODOOSYNC_DATABASE_URL``, ``ODOOSYNC_WORKER_BATCH_SIZE=50``,
``ODOOSYNC_DEFAULTS_AUTO_POST_INVOICES=true``. An empty variable counts as unset. The one exception is the
inline API key: ``ODOOSYNC_ODOO_API_KEY`` is *not* an override; the variable holding the key is the one named
by ``odoo.api_key_env`` (default ``ODOOSYNC_API_KEY``), read by :func:`resolve_api_key`.

Secrets: the API key (environment variable, key file, systemd credential or, discouraged, inline
``odoo.api_key``) and a password inside ``database.url``. A config file or key file holding a secret that
group or others can read is refused with the ``chmod 600`` that fixes it. No secret is ever put into an
exception message, a ``repr`` or a description made here: :class:`ApiKey` shows ``****`` and hands the value
out only through :meth:`ApiKey.reveal`; database URLs are shown through :func:`redact_url`.

Relative paths in the file (``odoo.api_key_file``, a CA bundle in ``odoo.verify_tls``) are relative to the
directory of the config file; ``~`` is expanded.

Saving (:func:`save_config_values`) rewrites the whole file with tomli-w, atomically (temporary file in the
same directory, fsync, rename) and with mode 0600. Every key that is not updated is kept, unknown keys and
unknown tables included, but **comments and the original formatting of the file are lost** (tomli-w cannot
keep them).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shlex
import stat
import tempfile
import tomllib
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn
from urllib.parse import urlsplit

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from odoosync.domain.errors import ConfigError
from odoosync.domain.secrets import redact_url, url_has_secret

__all__ = [
    "CONFIG_ENV_VAR",
    "DEFAULT_API_KEY_ENV",
    "SCHEMA_KEYS",
    "SECRET_KEYS",
    "ApiKey",
    "ApiKeySourceKind",
    "Config",
    "ConfigEntry",
    "DatabaseSettings",
    "DefaultsSettings",
    "EntrySource",
    "OdooSettings",
    "WorkerSettings",
    "default_database_url",
    "describe",
    "env_var_for",
    "load_config",
    "odoo_url_problem",
    "parse_setting",
    "redact_url",
    "resolve_api_key",
    "resolve_config_path",
    "save_config_values",
]

CONFIG_ENV_VAR = "ODOOSYNC_CONFIG"
DEFAULT_API_KEY_ENV = "ODOOSYNC_API_KEY"
_ENV_PREFIX = "ODOOSYNC_"
_CONFIG_PROBLEM = "config_problem"
_MAX_KEY_FILE_BYTES = 64 * 1024
_TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off"})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey")


def _problem(text: str, key: str | None = None) -> PydanticCustomError:
    """A validation error whose message is ours, word for word (no template expansion of ``text``)."""
    context: dict[str, str] = {"text": text}
    if key is not None:
        context["key"] = key
    return PydanticCustomError(_CONFIG_PROBLEM, "{text}", context)


# --------------------------------------------------------------------------------------------------- schema


class _Section(BaseModel):
    """Rules of the four tables: strict types (TOML has real types), frozen, unknown keys ignored here."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_empty_strings(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise _problem("must not be empty (remove the key to leave it unset)")
        return value


class OdooSettings(_Section):
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
        problem = None if value is None else odoo_url_problem(value)
        if problem:
            raise _problem(problem)
        return value

    @field_validator("verify_tls", mode="after")
    @classmethod
    def _check_verify_tls(cls, value: bool | str) -> bool | str:
        if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
            raise _problem(
                f"must be true or false (without quotes) or the path of a CA bundle file, got {_show(value)}"
            )
        return value

    @field_validator("api_key_env", mode="after")
    @classmethod
    def _check_api_key_env(cls, value: str) -> str:
        if not _ENV_NAME.fullmatch(value):
            raise _problem(f"must be the name of an environment variable, got {_show(value)}")
        return value

    @field_validator("api_key_credential", mode="after")
    @classmethod
    def _check_credential(cls, value: str | None) -> str | None:
        if value is not None and ("/" in value or value in (".", "..")):
            raise _problem(f"must be a systemd credential name (no '/'), got {_show(value)}")
        return value


class DatabaseSettings(_Section):
    """``[database]``: the local database. ``url`` None means SQLite in the XDG data directory."""

    url: str | None = Field(default=None, repr=False)

    @field_validator("url", mode="after")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not _URL_SCHEME.match(value):
            # The value may hold a password: it is not repeated here.
            raise _problem(
                "must be a database URL such as sqlite:////var/lib/odoosync/odoosync.db "
                "or postgresql+psycopg://odoosync@localhost/odoosync"
            )
        return value


class DefaultsSettings(_Section):
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


class WorkerSettings(_Section):
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
            raise _problem(
                f"must be at least backoff_base_seconds ({_show(self.backoff_base_seconds)}), "
                f"got {_show(self.backoff_max_seconds)}",
                key="backoff_max_seconds",
            )
        return self


_SECTIONS: dict[str, type[_Section]] = {
    "odoo": OdooSettings,
    "database": DatabaseSettings,
    "defaults": DefaultsSettings,
    "worker": WorkerSettings,
}

#: Every dotted key of the schema, in schema order.
SCHEMA_KEYS: tuple[str, ...] = tuple(f"{name}.{key}" for name, model in _SECTIONS.items() for key in model.model_fields)
#: Keys whose values are never shown (``database.url`` is shown with its password replaced by ``***``).
SECRET_KEYS: frozenset[str] = frozenset({"odoo.api_key", "database.url"})
_NOT_FROM_ENV = frozenset({"odoo.api_key"})
_EXPECTED_OVERRIDES = {
    "odoo.verify_tls": "true, false, or the path of a CA bundle file",
}


def env_var_for(key: str) -> str:
    """The variable overriding a dotted key: ``worker.batch_size`` → ``ODOOSYNC_WORKER_BATCH_SIZE``."""
    return _ENV_PREFIX + key.replace(".", "_").upper()


# ------------------------------------------------------------------------------------------ path resolution


def _environ(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def _xdg_dir(env: Mapping[str, str], variable: str, fallback: tuple[str, ...]) -> Path:
    value = env.get(variable, "")
    # The XDG spec says relative values are invalid and must be ignored.
    if value and Path(value).is_absolute():
        return Path(value)
    return _home(env).joinpath(*fallback)


def resolve_config_path(explicit: Path | None = None, env: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """Where the config file is, and whether the user named it (``--config`` or ``$ODOOSYNC_CONFIG``).

    A named file must exist; the default one may be missing (then every setting has its default).
    """
    environ = _environ(env)
    if explicit is not None:
        return explicit.expanduser(), True
    named = environ.get(CONFIG_ENV_VAR, "")
    if named:
        return Path(named).expanduser(), True
    return _xdg_dir(environ, "XDG_CONFIG_HOME", (".config",)) / "odoosync" / "config.toml", False


def default_database_url(env: Mapping[str, str] | None = None) -> str:
    """SQLite in ``$XDG_DATA_HOME/odoosync/odoosync.db`` (``~/.local/share`` by default); creates nothing."""
    data_dir = _xdg_dir(_environ(env), "XDG_DATA_HOME", (".local", "share"))
    return "sqlite:///" + str((data_dir / "odoosync" / "odoosync.db").absolute())


# ---------------------------------------------------------------------------------------------- the config

EntrySource = Literal["default", "file", "environment"]
ApiKeySourceKind = Literal["environment", "file", "credential", "config"]


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


# ------------------------------------------------------------------------------------------- small helpers


def odoo_url_problem(value: str) -> str | None:
    """What is wrong with an address of Odoo, or None: the one check of odoo.url, whether it comes from the config
    file, ODOOSYNC_ODOO_URL or `connect --url`."""
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an http:// or https:// URL such as https://example.odoo.com, got {_show(value)}"
    return None


def _show(value: object) -> str:
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


def _dotted(*parts: str) -> str:
    return ".".join(part if _BARE_KEY.fullmatch(part) else '"' + part.replace('"', '\\"') + '"' for part in parts)


def _split_key(key: str) -> tuple[str, str]:
    section, _, name = key.partition(".")
    return section, name


def _field_annotation(key: str) -> object:
    section, name = _split_key(key)
    return _SECTIONS[section].model_fields[name].annotation


def _expected(key: str) -> str:
    """What a key accepts, in words, for messages."""
    if key in _EXPECTED_OVERRIDES:
        return _EXPECTED_OVERRIDES[key]
    annotation = _field_annotation(key)
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) is Literal:
        return "one of " + ", ".join(_show(arg) for arg in args)
    kinds = set(args) if args else {annotation}
    if bool in kinds:
        return "true or false"
    if int in kinds:
        return "a whole number"
    if float in kinds:
        return "a number"
    return "a text string (in quotes)"


def _range(key: str) -> str:
    section, name = _split_key(key)
    bounds: dict[str, object] = {}
    for item in _SECTIONS[section].model_fields[name].metadata:
        for bound in ("gt", "ge", "lt", "le"):
            value = getattr(item, bound, None)
            if value is not None:
                bounds[bound] = value
    if "ge" in bounds and "le" in bounds:
        return f"must be between {bounds['ge']} and {bounds['le']}"
    words = []
    if "gt" in bounds:
        words.append(f"greater than {bounds['gt']}")
    if "ge" in bounds:
        words.append(f"at least {bounds['ge']}")
    if "lt" in bounds:
        words.append(f"less than {bounds['lt']}")
    if "le" in bounds:
        words.append(f"at most {bounds['le']}")
    return "must be " + " and ".join(words) if words else "is out of range"


def _got(key: str, value: object) -> str:
    return "" if key in SECRET_KEYS else f", got {_show(value)}"


def _translate(section: str, exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors for one table → ``{dotted key: problem}`` in plain words, one problem per key."""
    problems: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        context = error.get("ctx") or {}
        loc = error["loc"]
        name = str(context["key"]) if "key" in context else (str(loc[0]) if loc else "")
        key = f"{section}.{name}"
        if key in problems:
            continue  # a union (verify_tls) reports once per branch; one line is enough
        kind = error["type"]
        value = error.get("input")
        if kind == _CONFIG_PROBLEM:
            problems[key] = str(context["text"])
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
            problems[key] = _range(key) + _got(key, value)
        elif kind == "finite_number":
            problems[key] = "must be a finite number" + _got(key, value)
        else:
            problems[key] = f"must be {_expected(key)}" + _got(key, value)
    return problems


def _validate(raw: Mapping[str, object]) -> tuple[dict[str, _Section], dict[str, str]]:
    """Validate every known table of a raw dict; returns the models and ``{dotted key: problem}``."""
    models: dict[str, _Section] = {}
    problems: dict[str, str] = {}
    for section, model in _SECTIONS.items():
        table = raw.get(section, {})
        if not isinstance(table, dict):
            problems[section] = f"must be a table (a [{section}] section), got {_show(table)}"
            continue
        try:
            models[section] = model.model_validate(table)
        except ValidationError as exc:
            problems.update(_translate(section, exc))
    return models, problems


def _ordered(problems: Mapping[str, str]) -> list[str]:
    order = {key: index for index, key in enumerate(SCHEMA_KEYS)}
    return sorted(problems, key=lambda key: order.get(key, -1))


def _flatten(prefix: tuple[str, ...], value: object) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _flatten((*prefix, str(key)), item)
    else:
        yield _dotted(*prefix), value


def _unknown(raw: Mapping[str, object]) -> dict[str, object]:
    """Leaf keys of the file that the schema does not know, with their values, in file order."""
    found: dict[str, object] = {}
    for name, value in raw.items():
        model = _SECTIONS.get(name)
        if model is None:
            found.update(_flatten((name,), value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in model.model_fields:
                    found.update(_flatten((name, key), item))
    return found


def _known_file_keys(raw: Mapping[str, object]) -> tuple[str, ...]:
    keys = []
    for key in SCHEMA_KEYS:
        section, name = _split_key(key)
        table = raw.get(section)
        if isinstance(table, dict) and name in table:
            keys.append(key)
    return tuple(keys)


def _looks_secret(key: str) -> bool:
    last = key.rsplit(".", 1)[-1].lower()
    return any(word in last for word in _SECRET_WORDS)


# -------------------------------------------------------------------------------------------- file reading


def _mode_text(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


def _other_readable(mode: int) -> bool:
    return os.name == "posix" and bool(mode & 0o044)


def _read_bytes(path: Path, what: str, limit: int | None = None) -> tuple[bytes, int]:
    """The bytes and the mode of a file; FileNotFoundError passes through, other failures are ConfigError."""
    try:
        with path.open("rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            data = handle.read() if limit is None else handle.read(limit + 1)
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise ConfigError(
            f"cannot read {what} {path}: it is a directory",
            f"Give the path of a file, not of a directory: {path}",
        ) from None
    except PermissionError:
        raise ConfigError(
            f"cannot read {what} {path}: permission denied",
            f"Check its owner and permissions (ls -l {shlex.quote(str(path))}); "
            "it must be readable by the user running odoosync.",
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"cannot read {what} {path}: {exc.strerror or type(exc).__name__}",
            f"Check that {path} is a readable file.",
        ) from None
    if limit is not None and len(data) > limit:
        raise ConfigError(
            f"cannot read {what} {path}: larger than {limit} bytes", f"Check that {path} is the right file."
        )
    return data, mode


def _parse_toml(path: Path, data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"cannot read config file {path}: not valid UTF-8 (line {line}, byte {exc.start})",
            f"Save {path} as UTF-8 text.",
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not valid TOML: {exc}",
            f"Fix the TOML syntax at that line of {path} (config.example.toml shows every key), "
            "or move the file away to use the defaults.",
        ) from None


def _file_secrets(raw: Mapping[str, Any]) -> list[str]:
    found = []
    odoo = raw.get("odoo")
    if isinstance(odoo, dict) and odoo.get("api_key") not in (None, ""):
        found.append("the API key odoo.api_key")
    database = raw.get("database")
    if isinstance(database, dict) and isinstance(database.get("url"), str) and url_has_secret(database["url"]):
        found.append("the password in database.url")
    return found


def _refuse_readable_config(path: Path, mode: int, secrets: list[str]) -> NoReturn:
    lines = [f"Run: chmod 600 {shlex.quote(str(path))}"]
    if any("api_key" in secret for secret in secrets):
        lines.append(
            "Better, keep the key out of the file: put it in the environment variable named by "
            f"odoo.api_key_env (default {DEFAULT_API_KEY_ENV}), in a key file (odoo.api_key_file) "
            "or in a systemd credential (odoo.api_key_credential), and remove odoo.api_key."
        )
    if any("database.url" in secret for secret in secrets):
        lines.append(f"The database URL with its password can also come from {env_var_for('database.url')}.")
    raise ConfigError(
        f"refusing to use config file {path}: it holds {' and '.join(secrets)} and other users can read it "
        f"(mode {_mode_text(mode)})",
        "\n".join(lines),
    )


# ----------------------------------------------------------------------------------- environment overrides


def _parse_text(key: str, text: str) -> object:
    """A text (environment variable, command line) as the type of a schema key; ValueError if it can't be."""
    annotation = _field_annotation(key)
    args = set(typing.get_args(annotation)) - {type(None)}
    kinds = args if args and typing.get_origin(annotation) is not Literal else {annotation}
    text = text.strip()
    if bool in kinds:
        word = text.lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        if str in kinds:
            return text
        raise ValueError(f"must be true or false{_got(key, text)}")
    if int in kinds:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"must be a whole number{_got(key, text)}") from None
    if float in kinds:
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"must be a number{_got(key, text)}") from None
        if not math.isfinite(number):
            raise ValueError(f"must be a finite number{_got(key, text)}")
        return number
    return text


def parse_setting(key: str, text: str) -> object:
    """Parse a text given for a dotted schema key (as an environment variable gives it) into its type.

    Only the type is checked here; ranges and allowed values are checked when the value is saved.
    """
    _require_known(key)
    try:
        return _parse_text(key, text)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}", f"Give {key} {_expected(key)}.") from None


def _env_overrides(environ: Mapping[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for key in SCHEMA_KEYS:
        if key in _NOT_FROM_ENV:
            continue
        text = environ.get(env_var_for(key), "")
        if not text.strip():
            continue
        try:
            values[key] = _parse_text(key, text)
        except ValueError as exc:
            problems[key] = str(exc)
    return values, problems


def _raise_problems(path: Path, file_problems: Mapping[str, str], env_problems: Mapping[str, str]) -> NoReturn:
    lines = []
    for key in _ordered({**file_problems, **env_problems}):
        if key in env_problems:
            lines.append(f"  {env_var_for(key)} ({key}): {env_problems[key]}")
        else:
            lines.append(f"  {key}: {file_problems[key]}")
    if file_problems and env_problems:
        heading = f"invalid configuration in {path} and in environment variables:"
    elif file_problems:
        heading = f"invalid configuration in {path}:"
    else:
        heading = f"invalid configuration in environment variables (config file {path}):"
    instructions = []
    if file_problems:
        instructions.append(
            f"Correct the values in {path} (config.example.toml documents every key and its allowed values)."
        )
    if env_problems:
        instructions.append("Correct or unset the environment variables named above.")
    raise ConfigError("\n".join([heading, *lines]), "\n".join(instructions))


# ------------------------------------------------------------------------------------------------- loading


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read, check and combine the config file and the environment.

    Raises ConfigError for a missing explicit file, an unreadable or malformed file, invalid values (all
    listed), and a file holding a secret that group or others can read.
    """
    environ = _environ(env)
    config_path, explicit = resolve_config_path(path, environ)
    raw: dict[str, Any] = {}
    exists = True
    try:
        data, mode = _read_bytes(config_path, "config file")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(
                f"config file not found: {config_path}",
                f"Check the path given with --config or ${CONFIG_ENV_VAR}, or create the file "
                "(copy config.example.toml; odoosync connect writes one).",
            ) from None
        exists = False
    else:
        raw = _parse_toml(config_path, data)
        secrets = _file_secrets(raw)
        if secrets and _other_readable(mode):
            _refuse_readable_config(config_path, mode, secrets)

    merged: dict[str, Any] = {name: dict(table) if isinstance(table, dict) else table for name, table in raw.items()}
    overrides, env_problems = _env_overrides(environ)
    for key, value in overrides.items():
        section, name = _split_key(key)
        table = merged.setdefault(section, {})
        if isinstance(table, dict):
            table[name] = value
    models, problems = _validate(merged)
    # A problem is the environment's if the environment set that key, else the file's.
    env_problems.update({key: text for key, text in problems.items() if key in overrides})
    file_problems = {key: text for key, text in problems.items() if key not in overrides and key not in env_problems}
    if file_problems or env_problems:
        _raise_problems(config_path, file_problems, env_problems)

    unknown = _unknown(raw)
    return Config(
        path=config_path,
        exists=exists,
        odoo=typing.cast(OdooSettings, models["odoo"]),
        database=typing.cast(DatabaseSettings, models["database"]),
        defaults=typing.cast(DefaultsSettings, models["defaults"]),
        worker=typing.cast(WorkerSettings, models["worker"]),
        unknown_keys=tuple(unknown),
        env_overrides=tuple(key for key in SCHEMA_KEYS if key in overrides),
        file_keys=_known_file_keys(raw),
        database_url_default=default_database_url(environ),
        unknown_values=types.MappingProxyType(unknown),
    )


# ------------------------------------------------------------------------------------------------- API key


class ApiKey:
    """An Odoo API key and where it came from. Its repr and str never show the value; use :meth:`reveal`."""

    __slots__ = ("_value", "kind", "source")
    _value: str
    #: Human description of the origin, e.g. ``environment variable ODOOSYNC_API_KEY``; never the value.
    source: str
    kind: ApiKeySourceKind

    def __init__(self, value: str, source: str, kind: ApiKeySourceKind) -> None:
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "kind", kind)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def reveal(self) -> str:
        """The key itself, for the one place that sends it to Odoo."""
        return self._value

    def __repr__(self) -> str:
        return f"ApiKey(****, source={self.source!r})"

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiKey):
            return NotImplemented
        return self._value == other._value and self.source == other.source

    def __hash__(self) -> int:
        return hash((self._value, self.source))

    def __reduce__(self) -> NoReturn:
        raise TypeError("an ApiKey is not pickled (it would write the key out)")


def _key_from_file(path: Path) -> ApiKey:
    try:
        data, mode = _read_bytes(path, "API key file", limit=_MAX_KEY_FILE_BYTES)
    except FileNotFoundError:
        raise ConfigError(
            f"API key file not found: {path} (odoo.api_key_file)",
            "Create it with the key on one line (chmod 600), or correct odoo.api_key_file.",
        ) from None
    if _other_readable(mode):
        raise ConfigError(
            f"refusing to read API key file {path}: other users can read it (mode {_mode_text(mode)})",
            f"Run: chmod 600 {shlex.quote(str(path))}",
        )
    try:
        value = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise ConfigError(
            f"API key file {path} is not UTF-8 text", f"Put the key in {path} as one line of text."
        ) from None
    if not value:
        raise ConfigError(f"API key file {path} is empty", f"Put the key in {path} as one line of text.")
    return ApiKey(value, f"file {path}", "file")


def _key_from_credential(name: str, environ: Mapping[str, str]) -> ApiKey:
    directory = environ.get("CREDENTIALS_DIRECTORY", "")
    if not directory:
        raise ConfigError(
            f"odoo.api_key_credential is {name!r} but $CREDENTIALS_DIRECTORY is not set "
            "(odoosync is not running in a systemd service that passes credentials)",
            f"Run odoosync from a systemd unit with LoadCredential={name}:/etc/odoosync/odoo-api-key "
            f"(or LoadCredentialEncrypted={name}:...), or use odoo.api_key_env or odoo.api_key_file instead.",
        )
    path = Path(directory) / name
    try:
        data, _ = _read_bytes(path, "systemd credential", limit=_MAX_KEY_FILE_BYTES)
    except FileNotFoundError:
        raise ConfigError(
            f"systemd credential {name} not found in $CREDENTIALS_DIRECTORY ({directory})",
            f"Add LoadCredential={name}:/path/to/key (or LoadCredentialEncrypted=) to the service unit, "
            "or correct odoo.api_key_credential.",
        ) from None
    try:
        value = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise ConfigError(
            f"systemd credential {name} is not UTF-8 text", "Store the key as one line of text."
        ) from None
    if not value:
        raise ConfigError(f"systemd credential {name} is empty", "Store the key as one line of text.")
    return ApiKey(value, f"systemd credential {name}", "credential")


def resolve_api_key(config: Config, env: Mapping[str, str] | None = None) -> ApiKey | None:
    """The API key from the first source that has one, or None.

    Sources in order: the variable named by ``odoo.api_key_env``, ``odoo.api_key_file``,
    ``odoo.api_key_credential`` (``$CREDENTIALS_DIRECTORY/<name>``), inline ``odoo.api_key``.

    A configured file or credential that cannot be used is a ConfigError, not a silent fall-through.
    """
    environ = _environ(env)
    variable = config.odoo.api_key_env
    value = environ.get(variable, "").strip()
    if value:
        return ApiKey(value, f"environment variable {variable}", "environment")
    key_file = config.api_key_file_path
    if key_file is not None:
        return _key_from_file(key_file)
    if config.odoo.api_key_credential is not None:
        return _key_from_credential(config.odoo.api_key_credential, environ)
    if config.odoo.api_key is not None:
        return ApiKey(config.odoo.api_key.strip(), "config file", "config")
    return None


# -------------------------------------------------------------------------------------------------- saving


def _require_known(key: str) -> None:
    if key not in SCHEMA_KEYS:
        raise ConfigError(f"unknown setting: {key}", "Known settings: " + ", ".join(SCHEMA_KEYS))


def _write_atomically(path: Path, data: bytes) -> None:
    parent = path.parent
    if not parent.exists():
        parent.mkdir(mode=0o700, parents=True)
        os.chmod(parent, 0o700)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):
        directory = os.open(parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def save_config_values(path: Path, updates: Mapping[str, object]) -> None:
    """Set (or, with None, remove) dotted schema keys in the config file at ``path``.

    Every other key of the file is kept, unknown ones included; comments are lost (tomli-w). The result is
    validated before anything is written; the file is replaced atomically and ends up with mode 0600.
    """
    path = path.expanduser()
    target = path.resolve() if path.is_symlink() else path
    try:
        data, _ = _read_bytes(target, "config file")
    except FileNotFoundError:
        raw: dict[str, Any] = {}
    else:
        raw = _parse_toml(target, data)

    for key, value in updates.items():
        _require_known(key)
        section, name = _split_key(key)
        table = raw.get(section)
        if table is None:
            if value is None:
                continue
            table = raw[section] = {}
        elif not isinstance(table, dict):
            raise ConfigError(
                f"cannot set {key}: {section} in {path} is not a table",
                f"Make it a [{section}] section in {path}.",
            )
        if value is None:
            table.pop(name, None)
            if not table:
                del raw[section]
        else:
            table[name] = value

    _, problems = _validate(raw)
    if problems:
        lines = [f"  {key}: {problems[key]}" for key in _ordered(problems)]
        raise ConfigError(
            "\n".join([f"not saved, the configuration would be invalid ({path}):", *lines]),
            "Give each setting a value it accepts (config.example.toml documents them); nothing was written.",
        )
    try:
        text = tomli_w.dumps(raw)
    except TypeError as exc:
        raise ConfigError(f"not saved: a value cannot be written as TOML ({exc})", "Nothing was written.") from None
    try:
        _write_atomically(target, text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"cannot write config file {path}: {exc.strerror or type(exc).__name__}",
            f"Check that the directory {target.parent} exists and that you can write to it.",
        ) from None


# ------------------------------------------------------------------------------------------------ describe


@dataclass(frozen=True)
class ConfigEntry:
    """One line of ``odoosync config show``; secrets are already masked."""

    key: str
    value: str | bool | int | float | None
    source: EntrySource
    unknown: bool = False


def _entry_value(value: object) -> str | bool | int | float | None:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)


def describe(config: Config, env: Mapping[str, str] | None = None) -> list[ConfigEntry]:
    """Every schema key in schema order (value and where it came from), then the unknown keys of the file.

    ``odoo.api_key`` shows ``****`` when set, ``database.url`` hides its password, and a synthetic entry
    ``odoo.api_key (effective)`` says whether a key is available and from where (never the key).
    """
    entries: list[ConfigEntry] = []
    for key in SCHEMA_KEYS:
        section, name = _split_key(key)
        source = config.source_of(key)
        value: object = getattr(getattr(config, section), name)
        if key == "odoo.api_key":
            entries.append(ConfigEntry(key, None if value is None else "****", source))
            entries.append(_effective_key_entry(config, env))
            continue
        if key == "database.url":
            value = redact_url(config.database_url)
        entries.append(ConfigEntry(key, _entry_value(value), source))
    for key, value in config.unknown_values.items():
        shown = "****" if _looks_secret(key) else _entry_value(value)
        entries.append(ConfigEntry(key, shown, "file", unknown=True))
    return entries


def _effective_key_entry(config: Config, env: Mapping[str, str] | None) -> ConfigEntry:
    key = "odoo.api_key (effective)"
    try:
        api_key = resolve_api_key(config, env)
    except ConfigError as exc:
        return ConfigEntry(key, f"error: {exc.reason}", "file")
    if api_key is None:
        return ConfigEntry(key, "not set", "default")
    source: EntrySource = "environment" if api_key.kind == "environment" else "file"
    return ConfigEntry(key, f"set (from {api_key.source})", source)
