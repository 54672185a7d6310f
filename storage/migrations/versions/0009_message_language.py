"""Each queued message remembers the language it was decided in

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27

A round speaks its own language (``/dialoog start taal=en``), and adapters render a
message when they send it, so the outbox row keeps the language to render it in. Rows
queued before this revision have none: they are sent in the installation's language,
as they would have been.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PENDING = "sent_at IS NULL AND dead_at IS NULL"


def upgrade() -> None:
    op.add_column("outbox", sa.Column("language", sa.String(16), nullable=True))


def downgrade() -> None:
    # SQLite rebuilds the table to drop a column and does not carry partial indexes over
    op.drop_index("ix_outbox_recipient", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("language")
    op.create_index(
        "ix_outbox_due", "outbox", ["platform", "next_attempt_at"],
        sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING),
    )  # fmt: skip
    op.create_index(
        "ix_outbox_recipient", "outbox", ["recipient", "id"],
        sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING),
    )  # fmt: skip
