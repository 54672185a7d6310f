"""The service with a real database: SQLite file and PostgreSQL, through the local channel."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from adapters.local.channel import LocalChannel, person
from bot.model import AnswerEdited, AnswerGiven, ChannelRef, CommandGiven, Round, Status
from bot.outbound import Content, NoticePost, Parts, QuestionPost
from bot.service import DialogueService
from dialogues.cards import Card
from storage.db import Database
from storage.models import AnswerRow, OutboxRow
from storage.repository import Repository
from storage.store import SqlStore
from tests.conftest import make_service
from tests.fakes import FakeClock

COORDINATOR = person("Anna")
BRAM = person("Bram")
SARA = person("Sara")


async def tick_when_due(service: DialogueService, channel: LocalChannel, clock: FakeClock) -> None:
    """Move the clock to the round's next due moment and let the scheduler tick once."""
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.next_due is not None
    clock.set(rnd.next_due)
    await service.tick()


async def run_due(service: DialogueService, channel: LocalChannel, clock: FakeClock) -> None:
    """One scheduler run at the next due moment: tick, then deliver."""
    await tick_when_due(service, channel, clock)
    await channel.deliver()


async def round_state(service: DialogueService, channel: LocalChannel) -> Round | None:
    async with service.store.transaction() as repo:
        return await repo.latest(channel.channel)


async def test_start_posts_the_opening_at_once(channel: LocalChannel) -> None:
    await channel.say(COORDINATOR, "/dialoog start")
    kinds = [type(p.content) for p in channel.posted]
    assert kinds == [NoticePost, QuestionPost]
    assert "Welkom bij de dialoog" in channel.posted[0].content.text  # type: ignore[union-attr]
    assert "Ronde 1 is gestart" in channel.replies[-1].text


async def test_a_second_start_in_the_same_channel_is_refused(channel: LocalChannel) -> None:
    await channel.say(COORDINATOR, "/dialoog start")
    await channel.say(BRAM, "/dialoog start")
    assert "Hier loopt al een ronde" in channel.replies[-1].text
    assert len(channel.questions()) == 1


async def test_bad_start_options_get_a_clear_reply_and_start_nothing(
    channel: LocalChannel, service: DialogueService
) -> None:
    await channel.say(COORDINATOR, "/dialoog start rollen=9")
    assert "Rol 9 bestaat niet" in channel.replies[-1].text
    await channel.say(COORDINATOR, "/dialoog start onbekende-kaart")
    assert "onbekende-kaart" in channel.replies[-1].text
    assert channel.posted == []
    assert await round_state(service, channel) is None


