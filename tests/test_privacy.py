"""People's data rights on a real database (SQLite file and PostgreSQL): see what is kept
about you, have it erased, and nothing kept longer than the retention allows."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from adapters.local.channel import LocalChannel, person
from bot.model import AnswerGiven, Status
from bot.outbound import DirectNotice, NoticePost, QuestionPost
from bot.render import content_text, summary_markdown
from bot.service import DialogueService
from bot.summary import compile_summary
from dialogues.cards import get_card
from storage import privacy
from storage.db import Database
from storage.models import AnswerRow, InboxRow, OutboxRow, PersonRow, RoundRow
from tests.conftest import make_service
from tests.fakes import FakeClock
from tests.test_service import round_state, run_due

ANNA = person("Anna")
BRAM = person("Bram")
SARA = person("Sara")


async def finished_round(
    channel: LocalChannel,
    service: DialogueService,
    clock: FakeClock,
    *,
    review: str = "uit",
    bram: str = "Bram <@U1> over {ref}",
    sara: str = "Sara over {ref}",
) -> None:
    """Bram and Sara answer every step of a short round, until its last step closed
    (finished, or with ``review`` in check)."""
    await channel.say(ANNA, f"/dialoog start rollen=1 tempo=1d controle={review}")
    while (rnd := await round_state(service, channel)) is not None and rnd.status is Status.RUNNING:
        question = channel.posted[-1].content
        if isinstance(question, QuestionPost):
            await channel.say(BRAM, bram.format(ref=question.ref))
            await channel.say(SARA, sara.format(ref=question.ref))
        await run_due(service, channel, clock)


async def test_export_holds_everything_about_one_person_and_nothing_of_others(
    db: Database, channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await finished_round(channel, service, clock)
    async with db.transaction() as session:
        kept = await privacy.export(session, "local", BRAM.user_id)
        nobody = await privacy.export(session, "local", "iemand-anders")
    assert nobody is None
    assert kept is not None
    assert kept["person"]["name"] == "Bram"
    [rnd] = kept["rounds"]
    assert rnd["channel"] == "local:team"
    assert rnd["participation"]["reminders"] == "aan"
    texts = [a["text"] for a in rnd["answers"]]
    assert texts
    assert all(t.startswith("Bram <@U1> over") for t in texts)
    assert "Sara" not in str(kept)


async def test_erasure_leaves_a_summary_without_them_that_says_so(
    db: Database, channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await finished_round(channel, service, clock)
    async with db.transaction() as session:
        erased = await privacy.erase(session, "local", BRAM.user_id, clock.now())
        again = await privacy.erase(session, "local", BRAM.user_id, clock.now())
    assert erased is not None
    assert again is None
    assert erased.rounds == 1
    assert erased.answers > 0
    async with db.transaction() as session:
        names = list(await session.scalars(select(PersonRow.name)))
        left = list(await session.scalars(select(AnswerRow.text)))
        contents = [str(c) for c in await session.scalars(select(OutboxRow.content))]
    assert "Bram" not in names
    assert left
    assert not [t for t in left if "Bram" in t]
    # sent messages kept references only: Bram's words are nowhere in the outbox either
    assert not [c for c in contents if "Bram" in c]
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.erased == 1
    summary = compile_summary(get_card("dialoogkaart"), rnd, clock.now())
    assert "Bram" not in summary.model_dump_json()
    assert [p.author for p in summary.participation] == ["Sara"]


async def test_purge_waits_for_the_retention_and_says_first_what_would_go(
    db: Database, channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await finished_round(channel, service, clock)
    await channel.say(SARA, "/dialoog help")  # a reply without a round

    async def purge(dry_run: bool) -> privacy.Purged:
        async with db.transaction() as session:
            return await privacy.purge(
                session,
                clock.now(),
                rounds_after=timedelta(days=365),
                messages_after=timedelta(days=30),
                dry_run=dry_run,
            )

    assert await purge(dry_run=False) == privacy.Purged(0, 0, 0, 0)  # too soon
    clock.advance(days=366)
    planned = await purge(dry_run=True)
    assert planned.rounds == 1
    assert planned.answers > 0
    assert planned.messages >= 1
    async with db.transaction() as session:  # the dry run changed nothing
        assert await session.scalar(select(func.count()).select_from(RoundRow)) == 1
    done = await purge(dry_run=False)
    assert done == planned  # the dry run said exactly what would go
    assert done.persons == 3  # Anna, Bram and Sara: nothing refers to them any more
    async with db.transaction() as session:
        for table in (RoundRow, AnswerRow, OutboxRow, PersonRow):
            assert await session.scalar(select(func.count()).select_from(table)) == 0, table


# --- through the commands, on the local channel -------------------------------------------


def direct_to(channel: LocalChannel, who: str) -> list[DirectNotice]:
    return [
        p.content
        for p in channel.posted
        if isinstance(p.content, DirectNotice) and p.content.name == who
    ]


async def test_every_round_says_up_front_what_is_kept_and_for_how_long(
    channel: LocalChannel,
) -> None:
    await channel.say(ANNA, "/dialoog start")
    welcome = channel.posted[0].content
    assert isinstance(welcome, NoticePost)
    assert "365 dagen na het einde" in welcome.text
    assert "/dialoog mijngegevens" in welcome.text
    assert "/dialoog vergeetmij" in welcome.text


async def test_mijngegevens_sends_everything_privately_also_as_a_file(
    channel: LocalChannel, service: DialogueService, clock: FakeClock, transcript: list[str]
) -> None:
    await channel.say(SARA, "/dialoog mijngegevens")
    assert "niets over je bewaard" in channel.replies[-1].text
    await finished_round(channel, service, clock)
    await channel.say(BRAM, "/dialoog mijngegevens")
    assert "privébericht" in channel.replies[-1].text
    [notice] = direct_to(channel, "Bram")
    assert notice.data is not None
    assert "Ronde 1" in notice.text
    answers = notice.data["rounds"][0]["answers"]
    assert answers
    assert all(a["text"].startswith("Bram <@U1> over") for a in answers)
    assert "Sara" not in json.dumps(notice.data)
    # what the channel shows of it: the person alone, by name
    assert "privé aan Bram" in "\n".join(transcript)


async def test_vergeetmij_asks_first_then_erases_and_the_summary_says_so(
    db: Database, channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await finished_round(channel, service, clock)
    await channel.say(BRAM, "/dialoog vergeetmij")
    assert "niet ongedaan" in channel.replies[-1].text
    assert "vergeetmij zeker" in channel.replies[-1].text
    async with db.transaction() as session:  # asking changed nothing
        assert await privacy.export(session, "local", BRAM.user_id) is not None
    await channel.say(BRAM, "/dialoog vergeetmij zeker")
    assert "Gewist:" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog samenvatting")
    record = channel.summaries()[-1].summary
    assert "Bram" not in record.model_dump_json()
    assert record.erased == 1
    assert "Antwoorden van 1 deelnemer zijn op hun verzoek verwijderd." in summary_markdown(record)


async def test_vergeetmij_with_another_word_says_how(channel: LocalChannel) -> None:
    await channel.say(BRAM, "/dialoog vergeetmij alles")
    assert "vergeetmij zeker" in channel.replies[-1].text


async def test_a_summary_waiting_to_go_out_is_composed_again_without_them(
    db: Database, channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    """The round ends, its summary waits in the outbox (the platform is down, say), and
    Bram asks to be forgotten: what goes out later does not carry his answers."""
    await channel.say(ANNA, "/dialoog start rollen=1 tempo=1d controle=uit")
    running = True
    while running:
        question = channel.posted[-1].content
        if isinstance(question, QuestionPost):
            await channel.say(BRAM, f"Bram over {question.ref}")
            await channel.say(SARA, f"Sara over {question.ref}")
        rnd = await round_state(service, channel)
        assert rnd is not None
        assert rnd.next_due is not None
        clock.set(rnd.next_due)
        await service.tick()
        after = await round_state(service, channel)
        running = after is not None and after.status is Status.RUNNING
        if running:
            await channel.deliver()
    # the summary is decided, not delivered
    assert not channel.summaries()
    assert await service.erase_person("local", BRAM.user_id) is not None
    await channel.deliver()
    [summary] = channel.summaries()
    assert "Bram" not in summary.summary.model_dump_json()
    assert summary.summary.erased == 1


async def test_the_inbox_forgets_them_too(
    db: Database, channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    """Events handled in the last days still carry a name and words, kept to recognise a
    redelivery; an answer acknowledged but not yet worked off would be stored after the
    erasure. Neither survives it."""
    await channel.say(ANNA, "/dialoog start rollen=1 controle=uit")
    question = channel.latest_question()
    assert question is not None
    await channel.say(BRAM, "Bram, eerder gegeven", reply_to=question)
    in_flight = AnswerGiven(channel.channel, BRAM, "u99", "Bram, nog onderweg", reply_to=question)
    assert await service.receive(in_flight) is not None  # acknowledged, not worked off

    erased = await service.erase_person("local", BRAM.user_id)
    assert erased is not None
    assert erased.events == 2
    await service.work_inbox()
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert [a.text for a in rnd.answers] == []
    async with db.transaction() as session:
        payloads = json.dumps(list(await session.scalars(select(InboxRow.payload))))
        outcomes = list(await session.scalars(select(InboxRow.outcome)))
    assert "Bram" not in payloads
    assert "Anna" in payloads  # only theirs
    assert "erased at the person's request" in outcomes


async def test_purge_runs_on_the_clock_within_the_hour_after_the_retention(
    db: Database, channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await finished_round(channel, service, clock)
    clock.advance(days=364)
    await service.tick()
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(RoundRow)) == 1
    clock.advance(days=2)
    await service.tick()
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(RoundRow)) == 0
        assert await session.scalar(select(func.count()).select_from(AnswerRow)) == 0


async def test_each_round_is_kept_as_long_as_its_welcome_said_and_no_longer(
    db: Database, clock: FakeClock
) -> None:
    """The welcome states the retention when the round starts. Raising the installation's
    retention later does not keep that round longer than it said; lowering it deletes
    rounds sooner, which breaks no promise."""
    short = make_service(db, clock, retention_days=30)
    team = LocalChannel(short, "team", out=lambda _text: None)
    await finished_round(team, short, clock)
    assert "30 dagen" in _welcome(team)
    raised = make_service(db, clock, retention_days=365)  # the setting raised afterwards
    other = LocalChannel(raised, "ander-team", out=lambda _text: None)
    await finished_round(other, raised, clock)
    assert "365 dagen" in _welcome(other)

    clock.advance(days=31)
    purged = await raised.purge()
    assert purged.rounds == 1  # the first round's 30 days are over, whatever is set now
    assert await round_state(raised, team) is None
    assert await round_state(raised, other) is not None

    lowered = make_service(db, clock, retention_days=7)
    assert (await lowered.purge()).rounds == 1  # 31 days after it ended is past 7 days
    assert await round_state(lowered, other) is None


def _welcome(channel: LocalChannel) -> str:
    return content_text(channel.posted[0].content)


async def test_an_outcome_fixed_for_review_loses_their_findings_too(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    """The draft under review was fixed when the last step closed: themes with Bram's
    excerpts, his action with his name. After his erasure none of it shows."""
    await finished_round(
        channel, service, clock, review="2d",
        bram="Bram: tijd voor begeleiding in het rooster ({ref})",
        sara="Sara: tijd voor begeleiding van studenten ({ref})",
    )  # fmt: skip
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.review is not None
    assert "Bram" in rnd.review.draft.model_dump_json()  # the draft did show him
    await channel.say(BRAM, "/dialoog vergeetmij zeker")
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.review is not None
    assert "Bram" not in rnd.review.draft.model_dump_json()
    summary = compile_summary(get_card("dialoogkaart"), rnd, clock.now())
    assert "Bram" not in summary.model_dump_json()
    assert summary.erased == 1


async def test_the_next_round_forgets_their_actions_from_the_round_before(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    """A new round keeps the previous round's actions for the kwaliteitscyclus; after
    Bram's erasure his action is gone from that snapshot too."""
    await finished_round(channel, service, clock)
    await channel.say(ANNA, "/dialoog start rollen=1 tempo=1d controle=uit")
    second = await round_state(service, channel)
    assert second is not None
    assert second.previous is not None
    assert any("Bram" in (a.author or "") for a in second.previous.actions)
    await channel.say(BRAM, "/dialoog vergeetmij zeker")
    second = await round_state(service, channel)
    assert second is not None
    assert second.previous is not None
    assert second.previous.actions  # Sara's action stays
    assert not [a for a in second.previous.actions if "Bram" in f"{a.author} {a.what}"]
