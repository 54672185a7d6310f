"""Telegram end to end: real python-telegram-bot, real HTTP, a fake Bot API on localhost."""

from __future__ import annotations

import contextlib

from aiohttp import ClientSession

from adapters.local.channel import person
from adapters.telegram.app import TelegramAdapter, TelegramSettings
from adapters.telegram.translate import link_key, private_start
from bot.model import ChannelRef, CommandGiven
from storage.db import Database
from tests.conftest import make_service
from tests.fake_telegram import GROUP, TOKEN, USERS, FakeTelegram
from tests.fakes import FakeClock
from tests.slack_harness import pdf_text
from tests.telegram_harness import Harness, serve


async def run_round(t: Harness, *, topic: int | None = None) -> None:
    """Start, answer every question (one of them privately), step to the summary."""
    where = {"topic": topic} if topic else {}
    await t.say("anna", "/dialoog start rollen=3 tempo=5s", **where)
    answered = 0
    while not t.fake.of("sendDocument"):  # the outcome, and the record with it
        question = t.questions()[-1]["_message"]
        answered += 1
        await t.say(
            "bram", f"Bram bij stap {answered} <b>&</b> <script>", reply_to=question, **where
        )
        if answered == 2:
            link = t.questions()[-1]["reply_markup"]["inline_keyboard"][0][0]["url"]
            start = link.split("start=")[1]
            await t.say("sara", f"/start {start}", chat=USERS["sara"]["id"])
            asked = t.fake.sent(USERS["sara"]["id"])[-1]["_message"]
            await t.say("sara", "liever privé", chat=USERS["sara"]["id"], reply_to=asked)
        await t.step()


async def test_a_whole_round_in_a_group(telegram: Harness) -> None:
    fake = telegram.fake
    await run_round(telegram)
    titles = [q["text"].split("\n")[0] for q in telegram.questions()]
    assert len(titles) == len(set(titles)) == 1 + 5 + 1 + 3
    outcome = [m["text"] for m in fake.sent() if m["text"].startswith("<b>Uitkomst: ")]
    assert len(outcome) == 1  # short: one message a phone shows whole
    assert "<b>Acties</b>" in outcome[0]
    assert "Bram Jansen: Bram bij stap 9 &lt;b&gt;&amp;&lt;/b&gt; &lt;script&gt;" in outcome[0]
    assert "Sara" not in outcome[0]  # she answered only privately
    assert "stappen beantwoord" not in outcome[0]
    assert all(m.get("parse_mode") == "HTML" for m in fake.of("sendMessage"))
    document = fake.of("sendDocument")[0]
    assert document["document:filename"] == "dialoog-ronde-1.pdf"
    record = pdf_text(document["document"])
    assert "Bram bij stap 7 <b>&</b> <script>" in record
    assert "liever privé" in record
    assert "Sara" not in record  # a private answer carries no name
    commands = fake.of("setMyCommands")
    assert [c.get("language_code") for c in commands] == ["nl", None]


async def test_a_round_in_a_forum_topic_stays_in_its_topic(telegram: Harness) -> None:
    await run_round(telegram, topic=77)
    group_messages = telegram.fake.sent()
    assert group_messages
    assert all(int(m["message_thread_id"]) == 77 for m in group_messages)


async def test_edits_update_the_answer_and_a_seen_update_is_handled_once(
    telegram: Harness, db: Database
) -> None:
    await telegram.say("anna", "/dialoog start")
    question = telegram.questions()[-1]["_message"]
    answer = await telegram.say("bram", "eerste", reply_to=question)
    await telegram.adapter.handled(await telegram.fake.edit(answer, "tweede"))
    await telegram.say("anna", "/dialoog samenvatting")
    record = pdf_text(telegram.fake.of("sendDocument")[-1]["document"])
    assert "tweede" in record
    assert "eerste" not in record


async def test_a_429_with_retry_after_is_waited_out_and_sent_once(telegram: Harness) -> None:
    telegram.fake.fail("sendMessage", 3)
    await telegram.say("anna", "/dialoog start")
    methods = [name for name, _ in telegram.fake.calls if name.startswith("sendMessage")]
    assert methods[0] == "sendMessage:429"
    assert len(telegram.questions()) == 1
    # the wait Telegram asked for, once; the others are the pacing's fractions of a second
    assert [w for w in telegram.waits if w >= 1] == [3.0]


async def test_only_admins_and_the_starter_steer(telegram: Harness) -> None:
    await telegram.say("anna", "/dialoog start")
    await telegram.say("bram", "/dialoog pauze")
    assert "Alleen een coördinator" in telegram.fake.sent()[-1]["text"]
    telegram.fake.admins.add(USERS["bram"]["id"])
    await telegram.say("bram", "/dialoog pauze")
    assert "gepauzeerd" in telegram.fake.sent()[-1]["text"]


