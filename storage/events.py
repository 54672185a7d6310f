"""Neutral events to JSON and back, for the inbox.

Only the neutral types of ``bot.model`` are stored, never a platform's payload: the inbox
is worked off by the same code whatever platform the event came from.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.model import (
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    ChannelRef,
    CommandGiven,
    InboundEvent,
    Person,
)

_TYPES: dict[str, type[InboundEvent]] = {
    t.__name__: t for t in (CommandGiven, AnswerGiven, AnswerEdited, AnswerDeleted)
}


def clean(event: InboundEvent) -> InboundEvent:
    """The event with lone surrogates in its text replaced by U+FFFD.

    A JSON body may carry ``\\ud800`` on its own; Python accepts it, but no database can
    store it as UTF-8, and an event that can never be kept would be refused (and
    redelivered) for ever. One unreadable character is better than a lost answer.
    """
    changes: dict[str, Any] = {
        name: _valid(value)
        for name, value in dataclasses.asdict(event).items()
        if isinstance(value, str) and _valid(value) != value
    }
    person = getattr(event, "person", None)
    if person is not None and _valid(person.name) != person.name:
        changes["person"] = dataclasses.replace(person, name=_valid(person.name))
    return dataclasses.replace(event, **changes) if changes else event


def _valid(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def encode(event: InboundEvent) -> dict[str, Any]:
    return {"type": type(event).__name__, **dataclasses.asdict(event)}


def decode(payload: dict[str, Any]) -> InboundEvent:
    data = dict(payload)
    kind = _TYPES[data.pop("type")]
    data["channel"] = ChannelRef(**data["channel"])
    if data.get("person") is not None:
        data["person"] = Person(**data["person"])
    return kind(**data)
