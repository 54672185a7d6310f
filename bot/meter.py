"""What the core tells whoever measures it: a neutral interface, no metrics library.

The service, the delivery and the scheduler call these few methods at the moments that
matter (an event kept, a message sent or failed, a tick done); ``cli`` plugs in an
implementation that turns them into Prometheus metrics. The default measures nothing.
Counts that the database already holds (rounds, answers, dead letters) are read from
there on scrape instead, so they are right across any number of processes.
"""

from __future__ import annotations

from typing import Protocol


class Meter(Protocol):
    def kept(self, platform: str, seconds: float) -> None:
        """An event was kept in the inbox, ``seconds`` after it was handed to ``receive``."""

    def ticked(self, seconds: float) -> None:
        """The clock's tick (stepping the due rounds) took ``seconds``."""

    def sent(self, platform: str) -> None:
        """An outbox message reached the platform and was recorded as sent."""

    def failed(self, platform: str, *, dead: bool) -> None:
        """A send failed; ``dead``: it went to the dead letters."""


class NoMeter:
    """Measures nothing."""

    def kept(self, platform: str, seconds: float) -> None:
        pass

    def ticked(self, seconds: float) -> None:
        pass

    def sent(self, platform: str) -> None:
        pass

    def failed(self, platform: str, *, dead: bool) -> None:
        pass


NO_METER: Meter = NoMeter()
