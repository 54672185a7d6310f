"""Slack payloads → neutral events. Pure functions, so they are tested on plain dicts.

Slack identifies a message by its ``ts`` and a thread by the ``ts`` of its first message:
a reply to a question is a message whose ``thread_ts`` is the question's ``ts``. A person's
name is not in the payloads; the adapter looks it up and passes it in.
"""

from __future__ import annotations

import hashlib
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
# The outcome: the group's check in the channel, the coordinator's draft in a direct message.
AGREE_ACTION = "uitkomst_klopt"
ADDITION_ACTION = "uitkomst_aanvulling"
OBJECTION_ACTION = "uitkomst_bezwaar"
EDIT_ACTION = "uitkomst_bewerken"
PROPOSE_ACTION = "uitkomst_voorleggen"
REMARK_VIEW = "uitkomst_reactie"
EDIT_VIEW = "uitkomst_bewerken"
REMARK_BLOCK = "reactie"
TEXT_INPUT = "tekst"
DATE_INPUT = "datum"
# A network round: Doe mee under its announcement, in the round's channel.
JOIN_ACTION = "netwerk_doe_mee"
# what each remark button asks for, as the command word
REMARKS = {ADDITION_ACTION: "aanvulling", OBJECTION_ACTION: "bezwaar"}
# the word that removes a theme when typed as its title in the edit modal
REMOVE = "weg"

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
    arrive as ``app_mention`` too) are not answers. In a direct message with the bot
    (``channel_type`` "im") every message of the person is one: in a network round, the
    answer to the question they are on.
    """
    event = body["event"]
    event_id = body.get("event_id")
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        return AnswerDeleted(channel(event["channel"]), event["deleted_ts"], event_id=event_id)
    if event.get("channel_type") == "im":
        return _direct(event, event_id, bot_user_id, name)
    if subtype == "message_changed":
        changed = event.get("message") or {}
        return _edited(event, changed, event_id, name) if _is_reply(changed, bot_user_id) else None
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


def _edited(event: Payload, changed: Payload, event_id: str | None, name: str) -> AnswerEdited:
    """An edited message: the service finds the answer by its conversation and ``ts``."""
    return AnswerEdited(
        channel(event["channel"]),
        person(changed["user"], name),
        changed["ts"],
        changed.get("text") or "",
        event_id=event_id,
    )


def _direct(
    event: Payload, event_id: str | None, bot_user_id: str, name: str
) -> AnswerGiven | AnswerEdited | None:
    """A message, or its edit, in someone's direct message with the bot.

    The service knows the answer by the conversation and the message's ``ts``, which is
    also what an edit of it names."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        changed = event.get("message") or {}
        if not _from_a_person(changed, bot_user_id):
            return None
        return _edited(event, changed, event_id, name)
    if subtype not in (None, "file_share") or not _from_a_person(event, bot_user_id):
        return None
    if not (event.get("text") or "").strip():
        return None  # a file without a word: nothing to answer with
    return AnswerGiven(
        channel(event["channel"]),
        person(event["user"], name),
        event["ts"],
        event.get("text") or "",
        event_id=event_id,
        direct=True,
    )


def _from_a_person(event: Payload, bot_user_id: str) -> bool:
    return bool(event.get("user")) and not event.get("bot_id") and event["user"] != bot_user_id


def is_direct(channel_id: str) -> bool:
    """Whether a conversation is a direct message: Slack's ids for those start with D."""
    return channel_id.startswith("D")


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


# --- the outcome ------------------------------------------------------------------------


def button_target(body: Payload) -> dict[str, Any]:
    """Round (and, on a draft's buttons, the round's channel) named by an outcome button.

    The check's buttons sit in the round's own channel, so the channel the click came
    from is the round's; the draft's sit in a direct message and carry the channel.
    """
    value: dict[str, Any] = json.loads(body["actions"][0]["value"])
    value.setdefault("channel", body["channel"]["id"])
    return value


def action_event_id(body: Payload) -> str:
    """A button click's delivery id: the same for a redelivery of this click (Socket
    Mode sends the same payload again), new for a new click. Slack gives interactions
    no event id; ``action_ts`` is the click's own time, and ``trigger_id`` is unique per
    interaction too."""
    action = body["actions"][0]
    moment = action.get("action_ts") or body.get("trigger_id") or ""
    return f"{action['action_id']}:{body['user']['id']}:{moment}"


