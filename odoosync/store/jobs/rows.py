"""A job as stored: its row read back as a `Job`, its state checked, the rank it is claimed in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from odoosync.domain.errors import SchemaError
from odoosync.domain.jobs import Job, JobState
from odoosync.domain.records import RecordType
from odoosync.store.tables import JobRow, RecordRow

# Contacts first: every transaction needs its partner. Then expenses, deposits, rent payments (design.md).
DEPENDENCY_RANK = {RecordType.CONTACT: 0, RecordType.EXPENSE: 1, RecordType.DEPOSIT: 2, RecordType.RENT_PAYMENT: 3}


def stored_state(value: str, pk: int | None = None) -> JobState:
    """A job's state as stored; one odoosync does not know means the database was changed by hand or damaged."""
    try:
        return JobState(value)
    except ValueError:
        which = f"job {pk}" if pk is not None else "a job"
        raise SchemaError(
            f"the local database is damaged: {which} has the state {str(value)[:40]!r}, which odoosync does not know",
            "Restore the database from a backup, or set the job's state back by hand to one of: "
            + ", ".join(state.value for state in JobState),
        ) from None


def utc_now() -> datetime:
    return datetime.now(UTC)


class JobRows:
    """What every part of the repository shares: the engine, and a job's row as a `Job`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _select(self) -> Any:
        return select(JobRow.__table__, RecordRow.type.label("record_type"), RecordRow.app_id).join(
            RecordRow, RecordRow.pk == JobRow.record_pk
        )

    @staticmethod
    def _job(row: Any) -> Job:
        return Job(
            pk=row.pk,
            record_pk=row.record_pk,
            record_type=RecordType(row.record_type),
            record_id=row.app_id,
            record_version=row.record_version,
            state=stored_state(row.state, row.pk),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            error_kind=row.error_kind,
            created_at=row.created_at,
            updated_at=row.updated_at,
            search_first=bool(row.search_first),
            lease_owner=row.lease_owner,
            lease_expires_at=row.lease_expires_at,
        )
