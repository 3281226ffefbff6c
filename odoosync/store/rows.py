"""Table rows read back as the domain's objects."""

from __future__ import annotations

import json
from typing import Any

from odoosync.domain.records import RecordType
from odoosync.domain.versions import UNREADABLE, StoredRecord


def stored_record(row: Any) -> StoredRecord:
    return StoredRecord(
        pk=row.pk,
        type=RecordType(row.type),
        app_id=row.app_id,
        version=row.version,
        updated_at=row.updated_at,
        record_date=row.record_date,
        received_at=row.received_at,
        document=_document(row.document),
    )


def _document(text: str) -> dict[str, Any]:
    """The stored document; one that cannot be read (a damaged row) is named, so that its job fails alone with
    what to do instead of stopping every run."""
    try:
        document = json.loads(text)
    except (ValueError, TypeError) as error:
        return {UNREADABLE: f"{type(error).__name__}: {str(error)[:120]}"}
    return document if isinstance(document, dict) else {UNREADABLE: f"a JSON {type(document).__name__}"}
