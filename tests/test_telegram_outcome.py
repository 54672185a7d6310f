"""The outcome's check in Telegram, end to end: real python-telegram-bot, real HTTP, a fake
Bot API on localhost, the service on a movable clock.

A short round closes its last step; the coordinator's private chat carries the draft with
the commands to edit it, and she edits it there; its button puts it to the group, where
the outcome gets Klopt, Aanvulling and Bezwaar buttons; the group answers; the
coordinator publishes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from adapters.telegram import translate
from bot.model import ChannelRef, ReviewPhase, Round, Status
from storage.db import Database
from storage.repository import Repository
from tests.fake_telegram import GROUP, USERS
from tests.platform_limits import telegram_text_problems
from tests.slack_harness import pdf_text
from tests.telegram_harness import Harness, buttons

ANNA, BRAM, SARA = (int(str(USERS[n]["id"])) for n in ("anna", "bram", "sara"))
# A round of question 1.1 only: opening, 1.1, droomvraag, inzichten, acties, betrekken.
STEPS: list[dict[str, str]] = [
    {
        "anna": "Samen opleiden kost tijd, en die tijd staat niet in het rooster.",
        "bram": "Een opleidingsschool met ruimte voor studenten in elk leerteam.",
        "sara": "Ik merk dat er te weinig tijd is voor nabesprekingen met studenten.",
    },
    {
        "anna": "Dat kan vaker: studenten doen mee in de leerteams.",
        "bram": "Nog te veel eenrichtingsverkeer tussen opleiders en het team.",
    },
    {
        "anna": "Elk leerteam heeft een student en begeleiden heeft tijd in het rooster.",
        "bram": "Studenten blijven na hun opleiding bij ons werken.",
        "sara": "Nabespreektijd staat vast in het rooster van elke begeleider.",
    },
    {"anna": "De tijd voor begeleiding blijft achter.", "bram": "Meer samen doen."},
    {
        "anna": "Begeleidingsuren als eerste in het rooster zetten.",
        "sara": "Nabesprekingen vooraf inplannen.",
    },
    {
        "anna": "HRM van het bestuur, zodat begeleiding in de gesprekscyclus komt.",
        "sara": "De andere werkplekbegeleiders, om samen een voorstel te maken.",
    },
]
KERN = "Tijd voor begeleiding gaat voor. <b>x</b> @everyone <script>&amp;"
ADDITION = "Ook de nabespreektijd hoort erbij. <i>echt</i> & @all"


async def the_round(db: Database) -> Round:
    async with db.transaction() as session:
        rnd = await Repository(session).latest(ChannelRef(translate.PLATFORM, str(GROUP)))
    assert rnd is not None
    return rnd


def drafts(t: Harness) -> list[dict[str, Any]]:
    return [m for m in t.fake.sent(ANNA) if m["text"].startswith("<b>Concept-uitkomst")]


def outcomes(t: Harness) -> list[dict[str, Any]]:
    titles = ("<b>Klopt dit?", "<b>Uitkomst: ")
    return [m for m in t.fake.sent() if m["text"].startswith(titles)]


def data(message: dict[str, Any], verb: str) -> str:
    found = [b["callback_data"] for b in buttons(message) if f":{verb}:" in b["callback_data"]]
    assert len(found) == 1
    return str(found[0])


async def press(t: Harness, user: str, message: dict[str, Any], verb: str) -> None:
    """Press the button ``verb`` under ``message`` and wait until the bot worked on it."""
    update_id = await t.fake.press(user, message["_message"], data(message, verb))
    await t.adapter.handled(update_id)


async def run_to_the_draft(t: Harness) -> None:
    await t.say("anna", "/dialoog start vragen=1.1 controle=2d tempo=5s")
    answered = 0
    for _ in range(40):
        if any("zet de uitkomst op een rij" in m["text"] for m in t.fake.sent()):
            break  # every step closed: the group is told, the coordinator gets the draft
        for question in t.questions()[answered:]:
            for user, text in STEPS[answered].items():
                await t.say(user, text, reply_to=question["_message"])
            answered += 1
        await t.step()
    assert answered == len(STEPS)
    assert outcomes(t) == []  # nothing is the group's conclusion before it checked


async def test_the_group_confirms_the_outcome_in_telegram(telegram: Harness, db: Database) -> None:
    t, fake = telegram, telegram.fake
    await run_to_the_draft(t)
    draft = drafts(t)[-1]
    assert "/dialoog uitkomst kern &lt;tekst&gt;" in draft["text"]  # the commands, escaped
    assert [b["text"] for b in buttons(draft)] == ["Voorleggen aan de groep"]

    # the coordinator edits in her private chat: the round in review is found for her
    await t.say("anna", f"/dialoog uitkomst kern {KERN}", chat=ANNA)
    await t.say("anna", "/dialoog uitkomst actie 1 wanneer 2027-03-01", chat=ANNA)
    assert "Aangepast" in fake.sent(ANNA)[-1]["text"]
    rnd = await the_round(db)
    assert rnd.review is not None
    assert rnd.review.kern == " ".join(KERN.split())  # a command's words, as Telegram splits them
    assert rnd.review.draft.actions[0].by_when == date(2027, 3, 1)

    # Voorleggen: the button under the draft puts it to the group
    await press(t, "anna", draft, "voorleggen")
    assert fake.of("answerCallbackQuery")[-1]["text"].startswith("Ontvangen")
    check = outcomes(t)[-1]
    assert check["text"].startswith("<b>Klopt dit?")
    assert "&lt;b&gt;x&lt;/b&gt; @everyone &lt;script&gt;&amp;amp;" in check["text"]
    assert [b["text"] for b in buttons(check)] == ["Klopt", "Aanvulling", "Bezwaar"]
    assert "De uitkomst ligt nu bij de groep" in fake.sent(ANNA)[-1]["text"]  # said privately

    # Bram and Sara press Klopt; Sara only once she is a member again
    fake.blocked.add(BRAM)  # Bram never opened a private chat: his thanks cannot reach him
    await press(t, "bram", check, "klopt")
    assert fake.of("answerCallbackQuery")[-1]["text"] == "Ontvangen: klopt. Dank je!"
    fake.left.add(SARA)
    await press(t, "sara", check, "klopt")
    assert "Alleen leden" in fake.of("answerCallbackQuery")[-1]["text"]
    fake.left.clear()
    await press(t, "sara", check, "klopt")
    assert "genoteerd dat de uitkomst voor jou klopt" in fake.sent(SARA)[-1]["text"]

    # Aanvulling says what to type; typed in the group, it is kept
    await press(t, "anna", check, "aanvulling")
    answer = fake.of("answerCallbackQuery")[-1]
    assert "/dialoog aanvulling" in answer["text"]
    assert answer["show_alert"] is True
    await t.say("anna", f"/dialoog aanvulling {ADDITION}")
    assert "je aanvulling komt bij de uitkomst" in fake.sent()[-1]["text"]
    await t.say("bram", "/dialoog bezwaar " + "<b>te lang</b> " * 300)
    assert "te lang" in fake.sent()[-1]["text"]  # refused with a word, not echoed
    assert "&lt;b&gt;" not in fake.sent()[-1]["text"]
    rnd = await the_round(db)
    assert sorted((int(v.person.user_id), v.kind.value) for v in rnd.verdicts) == [
        (ANNA, "aanvulling"), (BRAM, "klopt"), (SARA, "klopt"),
    ]  # fmt: skip

    # the coordinator publishes: everyone answered, so the window need not run out
    await t.say("anna", "/dialoog publiceer")
    published = outcomes(t)[-1]["text"]
    assert published.startswith("<b>Uitkomst: ")
    assert "Bevestigd door de groep" in published
    assert "2 van 3 deelnemers" in published
    assert "Ook de nabespreektijd hoort erbij. &lt;i&gt;echt&lt;/i&gt; &amp; @all" in published
    assert "reply_markup" not in outcomes(t)[-1] or not buttons(outcomes(t)[-1])
    rnd = await the_round(db)
    assert rnd.status is Status.FINISHED
    assert rnd.review is not None
    assert rnd.review.phase is ReviewPhase.PUBLISHED

    for message in fake.of("sendMessage"):
        assert telegram_text_problems(message["text"]) == []
    documents = fake.of("sendDocument")
    assert [d["document:filename"] for d in documents] == ["dialoog-ronde-1.pdf"] * 2
    record = pdf_text(documents[-1]["document"])
    assert "bevestigd door 2 van 3" in record.lower()
    assert "Ook de nabespreektijd hoort erbij. <i>echt</i> & @all" in record


async def test_a_coordinator_without_a_private_chat_is_told_in_the_group(
    telegram: Harness,
) -> None:
    telegram.fake.blocked.add(ANNA)
    await run_to_the_draft(telegram)
    assert drafts(telegram) == []
    told = telegram.fake.sent()[-1]["text"]
    assert "ik kan je het concept van de uitkomst niet privé sturen" in told
    assert "Tijd" not in told  # the draft itself stays private
    await telegram.say("anna", "/dialoog voorleggen")  # the group's command works too
    assert outcomes(telegram)[-1]["text"].startswith("<b>Klopt dit?")
