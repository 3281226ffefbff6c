"""odoosync enable, disable, backfill and sync: switching syncing on and pushing the queue to Odoo."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from odoosync.cli.context import state
from odoosync.cli.exit_codes import ExitCode
from odoosync.cli.plan import show_plan
from odoosync.domain.errors import InvalidChoice
from odoosync.domain.records import RecordType
from odoosync.sync.stopping import stop_on_signals


def at_a_terminal() -> bool:
    return sys.stdin.isatty()


TYPES_HELP = "Only this record type: contact, rent_payment, expense, deposit (repeatable)."


def enable_command(
    ctx: typer.Context,
    backfill_since: Annotated[
        str | None,
        typer.Option("--backfill-since", metavar="DATE", help="Also queue stored records dated from DATE on."),
    ] = None,
    no_backfill: Annotated[
        bool, typer.Option("--no-backfill", help="Only sync what arrives from now on; queue no history.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Switch syncing on: ingest queues new records, and sync pushes them to Odoo.

    On the first enable, on a terminal and without --backfill-since or --no-backfill, it asks whether to
    backfill history and from when.

    Example: odoosync enable --backfill-since 2026-01-01
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.sync import print_enable
    from odoosync.sync.ingest.switch import enable, odoo_database_of, parse_day, sync_switch

    if backfill_since and no_backfill:
        raise typer.BadParameter("give --backfill-since or --no-backfill, not both", param_hint="--no-backfill")
    since = parse_day(backfill_since, "--backfill-since") if backfill_since else None
    with state(ctx).workspace() as workspace:
        first = not sync_switch(workspace.store).ever_enabled
        ask = first and since is None and not no_backfill and at_a_terminal() and not as_json
        if ask and typer.confirm("Backfill records stored before now?", default=True):
            since = typer.prompt(
                "Since which date (YYYY-MM-DD)?",
                default=f"{datetime.now().astimezone().year}-01-01",
                value_proc=_backfill_day,
            )
        report = enable(workspace.store, backfill_since=since, odoo_database=odoo_database_of(workspace.config))
    if as_json:
        print_json(report.as_dict())
    else:
        print_enable(report)


def _backfill_day(text: str) -> date:
    from odoosync.sync.ingest.switch import parse_day

    # A prompt asks again, with the reason, when its answer is refused as a usage error.
    try:
        return parse_day(text, "the backfill date")
    except InvalidChoice as error:
        raise typer.BadParameter(error.reason) from None


def disable_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Switch syncing off: nothing is queued or sent to Odoo; the queue and its history stay.

    Example: odoosync disable
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.common import out
    from odoosync.sync.ingest.switch import disable

    with state(ctx).workspace() as workspace:
        switch = disable(workspace.store)
    if as_json:
        print_json(switch.as_dict())
    else:
        out.print("Syncing is off. Jobs stay in the queue; odoosync enable switches it back on.")


def backfill_command(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", metavar="DATE", help="Queue records dated from DATE on.")],
    record_type: Annotated[list[RecordType] | None, typer.Option("--type", metavar="TYPE", help=TYPES_HELP)] = None,
    adopt: Annotated[
        bool,
        typer.Option(
            "--adopt", help="First look in Odoo for what was keyed in by hand, and link it instead of making it twice."
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be queued.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Queue stored records dated on or after DATE: contacts, expenses, deposits, then rent payments.

    Running it twice adds nothing twice. With --adopt, a record that matches exactly one Odoo record (first by
    the marker an earlier odoosync left: a partner's reference, a document's source, a payment's memo; then, for
    what was keyed in by hand, a partner with its VAT number, else email, else name and phone; a document of its
    partner, date and amount) is linked to it instead of queued; several wait for a person: odoosync adopt list.

    Example: odoosync backfill --since 2026-01-01 --adopt
    """
    from odoosync.cli.render.adopt import print_adopt_report
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.sync import print_backfill
    from odoosync.sync.checks.adopt import backfill_adopting
    from odoosync.sync.ingest.switch import backfill, odoo_database_of, parse_day

    day = parse_day(since, "--since")
    if adopt:
        with state(ctx).workspace() as workspace:
            adopted = backfill_adopting(
                workspace.config, workspace.store, since=day, types=tuple(record_type or ()), dry_run=dry_run
            )
        if as_json:
            print_json(adopted.as_dict())
        else:
            print_adopt_report(adopted)
        return
    with state(ctx).workspace() as workspace:
        report = backfill(
            workspace.store,
            since=day,
            types=tuple(record_type or ()),
            dry_run=dry_run,
            odoo_database=odoo_database_of(workspace.config),
        )
    if as_json:
        print_json(report.as_dict())
    else:
        print_backfill(report)


