"""Everything a person sees: the only module that imports rich. JSON output is plain json, not rich."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from odoosync.cli.exit_codes import ExitCode
from odoosync.config import ConfigEntry
from odoosync.domain import money
from odoosync.domain.adoptions import Adoption
from odoosync.domain.errors import OdoosyncError
from odoosync.domain.mappings import Mapping
from odoosync.domain.records import SYNCING_STATUS, RecordType
from odoosync.sync.checks.adopt import AdoptReport
from odoosync.sync.checks.doctor import Checkup
from odoosync.sync.checks.health import Health
from odoosync.sync.checks.plan import Plan, PlannedDocument
from odoosync.sync.checks.queue import JobDetails, QueueListing
from odoosync.sync.checks.reconcile import Reconciliation
from odoosync.sync.checks.status import Chip, RecordStatus, describe_link
from odoosync.sync.demo import DemoReport
from odoosync.sync.ingest.records import IngestReport, ProgressCallback
from odoosync.sync.ingest.switch import BackfillReport, EnableReport
from odoosync.sync.push.drain import SyncReport
from odoosync.sync.setup.assistant import Suggestion
from odoosync.sync.setup.connection import TYPED_KEY, ConnectionReport, DisconnectReport
from odoosync.sync.setup.mappings import CodeUse
from odoosync.sync.setup.owners import Owner

# soft_wrap: a message stays one line in logs and pipes, whatever the width.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

# Below this many lines a progress bar would only flicker.
PROGRESS_FROM_LINES = 5000
SHOWN_PROBLEMS = 50

CHIP_STYLE = {Chip.SYNCED: "green", Chip.PENDING: "yellow", Chip.FAILED: "red", Chip.NOT_SYNCED: "dim"}


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_json_line(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_error(error: OdoosyncError) -> None:
    err.print(f"[bold red]error:[/] {escape(error.reason)}")
    if error.instruction:
        err.print(f"  [cyan]→[/] {escape(error.instruction)}")


INTERNAL_INSTRUCTION = "Run again with --debug for the traceback, and report it."


def internal_error_message(error: BaseException) -> str:
    return f"internal error: {type(error).__name__}: {error}"


def print_internal_error(error: BaseException) -> None:
    err.print(f"[bold red]internal error:[/] {escape(type(error).__name__)}: {escape(str(error))}")
    err.print(f"  [cyan]→[/] {INTERNAL_INSTRUCTION}")


def error_as_dict(status: int, message: str, instruction: str | None) -> dict[str, Any]:
    """An error as the JSON document of a command run with --json: the exit status by name and number, the
    message and what to do, as standard error says them."""
    try:
        code = ExitCode(status).name.lower()
    except ValueError:
        code = str(status)
    return {
        "ok": False,
        "error": {
            "code": code,
            "exit_status": int(status),
            "message": message,
            "instruction": instruction,
        },
    }


def print_traceback() -> None:
    # Plain traceback without local variables: locals could hold a secret.
    sys.stderr.write(traceback.format_exc())


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


# --- ingest -------------------------------------------------------------------------------------------------


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
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
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


# --- status and queue ---------------------------------------------------------------------------------------


def print_status(status: RecordStatus) -> None:
    style = CHIP_STYLE[status.chip]
    out.print(f"{status.record_type.value} [bold]{escape(status.record_id)}[/]  [{style}]● {status.chip.label}[/]")
    first, *rest = status.reason.splitlines() or [""]
    out.print(f"  {escape(first)}")
    for line in rest:
        out.print(f"  [cyan]→[/] {escape(line)}")
    for link in status.related:
        out.print(f"  {link.role.replace('_', ' ')}: {escape(describe_link(link))}")
    out.print(f"  [dim]version {status.version}, received {_when(status.received_at)}[/]")


def _queue_table(summary: dict[str, dict[str, int]], title: str) -> Table:
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
    out.print(_queue_table(listing.summary, f"{listing.total:,} job(s)" + (" matching" if listing.filtered else "")))
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
            _when(job.next_attempt_at) if job.state.value == "pending" else "—",
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


# --- config -------------------------------------------------------------------------------------------------


def print_config(path: str, exists: bool, entries: Sequence[ConfigEntry]) -> None:
    out.print(f"config file: {escape(path)}" + ("" if exists else " [dim](not created yet: defaults apply)[/]"))
    table = Table()
    table.add_column("key")
    table.add_column("value", overflow="fold")
    table.add_column("from")
    for entry in entries:
        value = (
            "—"
            if entry.value is None
            else str(entry.value).lower()
            if isinstance(entry.value, bool)
            else str(entry.value)
        )
        source = f"{entry.source} [yellow](unknown key, ignored)[/]" if entry.unknown else entry.source
        table.add_row(escape(entry.key), escape(value), source)
    out.print(table)


# --- sandbox ------------------------------------------------------------------------------------------------


def print_sandbox(details: dict[str, Any]) -> None:
    out.print(f"[bold]Odoo {details['version']} sandbox[/] listening on {details['url']}")
    out.print(f"  database  {details['database']}")
    out.print(f"  login     {details['login']}")
    # The sandbox's own throwaway key, printed once so that a person can connect to it.
    out.print(f"  API key   {details['api_key']}")
    if details.get("ca_file"):
        out.print(f"  TLS       trust {details['ca_file']} (self-signed, made at start)")
    out.print("[dim]Ctrl-C stops it; everything it holds is in memory and goes with it.[/]")


# --- connection ---------------------------------------------------------------------------------------------


def print_connection(report: ConnectionReport, *, saved: bool) -> None:
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


def print_saved(saved: dict[str, object]) -> None:
    if not saved:
        out.print("Nothing to change: give at least one option (see --help).")
        return
    for key, value in saved.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        out.print(f"[green]✓[/] {escape(key)} = {escape(shown)}")


def print_owners(owners: Sequence[Owner], separation: str) -> None:
    if not owners:
        out.print("No owners yet: ingest contacts with the owner role first.")
        return
    table = Table(title=f"Owners (owner separation: {separation})", title_justify="left")
    for column in ("owner", "name", "company", "analytic account"):
        table.add_column(column, overflow="fold")
    for owner in owners:
        table.add_row(
            escape(owner.id),
            escape(owner.name),
            escape(owner.company.odoo_name) if owner.company else "[yellow]unmapped[/]",
            escape(owner.analytic.odoo_name) if owner.analytic else "[yellow]unmapped[/]",
        )
    out.print(table)


def print_codes(rows: Sequence[CodeUse]) -> None:
    if not rows:
        out.print("No codes to show: ingest records first (or everything is mapped).")
        return
    table = Table()
    for column in ("kind", "code", "records", "mapped to"):
        table.add_column(column, overflow="fold")
    for row in rows:
        target = escape(row.mapping.odoo_name) if row.mapping else "[yellow]unmapped[/]"
        table.add_row(row.kind.value, escape(row.shown), str(row.records), target)
    out.print(table)


def print_suggestions(suggestions: Sequence[Suggestion], plan: Path, lines: int) -> None:
    if not suggestions:
        out.print("Every code is mapped: nothing to suggest.")
        return
    table = Table(title="Suggestions (nothing was written to Odoo)", title_justify="left")
    table.add_column("kind", no_wrap=True)
    table.add_column("code", overflow="fold")
    # Why goes under the suggestion, as wide as it: a column of its own narrowed to a word a line at 80 columns.
    table.add_column("suggested, and why", overflow="fold", min_width=24)
    table.add_column("score", no_wrap=True, justify="right")
    for s in suggestions:
        target = escape(s.target_name) if s.target_name else "[yellow]—[/]"
        if s.create_account:
            target = f"[cyan]new account[/] {target}"
        why = s.why + (f". Nearest: {'; '.join(s.nearest)}" if s.nearest and not s.create_account else "")
        table.add_row(s.kind, escape(s.code), f"{target}\n[dim]{escape(why)}[/]", str(s.score))
    out.print(table)
    out.print(
        f"Wrote {lines} line(s) to {escape(str(plan))}: review it, then run: odoosync map apply {escape(str(plan))}"
    )


def print_left_open(codes: Sequence[str], plan: Path) -> None:
    if codes:
        shown = ", ".join(repr(code) for code in codes)
        out.print(
            f"[yellow]–[/] left without a target: {escape(shown)}. Choose one of the accounts commented under each "
            f"in {escape(str(plan))} and apply again, or: odoosync map set category CODE --account CODE"
        )


def print_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")


def print_mappings(saved: Sequence[Mapping], warnings: Iterable[str] = ()) -> None:
    for mapping in saved:
        target = f"{escape(mapping.odoo_name)} (id {mapping.odoo_id})"
        out.print(f"[green]✓[/] {mapping.kind} {escape(repr(mapping.code))} → {target}")
    print_warnings(warnings)


# --- enable, backfill and sync ------------------------------------------------------------------------------


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
    progress = Progress(
        SpinnerColumn(),
        TextColumn("syncing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
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


def print_job_details(details: JobDetails) -> None:
    job = details.job
    out.print(f"job [bold]{job.pk}[/]: {job.record_type.value} {escape(job.record_id)} version {job.record_version}")
    out.print(
        f"  state: {job.state.value}"
        + (f", next attempt {_when(job.next_attempt_at)}" if job.state.value == "pending" else "")
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
                _when(attempt.started_at),
                f"{seconds:.2f}" if seconds is not None else "…",
                attempt.outcome or "running",
                ", ".join(str(i) for i in attempt.odoo_ids),
                escape((attempt.error or "").splitlines()[0] if attempt.error else ""),
            )
        out.print(table)


# --- the demo -----------------------------------------------------------------------------------------------


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
    out.print(_queue_table(report.queue, "The queue"))
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


def print_health(health: Health) -> None:
    if health.ok:
        when = f"{health.last_success_at:%Y-%m-%d %H:%M} UTC" if health.last_success_at else "never"
        out.print(f"[green]healthy[/]: no failed job, nothing overdue, last successful sync {when}")
        return
    err.print(f"[bold red]unhealthy[/]: {len(health.problems)} problem(s)")
    for problem in health.problems:
        err.print(f"  • {escape(problem)}")


def print_checkup(checkup: Checkup) -> None:
    marks = {"ok": "[green]✓[/]", "warning": "[yellow]![/]", "problem": "[red]✗[/]"}
    for finding in checkup.findings:
        out.print(f"{marks[finding.status]} {finding.area}: {escape(finding.message)}")
        if finding.instruction and finding.status != "ok":
            out.print(f"    [cyan]→[/] {escape(finding.instruction)}")
    problems, warnings = len(checkup.problems), len(checkup.warnings)
    out.print(f"{problems} problem(s), {warnings} warning(s)" if problems or warnings else "[green]All good.[/]")


PLAN_ACTION_STYLE = {
    "create": "green",
    "update": "yellow",
    "post": "green",
    "pay": "green",
    "cancel": "red",
    "reverse": "red",
    "replace": "yellow",
}


def _money(value: Decimal | None, currency: str | None) -> str:
    return "" if value is None else money.shown(value, currency or "")


def _print_planned(document: PlannedDocument) -> None:
    currency = document.currency
    style = PLAN_ACTION_STYLE.get(document.action, "bold")
    head = " · ".join(
        part
        for part in (
            document.odoo_name,
            document.partner,
            document.date,
            document.company,
            f"owner {document.owner}" if document.owner else None,
            f"ends {document.ends}",
        )
        if part
    )
    label = f"{document.record_type.value.replace('_', ' ')} {document.record_id}"
    out.print(f"[{style}]{document.action:<9}[/] {document.what:<8} {escape(label)}  {escape(head)}")
    for line in document.lines:
        tax = f"{line.tax}: {_money(line.tax_amount, currency)}" if line.tax else "no tax"
        extra = f" · {line.analytic}" if line.analytic else ""
        out.print(
            f"            {escape(line.label)}\n"
            f"              {escape(line.account or '')} · {_money(line.untaxed, currency)} + "
            f"{escape(tax)}{escape(extra)}"
        )
    if document.total is not None and document.record_type.value != "contact":
        out.print(f"            total {document.currency} {_money(document.total, currency)}")
    if document.changes:
        out.print(f"            changes: {escape(', '.join(document.changes))}")
    if document.payment:
        payment = document.payment
        out.print(
            f"            payment {_money(payment['amount'], currency)} into {escape(str(payment['journal']))} "
            f"on {payment['date']}"
        )
    if document.note:
        out.print(f"            [dim]{escape(document.note)}[/]")


def print_plan(plan: Plan, *, documents: bool = True) -> None:
    changing = plan.changing
    where = f"queued jobs and a backfill since {plan.scope.since}" if plan.scope.since else "queued jobs"
    out.print(f"Plan for the {where}: {plan.records} record(s), {plan.odoo_calls} Odoo call(s) to read; nothing sent.")
    if not changing and not plan.problems:
        out.print("Nothing to do in Odoo." + ("" if plan.scope.since else " To see a backfill, add --since DATE."))
        return
    if documents:
        for document in changing:
            _print_planned(document)
    counts = Table(title="What the sync would do", title_justify="left")
    counts.add_column("type")
    counts.add_column("documents")
    for name, actions in plan.counts().items():
        if actions:
            counts.add_row(name, ", ".join(f"{n} {action}" for action, n in actions.items()))
    out.print(counts)
    impact = plan.impact()
    if impact:
        # In each document's currency: Odoo converts a foreign-currency document at its date's rate when posting.
        currencies = {row["currency"] for row in impact}
        one = next(iter(currencies)) if len(currencies) == 1 else None
        title = "Journal impact" + (f", in {one}" if one else "") + " (as posted; drafts post it once posted)"
        table = Table(title=title, title_justify="left")
        columns = (
            ["company", "account", "debit", "credit"] if one else ["company", "currency", "account", "debit", "credit"]
        )
        for column in columns:
            table.add_column(column, justify="right" if column in ("debit", "credit") else "left")
        for row in impact:
            cells = [
                escape(row["company"]),
                escape(row["account"]),
                _money(row["debit"], row["currency"]) if row["debit"] else "",
                _money(row["credit"], row["currency"]) if row["credit"] else "",
            ]
            if one is None:
                cells.insert(1, row["currency"])
            table.add_row(*cells)
        out.print(table)
    taxes = plan.taxes()
    if taxes:
        table = Table(title="Taxes", title_justify="left")
        for column, justify in (("company", "left"), ("tax", "left"), ("base", "right"), ("tax amount", "right")):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for row in taxes:
            table.add_row(
                escape(row["company"]),
                escape(row["tax"]),
                _money(row["base"], row["currency"]),
                _money(row["amount"], row["currency"]),
            )
        out.print(table)
    owners = plan.owners()
    if owners:
        companies = {row["company"] for row in owners}
        table = Table(
            title="Per owner" + (f" ({next(iter(companies))})" if len(companies) == 1 else ""), title_justify="left"
        )
        columns = ["owner", "currency", "invoiced", "billed", "deposits in", "deposits out"]
        if len(companies) > 1:
            columns.insert(1, "company")
        for column in columns:
            table.add_column(column, justify="left" if column in ("owner", "company", "currency") else "right")
        for row in owners:
            cells = [
                escape(row["owner"] or "(none)"),
                row["currency"],
                *(
                    _money(row[k], row["currency"]) if row[k] else ""
                    for k in ("invoiced", "billed", "deposits_in", "deposits_out")
                ),
            ]
            if len(companies) > 1:
                cells.insert(1, escape(row["company"]))
            table.add_row(*cells)
        out.print(table)
    _print_plan_problems(plan)


def _print_plan_problems(plan: Plan) -> None:
    # Problems with one cause (a missing mapping stops every record that uses it) are shown once, with their ids.
    groups: dict[tuple[str, str, str | None], list[str]] = {}
    for problem in plan.problems:
        label = f"{problem.record_type.value.replace('_', ' ')} {problem.record_id}"
        cause = problem.message.replace(f", needed by {label}", "").replace(f" of {label}", "")
        groups.setdefault((problem.kind, cause, problem.instruction), []).append(problem.record_id)
    types = {p.record_id: p.record_type.value.replace("_", " ") for p in plan.problems}
    for (kind, cause, instruction), ids in list(groups.items())[:SHOWN_PROBLEMS]:
        verb = "waits" if kind == "waiting" else "would fail"
        more = f" and {len(ids) - 8} more" if len(ids) > 8 else ""
        err.print(f"[red]{verb}[/] {types[ids[0]]} {escape(', '.join(ids[:8]))}{more}")
        err.print(f"  {escape(cause)}")
        if instruction:
            err.print(f"  [cyan]→[/] {escape(instruction)}")
    if len(groups) > SHOWN_PROBLEMS:
        err.print("  … and more: odoosync plan --json")


def print_reconciliation(result: Reconciliation) -> None:
    out.print(
        f"Compared {result.compared} Odoo document(s) with what odoosync pushed, {result.odoo_calls} Odoo call(s)"
        + (f"; {result.not_compared} with a newer version still to sync" if result.not_compared else "")
        + "."
    )
    if result.totals:
        currencies = {total.currency for total in result.totals}
        one = next(iter(currencies)) if len(currencies) == 1 else None
        table = Table(title="Per owner and month" + (f", in {one}" if one else ""), title_justify="left")
        columns = ["owner", "month", "kind", "docs", "pushed", "in Odoo", "difference"]
        if one is None:
            columns.insert(3, "currency")
        for column in columns:
            table.add_column(
                column, justify="right" if column in ("docs", "pushed", "in Odoo", "difference") else "left"
            )
        for total in result.totals:
            gap = total.difference
            cells = [
                escape(total.owner or "(none)"),
                total.month,
                total.kind,
                str(total.documents),
                _money(total.pushed, total.currency),
                _money(total.in_odoo, total.currency),
                f"[red]{_money(gap, total.currency)}[/]" if gap else "",
            ]
            if one is None:
                cells.insert(3, total.currency)
            table.add_row(*cells)
        out.print(table)
    for difference in result.differences[:SHOWN_PROBLEMS]:
        who = f"{difference.record_type.replace('_', ' ')} {difference.record_id}".strip()
        out.print(f"[red]{difference.kind}[/] {escape(who)}: {escape(difference.message)}")
        out.print(f"    [cyan]→[/] {escape(difference.instruction)}")
    if len(result.differences) > SHOWN_PROBLEMS:
        out.print(f"… and {len(result.differences) - SHOWN_PROBLEMS} more: odoosync reconcile --json")
    if result.ok:
        out.print("[green]Odoo holds what odoosync pushed.[/]")
    else:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts().items()))
        out.print(f"{len(result.differences)} difference(s): {counts}")


def print_adopt_report(report: AdoptReport) -> None:
    verb = "would be" if report.dry_run else "were"
    table = Table(
        title=f"Backfill since {report.since} with adoption ({report.odoo_calls} Odoo call(s))"
        + (": dry run, nothing changed" if report.dry_run else ""),
        title_justify="left",
    )
    table.add_column("type")
    for column in ("eligible", "adopted", "ambiguous", "queued"):
        table.add_column(column, justify="right")
    for name, tally in report.by_type.items():
        table.add_row(name, *(str(v) for v in tally.as_dict().values()))
    out.print(table)
    for adopted in report.adopted[:SHOWN_PROBLEMS]:
        target = f"{adopted['odoo_model']} {adopted['odoo_id']}" + (
            f" {escape(adopted['name'])}" if adopted["name"] else ""
        )
        out.print(
            f"[green]adopted[/] {adopted['type'].replace('_', ' ')} {escape(adopted['id'])} → {target} "
            f"(same {adopted['matched_on']})"
        )
    if report.ambiguous:
        out.print(
            f"[yellow]{len(report.ambiguous)} record(s) match more than one Odoo record[/] and {verb} kept for you "
            "to decide: odoosync adopt list"
        )


def print_adoptions(adoptions: Sequence[Adoption]) -> None:
    if not adoptions:
        out.print("No record waits for an adoption decision.")
        return
    for adoption in adoptions:
        label = f"{adoption.record_type.value.replace('_', ' ')} {adoption.record_id}"
        decided = f" ({adoption.state.value}" + (f": {adoption.odoo_id})" if adoption.odoo_id else ")")
        out.print(f"{escape(label)}{decided if adoption.state.value != 'pending' else ''}")
        for candidate in adoption.candidates:
            out.print(
                f"    {adoption.odoo_model} {candidate.odoo_id}  {escape(candidate.name)}  {escape(candidate.detail)}"
            )
        if adoption.state.value == "pending":
            out.print(
                f"    [cyan]→[/] odoosync adopt accept {adoption.record_type.value} {escape(adoption.record_id)} "
                "--odoo-id ID, or odoosync adopt reject "
                f"{adoption.record_type.value} {escape(adoption.record_id)}"
            )
