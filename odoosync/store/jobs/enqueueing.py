"""Enqueueing: one open job per record, a pending job taking the newer version, a running one remembering it; what
a backfill would add; waiting jobs made due again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from odoosync.domain.adoptions import AdoptionState
from odoosync.domain.jobs import OPEN_STATES, JobState
from odoosync.domain.records import RecordType
from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.jobs.rows import DEPENDENCY_RANK, JobRows, utc_now
from odoosync.store.tables import AdoptionRow, JobRow, LinkRow, RecordRow

Pairs = list[tuple[int, int]]  # (record pk, version)


class JobEnqueueing(JobRows):
    def enqueue(self, entries: Sequence[tuple[int, int]]) -> int:
        """Ask for each (record pk, version) to be synced. A record keeps one open job: a pending one takes the
        newer version; a running one remembers it and goes back to pending when its attempt ends."""
        with reported_as_unavailable(), writing(self._engine) as connection:
            return self.enqueue_in(connection, entries)

    @staticmethod
    def enqueue_in(connection: Connection, entries: Sequence[tuple[int, int]]) -> int:
        """`enqueue` inside a transaction the caller holds (ingest stores a chunk and queues it together)."""
        now = utc_now()
        touched = 0
        for start in range(0, len(entries), 500):
            chunk = entries[start : start + 500]
            open_jobs = {
                row.record_pk: row
                for row in connection.execute(
                    select(JobRow.pk, JobRow.record_pk, JobRow.state, JobRow.record_version).where(
                        JobRow.record_pk.in_([pk for pk, _ in chunk]),
                        JobRow.state.in_([s.value for s in OPEN_STATES]),
                    )
                )
            }
            new: dict[int, int] = {}
            for record_pk, version in chunk:
                job = open_jobs.get(record_pk)
                if job is None:
                    if version > new.get(record_pk, 0):
                        touched += record_pk not in new
                        new[record_pk] = version
                elif job.state == JobState.PENDING.value and version > job.record_version:
                    connection.execute(
                        update(JobRow).where(JobRow.pk == job.pk).values(record_version=version, updated_at=now)
                    )
                    touched += 1
                elif job.state == JobState.RUNNING.value and version > job.record_version:
                    connection.execute(
                        update(JobRow).where(JobRow.pk == job.pk).values(wanted_version=version, updated_at=now)
                    )
                    touched += 1
            if new:
                types = dict(
                    connection.execute(select(RecordRow.pk, RecordRow.type).where(RecordRow.pk.in_(list(new)))).all()
                )
                connection.execute(
                    insert(JobRow),
                    [
                        {
                            "record_pk": record_pk,
                            "record_version": version,
                            "state": JobState.PENDING.value,
                            "attempts": 0,
                            "next_attempt_at": now,
                            "created_at": now,
                            "updated_at": now,
                            "search_first": False,
                            "rank": DEPENDENCY_RANK.get(RecordType(types[record_pk]), 9),
                        }
                        for record_pk, version in new.items()
                    ],
                )
        return touched

    def enqueue_new_versions(
        self, entries: Sequence[tuple[int, int]], *, odoo_database: str | None = None, dry_run: bool = False
    ) -> int:
        """Enqueue the (record pk, version) pairs not in Odoo yet: with no job for that version open and, when
        `odoo_database` is given, not synced to that database (a record synced to another database is queued for
        this one); without it, never queued before. So a backfill run twice adds nothing twice. With `dry_run`,
        only count them."""
        with reported_as_unavailable(), writing(self._engine) as connection:
            fresh = self._fresh(connection, entries, odoo_database)
            if dry_run or not fresh:
                return len(fresh)
            return self.enqueue_in(connection, fresh)

    def new_versions(self, entries: Sequence[tuple[int, int]], *, odoo_database: str) -> Pairs:
        """The pairs `enqueue_new_versions` would queue (what `plan --since` shows), reading only."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            return self._fresh(connection, entries, odoo_database)

    @staticmethod
    def _fresh(connection: Connection, entries: Sequence[tuple[int, int]], odoo_database: str | None) -> Pairs:
        pks = [pk for pk, _ in entries]
        jobs = select(JobRow.record_pk, func.max(JobRow.record_version)).where(JobRow.record_pk.in_(pks))
        if odoo_database is not None:
            jobs = jobs.where(JobRow.state.in_([s.value for s in OPEN_STATES]))
        seen = dict(connection.execute(jobs.group_by(JobRow.record_pk)).all())
        if odoo_database is not None:
            synced = connection.execute(
                select(LinkRow.record_pk, func.max(LinkRow.synced_version))
                .where(LinkRow.record_pk.in_(pks), LinkRow.odoo_database == odoo_database)
                .group_by(LinkRow.record_pk)
            )
            for pk, version in synced:
                seen[pk] = max(seen.get(pk, 0), version)
            # A record matched to several hand-made documents waits for a person (odoosync adopt list).
            waiting = connection.execute(
                select(AdoptionRow.record_pk).where(
                    AdoptionRow.record_pk.in_(pks),
                    AdoptionRow.odoo_database == odoo_database,
                    AdoptionRow.state == AdoptionState.PENDING.value,
                )
            )
            held = {pk for (pk,) in waiting}
            return [(pk, version) for pk, version in entries if seen.get(pk, 0) < version and pk not in held]
        return [(pk, version) for pk, version in entries if seen.get(pk, 0) < version]

    def wake_waiting(self, before: datetime) -> int:
        """Jobs that were waiting for another record (their contact) before `before` become due now: it may
        have just synced. Those that found it missing after `before` keep their time."""
        with reported_as_unavailable(), writing(self._engine) as connection:
            result = connection.execute(
                update(JobRow)
                .where(
                    JobRow.state == JobState.PENDING.value,
                    JobRow.error_kind == "waiting",
                    JobRow.updated_at < before,
                )
                .values(next_attempt_at=utc_now())
            )
            return int(result.rowcount or 0)

    @staticmethod
    def queued_before(connection: Connection, record_pks: Sequence[int]) -> set[int]:
        """Which of these records have had a job, in any state."""
        found: set[int] = set()
        for start in range(0, len(record_pks), 500):
            chunk = list(record_pks[start : start + 500])
            found.update(connection.execute(select(JobRow.record_pk).where(JobRow.record_pk.in_(chunk))).scalars())
        return found