def sync_command(
    ctx: typer.Context,
    batch_size: Annotated[
        int | None, typer.Option(min=1, max=1000, help="Jobs claimed and pushed together (default: worker.batch_size).")
    ] = None,
    max_jobs: Annotated[int | None, typer.Option(min=1, help="Stop after this many jobs.")] = None,
    max_seconds: Annotated[float | None, typer.Option(min=0, help="Stop starting batches after this long.")] = None,
    record_type: Annotated[list[RecordType] | None, typer.Option("--type", metavar="TYPE", help=TYPES_HELP)] = None,
    metrics_file: Annotated[
        Path | None,
        typer.Option(help="Write Prometheus textfile-collector metrics here after the run.", dir_okay=False),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Change nothing: show what would happen (the same as odoosync plan).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Push the due jobs to Odoo in batches, in dependency order, and summarise what happened.

    Exit status 0 when every job taken is done or will retry by itself; 4 when some failed and need a person
    (see odoosync queue list --state failed).

    Example: odoosync sync --max-seconds 600
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.sync import print_sync_report, sync_progress
    from odoosync.sync.checks.health import sync_and_record
    from odoosync.sync.checks.plan.report import PlanScope
    from odoosync.sync.push.drain import SyncLimits

    if dry_run:
        show_plan(ctx, PlanScope(types=tuple(record_type or ())), as_json=as_json, summary=False)
        return
    limits = SyncLimits(batch_size, max_jobs, max_seconds, tuple(record_type or ()))
    with stop_on_signals(), state(ctx).workspace() as workspace, sync_progress(not as_json) as progress:
        report = sync_and_record(
            workspace.config, workspace.store, limits, metrics_file=metrics_file, progress=progress
        )
    if as_json:
        print_json(report.as_dict())
    else:
        print_sync_report(report)
    if report.interrupted:
        raise typer.Exit(ExitCode.TERMINATED if report.stopped_by == "SIGTERM" else ExitCode.INTERRUPTED)
    if report.failed:
        raise typer.Exit(ExitCode.JOBS_FAILED)
    if report.stopped_by == "odoo_unavailable":
        raise typer.Exit(ExitCode.TEMPORARY)


def health_command(
    ctx: typer.Context,
    max_age: Annotated[
        str, typer.Option("--max-age", help="The last successful sync may be at most this old (e.g. 36h, 2d).")
    ] = "36h",
    max_queue_age: Annotated[
        str, typer.Option("--max-queue-age", help="A job may wait this long after it is due (e.g. 6h).")
    ] = "24h",
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Check that syncing is healthy, for a monitoring check or an OnFailure= unit: no failed job, no job due for
    too long, a recent successful run. Exit status 5 when anything is wrong. Reads only the local database.

    Example: odoosync health --max-age 2d
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.sync import print_health
    from odoosync.sync.checks.health import check_health, parse_duration

    limits = parse_duration(max_age, "--max-age"), parse_duration(max_queue_age, "--max-queue-age")
    with state(ctx).workspace() as workspace:
        health = check_health(workspace.store, max_age=limits[0], max_queue_age=limits[1])
    if as_json:
        print_json(health.as_dict())
    else:
        print_health(health)
    if not health.ok:
        raise typer.Exit(ExitCode.UNHEALTHY)
