"""What the engine asks to be said: neutral message contents and the two kinds of effect.

Contents are plain data (pydantic, so they survive a trip through the outbox table as
JSON). Every string in them is plain text that may contain anything a user typed; each
adapter escapes it for its own platform, so no markup is ever built in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from bot.model import ChannelRef, Person, StepKind
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


class NoticePost(BaseModel):
    type: Literal["notice"] = "notice"
    round_id: int
    text: str


class ReminderPost(BaseModel):
    """A nudge for one person, sent privately; the adapter delivers it as a direct message."""

    type: Literal["reminder"] = "reminder"
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
    type: Literal["summary"] = "summary"
    round_id: int
    summary: Summary


Content = Annotated[
    QuestionPost | NoticePost | SummaryPost | ReminderPost, Field(discriminator="type")
]
CONTENT = TypeAdapter[Content](Content)


@dataclass(frozen=True, slots=True)
class Post:
    """A message for the whole channel. Durable: it goes through the outbox."""

    channel: ChannelRef
    content: Content


@dataclass(frozen=True, slots=True)
class Reply:
    """An immediate answer to whoever spoke; ``private`` asks for an ephemeral/direct reply."""

    person: Person
    text: str
    private: bool = True
