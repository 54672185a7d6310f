"""The platforms' sending rate limits, as the fake platforms enforce them on arrival.

Written apart from the bot's own pacing (``adapters/pace.py``) so that pacing is checked
against a count of what actually arrived, not against its own arithmetic.

- Slack (docs.slack.dev, rate limits): chat.postMessage "generally allows posting one
  message per second per channel", with short bursts. Slack does not publish the burst,
  nor its workspace-wide limit; here a channel's bucket holds 3 messages and refills one
  per second, and there is no workspace limit. A refusal is HTTP 429 with ``Retry-After``.
- Telegram (Bot API FAQ): no more than 30 messages per second overall, no more than 20
  per minute in one group; counted here over sliding windows, the strictest reading. A
  refusal is ``429`` with ``parameters.retry_after`` in whole seconds.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SlidingWindow:
    """At most ``count`` arrivals per key in any ``seconds``."""

    count: int
    seconds: float
    arrived: dict[object, deque[float]] = field(default_factory=dict)

    def wait(self, key: object, now: float) -> float:
        """0 if an arrival now is allowed (and counted), else how long until it would be."""
        seen = self.arrived.setdefault(key, deque())
        while seen and seen[0] <= now - self.seconds:
            seen.popleft()
        if len(seen) >= self.count:
            return seen[0] + self.seconds - now
        seen.append(now)
        return 0.0


@dataclass
class TokenBucket:
    """Bursts of ``burst`` per key, refilled at ``rate`` per second."""

    burst: float
    rate: float
    level: dict[object, tuple[float, float]] = field(default_factory=dict)

    def wait(self, key: object, now: float) -> float:
        tokens, since = self.level.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - since) * self.rate)
        if tokens < 1:
            self.level[key] = (tokens, now)
            return (1 - tokens) / self.rate
        self.level[key] = (tokens - 1, now)
        return 0.0


@dataclass
class SlackLimits:
    per_channel: TokenBucket = field(default_factory=lambda: TokenBucket(burst=3, rate=1))
    clock: Callable[[], float] = time.monotonic
    refused: int = 0

    def retry_after(self, method: str, channel: str) -> int | None:
        """Seconds for ``Retry-After`` if Slack would refuse this call now, else None."""
        if method != "chat.postMessage":
            return None
        if (wait := self.per_channel.wait(channel, self.clock())) > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        return None


@dataclass
class TelegramLimits:
    overall: SlidingWindow = field(default_factory=lambda: SlidingWindow(30, 1.0))
    per_group: SlidingWindow = field(default_factory=lambda: SlidingWindow(20, 60.0))
    clock: Callable[[], float] = time.monotonic
    refused: int = 0

    def retry_after(self, method: str, chat_id: object) -> int | None:
        """Seconds for ``retry_after`` if Telegram would refuse this call now, else None."""
        if not method.startswith(("send", "edit", "copy", "forward")) or chat_id is None:
            return None
        now = self.clock()
        group = str(chat_id).startswith("-")
        if group and (wait := self.per_group.wait(chat_id, now)) > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        if (wait := self.overall.wait(None, now)) > 0:
            if group:  # not sent after all: give the group its slot back
                self.per_group.arrived[chat_id].pop()
            self.refused += 1
            return max(1, math.ceil(wait))
        return None