async def test_a_full_round_from_start_to_summary(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(COORDINATOR, "/dialoog start rollen=2 tempo=1d")
    await channel.say(BRAM, "Samen opleiden is samen leren.")
    while (rnd := await round_state(service, channel)) is not None and rnd.status is Status.RUNNING:
        await run_due(service, channel, clock)
        question = channel.posted[-1].content
        if isinstance(question, QuestionPost):
            await channel.say(SARA, f"Sara over {question.ref}")
            if question.ref == "droomvraag":
                await channel.say(BRAM, "Over drie jaar leidt elk team mee op.")
    refs = [q.ref for _, q in channel.questions()]
    assert refs == [
        "opening",
        *[f"2.{n}" for n in range(1, 10)],
        "droomvraag",
        "inzichten",
        "acties",
        "betrekken",
    ]
    assert len(refs) == len(set(refs))  # every step exactly once
    summaries = channel.summaries()
    assert len(summaries) == 1
    assert summaries[0].summary.final
    summary = summaries[0].summary
    assert summary.droomvraag is not None
    assert [a.text for a in summary.droomvraag.answers] == [
        "Sara over droomvraag",
        "Over drie jaar leidt elk team mee op.",
    ]
    assert [a.author for a in summary.droomvraag.answers] == ["Sara", "Bram"]
    # in name order, never ranked; Sara skipped the opening
    assert [(p.author, p.answered) for p in summary.participation] == [("Bram", 2), ("Sara", 13)]


async def test_restart_in_the_middle_goes_on_without_doubles(
    database_url: str, clock: FakeClock, transcript: list[str]
) -> None:
    first_db = Database(database_url)
    await first_db.migrate()
    first = make_service(first_db, clock)
    channel = LocalChannel(first, "team", out=transcript.append)
    await channel.say(COORDINATOR, "/dialoog start vragen=1.1,1.2,1.3")
    await run_due(first, channel, clock)  # 1.1
    await channel.say(BRAM, "Antwoord op 1.1")
    # The next step is decided and saved, then the process dies before delivering it.
    await tick_when_due(first, channel, clock)
    await first_db.close()

    second_db = Database(database_url)
    await second_db.migrate()
    second = make_service(second_db, clock)
    channel.service = second
    await second.tick()  # nothing new is due: the step was already decided
    await channel.deliver()
    assert [q.ref for _, q in channel.questions()] == ["opening", "1.1", "1.2"]
    await channel.say(SARA, "Antwoord op 1.2")
    await channel.say(BRAM, "Nog even over 1.1", reply_to=channel.question_id("1.1"))
    while (rnd := await round_state(second, channel)) is not None and rnd.status.active:
        await run_due(second, channel, clock)
    refs = [q.ref for _, q in channel.questions()]
    assert refs.count("1.2") == 1
    assert refs.count("1.3") == 1
    final = channel.summaries()[-1].summary
    by_ref = {item.ref: [a.text for a in item.answers] for item in final.questions}
    assert by_ref == {
        "1.1": ["Antwoord op 1.1", "Nog even over 1.1"],
        "1.2": ["Antwoord op 1.2"],
        "1.3": [],
    }
    await second_db.close()


async def test_edits_and_deletions_reach_the_stored_answers(
    channel: LocalChannel, service: DialogueService, db: Database
) -> None:
    await channel.say(COORDINATOR, "/dialoog start")
    first = await channel.say(BRAM, "eerste versie")
    second = await channel.say(BRAM, "tweede bericht")
    await channel.edit(BRAM, first, "verbeterde versie")
    await channel.delete(BRAM, second)
    await channel.edit(BRAM, "u999", "bestaat niet")  # not an answer: ignored
    async with db.transaction() as session:
        rows = (await session.scalars(select(AnswerRow))).all()
    assert [(r.text, r.edited_at is not None) for r in rows] == [("verbeterde versie", True)]


@pytest.mark.parametrize(
    "hostile",
    [
        "<!channel> <!here> <@U123> @everyone **vet** _cursief_ `code` <b>&amp;</b> <script>",
        "x" * 40_000,
        "nul\x00byte, backslash \\0 en \\\\ en emoji 🎓 en \x1b[31mrood\x1b[0m",
    ],
)
async def test_hostile_answers_are_stored_intact(
    channel: LocalChannel, service: DialogueService, hostile: str
) -> None:
    await channel.say(COORDINATOR, "/dialoog start")
    await channel.say(BRAM, hostile)
    await channel.say(COORDINATOR, "/dialoog samenvatting")
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.answers[0].text == hostile
    summary = channel.summaries()[-1].summary
    assert summary.opening is not None
    assert summary.opening.answers[0].text == hostile


async def test_non_coordinator_cannot_stop_a_round(
    channel: LocalChannel, service: DialogueService
) -> None:
    await channel.say(COORDINATOR, "/dialoog start")
    await channel.say(BRAM, "/dialoog stop")
    assert "Alleen een coördinator" in channel.replies[-1].text
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.status is Status.RUNNING


async def test_configured_coordinators_may_steer(db: Database, clock: FakeClock) -> None:
    service = make_service(db, clock)
    service.coordinators = frozenset({BRAM.key})
    channel = LocalChannel(service, "team", out=lambda _: None)
    await channel.say(COORDINATOR, "/dialoog start")
    await channel.say(BRAM, "/dialoog pauze")
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.status is Status.PAUSED


async def test_failed_delivery_is_retried_in_order(
    service: DialogueService, clock: FakeClock, db: Database
) -> None:
    sent: list[str] = []
    failing = {"on": True}

    async def flaky(channel: ChannelRef, content: Content, parts: Parts) -> str:
        if failing["on"]:
            raise ConnectionError("platform down")
        sent.append(type(content).__name__)
        return f"m{len(sent)}"

    channel = LocalChannel(service, "team", out=lambda _: None)
    assert await service.handle(CommandGiven(channel.channel, COORDINATOR, "start")) == 3
    assert await service.deliver("local", flaky) == 0
    failing["on"] = False
    assert await service.deliver("local", flaky) == 0  # backing off: wait for the retry
    clock.advance(seconds=3)
    assert await service.deliver("local", flaky) == 3
    # the question waited behind the welcome; the private reply went its own way
    assert [s for s in sent if s != "ReplyPost"] == ["NoticePost", "QuestionPost"]
    async with db.transaction() as session:
        attempts = (await session.scalars(select(OutboxRow.attempts).order_by(OutboxRow.id))).all()
    assert list(attempts) == [2, 2, 1]  # the reply, the welcome, the question held back


async def test_two_services_ticking_at_once_post_each_step_once(
    db: Database, clock: FakeClock
) -> None:
    one = make_service(db, clock)
    two = make_service(db, clock)
    channel = LocalChannel(one, "team", out=lambda _: None)
    await channel.say(COORDINATOR, "/dialoog start tempo=30s")
    clock.advance(timedelta(seconds=30))
    results = await asyncio.gather(one.tick(), two.tick())
    assert sorted(results) == [0, 1]
    await channel.deliver()
    assert [q.ref for _, q in channel.questions()] == ["opening", "1.1"]
    async with db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(OutboxRow))
    assert count == 4  # welcome, opening, the reply to start, question 1.1


