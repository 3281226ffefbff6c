"""`odoosync enable`, `backfill`, `sync` and `health`: what was queued, what a sync run did, and whether syncing
is healthy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import SHOWN_PROBLEMS, err, out, print_warnings, progress_bar

if TYPE_CHECKING:
    from odoosync.sync.checks.health import Health
    from odoosync.sync.ingest.switch import BackfillReport, EnableReport
    from odoosync.sync.push.drain import SyncReport


def print_backfill(report: BackfillReport) -> None:
    verb = "would queue" if report.dry_run else "queued"
    table = Table(
        title=f"Backfill since {report.since} ({'dry run' if report.dry_run else 'done'})", title_justify="left"
    )
    table.add_column("type")
    table.add_column("eligible", justify="right")
    table.add_column(verb, justify="right")
    for name, (eligible, added) in report.by_type.items():
        table.add_row(name, str(eligible), str(added))
    out.print(table)
    if not report.dry_run:
        out.print("Run odoosync sync to push them to Odoo." if report.added else "Nothing new to queue.")


def print_enable(report: EnableReport) -> None:
    switch = report.switch
    out.print("Syncing was already on." if report.was_enabled else "[green]Syncing is on.[/]")
    if switch.backfill_since:
        out.print(f"Backfill window: records dated from {switch.backfill_since} on.")
    if report.backfill is not None:
        print_backfill(report.backfill)
    elif not report.was_enabled:
        out.print("New records are queued as they are ingested; odoosync backfill --since DATE queues older ones.")


@contextmanager
def sync_progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled or not err.is_terminal:
        yield None
        return
    progress = progress_bar("syncing")
    task = progress.add_task("sync", total=None)
    progress.start()

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        progress.stop()


def print_sync_report(report: SyncReport) -> None:
    if not report.jobs and not report.interrupted:
        out.print("Nothing to sync: no job is due." + (f" ({report.recovered} recovered)" if report.recovered else ""))
    elif report.jobs:
        # The headline counts outcomes: "Synced 8 job(s)" while 2 of them failed would not be true.
        outcomes = ", ".join(f"{count} {outcome}" for outcome, count in report.outcomes().items() if count)
        table = Table(
            title=f"{outcomes}: {report.jobs} job(s) in {report.batches} batch(es), {report.odoo_calls} Odoo "
            f"call(s), {report.seconds:.1f} s",
            title_justify="left",
        )
        table.add_column("type")
        for column in ("synced", "unchanged", "failed", "retrying", "waiting"):
            table.add_column(column, justify="right")
        for name, tally in report.by_type.items():
            counts = tally.as_dict()
            if any(counts.values()):
                table.add_row(name, *(str(v) for v in counts.values()))
        out.print(table)
    if report.stopped_by == "odoo_unavailable":
        err.print(
            "[yellow]Stopped: Odoo refused or dropped a whole batch for now[/] (see the errors with odoosync queue "
            "list); its jobs retry after their backoff, and the next sync goes on."
        )
    elif report.interrupted:
        err.print(
            f"[yellow]Stopped by {report.stopped_by}[/]: {report.jobs} job(s) went through first; "
            f"{report.released} job(s) in flight went back to the queue, to be looked for in Odoo by their marker "
            "first (nothing is made twice)."
        )
        err.print("  [cyan]→[/] Run odoosync sync again to finish.")
    elif report.stopped_by:
        out.print(f"[yellow]Stopped by --{report.stopped_by.replace('_', '-')}[/]: run sync again for the rest.")
    print_warnings(report.warnings)
    # Failures with one cause (a missing mapping fails every record that uses it) are shown once, with their ids.
    groups: dict[str, list[dict[str, str]]] = {}
    for failure in report.failures:
        label = f"{failure['type'].replace('_', ' ')} {failure['id']}"
        cause = failure["error"].replace(f", needed by {label}", "").replace(f" of {label}", "")
        groups.setdefault(cause, []).append(failure)
    for cause, failures in list(groups.items())[:SHOWN_PROBLEMS]:
        ids = ", ".join(f"{f['id']} (job {f['job']})" for f in failures[:8])
        more = f" and {len(failures) - 8} more" if len(failures) > 8 else ""
        first, *rest = cause.splitlines() or [""]
        err.print(f"[red]failed[/] {failures[0]['type']} {escape(ids)}{more}")
        err.print(f"  {escape(first)}")
        for line in rest:
            err.print(f"  [cyan]→[/] {escape(line)}")
    if len(groups) > SHOWN_PROBLEMS:
        err.print("  … and more: odoosync queue list --state failed")


def print_health(health: Health) -> None:
    if health.ok:
        when = f"{health.last_success_at:%Y-%m-%d %H:%M} UTC" if health.last_success_at else "never"
        out.print(f"[green]healthy[/]: no failed job, nothing overdue, last successful sync {when}")
        return
    err.print(f"[bold red]unhealthy[/]: {len(health.problems)} problem(s)")
    for problem in health.problems:
        err.print(f"  • {escape(problem)}")
