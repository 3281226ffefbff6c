"""The Odoo databases the local state refers to: links, mappings and adoptions name one by a key (its address and
database name, `connection.database_key`), and what Odoo says it is (`database.uuid`) is kept beside the key, so
that the same database reached by another address is known for the same one."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.settings import SettingsRepository
from odoosync.store.tables import AdoptionRow, LinkRow, MappingRow

IDENTITIES = "odoo.database_uuids"  # setting: database key → the uuid Odoo gave for it
TABLES = (LinkRow, MappingRow, AdoptionRow)


class DatabaseRepository:
    def __init__(self, engine: Engine, settings: SettingsRepository) -> None:
        self._engine = engine
        self._settings = settings

    def in_use(self) -> dict[str, int]:
        """Every database key that links, mappings or adoptions use, with how many rows use it."""
        counts: dict[str, int] = {}
        with reported_as_unavailable(), self._engine.connect() as connection:
            for table in TABLES:
                statement = select(table.odoo_database, func.count()).group_by(table.odoo_database)
                for key, count in connection.execute(statement):
                    counts[key] = counts.get(key, 0) + int(count)
        return counts

    def identities(self) -> dict[str, str]:
        found = self._settings.get(IDENTITIES, {})
        return dict(found) if isinstance(found, dict) else {}

    def remember(self, key: str, uuid: str) -> None:
        known = self.identities()
        if known.get(key) != uuid:
            self._settings.set_many({IDENTITIES: {**known, key: uuid}})

    def move(self, old: str, new: str, uuid: str | None) -> int:
        """Carry everything kept for the database key `old` over to `new` (the same Odoo database reached by
        another address), in one transaction. Returns how many rows moved."""
        moved = 0
        with reported_as_unavailable(), writing(self._engine) as connection:
            for table in TABLES:
                result = connection.execute(update(table).where(table.odoo_database == old).values(odoo_database=new))
                moved += int(result.rowcount or 0)
        known = {k: v for k, v in self.identities().items() if k != old}
        if uuid:
            known[new] = uuid
        self._settings.set_many({IDENTITIES: known})
        return moved
