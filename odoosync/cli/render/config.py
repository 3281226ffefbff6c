"""`odoosync config show` and `odoosync defaults`: the settings, where each came from, and what was saved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import out

if TYPE_CHECKING:
    from odoosync.config import ConfigEntry


def print_config(path: str, exists: bool, entries: Sequence[ConfigEntry]) -> None:
    out.print(f"config file: {escape(path)}" + ("" if exists else " [dim](not created yet: defaults apply)[/]"))
    table = Table()
    table.add_column("key")
    table.add_column("value", overflow="fold")
    table.add_column("from")
    for entry in entries:
        value = (
            "—"
            if entry.value is None
            else str(entry.value).lower()
            if isinstance(entry.value, bool)
            else str(entry.value)
        )
        source = f"{entry.source} [yellow](unknown key, ignored)[/]" if entry.unknown else entry.source
        table.add_row(escape(entry.key), escape(value), source)
    out.print(table)


def print_saved(saved: dict[str, object]) -> None:
    if not saved:
        out.print("Nothing to change: give at least one option (see --help).")
        return
    for key, value in saved.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        out.print(f"[green]✓[/] {escape(key)} = {escape(shown)}")
