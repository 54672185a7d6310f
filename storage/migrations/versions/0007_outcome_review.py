"""The outcome a group confirms: review state, verdicts, and the round before

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

A round may now be in review ('reviewing'): still active, so the partial index of one
active round per channel is made again with it. A finished round may wake once more for
its terugblik, so the wake-up index covers every round with a ``wake_at``. Rounds keep
their review (draft, edits, window) and a snapshot of the channel's previous round as
JSON; verdicts are rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BEFORE = "status IN ('scheduled', 'running', 'paused')"
ACTIVE = "status IN ('scheduled', 'running', 'paused', 'reviewing')"
# a finished round may wake once more, for its terugblik
WAKING = "wake_at IS NOT NULL"


def _indexes(active: str, waking: str) -> None:
    op.create_index(
        "ix_rounds_wake",
        "rounds",
        ["wake_at"],
        sqlite_where=sa.text(waking),
        postgresql_where=sa.text(waking),
    )
    op.create_index(
        "uq_rounds_one_active",
        "rounds",
        ["platform", "channel_id", "thread_id"],
        unique=True,
        sqlite_where=sa.text(active),
        postgresql_where=sa.text(active),
    )


def upgrade() -> None:
    op.drop_index("ix_rounds_wake", table_name="rounds")
    op.drop_index("uq_rounds_one_active", table_name="rounds")
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("review", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("previous", sa.JSON(), nullable=True))
    _indexes(ACTIVE, WAKING)
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", storage.types.UserText(), nullable=False),
        sa.Column("given_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_verdicts_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_verdicts_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdicts")),
    )
    op.create_index(op.f("ix_verdicts_round_id"), "verdicts", ["round_id"])
    op.create_index(op.f("ix_verdicts_person_id"), "verdicts", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_verdicts_person_id"), table_name="verdicts")
    op.drop_index(op.f("ix_verdicts_round_id"), table_name="verdicts")
    op.drop_table("verdicts")
    # a round in review goes back to what the old schema knows: finished, summary due;
    # a terugblik step is unknown to it
    op.execute("UPDATE rounds SET status = 'finished' WHERE status = 'reviewing'")
    op.execute("DELETE FROM round_steps WHERE kind = 'terugblik'")
    op.execute("UPDATE rounds SET next_due = NULL, wake_at = NULL WHERE status = 'finished'")
    op.drop_index("ix_rounds_wake", table_name="rounds")
    op.drop_index("uq_rounds_one_active", table_name="rounds")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("previous")
        batch.drop_column("review")
    _indexes(BEFORE, BEFORE)
