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
from bot.i18n import _
from bot.model import (
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    ChannelRef,
    CommandGiven,
    Event,
    Person,
)
from bot.outbound import (
    Content,
    DirectNotice,
    DraftPost,
    Parts,
    ProgressPost,
    QuestionPost,
    ReminderPost,
    ReplyPost,
    SummaryPost,
)
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
        self.replies: list[ReplyPost] = []
        self.listeners: list[Listener] = []
        # message id -> (person key, question message id) for everything people said
        self.said: dict[str, tuple[str, str | None]] = {}
        self._bot_ids: itertools.count[int] | None = None
        self._user_ids: itertools.count[int] | None = None
        self._announced = 0

    async def _ids(self) -> tuple[itertools.count[int], itertools.count[int]]:
        """Message numbers that go on from those stored, so a restarted console never
        gives a new message the id of an old one."""
        if self._bot_ids is None or self._user_ids is None:
            known = await self.service.message_ids(self.channel)
            highest = {"b": 0, "u": 0}
            for message_id in known:
                prefix, number = message_id[:1], message_id[1:]
                if prefix in highest and number.isdigit():
                    highest[prefix] = max(highest[prefix], int(number))
            self._bot_ids = itertools.count(highest["b"] + 1)
            self._user_ids = itertools.count(highest["u"] + 1)
        return self._bot_ids, self._user_ids

    # --- the adapter side: the bot speaks ----------------------------------------------

    async def send(self, channel: ChannelRef, content: Content, parts: Parts) -> str:
        if isinstance(content, ReplyPost):  # said to one person: nobody replies to it
            self.replies.append(content)
            prefix = (
                _("dialoogbot → alleen voor {name}").format(name=content.name)
                if content.private
                else "dialoogbot"
            )
            self.out(_indent(prefix, str(plain(content.text))))
            return "reply"
        bot_ids, _user_ids = await self._ids()
        message_id = f"b{next(bot_ids)}"
        match content:
            case ReminderPost() | DirectNotice() | DraftPost():
                label = _("dialoogbot → privé aan {name} [{id}]").format(
                    name=content.name, id=message_id
                )
            case QuestionPost() if content.name is not None:
                label = _("dialoogbot → privé aan {name} [{id}]").format(
                    name=content.name, id=message_id
                )
            case ProgressPost() if content.edit_of is not None:
                label = _("dialoogbot [{id}, bijgewerkt]").format(id=content.edit_of)
                message_id = content.edit_of
            case _:
                label = f"dialoogbot [{message_id}]"
        self.posted.append(Posted(message_id, content))
        self.out(_indent(label, content_text(content)))
        return message_id

    async def deliver(self) -> int:
        """Send what the outbox holds for this channel, then tell listeners what appeared.

        Only this channel's messages: another console on the same database has its own.
        Listeners hear of a post only once its delivery is recorded, as people on a real
        platform only see a message after it is posted: a reply can always find it.
        """
        sent = await self.service.deliver(PLATFORM, self.send, channel_id=self.channel.channel_id)
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
        direct: bool = False,
    ) -> str:
        """Type ``text`` as ``who``: a ``/dialoog`` command, or an answer to a question.

        An answer replies to ``reply_to`` (a question's message id) or else to the question
        posted last. Returns the new message's id.
        """
        _bot_ids, user_ids = await self._ids()
        message_id = f"u{next(user_ids)}"
        event: Event
        target: str | None = None
        if COMMAND.match(text):
            event = CommandGiven(
                self.channel, who, COMMAND.sub("", text, count=1), is_admin, message_id=message_id
            )
        elif direct:
            # in one's private conversation with the bot: a network round's answer
            event = AnswerGiven(self.channel, who, message_id, text, direct=True)
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
        label = f"{who.name} [{message_id}]" + (" " + _("(privé)") if private or direct else "")
        self.out(_indent(label, str(plain(text))))
        await self._handle(event)
        return message_id

    async def edit(self, who: Person, message_id: str, text: str, *, confirm: bool = False) -> None:
        """Change ``who``'s own answer; ``confirm`` asks the bot to say what happened."""
        label = _("{name} past [{id}] aan").format(name=who.name, id=message_id)
        self.out(_indent(label, str(plain(text))))
        await self._handle(AnswerEdited(self.channel, who, message_id, text, confirm=confirm))

    async def delete(self, who: Person, message_id: str, *, confirm: bool = False) -> None:
        self.out(_("{name} verwijdert [{id}]").format(name=who.name, id=message_id))
        await self._handle(AnswerDeleted(self.channel, message_id, person=who, confirm=confirm))

    async def _handle(self, event: Event) -> None:
        await self.service.handle(event)
        await self.deliver()

    # --- reading what was posted ---------------------------------------------------------

    def questions(self) -> list[tuple[str, QuestionPost]]:
        """The questions posted in the channel (not those asked privately)."""
        return [
            (p.message_id, p.content)
            for p in self.posted
            if isinstance(p.content, QuestionPost) and p.content.user_id is None
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

    def private_questions(self, who: Person) -> list[QuestionPost]:
        """The questions a network round asked this person privately, in order."""
        return [
            p.content
            for p in self.posted
            if isinstance(p.content, QuestionPost) and p.content.user_id == who.user_id
        ]

    def progress(self) -> ProgressPost | None:
        found = [p.content for p in self.posted if isinstance(p.content, ProgressPost)]
        return found[-1] if found else None

    def drafts(self) -> list[DraftPost]:
        return [p.content for p in self.posted if isinstance(p.content, DraftPost)]


def _indent(label: str, text: str) -> str:
    body = "\n".join("  " + line for line in text.splitlines())
    return f"{label}:\n{body}" if body else f"{label}:"


_fits_the_port: type[Adapter] = LocalChannel  # checked by mypy
