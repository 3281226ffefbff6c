"""A record's sync chip: Synced, Pending, Failed or Not synced, with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import NotFound
from odoosync.domain.jobs import OPEN_STATES, Job, JobState
from odoosync.domain.links import DOCUMENT, Link
from odoosync.domain.records import SYNCING_STATUS, RecordType, is_eligible
from odoosync.domain.versions import StoredRecord
from odoosync.store import Store
from odoosync.sync.ingest.switch import SyncSwitch, sync_switch
from odoosync.sync.setup.connection import database_key, database_of_key


class Chip(StrEnum):
    SYNCED = "synced"
    PENDING = "pending"
    FAILED = "failed"
    NOT_SYNCED = "not_synced"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class RecordStatus:
    record_type: RecordType
    record_id: str
    version: int
    received_at: datetime
    chip: Chip
    reason: str
    link: Link | None = None
    job: Job | None = None
    related: tuple[Link, ...] = ()  # the payment registered for it, a credit note, the document it replaced
    kept_for: tuple[str, str] | None = None  # not connected: the (url, database) its links were kept for

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.record_type.value,
            "id": self.record_id,
            "version": self.version,
            "received_at": self.received_at.isoformat(),
            "chip": self.chip.value,
            "label": self.chip.label,
            "reason": self.reason,
            "odoo": link_as_dict(self.link) if self.link else None,
            "related": [{"role": link.role, **link_as_dict(link)} for link in self.related],
            "job": {"id": self.job.pk, "state": self.job.state.value} if self.job else None,
            "connected": self.kept_for is None,
            "kept_for": {"url": self.kept_for[0], "database": self.kept_for[1]} if self.kept_for else None,
        }


def link_as_dict(link: Link) -> dict[str, Any]:
    return {
        "model": link.odoo_model,
        "id": link.odoo_id,
        "name": link.odoo_name,
        "state": link.odoo_state,
        "company_id": link.company_id,
        "synced_version": link.synced_version,
        "synced_at": link.synced_at.isoformat() if link.synced_at else None,
    }


def describe_link(link: Link) -> str:
    name = link.odoo_name or "(no number yet)"
    return f"{link.odoo_model} {link.odoo_id} {name} ({link.odoo_state or 'unknown state'})"


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if text else ""


def _pending_reason(job: Job, enabled: bool, connected: bool) -> str:
    if not connected:
        # sync refuses to run without a connection: "the next sync takes it" would not be true.
        off = "" if enabled else "; syncing is off too (odoosync enable)"
        return (
            f"queued (job {job.pk}), but odoosync is not connected to Odoo: sync cannot run until then{off}\n"
            "Connect first: odoosync connect --url URL --database NAME --login LOGIN, then odoosync sync"
        )
    if job.abandoned:
        reason = (
            f"held by a sync run that stopped before it finished (job {job.pk}, worker {job.lease_owner}): the next "
            "odoosync sync takes it back and looks for it in Odoo first"
        )
    elif job.state is JobState.RUNNING:
        reason = f"being pushed to Odoo now (job {job.pk})"
    elif job.error_kind == "waiting":
        reason = f"{_first_line(job.last_error)}; next look at {_at(job.next_attempt_at)}"
    elif job.last_error and job.error_kind != "interrupted":
        reason = f"retrying at {_at(job.next_attempt_at)} after: {_first_line(job.last_error)}"
    elif job.next_attempt_at > datetime.now(UTC):
        reason = f"waiting for its turn at {_at(job.next_attempt_at)} (job {job.pk})"
    else:
        reason = f"waiting for its turn in the queue (job {job.pk}): the next odoosync sync takes it"
    return reason if enabled else f"{reason}; syncing is off (odoosync enable)"


def _at(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _not_synced_reason(stored: StoredRecord, config: Config, switch: SyncSwitch, job: Job | None) -> str:
    if not config.odoo.url:
        return "the integration is not connected to Odoo yet (odoosync connect)"
    if not switch.enabled:
        return "the integration is off: syncing is not enabled (odoosync enable)"
    if not is_eligible(stored.type, stored.document):
        status = stored.document.get("status")
        return f"not eligible: its status is {status} (it syncs when {SYNCING_STATUS[stored.type]})"
    if job is not None and job.state is JobState.CANCELLED:
        return f"its job {job.pk} was cancelled; a new version of the record queues it again"
    since = switch.backfill_since
    if since and stored.record_date and stored.record_date < since:
        return f"dated {stored.record_date}, before the backfill window (since {since})"
    return "stored before syncing was enabled: run odoosync backfill --since DATE to queue it"


def record_links(store: Store, config: Config, record_pk: int) -> tuple[list[Link], tuple[str, str] | None]:
    """A record's links in the Odoo database odoosync is connected to; when it is disconnected, those kept for the
    database the record was last synced to (a reconnect carries on from them), with that (url, database)."""
    if config.odoo.url and config.odoo.database:
        return store.links.of_record(database_key(config.odoo.url, config.odoo.database), record_pk), None
    kept = store.links.last_kept_of_record(record_pk)
    return (kept[1], database_of_key(kept[0])) if kept else ([], None)


def record_status(store: Store, config: Config, record_type: RecordType, record_id: str) -> RecordStatus:
    stored = store.records.get(record_type, record_id)
    if stored is None:
        raise NotFound(
            f"no {record_type.value} with id {record_id!r} is stored",
            "Check the type and id, or ingest the record first: odoosync ingest FILE",
        )
    switch = sync_switch(store)
    job = store.jobs.latest_for_record(stored.pk)
    connected = bool(config.odoo.url and config.odoo.database)
    links, kept_for = record_links(store, config, stored.pk)
    link = next((found for found in links if found.role == DOCUMENT), None)
    if job is not None and job.state is JobState.FAILED:
        chip, reason = Chip.FAILED, job.last_error or "failed"
    elif job is not None and job.state in OPEN_STATES:
        chip, reason = Chip.PENDING, _pending_reason(job, switch.enabled, connected)
    elif link is not None and kept_for is not None:
        url, database = kept_for
        chip, reason = (
            Chip.SYNCED,
            f"{describe_link(link)} in the Odoo database {database} at {url}; odoosync is disconnected now\n"
            f"To sync its later changes, connect to that database again: odoosync connect --url {url} --database "
            f"{database} --login LOGIN",
        )
    elif link is not None:
        chip, reason = Chip.SYNCED, describe_link(link)
    else:
        chip, reason = Chip.NOT_SYNCED, _not_synced_reason(stored, config, switch, job)
    return RecordStatus(
        record_type=stored.type,
        record_id=stored.app_id,
        version=stored.version,
        received_at=stored.received_at,
        chip=chip,
        reason=reason,
        link=link,
        job=job,
        related=tuple(found for found in links if found.role != DOCUMENT),
        kept_for=kept_for,
    )
