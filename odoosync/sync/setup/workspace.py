"""Opening what a command works on: the configuration and the local database it names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from odoosync.config import Config, load_config
from odoosync.store import Store


@dataclass
class Workspace:
    config: Config
    store: Store

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workspace(config_path: Path | None = None, env: Mapping[str, str] | None = None) -> Workspace:
    """Load the config, open its database and bring the schema up to date."""
    config = load_config(config_path, env)
    return Workspace(config, Store.open(config.database_url))


def open_store(database_url: str | None = None, config_path: Path | None = None) -> Store:
    """The store for an app that embeds odoosync: at `database_url`, or the one the config names."""
    return Store.open(database_url or load_config(config_path).database_url)
