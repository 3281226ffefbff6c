"""Alembic environment: always run with a connection handed in by odoosync.store.schema."""

from __future__ import annotations

from alembic import context

from odoosync.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "odoosync migrations run through odoosync itself (it upgrades the schema on start), not the alembic CLI"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
