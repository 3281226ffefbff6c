"""Where odoosync's files are: the config file, and the database when the config names none (XDG base directories).

Where the config file is: ``--config`` (the ``explicit`` argument), else ``$ODOOSYNC_CONFIG``, else
``$XDG_CONFIG_HOME/odoosync/config.toml`` (``~/.config`` when XDG_CONFIG_HOME is unset). A missing file at the
default place means "all defaults"; a missing file that was named explicitly is an error.

platformdirs would not make this shorter: it reads ``os.environ`` only, where every function here takes the
environment as an argument (load_config passes it on, the tests give their own), and it takes a relative
XDG_CONFIG_HOME as it is, where the XDG spec says to ignore it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

CONFIG_ENV_VAR = "ODOOSYNC_CONFIG"


def environment(env: Mapping[str, str] | None) -> Mapping[str, str]:
    """The environment given, or the process's own."""
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
    environ = environment(env)
    if explicit is not None:
        return explicit.expanduser(), True
    named = environ.get(CONFIG_ENV_VAR, "")
    if named:
        return Path(named).expanduser(), True
    return _xdg_dir(environ, "XDG_CONFIG_HOME", (".config",)) / "odoosync" / "config.toml", False


def default_database_url(env: Mapping[str, str] | None = None) -> str:
    """SQLite in ``$XDG_DATA_HOME/odoosync/odoosync.db`` (``~/.local/share`` by default); creates nothing."""
    data_dir = _xdg_dir(environment(env), "XDG_DATA_HOME", (".local", "share"))
    return "sqlite:///" + str((data_dir / "odoosync" / "odoosync.db").absolute())