async def test_status_and_help_for_anyone(channel: LocalChannel) -> None:
    await channel.say(BRAM, "/dialoog status")
    assert "Er loopt hier geen ronde" in channel.replies[-1].text
    await channel.say(COORDINATOR, "/dialoog start tempo=2h")
    await channel.say(BRAM, "/dialoog status")
    status = channel.replies[-1].text
    assert "stap 1 van 31" in status
    assert "elke 2 uur" in status
    await channel.say(BRAM, "/dialoog")
    assert "samenvatting" in channel.replies[-1].text
    await channel.say(BRAM, "/dialoog vliegen")
    assert "Onbekend commando" in channel.replies[-1].text


async def test_two_starts_at_the_same_moment_make_one_round(db: Database, clock: FakeClock) -> None:
    one, two = make_service(db, clock), make_service(db, clock)
    channel = LocalChannel(one, "team", out=lambda _: None)
    await asyncio.gather(
        one.handle(CommandGiven(channel.channel, COORDINATOR, "start")),
        two.handle(CommandGiven(channel.channel, BRAM, "start")),
    )
    await channel.deliver()
    texts = sorted(r.text for r in channel.replies)
    assert texts[0].startswith("Hier loopt al een ronde")
    assert "is gestart" in texts[1]
    async with db.transaction() as session:
        rounds = await Repository(session).all()
    assert len(rounds) == 1


async def test_a_round_that_begins_later_is_announced(channel: LocalChannel) -> None:
    await channel.say(COORDINATOR, "/dialoog start begin=2026-12-01")
    assert "Ronde 1 is gepland" in channel.replies[-1].text
    notice = channel.posted[-1].content
    assert isinstance(notice, NoticePost)
    assert "dinsdag 1 december om 09:00" in notice.text
    assert channel.questions() == []


async def test_reminders_reach_people_privately_through_the_outbox(
    channel: LocalChannel, service: DialogueService, clock: FakeClock, transcript: list[str]
) -> None:
    await channel.say(COORDINATOR, "/dialoog start tempo=1h")
    await channel.say(BRAM, "Mijn beeld")
    await run_due(service, channel, clock)  # question 1.1
    await channel.say(COORDINATOR, "Anna over 1.1")
    clock.advance(minutes=45)  # three quarters of the hour
    await service.tick()
    await channel.deliver()
    reminders = channel.reminders()
    assert [(r.name, r.label) for r in reminders] == [("Bram", "vraag 1.1")]
    assert any("privé aan Bram" in line for line in transcript)
    # replying to a reminder is not answering in the channel: it registers no question
    async with service.store.transaction() as repo:
        found = await repo.answer_target(channel.channel, reply_to=channel.posted[-1].message_id)
    assert found is None


async def test_a_redelivered_event_is_handled_once(
    service: DialogueService, clock: FakeClock, db: Database
) -> None:
    channel = LocalChannel(service, "team", out=lambda _: None)
    start = CommandGiven(channel.channel, COORDINATOR, "start tempo=1h", event_id="Ev1")
    assert await service.handle(start)
    await channel.deliver()
    nxt = CommandGiven(channel.channel, COORDINATOR, "volgende", event_id="Ev2")
    await service.handle(nxt)
    assert await service.handle(nxt) == 0  # the platform retried: not a second step
    await channel.deliver()
    assert [q.ref for _, q in channel.questions()] == ["opening", "1.1"]

    question = channel.question_id("1.1")
    answer = AnswerGiven(channel.channel, BRAM, "m1", "antwoord", reply_to=question, event_id="Ev3")
    edit = AnswerEdited(channel.channel, BRAM, "m1", "aangepast", event_id="Ev4")
    await service.handle(answer)
    await service.handle(edit)
    await service.handle(answer)  # a late retry of the original must not undo the edit
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert [a.text for a in rnd.answers] == ["aangepast"]

    # the same id on another platform is another event
    other = ChannelRef("elders", "team")
    assert await service.handle(CommandGiven(other, COORDINATOR, "start", event_id="Ev1"))


async def test_a_failed_event_is_kept_and_worked_off_later(
    service: DialogueService, db: Database, clock: FakeClock
) -> None:
    channel = LocalChannel(service, "team", out=lambda _: None)

    def unreadable_card(card_id: str) -> Card:
        raise RuntimeError("kapot")

    broken = DialogueService(
        SqlStore(db), cards=unreadable_card, clock=service.clock, defaults=service.defaults
    )
    start = CommandGiven(channel.channel, COORDINATOR, "start", event_id="Ev9")
    assert await broken.handle(start) == 0  # failed, but kept
    assert await service.handle(start) == 0  # the redelivery finds it kept
    assert await service.work_inbox() == 0  # not yet: it backs off
    clock.advance(seconds=3)
    assert await service.work_inbox() == 3
    await channel.deliver()
    assert "is gestart" in channel.replies[-1].text
    assert [q.ref for _, q in channel.questions()] == ["opening"]
