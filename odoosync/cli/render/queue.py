"""`odoosync queue`: the jobs and their counts per state, and one job with its attempts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import out, when

if TYPE_CHECKING:
    from odoosync.sync.checks.queue import JobDetails, QueueListing


def queue_table(summary: dict[str, dict[str, int]], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("type")
    states = ("pending", "running", "done", "failed", "cancelled")
    for state in states:
        table.add_column(state, justify="right")
    for name, counts in summary.items():
        table.add_row(name, *(str(counts.get(state, 0)) for state in states))
    return table


def print_queue(listing: QueueListing) -> None:
    if not listing.jobs:
        out.print("No job matches." if listing.filtered else "The queue is empty.")
        return
    out.print(queue_table(listing.summary, f"{listing.total:,} job(s)" + (" matching" if listing.filtered else "")))
    # Narrow enough for 80 columns with a rent payment's id whole; the version is in queue show and --json.
    table = Table()
    for column in ("job", "record", "state", "tries", "next attempt"):
        table.add_column(column, no_wrap=True, justify="right" if column in ("job", "tries") else "left")
    for job in listing.jobs:
        table.add_row(
            str(job.pk),
            f"{job.record_type.value} {escape(job.record_id)}",
            "abandoned" if job.abandoned else job.state.value,
            str(job.attempts),
            when(job.next_attempt_at) if job.state.value == "pending" else "—",
        )
    out.print(table)
    if any(job.abandoned for job in listing.jobs):
        out.print(
            "abandoned: held by a sync run that stopped before it finished; the next odoosync sync takes it back "
            "and looks for it in Odoo first."
        )
    if listing.not_shown:
        out.print(
            f"Shown: {len(listing.jobs)} of {listing.total:,}: failed first, then running and pending, newest first."
        )
        out.print("More: --all or --limit N; fewer: --state, --type.")
    # An error is shown once for the jobs it stopped, each of its lines cut short: a long one wrapped in a table
    # column took a line a word. The whole of it is in queue show.
    causes: dict[str, list[int]] = {}
    for job in listing.jobs:
        if job.last_error:
            label = f"{job.record_type.value.replace('_', ' ')} {job.record_id}"
            cause = job.last_error.strip().replace(f", needed by {label}", "").replace(f" of {label}", "")
            causes.setdefault(cause, []).append(job.pk)
    if causes:
        out.print("Errors, once per cause (the whole of one: odoosync queue show JOB):")
    for cause, pks in causes.items():
        more = f" and {len(pks) - 8} more" if len(pks) > 8 else ""
        jobs = f"job {pks[0]}" if len(pks) == 1 else f"jobs {', '.join(str(pk) for pk in pks[:8])}{more}"
        first, *rest = cause.splitlines()
        out.print(f"  {jobs}: {escape(_cut(first))}")
        for line in rest[:2]:
            out.print(f"    [cyan]→[/] {escape(_cut(line))}")


def _cut(line: str, limit: int = 160) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def print_job_details(details: JobDetails) -> None:
    from odoosync.sync.checks.status import describe_link

    job = details.job
    out.print(f"job [bold]{job.pk}[/]: {job.record_type.value} {escape(job.record_id)} version {job.record_version}")
    out.print(
        f"  state: {job.state.value}"
        + (f", next attempt {when(job.next_attempt_at)}" if job.state.value == "pending" else "")
    )
    if job.last_error:
        for index, line in enumerate(job.last_error.splitlines()):
            out.print(f"  {'error: ' if index == 0 else '  → '}{escape(line)}")
    if details.link:
        out.print(f"  odoo: {escape(describe_link(details.link))}")
    for link in details.related:
        out.print(f"  {link.role.replace('_', ' ')}: {escape(describe_link(link))}")
    if details.attempts:
        table = Table(title="attempts", title_justify="left")
        for column in ("#", "started", "seconds", "outcome", "odoo ids", "error"):
            table.add_column(column)
        for number, attempt in enumerate(details.attempts, start=1):
            seconds = (attempt.finished_at - attempt.started_at).total_seconds() if attempt.finished_at else None
            table.add_row(
                str(number),
                when(attempt.started_at),
                f"{seconds:.2f}" if seconds is not None else "…",
                attempt.outcome or "running",
                ", ".join(str(i) for i in attempt.odoo_ids),
                escape((attempt.error or "").splitlines()[0] if attempt.error else ""),
            )
        out.print(table)
