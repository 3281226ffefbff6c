"""The config's secrets: where the API key comes from, and keeping it (and a database password) out of sight.

The API key comes from an environment variable, a key file, a systemd credential or, discouraged, inline
``odoo.api_key``; a password may sit inside ``database.url``. A config file or key file holding a secret that
group or others can read is refused with the ``chmod 600`` that fixes it. No secret is ever put into an
exception message, a ``repr`` or a description made here: :class:`ApiKey` shows ``****`` and hands the value
out only through :meth:`ApiKey.reveal`; database URLs are shown through :func:`redact_url`.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from odoosync.config.paths import environment
from odoosync.config.reading import mode_text, other_readable, read_bytes
from odoosync.config.schema import DEFAULT_API_KEY_ENV, ApiKeySourceKind, Config, env_var_for
from odoosync.domain.errors import ConfigError
from odoosync.domain.secrets import url_has_secret

_MAX_KEY_FILE_BYTES = 64 * 1024
_SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey")


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
        data, mode = read_bytes(path, "API key file", limit=_MAX_KEY_FILE_BYTES)
    except FileNotFoundError:
        raise ConfigError(
            f"API key file not found: {path} (odoo.api_key_file)",
            "Create it with the key on one line (chmod 600), or correct odoo.api_key_file.",
        ) from None
    if other_readable(mode):
        raise ConfigError(
            f"refusing to read API key file {path}: other users can read it (mode {mode_text(mode)})",
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
        data, _ = read_bytes(path, "systemd credential", limit=_MAX_KEY_FILE_BYTES)
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
    environ = environment(env)
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


# ----------------------------------------------------------------------------------- secrets in the config file


def secrets_in_file(raw: Mapping[str, Any]) -> list[str]:
    """The secrets the config file's tables hold, in words: the inline API key, a password in database.url."""
    found = []
    odoo = raw.get("odoo")
    if isinstance(odoo, dict) and odoo.get("api_key") not in (None, ""):
        found.append("the API key odoo.api_key")
    database = raw.get("database")
    if isinstance(database, dict) and isinstance(database.get("url"), str) and url_has_secret(database["url"]):
        found.append("the password in database.url")
    return found


def refuse_readable_config(path: Path, mode: int, secrets: list[str]) -> NoReturn:
    """The error for a config file holding ``secrets`` that others can read: chmod, and where else they can be."""
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
        f"(mode {mode_text(mode)})",
        "\n".join(lines),
    )


def looks_secret(key: str) -> bool:
    """Whether a key the schema does not know is named like a secret (its value is then never shown)."""
    last = key.rsplit(".", 1)[-1].lower()
    return any(word in last for word in _SECRET_WORDS)
