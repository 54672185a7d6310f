"""A network round in Slack, end to end: real slack-bolt and slack_sdk over HTTP, a fake
Slack on localhost, the service on a movable clock.

The coordinator starts the round in the channel; two leaders join with the Doe mee button
and go through the card in their direct messages with the bot, each at their own pace;
one edits an earlier answer; the channel sees one progress message, edited in place,
with counts and never names; the one who falls behind is reminded by direct message on
a school day; the coordinator closes the round and the outcome, with the record, appears
in the channel.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.slack import translate
from bot.model import Round, Status
from storage.db import Database
from storage.repository import Repository
from tests.fake_slack import USERS
from tests.platform_limits import SLACK_FALLBACK_LIMIT, slack_message_problems
from tests.slack_harness import (
    CHANNEL,
    Harness,
    direct,
    direct_channel,
    direct_edit,
    kind,
    pdf_text,
)

AMS = ZoneInfo("Europe/Amsterdam")
ANNA, BRAM, SARA = "UANNA", "UBRAM", "USARA"
# opening, 1.1, the droomvraag and the three evaluation questions
START = "start netwerk sluit=2026-12-18 vragen=1.1 controle=uit"
QUESTIONS = 6
NAMES = ("Anna", "Bram", "Sara", "Vries", "Jansen", "Bakker")
_ts = itertools.count(1)


def ts() -> str:
    return f"1764000000.{next(_ts):06d}"


def answer(user: str, n: int) -> str:
    return f"Vraag {n}: het rooster geeft te weinig tijd voor begeleiding ({USERS[user]})."


def posts_of(slack: Harness, what: str, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [p for p in slack.fake.posts(channel) if kind(p) == what]


def asked(slack: Harness, user: str) -> list[str]:
    """The "Vraag n van m" of each question asked in ``user``'s direct message."""
    found = []
    for post in posts_of(slack, "private question", direct_channel(user)):
        context = [
            e["text"] for b in post["blocks"] if b["type"] == "context" for e in b["elements"]
        ]
        found.append(next(t for t in context if t.startswith("Vraag ")).split(" · ")[0])
    return found


def dm_texts(slack: Harness, user: str) -> list[str]:
    return [str(p["text"]) for p in slack.fake.posts(direct_channel(user))]


def progress_text(message: dict[str, Any]) -> str:
    return str(message["blocks"][0]["text"]["text"])


async def say_directly(slack: Harness, user: str, text: str) -> str:
    """``user`` writes ``text`` in their direct message with the bot; returns its ts."""
    slack.clock.advance(seconds=30)
    sent = ts()
    assert await slack.send.event(direct(user, text, sent)) == 200
    await slack.adapter.idle()
    return sent


async def command(slack: Harness, user: str, text: str, channel: str = CHANNEL) -> None:
    assert await slack.send.command(user, channel, text) == 200
    await slack.adapter.idle()


async def join(slack: Harness, user: str) -> None:
    announcement = posts_of(slack, "announcement")[0]
    assert await slack.send.click(user, CHANNEL, announcement, translate.JOIN_ACTION) == 200
    await slack.adapter.idle()


async def until(slack: Harness, when: datetime) -> list[datetime]:
    """Move the clock to ``when`` an hour at a time, as the scheduler wakes; returns the
    moments reminders went out."""
    moments: list[datetime] = []
    while slack.clock.now() < when:
        before = len(slack.fake.posts())
        slack.clock.advance(hours=1)
        await slack.service.tick()
        await slack.adapter.deliver()
        new = slack.fake.posts()[before:]
        moments += [slack.clock.now() for p in new if "Herinnering" in str(p["text"])]
    return moments


async def the_round(db: Database) -> Round:
    async with db.transaction() as session:
        rnd = await Repository(session).latest(translate.channel(CHANNEL))
    assert rnd is not None
    return rnd


