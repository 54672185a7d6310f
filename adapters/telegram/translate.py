"""Telegram updates → neutral events. Pure functions over python-telegram-bot's objects.

A round lives in a chat, or in one topic of a forum supergroup (then the topic's id is the
ChannelRef's thread). Answers are replies to the question's message, which Telegram
delivers to bots even with privacy mode on. Telegram tells bots nothing of deletions.
"""

from __future__ import annotations

import re

from telegram import Chat, Message, Update, User

from bot.model import AnswerEdited, AnswerGiven, ChannelRef, CommandGiven, Person

PLATFORM = "telegram"
PRIVATE_START = re.compile(r"^p(\d+)_(\d+)$")


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
    )


def answer(update: Update) -> AnswerGiven | AnswerEdited | None:
    """A reply to a message (a question, if the service knows it), or an edit of one."""
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
        private=message.chat.type == Chat.PRIVATE,
        event_id=str(update.update_id),
    )


def private_target(words: list[str]) -> tuple[int, int] | None:
    """``/start p12_3`` from a "Privé antwoorden" link: round 12, step 3."""
    match = PRIVATE_START.match(words[0]) if len(words) == 1 else None
    return (int(match[1]), int(match[2])) if match else None
