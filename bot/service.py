"""The shell around the engine, and the one object adapters talk to.

It is three parts, each small enough to read alone: the inbox (``bot.inbox``) keeps and
works off events, the clockwork (``bot.clockwork``) steps due rounds, and the delivery
(``bot.delivery``) empties the outbox. This module holds what an event does (commands,
answers, edits) and the few questions adapters ask; storage is reached only through
``bot.store``'s protocols.

An event from a platform takes two steps. ``receive`` writes it to the inbox, and the
adapter acknowledges the platform only after that: an acknowledged event is durable.
``process`` then works it off in one transaction that loads what the event concerns,
lets the pure engine decide, and writes the effects, the messages to send (the outbox)
and the inbox row's completion together. A failure leaves the inbox row to be tried
again by the scheduler; nothing acknowledged is dropped.

Answers are facts: storing one inserts a row and never competes for the round's version,
so any number of people can answer at the same moment. Commands and the clock change
the round itself; two processes doing that at once collide on its version and the loser
tries again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from babel import Locale

from bot import engine, i18n, network, personal
from bot.clock import Clock
from bot.clockwork import Clockwork
from bot.commands import CONFIRM, VERBS, Action, ActionCommand, StartCommand
from bot.commands import parse as parse_command
from bot.delivery import Delivery, Sender, resolve
from bot.i18n import _
from bot.inbox import Inbox, NotYet
from bot.meter import NO_METER, Meter
from bot.model import (
    Answer,
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    Cadence,
    ChannelRef,
    CommandGiven,
    Event,
    InboundEvent,
    Person,
    ReviewPhase,
    Round,
    RoundSettings,
    Status,
    StepState,
    Tick,
)
from bot.outbound import Post, Reply, reply_posts
from bot.review import status_phrase
from bot.store import AnswerTarget, Erased, InboxEntry, Purged, Store, Unit
from bot.summary import Summary, compile_summary, previous_of, step_label
from bot.texts import card_list, status_line
from bot.values import REVIEW_OFF, CommandError
from dialogues.cards import Card, load_builtin_cards

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
_OUTCOME_ACTIONS = frozenset({Action.OUTCOME, Action.PROPOSE, Action.PUBLISH, Action.VERDICT})
_MEMBER_ACTIONS = frozenset({Action.CONTINUE, Action.SKIP, Action.STATUS})
# said alone in a network round's private conversation, these are what they say
_PLAIN_WORDS = frozenset({"overslaan", "skip", "verder", "continue"})
# How long a reply may wait for the post it refers to while that post is being sent.
MATCH_GRACE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Effects:
    """What working off one event asks to save besides its own facts."""

    round_id: int | None
    posts: list[Post]
    # the language the posts were decided in, where a round chose it; else the language
    # of the conversation the event came from
    language: str | None = None


class DialogueService:
    def __init__(
        self,
        store: Store,
        *,
        cards: Callable[[str], Card],
        clock: Clock,
        defaults: RoundSettings,
        coordinators: frozenset[str] = frozenset(),
        lease: timedelta = LEASE,
        meter: Meter = NO_METER,
        offered: Callable[[], Sequence[Card]] = lambda: list(load_builtin_cards().values()),
    ) -> None:
        """``cards`` finds a round's card by id; ``offered`` lists the cards a
        coordinator can start (``/dialoog kaarten``), the built-in ones unless told.
        ``lease`` is how long a claim on a round, an event or a message holds before
        another process may take it over: how soon work a crashed process held is
        picked up again. ``meter`` hears of kept events, ticks and deliveries."""
        self.store = store
        self.meter = meter
        self.cards = cards
        self.offered = offered
        self.clock = clock
        self.defaults = defaults
        self.coordinators = coordinators
        self.lease = lease
        self.clockwork = Clockwork(
            store, clock, cards, lease, retention=timedelta(days=defaults.retention_days)
        )
        self.delivery = Delivery(
            store, clock, question_sent=self.clockwork.question_sent, lease=lease, meter=meter
        )
        self.inbox = Inbox(store, clock, self._apply, lease, apply_many=self._answers)

    # --- events in --------------------------------------------------------------------------

    async def receive(self, event: InboundEvent) -> int | None:
        """Keep an event before it is acknowledged; None if it was kept before.

        Raises when the database cannot keep it: the adapter must then not acknowledge,
        so the platform delivers the event again.
        """
        started = time.perf_counter()
        kept = await self.inbox.receive(event)
        self.meter.kept(event.channel.platform, time.perf_counter() - started)
        return kept

    async def process(self, *inbox_ids: int) -> int:
        """Work off received events; returns how many messages they queued."""
        return await self.inbox.process(list(inbox_ids))

    async def handle(self, event: Event) -> int:
        """Receive and process in one go, for callers that acknowledge nothing."""
        if isinstance(event, Tick):
            await self.tick()
            return 0
        inbox_id = await self.receive(event)
        return 0 if inbox_id is None else await self.process(inbox_id)

    async def work_inbox(self) -> int:
        """Work off events left over: failed before, waiting for their question, or
        received by a process that died before it could process them."""
        return await self.inbox.process()

    async def _apply(
        self, repo: Unit, entry: InboxEntry, event: InboundEvent, now: datetime
    ) -> int:
        # What is said before a round is found (a command's mistakes, a message that
        # answers nothing) is said in the language of the round this conversation is about.
        spoken = None if event.person is None else await repo.spoken(event.channel, event.person)
        with i18n.speaking(spoken):
            match event:
                case CommandGiven():
                    effects = await self._command(repo, event, now)
                case AnswerGiven():
                    effects = await self._answer(repo, event, entry, now)
                case AnswerEdited() | AnswerDeleted():
                    effects = await self._change(repo, event, now)
        language = effects.language or spoken
        return await repo.enqueue(effects.round_id, effects.posts, now, language=language)

    # --- commands -----------------------------------------------------------------------

    async def _command(self, repo: Unit, event: CommandGiven, now: datetime) -> Effects:
        try:
            parsed = parse_command(event.text, now=now, timezone=self.defaults.timezone)
        except CommandError as exc:
            return _replies(event, None, [Reply(event.person, str(exc))])
        if isinstance(parsed, StartCommand):
            return await self._start(repo, event, parsed, now)
        if parsed.action is Action.MY_DATA:
            return await self._my_data(repo, event)
        if parsed.action is Action.FORGET_ME:
            return await self._forget_me(repo, event, parsed.argument == CONFIRM, now)
        if parsed.action is Action.CARDS:
            # about what is on offer, not about a round: the engine knows one card only
            text = card_list(self.offered(), self.defaults.card_id)
            return _replies(event, None, [Reply(event.person, text)])
        return await self._action(repo, event, parsed, now)

    # --- people's own data ------------------------------------------------------------------

    async def _my_data(self, repo: Unit, event: CommandGiven) -> Effects:
        data = await repo.personal_data(event.person.platform, event.person.user_id)
        if data is None:
            return _replies(event, None, [Reply(event.person, personal.nothing_kept())])
        said = reply_posts(event, None, [Reply(event.person, personal.export_sent())])
        notice = Post(event.channel, personal.export_notice(event.person, data))
        return Effects(None, [*said, notice])

    async def _forget_me(
        self, repo: Unit, event: CommandGiven, confirmed: bool, now: datetime
    ) -> Effects:
        person = event.person
        if not confirmed:
            data = await repo.personal_data(person.platform, person.user_id)
            text = personal.nothing_kept() if data is None else personal.erase_prompt(data)
            return _replies(event, None, [Reply(person, text)])
        erased = await self._erase(repo, person.platform, person.user_id, now)
        text = personal.nothing_kept() if erased is None else personal.erased_text(erased)
        return _replies(event, None, [Reply(person, text)])

    async def _erase(self, repo: Unit, platform: str, user_id: str, now: datetime) -> Erased | None:
        """Erase the person, and compose again what was waiting to show their answers."""
        kept = await repo.personal_data(platform, user_id)
        erased = await repo.erase_person(platform, user_id, now)
        if erased is None or kept is None:
            return erased
        traces = personal.Traces(
            kept["person"]["name"], [a["text"] for r in kept["rounds"] for a in r["answers"]]
        )
        for fixed in (await repo.get_many(erased.fixed)).values():
            scrubbed = personal.scrub_round(fixed, traces)
            if scrubbed != fixed:
                await repo.save(fixed, scrubbed)
        for outbox_id, round_id, content in await repo.waiting(erased.recompose):
            rnd = await repo.get(round_id) if round_id is not None else None
            if rnd is not None:
                card = self.cards(rnd.settings.card_id)
                with i18n.speaking(rnd.settings.language):
                    recomposed = personal.recompose(content, rnd, card, now)
                await repo.rewrite(outbox_id, recomposed)
        log.info("erased a person at their request", extra={"platform": platform})
        return erased

    async def personal_data(self, platform: str, user_id: str) -> dict[str, Any] | None:
        """Everything kept about one person (``dialoogbot person export``)."""
        async with self.store.transaction() as repo:
            return await repo.personal_data(platform, user_id)

    async def erase_person(self, platform: str, user_id: str) -> Erased | None:
        """Erase one person (``dialoogbot person erase``), as ``vergeetmij zeker`` does."""
        async with self.store.transaction() as repo:
            return await self._erase(repo, platform, user_id, self.clock.now())

    async def purge(self, *, dry_run: bool = False) -> Purged:
        """Delete what the retention says has been kept long enough (``dialoogbot purge``)."""
        return await self.clockwork.purge(dry_run=dry_run)

    # --- starting a round --------------------------------------------------------------------

    async def _start(
        self, repo: Unit, event: CommandGiven, cmd: StartCommand, now: datetime
    ) -> Effects:
        active = await repo.active(event.channel)
        if active is not None:
            text = _(
                "Hier loopt al een ronde (ronde {id}). Bekijk hem met /dialoog status "
                "of beëindig hem eerst met /dialoog stop."
            ).format(id=active.id)
            return _replies(event, active.id, [Reply(event.person, text)])
        card_id = cmd.card_id or self.defaults.card_id
        try:
            card = self.cards(card_id)
        except KeyError:
            ids = ", ".join(sorted(c.id for c in self.offered()))
            text = _("Kaart ‘{card}’ bestaat niet; beschikbaar: {ids}.").format(
                card=card_id, ids=ids
            )
            text += " " + _("Welke kaarten er zijn: /dialoog kaarten")
            return _replies(event, None, [Reply(event.person, text)])
        # a card named without a language sets it; else the installation's (not the one
        # spoken here now: that may be another round's of the person starting this one)
        language = cmd.language or (card.language if cmd.card_id else None)
        language = language or self.defaults.language or i18n.installed()
        card = self._rendering(card, language)
        with i18n.speaking(language):
            effects = await self._open(repo, event, cmd, card, language, now)
        return replace(effects, language=language)

    def _rendering(self, card: Card, language: str) -> Card:
        """The card in ``language``: itself, its source, or another translation of it;
        the card as it is when there is none."""
        if card.language == language:
            return card
        source = card.translation_of or card.id
        for offered in self.offered():
            if offered.language == language and source in (offered.id, offered.translation_of):
                return offered
        return card

    async def _open(
        self,
        repo: Unit,
        event: CommandGiven,
        cmd: StartCommand,
        card: Card,
        language: str,
        now: datetime,
    ) -> Effects:
        try:
            before = await repo.latest(event.channel)
            previous = None
            if before is not None and before.settings.card_id == card.id and before.answers:
                previous = previous_of(card, before, now)
            rnd = engine.new_round(
                previous=previous,
                channel=event.channel,
                person=event.person,
                settings=self._settings(cmd, card.id, language),
                card=card,
                now=now,
                coordinators=self.coordinators,
            )
        except KeyError as exc:
            text = str(exc.args[0]) if exc.args else str(exc)
            return _replies(event, None, [Reply(event.person, text)])
        except CommandError as exc:
            return _replies(event, None, [Reply(event.person, str(exc))])
        rnd = await repo.insert(rnd)
        outcome = engine.tick(rnd, now, card)
        assert outcome.round is not None
        posts = list(outcome.posts)
        if (notice := engine.scheduled_notice(outcome.round)) is not None:
            posts.append(notice)
        if outcome.round is not rnd:
            await repo.save(rnd, outcome.round)
        if outcome.round.status is Status.SCHEDULED:
            text = _("Ronde {id} is gepland; jij bent coördinator.")
        else:
            text = _("Ronde {id} is gestart; jij bent coördinator.")
        text = text.format(id=rnd.id)
        if card.language != language:
            text += " " + _("De vragen van ‘{card}’ zijn er alleen in het {language}.").format(
                card=card.id, language=Locale(card.language).get_display_name(language)
            )
        reply = Reply(event.person, text + " " + _("Commando's: /dialoog help"))
        return Effects(rnd.id, [*reply_posts(event, rnd.id, [reply]), *posts])

    def _settings(self, cmd: StartCommand, card_id: str, language: str) -> RoundSettings:
        d = self.defaults
        return replace(
            d,
            card_id=card_id,
            language=language,
            roles=cmd.roles,
            questions=cmd.questions,
            cadence=cmd.cadence or d.cadence,
            time_of_day=cmd.time_of_day or d.time_of_day,
            timezone=cmd.timezone or d.timezone,
            weekdays=cmd.weekdays if cmd.weekdays is not None else d.weekdays,
            skip_dates=tuple(sorted({*d.skip_dates, *cmd.skip_dates})),
            anonymous=cmd.anonymous,
            begin=cmd.begin,
            review=_review(cmd.review, d.review),
            network=cmd.network,
            closes=cmd.closes,
            remind_every=cmd.remind_every or d.remind_every,
            hours=cmd.hours or d.hours,
            own_first=cmd.own_first,
        )

    async def _action(
        self, repo: Unit, event: CommandGiven, cmd: ActionCommand, now: datetime
    ) -> Effects:
        rnd = await repo.active(event.channel)
        if rnd is None and cmd.action in (Action.STATUS, Action.SUMMARY, Action.FOLLOWUP):
            rnd = await repo.latest(event.channel)
        if rnd is None and cmd.action in _OUTCOME_ACTIONS:
            # a private chat (Telegram) has no round of its own: the outcome commands
            # there concern the one round in review that this person takes part in
            rnd = await repo.reviewing_for(event.person)
        if rnd is None and cmd.action in _MEMBER_ACTIONS:
            # in a private conversation: the network round this person is going through
            rnd = await repo.member_round(event.person)
        card = self.cards(rnd.settings.card_id) if rnd is not None else None
        with _voice(rnd):
            outcome = engine.command(rnd, cmd, event.person, now, card, is_admin=event.is_admin)
        after = outcome.round
        if rnd is not None and after is not None and after is not rnd:
            if cmd.action is Action.VERDICT:
                await repo.save_verdicts(rnd, after)  # a fact: no version to contend for
            else:
                await repo.save(rnd, after)
        round_id = after.id if after is not None else None
        posts = await resolve(repo, list(outcome.posts))
        language = rnd.settings.language if rnd is not None else None
        replies = reply_posts(event, round_id, outcome.replies)
        return Effects(round_id, [*replies, *posts], language)

    # --- answers ------------------------------------------------------------------------

    async def _answer(
        self, repo: Unit, event: AnswerGiven, entry: InboxEntry, now: datetime
    ) -> Effects:
        if event.direct:
            return await self._direct(repo, event, now)
        if event.round_id is not None and event.step_index is not None:
            target = await repo.answer_target(
                event.channel, round_id=event.round_id, step_index=event.step_index
            )
            if target is None or not _may_answer_in(target.channel, event):
                text = _("Dit antwoord hoort bij geen ronde die ik ken; het is niet bewaard.")
                return _replies(event, None, [Reply(event.person, text)])
        elif event.reply_to is not None:
            target = await repo.answer_target(event.channel, reply_to=event.reply_to)
        else:
            target = None
        if target is None:
            return await self._unmatched(repo, event, entry, now)
        with i18n.speaking(target.language):
            given, replies = engine.accept(
                target.step, event, target.step_index, now, own_first=target.own_first
            )
        if given is not None and not await repo.add_answer(target.round_id, given):
            replies = ()  # the same message again: kept once, thanked once
        return replace(_replies(event, target.round_id, replies), language=target.language)

    async def _answers(
        self, repo: Unit, entries: list[InboxEntry], now: datetime
    ) -> tuple[int, set[int]]:
        """Thread replies that answer a known question, set-based: one query finds their
        steps, three statements keep them. Anything else (a command, an edit, a reply
        whose question is not recorded yet) is left for the one-by-one way."""
        replies = {
            entry.id: (entry.event.channel, entry.event.reply_to)
            for entry in entries
            if isinstance(entry.event, AnswerGiven)
            and entry.event.reply_to is not None
            and entry.event.round_id is None
        }
        targets = await repo.answer_targets(list(replies.values()))
        accepted: list[tuple[InboxEntry, AnswerTarget, Answer | None, tuple[Reply, ...]]] = []
        for entry in entries:
            target = targets.get(replies[entry.id]) if entry.id in replies else None
            if target is None:
                continue
            assert isinstance(entry.event, AnswerGiven)
            with i18n.speaking(target.language):
                given, said = engine.accept(
                    target.step, entry.event, target.step_index, now, own_first=target.own_first
                )
            accepted.append((entry, target, given, said))
        kept = await repo.add_answers(
            [(target.round_id, given) for _e, target, given, _s in accepted if given is not None]
        )
        queued = 0
        for entry, target, given, said in accepted:
            if given is None or (target.round_id, given.message_id) in kept:
                posts = reply_posts(entry.event, target.round_id, said)
                queued += await repo.enqueue(target.round_id, posts, now, language=target.language)
        handled = [entry.id for entry, *_rest in accepted]
        await repo.inbox_done_many(handled, now)
        return queued, set(handled)

    async def _direct(self, repo: Unit, event: AnswerGiven, now: datetime) -> Effects:
        """A message in someone's private conversation with the bot: in a network round,
        the answer to the question they are on; then the next question.

        Written as facts, like thread replies: the answer and the member's progress are
        rows of their own, so members answering at the same moment never queue on the
        round's version. Only this member's own messages move their progress."""
        rnd = await repo.member_round(event.person)
        member = rnd.member(event.person) if rnd is not None else None
        if rnd is None or member is None:
            text = _(
                "Ik weet niet bij welke ronde dit hoort: je doet niet mee aan een netwerkronde. "
                "Meedoen kan met /dialoog doe-mee in het kanaal van de ronde."
            )
            return _replies(event, None, [Reply(event.person, text)])
        message_id = f"{event.channel.channel_id}/{event.message_id}"
        if any(a.message_id == message_id for a in rnd.answers):
            return Effects(rnd.id, [])  # the same message again: kept once
        card = self.cards(rnd.settings.card_id)
        word = event.text.strip().casefold().lstrip("/")
        language = rnd.settings.language
        if word in _PLAIN_WORDS and rnd.status is Status.RUNNING:
            # "overslaan" typed without /dialoog in the private conversation means it
            with i18n.speaking(language):
                if VERBS[word] is Action.SKIP:
                    after, posts, replies = network.skip(rnd, event.person, card)
                else:
                    after, posts, replies = network.ask(rnd, member, card)
            await repo.save_members(rnd, after)
            return Effects(rnd.id, [*reply_posts(event, rnd.id, replies), *posts], language)
        with i18n.speaking(language):
            after, posts, replies = network.answer(rnd, member, event, message_id, now, card)
        await repo.save_answers(rnd, after)
        await repo.save_members(rnd, after)
        return Effects(rnd.id, [*reply_posts(event, rnd.id, replies), *posts], language)

    async def _unmatched(
        self, repo: Unit, event: AnswerGiven, entry: InboxEntry, now: datetime
    ) -> Effects:
        """A message that answers no known question: wait for its question, or say so.

        Its question may be on its way: posted by the platform, but not yet recorded
        here. Only a reply to one of the bot's own messages, or a message in a channel
        that typed no reply at all (the console), gets a word back: a reply in a thread
        of a colleague's message is not ours to comment on.
        """
        if event.reply_to is not None:
            if await repo.in_flight(event.channel) and now - entry.received_at < MATCH_GRACE:
                raise NotYet(event.message_id)
            if not await repo.is_post(event.channel, event.reply_to):
                return Effects(None, [])
            text = _(
                "Je bericht is niet bewaard: het is een reactie op een bericht dat geen vraag "
                "is. Antwoord in de draad onder een vraag van de dialoog."
            )
        else:
            text = _("Je bericht is niet bewaard: er is hier nog geen vraag om op te antwoorden.")
        return _replies(event, None, [Reply(event.person, text)])

    async def _change(
        self, repo: Unit, event: AnswerEdited | AnswerDeleted, now: datetime
    ) -> Effects:
        message_id = event.message_id
        round_id = await repo.find_answer(event.channel, message_id)
        if round_id is None:
            # said in a private conversation (a network round): known by its qualified id
            message_id = f"{event.channel.channel_id}/{event.message_id}"
            round_id = await repo.find_direct_answer(event.channel.platform, message_id)
            if round_id is not None:
                event = replace(event, message_id=message_id)
        rnd = await repo.get(round_id, message_id=message_id) if round_id else None
        after = None
        if rnd is not None:
            if isinstance(event, AnswerEdited):
                after = engine.edit(rnd, event, now).round
            else:
                after = engine.delete(rnd, event).round
            assert after is not None
            await repo.save_answers(rnd, after)
        if not event.confirm or event.person is None:
            return Effects(round_id, [])
        changed = rnd is not None and after is not None and after.answers != rnd.answers
        with _voice(rnd):
            if changed:
                text = (
                    _("Je antwoord {id} is aangepast.")
                    if isinstance(event, AnswerEdited)
                    else _("Je antwoord {id} is verwijderd.")
                )
            else:
                text = _("Er is niets veranderd: {id} is geen antwoord van jou.")
        reply = Reply(event.person, text.format(id=event.message_id))
        language = rnd.settings.language if rnd is not None else None
        return Effects(round_id, reply_posts(event, round_id, [reply]), language)

    # --- the clock ----------------------------------------------------------------------

    async def tick(self) -> int:
        """Advance every round with something due; returns how many said something."""
        started = time.perf_counter()
        advanced = await self.clockwork.tick()
        self.meter.ticked(time.perf_counter() - started)
        return advanced

    # --- delivery -----------------------------------------------------------------------

    async def deliver(self, platform: str, send: Sender, *, channel_id: str | None = None) -> int:
        """Send what the outbox holds for ``platform``; see ``bot.delivery``."""
        return await self.delivery.deliver(platform, send, channel_id=channel_id)

    # --- what adapters ask --------------------------------------------------------------

    async def private_question(self, platform: str, round_id: int, step_index: int) -> str | None:
        """The text of a step, for asking it privately; None if it cannot be answered now
        (or the round is not one of this platform's)."""
        async with self.store.transaction() as repo:
            rnd = await repo.get(round_id, message_id="")
        if rnd is None or rnd.channel.platform != platform:
            return None
        if not 0 <= step_index < len(rnd.steps):
            return None
        if rnd.steps[step_index].state is not StepState.POSTED:
            return None
        step = rnd.steps[step_index]
        with i18n.speaking(rnd.settings.language):
            label, _role, text = step_label(self.cards(rnd.settings.card_id), step.kind, step.ref)
        return f"{label}: {text}"

    async def outcome_draft(self, platform: str, round_id: int, person: Person) -> Summary | None:
        """The outcome's draft as it stands, for a coordinator editing it (Slack's modal);
        None once it is with the group, or for anyone else."""
        async with self.store.transaction() as repo:
            rnd = await repo.get(round_id)
        if rnd is None or rnd.channel.platform != platform or rnd.review is None:
            return None
        if rnd.review.phase is not ReviewPhase.DRAFT:
            return None
        if not engine.is_coordinator(rnd, person, is_admin=False):
            return None
        return compile_summary(self.cards(rnd.settings.card_id), rnd, self.clock.now())

    async def round_channel(self, round_id: int) -> ChannelRef | None:
        async with self.store.transaction() as repo:
            rnd = await repo.get(round_id, message_id="")
        return None if rnd is None else rnd.channel

    async def round_language(self, round_id: int) -> str | None:
        """The language to answer in about a round (a button pressed, a form opened);
        None: the installation's."""
        async with self.store.transaction() as repo:
            rnd = await repo.get(round_id, message_id="")
        return None if rnd is None else rnd.settings.language

    async def asked_privately(
        self, channel: ChannelRef, message_id: str, round_id: int, step_index: int
    ) -> None:
        """Remember a question asked in a private chat, so a reply to it answers that step."""
        async with self.store.transaction() as repo:
            await repo.add_post(channel, message_id, round_id, step_index)

    async def where_we_are(self, channel: ChannelRef) -> str | None:
        """The status line of the channel's latest round, for a console that (re)starts."""
        async with self.store.transaction() as repo:
            rnd = await repo.active(channel) or await repo.latest(channel)
        if rnd is None:
            return None
        with i18n.speaking(rnd.settings.language):
            return status_line(rnd, self.cards(rnd.settings.card_id), status_phrase(rnd))

    async def message_ids(self, channel: ChannelRef) -> list[str]:
        async with self.store.transaction() as repo:
            return await repo.message_ids(channel)


def _voice(rnd: Round | None) -> AbstractContextManager[None]:
    """Speak the round's language; without a round, go on in the conversation's."""
    return nullcontext() if rnd is None else i18n.speaking(rnd.settings.language)


def _review(chosen: Cadence | str | None, default: Cadence | None) -> Cadence | None:
    if chosen == REVIEW_OFF:
        return None
    return chosen if isinstance(chosen, Cadence) else default


def _may_answer_in(channel: ChannelRef, event: AnswerGiven) -> bool:
    """A private answer that names its round (Slack's modal) must come from that round's
    channel: the platform delivered it there, so it cannot land in a round elsewhere, nor
    on another platform. (Telegram's private answers reply to a question the bot asked
    in a private chat, and are found through that message, on the same platform.)"""
    return event.channel == channel


def _replies(
    event: InboundEvent, round_id: int | None, replies: tuple[Reply, ...] | list[Reply]
) -> Effects:
    return Effects(round_id, reply_posts(event, round_id, replies))
