"""A network round in Telegram, end to end: real python-telegram-bot, real HTTP, a fake
Bot API on localhost, the service on a movable clock.

The coordinator starts the round in the group; two leaders join with the Doe mee button
and go through the card in their private chats with the bot, each at their own pace;
one edits an earlier answer; the group sees one progress message, edited in place, with
counts and never names; the one who falls behind is reminded privately on a school day;
the coordinator closes the round and the outcome, with the record, appears in the group.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.telegram import translate
from bot.model import ChannelRef, Round, Status
from storage.db import Database
from storage.repository import Repository
from tests.fake_telegram import GROUP, USERS
from tests.platform_limits import telegram_parse, telegram_text_problems
from tests.slack_harness import pdf_text
from tests.telegram_harness import Harness, buttons

AMS = ZoneInfo("Europe/Amsterdam")
ANNA, BRAM, SARA = (int(USERS[n]["id"]) for n in ("anna", "bram", "sara"))
# opening, 1.1, the droomvraag and the three evaluation questions
START = "/dialoog start netwerk sluit=2026-12-18 vragen=1.1 controle=uit"
QUESTIONS = 6
NAMES = ("Anna", "Bram", "Sara", "Vries", "Jansen", "Bakker")
JOIN = "dialoog:doe-mee:1"


def answer(user: str, n: int) -> str:
    return f"Vraag {n}: het rooster geeft te weinig tijd voor begeleiding ({user} <b>&</b>)."


def shown(html: str) -> str:
    return telegram_parse(html)[0]


def announcement(t: Harness) -> dict[str, Any]:
    [found] = [m for m in t.fake.sent() if any(b.get("callback_data") == JOIN for b in buttons(m))]
    return found


def progress_messages(t: Harness) -> list[dict[str, Any]]:
    """What the bot sent to the group on its own, but for the announcement (with its
    button), the outcome and the notice of a new closing date."""
    return [
        m
        for m in t.fake.sent()
        if not m.get("reply_parameters")
        and not m.get("reply_to_message_id")
        and not buttons(m)
        and not m["text"].startswith(("<b>Uitkomst", "De ronde sluit nu"))
    ]


def asked(t: Harness, chat: int) -> list[str]:
    """The "Vraag n van m" of each question asked in this private chat."""
    found = []
    for message in t.fake.sent(chat):
        for line in shown(message["text"]).splitlines():
            if line.startswith("Vraag ") and " van " in line and " · " in line:
                found.append(line.split(" · ")[0])
    return found


def private_texts(t: Harness, chat: int) -> list[str]:
    return [shown(m["text"]) for m in t.fake.sent(chat)]


async def join(t: Harness, user: str) -> None:
    update_id = await t.fake.press(user, announcement(t)["_message"], JOIN)
    await t.adapter.handled(update_id)


async def say_privately(t: Harness, user: str, text: str, **kwargs: Any) -> dict[str, Any]:
    t.clock.advance(seconds=30)
    return await t.say(user, text, chat=int(USERS[user]["id"]), **kwargs)


async def until(t: Harness, when: datetime) -> list[datetime]:
    """Move the clock to ``when`` an hour at a time, as the scheduler wakes; returns the
    moments reminders went out."""
    moments: list[datetime] = []
    while t.clock.now() < when:
        before = len(t.fake.of("sendMessage"))
        t.clock.advance(hours=1)
        await t.service.tick()
        await t.adapter.deliver()
        new = t.fake.of("sendMessage")[before:]
        moments += [t.clock.now() for m in new if "Herinnering" in m["text"]]
    return moments


async def the_round(db: Database) -> Round:
    async with db.transaction() as session:
        rnd = await Repository(session).latest(ChannelRef(translate.PLATFORM, str(GROUP)))
    assert rnd is not None
    return rnd


async def test_a_network_round_in_telegram(telegram: Harness, db: Database) -> None:
    t, fake = telegram, telegram.fake
    await t.say("anna", START)
    assert "Welkom bij de netwerkronde" in shown(announcement(t)["text"])
    [progress] = progress_messages(t)
    progress_id = progress["_message"]["message_id"]
    assert t.questions() == []  # nothing is asked in the group itself

    # Bram joins with the button
    await join(t, "bram")
    assert fake.of("answerCallbackQuery")[-1]["text"].startswith("Je doet mee!")
    assert asked(t, BRAM) == ["Vraag 1 van 6"]
    assert any("Je doet mee" in text for text in private_texts(t, BRAM))  # said privately too

    # ... and answers everything on day one by writing in his private chat; one answer
    # uses Telegram's "reply" on the question, which is the same
    said = [await say_privately(t, "bram", answer("Bram", 1))]
    question = fake.sent(BRAM)[-1]["_message"]
    said.append(await say_privately(t, "bram", answer("Bram", 2), reply_to=question))
    for n in range(3, QUESTIONS + 1):
        said.append(await say_privately(t, "bram", answer("Bram", n)))
    assert asked(t, BRAM) == [f"Vraag {n} van 6" for n in range(1, QUESTIONS + 1)]
    assert "Dat was de laatste vraag" in private_texts(t, BRAM)[-1]

    # Sara joins the same day, answers one question, then is busy for a while
    await join(t, "sara")
    await say_privately(t, "sara", answer("Sara", 1))
    assert asked(t, SARA) == ["Vraag 1 van 6", "Vraag 2 van 6"]

    # Bram changes his first answer; the record will show the new text
    edited = "Vraag 1, beter gezegd: begeleiding verdient vaste uren in het rooster."
    await t.adapter.handled(await fake.edit(said[0], edited))

    # The group: one progress message, edited in place; counts, never names
    assert progress_messages(t) == [progress]
    edits = fake.edits()
    assert {int(e["message_id"]) for e in edits} == {progress_id}
    assert "1 van 2 deelnemers zijn klaar, 1 is onderweg" in shown(edits[-1]["text"])
    texts = [shown(progress["text"]), *(shown(e["text"]) for e in edits)]
    assert len(set(texts)) >= 3
    for text in texts:
        assert not any(name in text for name in NAMES)

    # Sara falls behind: reminded in her private chat, on a school day, within hours
    moments = await until(t, datetime(2026, 12, 3, 10, 30, tzinfo=AMS))
    assert moments, "Sara fell behind and is reminded"
    for moment in moments:
        here = moment.astimezone(AMS)
        assert here.weekday() < 5
        assert 8 <= here.hour < 18
    assert not any("Herinnering" in text for text in private_texts(t, BRAM))
    assert any("/dialoog verder" in text for text in private_texts(t, SARA))

    # In her private chat: where was I, going on, skipping one; answered there
    await say_privately(t, "sara", "/dialoog status")
    assert "Je bent bij vraag 2 van 6" in private_texts(t, SARA)[-1]
    await say_privately(t, "sara", "/dialoog verder")
    assert asked(t, SARA)[-1] == "Vraag 2 van 6"
    await say_privately(t, "sara", "/dialoog overslaan")
    assert asked(t, SARA)[-1] == "Vraag 3 van 6"
    for n in range(3, QUESTIONS + 1):
        await say_privately(t, "sara", answer("Sara", n))
    assert "Dat was de laatste vraag" in private_texts(t, SARA)[-1]

    # Moving the closing date to the same day changes no count: "not modified" is fine
    await t.say("anna", "/dialoog sluit 2026-12-18")
    assert any(c == "editMessageText:400" for c, _args in fake.calls)
    assert progress_messages(t) == [progress]

    # Closing: the outcome in the group, the record with it; the progress says closed
    await t.say("anna", "/dialoog sluit")
    rnd = await the_round(db)
    assert rnd.status is Status.FINISHED
    outcome = [m for m in fake.sent() if m["text"].startswith("<b>Uitkomst: ")]
    assert len(outcome) == 1
    [document] = fake.of("sendDocument")
    assert int(document["chat_id"]) == GROUP
    assert document["document:filename"] == "dialoog-ronde-1.pdf"
    record = pdf_text(document["document"])
    assert edited in record
    assert answer("Bram", 1) not in record
    assert answer("Sara", 6) in record
    last = fake.edits()[-1]
    assert int(last["message_id"]) == progress_id
    assert shown(last["text"]).startswith("Netwerkronde gesloten")
    assert progress_messages(t) == [progress]

    for message in [*fake.of("sendMessage"), *fake.edits()]:
        assert telegram_text_problems(message["text"]) == []


async def test_only_members_join_and_a_progress_message_that_is_gone_is_posted_anew(
    telegram: Harness,
) -> None:
    t, fake = telegram, telegram.fake
    await t.say("anna", START)
    [first] = progress_messages(t)
    fake.left.add(SARA)
    await join(t, "sara")
    assert "Alleen leden" in fake.of("answerCallbackQuery")[-1]["text"]
    assert asked(t, SARA) == []
    fake.deleted.add((GROUP, first["_message"]["message_id"]))  # someone deleted it
    await join(t, "bram")
    assert [c for c, _args in fake.calls].count("editMessageText:400") == 1
    again = progress_messages(t)
    assert len(again) == 2
    assert "0 van 1 deelnemer is klaar" in shown(again[-1]["text"])
    fake.left.clear()
    await join(t, "sara")  # the new one is edited from now on
    assert int(fake.edits()[-1]["message_id"]) == again[-1]["_message"]["message_id"]
    assert len(progress_messages(t)) == 2


async def test_someone_the_bot_cannot_write_to_is_shown_the_way_to_the_private_chat(
    telegram: Harness,
) -> None:
    t, fake = telegram, telegram.fake
    await t.say("anna", START)
    fake.blocked.add(BRAM)  # never started a private chat with the bot
    await join(t, "bram")
    hint = fake.sent()[-1]
    assert "ik kan je de vragen van de netwerkronde niet privé sturen" in shown(hint["text"])
    assert "Bram Jansen" in shown(hint["text"])
    assert "Openingsvraag" not in shown(hint["text"])  # the question itself stays private
    [button] = buttons(hint)
    assert button["url"].endswith("?start=verder")
    fake.blocked.clear()
    await t.say("bram", "/start verder", chat=BRAM)  # the button opened the private chat
    assert asked(t, BRAM) == ["Vraag 1 van 6"]
    await say_privately(t, "bram", answer("Bram", 1))
    assert asked(t, BRAM) == ["Vraag 1 van 6", "Vraag 2 van 6"]


async def test_a_team_rounds_private_answer_still_answers_its_own_question(
    telegram: Harness,
) -> None:
    """In a private chat, a reply to a team round's question asked there answers that
    question; any other message there is a network round's (and, with none, told so)."""
    t = telegram
    await t.say("anna", "/dialoog start")
    link = t.questions()[-1]["reply_markup"]["inline_keyboard"][0][0]["url"]
    await t.say("sara", f"/start {link.split('start=')[1]}", chat=SARA)
    question = t.fake.sent(SARA)[-1]["_message"]
    await t.say("sara", "liever privé", chat=SARA, reply_to=question)
    assert "eindsamenvatting" in private_texts(t, SARA)[-1]
    await t.say("sara", "en nog iets", chat=SARA)
    assert "je doet niet mee aan een netwerkronde" in private_texts(t, SARA)[-1]
