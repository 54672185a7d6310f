"""A channel that lives in this process: people type, the bot prints.

It is a real adapter (the service delivers to it through the outbox like to any other
platform), and also the harness tests use: say something as someone, then read what the
bot posted. Messages get ids (``b3`` for the bot's, ``u7`` for people's) so a reply can
name the question it answers, exactly as a thread reply does on Slack.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from adapters.port import Adapter
from bot.model import (
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    ChannelRef,
    CommandGiven,
    Event,
    Person,
)
from bot.outbound import Content, QuestionPost, ReminderPost, Reply, SummaryPost
from bot.render import content_text, plain
from bot.service import DialogueService

PLATFORM = "local"
COMMAND = re.compile(r"^\s*/dialoog\b\s*", re.IGNORECASE)

Listener = Callable[[str, Content], Awaitable[None] | None]


@dataclass(frozen=True, slots=True)
class Posted:
    message_id: str
    content: Content


def person(name: str) -> Person:
    """A local participant; the id is the name, which is unique enough in one terminal."""
    return Person(PLATFORM, re.sub(r"\W+", "-", name.casefold()).strip("-") or "anoniem", name)


class LocalChannel:
    platform = PLATFORM

    def __init__(
        self,
        service: DialogueService,
        channel_id: str = "lokaal",
        *,
        out: Callable[[str], None] = print,
    ) -> None:
        self.service = service
        self.channel = ChannelRef(PLATFORM, channel_id)
        self.out = out
        self.posted: list[Posted] = []
        self.replies: list[Reply] = []
        self.listeners: list[Listener] = []
        # message id -> (person key, question message id) for everything people said
        self.said: dict[str, tuple[str, str | None]] = {}
        self._bot_ids = itertools.count(1)
        self._announced = 0
        self._user_ids = itertools.count(1)

    # --- the adapter side: the bot speaks ----------------------------------------------

    async def send(self, channel: ChannelRef, content: Content) -> str:
        message_id = f"b{next(self._bot_ids)}"
        self.posted.append(Posted(message_id, content))
        who = f" → privé aan {content.name}" if isinstance(content, ReminderPost) else ""
        self.out(_indent(f"dialoogbot{who} [{message_id}]", content_text(content)))
        return message_id

    async def deliver(self) -> int:
        """Send what the outbox holds, then tell listeners what appeared.

        Listeners hear of a post only once its delivery is recorded, as people on a real
        platform only see a message after it is posted: a reply can always find it.
        """
        sent = await self.service.deliver(PLATFORM, self.send)
        fresh, self._announced = self.posted[self._announced :], len(self.posted)
        for posted in fresh:
            for listener in self.listeners:
                result = listener(posted.message_id, posted.content)
                if result is not None:
                    await result
        return sent

    # --- the people side: participants speak --------------------------------------------

    async def say(
        self,
        who: Person,
        text: str,
        *,
        reply_to: str | None = None,
        private: bool = False,
        is_admin: bool = False,
    ) -> str:
        """Type ``text`` as ``who``: a ``/dialoog`` command, or an answer to a question.

        An answer replies to ``reply_to`` (a question's message id) or else to the question
        posted last. Returns the new message's id.
        """
        message_id = f"u{next(self._user_ids)}"
        event: Event
        target: str | None = None
        if COMMAND.match(text):
            event = CommandGiven(self.channel, who, COMMAND.sub("", text, count=1), is_admin)
        else:
            target = reply_to or self.latest_question()
            event = AnswerGiven(
                self.channel, who, message_id, text, reply_to=target, private=private
            )
            if private and target is not None:
                question = self.question(target)
                if question is not None:
                    event = AnswerGiven(
                        self.channel,
                        who,
                        message_id,
                        text,
                        round_id=question.round_id,
                        step_index=question.step_index,
                        private=True,
                    )
        if isinstance(event, AnswerGiven):
            self.said[message_id] = (who.key, target)
        label = f"{who.name} [{message_id}]" + (" (privé)" if private else "")
        self.out(_indent(label, str(plain(text))))
        await self._handle(event)
        return message_id

    async def edit(self, who: Person, message_id: str, text: str) -> None:
        self.out(_indent(f"{who.name} past [{message_id}] aan", str(plain(text))))
        await self._handle(AnswerEdited(self.channel, who, message_id, text))

    async def delete(self, who: Person, message_id: str) -> None:
        self.out(f"{who.name} verwijdert [{message_id}]")
        await self._handle(AnswerDeleted(self.channel, message_id))

    async def _handle(self, event: Event) -> None:
        for reply in await self.service.handle(event):
            self.replies.append(reply)
            prefix = (
                f"dialoogbot → alleen voor {reply.person.name}" if reply.private else "dialoogbot"
            )
            self.out(_indent(prefix, str(plain(reply.text))))
        await self.deliver()

    # --- reading what was posted ---------------------------------------------------------

    def questions(self) -> list[tuple[str, QuestionPost]]:
        return [
            (p.message_id, p.content) for p in self.posted if isinstance(p.content, QuestionPost)
        ]

    def latest_question(self) -> str | None:
        questions = self.questions()
        return questions[-1][0] if questions else None

    def question(self, message_id: str) -> QuestionPost | None:
        return next((q for mid, q in self.questions() if mid == message_id), None)

    def question_id(self, ref: str) -> str | None:
        """Message id of the latest question with this card reference (``1.2``, ``opening``…)."""
        found = [mid for mid, q in self.questions() if q.ref == ref]
        return found[-1] if found else None

    def reminders(self) -> list[ReminderPost]:
        return [p.content for p in self.posted if isinstance(p.content, ReminderPost)]

    def summaries(self) -> list[SummaryPost]:
        return [p.content for p in self.posted if isinstance(p.content, SummaryPost)]


def _indent(label: str, text: str) -> str:
    body = "\n".join("  " + line for line in text.splitlines())
    return f"{label}:\n{body}" if body else f"{label}:"


_fits_the_port: type[Adapter] = LocalChannel  # checked by mypy
