"""What the core needs of storage, declared by the core.

``bot/`` never imports ``storage/``: the service, the inbox and the delivery are written
against these protocols, and ``storage/`` implements them with SQLAlchemy (the
composition root in ``cli/`` plugs the one into the other). So the direction of every
import is downward, and the whole core can be read without knowing a table.

A ``Unit`` is one transaction's view of the stored state: everything read or written
through it commits together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.model import Answer, ChannelRef, InboundEvent, Person, Round, Step
from bot.outbound import Content, Post


@dataclass(frozen=True, slots=True)
class Erased:
    """What erasing one person removed (``Unit.erase_person``)."""

    rounds: int  # rounds whose outcome now says a participant's answers were removed
    answers: int
    verdicts: int
    messages: int  # messages that were waiting to go to the person, dropped
    recompose: tuple[int, ...]  # waiting outbox rows that carry those rounds' answers
    # rounds that keep something fixed of them: an outcome under review or published, or
    # (a later round) the actions of a round they answered in
    fixed: tuple[int, ...] = ()
    events: int = 0  # their events in the inbox, emptied (and closed, if still waiting)


@dataclass(frozen=True, slots=True)
class Purged:
    """What the retention removed, or (a dry run) would remove."""

    rounds: int
    answers: int
    messages: int
    persons: int


class ConcurrentUpdate(Exception):
    """Someone else changed the round (or started one in its channel) first: read again."""


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """An event kept in the inbox and claimed for working off."""

    id: int
    event: InboundEvent
    received_at: datetime
    attempts: int


@dataclass(slots=True)
class PendingMessage:
    """An outbox message claimed for delivery, with the token that proves the claim."""

    id: int
    round_id: int | None
    channel: ChannelRef
    recipient: str
    step_index: int | None
    content: Content
    attempts: int
    token: str
    created_at: datetime
    progress: dict[str, str] = field(default_factory=dict)
    # what to render it in; None: the installation's language
    language: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerTarget:
    """The step an answer is for, with the round's channel."""

    round_id: int
    channel: ChannelRef
    step_index: int
    step: Step
    # the round shows the group's answers only once a step closes (eerst-zelf)
    own_first: bool = False
    # the round's language (None: the installation's)
    language: str | None = None


class Unit(Protocol):
    """One transaction: rounds, answers, the inbox and the outbox."""

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        """A nested transaction: what fails inside it is undone alone."""
        ...

    # rounds
    async def get(self, round_id: int, *, message_id: str | None = None) -> Round | None: ...
    async def get_many(self, round_ids: Sequence[int]) -> dict[int, Round]: ...
    async def undelivered_many(self, rounds: Sequence[Round]) -> set[int]: ...
    async def active(self, channel: ChannelRef) -> Round | None: ...
    async def latest(self, channel: ChannelRef) -> Round | None: ...
    async def spoken(self, channel: ChannelRef, person: Person) -> str | None: ...
    async def reviewing_for(self, person: Person) -> Round | None: ...
    async def member_round(self, person: Person) -> Round | None: ...
    async def progress_message(self, round_id: int) -> str | None: ...
    async def question_message(self, round_id: int, step_index: int) -> str | None: ...
    async def find_direct_answer(self, platform: str, message_id: str) -> int | None: ...
    async def insert(self, rnd: Round) -> Round: ...
    async def save(self, before: Round, after: Round) -> Round: ...
    async def save_many(self, pairs: Sequence[tuple[Round, Round]]) -> None: ...
    async def save_answers(self, before: Round, after: Round) -> None: ...
    async def save_verdicts(self, before: Round, after: Round) -> None: ...
    async def save_members(self, before: Round, after: Round) -> None: ...
    async def claim_due(self, now: datetime, lease: timedelta) -> list[int]: ...
    async def release_round(self, round_id: int, until: datetime) -> None: ...

    # answers
    async def answer_target(
        self,
        channel: ChannelRef,
        *,
        reply_to: str | None = None,
        round_id: int | None = None,
        step_index: int | None = None,
    ) -> AnswerTarget | None: ...
    async def answer_targets(
        self, replies: Sequence[tuple[ChannelRef, str]]
    ) -> dict[tuple[ChannelRef, str], AnswerTarget]: ...
    async def add_answer(self, round_id: int, answer: Answer) -> bool: ...
    async def add_answers(self, answers: Sequence[tuple[int, Answer]]) -> set[tuple[int, str]]: ...
    async def find_answer(self, channel: ChannelRef, message_id: str) -> int | None: ...

    # the inbox
    async def receive(self, event: InboundEvent, now: datetime) -> int | None: ...
    async def receive_many(
        self, events: Sequence[InboundEvent], now: datetime
    ) -> list[int | None]: ...
    async def claim_inbox(
        self, now: datetime, lease: timedelta, *, ids: list[int] | None = None, limit: int = 50
    ) -> list[InboxEntry]: ...
    async def inbox_done(self, inbox_id: int, now: datetime, outcome: str) -> None: ...
    async def inbox_done_many(self, inbox_ids: Sequence[int], now: datetime) -> None: ...
    async def inbox_later(self, inbox_id: int, at: datetime, outcome: str) -> None: ...
    async def forget_events(self, before: datetime) -> None: ...

    # what was posted
    async def is_post(self, channel: ChannelRef, message_id: str) -> bool: ...
    async def first_message(self, round_id: int) -> str | None: ...
    async def add_post(
        self, channel: ChannelRef, message_id: str, round_id: int, step_index: int
    ) -> None: ...
    async def message_ids(self, channel: ChannelRef) -> list[str]: ...

    # the outbox
    async def enqueue(
        self, round_id: int | None, posts: Sequence[Post], now: datetime, *, language: str | None
    ) -> int: ...
    async def enqueue_many(
        self, posts: Sequence[tuple[int | None, Post]], now: datetime, *, language: str | None
    ) -> int: ...
    async def in_flight(self, channel: ChannelRef) -> bool: ...
    async def claim_outbox(
        self,
        platform: str,
        now: datetime,
        lease: timedelta,
        *,
        limit: int = 100,
        channel_id: str | None = None,
    ) -> list[PendingMessage]: ...
    async def record_part(
        self, message: PendingMessage, now: datetime, lease: timedelta
    ) -> bool: ...
    async def mark_sent(self, message: PendingMessage, message_id: str, now: datetime) -> bool: ...
    async def mark_failed(
        self, message: PendingMessage, error: str, *, retry_at: datetime | None, now: datetime
    ) -> bool: ...
    async def waiting(self, ids: Sequence[int]) -> list[tuple[int, int | None, Content]]: ...
    async def rewrite(self, outbox_id: int, content: Content | None) -> None: ...

    # people's own data (storage/privacy.py)
    async def personal_data(self, platform: str, user_id: str) -> dict[str, Any] | None: ...
    async def erase_person(self, platform: str, user_id: str, now: datetime) -> Erased | None: ...
    async def purge(
        self, now: datetime, *, rounds_after: timedelta, messages_after: timedelta, dry_run: bool
    ) -> Purged: ...


class Store(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Unit]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        ...
