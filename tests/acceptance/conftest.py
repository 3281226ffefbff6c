from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment whose config and database live in tmp_path, with no odoosync variable inherited."""
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_"):
            monkeypatch.delenv(name)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
