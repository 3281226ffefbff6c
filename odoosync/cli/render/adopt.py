"""Adoption: the Odoo records a backfill took over, and those waiting for a person's decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import SHOWN_PROBLEMS, out
from odoosync.domain.adoptions import Adoption

if TYPE_CHECKING:
    from odoosync.sync.checks.adopt import AdoptReport


def print_adopt_report(report: AdoptReport) -> None:
    verb = "would be" if report.dry_run else "were"
    table = Table(
        title=f"Backfill since {report.since} with adoption ({report.odoo_calls} Odoo call(s))"
        + (": dry run, nothing changed" if report.dry_run else ""),
        title_justify="left",
    )
    table.add_column("type")
    for column in ("eligible", "adopted", "ambiguous", "queued"):
        table.add_column(column, justify="right")
    for name, tally in report.by_type.items():
        table.add_row(name, *(str(v) for v in tally.as_dict().values()))
    out.print(table)
    for adopted in report.adopted[:SHOWN_PROBLEMS]:
        target = f"{adopted['odoo_model']} {adopted['odoo_id']}" + (
            f" {escape(adopted['name'])}" if adopted["name"] else ""
        )
        out.print(
            f"[green]adopted[/] {adopted['type'].replace('_', ' ')} {escape(adopted['id'])} → {target} "
            f"(same {adopted['matched_on']})"
        )
    if report.ambiguous:
        out.print(
            f"[yellow]{len(report.ambiguous)} record(s) match more than one Odoo record[/] and {verb} kept for you "
            "to decide: odoosync adopt list"
        )


def print_adoptions(adoptions: Sequence[Adoption]) -> None:
    if not adoptions:
        out.print("No record waits for an adoption decision.")
        return
    for adoption in adoptions:
        label = f"{adoption.record_type.value.replace('_', ' ')} {adoption.record_id}"
        decided = f" ({adoption.state.value}" + (f": {adoption.odoo_id})" if adoption.odoo_id else ")")
        out.print(f"{escape(label)}{decided if adoption.state.value != 'pending' else ''}")
        for candidate in adoption.candidates:
            out.print(
                f"    {adoption.odoo_model} {candidate.odoo_id}  {escape(candidate.name)}  {escape(candidate.detail)}"
            )
        if adoption.state.value == "pending":
            out.print(
                f"    [cyan]→[/] odoosync adopt accept {adoption.record_type.value} {escape(adoption.record_id)} "
                "--odoo-id ID, or odoosync adopt reject "
                f"{adoption.record_type.value} {escape(adoption.record_id)}"
            )
