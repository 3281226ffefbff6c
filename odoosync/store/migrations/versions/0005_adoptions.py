"""adoptions: records a backfill with --adopt matched to more than one hand-made Odoo document

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adoptions",
        sa.Column("pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("record_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("odoo_database", sa.String(length=500), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("odoo_model", sa.String(length=100), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("odoo_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["record_pk"], ["records.pk"], name=op.f("fk_adoptions_record_pk_records")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_adoptions")),
        sa.UniqueConstraint("odoo_database", "record_pk", name=op.f("uq_adoptions_odoo_database_record_pk")),
    )
    with op.batch_alter_table("adoptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adoptions_record_pk"), ["record_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("adoptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adoptions_record_pk"))
    op.drop_table("adoptions")
