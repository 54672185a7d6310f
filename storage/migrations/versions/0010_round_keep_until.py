"""Each ended round knows until when it is kept: what its welcome promised

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27

The welcome of a round says how long its answers are kept after it ends (the
installation's retention when it started, stored in its settings). ``keep_until`` is that
moment, so the purge keeps the promise even when the installation's setting is raised
later, and can find what is due with an index. Rounds that ended before this revision
get it from their settings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('scheduled', 'running', 'paused', 'reviewing')"
WAKING = "wake_at IS NOT NULL"


def upgrade() -> None:
    op.add_column("rounds", sa.Column("keep_until", UTCDateTime(), nullable=True))
    op.create_index("ix_rounds_keep_until", "rounds", ["keep_until"])
    rounds = sa.table(
        "rounds", sa.column("id", sa.Integer()), sa.column("status", sa.String()),
        sa.column("settings", sa.JSON()), sa.column("created_at", UTCDateTime()),
        sa.column("finished_at", UTCDateTime()), sa.column("keep_until", UTCDateTime()),
    )  # fmt: skip
    connection = op.get_bind()
    ended = connection.execute(
        sa.select(rounds.c.id, rounds.c.settings, rounds.c.created_at, rounds.c.finished_at)
        .where(rounds.c.status.in_(["finished", "cancelled"]))
    ).all()  # fmt: skip
    for row_id, settings, created_at, finished_at in ended:
        end: datetime = finished_at or created_at
        days = int((settings or {}).get("retention_days", 365))
        connection.execute(
            sa.update(rounds)
            .where(rounds.c.id == row_id)
            .values(keep_until=end + timedelta(days=days))
        )


def downgrade() -> None:
    # SQLite rebuilds the table to drop a column and does not carry partial indexes over
    op.drop_index("ix_rounds_keep_until", table_name="rounds")
    op.drop_index("ix_rounds_wake", table_name="rounds")
    op.drop_index("uq_rounds_one_active", table_name="rounds")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("keep_until")
    op.create_index(
        "ix_rounds_wake", "rounds", ["wake_at"],
        sqlite_where=sa.text(WAKING), postgresql_where=sa.text(WAKING),
    )  # fmt: skip
    op.create_index(
        "uq_rounds_one_active", "rounds", ["platform", "channel_id", "thread_id"], unique=True,
        sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE),
    )  # fmt: skip
