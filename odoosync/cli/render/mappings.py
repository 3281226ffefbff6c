"""`odoosync map`: the codes and their targets, the Setup Assistant's suggestions, the mappings saved."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import out, print_warnings
from odoosync.domain.mappings import Mapping

if TYPE_CHECKING:
    from odoosync.sync.setup.assistant import Suggestion
    from odoosync.sync.setup.mappings import CodeUse


def print_codes(rows: Sequence[CodeUse]) -> None:
    if not rows:
        out.print("No codes to show: ingest records first (or everything is mapped).")
        return
    table = Table()
    for column in ("kind", "code", "records", "mapped to"):
        table.add_column(column, overflow="fold")
    for row in rows:
        target = escape(row.mapping.odoo_name) if row.mapping else "[yellow]unmapped[/]"
        table.add_row(row.kind.value, escape(row.shown), str(row.records), target)
    out.print(table)


def print_suggestions(suggestions: Sequence[Suggestion], plan: Path, lines: int) -> None:
    if not suggestions:
        out.print("Every code is mapped: nothing to suggest.")
        return
    table = Table(title="Suggestions (nothing was written to Odoo)", title_justify="left")
    table.add_column("kind", no_wrap=True)
    table.add_column("code", overflow="fold")
    # Why goes under the suggestion, as wide as it: a column of its own narrowed to a word a line at 80 columns.
    table.add_column("suggested, and why", overflow="fold", min_width=24)
    table.add_column("score", no_wrap=True, justify="right")
    for s in suggestions:
        target = escape(s.target_name) if s.target_name else "[yellow]—[/]"
        if s.create_account:
            target = f"[cyan]new account[/] {target}"
        why = s.why + (f". Nearest: {'; '.join(s.nearest)}" if s.nearest and not s.create_account else "")
        table.add_row(s.kind, escape(s.code), f"{target}\n[dim]{escape(why)}[/]", str(s.score))
    out.print(table)
    out.print(
        f"Wrote {lines} line(s) to {escape(str(plan))}: review it, then run: odoosync map apply {escape(str(plan))}"
    )


def print_left_open(codes: Sequence[str], plan: Path) -> None:
    if codes:
        shown = ", ".join(repr(code) for code in codes)
        out.print(
            f"[yellow]–[/] left without a target: {escape(shown)}. Choose one of the accounts commented under each "
            f"in {escape(str(plan))} and apply again, or: odoosync map set category CODE --account CODE"
        )


def print_removed(kind: str, code: str, removed: int) -> None:
    out.print(f"Removed {removed} mapping(s) of {kind} {code!r}.")


def print_accounts(created: Sequence[str], reused: Sequence[str]) -> None:
    """The accounts `map apply` made in Odoo, and those an earlier apply had made."""
    for code in created:
        out.print(f"[green]✓[/] created account {code}")
    for code in reused:
        out.print(f"[green]✓[/] account {code} is in Odoo already (an earlier apply made it): used as it is")


def print_mappings(saved: Sequence[Mapping], warnings: Iterable[str] = ()) -> None:
    for mapping in saved:
        target = f"{escape(mapping.odoo_name)} (id {mapping.odoo_id})"
        out.print(f"[green]✓[/] {mapping.kind} {escape(repr(mapping.code))} → {target}")
    print_warnings(warnings)