def button_command(body: Payload, name: str, text: str) -> CommandGiven:
    """A click on Klopt (in the round's channel) or Voorleggen (in the coordinator's
    direct message) as the command it stands for, in the round's channel."""
    target = button_target(body)
    return CommandGiven(
        channel(str(target["channel"])),
        person(body["user"]["id"], name),
        text,
        event_id=action_event_id(body),
    )


def join_command(body: Payload, name: str) -> CommandGiven:
    """A click on Doe mee under a network round's announcement: ``/dialoog doe-mee`` in
    the round's channel, which is where the button sits."""
    return button_command(body, name, "doe-mee")


def _view_event_id(view: Payload, key: str, text: str) -> str:
    """A view submission's delivery id, per command it makes.

    Slack does not resend a view submission it got no answer to: it shows an error in
    the modal, which stays open, and the person submits again. That submission has the
    same view id and, unless they changed something, the same values, so the commands
    it makes have the same ids and are kept once; a field they changed in between is a
    new command.
    """
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"view:{view['id']}:{key}:{digest}"


def remark(body: Payload, name: str) -> CommandGiven:
    """A submitted Aanvulling or Bezwaar modal: ``aanvulling <tekst>``, ``bezwaar <tekst>``."""
    view = body["view"]
    target = json.loads(view["private_metadata"])
    text = view["state"]["values"][REMARK_BLOCK][TEXT_INPUT].get("value") or ""
    command = f"{target['kind']} {text}"
    return CommandGiven(
        channel(str(target["channel"])),
        person(body["user"]["id"], name),
        command,
        event_id=_view_event_id(view, target["kind"], text),
    )


def outcome_edits(body: Payload, name: str) -> list[CommandGiven]:
    """A submitted edit modal as the commands it stands for, one per field that changed.

    What the modal was opened with is in the view itself (each input's initial value),
    so a field left as it was makes no command. Themes renamed come before themes
    removed, and those go from the last to the first, so every command's number still
    means what the coordinator saw. When anything changed, ``uitkomst`` at the end sends
    the coordinator the draft as it now stands.
    """
    view = body["view"]
    target = json.loads(view["private_metadata"])
    values: dict[str, dict[str, Any]] = view["state"]["values"]
    initial = _initial_values(view.get("blocks") or [])
    edits: list[tuple[str, str]] = []  # (block id, command)
    removals: list[tuple[int, str]] = []
    for block_id, before in initial.items():
        if block_id not in values:
            continue
        state: dict[str, Any] = next(iter(values[block_id].values()), {})
        if state.get("type") == "datepicker":
            now = state.get("selected_date") or ""
        else:
            now = (state.get("value") or "").strip()
        if now == before:
            continue
        field, _sep, rest = block_id.partition(":")
        if field in ("kern", "droom"):
            edits.append((block_id, f"uitkomst {field} {now}".strip()))
        elif field == "thema" and now:
            if now.casefold() == REMOVE:
                removals.append((int(rest), f"uitkomst thema {rest} {REMOVE}"))
            else:
                edits.append((block_id, f"uitkomst thema {rest} {now}"))
        elif field == "actie":
            number, _sep, part = rest.partition(":")
            if part == "wanneer":
                edits.append((block_id, f"uitkomst actie {number} wanneer {now or 'geen'}"))
            else:
                edits.append((block_id, f"uitkomst actie {number} {part} {now}".strip()))
    edits += [(f"thema:{n}", text) for n, text in sorted(removals, reverse=True)]
    if not edits:
        return []
    edits.append(("toon", "uitkomst"))
    where = channel(str(target["channel"]))
    who = person(body["user"]["id"], name)
    everything = "\n".join(text for _key, text in edits)
    return [
        CommandGiven(
            where,
            who,
            text,
            event_id=_view_event_id(view, key, everything if key == "toon" else text),
        )
        for key, text in edits
    ]


def _initial_values(blocks: list[Payload]) -> dict[str, str]:
    """Each input block's value when the modal opened ("" for none), in the modal's order."""
    found: dict[str, str] = {}
    for block in blocks:
        if block.get("type") != "input" or "block_id" not in block:
            continue
        element = block.get("element") or {}
        value = element.get("initial_date") or element.get("initial_value") or ""
        found[block["block_id"]] = value.strip()
    return found