async def test_a_network_round_in_slack(slack: Harness, db: Database) -> None:
    fake = slack.fake
    await command(slack, ANNA, START)
    assert "Ronde 1 is gestart" in fake.of("chat.postEphemeral")[-1]["text"]
    [announcement] = posts_of(slack, "announcement")
    assert "Welkom bij de netwerkronde" in announcement["text"]
    [progress] = posts_of(slack, "progress")
    assert slack.questions() == []  # nothing is asked in the channel itself

    # Bram joins with the button (delivered twice, as Socket Mode may: kept once)
    click = slack.send.click_payload(BRAM, CHANNEL, announcement, translate.JOIN_ACTION)
    assert await slack.send.interaction(click) == 200
    assert await slack.send.interaction(click) == 200
    await slack.adapter.idle()
    assert asked(slack, BRAM) == ["Vraag 1 van 6"]
    joined = fake.of("chat.postEphemeral")[-1]
    assert joined["user"] == BRAM
    assert "Je doet mee" in joined["text"]

    # ... and answers everything on day one, just by writing in his direct message
    said = [await say_directly(slack, BRAM, answer(BRAM, n)) for n in range(1, QUESTIONS + 1)]
    assert asked(slack, BRAM) == [f"Vraag {n} van 6" for n in range(1, QUESTIONS + 1)]
    assert "Dat was de laatste vraag" in dm_texts(slack, BRAM)[-1]

    # Sara joins the same day, answers one question, then is busy for a while
    await join(slack, SARA)
    await say_directly(slack, SARA, answer(SARA, 1))
    assert asked(slack, SARA) == ["Vraag 1 van 6", "Vraag 2 van 6"]

    # Bram changes his first answer; the record will show the new text
    edited = "Vraag 1, beter gezegd: begeleiding verdient vaste uren in het rooster."
    assert await slack.send.event(direct_edit(BRAM, said[0], edited, ts())) == 200
    await slack.adapter.idle()

    # The channel: one progress message, edited in place; counts, never names
    assert posts_of(slack, "progress") == [progress]
    updates = fake.updates(CHANNEL)
    assert updates
    assert {u["ts"] for u in updates} == {progress["_ts"]}
    assert "1 van 2 deelnemers zijn klaar, 1 is onderweg" in progress_text(updates[-1])
    shown = [progress_text(progress), *map(progress_text, updates)]
    assert len(set(shown)) >= 3  # it changed as people joined and finished
    for text in shown:
        assert not any(name in text for name in NAMES)

    # Sara falls behind: reminded in her direct message, on a school day, within hours
    moments = await until(slack, datetime(2026, 12, 3, 10, 30, tzinfo=AMS))
    assert moments, "Sara fell behind and is reminded"
    for moment in moments:
        here = moment.astimezone(AMS)
        assert here.weekday() < 5
        assert 8 <= here.hour < 18
    assert not any("Herinnering" in t for t in dm_texts(slack, BRAM))  # done: left alone
    reminder = next(p for p in fake.posts(direct_channel(SARA)) if "Herinnering" in p["text"])
    assert "/dialoog verder" in json.dumps(reminder, ensure_ascii=False)

    # In her direct message: where was I, going on, skipping one (replies are messages
    # there, not ephemerals)
    dm = direct_channel(SARA)
    ephemerals = len(fake.of("chat.postEphemeral"))
    await command(slack, SARA, "status", channel=dm)
    assert "Je bent bij vraag 2 van 6" in dm_texts(slack, SARA)[-1]
    await command(slack, SARA, "verder", channel=dm)
    assert asked(slack, SARA)[-1] == "Vraag 2 van 6"
    await command(slack, SARA, "overslaan", channel=dm)
    assert asked(slack, SARA)[-1] == "Vraag 3 van 6"
    assert len(fake.of("chat.postEphemeral")) == ephemerals
    for n in range(3, QUESTIONS + 1):
        await say_directly(slack, SARA, answer(SARA, n))
    assert "Dat was de laatste vraag" in dm_texts(slack, SARA)[-1]

    # The coordinator sees who is how far, privately
    await command(slack, ANNA, "status")
    status = fake.of("chat.postEphemeral")[-1]
    assert status["user"] == ANNA
    assert "Bram Jansen 6/6" in status["text"]

    # Closing: the outcome in the channel, the record with it; the progress says closed
    await command(slack, ANNA, "sluit")
    await fake.wait_for(lambda: bool(posts_of(slack, "summary")))
    await slack.adapter.idle()
    rnd = await the_round(db)
    assert rnd.status is Status.FINISHED
    [outcome] = posts_of(slack, "summary")
    assert outcome["blocks"][0]["text"]["text"].startswith("Uitkomst: ")
    [upload] = fake.of("files.getUploadURLExternal")
    assert upload["filename"] == "dialoog-ronde-1.pdf"
    assert fake.of("files.completeUploadExternal")[0]["channel_id"] == CHANNEL
    record = pdf_text(next(iter(fake.uploads.values())))
    assert edited in record
    assert answer(BRAM, 1) not in record
    assert answer(SARA, 6) in record
    last = fake.updates(CHANNEL)[-1]
    assert last["ts"] == progress["_ts"]
    assert progress_text(last).startswith("Netwerkronde gesloten")
    assert posts_of(slack, "progress") == [progress]

    for post in [*fake.posts(), *fake.updates(), *fake.of("chat.postEphemeral")]:
        assert slack_message_problems(post, text_limit=SLACK_FALLBACK_LIMIT) == []


async def test_a_progress_message_that_is_gone_is_posted_anew(slack: Harness) -> None:
    fake = slack.fake
    await command(slack, ANNA, START)
    [first] = posts_of(slack, "progress")
    fake.deleted.add(first["_ts"])  # someone deleted it
    await join(slack, BRAM)
    assert [c.method for c in fake.calls].count("chat.update:refused") == 1
    again = posts_of(slack, "progress")
    assert len(again) == 2
    assert "0 van 1 deelnemer is klaar" in progress_text(again[-1])
    await join(slack, SARA)  # the new one is edited from now on
    assert fake.updates(CHANNEL)[-1]["ts"] == again[-1]["_ts"]
    assert len(posts_of(slack, "progress")) == 2


async def test_a_direct_message_outside_a_network_round_is_answered_there(
    slack: Harness,
) -> None:
    """Someone who writes to the bot without taking part hears why, in the same place;
    the bot's own messages there and edits of nothing are let be."""
    fake = slack.fake
    await say_directly(slack, SARA, "Hallo?")
    assert "je doet niet mee aan een netwerkronde" in dm_texts(slack, SARA)[-1]
    assert fake.of("chat.postEphemeral") == []
    own = {**direct(SARA, "van de bot", ts()), "user": "UBOT", "bot_id": "BBOT"}
    assert await slack.send.event(own) == 200
    assert await slack.send.event(direct_edit(SARA, "1.000001", "niets", ts())) == 200
    await slack.adapter.idle()
    assert len(dm_texts(slack, SARA)) == 1
