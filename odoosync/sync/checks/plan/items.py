"""A record on its way through the plan: its link, the document Odoo has now, what it would become there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from odoosync.domain.links import Link
from odoosync.domain.records import Record
from odoosync.sync.build.builders import Document
from odoosync.sync.checks.plan.report import PlannedDocument


@dataclass
class Item:
    record: Record
    version: int
    link: Link | None
    row: dict[str, Any] | None = None  # the linked document as Odoo has it now
    document: Document | None = None
    planned: PlannedDocument | None = None
