"""Loading the configuration: the file found and read, the environment's overrides applied, everything checked.

Environment overrides, applied after the file: ``ODOOSYNC_<SECTION>_<KEY>`` for every key of the schema, e.g.
``ODOOSYNC_ODOO_URL``, ``ODOOSYNC_DATABASE_URL``, ``ODOOSYNC_WORKER_BATCH_SIZE=50``,
``ODOOSYNC_DEFAULTS_AUTO_POST_INVOICES=true``. An empty variable counts as unset. The one exception is the
inline API key: ``ODOOSYNC_ODOO_API_KEY`` is *not* an override; the variable holding the key is the one named
by ``odoo.api_key_env`` (default ``ODOOSYNC_API_KEY``), read by :func:`resolve_api_key`.

pydantic-settings would not make this shorter: its errors do not say whether a wrong value came from the file or
from a variable (every message here names the one to correct), it reads ``os.environ`` where load_config takes the
environment as an argument, and the strict tables (TOML has real types) would refuse a variable's text as a number
or a boolean.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

from odoosync.config.paths import CONFIG_ENV_VAR, default_database_url, environment, resolve_config_path
from odoosync.config.reading import other_readable, parse_toml, read_bytes
from odoosync.config.schema import (
    SCHEMA_KEYS,
    SECTIONS,
    Config,
    DatabaseSettings,
    DefaultsSettings,
    OdooSettings,
    WorkerSettings,
    env_var_for,
    split_key,
)
from odoosync.config.secrets import refuse_readable_config, secrets_in_file
from odoosync.config.validation import in_schema_order, parse_text, validate
from odoosync.domain.errors import ConfigError

_NOT_FROM_ENV = frozenset({"odoo.api_key"})
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


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
            values[key] = parse_text(key, text)
        except ValueError as exc:
            problems[key] = str(exc)
    return values, problems


def _raise_problems(path: Path, file_problems: Mapping[str, str], env_problems: Mapping[str, str]) -> NoReturn:
    lines = []
    for key in in_schema_order({**file_problems, **env_problems}):
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


def _dotted(*parts: str) -> str:
    return ".".join(part if _BARE_KEY.fullmatch(part) else '"' + part.replace('"', '\\"') + '"' for part in parts)


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
        model = SECTIONS.get(name)
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
        section, name = split_key(key)
        table = raw.get(section)
        if isinstance(table, dict) and name in table:
            keys.append(key)
    return tuple(keys)


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read, check and combine the config file and the environment.

    Raises ConfigError for a missing explicit file, an unreadable or malformed file, invalid values (all
    listed), and a file holding a secret that group or others can read.
    """
    environ = environment(env)
    config_path, explicit = resolve_config_path(path, environ)
    raw: dict[str, Any] = {}
    exists = True
    try:
        data, mode = read_bytes(config_path, "config file")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(
                f"config file not found: {config_path}",
                f"Check the path given with --config or ${CONFIG_ENV_VAR}, or create the file "
                "(copy config.example.toml; odoosync connect writes one).",
            ) from None
        exists = False
    else:
        raw = parse_toml(config_path, data)
        secrets = secrets_in_file(raw)
        if secrets and other_readable(mode):
            refuse_readable_config(config_path, mode, secrets)

    merged: dict[str, Any] = {name: dict(table) if isinstance(table, dict) else table for name, table in raw.items()}
    overrides, env_problems = _env_overrides(environ)
    for key, value in overrides.items():
        section, name = split_key(key)
        table = merged.setdefault(section, {})
        if isinstance(table, dict):
            table[name] = value
    models, problems = validate(merged)
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
