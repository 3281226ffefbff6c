"""`odoosync owners`: the owners, and where each lands in Odoo."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import out

if TYPE_CHECKING:
    from odoosync.sync.setup.owners import Owner


def print_owners(owners: Sequence[Owner], separation: str) -> None:
    if not owners:
        out.print("No owners yet: ingest contacts with the owner role first.")
        return
    table = Table(title=f"Owners (owner separation: {separation})", title_justify="left")
    for column in ("owner", "name", "company", "analytic account"):
        table.add_column(column, overflow="fold")
    for owner in owners:
        table.add_row(
            escape(owner.id),
            escape(owner.name),
            escape(owner.company.odoo_name) if owner.company else "[yellow]unmapped[/]",
            escape(owner.analytic.odoo_name) if owner.analytic else "[yellow]unmapped[/]",
        )
    out.print(table)
