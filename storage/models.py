"""The tables. One row per round; answers, posted messages and the outbox hang off it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, MetaData, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UserText, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
ACTIVE = "status IN ('scheduled', 'running', 'paused')"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class RoundRow(Base):
    """A round. ``version`` guards against two processes saving the same round at once."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(255))
    thread_id: Mapped[str] = mapped_column(String(255), default="")
    card_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]]
    steps: Mapped[list[Any]]
    coordinators: Mapped[list[Any]]
    started_by: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    next_due: Mapped[datetime | None]
    remind_at: Mapped[datetime | None]
    quiet: Mapped[list[Any]] = mapped_column(default=list)
    paused_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        Index("ix_rounds_channel", "platform", "channel_id", "thread_id", "status"),
        Index("ix_rounds_due", "status", "next_due"),
        # One active round per channel, even when two people start one at the same moment.
        Index(
            "uq_rounds_one_active",
            "platform",
            "channel_id",
            "thread_id",
            unique=True,
            sqlite_where=text(ACTIVE),
            postgresql_where=text(ACTIVE),
        ),
    )


class AnswerRow(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    step_index: Mapped[int]
    user_id: Mapped[str] = mapped_column(String(255))
    user_name: Mapped[str] = mapped_column(UserText)
    message_id: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(UserText)
    private: Mapped[bool] = mapped_column(default=False)
    given_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("round_id", "message_id"),
        Index("ix_answers_message", "message_id"),
    )


class PostRow(Base):
    """Which platform message is which step, so a reply can be matched to its question."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    step_index: Mapped[int | None]
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255))

    __table_args__ = (UniqueConstraint("platform", "channel_id", "message_id"),)


class OutboxRow(Base):
    """A message the engine decided to send, kept until the platform has accepted it.

    Written in the same transaction as the round's new state, so a crash between the
    decision and the delivery loses nothing: the next delivery run sends it.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(255))
    thread_id: Mapped[str] = mapped_column(String(255), default="")
    step_index: Mapped[int | None]
    content: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(UserText)

    __table_args__ = (Index("ix_outbox_pending", "platform", "sent_at"),)


class ProcessedEvent(Base):
    """Platform deliveries already handled, so a redelivered event changes nothing."""

    __tablename__ = "processed_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(255))
    seen_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (UniqueConstraint("platform", "event_id"),)
