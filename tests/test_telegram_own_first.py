"""Eerst zelf in Telegram, end to end: real python-telegram-bot, real HTTP, a fake Bot
API on localhost, the service on a movable clock.

A team round started with ``eerst-zelf`` in a forum topic: the question's button is the
signed deep link to the private chat, where the question is asked and a reply answers
it; when the step closes, everyone's answers (with names) go to the group as one reply to
the question, in the round's topic, escaped.
"""

from __future__ import annotations

from typing import Any

from adapters.telegram import format as fmt
from bot.outbound import AnswerShown, AnswersPost
from tests.fake_telegram import USERS
from tests.platform_limits import telegram_parse, telegram_text_problems
from tests.telegram_harness import Harness, buttons

START = "/dialoog start vragen=1.1 eerst-zelf controle=uit tempo=1d"
HOSTILE = "<b>vet</b> & <a href='https://example.org'>klik</a> &amp; <script>"
TOPIC = 77


async def answer_first(t: Harness, question: dict[str, Any], user: str, text: str) -> None:
    """Open the question's deep link in the private chat, then reply to what is asked."""
    chat = int(USERS[user]["id"])
    link = buttons(question)[0]["url"]
    await t.say(user, f"/start {link.split('start=')[1]}", chat=chat)
    asked = t.fake.sent(chat)[-1]
    assert "komt je antwoord met je naam in de draad" in asked["text"]
    assert "eindsamenvatting" not in asked["text"]
    await t.say(user, text, chat=chat, reply_to=asked["_message"])
    assert "zet ik alle antwoorden in de draad" in t.fake.sent(chat)[-1]["text"]


async def test_the_question_gets_everyones_answers_when_the_step_closes(
    telegram: Harness,
) -> None:
    t = telegram
    fake = t.fake
    await t.say("anna", START, topic=TOPIC)
    opening = t.questions()[0]
    assert [b["text"] for b in buttons(opening)] == ["Antwoord (eerst zelf)"]
    assert "Eerst zelf: antwoord met de knop" in opening["text"]
    assert "beantwoorden" not in opening["text"]

    await answer_first(t, opening, "bram", "Bram zegt: samen leren")
    await answer_first(t, opening, "sara", HOSTILE)
    question_id = opening["_message"]["message_id"]

    def replies() -> list[dict[str, Any]]:
        return [
            m
            for m in fake.sent()
            if (m.get("reply_parameters") or {}).get("message_id") == question_id
        ]

    assert replies() == []  # nothing shows before the step closes

    for _ in range(7 * 24):  # hour by hour until the next question (school days, hours)
        if len(t.questions()) > 1:
            break
        t.clock.advance(hours=1)
        await t.service.tick()
        await t.adapter.deliver()
    assert len(t.questions()) == 2

    shown = replies()
    assert len(shown) == 1
    message = shown[0]
    assert int(message["message_thread_id"]) == TOPIC  # in the round's topic
    assert message["parse_mode"] == "HTML"
    assert telegram_text_problems(message["text"]) == []
    visible, problems, entities = telegram_parse(message["text"])
    assert problems == []
    assert entities == 0  # nothing anyone typed became markup
    lines = visible.split("\n")
    assert lines[0].startswith("De antwoorden op ")
    assert lines[0].endswith(", nu de stap gesloten is:")
    assert lines[1:] == [
        "• Bram Jansen: Bram zegt: samen leren",
        f"• Sara <b>Bakker</b>: {HOSTILE}",
    ]
    # and it came before the next question
    assert fake.sent().index(message) < fake.sent().index(t.questions()[1])


def test_many_long_answers_are_split_below_telegrams_limit() -> None:
    long = "woord " * 900 + "😀" * 600 + "<&>" * 300
    content = AnswersPost(
        round_id=1,
        step_index=1,
        label="Vraag 1.1",
        answers=[AnswerShown(author=f"Persoon {n}", text=long) for n in range(6)]
        + [AnswerShown(author=None, text="stil <b>")],
        thread="5",
    )
    messages = fmt.answers(content)
    assert len(messages) > 1
    for html in messages:
        assert telegram_text_problems(html) == []
    visible = "\n".join(telegram_parse(html)[0] for html in messages)
    assert visible.count("😀") == 6 * 600
    assert "• (privé): stil <b>" in visible
