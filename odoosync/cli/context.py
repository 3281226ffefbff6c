"""What the global options set up for every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from odoosync.sync.setup.workspace import Workspace, open_workspace


@dataclass
class AppState:
    config_path: Path | None = None
    debug: bool = False

    def workspace(self) -> Workspace:
        return open_workspace(self.config_path)


def state(ctx: typer.Context) -> AppState:
    found = ctx.find_object(AppState)
    return found if found is not None else AppState()
