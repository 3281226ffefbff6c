"""Links: what odoosync remembers of a record's counterpart in one Odoo database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The record's own Odoo document: its partner, invoice, bill or payment.
DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Link:
    record_pk: int
    odoo_model: str
    odoo_id: int
    odoo_name: str | None
    company_id: int | None
    odoo_state: str | None
    synced_version: int
    role: str = DOCUMENT
    synced_at: datetime | None = None
