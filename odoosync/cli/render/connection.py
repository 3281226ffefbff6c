"""The connection to Odoo: what `odoosync connect` found and saved, and what disconnecting kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from odoosync.cli.render.common import out

if TYPE_CHECKING:
    from odoosync.sync.setup.connection import ConnectionReport, DisconnectReport


def print_connection(report: ConnectionReport, *, saved: bool) -> None:
    from odoosync.sync.setup.connection import TYPED_KEY

    out.print(f"[green]✓[/] Connected to Odoo {escape(report.odoo_version)} at {escape(report.url)}")
    out.print(f"  database   {escape(report.database)}")
    out.print(f"  user       {escape(report.user)} ({escape(report.login)}, uid {report.uid})")
    out.print(f"  protocol   {report.protocol}")
    companies = ", ".join(f"{escape(name)} ({cid})" for cid, name in report.companies)
    out.print(f"  companies  {companies}")
    if report.company:
        out.print(f"  default    company {escape(report.company[1])}", end="")
        if report.sale_journal:
            out.print(f", sale journal {escape(report.sale_journal[1])} ({escape(report.sale_journal[2])})")
        else:
            out.print()
    if report.key_source == TYPED_KEY:
        out.print(f"  API key    {TYPED_KEY}, kept in a private file next to the config (never in odoosync's database)")
    else:
        out.print(f"  API key    from {escape(report.key_source)} (never stored in odoosync's database)")
    if report.carried_from:
        out.print(
            f"  moved      {report.carried_rows} link(s) and mapping(s) kept for {escape(report.carried_from)}: "
            "the same Odoo database (database.uuid)"
        )
    if saved and report.saved_to:
        out.print(f"[dim]Saved to {escape(str(report.saved_to))}.[/]")


def print_disconnect(report: DisconnectReport) -> None:
    if report.url:
        out.print(f"Disconnected from {escape(report.url)} (database {escape(str(report.database))}).")
        out.print(
            f"  {report.mappings_removed} mapping(s) removed; {report.links_kept} link(s) kept, so reconnecting to"
        )
        out.print("  the same database will not duplicate anything. Nothing in Odoo was changed.")
        return
    out.print("odoosync was not connected: nothing to forget. Nothing in Odoo was changed.")
    if not report.kept_for:
        out.print("  No link is kept: nothing was synced to Odoo yet.")
        return
    out.print(f"  {report.links_kept} link(s) kept, so connecting again to the same database will not duplicate")
    out.print("  anything:")
    for url, database, links in report.kept_for:
        out.print(f"    {links} for database {escape(database)} at {escape(url)}")
