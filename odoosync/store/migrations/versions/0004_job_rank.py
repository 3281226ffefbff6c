"""jobs: their dependency rank (contacts first), stored and indexed so a claim reads the queue in order

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank", sa.Integer(), server_default=sa.text("9"), nullable=False))
    op.execute(
        "UPDATE jobs SET rank = (SELECT CASE records.type WHEN 'contact' THEN 0 WHEN 'expense' THEN 1 "
        "WHEN 'deposit' THEN 2 WHEN 'rent_payment' THEN 3 ELSE 9 END FROM records WHERE records.pk = jobs.record_pk)"
    )
    op.create_index("ix_jobs_state_rank_pk", "jobs", ["state", "rank", "pk"])


def downgrade() -> None:
    op.drop_index("ix_jobs_state_rank_pk", table_name="jobs")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("rank")
