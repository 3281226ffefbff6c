"""Reading the queue: jobs listed, one job and its attempts, the counts per type and state, what is due."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from odoosync.domain.jobs import Attempt, Job, JobState
from odoosync.domain.records import RecordType
from odoosync.store.failures import reported_as_unavailable
from odoosync.store.jobs.rows import JobRows, stored_state, utc_now
from odoosync.store.tables import JobAttemptRow, JobRow, RecordRow

# The repository has a method named `list`: annotations inside the class use these names instead.
Attempts = list[Attempt]


# What a person looks at first in a listing: the failed jobs, then what runs and what waits.
ATTENTION_ORDER = (JobState.FAILED.value, JobState.RUNNING.value, JobState.PENDING.value)


def _filtered(query: Any, states: Sequence[JobState], types: Sequence[RecordType]) -> Any:
    if states:
        query = query.where(JobRow.state.in_([s.value for s in states]))
    if types:
        query = query.where(RecordRow.type.in_([t.value for t in types]))
    return query


class JobReading(JobRows):
    def list(
        self,
        *,
        states: Sequence[JobState] = (),
        types: Sequence[RecordType] = (),
        limit: int | None = None,
        failed_first: bool = False,
    ) -> list[Job]:
        """Jobs in number order; with `failed_first`, what needs a person first (failed, running, pending, then
        the rest), newest first within each state: the database sorts and bounds them, whatever the queue's size."""
        if failed_first:
            rank = case(*((JobRow.state == state, i) for i, state in enumerate(ATTENTION_ORDER)), else_=99)
            query = _filtered(self._select(), states, types).order_by(rank, JobRow.pk.desc())
        else:
            query = _filtered(self._select(), states, types).order_by(JobRow.pk)
        if limit is not None:
            query = query.limit(limit)
        with reported_as_unavailable(), self._engine.connect() as connection:
            return [self._job(row) for row in connection.execute(query)]

    def get(self, pk: int) -> Job | None:
        with reported_as_unavailable(), self._engine.connect() as connection:
            row = connection.execute(self._select().where(JobRow.pk == pk)).one_or_none()
        return None if row is None else self._job(row)

    def attempts(self, pk: int) -> Attempts:
        query = select(JobAttemptRow).where(JobAttemptRow.job_pk == pk).order_by(JobAttemptRow.pk)
        with reported_as_unavailable(), self._engine.connect() as connection:
            return [
                Attempt(
                    row.started_at,
                    row.finished_at,
                    row.outcome,
                    row.error,
                    row.error_kind,
                    json.loads(row.odoo_ids) if row.odoo_ids else [],
                )
                for row in connection.execute(query)
            ]

    def count_due(self, types: Sequence[RecordType] = ()) -> int:
        query = (
            select(func.count())
            .select_from(JobRow)
            .join(RecordRow, RecordRow.pk == JobRow.record_pk)
            .where(JobRow.state == JobState.PENDING.value, JobRow.next_attempt_at <= utc_now())
        )
        if types:
            query = query.where(RecordRow.type.in_([t.value for t in types]))
        with reported_as_unavailable(), self._engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def oldest_due(self) -> datetime | None:
        """When the longest-waiting pending job became due (None when none is due)."""
        now = utc_now()
        query = select(func.min(JobRow.next_attempt_at)).where(
            JobRow.state == JobState.PENDING.value, JobRow.next_attempt_at <= now
        )
        with reported_as_unavailable(), self._engine.connect() as connection:
            found: datetime | None = connection.execute(query).scalar_one()
        return found

    def counts(
        self, *, states: Sequence[JobState] = (), types: Sequence[RecordType] = ()
    ) -> dict[tuple[RecordType, JobState], int]:
        """How many jobs there are per record type and state (of these states and types, when given)."""
        query = _filtered(
            select(RecordRow.type, JobRow.state, func.count()).join(RecordRow, RecordRow.pk == JobRow.record_pk),
            states,
            types,
        ).group_by(RecordRow.type, JobRow.state)
        with reported_as_unavailable(), self._engine.connect() as connection:
            return {(RecordType(t), stored_state(s)): n for t, s, n in connection.execute(query)}

    def latest_for_record(self, record_pk: int) -> Job | None:
        """The record's newest job (open or not)."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            row = connection.execute(
                self._select().where(JobRow.record_pk == record_pk).order_by(JobRow.pk.desc()).limit(1)
            ).one_or_none()
        return None if row is None else self._job(row)
