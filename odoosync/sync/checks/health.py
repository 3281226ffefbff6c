"""Keeping an eye on it: the last runs, a health verdict for a monitoring check, Prometheus textfile metrics."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import InvalidChoice, OdoosyncError
from odoosync.domain.jobs import JobState
from odoosync.domain.records import RecordType
from odoosync.store import Store
from odoosync.sync.push.drain import Progress, SyncLimits, SyncReport, run_sync

LAST_RUN = "sync.last_run"
LAST_SUCCESS = "sync.last_success_at"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str, option: str) -> timedelta:
    """`90s`, `15m`, `36h`, `2d` (a bare number is seconds)."""
    value = text.strip().lower()
    unit = value[-1] if value and value[-1] in UNITS else "s"
    number = value[:-1] if value and value[-1] in UNITS else value
    try:
        amount = float(number)
    except ValueError:
        raise InvalidChoice(f"{option} takes a duration such as 90s, 15m, 36h or 2d, not {text!r}", None) from None
    if amount <= 0:
        raise InvalidChoice(f"{option} must be more than zero, not {text!r}", None)
    return timedelta(seconds=amount * UNITS[unit])


def sync_and_record(
    config: Config,
    store: Store,
    limits: SyncLimits | None = None,
    *,
    metrics_file: Path | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """`odoosync sync`: a run, remembered for `health`, and its metrics written when asked for."""
    started_at = datetime.now(UTC)
    try:
        report = run_sync(config, store, limits, progress=progress)
    except OdoosyncError as error:
        store.settings.set_many(
            {
                LAST_RUN: {
                    "started_at": started_at.isoformat(),
                    "finished_at": datetime.now(UTC).isoformat(),
                    "error": error.reason,
                }
            }
        )
        raise
    record_run(store, report, started_at)
    if metrics_file is not None:
        write_metrics(metrics_file, store, report)
    return report


def record_run(store: Store, report: SyncReport, started_at: datetime) -> None:
    """Remember how the run went: health reads it. A run that reached Odoo and went through counts as a success,
    even when some jobs failed (those are reported on their own)."""
    values: dict[str, Any] = {
        LAST_RUN: {
            "started_at": started_at.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "jobs": report.jobs,
            "failed": report.failed,
            "odoo_calls": report.odoo_calls,
            "seconds": round(report.seconds, 3),
            "stopped_by": report.stopped_by,
        }
    }
    if report.stopped_by != "odoo_unavailable":
        values[LAST_SUCCESS] = datetime.now(UTC).isoformat()
    store.settings.set_many(values)


@dataclass
class Health:
    problems: list[str] = field(default_factory=list)
    failed_jobs: int = 0
    oldest_due: datetime | None = None
    last_success_at: datetime | None = None
    last_run: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "problems": self.problems,
            "failed_jobs": self.failed_jobs,
            "oldest_due_job_at": self.oldest_due.isoformat() if self.oldest_due else None,
            "last_success_at": self.last_success_at.isoformat() if self.last_success_at else None,
            "last_run": self.last_run,
        }


def check_health(store: Store, *, max_age: timedelta, max_queue_age: timedelta) -> Health:
    """Problems a person should hear of: failed jobs, a queue not drained for too long, no successful run for too
    long. Reads only the local database."""
    now = datetime.now(UTC)
    health = Health(last_run=store.settings.get(LAST_RUN))
    counts = store.jobs.counts()
    health.failed_jobs = sum(n for (_t, state), n in counts.items() if state is JobState.FAILED)
    if health.failed_jobs:
        health.problems.append(
            f"{health.failed_jobs} job(s) failed and need a person: odoosync queue list --state failed"
        )
    stopped = [lease for lease in store.jobs.leases() if lease.abandoned]
    if stopped:
        health.problems.append(
            f"{sum(lease.jobs for lease in stopped)} job(s) are held by a sync run that stopped before it finished "
            f"({', '.join(lease.worker for lease in stopped)}): the next odoosync sync takes them back; why it "
            "stopped: journalctl -u odoosync.service"
        )
    health.oldest_due = store.jobs.oldest_due()
    if health.oldest_due is not None and now - health.oldest_due > max_queue_age:
        health.problems.append(
            f"the queue has had a job due since {health.oldest_due:%Y-%m-%d %H:%M} UTC (more than "
            f"{_words(max_queue_age)}): is the timer running? systemctl list-timers odoosync.timer"
        )
    last = store.settings.get(LAST_SUCCESS)
    health.last_success_at = datetime.fromisoformat(last) if last else None
    if health.last_success_at is None:
        health.problems.append("odoosync sync has never completed a run here")
    elif now - health.last_success_at > max_age:
        health.problems.append(
            f"the last successful sync was at {health.last_success_at:%Y-%m-%d %H:%M} UTC, more than "
            f"{_words(max_age)} ago: journalctl -u odoosync.service shows why"
        )
    return health


def _words(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def write_metrics(path: Path, store: Store, report: SyncReport) -> None:
    """Prometheus textfile-collector metrics, written whole (a temporary file renamed over the old one)."""
    counts = store.jobs.counts()
    last = store.settings.get(LAST_SUCCESS)
    lines = [
        "# HELP odoosync_jobs Jobs in the local queue, by record type and state.",
        "# TYPE odoosync_jobs gauge",
    ]
    for record_type in RecordType:
        for state in JobState:
            labels = f'type="{record_type.value}",state="{state.value}"'
            lines.append(f"odoosync_jobs{{{labels}}} {counts.get((record_type, state), 0)}")
    lines += [
        "# HELP odoosync_run_duration_seconds How long the last sync run took.",
        "# TYPE odoosync_run_duration_seconds gauge",
        f"odoosync_run_duration_seconds {report.seconds:.3f}",
        "# HELP odoosync_run_jobs Jobs the last sync run took, by outcome.",
        "# TYPE odoosync_run_jobs gauge",
    ]
    outcomes: dict[str, int] = {}
    for tally in report.by_type.values():
        for outcome, count in tally.as_dict().items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
    lines += [f'odoosync_run_jobs{{outcome="{outcome}"}} {count}' for outcome, count in sorted(outcomes.items())]
    lines += [
        "# HELP odoosync_run_odoo_calls Calls to Odoo in the last sync run.",
        "# TYPE odoosync_run_odoo_calls gauge",
        f"odoosync_run_odoo_calls {report.odoo_calls}",
        "# HELP odoosync_run_errors Jobs of the last sync run that failed or will retry.",
        "# TYPE odoosync_run_errors gauge",
        f"odoosync_run_errors {outcomes.get('failed', 0) + outcomes.get('retrying', 0)}",
        "# HELP odoosync_last_success_timestamp_seconds When a sync run last went through (Unix time).",
        "# TYPE odoosync_last_success_timestamp_seconds gauge",
        f"odoosync_last_success_timestamp_seconds {datetime.fromisoformat(last).timestamp() if last else 0:.0f}",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        os.chmod(temporary, 0o644)  # the node exporter reads it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
