"""Outbox delivery: claim, send, record; once per message, in order per recipient.

The outbox is a queue. A deliverer claims due messages with a token (at most one per
recipient per claim, so a recipient's messages go out in the order they were decided),
sends the claimed messages of different recipients concurrently, and records each
result only if its claim is still its own. A failure is retried with exponential
backoff up to a cap; a refusal no retry will cure (an archived channel, a person who
never opened a private chat with the bot) goes to the dead letters at once. Either way
the recipient's later messages move on, and the round's coordinator is told once.

What is not guaranteed: when the process dies *during* a platform call that the
platform carried out, the message is sent again after the lease runs out, because
nothing recorded that it arrived. Messages of several calls record each confirmed part,
so only the one part in flight can repeat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from bot import i18n
from bot.batching import GroupCommit
from bot.clock import Clock
from bot.i18n import _
from bot.meter import NO_METER, Meter
from bot.model import ChannelRef
from bot.outbound import (
    AnswersPost,
    Content,
    DeliveryRefused,
    DirectNotice,
    LostClaim,
    Parts,
    Post,
    ProgressPost,
    QuestionPost,
    ReminderPost,
    ReplyPost,
    SummaryPost,
)
from bot.store import PendingMessage, Store, Unit

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 12
BATCH = 100
CONCURRENCY = 16
WAVES = 20
# A question that reached its channel later than this, and later than this share of its
# answer window, gets its window counted again from its arrival.
REBASE_AFTER = timedelta(seconds=5)
REBASE_SHARE = 0.05


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … capped at 15 minutes: twelve attempts span about 47 minutes."""
    return timedelta(seconds=min(2**attempts, 900))


class Sender(Protocol):
    async def __call__(self, channel: ChannelRef, content: Content, parts: Parts) -> str:
        """Post ``content`` and return the platform's id of the (first) message."""
        ...


QuestionSent = Callable[[int, int, datetime], Awaitable[None]]


class Delivery:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        question_sent: QuestionSent | None = None,
        lease: timedelta = LEASE,
        meter: Meter = NO_METER,
    ) -> None:
        """``question_sent(round_id, step_index, at)`` lets the round count its next step
        from the moment the question actually reached the channel."""
        self.store = store
        self.clock = clock
        self.question_sent = question_sent
        self.lease = lease
        self.meter = meter
        self.limit = asyncio.Semaphore(CONCURRENCY)
        self._recording = GroupCommit(self._record)

    async def deliver(self, platform: str, send: Sender, *, channel_id: str | None = None) -> int:
        """Send what is due for ``platform`` (optionally one channel's only); returns how
        many messages were sent. Stops when nothing is claimable, or after a bounded
        number of waves so an event's caller is never kept long."""
        sent = 0
        for _wave in range(WAVES):
            async with self.store.transaction() as repo:
                batch = await repo.claim_outbox(
                    platform, self.clock.now(), self.lease, limit=BATCH, channel_id=channel_id
                )
            if not batch:
                break
            results = await asyncio.gather(*(self._bounded(m, send) for m in batch))
            sent += sum(results)
        return sent

    async def _record(self, sent: Sequence[tuple[PendingMessage, str, datetime]]) -> list[bool]:
        """Record deliveries, several in one commit when they finish together."""
        async with self.store.transaction() as repo:
            return [await repo.mark_sent(m, message_id, at) for m, message_id, at in sent]

    async def _bounded(self, message: PendingMessage, send: Sender) -> int:
        async with self.limit:
            # adapters render the message now: in the language it was decided in
            with i18n.speaking(message.language):
                return await self._send_one(message, send)

    async def _send_one(self, message: PendingMessage, send: Sender) -> int:
        parts = _PartLog(self, message)
        content = message.content
        if isinstance(content, ProgressPost) and content.edit_of is None:
            # the channel's messages go in order, so the first progress message is
            # recorded by now: edit it instead of adding another
            async with self.store.transaction() as repo:
                first = await repo.progress_message(content.round_id)
            if first is not None:
                content = content.model_copy(update={"edit_of": first})
        heartbeat = asyncio.get_running_loop().create_task(parts.keep_claim())
        platform = message.channel.platform
        where = _where(message)
        try:
            message_id = await send(message.channel, content, parts)
        except LostClaim:
            log.warning("outbox message %s: claim lost while sending", message.id, extra=where)
            return 0
        except DeliveryRefused as exc:
            log.warning("outbox message %s refused: %s", message.id, exc.reason, extra=where)
            self.meter.failed(platform, dead=True)
            await self._fail(message, exc.reason, dead=True)
            return 0
        except Exception as exc:
            dead = message.attempts >= MAX_ATTEMPTS
            log.warning(
                "outbox message %s failed (attempt %s): %r",
                message.id,
                message.attempts,
                exc,
                extra=where,
            )
            self.meter.failed(platform, dead=dead)
            await self._fail(message, repr(exc), dead=dead)
            return 0
        finally:
            heartbeat.cancel()
        now = self.clock.now()
        try:
            recorded = await self._recording.submit((message, message_id, now))
        except Exception:
            # Sent, but not recorded (the database went away): when the claim runs out
            # it is sent again, after looking for it where the platform allows.
            log.exception(
                "outbox message %s was sent but could not be recorded", message.id, extra=where
            )
            return 0
        if not recorded:
            log.warning(
                "outbox message %s was sent after its claim ran out", message.id, extra=where
            )
            return 0
        self.meter.sent(platform)
        content = message.content
        if (
            isinstance(content, QuestionPost)
            and content.user_id is None  # a private question keeps one person's pace
            and self.question_sent is not None
            and _late(content, message.created_at, now)
        ):
            try:
                await self.question_sent(content.round_id, content.step_index, now)
            except Exception:
                log.exception("round %s could not count from its delivery", content.round_id)
        return 1

    async def _fail(self, message: PendingMessage, error: str, *, dead: bool) -> None:
        now = self.clock.now()
        retry_at = None if dead else now + backoff(message.attempts)
        async with self.store.transaction() as repo:
            if not await repo.mark_failed(message, error, retry_at=retry_at, now=now):
                return
            if dead:
                notice = await _tell_coordinator(repo, message, error)
                if notice is not None:
                    await repo.enqueue(message.round_id, [notice], now, language=message.language)


