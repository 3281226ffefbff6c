"""What the global options set up for every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from odoosync.sync.setup.workspace import Workspace


@dataclass
class AppState:
    config_path: Path | None = None
    debug: bool = False

    def workspace(self) -> Workspace:
        # Imported when a command opens it: the database layer is most of what a command takes to start.
        from odoosync.sync.setup.workspace import open_workspace

        return open_workspace(self.config_path)


def state(ctx: typer.Context) -> AppState:
    found = ctx.find_object(AppState)
    return found if found is not None else AppState()
