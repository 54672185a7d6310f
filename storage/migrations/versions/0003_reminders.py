"""Reminders: when a round next reminds, and who asked not to be reminded

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy), which keeps 0002's partial index intact on SQLite.
    op.add_column("rounds", sa.Column("remind_at", storage.types.UTCDateTime(), nullable=True))
    op.add_column("rounds", sa.Column("quiet", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("quiet")
        batch.drop_column("remind_at")
