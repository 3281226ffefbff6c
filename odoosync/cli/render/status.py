"""`odoosync status`: a record's sync chip, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from odoosync.cli.render.common import out, when

if TYPE_CHECKING:
    from odoosync.sync.checks.status import RecordStatus


def print_status(status: RecordStatus) -> None:
    from odoosync.sync.checks.status import Chip, describe_link

    style = {Chip.SYNCED: "green", Chip.PENDING: "yellow", Chip.FAILED: "red", Chip.NOT_SYNCED: "dim"}[status.chip]
    out.print(f"{status.record_type.value} [bold]{escape(status.record_id)}[/]  [{style}]● {status.chip.label}[/]")
    first, *rest = status.reason.splitlines() or [""]
    out.print(f"  {escape(first)}")
    for line in rest:
        out.print(f"  [cyan]→[/] {escape(line)}")
    for link in status.related:
        out.print(f"  {link.role.replace('_', ' ')}: {escape(describe_link(link))}")
    out.print(f"  [dim]version {status.version}, received {when(status.received_at)}[/]")
