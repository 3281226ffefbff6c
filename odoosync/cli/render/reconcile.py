"""`odoosync reconcile`: Odoo's totals against what odoosync pushed, and each difference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import SHOWN_PROBLEMS, out, shown_money

if TYPE_CHECKING:
    from odoosync.sync.checks.reconcile import Reconciliation


def print_reconciliation(result: Reconciliation) -> None:
    out.print(
        f"Compared {result.compared} Odoo document(s) with what odoosync pushed, {result.odoo_calls} Odoo call(s)"
        + (f"; {result.not_compared} with a newer version still to sync" if result.not_compared else "")
        + "."
    )
    if result.totals:
        currencies = {total.currency for total in result.totals}
        one = next(iter(currencies)) if len(currencies) == 1 else None
        table = Table(title="Per owner and month" + (f", in {one}" if one else ""), title_justify="left")
        columns = ["owner", "month", "kind", "docs", "pushed", "in Odoo", "difference"]
        if one is None:
            columns.insert(3, "currency")
        for column in columns:
            table.add_column(
                column, justify="right" if column in ("docs", "pushed", "in Odoo", "difference") else "left"
            )
        for total in result.totals:
            gap = total.difference
            cells = [
                escape(total.owner or "(none)"),
                total.month,
                total.kind,
                str(total.documents),
                shown_money(total.pushed, total.currency),
                shown_money(total.in_odoo, total.currency),
                f"[red]{shown_money(gap, total.currency)}[/]" if gap else "",
            ]
            if one is None:
                cells.insert(3, total.currency)
            table.add_row(*cells)
        out.print(table)
    for difference in result.differences[:SHOWN_PROBLEMS]:
        who = f"{difference.record_type.replace('_', ' ')} {difference.record_id}".strip()
        out.print(f"[red]{difference.kind}[/] {escape(who)}: {escape(difference.message)}")
        out.print(f"    [cyan]→[/] {escape(difference.instruction)}")
    if len(result.differences) > SHOWN_PROBLEMS:
        out.print(f"… and {len(result.differences) - SHOWN_PROBLEMS} more: odoosync reconcile --json")
    if result.ok:
        out.print("[green]Odoo holds what odoosync pushed.[/]")
    else:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts().items()))
        out.print(f"{len(result.differences)} difference(s): {counts}")
