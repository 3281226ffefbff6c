"""Switching syncing on and off, and the backfill: which stored records get a job.

The switch lives in the local database, not in one machine's config, so that every worker sharing a queue
sees the same state. While it is on, `ingest` queues each eligible new version (and every later version of a
record queued before); `backfill` queues what was stored earlier.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import ConfigError, InvalidChoice
from odoosync.domain.jobs import EnqueuePolicy
from odoosync.domain.records import SYNC_ORDER, RecordType, is_eligible
from odoosync.store import Store
from odoosync.sync.setup.connection import database_key

ENABLED = "sync.enabled"
ENABLED_AT = "sync.enabled_at"
BACKFILL_SINCE = "sync.backfill_since"
CHUNK = 1000


class SyncDisabled(ConfigError):
    """Syncing is switched off."""


@dataclass(frozen=True)
class SyncSwitch:
    enabled: bool
    enabled_at: datetime | None
    backfill_since: date | None
    ever_enabled: bool

    @property
    def policy(self) -> EnqueuePolicy | None:
        """What `ingest` queues; None while syncing is off."""
        return EnqueuePolicy(self.backfill_since) if self.enabled else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "enabled_at": self.enabled_at.isoformat() if self.enabled_at else None,
            "backfill_since": self.backfill_since.isoformat() if self.backfill_since else None,
        }


def sync_switch(store: Store) -> SyncSwitch:
    enabled = store.settings.get(ENABLED)
    enabled_at = store.settings.get(ENABLED_AT)
    since = store.settings.get(BACKFILL_SINCE)
    return SyncSwitch(
        enabled=bool(enabled),
        enabled_at=datetime.fromisoformat(enabled_at) if enabled_at else None,
        backfill_since=date.fromisoformat(since) if since else None,
        ever_enabled=enabled is not None,
    )


@dataclass
class BackfillReport:
    since: date
    dry_run: bool
    # type → (eligible records in the window, jobs added)
    by_type: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def added(self) -> int:
        return sum(added for _, added in self.by_type.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "dry_run": self.dry_run,
            "added": self.added,
            "by_type": {name: {"eligible": n, "added": added} for name, (n, added) in self.by_type.items()},
        }


@dataclass
class EnableReport:
    switch: SyncSwitch
    was_enabled: bool
    backfill: BackfillReport | None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.switch.as_dict(),
            "was_enabled": self.was_enabled,
            "backfill": self.backfill.as_dict() if self.backfill else None,
        }


def odoo_database_of(config: Config) -> str | None:
    """The connected Odoo database, as links name it; None when not connected."""
    if config.odoo.url and config.odoo.database:
        return database_key(config.odoo.url, config.odoo.database)
    return None


def enable(store: Store, *, backfill_since: date | None = None, odoo_database: str | None = None) -> EnableReport:
    """Switch syncing on; with `backfill_since`, queue the stored records dated from then on."""
    before = sync_switch(store)
    now = datetime.now(UTC)
    values: dict[str, Any] = {ENABLED: True, ENABLED_AT: now.isoformat()}
    if backfill_since is not None:
        values[BACKFILL_SINCE] = backfill_since.isoformat()
    store.settings.set_many(values)
    report = backfill(store, since=backfill_since, odoo_database=odoo_database) if backfill_since is not None else None
    return EnableReport(sync_switch(store), before.enabled, report)


def disable(store: Store) -> SyncSwitch:
    """Stop queuing and syncing; the queue and its history stay."""
    store.settings.set_many({ENABLED: False})
    return sync_switch(store)


def backfill(
    store: Store,
    *,
    since: date,
    types: tuple[RecordType, ...] = (),
    dry_run: bool = False,
    odoo_database: str | None = None,
) -> BackfillReport:
    """Queue every stored eligible record dated on or after `since` (contacts always), in dependency order.
    What is queued already, or synced to `odoo_database` (the connected one), is not queued again: running it
    twice adds nothing twice, and after connecting to another Odoo database it queues everything for that one."""
    if not sync_switch(store).enabled and not dry_run:
        raise SyncDisabled(
            "syncing is off, so a backfill would queue jobs that never run",
            f"Run: odoosync enable --backfill-since {since.isoformat()}",
        )
    report = BackfillReport(since=since, dry_run=dry_run)
    for record_type in SYNC_ORDER:  # every transaction needs its partner
        if not types or record_type in types:
            report.by_type[record_type.value] = (0, 0)
    for record_type, chunk in eligible_since(store, since, types):
        added = store.jobs.enqueue_new_versions(chunk, odoo_database=odoo_database, dry_run=dry_run)
        eligible, before = report.by_type[record_type.value]
        report.by_type[record_type.value] = (eligible + len(chunk), before + added)
    return report


def eligible_since(
    store: Store, since: date, types: tuple[RecordType, ...] = ()
) -> Iterator[tuple[RecordType, list[tuple[int, int]]]]:
    """The stored eligible records dated on or after `since` (contacts always), as (pk, version) chunks, in
    dependency order: what a backfill looks at."""
    for record_type in SYNC_ORDER:  # every transaction needs its partner
        if types and record_type not in types:
            continue
        chunk: list[tuple[int, int]] = []
        for record in store.records.stream(record_type, since=since):
            if not is_eligible(record_type, record.document):
                continue
            chunk.append((record.pk, record.version))
            if len(chunk) >= CHUNK:
                yield record_type, chunk
                chunk = []
        if chunk:
            yield record_type, chunk


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidChoice(f"{option} takes a date as YYYY-MM-DD, not {text!r}", None) from None
