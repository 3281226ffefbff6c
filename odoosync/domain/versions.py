"""Versions of a record: how a new delivery compares with the stored one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from odoosync.domain.records import Record, RecordType, canonical_document, is_eligible


class Delivery(StrEnum):
    """What a delivered document did to the stored record."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"


@dataclass(frozen=True, slots=True)
class IncomingVersion:
    """A validated document ready to store: its identity, its ordering, and its content as canonical JSON
    (sorted keys, without `updated_at`, so that a re-send that changes nothing else is no change) with the
    SHA-256 of that JSON."""

    type: RecordType
    app_id: str
    updated_at: datetime | None
    record_date: date | None
    content_hash: str
    document: str
    eligible: bool = True  # in a state that syncs (records.is_eligible)

    @classmethod
    def from_record(cls, record: Record) -> IncomingVersion:
        document = canonical_document(record)
        # updated_at orders versions and is kept in its own column; the rest is the content, fingerprinted.
        document.pop("updated_at", None)
        content = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return cls(
            type=record.record_type,
            app_id=record.id,
            updated_at=record.updated_at,
            record_date=record.record_date,
            content_hash=hashlib.sha256(content.encode()).hexdigest(),
            document=content,
            eligible=is_eligible(record.record_type, document),
        )


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """What the store knows of a record's latest version, enough to classify a new delivery."""

    pk: int
    version: int
    content_hash: str
    updated_at: datetime | None


# The key a StoredRecord's document holds alone when the stored row could not be read as a document.
UNREADABLE = "odoosync.unreadable"


@dataclass(frozen=True, slots=True)
class StoredRecord:
    pk: int
    type: RecordType
    app_id: str
    version: int
    updated_at: datetime | None
    record_date: date | None
    received_at: datetime
    document: dict[str, Any]


def classify(stored: StoredVersion | None, incoming: IncomingVersion) -> Delivery:
    """New, an update, a no-op re-delivery, or a stale (older) version to ignore."""
    if stored is None:
        return Delivery.NEW
    if stored.content_hash == incoming.content_hash:
        return Delivery.UNCHANGED
    if stored.updated_at is not None and incoming.updated_at is not None and incoming.updated_at < stored.updated_at:
        return Delivery.STALE
    return Delivery.UPDATED


def newest(first: datetime | None, second: datetime | None) -> datetime | None:
    """The later of two optional timestamps: an unchanged re-delivery may still move the clock forward."""
    if first is None or second is None:
        return first or second
    return max(first, second)
