"""Telegram updates → neutral events. Pure functions over python-telegram-bot's objects.

A round lives in a chat, or in one topic of a forum supergroup (then the topic's id is the
ChannelRef's thread). Answers are replies to the question's message, which Telegram
delivers to bots even with privacy mode on. In a private chat with the bot a plain
message answers too: in a network round, the question the person is on. Telegram tells
bots nothing of deletions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Container

from telegram import Chat, Message, Update, User

from bot.model import AnswerEdited, AnswerGiven, ChannelRef, CommandGiven, Person

PLATFORM = "telegram"
# "p": a private answer; "e": one in an eerst-zelf round (the thread shows it at the close)
PRIVATE_START = re.compile(r"^([pe])(\d+)_(\d+)_([A-Za-z0-9_-]{16})$")
# The outcome's buttons: the verdicts under the post in the group, and Voorleggen under
# the coordinator's draft in the private chat. Telegram allows 64 bytes of callback data.
VERDICTS = ("klopt", "aanvulling", "bezwaar")
PROPOSE = "voorleggen"
# Doe mee, under a network round's announcement in the group
JOIN = "doe-mee"
CALLBACK = re.compile(r"^dialoog:(klopt|aanvulling|bezwaar|voorleggen|doe-mee):(\d{1,18})$")
# ``/start verder``: the link under "I cannot write to you" opens the private chat and goes
# on with the network round there
CONTINUE_START = "verder"


def channel(message: Message) -> ChannelRef:
    topic = message.message_thread_id if message.is_topic_message else None
    return ChannelRef(PLATFORM, str(message.chat.id), str(topic) if topic else None)


def person(user: User) -> Person:
    return Person(PLATFORM, str(user.id), user.full_name)


def command(update: Update, words: list[str], is_admin: bool) -> CommandGiven | None:
    message = update.effective_message
    if message is None or message.from_user is None:
        return None
    return CommandGiven(
        channel(message),
        person(message.from_user),
        " ".join(words),
        is_admin=is_admin,
        event_id=str(update.update_id),
        message_id=str(message.message_id),
    )


def answer(update: Update, asked_here: Container[str] = ()) -> AnswerGiven | AnswerEdited | None:
    """A reply to a message (a question, if the service knows it), or an edit of one.

    In a private chat with the bot, a message is the answer to the person's current
    question in a network round (``direct``), unless it replies to a team round's
    question asked privately in this chat (its message id is in ``asked_here``)."""
    message = update.edited_message or update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    text = message.text if message.text is not None else message.caption
    if text is None:
        return None
    if update.edited_message is not None:
        return AnswerEdited(
            channel(message), person(message.from_user), str(message.message_id), text,
            event_id=str(update.update_id),
        )  # fmt: skip
    replied = message.reply_to_message
    private = message.chat.type == Chat.PRIVATE
    if private and (replied is None or str(replied.message_id) not in asked_here):
        return AnswerGiven(
            channel(message),
            person(message.from_user),
            str(message.message_id),
            text,
            event_id=str(update.update_id),
            direct=True,
        )
    if replied is None:
        return None
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return None  # in a forum topic every message "replies" to the topic's first message
    return AnswerGiven(
        channel(message),
        person(message.from_user),
        str(message.message_id),
        text,
        reply_to=str(replied.message_id),
        private=private,
        event_id=str(update.update_id),
    )


def link_key(bot_token: str) -> bytes:
    """The key that signs private-answer links, derived from the bot's token.

    The token is the one secret every Telegram deployment already has; whoever knows it
    controls the bot anyway. Derived, so the token itself never signs anything.
    """
    return hashlib.sha256(b"dialoogbot private answer links\0" + bot_token.encode()).digest()


def _signature(round_id: int, step_index: int, key: bytes) -> str:
    mac = hmac.new(key, f"{PLATFORM}:{round_id}:{step_index}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:12]).decode().rstrip("=")


def private_start(round_id: int, step_index: int, key: bytes, *, own_first: bool = False) -> str:
    """The deep link's start parameter (Telegram allows 64 characters of A-Z a-z 0-9 _ -).

    ``own_first`` only changes what the private chat says about where the answer shows;
    the round itself decides what happens to it, so that letter needs no signature."""
    kind = "e" if own_first else "p"
    return f"{kind}{round_id}_{step_index}_{_signature(round_id, step_index, key)}"


def private_target(words: list[str], key: bytes) -> tuple[int, int] | None:
    """``/start p12_3_<signature>`` from a "Privé antwoorden" link: round 12, step 3.

    None for anything else, including a link whose signature does not match: round ids
    are sequential, so without it anyone could add an answer to any round.
    """
    match = PRIVATE_START.match(words[0]) if len(words) == 1 else None
    if match is None:
        return None
    round_id, step_index = int(match[2]), int(match[3])
    if not hmac.compare_digest(match[4], _signature(round_id, step_index, key)):
        return None
    return round_id, step_index


def own_first_start(words: list[str]) -> bool:
    """Whether a private-answer link comes from an eerst-zelf round's question."""
    return len(words) == 1 and words[0].startswith("e")


def callback_data(verb: str, round_id: int) -> str:
    """``dialoog:klopt:12``: what a button says it does, and for which round."""
    return f"dialoog:{verb}:{round_id}"


def callback_target(data: str | None) -> tuple[str, int] | None:
    """(verb, round id) of one of our buttons; None for anything else."""
    match = CALLBACK.match(data or "")
    return None if match is None else (match[1], int(match[2]))
