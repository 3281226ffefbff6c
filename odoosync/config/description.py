"""The configuration as ``odoosync config show`` lists it: each key's value and where it came from, secrets masked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from odoosync.config.schema import SCHEMA_KEYS, Config, EntrySource, split_key
from odoosync.config.secrets import looks_secret, resolve_api_key
from odoosync.domain.errors import ConfigError
from odoosync.domain.secrets import redact_url


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
        section, name = split_key(key)
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
        shown = "****" if looks_secret(key) else _entry_value(value)
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
