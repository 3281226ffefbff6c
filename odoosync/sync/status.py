"""A record's sync chip: Synced, Pending, Failed or Not synced, with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import NotFound
from odoosync.domain.records import RecordType
from odoosync.store import Store


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.record_type.value,
            "id": self.record_id,
            "version": self.version,
            "received_at": self.received_at.isoformat(),
            "chip": self.chip.value,
            "label": self.chip.label,
            "reason": self.reason,
        }


def record_status(store: Store, config: Config, record_type: RecordType, record_id: str) -> RecordStatus:
    stored = store.records.get(record_type, record_id)
    if stored is None:
        raise NotFound(
            f"no {record_type.value} with id {record_id!r} is stored",
            "Check the type and id, or ingest the record first: odoosync ingest FILE",
        )
    if not config.odoo.url:
        reason = "the integration is not connected to Odoo yet (odoosync connect)"
    else:
        reason = "syncing is not enabled yet"
    return RecordStatus(
        record_type=stored.type,
        record_id=stored.app_id,
        version=stored.version,
        received_at=stored.received_at,
        chip=Chip.NOT_SYNCED,
        reason=reason,
    )
