"""Nothing lost, nothing twice: simultaneous answers, competing deliverers, refusals,
interrupted multi-part messages, replies that outrun their question, and a round that
follows its delivery. On the SQLite file and on the throwaway PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from adapters.local.channel import LocalChannel, person
from bot.delivery import MAX_ATTEMPTS, Delivery
from bot.model import AnswerGiven, ChannelRef, CommandGiven, Round
from bot.outbound import (
    Content,
    DeliveryRefused,
    DirectNotice,
    NoticePost,
    Parts,
    QuestionPost,
    ReminderPost,
    ReplyPost,
    SummaryPost,
)
from bot.service import DialogueService
from bot.summary import compile_summary
from dialogues.cards import Card, get_card
from storage.db import Database
from storage.models import InboxRow, OutboxRow
from storage.repository import Repository
from storage.store import SqlStore
from tests.conftest import make_service
from tests.fakes import FakeClock

ANNA = person("Anna")
BRAM = person("Bram")


async def latest(service: DialogueService, channel: ChannelRef) -> Round:
    async with service.store.transaction() as repo:
        rnd = await repo.latest(channel)
    assert rnd is not None
    return rnd


async def outbox(db: Database) -> list[OutboxRow]:
    async with db.transaction() as session:
        return list(await session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


async def test_fifty_simultaneous_answers_are_all_kept_once(
    channel: LocalChannel, service: DialogueService, db: Database, clock: FakeClock
) -> None:
    await channel.say(ANNA, "/dialoog start tempo=1h")
    question = channel.latest_question()
    assert question is not None
    others = [make_service(db, clock) for _ in range(4)]  # several writers, as processes
    answers = [
        AnswerGiven(
            channel.channel,
            person(f"Collega {n}"),
            f"m{n}",
            f"Antwoord {n}",
            reply_to=question,
            event_id=f"Ev{n}",
        )
        for n in range(50)
    ]
    await asyncio.gather(*(others[n % 4].handle(a) for n, a in enumerate(answers)))
    # and every one of them delivered again by the platform, at the same time
    await asyncio.gather(*(others[(n + 1) % 4].handle(a) for n, a in enumerate(answers)))
    rnd = await latest(service, channel.channel)
    assert sorted(a.text for a in rnd.answers) == sorted(f"Antwoord {n}" for n in range(50))
    summary = compile_summary(get_card("dialoogkaart"), rnd, clock.now())
    assert summary.opening is not None
    assert len(summary.opening.answers) == 50
    assert rnd.version == 2  # the answers never touched the round row (start + tick)


async def test_two_deliverers_send_every_message_exactly_once(
    db: Database, clock: FakeClock
) -> None:
    service = make_service(db, clock)
    for n in range(15):
        await service.handle(CommandGiven(ChannelRef("local", f"team{n}"), ANNA, "start"))
    sent: Counter[int] = Counter()
    rows = {r.id for r in await outbox(db)}
    assert len(rows) == 45  # per channel: the reply, the welcome, the opening

    def sender(name: str) -> object:
        async def send(channel: ChannelRef, content: Content, parts: Parts) -> str:
            await asyncio.sleep(0)  # let the other deliverer run in between
            key = (str(channel), type(content).__name__, getattr(content, "text", ""))
            sent[hash(key)] += 1
            return f"{name}-{len(sent)}"

        return send

    one = Delivery(SqlStore(db), clock)
    two = Delivery(SqlStore(db), clock)
    counts = await asyncio.gather(
        one.deliver("local", sender("one")),  # type: ignore[arg-type]
        two.deliver("local", sender("two")),  # type: ignore[arg-type]
        one.deliver("local", sender("one")),  # type: ignore[arg-type]
    )
    assert sum(counts) == 45
    assert set(sent.values()) == {1}
    assert all(r.sent_at is not None for r in await outbox(db))


async def test_a_deliverer_whose_claim_ran_out_cannot_mark_it_sent(
    db: Database, clock: FakeClock
) -> None:
    service = make_service(db, clock)
    await service.handle(CommandGiven(ChannelRef("local", "team"), ANNA, "start"))
    async with db.transaction() as session:
        slow = await Repository(session).claim_outbox("local", clock.now(), timedelta(seconds=60))
    clock.advance(seconds=61)
    async with db.transaction() as session:
        fast = await Repository(session).claim_outbox("local", clock.now(), timedelta(seconds=60))
    assert {m.id for m in fast} == {m.id for m in slow}
    async with db.transaction() as session:
        assert not await Repository(session).mark_sent(slow[0], "late", clock.now())
        assert await Repository(session).mark_sent(fast[0], "on-time", clock.now())
    row = next(r for r in await outbox(db) if r.id == fast[0].id)
    assert row.message_id == "on-time"


async def test_an_unreachable_person_is_a_dead_letter_and_the_coordinator_hears_once(
    channel: LocalChannel, service: DialogueService, db: Database, clock: FakeClock
) -> None:
    told: list[DirectNotice] = []
    posted: list[str] = []

    async def platform(ref: ChannelRef, content: Content, parts: Parts) -> str:
        if isinstance(content, ReminderPost) and content.name == "Bram":
            raise DeliveryRefused("Forbidden: bot can't initiate conversation")
        if isinstance(content, DirectNotice):
            told.append(content)
        if isinstance(content, QuestionPost):
            posted.append(content.ref)
        return f"m{len(posted)}-{len(told)}-{content.type}-{clock.now().timestamp()}"

    await service.handle(CommandGiven(channel.channel, ANNA, "start tempo=1h"))
    await service.deliver("local", platform)
    await service.handle(
        AnswerGiven(channel.channel, BRAM, "b1", "Bram doet mee", round_id=1, step_index=0)
    )
    for _hour in range(3):  # three questions, each with a reminder Bram cannot get
        clock.advance(minutes=45)
        await service.tick()
        await service.deliver("local", platform)
        clock.advance(minutes=15)
        await service.tick()
        await service.deliver("local", platform)
    assert posted == ["opening", "1.1", "1.2", "1.3"]  # the round went on
    assert len(told) == 1
    assert "Bram" in told[0].text
    dead = [r for r in await outbox(db) if r.dead_at is not None]
    assert len(dead) == 2
    assert all(r.content["type"] == "reminder" for r in dead)


async def test_a_refused_channel_post_never_blocks_anyone_else(
    service: DialogueService, db: Database, clock: FakeClock
) -> None:
    archived, open_ = ChannelRef("local", "archief"), ChannelRef("local", "team")
    delivered: list[str] = []

    async def platform(ref: ChannelRef, content: Content, parts: Parts) -> str:
        if ref == archived and not isinstance(content, DirectNotice):
            raise DeliveryRefused("is_archived")
        delivered.append(f"{ref.channel_id}:{content.type}")
        return f"m{len(delivered)}"

    await service.handle(CommandGiven(archived, ANNA, "start"))
    await service.handle(CommandGiven(open_, BRAM, "start"))
    await service.deliver("local", platform)
    assert delivered.count("team:question") == 1
    assert delivered.count("archief:direct") == 1  # the coordinator, told once
    rows = await outbox(db)
    assert all(r.sent_at or r.dead_at for r in rows)  # nothing left hanging


async def test_attempts_are_capped_and_back_off(
    service: DialogueService, db: Database, clock: FakeClock
) -> None:
    calls: list[float] = []

    async def down(ref: ChannelRef, content: Content, parts: Parts) -> str:
        calls.append(clock.now().timestamp())
        raise ConnectionError("platform down")

    await service.handle(CommandGiven(ChannelRef("local", "team"), ANNA, "start"))
    for _ in range(200):
        await service.deliver("local", down)
        clock.advance(seconds=30)
    reply, welcome, question, *_told = await outbox(db)
    assert reply.attempts == welcome.attempts == MAX_ATTEMPTS
    assert reply.dead_at is not None
    assert welcome.dead_at is not None
    assert question.attempts >= 1  # no longer held back behind the dead welcome
    waits = sorted({round(b - a) for a, b in itertools.pairwise(calls) if b > a})
    assert waits[0] >= 30
    assert waits[-1] >= 900


async def test_an_interrupted_summary_resumes_after_its_last_confirmed_part(
    service: DialogueService, db: Database, clock: FakeClock
) -> None:
    calls: list[str] = []
    broken = {"file": True}

    async def platform(ref: ChannelRef, content: Content, parts: Parts) -> str:
        if not isinstance(content, SummaryPost):
            return f"x{len(calls)}-{content.type}"
        for part in ("0", "1", "2"):

            async def post(part: str = part) -> str:
                calls.append(part)
                return f"s{part}"

            await parts.part(part, post)

        async def upload() -> str:
            calls.append("file")
            if broken["file"]:
                raise ConnectionError("upload failed")
            return "F1"

        await parts.part("file", upload)
        return "s0"

    channel = ChannelRef("local", "team")
    await service.handle(CommandGiven(channel, ANNA, "start"))
    await service.handle(CommandGiven(channel, ANNA, "samenvatting"))
    await service.deliver("local", platform)
    broken["file"] = False
    clock.advance(seconds=5)
    await service.deliver("local", platform)
    assert calls == ["0", "1", "2", "file", "file"]  # no part of the summary twice
    summary = next(r for r in await outbox(db) if r.content["type"] == "summary")
    assert summary.sent_at is not None
    assert summary.progress["file"] == "F1"


async def test_a_reply_that_outruns_its_question_waits_for_it(
    service: DialogueService, db: Database, clock: FakeClock
) -> None:
    channel = ChannelRef("local", "team")
    await service.handle(CommandGiven(channel, ANNA, "start"))
    async with db.transaction() as session:
        claimed = await Repository(session).claim_outbox("local", clock.now(), timedelta(60))
    welcome = next(m for m in claimed if isinstance(m.content, NoticePost))
    async with db.transaction() as session:
        await Repository(session).mark_sent(welcome, "w1", clock.now())
    # the platform posted the opening as "q1", and Bram replied before we recorded it
    answer = AnswerGiven(channel, BRAM, "b1", "Snel!", reply_to="q1", event_id="Ev1")
    assert await service.handle(answer) == 0
    async with db.transaction() as session:
        (opening,) = await Repository(session).claim_outbox("local", clock.now(), timedelta(60))
        await Repository(session).mark_sent(opening, "q1", clock.now())
    clock.advance(seconds=2)
    await service.work_inbox()
    rnd = await latest(service, channel)
    assert [a.text for a in rnd.answers] == ["Snel!"]


async def test_a_reply_to_no_question_is_answered_not_dropped(
    channel: LocalChannel, service: DialogueService, db: Database
) -> None:
    await channel.say(BRAM, "Is er al een vraag?")
    assert "nog geen vraag" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog start")
    welcome = channel.posted[0].message_id
    await channel.say(BRAM, "Op het welkom", reply_to=welcome)
    assert "geen vraag" in channel.replies[-1].text
    replies = len(channel.replies)
    # a reply in a colleague's thread is not the bot's business
    await service.handle(AnswerGiven(channel.channel, BRAM, "x1", "hoi", reply_to="u999"))
    await channel.deliver()
    assert len(channel.replies) == replies
    async with db.transaction() as session:
        kept = (await session.scalars(select(InboxRow.outcome))).all()
    assert set(kept) == {"ok"}


async def test_the_round_follows_its_delivery(service: DialogueService, clock: FakeClock) -> None:
    channel = ChannelRef("local", "team")
    await service.handle(CommandGiven(channel, ANNA, "start tempo=10m"))
    clock.advance(minutes=30)  # the platform was down for half an hour
    assert await service.tick() == 0  # nothing new while the channel lags
    sent_at = clock.now()

    async def platform(ref: ChannelRef, content: Content, parts: Parts) -> str:
        return f"m-{content.type}"

    await service.deliver("local", platform)
    rnd = await latest(service, channel)
    assert rnd.next_due == sent_at + timedelta(minutes=10)  # a full window from delivery
    clock.advance(minutes=10)
    assert await service.tick() == 1


async def test_a_stopped_rounds_summary_is_final_with_private_answers_nameless(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, "/dialoog start")
    await channel.say(BRAM, "Dat zeg ik liever niet hardop.", private=True)
    await channel.say(ANNA, "/dialoog stop")
    await channel.say(ANNA, "/dialoog samenvatting")
    summary = channel.summaries()[-1].summary
    assert summary.final
    assert summary.stopped_early
    assert summary.private_withheld == 0
    assert summary.opening is not None
    (given,) = summary.opening.answers
    assert given.text == "Dat zeg ik liever niet hardop."
    assert given.author is None
    assert summary.participation == []  # counting it would name who gave it


async def test_replies_of_an_event_worked_off_later_still_reach_the_person(
    service: DialogueService, db: Database, clock: FakeClock, channel: LocalChannel
) -> None:
    inbox_id = await service.receive(CommandGiven(channel.channel, ANNA, "status"))
    assert inbox_id is not None  # kept, then the process died before working it off
    clock.advance(seconds=61)
    await service.work_inbox()
    await channel.deliver()
    assert isinstance(channel.replies[-1], ReplyPost)
    assert "geen ronde" in channel.replies[-1].text


async def test_an_event_that_keeps_failing_is_given_up_and_its_author_told(
    service: DialogueService, db: Database, clock: FakeClock, channel: LocalChannel
) -> None:
    def unreadable_card(card_id: str) -> Card:
        raise RuntimeError("kapot")

    broken = DialogueService(
        SqlStore(db), cards=unreadable_card, clock=clock, defaults=service.defaults
    )
    assert await broken.handle(CommandGiven(channel.channel, ANNA, "start")) == 0
    for _attempt in range(12):
        clock.advance(minutes=6)  # past the longest backoff
        await broken.work_inbox()
    async with db.transaction() as session:
        (outcome,) = (await session.scalars(select(InboxRow.outcome))).all()
    assert outcome is not None
    assert outcome.startswith("failed: RuntimeError")
    await channel.deliver()
    assert [r.text for r in channel.replies] == [
        "Je bericht kon niet worden verwerkt; het is bewaard voor de beheerder. "
        "Probeer het later nog eens."
    ]
