"""Personal data: erased answers are counted on their round; sent messages keep references

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

``rounds.erased`` counts the participants whose answers were removed at their request, so
a round's outcome can say so. A sent outbox row no longer keeps a copy of what it said
(a summary carried everyone's answers and names): only its type, round and step. Rows
sent before this revision are reduced the same way; that cannot be undone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.privacy import reference

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('scheduled', 'running', 'paused', 'reviewing')"
WAKING = "wake_at IS NOT NULL"


def upgrade() -> None:
    op.add_column("rounds", sa.Column("erased", sa.Integer(), nullable=False, server_default="0"))
    outbox = sa.table(
        "outbox", sa.column("id", sa.Integer()), sa.column("content", sa.JSON()),
        sa.column("sent_at", sa.DateTime()),
    )  # fmt: skip
    connection = op.get_bind()
    sent = connection.execute(
        sa.select(outbox.c.id, outbox.c.content).where(outbox.c.sent_at.is_not(None))
    ).all()
    for row_id, content in sent:
        connection.execute(
            sa.update(outbox).where(outbox.c.id == row_id).values(content=reference(content))
        )


def downgrade() -> None:
    op.drop_index("ix_rounds_wake", table_name="rounds")
    op.drop_index("uq_rounds_one_active", table_name="rounds")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("erased")
    op.create_index(
        "ix_rounds_wake", "rounds", ["wake_at"],
        sqlite_where=sa.text(WAKING), postgresql_where=sa.text(WAKING),
    )  # fmt: skip
    op.create_index(
        "uq_rounds_one_active", "rounds", ["platform", "channel_id", "thread_id"], unique=True,
        sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE),
    )  # fmt: skip
