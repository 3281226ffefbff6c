"""Links and mappings: what odoosync knows of Odoo, per Odoo database (its URL and name)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.engine import Connection, Engine

from odoosync.domain.links import DOCUMENT, Link
from odoosync.domain.mappings import ANY_COMPANY, Mapping
from odoosync.domain.records import RecordType
from odoosync.domain.versions import StoredRecord
from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.rows import stored_record
from odoosync.store.tables import LinkRow, MappingRow, RecordRow

# Keeps IN (...) lists well under SQLite's parameter limit.
CHUNK = 500


def _count(engine: Engine, table: type[LinkRow] | type[MappingRow], odoo_database: str) -> int:
    with reported_as_unavailable(), engine.connect() as connection:
        query = select(func.count()).select_from(table).where(table.odoo_database == odoo_database)
        return int(connection.execute(query).scalar_one())


class LinkRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count(self, odoo_database: str) -> int:
        return _count(self._engine, LinkRow, odoo_database)

    def of_records(self, odoo_database: str, record_pks: Sequence[int], role: str = DOCUMENT) -> dict[int, Link]:
        """The links of these records in one Odoo database, by record pk."""
        found: dict[int, Link] = {}
        with reported_as_unavailable(), self._engine.connect() as connection:
            for start in range(0, len(record_pks), CHUNK):
                rows = connection.execute(
                    select(LinkRow).where(
                        LinkRow.odoo_database == odoo_database,
                        LinkRow.role == role,
                        LinkRow.record_pk.in_(list(record_pks[start : start + CHUNK])),
                    )
                )
                found.update((row.record_pk, _link(row)) for row in rows)
        return found

    def of_record(self, odoo_database: str, record_pk: int) -> list[Link]:
        """Every link of one record (its document, and the payment, credit note… made for it), document first."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            rows = connection.execute(
                select(LinkRow).where(LinkRow.odoo_database == odoo_database, LinkRow.record_pk == record_pk)
            )
            links = [_link(row) for row in rows]
        return _document_first(links)

    def last_kept_of_record(self, record_pk: int) -> tuple[str, list[Link]] | None:
        """A record's links in the Odoo database it was last synced to (whatever odoosync is connected to now), with
        that database's key; None when it has none anywhere."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            rows = connection.execute(select(LinkRow).where(LinkRow.record_pk == record_pk))
            kept: dict[str, list[Link]] = {}
            for row in rows:
                kept.setdefault(row.odoo_database, []).append(_link(row))
        if not kept:
            return None
        oldest = datetime.min.replace(tzinfo=UTC)
        latest = max(kept, key=lambda key: max(link.synced_at or oldest for link in kept[key]))
        return latest, _document_first(kept[latest])

    def count_per_database(self) -> dict[str, int]:
        """How many links are kept for each Odoo database key."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            statement = select(LinkRow.odoo_database, func.count()).group_by(LinkRow.odoo_database)
            return {key: int(count) for key, count in connection.execute(statement)}

    def of_app_ids(self, odoo_database: str, record_type: RecordType, app_ids: Sequence[str]) -> dict[str, Link]:
        """The document links of records of one type named by their app ids (a transaction's contacts)."""
        found: dict[str, Link] = {}
        with reported_as_unavailable(), self._engine.connect() as connection:
            for start in range(0, len(app_ids), CHUNK):
                rows = connection.execute(
                    select(LinkRow, RecordRow.app_id)
                    .join(RecordRow, RecordRow.pk == LinkRow.record_pk)
                    .where(
                        LinkRow.odoo_database == odoo_database,
                        LinkRow.role == DOCUMENT,
                        RecordRow.type == record_type.value,
                        RecordRow.app_id.in_(list(app_ids[start : start + CHUNK])),
                    )
                )
                found.update((row.app_id, _link(row)) for row in rows)
        return found

    def with_records(
        self,
        odoo_database: str,
        *,
        since: date | None = None,
        until: date | None = None,
        types: Sequence[RecordType] = (),
    ) -> Iterator[tuple[StoredRecord, list[Link]]]:
        """Every linked record (dated within [since, until]; contacts always) with all its links, in record
        order, read in chunks: what reconcile compares with Odoo."""
        record_columns = [column.label(f"r_{column.name}") for column in RecordRow.__table__.columns]
        query = (
            select(LinkRow, *record_columns)
            .join(RecordRow, RecordRow.pk == LinkRow.record_pk)
            .where(LinkRow.odoo_database == odoo_database)
            .order_by(LinkRow.record_pk, LinkRow.role)
        )
        dated = RecordRow.type != RecordType.CONTACT.value
        if since is not None:
            query = query.where(or_(~dated, RecordRow.record_date >= since))
        if until is not None:
            query = query.where(or_(~dated, RecordRow.record_date <= until))
        if types:
            query = query.where(RecordRow.type.in_([t.value for t in types]))
        current: StoredRecord | None = None
        links: list[Link] = []
        with reported_as_unavailable(), self._engine.connect() as connection:
            for row in connection.execution_options(yield_per=CHUNK).execute(query):
                if current is not None and current.pk != row.record_pk:
                    yield current, links
                    links = []
                if current is None or current.pk != row.record_pk:
                    values = {column.name: row._mapping[f"r_{column.name}"] for column in RecordRow.__table__.columns}
                    current = stored_record(SimpleNamespace(**values))
                links.append(_link(row))
        if current is not None:
            yield current, links

    def taken(self, odoo_database: str, odoo_model: str, odoo_ids: Sequence[int]) -> set[int]:
        """Which of these Odoo records some record is linked to already."""
        found: set[int] = set()
        with reported_as_unavailable(), self._engine.connect() as connection:
            for start in range(0, len(odoo_ids), CHUNK):
                rows = connection.execute(
                    select(LinkRow.odoo_id).where(
                        LinkRow.odoo_database == odoo_database,
                        LinkRow.odoo_model == odoo_model,
                        LinkRow.odoo_id.in_(list(odoo_ids[start : start + CHUNK])),
                    )
                )
                found.update(row.odoo_id for row in rows)
        return found

    def orphans(self, odoo_database: str) -> list[Link]:
        """Links whose record is not in the local database any more."""
        query = (
            select(LinkRow)
            .outerjoin(RecordRow, RecordRow.pk == LinkRow.record_pk)
            .where(LinkRow.odoo_database == odoo_database, RecordRow.pk.is_(None))
        )
        with reported_as_unavailable(), self._engine.connect() as connection:
            return [_link(row) for row in connection.execute(query)]

    @staticmethod
    def save(connection: Connection, odoo_database: str, links: Sequence[Link]) -> None:
        """Remember these links (one per record and role: a newer one replaces the older)."""
        now = datetime.now(UTC)
        for link in links:
            connection.execute(
                delete(LinkRow).where(
                    LinkRow.odoo_database == odoo_database,
                    LinkRow.record_pk == link.record_pk,
                    LinkRow.role == link.role,
                )
            )
        if links:
            connection.execute(
                insert(LinkRow),
                [
                    {
                        "record_pk": link.record_pk,
                        "odoo_database": odoo_database,
                        "role": link.role,
                        "odoo_model": link.odoo_model,
                        "odoo_id": link.odoo_id,
                        "odoo_name": _fits(link.odoo_name, NAME_LENGTH),
                        "company_id": link.company_id,
                        "odoo_state": link.odoo_state,
                        "synced_version": link.synced_version,
                        "synced_at": link.synced_at or now,
                    }
                    for link in links
                ],
            )

    @staticmethod
    def save_missing(connection: Connection, odoo_database: str, links: Sequence[Link]) -> None:
        """Remember these links where their record has none of that role yet and their Odoo record is linked to
        nothing else."""
        fresh = []
        for link in links:
            taken = connection.execute(
                select(LinkRow.pk).where(
                    LinkRow.odoo_database == odoo_database,
                    or_(
                        (LinkRow.record_pk == link.record_pk) & (LinkRow.role == link.role),
                        (LinkRow.odoo_model == link.odoo_model) & (LinkRow.odoo_id == link.odoo_id),
                    ),
                )
            ).first()
            if taken is None:
                fresh.append(link)
        LinkRepository.save(connection, odoo_database, fresh)


