"""Processed events: a platform's redelivery of an event is handled once

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_index(op.f("ix_processed_events_seen_at"), table_name="processed_events")
    op.drop_table("processed_events")