def _where(message: PendingMessage) -> dict[str, object]:
    """The log record's extras for one outbox message: ids only, never its text."""
    return {
        "round_id": message.round_id,
        "platform": message.channel.platform,
        "channel": message.channel.channel_id,
    }


def _late(question: QuestionPost, decided: datetime, arrived: datetime) -> bool:
    """Late enough to matter: twenty seconds in an hour's window do not; a platform that
    held a question for half its window does."""
    delay = arrived - decided
    if delay <= REBASE_AFTER:
        return False
    if question.answer_until is None:
        return True
    return delay > (question.answer_until - decided) * REBASE_SHARE


async def _tell_coordinator(repo: Unit, message: PendingMessage, error: str) -> Post | None:
    """One private word to whoever started the round, once per round and recipient."""
    content = message.content
    if message.round_id is None or isinstance(content, ReplyPost | DirectNotice):
        return None  # a reply or a notice that failed is not worth another message
    rnd = await repo.get(message.round_id, message_id="")
    if rnd is None:
        return None
    coordinator = rnd.started_by
    if message.recipient == f"{coordinator.platform}:user:{coordinator.user_id}":
        return None  # the coordinator is the one who cannot be reached
    if isinstance(content, ReminderPost):
        text = _(
            "Ik kan {name} geen privébericht sturen, dus ook geen herinneringen in ronde "
            "{id}. In Telegram moet iemand eerst zelf een privégesprek met mij starten. "
            "De ronde gaat gewoon door."
        ).format(name=content.name, id=rnd.id)
    else:
        text = _(
            "Een bericht van ronde {id} kon niet in het kanaal worden geplaatst ({reason}). "
            "De ronde gaat door; kijk of ik nog in het kanaal zit en het kanaal nog bestaat."
        ).format(id=rnd.id, reason=error[:200])
    return Post(
        rnd.channel,
        DirectNotice(
            round_id=rnd.id,
            platform=coordinator.platform,
            user_id=coordinator.user_id,
            name=coordinator.name,
            text=text,
        ),
        once=f"dead:{rnd.id}:{message.recipient}"[:255],
    )


class _PartLog:
    """The ``Parts`` an adapter sends a message of several calls through."""

    def __init__(self, delivery: Delivery, message: PendingMessage) -> None:
        self.delivery = delivery
        self.message = message
        self.key = str(message.id)
        self.retry = message.attempts > 1 or bool(message.progress)
        self.lost = False

    async def part(self, key: str, call: Callable[[], Awaitable[str]]) -> str:
        done = self.message.progress.get(key)
        if done is not None:
            return done
        if self.lost:
            raise LostClaim(self.message.id)
        result = await call()
        self.message.progress[key] = result
        if not await self._record():
            raise LostClaim(self.message.id)
        return result

    async def keep_claim(self) -> None:
        """Renew the claim while a send takes long (Retry-After waits, a large upload),
        so no other deliverer takes the message over while it is still being sent."""
        every = self.delivery.lease.total_seconds() / 3
        while not self.lost:
            await asyncio.sleep(every)
            try:
                self.lost = not await self._record()
            except Exception:
                log.warning("could not renew the claim on outbox message %s", self.message.id)

    async def _record(self) -> bool:
        async with self.delivery.store.transaction() as repo:
            return await repo.record_part(
                self.message, self.delivery.clock.now(), self.delivery.lease
            )


async def resolve(repo: Unit, posts: list[Post]) -> list[Post]:
    """Resolve what a message needs when it is queued, not while it is sent: a summary's
    thread is the round's first message, known by now."""
    resolved = []
    for post in posts:
        if isinstance(post.content, SummaryPost) and post.content.thread is None:
            thread = await repo.first_message(post.content.round_id)
            post = replace(post, content=post.content.model_copy(update={"thread": thread}))
        elif isinstance(post.content, AnswersPost) and post.content.thread is None:
            content = post.content
            thread = await repo.question_message(content.round_id, content.step_index)
            post = replace(post, content=content.model_copy(update={"thread": thread}))
        resolved.append(post)
    return resolved
