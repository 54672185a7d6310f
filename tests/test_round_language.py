"""Each round speaks its own language: ``/dialoog start taal=en`` beside a Dutch round in
the same process, on the same database.

The language travels with the work on a round (an event, a tick, a delivery) rather than
living in the process, so two rounds stepped, answered and delivered side by side never
borrow each other's words. Messages are rendered when they are sent, so the outbox keeps
the language each was decided in.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.local.channel import LocalChannel, person
from bot import i18n
from bot.model import ChannelRef
from bot.outbound import Content, Parts, Post, ReplyPost
from bot.render import content_text
from bot.service import DialogueService
from dialogues.cards import get_card
from storage.db import Database
from tests.fakes import FakeClock

ANNA, BRAM = person("Anna"), person("Bram")


def _all(said: list[str]) -> str:
    return "\n".join(said)


async def test_an_english_round_and_a_dutch_one_side_by_side(
    service: DialogueService, clock: FakeClock
) -> None:
    """The installation speaks Dutch; one team starts with taal=en and gets the English
    Dialoogkaart, English words and English dates, all the way to the outcome, while the
    team next door goes on in Dutch."""
    english: list[str] = []
    dutch: list[str] = []
    en = LocalChannel(service, "international", out=english.append)
    nl = LocalChannel(service, "team", out=dutch.append)
    await en.say(ANNA, "/dialoog start taal=en rollen=1 controle=uit")
    await nl.say(ANNA, "/dialoog start rollen=1 controle=uit")
    await en.say(BRAM, "/dialoog bestaat-niet")
    await nl.say(BRAM, "/dialoog bestaat-niet")

    for _day in range(30):
        for channel in (en, nl):
            question = channel.latest_question()
            if question is not None:
                await channel.say(BRAM, f"Answer to {question}", reply_to=question)
        clock.advance(days=1)
        await service.tick()
        await asyncio.gather(en.deliver(), nl.deliver())
    await en.say(ANNA, "/dialoog samenvatting")
    await nl.say(ANNA, "/dialoog samenvatting")

    text_en, text_nl = _all(english), _all(dutch)
    card_en, card_nl = get_card("dialoogkaart-en"), get_card("dialoogkaart")
    assert "Round 1 has started; you are the coordinator." in text_en
    assert "Welcome to the dialogue ‘Dialogue card" in text_en
    assert card_en.roles[0].questions[0].text.split("\n")[0] in text_en
    assert "Unknown command" in text_en
    assert "Answers count until" in text_en
    assert "later is fine too" in text_en
    assert any(day in text_en for day in ("Monday", "Tuesday", "Wednesday", "Thursday"))
    assert "Outcome" in text_en
    for dutch_word in ("Welkom", "Antwoorden tellen mee", "Onbekend commando", "Uitkomst"):
        assert dutch_word not in text_en, dutch_word

    assert "Ronde 2 is gestart; jij bent coördinator." in text_nl
    assert "Welkom bij de dialoog" in text_nl
    assert card_nl.roles[0].questions[0].text.split("\n")[0] in text_nl
    assert "Onbekend commando" in text_nl
    assert "Antwoorden tellen mee tot" in text_nl
    assert "Uitkomst" in text_nl
    for english_word in ("Welcome", "Answers count until", "Unknown command", "Outcome:"):
        assert english_word not in text_nl, english_word
    # a round that chose no language leaves the installation's untouched
    assert i18n.language() == "nl"


async def test_an_unknown_language_is_refused_with_the_ones_there_are(
    service: DialogueService,
) -> None:
    said: list[str] = []
    channel = LocalChannel(service, "team", out=said.append)
    await channel.say(ANNA, "/dialoog start taal=fr")
    assert "‘taal=fr’ ken ik niet. Beschikbaar: taal=en, taal=nl." in _all(said)
    assert channel.latest_question() is None
    await channel.say(ANNA, "/dialoog status")
    assert "Er loopt hier geen ronde" in _all(said)


async def test_a_card_named_in_english_starts_an_english_round(service: DialogueService) -> None:
    said: list[str] = []
    channel = LocalChannel(service, "team", out=said.append)
    await channel.say(ANNA, "/dialoog start kaart=dialoogkaart-en")
    await channel.say(ANNA, "/dialoog status")
    text = _all(said)
    assert "Round 1 has started" in text
    assert "Round 1" in said[-1]
    assert "Ronde" not in said[-1]


async def test_english_words_around_a_card_that_is_dutch_only(service: DialogueService) -> None:
    """taal=en with the reaction round (Dutch only): the bot speaks English and says the
    questions stay Dutch, rather than refusing or pretending."""
    said: list[str] = []
    channel = LocalChannel(service, "team", out=said.append)
    await channel.say(ANNA, "/dialoog start kaart=reactieronde taal=en")
    text = _all(said)
    assert "Round 1 has started" in text
    assert "The questions of ‘reactieronde’ exist in Dutch only." in text
    assert "Wat vind je positief?" in text


async def test_a_dutch_round_in_an_english_installation_picks_the_dutch_card(
    service: DialogueService,
) -> None:
    """taal=nl where the installation speaks English: the Dialoogkaart in Dutch."""
    said: list[str] = []
    try:
        i18n.activate("en")
        channel = LocalChannel(service, "team", out=said.append)
        await channel.say(ANNA, "/dialoog start kaart=dialoogkaart-en taal=nl")
        await channel.say(ANNA, "/dialoog bestaat-niet")
    finally:
        i18n.activate("nl")
    text = _all(said)
    assert "Ronde 1 is gestart" in text
    assert "Welkom bij de dialoog ‘Dialoogkaart" in text
    assert "Onbekend commando" in said[-1]


async def test_messages_sent_side_by_side_keep_their_own_language(
    db: Database, service: DialogueService, clock: FakeClock
) -> None:
    """Many messages of both languages delivered at once, each send yielding to the
    others half-way through rendering: every one comes out in its own language."""
    now = clock.now()
    text = "Er loopt hier geen ronde. Start er een met: /dialoog start"
    async with service.store.transaction() as repo:
        for n in range(40):
            language = "en" if n % 2 else "nl"
            post = Post(
                ChannelRef("local", f"c{n}"),
                ReplyPost(platform="local", user_id="u", name="U", text=text, private=False),
            )
            await repo.enqueue(None, [post], now, language=language)
    seen: dict[str, str] = {}

    async def send(channel: ChannelRef, content: Content, parts: Parts) -> str:
        before = i18n._(text)
        await asyncio.sleep(0)  # let the other sends run in between
        seen[channel.channel_id] = before + " | " + i18n._(text) + " | " + content_text(content)
        return channel.channel_id

    assert await service.deliver("local", send) == 40
    english = i18n.translations("en").gettext(text)
    assert english != text
    for n in range(40):
        want = english if n % 2 else text
        assert seen[f"c{n}"].startswith(f"{want} | {want} | "), seen[f"c{n}"]


async def test_a_reminder_decided_by_the_clock_is_sent_in_the_rounds_language(
    service: DialogueService, clock: FakeClock
) -> None:
    """Reminders come from a tick, not from anyone's message: the clock speaks the
    round's language too."""
    said: list[str] = []
    channel = LocalChannel(service, "team", out=said.append)
    await channel.say(ANNA, "/dialoog start taal=en tempo=2d")
    question = channel.latest_question()
    assert question is not None
    await channel.say(BRAM, "first", reply_to=question)
    for _hour in range(60):
        clock.advance(timedelta(hours=1))
        await service.tick()
        await channel.deliver()
    # Anna, who started the round but did not answer, is reminded: in English
    [reminded, *_later] = [s for s in said if s.startswith("dialoogbot → privately to Anna")]
    _label, first_line, question_text, *_rest = reminded.split("\n")
    assert first_line.strip().startswith(
        "Reminder: the opening question is open for you until Wednesday 25 November"
    )
    assert question_text.strip().startswith("What are your perceptions")
    text = _all(said)
    assert "Herinnering" not in text
    assert "step 2/" in text
