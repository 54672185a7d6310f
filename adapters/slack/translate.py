"""Slack payloads → neutral events. Pure functions, so they are tested on plain dicts.

Slack identifies a message by its ``ts`` and a thread by the ``ts`` of its first message:
a reply to a question is a message whose ``thread_ts`` is the question's ``ts``. A person's
name is not in the payloads; the adapter looks it up and passes it in.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.model import (
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    ChannelRef,
    CommandGiven,
    Person,
)

PLATFORM = "slack"
PRIVATE_ACTION = "prive_antwoord"
PRIVATE_VIEW = "prive_antwoord"
ANSWER_BLOCK = "antwoord"
ANSWER_INPUT = "tekst"

Payload = dict[str, Any]


def channel(channel_id: str) -> ChannelRef:
    return ChannelRef(PLATFORM, channel_id)


def person(user_id: str, name: str) -> Person:
    return Person(PLATFORM, user_id, name)


def slash_command(body: Payload, name: str) -> CommandGiven:
    """``/dialoog start tempo=1d`` → the words after the command."""
    return CommandGiven(
        channel(body["channel_id"]), person(body["user_id"], name), body.get("text") or ""
    )


def mention_command(body: Payload, bot_user_id: str, name: str) -> CommandGiven | None:
    """``@dialoogbot status`` works like ``/dialoog status``."""
    event = body["event"]
    text = strip_mention(event.get("text") or "", bot_user_id)
    if text is None:
        return None
    return CommandGiven(
        channel(event["channel"]), person(event["user"], name), text, event_id=body.get("event_id")
    )


def strip_mention(text: str, bot_user_id: str) -> str | None:
    """The words after a leading mention of the bot, or None when the bot is not addressed."""
    match = re.match(rf"^\s*<@{re.escape(bot_user_id)}(?:\|[^>]*)?>\s*", text)
    return text[match.end() :] if match else None


def message(
    body: Payload, bot_user_id: str, name: str
) -> AnswerGiven | AnswerEdited | AnswerDeleted | None:
    """A thread reply, its edit or its deletion; None for everything else.

    The bot's own messages, top-level messages and messages that address the bot (which
    arrive as ``app_mention`` too) are not answers.
    """
    event = body["event"]
    event_id = body.get("event_id")
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        return AnswerDeleted(channel(event["channel"]), event["deleted_ts"], event_id=event_id)
    if subtype == "message_changed":
        changed = event.get("message") or {}
        if not _is_reply(changed, bot_user_id):
            return None
        return AnswerEdited(
            channel(event["channel"]),
            person(changed["user"], name),
            changed["ts"],
            changed.get("text") or "",
            event_id=event_id,
        )
    if subtype not in (None, "thread_broadcast", "file_share") or not _is_reply(event, bot_user_id):
        return None
    return AnswerGiven(
        channel(event["channel"]),
        person(event["user"], name),
        event["ts"],
        event.get("text") or "",
        reply_to=event["thread_ts"],
        event_id=event_id,
    )


def _is_reply(event: Payload, bot_user_id: str) -> bool:
    if event.get("bot_id") or not event.get("user") or event.get("user") == bot_user_id:
        return False
    thread = event.get("thread_ts")
    if not thread or thread == event.get("ts"):
        return False
    return strip_mention(event.get("text") or "", bot_user_id) is None


def private_target(body: Payload) -> dict[str, Any]:
    """Round, step and channel named by a "Privé antwoorden" button."""
    value: dict[str, Any] = json.loads(body["actions"][0]["value"])
    value["channel"] = body["channel"]["id"]
    return value


def private_answer(body: Payload, name: str) -> AnswerGiven:
    """A submitted private-answer modal: answers a step without a message in the channel."""
    view = body["view"]
    target = json.loads(view["private_metadata"])
    text = view["state"]["values"][ANSWER_BLOCK][ANSWER_INPUT]["value"] or ""
    user = body["user"]["id"]
    return AnswerGiven(
        channel(target["channel"]),
        person(user, name),
        message_id=f"view:{view['id']}",
        text=text,
        round_id=int(target["round_id"]),
        step_index=int(target["step_index"]),
        private=True,
    )
