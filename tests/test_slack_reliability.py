"""Slack under load and faults, through real slack-bolt and slack_sdk over HTTP: many
people answering at once, a fake Slack that fails a fifth of its calls, people and
channels Slack refuses, and a database that is away while Slack sends events."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import make_url

from adapters.slack import translate
from bot.scheduler import wake
from storage.db import Database
from storage.repository import Repository
from tests.dbproxy import CuttableProxy
from tests.fakes import FakeClock
from tests.slack_harness import CHANNEL, Harness, kind, open_slack, pdf_text, reply


async def kept_answers(db: Database) -> list[str]:
    async with db.transaction() as session:
        rnd = await Repository(session).latest(translate.channel(CHANNEL))
    assert rnd is not None
    return [a.text for a in rnd.answers]


async def started(slack: Harness, options: str = "") -> str:
    """Start a round over HTTP; the ts of its opening question."""
    assert await slack.send.command("UANNA", CHANNEL, f"start {options}") == 200
    await slack.fake.wait_for(lambda: len(slack.questions()) == 1)
    await slack.adapter.idle()  # and recorded, so replies to it can be matched
    return str(slack.questions()[0]["_ts"])


async def test_fifty_people_answering_at_once_are_all_kept(db: Database, clock: FakeClock) -> None:
    async with open_slack(db, clock) as slack:
        opening = await started(slack)
        replies = [reply(f"U{n:03d}", opening, f"Antwoord {n}", f"60.{n}") for n in range(50)]
        statuses = await asyncio.gather(*(slack.send.event(r) for r in replies))
        assert set(statuses) == {200}  # acknowledged, so each must be kept
        await slack.adapter.idle()
        assert sorted(await kept_answers(db)) == sorted(f"Antwoord {n}" for n in range(50))
        await slack.send.command("UANNA", CHANNEL, "samenvatting")
        await slack.fake.wait_for(lambda: bool(slack.fake.uploads))
        record = pdf_text(next(iter(slack.fake.uploads.values())))
        assert all(f"Antwoord {n}" in record for n in range(50))


async def test_a_fifth_of_calls_failing_still_delivers_every_message_once_in_order(
    db: Database, clock: FakeClock
) -> None:
    async with open_slack(db, clock, client_timeout=0.2) as slack:
        slack.fake.chaos, slack.fake.late = 0.2, 0.4
        await slack.send.command("UANNA", CHANNEL, "start vragen=1.1,1.2 tempo=5s")
        await slack.adapter.idle()
        for _ in range(300):
            if any(kind(p) == "summary" for p in slack.fake.posts(CHANNEL)):
                break
            clock.advance(seconds=5)
            await slack.service.tick()
            await slack.service.work_inbox()
            await slack.adapter.deliver()
        posts = slack.fake.posts(CHANNEL)
        headers = [q["blocks"][0]["text"]["text"] for q in slack.questions()]
        assert len(headers) == len(set(headers)) == 7  # opening, 1.1, 1.2, droom, 3 × evaluatie
        assert "Openingsvraag" in headers[0]
        assert "Droomvraag" in headers[3]
        assert sum(kind(p) == "summary" for p in posts) == 1
        assert "Welkom" in posts[0]["text"]
        assert {"429", "500", "late"} <= set(slack.fake.faults)  # every kind of fault was met
        # a post Slack made but never confirmed was looked for before it was sent again
        looked = slack.fake.of("conversations.history") + slack.fake.of("conversations.replies")
        assert looked


async def test_people_and_channels_slack_refuses_never_stop_a_round(
    db: Database, clock: FakeClock
) -> None:
    async with open_slack(db, clock) as slack:
        fake = slack.fake
        fake.refusals[("conversations.open", "USARA")] = "cannot_dm_bot"
        fake.refusals[("chat.postMessage", "CARCHIEF")] = "is_archived"
        opening = await started(slack, "tempo=1h")
        await slack.send.event(reply("USARA", opening, "Sara doet mee", "70.1"))
        await slack.send.command("UBRAM", "CARCHIEF", "start tempo=1h")
        await slack.adapter.idle()
        for _hour in range(3):
            clock.advance(minutes=45)  # reminders, Sara's refused
            await slack.service.tick()
            await slack.adapter.deliver()
            clock.advance(minutes=15)  # the next question
            await slack.service.tick()
            await slack.adapter.deliver()
        assert len(slack.questions()) == 4  # the round in C1 went on
        to_anna = fake.posts("DUANNA")
        told = [p["text"] for p in to_anna if "Ik kan" in p["text"]]
        assert len(told) == 1  # about Sara, once
        assert "Sara" in told[0]
        to_bram = [p["text"] for p in fake.posts("DUBRAM")]
        assert sum("kon niet in het kanaal" in t for t in to_bram) == 1  # the archived channel


@pytest.mark.postgres
async def test_events_slack_sends_while_the_database_is_stopped_are_refused_then_kept(
    postgres_url: str, clock: FakeClock
) -> None:
    """The database is cut off through a TCP relay in front of PostgreSQL."""
    db = Database(postgres_url)
    await db.migrate()
    target = make_url(postgres_url)
    assert target.host is not None
    assert target.port is not None
    proxy = await CuttableProxy(target.host, target.port).start()
    relayed = Database(target.set(port=proxy.port).render_as_string(hide_password=False))
    async with open_slack(relayed, clock) as slack:
        opening = await started(slack, "tempo=1h")
        await proxy.cut()
        answers = [reply(f"U{n}", opening, f"Tijdens de storing {n}", f"80.{n}") for n in range(5)]
        statuses = [await slack.send.event(a, event_id=f"EvDown{n}") for n, a in enumerate(answers)]
        assert statuses == [500] * 5  # not acknowledged, so Slack delivers them again
        clock.advance(hours=1)
        await wake(slack.service, slack.adapter.deliver, asyncio.Lock())  # logs, goes on
        await proxy.start()
        for n, answer in enumerate(answers):  # Slack's retries, until one is acknowledged
            retried = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
            status = await slack.send.event(answer, event_id=f"EvDown{n}", **retried)
            assert status == 200
        await slack.adapter.idle()
        assert sorted(await kept_answers(db)) == [f"Tijdens de storing {n}" for n in range(5)]
        await slack.service.tick()
        await slack.adapter.deliver()
        assert len(slack.questions()) == 2  # and the round goes on
    await relayed.close()
    await proxy.cut()
    await db.close()


async def test_an_answer_with_a_lone_surrogate_is_kept_readably(
    db: Database, clock: FakeClock
) -> None:
    async with open_slack(db, clock) as slack:
        opening = await started(slack)
        broken = reply("UBRAM", opening, "half \ud800 emoji", "90.1")  # JSON may carry this
        assert await slack.send.event(broken) == 200
        await slack.adapter.idle()
        assert await kept_answers(db) == ["half \ufffd emoji"]
