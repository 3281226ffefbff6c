"""`odoosync ingest`: the counts per type, the invalid lines, and a progress bar for a long input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from odoosync.cli.exit_codes import ExitCode
from odoosync.cli.render.as_json import error_as_dict
from odoosync.cli.render.common import SHOWN_PROBLEMS, err, out, progress_bar

if TYPE_CHECKING:
    from odoosync.sync.ingest.records import IngestReport, ProgressCallback

# Below this many lines a progress bar would only flicker.
PROGRESS_FROM_LINES = 5000


def _rejected(report: IngestReport) -> str:
    if report.skip_invalid:
        return f"{report.invalid} invalid line(s) skipped, and no valid one: nothing was stored"
    return f"{report.invalid} invalid line(s): nothing was stored"


def _rejected_instruction(report: IngestReport) -> str:
    if report.skip_invalid:
        return "Fix these lines and ingest again."
    return "Fix these lines and ingest again, or use --skip-invalid to store the valid ones."


def ingest_report_as_dict(report: IngestReport) -> dict[str, Any]:
    """The report as `ingest --json` prints it: for rejected input, with the error every --json error has."""
    data = report.as_dict()
    if report.rejected:
        error = error_as_dict(ExitCode.INVALID_INPUT, _rejected(report), _rejected_instruction(report))
        data |= {"error": error["error"]}
    return data


def print_ingest_report(report: IngestReport) -> None:
    with_source = len(report.sources) > 1
    if report.problems:
        heading = _rejected(report) if report.rejected else f"{report.invalid} invalid line(s) skipped"
        err.print(f"[bold red]{heading}[/]")
        for problem in report.problems[:SHOWN_PROBLEMS]:
            err.print(f"  {escape(problem.describe(with_source=with_source))}")
        hidden = len(report.problems) - SHOWN_PROBLEMS + report.problems_omitted
        if hidden > 0:
            err.print(f"  … and {hidden} more (use --json for the full list)")
        if report.rejected:
            err.print(f"  [cyan]→[/] {_rejected_instruction(report)}")
            return

    valid = report.lines - report.invalid
    table = Table(
        title=f"Ingested {valid} of {report.lines} line(s)" if report.invalid else f"Ingested {report.lines} line(s)",
        title_justify="left",
    )
    table.add_column("type")
    for column in ("new", "updated", "unchanged", "stale", "invalid"):
        table.add_column(column, justify="right")
    data = report.as_dict()
    for name, counts in data["by_type"].items():
        table.add_row(name, *(str(v) for v in counts.values()))
    table.add_section()
    table.add_row("total", *(str(v) for v in data["totals"].values()), style="bold")
    out.print(table)
    if data["totals"]["stale"]:
        out.print("[dim]stale: older than the stored version (by updated_at), ignored[/]")


@contextmanager
def ingest_progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """A progress display that appears once an input turns out to be long (on a terminal only)."""
    if not enabled or not err.is_terminal:
        yield None
        return
    progress = progress_bar("{task.description}")
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int | None) -> None:
        if done < PROGRESS_FROM_LINES and not tasks:
            return
        if not tasks:
            progress.start()
        if phase not in tasks:
            tasks[phase] = progress.add_task(phase, total=total, completed=done)
        progress.update(tasks[phase], completed=done, total=total)

    try:
        yield update
    finally:
        if tasks:
            progress.stop()
