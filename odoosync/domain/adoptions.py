"""Adoption: linking a record to what someone already keyed into Odoo by hand, instead of making it twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from odoosync.domain.records import RecordType


class AdoptionState(StrEnum):
    PENDING = "pending"  # more than one match: a person chooses
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # none of them: odoosync makes its own


@dataclass(frozen=True, slots=True)
class Candidate:
    """A hand-made Odoo record that matches: its id, its name, and what it matched on."""

    odoo_id: int
    name: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"odoo_id": self.odoo_id, "name": self.name, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Adoption:
    pk: int
    record_pk: int
    record_type: RecordType
    record_id: str
    record_version: int
    odoo_model: str
    candidates: tuple[Candidate, ...]
    state: AdoptionState
    odoo_id: int | None
    created_at: datetime
    decided_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.record_type.value,
            "id": self.record_id,
            "version": self.record_version,
            "odoo_model": self.odoo_model,
            "candidates": [c.as_dict() for c in self.candidates],
            "state": self.state.value,
            "odoo_id": self.odoo_id,
            "created_at": self.created_at.isoformat(),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }
