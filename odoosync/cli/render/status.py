"""`odoosync status`: a record's sync chip, and why."""

from __future__ import annotations

from rich.markup import escape

from odoosync.cli.render.common import out, when
from odoosync.sync.checks.status import Chip, RecordStatus, describe_link

CHIP_STYLE = {Chip.SYNCED: "green", Chip.PENDING: "yellow", Chip.FAILED: "red", Chip.NOT_SYNCED: "dim"}


def print_status(status: RecordStatus) -> None:
    style = CHIP_STYLE[status.chip]
    out.print(f"{status.record_type.value} [bold]{escape(status.record_id)}[/]  [{style}]● {status.chip.label}[/]")
    first, *rest = status.reason.splitlines() or [""]
    out.print(f"  {escape(first)}")
    for line in rest:
        out.print(f"  [cyan]→[/] {escape(line)}")
    for link in status.related:
        out.print(f"  {link.role.replace('_', ' ')}: {escape(describe_link(link))}")
    out.print(f"  [dim]version {status.version}, received {when(status.received_at)}[/]")
