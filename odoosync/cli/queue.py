"""odoosync queue: the sync jobs."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli import render
from odoosync.cli.context import state
from odoosync.domain.jobs import JobState
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
    as_json: Annotated[bool, typer.Option("--json", help="Print the jobs as JSON.")] = False,
) -> None:
    """List the jobs in the queue.

    Example: odoosync queue list --state failed
    """
    with state(ctx).workspace() as workspace:
        jobs = workspace.store.jobs.list(states=job_state or (), types=record_type or ())
    if as_json:
        render.print_json([render.job_as_dict(job) for job in jobs])
    else:
        render.print_jobs(jobs)
