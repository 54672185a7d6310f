"""The shell around the engine: load a round, step it, save state and messages together.

Every event goes the same way: one transaction loads the round, the pure engine decides,
and the new state plus the messages it asked for are written before anything is sent.
Delivery is a separate pass over the outbox, so a crash between deciding and sending
loses nothing and a restart never posts a step twice. Two processes that step the same
round at once collide on the round's version; the loser reloads and tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Protocol, TypeVar

from sqlalchemy.exc import IntegrityError

from bot import engine
from bot.clock import Clock
from bot.commands import Action, ActionCommand, CommandError, StartCommand
from bot.commands import parse as parse_command
from bot.i18n import _
from bot.model import (
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    ChannelRef,
    CommandGiven,
    Event,
    Round,
    RoundSettings,
    Status,
    StepState,
    Tick,
)
from bot.outbound import Content, Reply
from bot.summary import step_label
from dialogues.cards import Card
from storage.db import Database
from storage.repository import ConcurrentUpdate, Repository

log = logging.getLogger(__name__)
T = TypeVar("T")

ROUND_LEASE = timedelta(seconds=60)
OUTBOX_LEASE = timedelta(seconds=60)
EVENT_MEMORY = timedelta(days=2)
_ATTEMPTS = 5


class Sender(Protocol):
    async def __call__(self, channel: ChannelRef, content: Content) -> str:
        """Post ``content`` and return the platform's id of the new message."""
        ...


