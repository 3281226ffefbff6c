from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from odoosync.domain.records import parse_record
from odoosync.domain.versions import Delivery, IncomingVersion, StoredVersion, classify, newest
from tests.unit.domain.test_records import RENT

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def incoming(document: dict[str, Any]) -> IncomingVersion:
    return IncomingVersion.from_record(parse_record(document))


def stored(version: IncomingVersion, updated_at: datetime | None) -> StoredVersion:
    return StoredVersion(pk=1, version=1, content_hash=version.content_hash, updated_at=updated_at)


def test_the_fingerprint_ignores_updated_at_key_order_and_spelling_of_amounts() -> None:
    base = incoming(RENT)
    later = incoming({**RENT, "updated_at": "2026-03-04T12:00:00+03:00"})
    reordered = incoming(dict(reversed(list({**RENT, "amount_paid": 5575}.items()))))
    assert base.content_hash == later.content_hash == reordered.content_hash
    assert "updated_at" not in base.document
    assert incoming({**RENT, "reference": "TRX-2"}).content_hash != base.content_hash


@pytest.mark.parametrize(
    ("stored_at", "incoming_at", "same_content", "expected"),
    [
        (T0, T0 + timedelta(hours=1), False, Delivery.UPDATED),
        (T0, T0, False, Delivery.UPDATED),  # not older: the later delivery wins
        (T0, T0 - timedelta(seconds=1), False, Delivery.STALE),
        (T0, T0 - timedelta(days=1), True, Delivery.UNCHANGED),  # identical is identical, whatever its clock
        (None, T0, False, Delivery.UPDATED),
        (T0, None, False, Delivery.UPDATED),  # undated documents cannot be ordered, so are never stale
    ],
)
def test_classify(
    stored_at: datetime | None, incoming_at: datetime | None, same_content: bool, expected: Delivery
) -> None:
    document = {**RENT, "updated_at": incoming_at.isoformat() if incoming_at else None}
    if not same_content:
        document["reference"] = "changed"
    new = incoming({k: v for k, v in document.items() if v is not None})
    old = stored(incoming(RENT), stored_at)
    assert classify(old, new) is expected


def test_classify_without_a_stored_version_is_new() -> None:
    assert classify(None, incoming(RENT)) is Delivery.NEW


def test_newest() -> None:
    assert newest(T0, T0 + timedelta(1)) == T0 + timedelta(1)
    assert newest(None, T0) == T0
    assert newest(T0, None) == T0
    assert newest(None, None) is None
