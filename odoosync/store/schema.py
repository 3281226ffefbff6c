"""Bring the database schema to the version this odoosync needs, or say why it cannot."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from odoosync.domain.errors import SchemaError
from odoosync.store.failures import writing
from odoosync.store.tables import Base

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config(connection: Connection | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Upgrade to the newest schema; True when anything was applied."""
    script = ScriptDirectory.from_config(_alembic_config())
    current = current_revision(engine)
    head = script.get_current_head()
    if current == head:
        return False
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaError(
            f"the local database has schema version {current}, newer than this odoosync knows ({head})",
            "Upgrade odoosync to the version that last wrote this database, or point database.url at another one.",
        )
    with writing(engine) as connection:
        command.upgrade(_alembic_config(connection), "head")
    return True


def missing_tables(engine: Engine) -> list[str]:
    """Tables of the schema that are not in the database (one dropped by hand or by a broken restore)."""
    present = set(inspect(engine).get_table_names())
    return sorted(name for name in Base.metadata.tables if name not in present)
