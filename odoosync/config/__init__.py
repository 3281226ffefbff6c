"""The odoosync configuration file: find it, load it, check it, keep its secrets, save it, describe it.

One module for each of these, the rest of odoosync imports from here:

- ``paths``: where the config file is (``--config``, ``$ODOOSYNC_CONFIG``, XDG), and the default database;
- ``schema``: the four tables and their rules, and :class:`Config`, the effective configuration;
- ``reading``: a file's bytes and who else may read it, TOML;
- ``validation``: the tables checked, one plain line per wrong key; text read as a key's type;
- ``loading``: :func:`load_config`, the file and the environment's overrides combined and checked;
- ``secrets``: the API key (:func:`resolve_api_key`), and secrets refused in a file others can read;
- ``writing``: :func:`save_config_values` and :func:`parse_setting`;
- ``description``: :func:`describe`, what ``odoosync config show`` lists.
"""

from __future__ import annotations

from odoosync.config.description import ConfigEntry, describe
from odoosync.config.loading import load_config
from odoosync.config.paths import CONFIG_ENV_VAR, default_database_url, resolve_config_path
from odoosync.config.schema import (
    DEFAULT_API_KEY_ENV,
    SCHEMA_KEYS,
    SECRET_KEYS,
    ApiKeySourceKind,
    Config,
    DatabaseSettings,
    DefaultsSettings,
    EntrySource,
    OdooSettings,
    WorkerSettings,
    env_var_for,
    odoo_url_problem,
)
from odoosync.config.secrets import ApiKey, resolve_api_key
from odoosync.config.writing import parse_setting, save_config_values
from odoosync.domain.secrets import redact_url

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
