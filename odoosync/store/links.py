"""Links and mappings: what odoosync knows of Odoo, per Odoo database (its URL and name)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from odoosync.store.failures import reported_as_unavailable
from odoosync.store.tables import LinkRow, MappingRow


class LinkRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count(self, odoo_database: str) -> int:
        with reported_as_unavailable(), self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(LinkRow).where(LinkRow.odoo_database == odoo_database)
                ).scalar_one()
            )


class MappingRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count(self, odoo_database: str) -> int:
        with reported_as_unavailable(), self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(MappingRow).where(MappingRow.odoo_database == odoo_database)
                ).scalar_one()
            )

    def delete_all(self, odoo_database: str) -> int:
        """Forget every mapping made for one Odoo database; returns how many there were."""
        with reported_as_unavailable(), self._engine.begin() as connection:
            result = connection.execute(delete(MappingRow).where(MappingRow.odoo_database == odoo_database))
            return int(result.rowcount or 0)
