"""The small interface every chat platform implements.

Composition rather than inheritance: an adapter holds the service and a client for its
platform; it is not a bot of its own. The service reaches a platform only through
``send``, when it empties the outbox; ``deliver`` is what the scheduler (and the adapter
itself, after an event queued something) calls to do that. How an adapter receives
events (a terminal, Socket Mode, HTTP, long polling, a webhook) is its own business and
starts in ``cli``; whatever the way, it hands each event to ``service.receive`` and
acknowledges the platform only after that returned.
"""

from __future__ import annotations

from typing import Protocol

from bot.model import ChannelRef
from bot.outbound import Content, Parts


class Adapter(Protocol):
    platform: str

    async def send(self, channel: ChannelRef, content: Content, parts: Parts) -> str:
        """Post ``content``; return the platform's id of the message, for matching replies.

        A content that takes several platform calls sends each through ``parts``, so an
        interrupted delivery resumes after the last confirmed call. A refusal that no
        retry will cure raises ``bot.outbound.DeliveryRefused``.
        """
        ...

    async def deliver(self) -> int:
        """Send what the outbox holds for this platform; returns how many were sent."""
        ...
