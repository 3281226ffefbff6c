"""Adoptions waiting for a person, and the one transaction that records what a backfill with --adopt decided."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from odoosync.domain.adoptions import Adoption, AdoptionState, Candidate
from odoosync.domain.links import Link
from odoosync.domain.records import RecordType
from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.jobs import JobRepository
from odoosync.store.links import LinkRepository
from odoosync.store.tables import AdoptionRow, RecordRow


class AdoptionRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _select(self) -> Any:
        return select(AdoptionRow, RecordRow.type, RecordRow.app_id).join(
            RecordRow, RecordRow.pk == AdoptionRow.record_pk
        )

    @staticmethod
    def _adoption(row: Any) -> Adoption:
        return Adoption(
            pk=row.pk,
            record_pk=row.record_pk,
            record_type=RecordType(row.type),
            record_id=row.app_id,
            record_version=row.record_version,
            odoo_model=row.odoo_model,
            candidates=tuple(Candidate(c["odoo_id"], c["name"], c["detail"]) for c in json.loads(row.candidates)),
            state=AdoptionState(row.state),
            odoo_id=row.odoo_id,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    def list(self, odoo_database: str, states: Sequence[AdoptionState] = (AdoptionState.PENDING,)) -> list[Adoption]:
        query = self._select().where(AdoptionRow.odoo_database == odoo_database).order_by(AdoptionRow.pk)
        if states:
            query = query.where(AdoptionRow.state.in_([s.value for s in states]))
        with reported_as_unavailable(), self._engine.connect() as connection:
            return [self._adoption(row) for row in connection.execute(query)]

    def get(self, odoo_database: str, record_type: RecordType, app_id: str) -> Adoption | None:
        query = self._select().where(
            AdoptionRow.odoo_database == odoo_database,
            RecordRow.type == record_type.value,
            RecordRow.app_id == app_id,
        )
        with reported_as_unavailable(), self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else self._adoption(row)

    def record(
        self,
        odoo_database: str,
        *,
        links: Sequence[Link],
        pending: Sequence[tuple[int, int, str, Sequence[Candidate]]],
        queue: Sequence[tuple[int, int]],
    ) -> int:
        """In one transaction: link the records adopted, keep those with several matches for a person
        ((record pk, version, model, candidates)), and queue the rest. Returns the jobs queued."""
        now = datetime.now(UTC)
        with reported_as_unavailable(), writing(self._engine) as connection:
            LinkRepository.save(connection, odoo_database, links)
            for record_pk, version, model, candidates in pending:
                connection.execute(
                    delete(AdoptionRow).where(
                        AdoptionRow.odoo_database == odoo_database, AdoptionRow.record_pk == record_pk
                    )
                )
                connection.execute(
                    insert(AdoptionRow).values(
                        record_pk=record_pk,
                        odoo_database=odoo_database,
                        record_version=version,
                        odoo_model=model,
                        candidates=json.dumps([c.as_dict() for c in candidates]),
                        state=AdoptionState.PENDING.value,
                        created_at=now,
                    )
                )
            return JobRepository.enqueue_in(connection, queue) if queue else 0

    def decide(self, odoo_database: str, adoption: Adoption, *, link: Link | None, queue_version: int | None) -> None:
        """Accept (save `link`) or reject (queue the record's `queue_version` so that odoosync makes its own)."""
        state = AdoptionState.ACCEPTED if link is not None else AdoptionState.REJECTED
        with reported_as_unavailable(), writing(self._engine) as connection:
            if link is not None:
                LinkRepository.save(connection, odoo_database, [link])
            if queue_version is not None:
                JobRepository.enqueue_in(connection, [(adoption.record_pk, queue_version)])
            connection.execute(
                update(AdoptionRow)
                .where(AdoptionRow.pk == adoption.pk)
                .values(state=state.value, odoo_id=link.odoo_id if link else None, decided_at=datetime.now(UTC))
            )