class DialogueService:
    def __init__(
        self,
        db: Database,
        *,
        cards: Callable[[str], Card],
        clock: Clock,
        defaults: RoundSettings,
        coordinators: frozenset[str] = frozenset(),
    ) -> None:
        self.db = db
        self.cards = cards
        self.clock = clock
        self.defaults = defaults
        self.coordinators = coordinators

    async def handle(self, event: Event) -> list[Reply]:
        """Carry out one event from an adapter; returns what to tell the person at once."""
        match event:
            case CommandGiven():
                return await self.command(event)
            case AnswerGiven():
                return await self._retrying(lambda: self._answer(event))
            case AnswerEdited() | AnswerDeleted():
                return await self._retrying(lambda: self._change(event))
            case Tick():
                await self.tick()
                return []

    async def command(self, event: CommandGiven) -> list[Reply]:
        try:
            parsed = parse_command(event.text)
        except CommandError as exc:
            return [Reply(event.person, str(exc))]
        if isinstance(parsed, StartCommand):
            return await self._retrying(lambda: self._start(event, parsed))
        return await self._retrying(lambda: self._action(event, parsed))

    async def _start(self, event: CommandGiven, cmd: StartCommand) -> list[Reply]:
        try:
            return await self._start_round(event, cmd)
        except IntegrityError:
            # Someone else started a round here at the same moment; theirs stands.
            return await self._start_round(event, cmd)

    async def _start_round(self, event: CommandGiven, cmd: StartCommand) -> list[Reply]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = Repository(session)
            if await self._seen_before(repo, event):
                return []
            active = await repo.active(event.channel)
            if active is not None:
                return [
                    Reply(
                        event.person,
                        _(
                            "Hier loopt al een ronde (ronde {id}). Bekijk hem met /dialoog status "
                            "of beëindig hem eerst met /dialoog stop."
                        ).format(id=active.id),
                    )
                ]
            card_id = cmd.card_id or self.defaults.card_id
            try:
                card = self.cards(card_id)
                settings = self._settings(cmd, card_id)
                rnd = engine.new_round(
                    channel=event.channel,
                    person=event.person,
                    settings=settings,
                    card=card,
                    now=now,
                    coordinators=self.coordinators,
                )
            except KeyError as exc:
                return [Reply(event.person, str(exc.args[0]) if exc.args else str(exc))]
            except CommandError as exc:
                return [Reply(event.person, str(exc))]
            rnd = await repo.insert(rnd)
            outcome = engine.tick(rnd, now, card)
            posts = list(outcome.posts)
            assert outcome.round is not None
            if (notice := engine.scheduled_notice(outcome.round)) is not None:
                posts.append(notice)
            if outcome.round is not rnd:
                await repo.save(rnd, outcome.round)
            await repo.enqueue(rnd.id, posts, now)
        if outcome.round.status is Status.SCHEDULED:
            text = _("Ronde {id} is gepland; jij bent coördinator.")
        else:
            text = _("Ronde {id} is gestart; jij bent coördinator.")
        return [Reply(event.person, text.format(id=rnd.id) + " " + _("Commando's: /dialoog help"))]

    def _settings(self, cmd: StartCommand, card_id: str) -> RoundSettings:
        d = self.defaults
        return replace(
            d,
            card_id=card_id,
            roles=cmd.roles,
            questions=cmd.questions,
            cadence=cmd.cadence or d.cadence,
            time_of_day=cmd.time_of_day or d.time_of_day,
            timezone=cmd.timezone or d.timezone,
            weekdays=cmd.weekdays if cmd.weekdays is not None else d.weekdays,
            skip_dates=tuple(sorted({*d.skip_dates, *cmd.skip_dates})),
            anonymous=cmd.anonymous,
            begin=cmd.begin,
        )

    async def _action(self, event: CommandGiven, cmd: ActionCommand) -> list[Reply]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = Repository(session)
            if await self._seen_before(repo, event):
                return []
            rnd = await repo.active(event.channel)
            if rnd is None and cmd.action in (Action.STATUS, Action.SUMMARY):
                rnd = await repo.latest(event.channel)
            card = self.cards(rnd.settings.card_id) if rnd is not None else None
            outcome = engine.command(rnd, cmd, event.person, now, card, is_admin=event.is_admin)
            await self._persist(repo, rnd, outcome)
        return list(outcome.replies)

    async def _answer(self, event: AnswerGiven) -> list[Reply]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = Repository(session)
            if await self._seen_before(repo, event):
                return []
            if event.round_id is not None and event.step_index is not None:
                target: tuple[int, int] | None = (event.round_id, event.step_index)
            elif event.reply_to is not None:
                target = await repo.find_step(event.channel, event.reply_to)
            else:
                target = None
            if target is None:
                return []  # a reply to something that is not a question: not ours to keep
            rnd = await repo.get(target[0], message_id=event.message_id)
            if rnd is None:
                return []
            outcome = engine.answer(rnd, event, target[1], now)
            await self._persist(repo, rnd, outcome)
        return list(outcome.replies)

    async def _change(self, event: AnswerEdited | AnswerDeleted) -> list[Reply]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = Repository(session)
            if await self._seen_before(repo, event):
                return []
            round_id = await repo.find_answer(event.channel, event.message_id)
            rnd = None
            if round_id is not None:
                rnd = await repo.get(round_id, message_id=event.message_id)
            if rnd is None:
                return []
            if isinstance(event, AnswerEdited):
                outcome = engine.edit(rnd, event, now)
            else:
                outcome = engine.delete(rnd, event)
            await self._persist(repo, rnd, outcome)
        return []

    async def private_question(self, round_id: int, step_index: int) -> str | None:
        """The text of a step, for asking it privately; None if it cannot be answered now."""
        async with self.db.transaction() as session:
            rnd = await Repository(session).get(round_id, message_id="")
        if rnd is None or not 0 <= step_index < len(rnd.steps):
            return None
        if rnd.steps[step_index].state is not StepState.POSTED:
            return None
        step = rnd.steps[step_index]
        label, _role, text = step_label(self.cards(rnd.settings.card_id), step.kind, step.ref)
        return f"{label}: {text}"

    async def round_thread(self, round_id: int) -> str | None:
        """Where a platform with threads keeps the round together: under its first message."""
        async with self.db.transaction() as session:
            return await Repository(session).first_message(round_id)

    async def asked_privately(
        self, channel: ChannelRef, message_id: str, round_id: int, step_index: int
    ) -> None:
        """Remember a question asked in a private chat, so a reply to it answers that step."""
        async with self.db.transaction() as session:
            await Repository(session).add_post(channel, message_id, round_id, step_index)

    async def tick(self) -> int:
        """Advance every round with a step due; returns how many advanced."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = Repository(session)
            due = await repo.claim_due(now, ROUND_LEASE)
            await repo.forget_events(now - EVENT_MEMORY)
        advanced = 0
        for round_id in due:
            try:
                advanced += await self._retrying(partial(self._tick_one, round_id))
            except Exception:
                # One broken round must not stop the others; its lease expires and the
                # next tick tries it again.
                log.exception("round %s could not be advanced", round_id)
        return advanced

    async def _tick_one(self, round_id: int) -> int:
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = Repository(session)
            rnd = await repo.get(round_id)
            if rnd is None:
                return 0
            outcome = engine.tick(rnd, now, self.cards(rnd.settings.card_id))
            await self._persist(repo, rnd, outcome)
            return 1 if outcome.posts else 0

    async def deliver(self, platform: str, send: Sender) -> int:
        """Send what the outbox holds for ``platform``, in order per channel.

        A failure stops that channel's batch (so its messages never arrive out of order)
        and leaves the message claimed; it is tried again when the claim runs out.
        """
        now = self.clock.now()
        async with self.db.transaction() as session:
            pending = await Repository(session).claim_outbox(platform, now, OUTBOX_LEASE)
        blocked: set[ChannelRef] = set()
        sent = 0
        for message in pending:
            if message.channel in blocked:
                continue
            try:
                message_id = await send(message.channel, message.content)
            except Exception as exc:
                log.warning("delivery of outbox message %s failed: %r", message.id, exc)
                blocked.add(message.channel)
                async with self.db.transaction() as session:
                    await Repository(session).mark_failed(message, repr(exc))
                continue
            async with self.db.transaction() as session:
                await Repository(session).mark_sent(message, message_id, self.clock.now())
            sent += 1
        return sent

    async def _seen_before(
        self, repo: Repository, event: CommandGiven | AnswerGiven | AnswerEdited | AnswerDeleted
    ) -> bool:
        """True for a platform's redelivery of an event handled before.

        Recorded in the caller's transaction, so an event whose handling fails is not
        marked as handled and its redelivery is carried out.
        """
        if event.event_id is None:
            return False
        first = await repo.first_time(event.channel.platform, event.event_id, self.clock.now())
        return not first

    async def _persist(
        self, repo: Repository, before: Round | None, outcome: engine.Outcome
    ) -> None:
        after = outcome.round
        if before is not None and after is not None and after is not before:
            await repo.save(before, after)
        if outcome.posts and after is not None:
            await repo.enqueue(after.id, outcome.posts, self.clock.now())

    async def _retrying(self, work: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(_ATTEMPTS):
            try:
                return await work()
            except ConcurrentUpdate:
                if attempt == _ATTEMPTS - 1:
                    raise
                log.info("round changed underneath us; trying again")
        raise AssertionError("unreachable")