NAME_LENGTH = 500  # links.odoo_name: a name shown to people, cut to what the column holds on both backends


def _fits(text: str | None, length: int) -> str | None:
    return text if text is None or len(text) <= length else text[: length - 1] + "…"


def _document_first(links: list[Link]) -> list[Link]:
    return sorted(links, key=lambda link: (link.role != DOCUMENT, link.role))


def _link(row: Any) -> Link:
    return Link(
        record_pk=row.record_pk,
        odoo_model=row.odoo_model,
        odoo_id=row.odoo_id,
        odoo_name=row.odoo_name,
        company_id=row.company_id,
        odoo_state=row.odoo_state,
        synced_version=row.synced_version,
        role=row.role,
        synced_at=row.synced_at,
    )


class MappingRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count(self, odoo_database: str) -> int:
        return _count(self._engine, MappingRow, odoo_database)

    def delete_all(self, odoo_database: str) -> int:
        """Forget every mapping made for one Odoo database; returns how many there were."""
        with reported_as_unavailable(), writing(self._engine) as connection:
            result = connection.execute(delete(MappingRow).where(MappingRow.odoo_database == odoo_database))
            return int(result.rowcount or 0)

    def set(self, odoo_database: str, mapping: Mapping) -> None:
        """Create or replace the mapping of one code (per company)."""
        now = datetime.now(UTC)
        with reported_as_unavailable(), writing(self._engine) as connection:
            connection.execute(self._one(odoo_database, mapping.kind, mapping.code, mapping.company_id, delete))
            connection.execute(
                insert(MappingRow).values(
                    odoo_database=odoo_database,
                    kind=mapping.kind,
                    code=mapping.code,
                    company_id=mapping.company_id,
                    odoo_model=mapping.odoo_model,
                    odoo_id=mapping.odoo_id,
                    odoo_name=_fits(mapping.odoo_name, NAME_LENGTH) or "",
                    extra=json.dumps(mapping.extra, ensure_ascii=False) if mapping.extra else None,
                    updated_at=now,
                )
            )

    def remove(self, odoo_database: str, kind: str, code: str, company_id: int) -> bool:
        """Forget one mapping; False when there was none."""
        with reported_as_unavailable(), writing(self._engine) as connection:
            result = connection.execute(self._one(odoo_database, kind, code, company_id, delete))
            return bool(result.rowcount)

    @staticmethod
    def _one(odoo_database: str, kind: str, code: str, company_id: int, statement: Any) -> Any:
        return statement(MappingRow).where(
            MappingRow.odoo_database == odoo_database,
            MappingRow.kind == kind,
            MappingRow.code == code,
            MappingRow.company_id == company_id,
        )

    def of_kind(self, odoo_database: str, kind: str, company_id: int | None = None) -> dict[str, Mapping]:
        """The mappings of one kind by code, in one company (default: those not kept per company)."""
        with reported_as_unavailable(), self._engine.connect() as connection:
            rows = connection.execute(
                select(MappingRow).where(
                    MappingRow.odoo_database == odoo_database,
                    MappingRow.kind == kind,
                    MappingRow.company_id == (ANY_COMPANY if company_id is None else company_id),
                )
            )
            return {row.code: _mapping(row) for row in rows}

    def all(self, odoo_database: str) -> list[Mapping]:
        with reported_as_unavailable(), self._engine.connect() as connection:
            rows = connection.execute(
                select(MappingRow)
                .where(MappingRow.odoo_database == odoo_database)
                .order_by(MappingRow.kind, MappingRow.company_id, MappingRow.code)
            )
            return [_mapping(row) for row in rows]


def _mapping(row: Any) -> Mapping:
    extra = json.loads(row.extra) if row.extra else {}
    return Mapping(row.kind, row.code, row.company_id, row.odoo_model, row.odoo_id, row.odoo_name, extra)
