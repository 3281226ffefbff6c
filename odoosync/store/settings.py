"""Settings every worker shares, kept in the database rather than in one machine's config file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from odoosync.store.failures import reported_as_unavailable, writing
from odoosync.store.tables import SettingRow


class SettingsRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, name: str, default: Any = None) -> Any:
        with reported_as_unavailable(), self._engine.connect() as connection:
            value = connection.execute(select(SettingRow.value).where(SettingRow.name == name)).scalar_one_or_none()
        return default if value is None else json.loads(value)

    def set_many(self, values: dict[str, Any]) -> None:
        """Save several settings together (JSON values; None removes one). An upsert: two workers finishing a run
        at the same moment both write `sync.last_run`, and neither may fail for it."""
        now = datetime.now(UTC)
        with reported_as_unavailable(), writing(self._engine) as connection:
            removed = [name for name, value in values.items() if value is None]
            if removed:
                connection.execute(delete(SettingRow).where(SettingRow.name.in_(removed)))
            rows = [
                {"name": name, "value": json.dumps(value), "updated_at": now}
                for name, value in values.items()
                if value is not None
            ]
            if rows:
                dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
                statement = dialect_insert(SettingRow).values(rows)
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[SettingRow.name],
                        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
                    )
                )