async def test_the_webhook_checks_the_secret_and_handles_a_redelivery_once(
    db: Database, clock: FakeClock
) -> None:
    fake = FakeTelegram()
    runner, url = await serve(fake.app())
    adapter = TelegramAdapter(
        make_service(db, clock),
        TelegramSettings(bot_token=TOKEN, webhook_secret="geheim", api_url=url),
    )
    await adapter.start()
    hook_runner, hook_url = await serve(adapter.webhook())
    try:
        update = {
            "update_id": 41,
            "message": {
                "message_id": 1, "date": 0, "chat": {"id": GROUP, "type": "supergroup"},
                "from": USERS["anna"], "text": "/dialoog start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
            },
        }  # fmt: skip
        hook = f"{hook_url}/telegram"
        secret = {"X-Telegram-Bot-Api-Secret-Token": "geheim"}
        async with ClientSession() as session:
            async with session.post(hook, json=update) as refused:
                assert refused.status == 403
            for _ in range(2):  # Telegram delivers again when it did not hear back in time
                async with session.post(hook, json=update, headers=secret) as accepted:
                    assert accepted.status == 200
            await adapter.handled(41, times=2)
            unreadable = b'{"update_id": 42, "message": "\xff\xfe"}'  # not UTF-8
            async with session.post(hook, data=unreadable, headers=secret) as answered:
                assert answered.status == 200  # logged; sending it again cannot help
        replies = [m["text"] for m in fake.sent() if "reply_markup" not in m]
        assert sum("Ronde 1 is gestart" in r for r in replies) == 1
        assert not any("Hier loopt al een ronde" in r for r in replies)
    finally:
        await hook_runner.cleanup()
        with contextlib.suppress(Exception):
            await adapter.stop()
        await runner.cleanup()


def private_link(t: Harness) -> str:
    link = str(t.questions()[-1]["reply_markup"]["inline_keyboard"][0][0]["url"])
    return link.split("start=")[1]


async def test_private_answer_links_are_signed_and_only_for_members(telegram: Harness) -> None:
    await telegram.say("anna", "/dialoog start")
    sara = USERS["sara"]["id"]
    good = private_link(telegram)
    round_id, step, signature = good[1:].split("_", 2)
    forged = [
        f"p{round_id}_{step}",  # the old, unsigned shape
        f"p{round_id}_{int(step) + 1}_{signature}",  # another step, same signature
        f"p{int(round_id) + 1}_{step}_{signature}",  # a guessed round
    ]
    for start in forged:
        await telegram.say("sara", f"/start {start}", chat=sara)
        assert "hoort niet bij een vraag" in telegram.fake.sent(sara)[-1]["text"]
    telegram.fake.left.add(sara)  # the real link, opened by someone not in the group
    await telegram.say("sara", f"/start {good}", chat=sara)
    assert "hoort niet bij een vraag" in telegram.fake.sent(sara)[-1]["text"]
    telegram.fake.left.clear()
    await telegram.say("sara", f"/start {good}", chat=sara)
    assert "force_reply" in telegram.fake.sent(sara)[-1]["reply_markup"]


async def test_a_link_to_a_round_of_another_platform_is_refused(
    telegram: Harness, db: Database
) -> None:
    other = ChannelRef("local", "team")
    await telegram.service.handle(CommandGiven(other, person("Anna"), "start"))
    key = link_key(TOKEN)
    sara = USERS["sara"]["id"]
    await telegram.say("sara", f"/start {private_start(1, 0, key)}", chat=sara)
    assert "hoort niet bij een vraag" in telegram.fake.sent(sara)[-1]["text"]


async def test_a_member_without_a_private_chat_never_stops_the_round(telegram: Harness) -> None:
    await telegram.say("anna", "/dialoog start tempo=1h")
    await telegram.say("sara", "ik doe mee", reply_to=telegram.questions()[-1]["_message"])
    telegram.fake.blocked.add(USERS["sara"]["id"])
    for _hour in range(3):
        telegram.clock.advance(minutes=45)
        await telegram.service.tick()
        await telegram.adapter.deliver()
        telegram.clock.advance(minutes=15)
        await telegram.service.tick()
        await telegram.adapter.deliver()
    assert len(telegram.questions()) == 4  # the group's round went on
    to_anna = [m["text"] for m in telegram.fake.sent(USERS["anna"]["id"])]
    assert sum("privébericht" in t for t in to_anna) == 1  # told once, about Sara


async def test_a_fifth_of_sends_failing_still_delivers_every_message_once_in_order(
    telegram: Harness,
) -> None:
    fake = telegram.fake
    fake.chaos = 0.2
    await telegram.say("anna", "/dialoog start vragen=1.1,1.2 tempo=5s")
    for _ in range(300):
        if fake.of("sendDocument"):
            break
        telegram.clock.advance(seconds=5)
        await telegram.service.tick()
        await telegram.adapter.deliver()
    titles = [q["text"].split("\n")[0] for q in telegram.questions()]
    assert len(titles) == len(set(titles)) == 7  # opening, 1.1, 1.2, droom, 3 × evaluatie
    assert "Openingsvraag" in titles[0]
    assert sum(m["text"].startswith("<b>Uitkomst: ") for m in fake.sent()) == 1
    assert len(fake.of("sendDocument")) == 1
    assert {"429", "500"} <= set(fake.faults)
