"""People's data rights on a real database (SQLite file and PostgreSQL): see what is kept
about you, have it erased, and nothing kept longer than the retention allows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from adapters.local.channel import LocalChannel, person
from bot.model import Status
from bot.outbound import QuestionPost
from bot.service import DialogueService
from bot.summary import compile_summary
from dialogues.cards import get_card
from storage import privacy
from storage.db import Database
from storage.models import AnswerRow, OutboxRow, PersonRow, RoundRow
from tests.fakes import FakeClock
from tests.test_service import round_state, run_due

ANNA = person("Anna")
BRAM = person("Bram")
SARA = person("Sara")


async def finished_round(channel: LocalChannel, service: DialogueService, clock: FakeClock) -> None:
    """Bram and Sara answer every step of a short round, Sara once privately."""
    await channel.say(ANNA, "/dialoog start rollen=1 tempo=1d controle=uit")
    while (rnd := await round_state(service, channel)) is not None and rnd.status is Status.RUNNING:
        question = channel.posted[-1].content
        if isinstance(question, QuestionPost):
            await channel.say(BRAM, f"Bram <@U1> over {question.ref}")
            await channel.say(SARA, f"Sara over {question.ref}")
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
        erased = await privacy.erase(session, "local", BRAM.user_id)
        again = await privacy.erase(session, "local", BRAM.user_id)
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
    assert (done.rounds, done.answers) == (planned.rounds, planned.answers)
    async with db.transaction() as session:
        for table in (RoundRow, AnswerRow, OutboxRow, PersonRow):
            assert await session.scalar(select(func.count()).select_from(table)) == 0, table
