"""Eerst zelf in Slack, end to end: real slack-bolt and slack_sdk over HTTP, a fake Slack
on localhost, the service on a movable clock.

A team round started with ``eerst-zelf``: the question's primary button opens the private
answer modal, which says the answer shows in the thread; two people answer there; when
the step closes, the question's thread gets one message with both answers and names,
every piece of it inert.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack import blocks, translate
from bot.outbound import AnswerShown, AnswersPost
from tests.fake_slack import USERS
from tests.platform_limits import SLACK_FALLBACK_LIMIT, slack_message_problems
from tests.slack_harness import CHANNEL, Harness, kind

START = "start vragen=1.1 eerst-zelf controle=uit tempo=1d"
HOSTILE = "<!channel> *vet* <@UANNA> & <https://example.org|klik hier> `code`"


def private_button(question: dict[str, Any]) -> dict[str, Any]:
    actions = next(b for b in question["blocks"] if b["type"] == "actions")
    button: dict[str, Any] = next(
        e for e in actions["elements"] if e["action_id"] == translate.PRIVATE_ACTION
    )
    return button


async def answer_first(slack: Harness, question: dict[str, Any], user: str, text: str) -> None:
    """Click the eerst-zelf button under ``question``, then submit the modal it opens."""
    fake = slack.fake
    opened = len(fake.of("views.open"))
    await slack.send.interaction({
        "type": "block_actions", "user": {"id": user}, "trigger_id": f"t-{user}",
        "channel": {"id": CHANNEL}, "message": question, "actions": [private_button(question)],
    })  # fmt: skip
    await fake.wait_for(lambda: len(fake.of("views.open")) == opened + 1)
    view = fake.of("views.open")[-1]["view"]
    notes = json.dumps(view["blocks"], ensure_ascii=False)
    assert "in de draad als de stap sluit" in notes
    assert "eindsamenvatting" not in notes
    state = {"values": {"antwoord": {"tekst": {"value": text}}}}
    thanked = len(fake.of("chat.postEphemeral"))
    await slack.send.interaction(
        {
            "type": "view_submission",
            "user": {"id": user},
            "view": {**view, "id": f"V-{user}", "state": state},
        }
    )
    await slack.adapter.idle()
    await fake.wait_for(lambda: len(fake.of("chat.postEphemeral")) == thanked + 1)
    thanks = fake.of("chat.postEphemeral")[-1]
    assert thanks["user"] == user
    assert "zet ik alle antwoorden in de draad" in thanks["text"]


async def test_the_thread_gets_everyones_answers_when_the_step_closes(slack: Harness) -> None:
    fake = slack.fake
    assert await slack.send.command("UANNA", CHANNEL, START) == 200
    await fake.wait_for(lambda: len(slack.questions()) == 1)
    opening = slack.questions()[0]
    button = private_button(opening)
    assert button["text"]["text"] == "Antwoord (eerst zelf)"
    assert button.get("style") == "primary"
    assert json.loads(button["value"])["own_first"] is True
    shown = json.dumps(opening["blocks"], ensure_ascii=False)
    assert "Eerst zelf: antwoord met de knop" in shown
    assert "antwoord in de draad onder dit bericht" not in shown

    await answer_first(slack, opening, "UBRAM", "Bram zegt: samen leren")
    await answer_first(slack, opening, "USARA", HOSTILE)
    in_thread = [p for p in fake.posts(CHANNEL) if p.get("thread_ts") == opening["_ts"]]
    assert in_thread == []  # nothing shows before the step closes

    for _ in range(7 * 24):  # hour by hour until the next question (school days, hours)
        if len(slack.questions()) > 1:
            break
        slack.clock.advance(hours=1)
        await slack.service.tick()
        await slack.adapter.deliver()
    assert len(slack.questions()) == 2

    in_thread = [p for p in fake.posts(CHANNEL) if p.get("thread_ts") == opening["_ts"]]
    assert len(in_thread) == 1
    post = in_thread[0]
    assert kind(post) == "other"
    assert not post.get("reply_broadcast")  # a thread reply, not shown in the channel
    assert slack_message_problems(post, text_limit=SLACK_FALLBACK_LIMIT) == []
    texts = [b["text"] for b in post["blocks"]]
    assert all(t["type"] == "plain_text" for t in texts)  # nothing typed is markup
    lines = "\n".join(t["text"] for t in texts).split("\n")
    assert lines[0].startswith("De antwoorden op ")
    assert lines[0].endswith(", nu de stap gesloten is:")
    assert lines[1:] == [
        f"• {USERS['UBRAM']}: Bram zegt: samen leren",
        f"• {USERS['USARA']}: {HOSTILE}",
    ]
    # the notification text is mrkdwn: escaped, so <!channel> pings nobody
    assert "<!channel>" not in post["text"]
    assert "&lt;!channel&gt;" in post["text"]
    assert "&lt;@UANNA&gt;" in post["text"]


def test_many_long_answers_are_split_within_slacks_limits() -> None:
    long = "woord " * 900 + "😀" * 400 + "<&>" * 300
    content = AnswersPost(
        round_id=1,
        step_index=1,
        label="Vraag 1.1",
        answers=[AnswerShown(author=f"Persoon {n}", text=long) for n in range(12)]
        + [AnswerShown(author=None, text="stil <!here>")],
        thread="1.1",
    )
    messages = blocks.answers(content)
    assert len(messages) > 1
    for message in messages:
        assert slack_message_problems(message, text_limit=SLACK_FALLBACK_LIMIT) == []
    text = "\n".join(b["text"]["text"] for m in messages for b in m["blocks"])
    assert text.count("😀") == 12 * 400
    assert "• (privé): stil <!here>" in text
