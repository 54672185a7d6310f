"""What the engine asks to be said: neutral message contents and the two kinds of effect.

Contents are plain data (pydantic, so they survive a trip through the outbox table as
JSON). Every string in them is plain text that may contain anything a user typed; each
adapter escapes it for its own platform, so no markup is ever built in the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, Field, TypeAdapter

from bot.model import AnswerDeleted, ChannelRef, InboundEvent, Person, StepKind
from bot.summary import Summary


class QuestionPost(BaseModel):
    type: Literal["question"] = "question"
    round_id: int
    step_index: int
    step_number: int
    step_count: int
    kind: StepKind
    ref: str
    label: str
    role: str | None = None
    text: str
    invitation: str | None = None
    answer_until: datetime | None = None
    timezone: str
    anonymous: bool = False
    # the card completed words its source lost: said wherever the question is shown
    reconstructed: bool = False
    # eerst-zelf in a team round: answer privately; the thread gets all answers at close
    own_first: bool = False
    # a network round asks each participant privately: then this names them
    platform: str | None = None
    user_id: str | None = None
    name: str | None = None


class ProgressPost(BaseModel):
    """How far a network round is, for the channel: counts, never who is behind.

    ``edit_of`` is the platform id of the round's progress message as it shows now (the
    first one, unless that one was gone and a new one took its place), filled in by the
    delivery just before sending, so the message is edited in place where the platform
    can (and posted anew where it cannot)."""

    type: Literal["progress"] = "progress"
    round_id: int
    joined: int
    done: int
    underway: int
    closes: datetime | None = None
    timezone: str
    open: bool = True
    edit_of: str | None = None


class AnswerShown(BaseModel):
    author: str | None
    text: str


class AnswersPost(BaseModel):
    """Eerst zelf, in a team round: when a step closes, everyone's answers to it, in the
    question's thread. ``thread`` (the question's message) is resolved when queued."""

    type: Literal["answers"] = "answers"
    round_id: int
    step_index: int
    label: str
    answers: list[AnswerShown]
    thread: str | None = None


class NoticePost(BaseModel):
    """Something said in the round's channel. ``join`` marks a network round's
    announcement: platforms put a button to join under it."""

    type: Literal["notice"] = "notice"
    round_id: int
    text: str
    join: bool = False


class ReminderPost(BaseModel):
    """A nudge for one person, sent privately; the adapter delivers it as a direct message."""

    type: Literal["reminder"] = "reminder"
    # "terugblik": the follow-up weeks later, quoting the person's own action
    # "netwerk": a network round's nudge to a member who is behind
    kind: Literal["herinnering", "terugblik", "netwerk"] = "herinnering"
    round_id: int
    step_index: int
    label: str
    text: str
    answer_until: datetime | None = None
    timezone: str
    platform: str
    user_id: str
    name: str


class SummaryPost(BaseModel):
    """The summary. ``thread`` is the round's thread (its welcome message's platform id),
    resolved when the summary is queued so that sending it needs nothing but this value."""

    type: Literal["summary"] = "summary"
    round_id: int
    summary: Summary
    thread: str | None = None


class ReplyPost(BaseModel):
    """An answer to one person about what they just did, in the channel they did it in.

    ``private`` asks for an ephemeral message where the platform has them (Slack), and
    ``reply_to`` names the person's own message where the platform threads replies to it
    (Telegram). Replies go through the outbox like everything else, so they too are sent
    once and in order, also when the event was worked off after a crash.
    """

    type: Literal["reply"] = "reply"
    round_id: int | None = None
    platform: str
    user_id: str
    name: str
    text: str
    private: bool = True
    reply_to: str | None = None


class DirectNotice(BaseModel):
    """A message for one person in a private chat: a coordinator told of a failure, or
    someone's own data (``/dialoog mijngegevens``), which then goes with it as a JSON
    file (``data``)."""

    type: Literal["direct"] = "direct"
    round_id: int | None = None
    platform: str
    user_id: str
    name: str
    text: str
    data: dict[str, Any] | None = None


class DraftPost(BaseModel):
    """The outcome's draft for a coordinator, privately: to read, edit and put to the group.

    Adapters add what their platform offers for editing (a Slack modal, the commands in a
    Telegram private chat or the console)."""

    type: Literal["draft"] = "draft"
    round_id: int
    platform: str
    user_id: str
    name: str
    summary: Summary


Content = Annotated[
    QuestionPost
    | NoticePost
    | SummaryPost
    | ReminderPost
    | ReplyPost
    | DirectNotice
    | DraftPost
    | ProgressPost
    | AnswersPost,
    Field(discriminator="type"),
]
CONTENT = TypeAdapter[Content](Content)


def recipient(channel: ChannelRef, content: Content) -> str:
    """Whom a message goes to, which is what order is kept for.

    A channel's messages arrive in the order they were decided; a direct message or a
    private reply goes to one person and must not wait behind the channel, nor a channel
    behind one person who cannot be reached.
    """
    match content:
        case ReminderPost() | DirectNotice() | DraftPost():
            return f"{content.platform}:user:{content.user_id}"
        case QuestionPost() if content.user_id is not None:
            return f"{content.platform}:user:{content.user_id}"
        case ReplyPost():
            return f"{channel}:user:{content.user_id}"
        case _:
            return str(channel)


class DeliveryRefused(Exception):
    """The platform refused a message for good (archived channel, bot blocked, invalid).

    Adapters raise it for errors that no retry will cure; the message goes to the
    dead-letter state at once instead of being retried, and never holds back others.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Parts(Protocol):
    """The parts of one outbox message already sent, for messages of several calls.

    An adapter sends each platform call through ``part``: a part that was confirmed
    before (by an earlier attempt that died later) is not sent again, and each confirmed
    part is recorded at once. ``LostClaim`` ends the send when another deliverer has
    taken the message over.

    ``key`` names the outbox message for good (a platform that stores metadata with a
    message can carry it), and ``retry`` says an earlier attempt may have reached the
    platform without our hearing back: an adapter that can look before it sends again
    (Slack, through message metadata) avoids a second post.
    """

    key: str
    retry: bool

    async def part(self, key: str, call: Callable[[], Awaitable[str]]) -> str: ...


class LostClaim(Exception):
    """This deliverer's claim on an outbox message ran out and someone else holds it now."""


@dataclass(frozen=True, slots=True)
class Post:
    """A message to send. Durable: it goes through the outbox.

    ``channel`` is the round's channel (a direct message names its person in the content).
    ``once`` is a key for a message that must never be queued twice.
    """

    channel: ChannelRef
    content: Content
    once: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """An immediate answer to whoever spoke; ``private`` asks for an ephemeral/direct reply."""

    person: Person
    text: str
    private: bool = True


def reply_posts(event: InboundEvent, round_id: int | None, replies: Sequence[Reply]) -> list[Post]:
    """Replies to whoever caused ``event``, as messages for the outbox, in its channel."""
    reply_to = None if isinstance(event, AnswerDeleted) else event.message_id
    return [
        Post(
            event.channel,
            ReplyPost(
                round_id=round_id,
                platform=r.person.platform,
                user_id=r.person.user_id,
                name=r.person.name,
                text=r.text,
                private=r.private,
                reply_to=reply_to,
            ),
        )
        for r in replies
    ]
