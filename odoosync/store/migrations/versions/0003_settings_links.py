"""settings shared by every worker (syncing on or off, the backfill window); one link per record, role and database

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from odoosync.store.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_settings")),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_links_odoo_database_record_pk_role"), ["odoo_database", "record_pk", "role"]
        )


def downgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_links_odoo_database_record_pk_role"), type_="unique")
    op.drop_table("settings")
