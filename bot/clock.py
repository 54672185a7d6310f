"""Time as a dependency: the engine never asks the system what time it is.

Passing a clock in is what lets a test run three weeks of school days in milliseconds,
and lets the demo use the real clock with the same code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
