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


# The payment odoosync registered for a record's invoice (auto-post).
PAYMENT = "payment"
# A credit note that reverses the record's earlier, posted document (on_posted_change = credit_note).
CREDIT_NOTE = "credit_note"
# That earlier document, once a credit note reversed it and a new document took its place.
REVERSED = "reversed"
