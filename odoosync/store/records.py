"""Records: the latest version of each app document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from odoosync.domain.jobs import EnqueuePolicy
from odoosync.domain.records import RecordType
from odoosync.domain.versions import (
    Delivery,
    IncomingVersion,
    StoredRecord,
    StoredVersion,
    classify,
    newest,
)
from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.jobs import JobRepository
from odoosync.store.rows import stored_record
from odoosync.store.tables import RecordRow

# The deliveries that make a new version (and so may need a job).
CHANGES = frozenset({Delivery.NEW, Delivery.UPDATED})

# Keeps the IN (...) lists of a lookup on SQLite well under its parameter limit.
LOOKUP_CHUNK = 500

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class StoredDelivery:
    """The outcome of storing one incoming version."""

    incoming: IncomingVersion
    delivery: Delivery
    pk: int | None
    version: int | None


class RecordRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def store_versions(
        self, versions: Sequence[IncomingVersion], *, enqueue: EnqueuePolicy | None = None
    ) -> list[StoredDelivery]:
        """Store a batch of validated versions in one transaction: new ones inserted, newer ones replacing the
        stored version, stale and unchanged ones left alone. Versions of one record are taken in order.
        With `enqueue` (syncing is on), the new versions it wants are queued in the same transaction."""
        now = datetime.now(UTC)
        with reported_as_unavailable(), writing(self._engine) as connection:
            known = self._lookup(connection, {(v.type.value, v.app_id) for v in versions})
            inserts: dict[Key, dict[str, object]] = {}
            updates: dict[Key, dict[str, object]] = {}
            results: list[tuple[IncomingVersion, Delivery, Key]] = []
            for incoming in versions:
                key = (incoming.type.value, incoming.app_id)
                stored = known.get(key)
                delivery = classify(stored, incoming)
                results.append((incoming, delivery, key))
                if delivery is Delivery.STALE:
                    continue
                if delivery is Delivery.UNCHANGED:
                    assert stored is not None
                    moved = newest(stored.updated_at, incoming.updated_at)
                    if moved != stored.updated_at:
                        known[key] = replace(stored, updated_at=moved)
                        pending = inserts.get(key) or updates.setdefault(key, {"b_pk": stored.pk})
                        pending["updated_at"] = moved
                    continue
                version = 1 if stored is None else stored.version + 1
                moved = newest(stored.updated_at if stored else None, incoming.updated_at)
                row: dict[str, object] = {
                    "type": incoming.type.value,
                    "app_id": incoming.app_id,
                    "version": version,
                    "content_hash": incoming.content_hash,
                    "updated_at": moved,
                    "record_date": incoming.record_date,
                    "document": incoming.document,
                    "received_at": now,
                }
                if stored is None or key in inserts:
                    inserts[key] = row
                else:
                    updates[key] = {**row, "b_pk": stored.pk}
                known[key] = StoredVersion(stored.pk if stored else 0, version, incoming.content_hash, moved)

            inserted = self._insert(connection, list(inserts.values()))
            for key, pk in inserted.items():
                known[key] = replace(known[key], pk=pk)
            self._update(connection, list(updates.values()))
            if enqueue is not None:
                self._enqueue(connection, enqueue, results, known)
        return [
            StoredDelivery(incoming, delivery, known[key].pk, known[key].version)
            if key in known
            else StoredDelivery(incoming, delivery, None, None)
            for incoming, delivery, key in results
        ]

    @staticmethod
    def _enqueue(
        connection: Connection,
        policy: EnqueuePolicy,
        results: list[tuple[IncomingVersion, Delivery, Key]],
        known: dict[Key, StoredVersion],
    ) -> None:
        changed = [(incoming, known[key]) for incoming, delivery, key in results if delivery in CHANGES]
        if not changed:
            return
        before = JobRepository.queued_before(connection, sorted({stored.pk for _, stored in changed}))
        latest: dict[int, int] = {}
        for incoming, stored in changed:
            if policy.wants(
                eligible=incoming.eligible, record_date=incoming.record_date, queued_before=stored.pk in before
            ):
                latest[stored.pk] = stored.version
        JobRepository.enqueue_in(connection, sorted(latest.items()))

    def get_many(self, pks: Sequence[int]) -> dict[int, StoredRecord]:
        found: dict[int, StoredRecord] = {}
        with reported_as_unavailable(), self._engine.connect() as connection:
            for start in range(0, len(pks), LOOKUP_CHUNK):
                rows = connection.execute(
                    select(RecordRow).where(RecordRow.pk.in_(list(pks[start : start + LOOKUP_CHUNK])))
                )
                found.update((row.pk, stored_record(row)) for row in rows)
        return found

    def of_app_ids(self, record_type: RecordType, app_ids: Sequence[str]) -> dict[str, StoredRecord]:
        found: dict[str, StoredRecord] = {}
        with reported_as_unavailable(), self._engine.connect() as connection:
            for start in range(0, len(app_ids), LOOKUP_CHUNK):
                rows = connection.execute(
                    select(RecordRow).where(
                        RecordRow.type == record_type.value,
                        RecordRow.app_id.in_(list(app_ids[start : start + LOOKUP_CHUNK])),
                    )
                )
                found.update((row.app_id, stored_record(row)) for row in rows)
        return found

    def stream(self, record_type: RecordType, *, since: date | None = None) -> Iterator[StoredRecord]:
        """Every record of a type (dated on or after `since`; contacts have no date), in app-id order,
        read in chunks so that a large history does not sit in memory."""
        query = select(RecordRow).where(RecordRow.type == record_type.value).order_by(RecordRow.pk)
        if since is not None and record_type is not RecordType.CONTACT:
            query = query.where(RecordRow.record_date >= since)
        with reported_as_unavailable(), self._engine.connect() as connection:
            result = connection.execution_options(yield_per=LOOKUP_CHUNK).execute(query)
            for row in result:
                yield stored_record(row)

    @staticmethod
    def _insert(connection: Connection, rows: list[dict[str, object]]) -> dict[Key, int]:
        if not rows:
            return {}
        result = connection.execute(
            insert(RecordRow).returning(RecordRow.pk, RecordRow.type, RecordRow.app_id, sort_by_parameter_order=True),
            rows,
        )
        return {(t, a): pk for pk, t, a in result}

    @staticmethod
    def _update(connection: Connection, rows: list[dict[str, object]]) -> None:
        # executemany wants one shape per statement: full replacements, and clock-only moves.
        for shape in {tuple(sorted(row)) for row in rows}:
            columns = [c for c in shape if c != "b_pk"]
            connection.execute(
                update(RecordRow).where(RecordRow.pk == bindparam("b_pk")).values({c: bindparam(c) for c in columns}),
                [row for row in rows if tuple(sorted(row)) == shape],
            )

    @staticmethod
    def _lookup(connection: Connection, keys: set[Key]) -> dict[Key, StoredVersion]:
        by_type: dict[str, list[str]] = defaultdict(list)
        for record_type, app_id in keys:
            by_type[record_type].append(app_id)
        found: dict[Key, StoredVersion] = {}
        for record_type, app_ids in by_type.items():
            for start in range(0, len(app_ids), LOOKUP_CHUNK):
                rows = connection.execute(
                    select(
                        RecordRow.app_id,
                        RecordRow.pk,
                        RecordRow.version,
                        RecordRow.content_hash,
                        RecordRow.updated_at,
                    ).where(
                        RecordRow.type == record_type,
                        RecordRow.app_id.in_(app_ids[start : start + LOOKUP_CHUNK]),
                    )
                )
                for app_id, pk, version, content_hash, updated_at in rows:
                    found[(record_type, app_id)] = StoredVersion(pk, version, content_hash, updated_at)
        return found

    def get(self, record_type: RecordType, app_id: str) -> StoredRecord | None:
        with reported_as_unavailable(), self._engine.connect() as connection:
            row = connection.execute(
                select(RecordRow).where(RecordRow.type == record_type.value, RecordRow.app_id == app_id)
            ).one_or_none()
        return None if row is None else stored_record(row)

    def of_type(self, record_type: RecordType) -> list[StoredRecord]:
        """Every stored record of one type (contacts are few: owners, tenants, vendors)."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            rows = connection.execute(
                select(RecordRow).where(RecordRow.type == record_type.value).order_by(RecordRow.app_id)
            )
            return [stored_record(row) for row in rows]

    def count_by_type(self) -> dict[RecordType, int]:
        with reported_as_unavailable(), self._engine.connect() as connection:
            rows = connection.execute(select(RecordRow.type, func.count()).group_by(RecordRow.type))
            return {RecordType(t): n for t, n in rows}
