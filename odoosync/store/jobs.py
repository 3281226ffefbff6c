"""Jobs: the sync queue. Issue 6 fills it; for now it can be listed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from odoosync.domain.jobs import JobState
from odoosync.domain.records import RecordType
from odoosync.store.failures import reported_as_unavailable
from odoosync.store.tables import JobRow, RecordRow


@dataclass(frozen=True, slots=True)
class Job:
    pk: int
    record_type: RecordType
    record_id: str
    record_version: int
    state: JobState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    error_kind: str | None
    created_at: datetime
    updated_at: datetime


class JobRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(
        self,
        *,
        states: Sequence[JobState] = (),
        types: Sequence[RecordType] = (),
        limit: int | None = None,
    ) -> list[Job]:
        query = (
            select(JobRow.__table__, RecordRow.type.label("record_type"), RecordRow.app_id)
            .join(RecordRow, RecordRow.pk == JobRow.record_pk)
            .order_by(JobRow.pk)
        )
        if states:
            query = query.where(JobRow.state.in_([s.value for s in states]))
        if types:
            query = query.where(RecordRow.type.in_([t.value for t in types]))
        if limit is not None:
            query = query.limit(limit)
        with reported_as_unavailable(), self._engine.connect() as connection:
            return [
                Job(
                    pk=job.pk,
                    record_type=RecordType(job.record_type),
                    record_id=job.app_id,
                    record_version=job.record_version,
                    state=JobState(job.state),
                    attempts=job.attempts,
                    next_attempt_at=job.next_attempt_at,
                    last_error=job.last_error,
                    error_kind=job.error_kind,
                    created_at=job.created_at,
                    updated_at=job.updated_at,
                )
                for job in connection.execute(query)
            ]
