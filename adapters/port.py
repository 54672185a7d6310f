"""The small interface every chat platform implements.

Composition rather than inheritance: an adapter holds the service and a way to reach its
platform; it is not a bot of its own. The service never calls an adapter except through
``send``, which is what the outbox delivery needs.
"""

from __future__ import annotations

from typing import Protocol

from bot.model import ChannelRef
from bot.outbound import Content


class Adapter(Protocol):
    platform: str

    async def send(self, channel: ChannelRef, content: Content) -> str:
        """Post ``content``; return the platform's id of the message, for matching replies."""
        ...

    async def run(self) -> None:
        """Receive events until stopped."""
        ...

    async def close(self) -> None: ...
