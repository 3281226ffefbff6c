"""Reading the config file or a key file: its bytes and its mode (who else may read it), and TOML.

Every failure but a missing file is a ConfigError that names the file and says what to check.
"""

from __future__ import annotations

import os
import shlex
import stat
import tomllib
from pathlib import Path
from typing import Any

from odoosync.domain.errors import ConfigError


def mode_text(mode: int) -> str:
    """A file's permission bits as ``chmod`` takes them: ``0644``."""
    return f"{stat.S_IMODE(mode):04o}"


def other_readable(mode: int) -> bool:
    """Whether group or others may read a file of this mode (never on a system without POSIX modes)."""
    return os.name == "posix" and bool(mode & 0o044)


def read_bytes(path: Path, what: str, limit: int | None = None) -> tuple[bytes, int]:
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


def parse_toml(path: Path, data: bytes) -> dict[str, Any]:
    """The config file's bytes as TOML tables."""
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
