"""Slack end to end: real slack-bolt and slack_sdk, real HTTP, a fake Slack on localhost."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from adapters.slack import translate
from adapters.slack.app import SlackAdapter, SlackSettings
from storage.db import Database
from storage.repository import Repository
from tests.conftest import make_service
from tests.fake_slack import APP_TOKEN, SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes import FakeClock
from tests.slack_harness import CHANNEL, Harness, kind, pdf_text, reply, serve


async def answer_privately(slack: Harness, question: dict[str, Any], user: str, text: str) -> None:
    """Click "Privé antwoorden" under ``question``, then submit the modal that opens."""
    actions = next(b for b in question["blocks"] if b["type"] == "actions")
    await slack.send.interaction({
        "type": "block_actions", "user": {"id": user}, "trigger_id": "t1",
        "channel": {"id": CHANNEL}, "message": question, "actions": actions["elements"],
    })  # fmt: skip
    await slack.fake.wait_for(lambda: len(slack.fake.of("views.open")) == 1)
    view = slack.fake.of("views.open")[0]["view"]
    state = {"values": {"antwoord": {"tekst": {"value": text}}}}
    await slack.send.interaction(
        {
            "type": "view_submission",
            "user": {"id": user},
            "view": {**view, "id": "V9", "state": state},
        }
    )
    await slack.adapter.idle()
    assert "eindsamenvatting" in slack.fake.of("chat.postEphemeral")[-1]["text"]


async def test_a_whole_round_from_slash_command_to_summary(slack: Harness) -> None:
    fake = slack.fake
    assert await slack.send.command("UANNA", CHANNEL, "start rollen=1 tempo=5s") == 200
    await fake.wait_for(lambda: len(slack.questions()) == 1)
    await fake.wait_for(lambda: len(fake.of("chat.postEphemeral")) == 1)
    assert "Ronde 1 is gestart" in fake.of("chat.postEphemeral")[0]["text"]

    answered = 0
    while not any(kind(p) == "summary" for p in fake.posts(CHANNEL)):
        question = slack.questions()[-1]
        answered += 1
        await slack.send.event(
            reply("UBRAM", str(question["_ts"]), f"Bram, stap {answered}", f"9{answered}.1")
        )
        if answered == 2:  # Sara prefers to answer this one privately
            await answer_privately(slack, question, "USARA", "Privé: <!here> *geheim*")
        await slack.adapter.idle()
        await slack.step()

    headers = [q["blocks"][0]["text"]["text"] for q in slack.questions()]
    assert len(headers) == len(set(headers)) == 1 + 6 + 1 + 3  # every step exactly once
    summary = next(p for p in fake.posts(CHANNEL) if kind(p) == "summary")
    texts = [b["text"]["text"] for b in summary["blocks"] if "text" in b]
    assert texts[0].startswith("Uitkomst: ")  # the outcome first, short
    assert {"Wat terugkomt", "Droom", "Acties"} <= set(texts)
    shown = json.dumps(summary, ensure_ascii=False)
    assert "Sara" not in shown  # she answered only privately: never named
    assert "stappen beantwoord" not in shown  # no ranking of who answered how much
    assert "Bram, stap 3" not in shown  # the answers themselves are in the record
    welcome = fake.posts(CHANNEL)[0]
    assert "Welkom bij de dialoog" in welcome["text"]
    assert summary["thread_ts"] == welcome["_ts"]  # in the round's thread...
    assert summary["reply_broadcast"] in (True, "true", "1")  # ...and shown in the channel
    upload = fake.of("files.completeUploadExternal")[0]
    assert upload["thread_ts"] == welcome["_ts"]
    assert fake.of("files.getUploadURLExternal")[0]["filename"] == "dialoog-ronde-1.pdf"
    record = pdf_text(next(iter(fake.uploads.values())))
    assert "Bram, stap 8" in record  # the droomvraag answer, in the full record
    assert "Privé: <!here> *geheim*" in record
    assert "Sara" not in record  # a private answer carries no name, on paper neither


async def test_a_forged_signature_is_refused(slack: Harness) -> None:
    assert await slack.send.forged("start") == 401
    assert slack.fake.posts() == []


async def test_a_retried_event_is_stored_once(slack: Harness) -> None:
    fake = slack.fake
    await slack.send.command("UANNA", CHANNEL, "start")
    await fake.wait_for(lambda: len(slack.questions()) == 1)
    ts = str(slack.questions()[0]["_ts"])
    event = reply("UBRAM", ts, "één keer", "77.1")
    await slack.send.event(event, event_id="EvSame")
    await slack.send.event(event, event_id="EvSame", **{"X-Slack-Retry-Num": "1"})
    await slack.adapter.idle()
    await slack.send.command("UANNA", CHANNEL, "samenvatting")
    await fake.wait_for(lambda: bool(fake.uploads))
    record = pdf_text(next(iter(fake.uploads.values())))
    assert record.count("één keer") == 1


async def test_a_429_is_waited_out_and_the_message_posted_once(slack: Harness) -> None:
    fake = slack.fake
    fake.fail("chat.postMessage", 429, {"Retry-After": "7"})
    await slack.send.command("UANNA", CHANNEL, "start")
    await fake.wait_for(lambda: len(slack.questions()) == 1)
    assert [c.method for c in fake.calls if c.method.startswith("chat.postMessage")][:2] == [
        "chat.postMessage:429",
        "chat.postMessage",
    ]
    assert len(fake.posts(CHANNEL)) == 2  # the welcome notice and the opening, once each
    assert slack.waits
    assert 7 <= slack.waits[0] < 8


async def test_a_participant_cannot_stop_the_round(slack: Harness) -> None:
    fake = slack.fake
    await slack.send.command("UANNA", CHANNEL, "start")
    await fake.wait_for(lambda: len(slack.questions()) == 1)
    await slack.send.command("UBRAM", CHANNEL, "stop")
    await fake.wait_for(lambda: len(fake.of("chat.postEphemeral")) == 2)
    refusal = fake.of("chat.postEphemeral")[1]
    assert refusal["user"] == "UBRAM"
    assert "Alleen een coördinator" in refusal["text"]


async def test_mentions_edits_deletions_and_reminders(slack: Harness, db: Database) -> None:
    fake = slack.fake
    await slack.send.event(
        {"type": "app_mention", "channel": CHANNEL, "user": "UANNA",
         "text": "<@UBOT> start tempo=1h", "ts": "1.1"}
    )  # fmt: skip
    await slack.adapter.idle()
    opening = slack.questions()[0]
    ts = str(opening["_ts"])
    answer = reply("UBRAM", ts, "eerste versie", "50.1")
    await slack.send.event(answer)
    await slack.send.event(reply("USARA", ts, "weg ermee", "50.2"))
    await slack.adapter.idle()
    await slack.send.event({
        "type": "message", "subtype": "message_changed", "channel": CHANNEL,
        "message": {**answer, "text": "tweede versie"}, "ts": "50.9",
    })  # fmt: skip
    await slack.send.event(
        {"type": "message", "subtype": "message_deleted", "channel": CHANNEL, "deleted_ts": "50.2"}
    )
    # the bot's own messages and top-level chatter are not answers
    await slack.send.event({**reply("UBOT", ts, "ik", "50.3"), "bot_id": "BBOT"})
    await slack.send.event(
        {"type": "message", "channel": CHANNEL, "user": "UBRAM", "text": "hoi", "ts": "50.4"}
    )
    await slack.adapter.idle()
    async with db.transaction() as session:
        rnd = await Repository(session).active(translate.channel(CHANNEL))
    assert rnd is not None
    assert [(a.person.name, a.text) for a in rnd.answers] == [("Bram Jansen", "tweede versie")]

    slack.clock.advance(minutes=45)  # three quarters of the hour: reminders
    await slack.service.tick()
    await slack.adapter.deliver()
    direct = fake.of("conversations.open")
    assert [d["users"] for d in direct] == ["UANNA"]  # Bram answered; Sara's answer is gone
    reminder = fake.posts("DUANNA")[0]
    assert "Herinnering" in reminder["blocks"][0]["text"]["text"]
    assert reminder["blocks"][-1]["elements"][0]["text"] == f"In <#{CHANNEL}>"


async def test_a_passing_server_error_is_retried_without_a_double_post(slack: Harness) -> None:
    fake = slack.fake
    fake.fail("chat.postMessage", 503)
    fake.fail("chat.postMessage", 502)
    await slack.send.command("UANNA", CHANNEL, "start")
    await fake.wait_for(lambda: len(slack.questions()) == 1)
    methods = [c.method for c in fake.calls if c.method.startswith("chat.postMessage")]
    assert methods[:3] == ["chat.postMessage:503", "chat.postMessage:502", "chat.postMessage"]
    assert len(fake.posts(CHANNEL)) == 2
    assert len(slack.waits) == 2
    assert 0.5 <= slack.waits[0] < 0.6  # backing off, with a little jitter
    assert 1.0 <= slack.waits[1] < 1.1


async def test_socket_mode_takes_a_command_and_acknowledges_it(
    db: Database, clock: FakeClock
) -> None:
    fake = FakeSlack()
    runner, url = await serve(fake.app())
    fake.base_url = url
    settings = SlackSettings(
        bot_token=TOKEN, signing_secret=SIGNING_SECRET, app_token=APP_TOKEN, api_url=url + "api/"
    )
    adapter = SlackAdapter(make_service(db, clock), settings)
    running = asyncio.create_task(adapter.run_socket_mode())
    try:
        await fake.wait_for(lambda: bool(fake.sockets))
        command = {
            "command": "/dialoog", "text": "start tempo=5s", "user_id": "UANNA",
            "channel_id": CHANNEL, "team_id": "T1", "trigger_id": "t",
        }  # fmt: skip
        await fake.push(
            {"envelope_id": "E1", "type": "slash_commands", "payload": command,
             "accepts_response_payload": True}
        )  # fmt: skip
        await fake.wait_for(lambda: any(a.get("envelope_id") == "E1" for a in fake.acks))
        await fake.wait_for(lambda: len(fake.posts(CHANNEL)) == 2)
        assert "Openingsvraag" in fake.posts(CHANNEL)[1]["text"]
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await runner.cleanup()
