"""APScheduler wakes the service; the database decides what is due.

The scheduler keeps no job per round: a restart would lose in-memory jobs, and APScheduler
3's job stores must not be shared between processes. Instead one interval job asks the
database for due rounds (an atomic claim) and then empties the outbox. Any number of
processes can run this safely.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.service import DialogueService

log = logging.getLogger(__name__)


async def wake(
    service: DialogueService, deliver: Callable[[], Awaitable[int]], running: asyncio.Lock
) -> None:
    """One scheduler run: advance due rounds, work off events left in the inbox, and
    deliver what they said.

    Delivery runs while the rounds are stepped (they are stepped in chunks, each
    committed), so on a Monday at 09:00 the first questions go out while later rounds
    are still being stepped, instead of after all of them.
    """
    async with running:
        try:
            ticking = asyncio.get_running_loop().create_task(service.tick())
            while not ticking.done():
                await deliver()
                await asyncio.wait({ticking}, timeout=0.1)
            await ticking
            await service.work_inbox()
            await deliver()
        except Exception:
            # Logged, not raised: the next run tries again; APScheduler would only log it.
            log.exception("scheduler run failed")


class _SkippedWake(logging.Filter):
    """A wake that finds the previous one still running is skipped on purpose (one run at
    a time, ``max_instances=1``); APScheduler reports every skip as a warning, which in a
    busy moment buries the warnings that matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


logging.getLogger("apscheduler.scheduler").addFilter(_SkippedWake())
logging.getLogger("apscheduler.executors.default").addFilter(_SkippedWake())


class Ticker:
    """Owns the APScheduler instance for one adapter's process.

    ``last_wake`` is when (``time.monotonic()``) the latest run finished, and
    ``wake_started`` when the one under way began (None between runs): what a health
    check reads to tell a scheduler that ticks from one that stopped or hangs.
    """

    def __init__(
        self, service: DialogueService, deliver: Callable[[], Awaitable[int]], interval: float
    ) -> None:
        """``deliver`` empties the outbox for this process's platform, typically
        ``partial(service.deliver, platform, adapter.send)``."""
        self.service = service
        self.deliver = deliver
        self.interval = interval
        self.created = time.monotonic()
        self.last_wake: float | None = None
        self.wake_started: float | None = None
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.running = asyncio.Lock()
        self.scheduler.add_job(
            self.run_once,
            "interval",
            seconds=interval,
            id="wake",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )

    async def run_once(self) -> None:
        """One wake, as the scheduler runs it every ``interval``."""
        self.wake_started = time.monotonic()
        try:
            await wake(self.service, self.deliver, self.running)
        finally:
            self.wake_started = None
            self.last_wake = time.monotonic()

    def start(self) -> None:
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop waking, and let a run that is under way finish before the database closes."""
        if self.scheduler.running:
            self.scheduler.pause()
            async with self.running:
                self.scheduler.shutdown(wait=False)
