"""Writing the config file: values given as text read as their key's type, then saved.

Saving (:func:`save_config_values`) rewrites the whole file with tomli-w, atomically (temporary file in the
same directory, fsync, rename) and with mode 0600. Every key that is not updated is kept, unknown keys and
unknown tables included, but **comments and the original formatting of the file are lost** (tomli-w cannot
keep them).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from odoosync.config.reading import parse_toml, read_bytes
from odoosync.config.schema import SCHEMA_KEYS, split_key
from odoosync.config.validation import expected, in_schema_order, parse_text, validate
from odoosync.domain.errors import ConfigError


def _require_known(key: str) -> None:
    if key not in SCHEMA_KEYS:
        raise ConfigError(f"unknown setting: {key}", "Known settings: " + ", ".join(SCHEMA_KEYS))


def parse_setting(key: str, text: str) -> object:
    """Parse a text given for a dotted schema key (as an environment variable gives it) into its type.

    Only the type is checked here; ranges and allowed values are checked when the value is saved.
    """
    _require_known(key)
    try:
        return parse_text(key, text)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}", f"Give {key} {expected(key)}.") from None


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
        data, _ = read_bytes(target, "config file")
    except FileNotFoundError:
        raw: dict[str, Any] = {}
    else:
        raw = parse_toml(target, data)

    for key, value in updates.items():
        _require_known(key)
        section, name = split_key(key)
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

    _, problems = validate(raw)
    if problems:
        lines = [f"  {key}: {problems[key]}" for key in in_schema_order(problems)]
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
