"""odoosync queue: the sync jobs."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state
from odoosync.domain.jobs import SHOWN_JOBS, JobState
from odoosync.domain.records import RecordType

app = typer.Typer(help="The sync queue: one job per record to bring into Odoo.", no_args_is_help=True)


@app.command("list")
def list_jobs(
    ctx: typer.Context,
    job_state: Annotated[
        list[JobState] | None,
        typer.Option(
            "--state",
            metavar="STATE",
            help="Only jobs in this state: pending, running, done, failed, cancelled (repeatable).",
        ),
    ] = None,
    record_type: Annotated[
        list[RecordType] | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="Only jobs for this record type: contact, rent_payment, expense, deposit (repeatable).",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", help="Show at most N jobs.", show_default=True)
    ] = SHOWN_JOBS,
    every: Annotated[bool, typer.Option("--all", help="Show every job, however many.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary, the jobs shown and how many are not, as JSON.")
    ] = False,
) -> None:
    """Count the jobs by type and state, then list the first of them: failed first, then running and pending,
    newest first within each state.

    Example: odoosync queue list --state failed
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.queue import print_queue
    from odoosync.sync.checks.queue import list_queue

    with state(ctx).workspace() as workspace:
        listing = list_queue(
            workspace.store, states=job_state or (), types=record_type or (), limit=None if every else limit
        )
    if as_json:
        print_json(listing.as_dict())
    else:
        print_queue(listing)


@app.command("show")
def show_job(
    ctx: typer.Context,
    job: Annotated[int, typer.Argument(metavar="JOB", help="The job's number (see odoosync queue list).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the job as JSON.")] = False,
) -> None:
    """Show one job: its record, every attempt with its outcome and error, and the Odoo record it made.

    Example: odoosync queue show 42
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.queue import print_job_details
    from odoosync.sync.checks.queue import job_details

    with state(ctx).workspace() as workspace:
        details = job_details(workspace.store, workspace.config, job)
    if as_json:
        print_json(details.as_dict())
    else:
        print_job_details(details)


@app.command("retry")
def retry(
    ctx: typer.Context,
    jobs: Annotated[list[int] | None, typer.Argument(metavar="JOB...", help="Failed jobs to retry.")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Retry every failed job.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the count as JSON.")] = False,
) -> None:
    """Put failed jobs back in the queue, due now (after fixing what their error names).

    Example: odoosync queue retry --failed
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.common import out
    from odoosync.sync.checks.queue import retry_jobs

    with state(ctx).workspace() as workspace:
        count = retry_jobs(workspace.store, jobs or (), failed=failed)
    if as_json:
        print_json({"retried": count})
    else:
        out.print(f"{count} job(s) back in the queue; run odoosync sync to push them.")


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    jobs: Annotated[list[int], typer.Argument(metavar="JOB...", help="Pending or failed jobs to cancel.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the count as JSON.")] = False,
) -> None:
    """Cancel pending or failed jobs: their records stay stored and show Not synced.

    Example: odoosync queue cancel 42 43
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.common import out
    from odoosync.sync.checks.queue import cancel_jobs

    with state(ctx).workspace() as workspace:
        count = cancel_jobs(workspace.store, jobs)
    if as_json:
        print_json({"cancelled": count})
    else:
        out.print(f"{count} job(s) cancelled.")
