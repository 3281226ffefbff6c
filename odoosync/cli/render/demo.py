"""`odoosync demo`: its steps, and what ended up in Odoo."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import out
from odoosync.cli.render.queue import queue_table
from odoosync.cli.render.status import print_status
from odoosync.cli.render.sync import print_sync_report
from odoosync.domain.records import SYNCING_STATUS, RecordType

if TYPE_CHECKING:
    from odoosync.sync.demo import DemoReport


def demo_step(text: str) -> None:
    out.print(f"[cyan]▸[/] {escape(text)}")


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"  # Odoo answers amounts as JSON numbers; shown at the currency's two decimals
    return str(value)


# Names wrap; numbers, dates, amounts, states and references are never cut or wrapped (INV/2026/000… at 80 columns).
WRAPPING_COLUMNS = frozenset({"customer", "vendor", "partner", "name", "memo"})
AMOUNT_FIELDS = frozenset({"amount_total", "amount"})


def _odoo_table(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], total: int) -> None:
    table = Table(title=f"{title} ({len(rows)} of {total})", title_justify="left")
    cells = [[_cell(row.get(key)) for key, _heading in columns] for row in rows]
    for index, (key, heading) in enumerate(columns):
        if heading in WRAPPING_COLUMNS:
            table.add_column(heading)
            continue
        widest = max((len(heading), *(len(line[index]) for line in cells)))
        table.add_column(heading, no_wrap=True, min_width=widest, justify="right" if key in AMOUNT_FIELDS else "left")
    for line in cells:
        table.add_row(*(escape(cell) for cell in line))
    out.print(table)


def print_demo(report: DemoReport) -> None:
    out.print()
    out.print("[bold]First sync[/] (the backfill)")
    print_sync_report(report.first_sync)
    if report.not_eligible:
        # The ingest counted them: say where they went, in the app's own words for their status.
        out.print("Not synced, by their status in the app:")
        for record_type, statuses in report.not_eligible.items():
            what = record_type.replace("_", " ")
            counted = ", ".join(f"{n} {status}" for status, n in statuses.items())
            out.print(f"  {what}s: {counted} ({what}s sync once {SYNCING_STATUS[RecordType(record_type)]})")
    out.print("[bold]Second sync[/] (the edits)")
    print_sync_report(report.second_sync)
    out.print(queue_table(report.queue, "The queue"))
    out.print("[bold]A few records[/]")
    for chip in report.chips:
        print_status(chip)
    odoo = report.odoo
    out.print(f"[bold]In Odoo[/] ({report.odoo_url}, Odoo {report.odoo_version})")
    _odoo_table(
        "Customer invoices",
        odoo.invoices,
        [
            ("name", "number"),
            ("partner_id", "customer"),
            ("invoice_date", "date"),
            ("amount_total", "total"),
            ("state", "state"),
            ("invoice_origin", "source"),
        ],
        odoo.counts.get("invoices", 0),
    )
    _odoo_table(
        "Vendor bills",
        odoo.bills,
        [
            ("name", "number"),
            ("partner_id", "vendor"),
            ("invoice_date", "date"),
            ("amount_total", "total"),
            ("state", "state"),
            ("invoice_origin", "source"),
        ],
        odoo.counts.get("bills", 0),
    )
    _odoo_table(
        "Payments",
        odoo.payments,
        [
            ("name", "number"),
            ("partner_id", "partner"),
            ("date", "date"),
            ("amount", "amount"),
            ("state", "state"),
            ("memo", "memo"),
        ],
        odoo.counts.get("payments", 0),
    )
    _odoo_table(
        "Partners",
        odoo.partners,
        [("name", "name"), ("ref", "reference"), ("lang", "language"), ("active", "active")],
        odoo.counts.get("partners", 0),
    )


def print_demo_kept(report: DemoReport, api_key: str) -> None:
    out.print(
        f"\nThe sandbox keeps running at {report.odoo_url} (database sandbox, login admin, API key {api_key}; "
        "the sandbox's own throwaway key). Try, in another terminal:"
    )
    out.print(f"  ODOOSYNC_DEMO_API_KEY= odoosync --config {report.config_path} status rent_payment RP-2026-0001")
    out.print(f"  odoosync --config {report.config_path} queue list")
    out.print("Ctrl-C stops it.")
