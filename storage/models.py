"""The tables. A round is a row with its steps and participants beside it; answers and
participations point to one person each; the inbox and the outbox are queues."""

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
ACTIVE = "status IN ('scheduled', 'running', 'paused', 'reviewing')"
WAKING = "wake_at IS NOT NULL"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class PersonRow(Base):
    """One person on one platform, referenced by everything that concerns them.

    Answers and participations point here, so all of one person's data can be found (and
    erased) in one place, and a changed display name changes everywhere.
    """

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(UserText)
    first_seen: Mapped[datetime]

    __table_args__ = (UniqueConstraint("platform", "user_id"),)


class RoundRow(Base):
    """A round. ``version`` guards against two processes changing the round at once; its
    steps and the people in it are rows of their own (``round_steps``, ``participants``)."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(255))
    thread_id: Mapped[str] = mapped_column(String(255), default="")
    card_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    next_due: Mapped[datetime | None]
    remind_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    # min(next_due, remind_at): one indexed column for the scheduler's claim, because an
    # ``OR`` over two columns cannot use an index (a tick over 10,000 rounds took 39 s).
    wake_at: Mapped[datetime | None]
    # the outcome on its way from draft to confirmed (bot.model.Review), and what this
    # round keeps of the channel's round before it (bot.model.Previous)
    review: Mapped[dict[str, Any] | None]
    previous: Mapped[dict[str, Any] | None]
    # how many participants' answers were erased at their request (storage/privacy.py)
    erased: Mapped[int] = mapped_column(default=0, server_default="0")
    # when an ended round is deleted: its end plus the retention its welcome promised
    keep_until: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        Index("ix_rounds_channel", "platform", "channel_id", "thread_id", "status"),
        Index("ix_rounds_keep_until", "keep_until"),
        # every round that wants waking: active ones, and finished ones with a terugblik
        Index(
            "ix_rounds_wake",
            "wake_at",
            sqlite_where=text(WAKING),
            postgresql_where=text(WAKING),
        ),
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


class RoundStepRow(Base):
    """One step of a round: the card item it asks, and whether it was posted or skipped."""

    __tablename__ = "round_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    posted_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("round_id", "position"),)


class ParticipantRow(Base):
    """A person in a round: who started it, who coordinates, who takes part.

    ``quiet`` is their own choice of no reminders. ``progress``, ``next_due`` and
    ``remind_at`` are where a participant's own pace lives in rounds where each goes
    through the card alone (network rounds).
    """

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    quiet: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime]
    progress: Mapped[int | None]
    next_due: Mapped[datetime | None]
    remind_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("round_id", "person_id"),
        Index("ix_participants_person", "person_id"),
    )


class AnswerRow(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    step_index: Mapped[int]
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(UserText)
    private: Mapped[bool] = mapped_column(default=False)
    given_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("round_id", "message_id"),
        Index("ix_answers_message", "message_id"),
        Index("ix_answers_person", "person_id"),
    )


class VerdictRow(Base):
    """A participant's word on the outcome put to the group: a fact, like an answer."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(UserText)
    given_at: Mapped[datetime]


class PostRow(Base):
    """Which platform message is which step, so a reply can be matched to its question.

    Message ids are unique per platform *and* chat (Telegram numbers messages per chat).
    """

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    step_index: Mapped[int | None]
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255))

    __table_args__ = (UniqueConstraint("platform", "channel_id", "message_id"),)


PENDING = "sent_at IS NULL AND dead_at IS NULL"


class OutboxRow(Base):
    """A message the engine decided to send, kept until the platform has accepted it.

    Written in the same transaction as the round's new state, so a crash between the
    decision and the delivery loses nothing. It is a queue, not a list: a deliverer claims
    a row with a fresh ``claim_token`` that every later write checks, so a deliverer whose
    lease ran out can never mark as sent what another one is sending. ``recipient`` is what
    order is kept for (a channel, or one person for a direct message); ``progress`` holds
    the platform ids of the parts already sent, so a message that takes several platform
    calls (a summary in three parts and a file) resumes after the last confirmed part
    instead of starting over. ``dead_at`` is the dead-letter state: refused for good, or
    out of attempts; it never holds back the recipient's later messages.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(255))
    thread_id: Mapped[str] = mapped_column(String(255), default="")
    recipient: Mapped[str] = mapped_column(String(600))
    step_index: Mapped[int | None]
    content: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(36))
    sent_at: Mapped[datetime | None]
    dead_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(255))
    progress: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(UserText)
    # Set for messages that must exist at most once (a coordinator told of a failure).
    once_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    # the language to render it in (a round's own); None: the installation's
    language: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        Index(
            "ix_outbox_due",
            "platform",
            "next_attempt_at",
            sqlite_where=text(PENDING),
            postgresql_where=text(PENDING),
        ),
        Index(
            "ix_outbox_recipient",
            "recipient",
            "id",
            sqlite_where=text(PENDING),
            postgresql_where=text(PENDING),
        ),
    )


class InboxRow(Base):
    """An event a platform delivered, written before the platform is told we have it.

    Acknowledging only after this row is committed is what makes an acknowledged answer
    durable: a crash or a failure while handling it afterwards leaves the row to be worked
    off again, instead of an acknowledged event that nobody will ever redeliver. The
    platform's delivery id is unique, so a redelivery finds the row and changes nothing.
    """

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(UserText)

    __table_args__ = (
        UniqueConstraint("platform", "event_id"),
        Index(
            "ix_inbox_due",
            "next_attempt_at",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
        Index("ix_inbox_done", "done_at"),
    )
