"""Keep to a platform's published sending limits before it has to refuse.

A refusal costs more than the wait it saves: Telegram answers a burst over its limits with
``429 retry_after`` of seconds, for every message in flight, and a bot that keeps pushing
is throttled longer. So each message reserves a moment at which it may go, in every
window it counts in, and waits until then.

The windows are sliding and strict: at most ``count`` messages in any ``seconds`` (plus a
small margin for the time a request spends on the way). That is the strictest reading of
"20 messages per minute in a group"; a leaky bucket of the same rate (aiolimiter, PTB's
``AIORateLimiter``) lets a 21st message through three seconds after a burst of 20.

A reservation is made before anything is awaited, so concurrent senders never count the
same slot twice, and is placed at or after every earlier one, which keeps each window's
record sorted. The waiting itself goes through an injectable ``sleep``: tests record it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

Sleep = Callable[[float], Awaitable[None]]
MARGIN = 0.05  # seconds: what a request may spend on the way, added to each window


class Window:
    """At most ``count`` messages per key in any ``seconds`` (plus ``margin``)."""

    def __init__(self, count: int, seconds: float, margin: float = MARGIN) -> None:
        self.count = count
        self.seconds = seconds + margin
        self._sent: dict[Hashable, deque[float]] = {}

    def reserve(self, key: Hashable, now: float) -> float:
        """The earliest moment from ``now`` a message for ``key`` may go; it is taken."""
        sent = self._sent.setdefault(key, deque(maxlen=self.count))
        at = now
        if len(sent) == self.count:
            at = max(now, sent[0] + self.seconds)
        sent.append(at)
        if len(self._sent) > 10_000:  # forget keys that have been quiet for a window
            self._forget(now)
        return at

    def _forget(self, now: float) -> None:
        for key in [k for k, s in self._sent.items() if s[-1] + self.seconds < now]:
            del self._sent[key]


class Pace:
    """One message through its windows: first its own chat's, then the bot's overall.

    The overall slot is reserved only once the chat's wait is over, so a message held back
    for its group does not hold a slot that others could use meanwhile.
    """

    def __init__(
        self,
        overall: Window,
        per_chat: Callable[[Hashable], Window | None],
        *,
        sleep: Sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall = overall
        self.per_chat = per_chat
        self.sleep = sleep
        self.clock = clock

    async def wait(self, chat: Hashable) -> None:
        window = self.per_chat(chat)
        if window is not None:
            now = self.clock()
            if (delay := window.reserve(chat, now) - now) > 0:
                await self.sleep(delay)
        now = self.clock()
        if (delay := self.overall.reserve(None, now) - now) > 0:
            await self.sleep(delay)
