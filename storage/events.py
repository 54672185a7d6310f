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


def encode(event: InboundEvent) -> dict[str, Any]:
    return {"type": type(event).__name__, **dataclasses.asdict(event)}


def decode(payload: dict[str, Any]) -> InboundEvent:
    data = dict(payload)
    kind = _TYPES[data.pop("type")]
    data["channel"] = ChannelRef(**data["channel"])
    if data.get("person") is not None:
        data["person"] = Person(**data["person"])
    return kind(**data)
