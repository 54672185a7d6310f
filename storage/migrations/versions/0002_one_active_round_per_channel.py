"""One active round per channel

Two people starting a round in the same channel at the same moment both saw no active
round and both got one; a partial unique index makes the database refuse the second.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('scheduled', 'running', 'paused')"


def upgrade() -> None:
    op.create_index(
        "uq_rounds_one_active",
        "rounds",
        ["platform", "channel_id", "thread_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_rounds_one_active", table_name="rounds")
