"""Seeing and erasing your own data through the real platform SDKs: slack-bolt and
python-telegram-bot over HTTP against fake platforms on localhost.

Bram answers with a mention and markup in it, asks what is kept (a direct message with a
JSON file, on Slack; a private chat with a document, on Telegram), then has it erased: the
outcome asked for afterwards carries neither his name nor his answer, and says that one
participant's answers were removed at their request.
"""

from __future__ import annotations

import json

from tests.fake_telegram import GROUP, USERS
from tests.slack_harness import CHANNEL, Harness, pdf_text, reply
from tests.telegram_harness import Harness as TelegramHarness

HOSTILE = "Mijn beeld <@UANNA> <!channel> *vet* <b>x</b> & meer"
ERASED = "Antwoorden van 1 deelnemer zijn op hun verzoek verwijderd."


async def test_slack_mijngegevens_then_vergeetmij(slack: Harness) -> None:
    fake = slack.fake
    await slack.send.command("UANNA", CHANNEL, "start controle=uit")
    await fake.wait_for(lambda: len(slack.questions()) == 1)
    question = slack.questions()[0]
    await slack.send.event(reply("UBRAM", str(question["_ts"]), HOSTILE, "91.1"))
    await slack.adapter.idle()

    await slack.send.command("UBRAM", CHANNEL, "mijngegevens")
    await fake.wait_for(lambda: bool(fake.of("files.completeUploadExternal")))
    told = fake.of("chat.postEphemeral")[-1]
    assert told["user"] == "UBRAM"
    assert "privébericht" in told["text"]
    [notice] = fake.posts("DUBRAM")
    assert "1 antwoord in 1 ronde(s)" in notice["text"]
    assert "<!channel>" not in notice["text"]
    upload = fake.of("files.getUploadURLExternal")[-1]
    assert upload["filename"] == "mijngegevens.json"
    assert fake.of("files.completeUploadExternal")[-1]["channel_id"] == "DUBRAM"
    data = json.loads(list(fake.uploads.values())[-1])
    assert data["person"]["user_id"] == "UBRAM"
    assert data["rounds"][0]["answers"][0]["text"] == HOSTILE  # stored intact

    await slack.send.command("UBRAM", CHANNEL, "vergeetmij")
    await fake.wait_for(lambda: "vergeetmij zeker" in fake.of("chat.postEphemeral")[-1]["text"])
    await slack.send.command("UBRAM", CHANNEL, "vergeetmij zeker")
    await fake.wait_for(lambda: "Gewist" in fake.of("chat.postEphemeral")[-1]["text"])

    await slack.send.command("UANNA", CHANNEL, "samenvatting")
    await fake.wait_for(lambda: len(fake.of("files.completeUploadExternal")) == 2)
    record = pdf_text(list(fake.uploads.values())[-1])
    assert ERASED in record
    assert "Mijn beeld" not in record
    outcome = json.dumps(fake.posts(CHANNEL)[-1], ensure_ascii=False)
    assert ERASED in outcome


async def test_telegram_mijngegevens_then_vergeetmij(telegram: TelegramHarness) -> None:
    fake = telegram.fake
    await telegram.say("anna", "/dialoog start controle=uit")
    question = telegram.questions()[-1]["_message"]
    await telegram.say("bram", HOSTILE, reply_to=question)

    await telegram.say("bram", "/dialoog mijngegevens")
    bram = USERS["bram"]["id"]
    [document] = [d for d in fake.of("sendDocument") if int(d["chat_id"]) == bram]
    assert document["document:filename"] == "mijngegevens.json"
    data = json.loads(document["document"])
    assert data["rounds"][0]["answers"][0]["text"] == HOSTILE
    assert "Sara" not in json.dumps(data)
    [notice] = [m for m in fake.sent(bram) if "bewaart" in m["text"]]
    assert "1 antwoord in 1 ronde(s)" in notice["text"]

    await telegram.say("bram", "/dialoog vergeetmij")
    assert "vergeetmij zeker" in fake.sent()[-1]["text"]
    await telegram.say("bram", "/dialoog vergeetmij zeker")
    assert "Gewist" in fake.sent()[-1]["text"]

    await telegram.say("anna", "/dialoog samenvatting")
    record = fake.of("sendDocument")[-1]
    assert int(record["chat_id"]) == GROUP
    text = pdf_text(record["document"])
    assert ERASED in text
    assert "Mijn beeld" not in text
