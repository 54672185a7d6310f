"""Reading and writing rounds, answers and the outbox, in the engine's own types.

The service works with ``Round`` values; this module is the only place that knows how
they are laid out in tables. Every method runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.model import (
    Answer,
    Cadence,
    ChannelRef,
    Person,
    Round,
    RoundSettings,
    Status,
    Step,
    StepKind,
    StepState,
)
from bot.outbound import CONTENT, Content, Post, QuestionPost
from storage.models import AnswerRow, OutboxRow, PostRow, ProcessedEvent, RoundRow


class ConcurrentUpdate(Exception):
    """Someone else saved the round first; load it again and redo the step."""


@dataclass(frozen=True, slots=True)
class PendingMessage:
    """An outbox row claimed for delivery."""

    id: int
    round_id: int
    channel: ChannelRef
    step_index: int | None
    content: Content
    attempts: int


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- rounds -------------------------------------------------------------------------

    async def get(self, round_id: int, *, message_id: str | None = None) -> Round | None:
        """The round with all its answers, or with only the answer given as ``message_id``.

        An answer, edit or deletion concerns one message, and ``save`` writes only the
        answers that differ, so loading just that message keeps an answer's cost flat
        however many answers the round already holds.
        """
        row = await self.session.get(RoundRow, round_id, populate_existing=True)
        return None if row is None else await self._load(row, message_id)

    async def active(self, channel: ChannelRef) -> Round | None:
        active = [s.value for s in Status if s.active]
        return await self._first(channel, RoundRow.status.in_(active))

    async def latest(self, channel: ChannelRef) -> Round | None:
        return await self._first(channel, None)

    async def _first(self, channel: ChannelRef, condition: Any) -> Round | None:
        query = select(RoundRow).where(
            RoundRow.platform == channel.platform,
            RoundRow.channel_id == channel.channel_id,
            RoundRow.thread_id == (channel.thread_id or ""),
        )
        if condition is not None:
            query = query.where(condition)
        query = query.order_by(RoundRow.id.desc()).limit(1)
        query = query.execution_options(populate_existing=True)
        row = (await self.session.scalars(query)).first()
        return None if row is None else await self._load(row)

    async def all(self) -> list[RoundRow]:
        return list(await self.session.scalars(select(RoundRow).order_by(RoundRow.id)))

    async def insert(self, rnd: Round) -> Round:
        row = RoundRow(**_round_columns(rnd), version=1)
        self.session.add(row)
        await self.session.flush()
        return rnd.evolve(id=row.id, version=row.version)

    async def save(self, before: Round, after: Round) -> Round:
        """Write ``after`` over ``before``; fails if the stored round is not ``before``."""
        result = await self.session.execute(
            update(RoundRow)
            .where(RoundRow.id == before.id, RoundRow.version == before.version)
            .values(**_round_columns(after), version=before.version + 1, lease_until=None)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(before.id)
        await self._save_answers(before, after)
        return after.evolve(version=before.version + 1)

    async def _save_answers(self, before: Round, after: Round) -> None:
        old = {a.message_id: a for a in before.answers}
        new = {a.message_id: a for a in after.answers}
        gone = [m for m in old if m not in new]
        if gone:
            await self.session.execute(
                delete(AnswerRow).where(
                    AnswerRow.round_id == after.id, AnswerRow.message_id.in_(gone)
                )
            )
        for message_id, answer in new.items():
            if message_id not in old:
                self.session.add(_answer_row(after.id, answer))
            elif old[message_id] != answer:
                await self.session.execute(
                    update(AnswerRow)
                    .where(AnswerRow.round_id == after.id, AnswerRow.message_id == message_id)
                    .values(text=answer.text, edited_at=answer.edited_at)
                )

    async def claim_due(self, now: datetime, lease: timedelta) -> list[int]:
        """Take the rounds that have a step due, in one atomic statement.

        Only one process gets a given round until the lease runs out or the round is saved;
        SQLite ignores SELECT … FOR UPDATE, so the claim is an UPDATE … RETURNING.
        """
        result = await self.session.execute(
            update(RoundRow)
            .where(
                RoundRow.status.in_([Status.SCHEDULED.value, Status.RUNNING.value]),
                or_(RoundRow.next_due <= now, RoundRow.remind_at <= now),
                or_(RoundRow.lease_until.is_(None), RoundRow.lease_until < now),
            )
            .values(lease_until=now + lease)
            .returning(RoundRow.id)
        )
        return sorted(result.scalars().all())

    async def _load(self, row: RoundRow, message_id: str | None = None) -> Round:
        query = select(AnswerRow).where(AnswerRow.round_id == row.id)
        if message_id is not None:
            query = query.where(AnswerRow.message_id == message_id)
        answers = await self.session.scalars(query.order_by(AnswerRow.id))
        return _round(row, tuple(_answer(row.platform, a) for a in answers))

    # --- deliveries ---------------------------------------------------------------------

    async def first_time(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record a delivery; False if it was recorded before (a platform's retry)."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(ProcessedEvent)
            .values(platform=platform, event_id=event_id, seen_at=now)
            .on_conflict_do_nothing(index_elements=["platform", "event_id"])
            .returning(ProcessedEvent.id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def forget_events(self, before: datetime) -> None:
        """Platforms retry within minutes; older records only take space."""
        await self.session.execute(delete(ProcessedEvent).where(ProcessedEvent.seen_at < before))

    # --- messages -----------------------------------------------------------------------

    async def find_step(self, channel: ChannelRef, message_id: str) -> tuple[int, int] | None:
        """(round id, step index) of the question posted as ``message_id``."""
        row = (
            await self.session.execute(
                select(PostRow.round_id, PostRow.step_index).where(
                    PostRow.platform == channel.platform,
                    PostRow.channel_id == channel.channel_id,
                    PostRow.message_id == message_id,
                    PostRow.step_index.is_not(None),
                )
            )
        ).first()
        return None if row is None or row[1] is None else (row[0], row[1])

    async def find_answer(self, channel: ChannelRef, message_id: str) -> int | None:
        """The round that holds the answer given as ``message_id`` in this channel."""
        return (
            await self.session.scalars(
                select(AnswerRow.round_id)
                .join(RoundRow, RoundRow.id == AnswerRow.round_id)
                .where(
                    RoundRow.platform == channel.platform,
                    RoundRow.channel_id == channel.channel_id,
                    AnswerRow.message_id == message_id,
                )
                .limit(1)
            )
        ).first()

    async def enqueue(self, round_id: int, posts: Sequence[Post], now: datetime) -> None:
        for post in posts:
            self.session.add(
                OutboxRow(
                    round_id=round_id,
                    platform=post.channel.platform,
                    channel_id=post.channel.channel_id,
                    thread_id=post.channel.thread_id or "",
                    # only a question's message is something people answer by replying to
                    step_index=(
                        post.content.step_index if isinstance(post.content, QuestionPost) else None
                    ),
                    content=post.content.model_dump(mode="json"),
                    created_at=now,
                )
            )

    async def claim_outbox(
        self, platform: str, now: datetime, lease: timedelta, limit: int = 50
    ) -> list[PendingMessage]:
        """Take unsent messages for delivery, oldest first, atomically.

        A message waits while an earlier one to the same channel is still claimed (being
        sent, or failed and waiting for a retry): channels see messages in order.
        """
        earlier = aliased(OutboxRow)
        held_back = (
            select(earlier.id)
            .where(
                earlier.platform == OutboxRow.platform,
                earlier.channel_id == OutboxRow.channel_id,
                earlier.thread_id == OutboxRow.thread_id,
                earlier.sent_at.is_(None),
                earlier.id < OutboxRow.id,
                earlier.claimed_until >= now,
            )
            .exists()
        )
        pending = (
            select(OutboxRow.id)
            .where(
                OutboxRow.platform == platform,
                OutboxRow.sent_at.is_(None),
                or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
                ~held_back,
            )
            .order_by(OutboxRow.id)
            .limit(limit)
            .scalar_subquery()
        )
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(pending))
            .values(claimed_until=now + lease, attempts=OutboxRow.attempts + 1)
            .returning(
                OutboxRow.id,
                OutboxRow.round_id,
                OutboxRow.channel_id,
                OutboxRow.thread_id,
                OutboxRow.step_index,
                OutboxRow.content,
                OutboxRow.attempts,
            )
        )
        rows = sorted(result.all(), key=lambda r: r.id)
        return [
            PendingMessage(
                id=r.id,
                round_id=r.round_id,
                channel=ChannelRef(platform, r.channel_id, r.thread_id or None),
                step_index=r.step_index,
                content=CONTENT.validate_python(r.content),
                attempts=r.attempts,
            )
            for r in rows
        ]

    async def mark_sent(self, message: PendingMessage, message_id: str, now: datetime) -> None:
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id)
            .values(sent_at=now, message_id=message_id, last_error=None)
        )
        self.session.add(
            PostRow(
                round_id=message.round_id,
                step_index=message.step_index,
                platform=message.channel.platform,
                channel_id=message.channel.channel_id,
                message_id=message_id,
            )
        )

    async def first_message(self, round_id: int) -> str | None:
        """The platform id of the round's first message (its welcome): the round's thread."""
        return (
            await self.session.scalars(
                select(PostRow.message_id)
                .where(PostRow.round_id == round_id)
                .order_by(PostRow.id)
                .limit(1)
            )
        ).first()

    async def add_post(
        self, channel: ChannelRef, message_id: str, round_id: int, step_index: int
    ) -> None:
        self.session.add(
            PostRow(
                round_id=round_id,
                step_index=step_index,
                platform=channel.platform,
                channel_id=channel.channel_id,
                message_id=message_id,
            )
        )

    async def mark_failed(self, message: PendingMessage, error: str) -> None:
        await self.session.execute(
            update(OutboxRow).where(OutboxRow.id == message.id).values(last_error=error[:2000])
        )


# --- mapping ----------------------------------------------------------------------------


def _round_columns(rnd: Round) -> dict[str, Any]:
    s = rnd.settings
    return {
        "platform": rnd.channel.platform,
        "channel_id": rnd.channel.channel_id,
        "thread_id": rnd.channel.thread_id or "",
        "card_id": s.card_id,
        "status": rnd.status.value,
        "settings": {
            "roles": list(s.roles),
            "questions": list(s.questions),
            "cadence": str(s.cadence),
            "time_of_day": s.time_of_day.strftime("%H:%M"),
            "timezone": s.timezone,
            "weekdays": sorted(s.weekdays),
            "skip_dates": [d.isoformat() for d in s.skip_dates],
            "anonymous": s.anonymous,
            "begin": s.begin.isoformat() if s.begin else None,
        },
        "steps": [
            {
                "kind": st.kind.value,
                "ref": st.ref,
                "state": st.state.value,
                "posted_at": st.posted_at.isoformat() if st.posted_at else None,
            }
            for st in rnd.steps
        ],
        "coordinators": sorted(rnd.coordinators),
        "started_by": {
            "platform": rnd.started_by.platform,
            "user_id": rnd.started_by.user_id,
            "name": rnd.started_by.name,
        },
        "created_at": rnd.created_at,
        "next_due": rnd.next_due,
        "remind_at": rnd.remind_at,
        "quiet": sorted(rnd.quiet),
        "paused_at": rnd.paused_at,
        "finished_at": rnd.finished_at,
    }


def _round(row: RoundRow, answers: tuple[Answer, ...]) -> Round:
    s = row.settings
    settings = RoundSettings(
        card_id=row.card_id,
        roles=tuple(s["roles"]),
        questions=tuple(s["questions"]),
        cadence=Cadence.parse(s["cadence"]),
        time_of_day=time.fromisoformat(s["time_of_day"]),
        timezone=s["timezone"],
        weekdays=frozenset(s["weekdays"]),
        skip_dates=tuple(date.fromisoformat(d) for d in s["skip_dates"]),
        anonymous=s["anonymous"],
        begin=date.fromisoformat(s["begin"]) if s["begin"] else None,
    )
    steps = tuple(
        Step(
            kind=StepKind(st["kind"]),
            ref=st["ref"],
            state=StepState(st["state"]),
            posted_at=datetime.fromisoformat(st["posted_at"]) if st["posted_at"] else None,
        )
        for st in row.steps
    )
    return Round(
        id=row.id,
        channel=ChannelRef(row.platform, row.channel_id, row.thread_id or None),
        settings=settings,
        status=Status(row.status),
        steps=steps,
        coordinators=frozenset(row.coordinators),
        created_at=row.created_at,
        started_by=Person(**row.started_by),
        next_due=row.next_due,
        remind_at=row.remind_at,
        quiet=frozenset(row.quiet),
        paused_at=row.paused_at,
        finished_at=row.finished_at,
        answers=answers,
        version=row.version,
    )


def _answer_row(round_id: int, answer: Answer) -> AnswerRow:
    return AnswerRow(
        round_id=round_id,
        step_index=answer.step_index,
        user_id=answer.person.user_id,
        user_name=answer.person.name,
        message_id=answer.message_id,
        text=answer.text,
        private=answer.private,
        given_at=answer.given_at,
        edited_at=answer.edited_at,
    )


def _answer(platform: str, row: AnswerRow) -> Answer:
    return Answer(
        step_index=row.step_index,
        person=Person(platform, row.user_id, row.user_name),
        message_id=row.message_id,
        text=row.text,
        given_at=row.given_at,
        private=row.private,
        edited_at=row.edited_at,
    )
