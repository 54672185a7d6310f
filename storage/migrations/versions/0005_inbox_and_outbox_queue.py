"""Inbox before the ack, the outbox as a queue, one indexed wake-up column per round

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

Acknowledged events go to an inbox table first (it replaces processed_events, whose
job of recognising redeliveries it takes over). The outbox gains what a queue needs:
a claim token, a recipient to keep order for, a next attempt, a dead-letter state and
the progress of multi-part messages. Rounds get ``wake_at`` so the scheduler's claim
can use one index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('scheduled', 'running', 'paused')"
PENDING = "sent_at IS NULL AND dead_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("claimed_until", storage.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("done_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("outcome", storage.types.UserText(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("platform", "event_id", name=op.f("uq_inbox_platform")),
    )
    op.create_index(
        "ix_inbox_due",
        "inbox",
        ["next_attempt_at"],
        sqlite_where=sa.text("done_at IS NULL"),
        postgresql_where=sa.text("done_at IS NULL"),
    )
    op.create_index("ix_inbox_done", "inbox", ["done_at"])
    op.drop_index(op.f("ix_processed_events_seen_at"), table_name="processed_events")
    op.drop_table("processed_events")

    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("wake_at", storage.types.UTCDateTime(), nullable=True))
        batch.drop_index("ix_rounds_due")
    op.execute(
        "UPDATE rounds SET wake_at = CASE WHEN remind_at IS NOT NULL AND "
        "(next_due IS NULL OR remind_at < next_due) THEN remind_at ELSE next_due END"
    )
    op.create_index(
        "ix_rounds_wake",
        "rounds",
        ["wake_at"],
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )

    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("recipient", sa.String(length=600), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", storage.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("dead_at", storage.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("progress", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("once_key", sa.String(length=255), nullable=True))
        batch.alter_column("round_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_index("ix_outbox_pending")
    _fill_outbox()
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("recipient", existing_type=sa.String(length=600), nullable=False)
        batch.alter_column(
            "next_attempt_at", existing_type=storage.types.UTCDateTime(), nullable=False
        )
        batch.alter_column("progress", existing_type=sa.JSON(), nullable=False)
        batch.create_unique_constraint(op.f("uq_outbox_once_key"), ["once_key"])
    op.create_index(
        "ix_outbox_due",
        "outbox",
        ["platform", "next_attempt_at"],
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )
    op.create_index(
        "ix_outbox_recipient",
        "outbox",
        ["recipient", "id"],
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )


def _fill_outbox() -> None:
    """Recipients for the rows already there: the channel, or the person of a reminder."""
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer()),
        sa.column("platform", sa.String()),
        sa.column("channel_id", sa.String()),
        sa.column("thread_id", sa.String()),
        sa.column("content", sa.JSON()),
        sa.column("created_at", storage.types.UTCDateTime()),
        sa.column("recipient", sa.String()),
        sa.column("next_attempt_at", storage.types.UTCDateTime()),
        sa.column("progress", sa.JSON()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            outbox.c.id,
            outbox.c.platform,
            outbox.c.channel_id,
            outbox.c.thread_id,
            outbox.c.content,
            outbox.c.created_at,
        )
    ).all()
    for row in rows:
        content = row.content or {}
        if content.get("type") == "reminder":
            recipient = f"{row.platform}:user:{content.get('user_id', '')}"
        else:
            topic = f"/{row.thread_id}" if row.thread_id else ""
            recipient = f"{row.platform}:{row.channel_id}{topic}"
        connection.execute(
            outbox.update()
            .where(outbox.c.id == row.id)
            .values(recipient=recipient, next_attempt_at=row.created_at, progress={})
        )


def downgrade() -> None:
    op.drop_index("ix_outbox_recipient", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.execute("DELETE FROM outbox WHERE round_id IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("uq_outbox_once_key"), type_="unique")
        batch.drop_column("once_key")
        batch.drop_column("progress")
        batch.drop_column("dead_at")
        batch.drop_column("claim_token")
        batch.drop_column("next_attempt_at")
        batch.drop_column("recipient")
        batch.alter_column("round_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index("ix_outbox_pending", ["platform", "sent_at"])
    op.drop_index("ix_rounds_wake", table_name="rounds")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("wake_at")
        batch.create_index("ix_rounds_due", ["status", "next_due"])
    op.create_table(
        "processed_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("seen_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_events")),
        sa.UniqueConstraint("platform", "event_id", name=op.f("uq_processed_events_platform")),
    )
    op.create_index(
        op.f("ix_processed_events_seen_at"), "processed_events", ["seen_at"], unique=False
    )
    op.drop_index("ix_inbox_done", table_name="inbox")
    op.drop_index("ix_inbox_due", table_name="inbox")
    op.drop_table("inbox")
