"""A bot process over a database of rounds, alone: what it holds in memory, how long it ticks.

Run by ``benchmarks/platforms.py`` as a process of its own, so its resident memory is the
bot's and not the benchmark's (which also holds fake platforms and seeded rows). It
imports what ``dialoogbot run`` imports, opens the database, ticks once when nothing is
due (five minutes after the given time) and once when the seeded rounds fall due (an
hour after it), then prints one JSON line.

    python -m benchmarks.hold DATABASE_URL ISO_TIME
"""

from __future__ import annotations

import asyncio
import importlib
import json
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from bot.model import RoundSettings
from bot.service import DialogueService
from dialogues.cards import get_card
from storage.db import Database
from storage.store import SqlStore


class Clock:
    def __init__(self, current: datetime) -> None:
        self.current = current

    def now(self) -> datetime:
        return self.current


def rss_mb() -> float:
    """Resident memory now (VmRSS), not the peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(url: str, at: datetime) -> dict[str, float]:
    db = Database(url)
    clock = Clock(at + timedelta(minutes=5))
    service = DialogueService(
        SqlStore(db), cards=get_card, clock=clock, defaults=RoundSettings(card_id="dialoogkaart")
    )
    idle = []
    for _ in range(5):
        started = time.perf_counter()
        await service.tick()
        idle.append(time.perf_counter() - started)
    clock.current = at + timedelta(hours=1)
    started = time.perf_counter()
    advanced = await service.tick()
    due = time.perf_counter() - started
    await db.close()
    return {
        "rss_mb": rss_mb(),
        "idle_s": statistics.median(idle),
        "due_s": due,
        "advanced": advanced,
    }


if __name__ == "__main__":
    for adapter in ("adapters.slack.app", "adapters.telegram.app"):
        importlib.import_module(adapter)  # what a bot process has loaded
    figures = asyncio.run(main(sys.argv[1], datetime.fromisoformat(sys.argv[2])))
    print(json.dumps(figures))
