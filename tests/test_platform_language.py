"""An English round (``/dialoog start taal=en``) in a Dutch installation, end to end
through the real SDKs against the fake Slack and Telegram servers.

The adapters render a message when they send it (blocks, buttons, HTML), and answer
buttons and forms on the spot: each must speak the round's language, not the process's.
"""

from __future__ import annotations

import json

from tests.fake_telegram import USERS
from tests.slack_harness import CHANNEL, Harness, kind, pdf_text, reply
from tests.telegram_harness import Harness as TelegramHarness
from tests.telegram_harness import buttons

DUTCH = ("Welkom", "Uitkomst", "Antwoorden tellen mee", "Privé antwoorden", "Bijlage", "Acties")


def _shown(value: object) -> str:
    """What people read in a platform payload: its text fields, not ids or metadata."""
    if isinstance(value, dict):
        return "\n".join(
            v if k in ("text", "title", "placeholder") and isinstance(v, str) else _shown(v)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return "\n".join(_shown(v) for v in value)
    return ""


def _no_dutch(shown: str) -> None:
    for word in DUTCH:
        assert word.casefold() not in shown.casefold(), _where(word, shown)


async def test_an_english_round_on_slack(slack: Harness) -> None:
    fake = slack.fake
    await slack.send.command("UANNA", CHANNEL, "start taal=en rollen=1 tempo=5s controle=uit")
    await fake.wait_for(lambda: len(slack.questions()) == 1)
    await fake.wait_for(lambda: len(fake.of("chat.postEphemeral")) == 1)
    assert "Round 1 has started" in fake.of("chat.postEphemeral")[0]["text"]
    await slack.send.command("UBRAM", CHANNEL, "bestaat-niet")
    await fake.wait_for(lambda: len(fake.of("chat.postEphemeral")) == 2)
    assert "Unknown command" in fake.of("chat.postEphemeral")[1]["text"]

    answered = 0
    while not any(kind(p) == "summary" for p in fake.posts(CHANNEL)):
        question = slack.questions()[-1]
        answered += 1
        await slack.send.event(
            reply("UBRAM", str(question["_ts"]), f"Bram, step {answered}", f"9{answered}.1")
        )
        if answered == 2:  # Sara answers privately: the form opens in English
            actions = next(b for b in question["blocks"] if b["type"] == "actions")
            assert actions["elements"][0]["text"]["text"] == "Answer privately"
            await slack.send.interaction({
                "type": "block_actions", "user": {"id": "USARA"}, "trigger_id": "t1",
                "channel": {"id": CHANNEL}, "message": question, "actions": actions["elements"],
            })  # fmt: skip
            await fake.wait_for(lambda: len(fake.of("views.open")) == 1)
            view = fake.of("views.open")[0]["view"]
            _no_dutch(_shown(view))
            assert "final summary" in _shown(view)
        await slack.adapter.idle()
        await slack.step()

    welcome = fake.posts(CHANNEL)[0]
    assert "Welcome to the dialogue" in welcome["text"]
    questions = json.dumps(slack.questions(), ensure_ascii=False)
    assert "What are your perceptions" in questions
    assert "answers count until" in questions
    summary = next(p for p in fake.posts(CHANNEL) if kind(p) == "summary")
    texts = [b["text"]["text"] for b in summary["blocks"] if "text" in b]
    assert texts[0].startswith("Outcome: ")
    assert {"What keeps coming up", "Dream", "Actions"} <= set(texts)
    _no_dutch(_shown(fake.posts(CHANNEL)))
    record = pdf_text(next(iter(fake.uploads.values())))
    assert "Appendix: all answers" in record
    assert "Bram, step 3" in record
    _no_dutch(record)


async def test_an_english_round_on_telegram(telegram: TelegramHarness) -> None:
    fake = telegram.fake
    sara = USERS["sara"]["id"]
    await telegram.say("anna", "/dialoog start taal=en rollen=3 tempo=5s controle=uit")
    await telegram.say("bram", "/dialoog bestaat-niet")
    assert "Unknown command" in fake.sent()[-1]["text"]
    answered = 0
    while not fake.of("sendDocument"):
        question = telegram.questions()[-1]
        answered += 1
        await telegram.say("bram", f"Bram at step {answered}", reply_to=question["_message"])
        if answered == 2:
            [link] = [b for b in buttons(question) if "url" in b]
            assert link["text"] == "Answer privately"
            start = link["url"].split("start=")[1]
            await telegram.say("sara", f"/start {start}", chat=sara)
            asked = fake.sent(sara)[-1]
            assert (
                "Reply to this message; only the final summary shows your answer."
                in (asked["text"])
            )
            await telegram.say("sara", "privately", chat=sara, reply_to=asked["_message"])
        await telegram.step()

    group = "\n".join(m["text"] for m in fake.sent())
    assert "Welcome to the dialogue" in group
    assert "answers count until" in group.casefold()
    assert "<b>Outcome: " in group
    _no_dutch(group)
    _no_dutch("\n".join(m["text"] for m in fake.sent(sara)))
    record = pdf_text(fake.of("sendDocument")[0]["document"])
    assert "Appendix: all answers" in record
    assert "privately" in record
    _no_dutch(record)

    await telegram.say("bram", "/dialoog my-data")
    bram = USERS["bram"]["id"]
    [notice] = [m for m in fake.sent(bram) if "keeps" in m["text"] or "kept" in m["text"]]
    _no_dutch(notice["text"])
    await telegram.say("bram", "/dialoog forget-me")
    assert "forget-me confirm" in fake.sent()[-1]["text"]


def _where(word: str, shown: str) -> str:
    at = shown.casefold().find(word.casefold())
    return shown[max(0, at - 150) : at + 80]
