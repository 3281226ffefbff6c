"""Table rows read back as the domain's objects."""

from __future__ import annotations

import json
from typing import Any

from odoosync.domain.records import RecordType
from odoosync.domain.versions import StoredRecord


def stored_record(row: Any) -> StoredRecord:
    return StoredRecord(
        pk=row.pk,
        type=RecordType(row.type),
        app_id=row.app_id,
        version=row.version,
        updated_at=row.updated_at,
        record_date=row.record_date,
        received_at=row.received_at,
        document=json.loads(row.document),
    )
