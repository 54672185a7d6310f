"""The figures of a school board's Monday morning, each next to a baseline of the same run.

- **Answer ingest over Slack's HTTP mode**: signed thread replies to a posted question,
  16 at a time, into the real adapter (slack-bolt, the inbox written before the ack),
  against a bare slack-bolt app that verifies the signature and only acknowledges.
  Reported: acknowledged per second, and answers *stored* per second (until the last one
  is in the database), with the share of acknowledged answers that were stored.
- **Fan-out**: 2,000 rounds fall due at once; questions posted per second to the fake
  Slack, and the moment of the first post, against a plain slack_sdk client posting the
  same number of messages 16 at a time to the same fake.
- **The scheduler's tick** over 10,000 rounds, all due and none due, against one
  set-based UPDATE of the same rows and an empty transaction.

The PostgreSQL figures use the tests' throwaway cluster (durability switched off there,
as in the tests), so they compare code paths, not disks.
"""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import ClientSession
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, insert, select, text, update

from adapters.slack.app import SlackAdapter, SlackSettings
from bot.model import ChannelRef, CommandGiven, Person, RoundSettings
from bot.scheduler import wake
from bot.service import DialogueService
from dialogues.cards import get_card
from storage.db import Database
from storage.models import AnswerRow, ParticipantRow, RoundRow, RoundStepRow
from storage.store import SqlStore
from tests.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack, SlackSender
from tests.slack_harness import fake_slack, serve

CONCURRENCY = 16
ANSWERS = 1500
ROUNDS_DUE = 2000
ROUNDS_TICK = 10_000


class Clock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


async def fresh(url: str) -> Database:
    db = Database(url)
    await db.migrate()
    return db


def service_on(db: Database, clock: Clock) -> DialogueService:
    return DialogueService(
        SqlStore(db), cards=get_card, clock=clock, defaults=RoundSettings(card_id="dialoogkaart")
    )


async def bounded(count: int, work: Callable[[int], Awaitable[object]]) -> None:
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(i: int) -> None:
        async with limit:
            await work(i)

    await asyncio.gather(*(one(i) for i in range(count)))


def reply(thread_ts: str, i: int) -> dict[str, Any]:
    return {
        "type": "message", "channel": "C1", "user": f"U{i % 200:03d}",
        "text": f"Antwoord {i}: " + "samen opleiden in ons team " * 6,
        "ts": f"{1_800_000_000 + i}.000100", "thread_ts": thread_ts,
    }  # fmt: skip


# --- answer ingest ------------------------------------------------------------------------


async def ingest(url: str) -> tuple[float, float, float, float]:
    """(ours acked/s, ours stored/s, share stored, bare bolt acked/s)."""
    async with fake_slack() as (fake, api_url), ClientSession() as session:
        db = await fresh(url)
        service = service_on(db, Clock())
        settings = SlackSettings(bot_token=TOKEN, signing_secret=SIGNING_SECRET, api_url=api_url)
        adapter = SlackAdapter(service, settings)
        runner, bot_url = await serve(adapter.app.server(port=0).web_app)
        sender = SlackSender(bot_url + "slack/events", session)
        await sender.command("UANNA", "C1", "start")
        await adapter.idle()
        opening = str(fake.posts("C1")[1]["_ts"])

        started = time.perf_counter()
        statuses: list[int] = []

        async def answer(i: int) -> None:
            statuses.append(await sender.event(reply(opening, i), event_id=f"Ev{i}"))

        await bounded(ANSWERS, answer)
        acked_after = time.perf_counter() - started
        await adapter.idle()
        stored_after = time.perf_counter() - started
        async with db.transaction() as tx:
            stored = await tx.scalar(select(func.count()).select_from(AnswerRow))
        await runner.cleanup()
        await db.close()
        acked = statuses.count(200)

        bare = AsyncApp(
            client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SIGNING_SECRET
        )

        @bare.event("message")
        async def only_ack(ack: Any) -> None:
            await ack()

        runner, bare_url = await serve(bare.server(port=0).web_app)
        bare_sender = SlackSender(bare_url + "slack/events", session)
        started = time.perf_counter()
        await bounded(ANSWERS, lambda i: bare_sender.event(reply(opening, i), event_id=f"Ev{i}"))
        bare_after = time.perf_counter() - started
        await runner.cleanup()
    return (
        acked / acked_after,
        (stored or 0) / stored_after,
        (stored or 0) / acked,
        ANSWERS / bare_after,
    )


# --- fan-out --------------------------------------------------------------------------------


async def fanout(url: str) -> tuple[float, float, float]:
    """(ours posts/s, seconds to the first post, plain slack_sdk posts/s)."""
    async with fake_slack() as (fake, api_url):
        db = await fresh(url)
        clock = Clock()
        service = service_on(db, clock)
        settings = SlackSettings(bot_token=TOKEN, signing_secret=SIGNING_SECRET, api_url=api_url)
        adapter = SlackAdapter(service, settings)
        coordinator = Person("slack", "UANNA", "Anna")

        async def start(i: int) -> None:
            await service.handle(
                CommandGiven(ChannelRef("slack", f"C{i:04d}"), coordinator, "start tempo=1h")
            )

        await bounded(ROUNDS_DUE, start)
        while await adapter.deliver():  # the openings, before the measured Monday morning
            pass
        before = len(fake.posts())
        clock.current += timedelta(hours=1)

        started = time.perf_counter()
        await wake(service, adapter.deliver, asyncio.Lock())  # what the scheduler runs
        while await adapter.deliver():
            pass
        elapsed = time.perf_counter() - started
        posted = fake.posts()[before:]
        first = _first_post_after(fake, before) - started
        await db.close()
        assert len(posted) == ROUNDS_DUE, len(posted)

        client = AsyncWebClient(token=TOKEN, base_url=api_url)
        message = {key: posted[0][key] for key in ("text", "blocks")}
        started = time.perf_counter()
        await bounded(ROUNDS_DUE, lambda i: client.chat_postMessage(channel=f"C{i:04d}", **message))
        plain = time.perf_counter() - started
    return ROUNDS_DUE / elapsed, first, ROUNDS_DUE / plain


def _first_post_after(fake: FakeSlack, before: int) -> float:
    return fake.post_times[before]


# --- the tick -------------------------------------------------------------------------------


async def ticks(
    url: str, rounds: int = ROUNDS_TICK, due: int | None = None
) -> tuple[float, float, float, float]:
    """(due s, set-based UPDATE s, none due s, empty transaction s) for ``rounds`` rounds
    of which ``due`` (default: all) fall due at once; the others wait a day."""
    db = await fresh(url)
    clock = Clock()
    service = service_on(db, clock)
    await service.handle(
        CommandGiven(ChannelRef("bench", "C0"), Person("bench", "a", "A"), "start tempo=1h")
    )
    async with db.transaction() as tx:
        # 9,999 copies of that round, with its steps and people, in other channels
        row = (await tx.execute(select(RoundRow.__table__))).mappings().one()
        steps = (await tx.execute(select(RoundStepRow.__table__))).mappings().all()
        people = (await tx.execute(select(ParticipantRow.__table__))).mappings().all()
        for first in range(1, rounds, 1000):
            ids = range(first + 1, min(first + 1000, rounds) + 1)
            await tx.execute(
                insert(RoundRow),
                [{**row, "id": i, "channel_id": f"C{i}"} for i in ids],
            )
            for table, rows in ((RoundStepRow, steps), (ParticipantRow, people)):
                await tx.execute(
                    insert(table),
                    [{**{k: v for k, v in r.items() if k != "id"}, "round_id": i}
                     for i in ids for r in rows],
                )  # fmt: skip
        await tx.execute(text("DELETE FROM outbox"))  # as if the openings were delivered
        if due is not None:
            later = row["next_due"] + timedelta(days=1)
            await tx.execute(
                update(RoundRow)
                .where(RoundRow.id > due)
                .values(next_due=later, remind_at=None, wake_at=later)
            )

    clock.current += timedelta(minutes=5)  # nothing due yet (reminders come at 45 min)
    none_due = await _median(5, service.tick)

    async def empty() -> None:
        async with db.transaction() as tx:
            await tx.execute(text("SELECT 1"))

    baseline_none = await _median(5, empty)

    async def set_based() -> None:
        async with db.transaction() as tx:
            await tx.execute(
                update(RoundRow)
                .where(RoundRow.wake_at <= clock.current + timedelta(hours=1))
                .values(lease_until=clock.current)
            )

    baseline_all = await _median(3, set_based)
    clock.current += timedelta(hours=1)
    started = time.perf_counter()
    advanced = await service.tick()
    all_due = time.perf_counter() - started
    assert advanced == (rounds if due is None else due), advanced
    await db.close()
    return all_due, baseline_all, none_due, baseline_none


async def _median(runs: int, work: Callable[[], Awaitable[object]]) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        samples.append(time.perf_counter() - started)
    return sorted(samples)[len(samples) // 2]


Fresh = Callable[[], str]
"""Makes a new, empty database and returns its URL."""


async def report(databases: dict[str, Fresh]) -> None:
    print(f"\n{'platform figures':<50} {'ours':>10} {'baseline':>10} {'ratio':>7}")

    def line(label: str, ours: float, base: float, ratio: float, note: str = "") -> None:
        print(f"{label:<50} {ours:>10.2f} {base:>10.2f} {ratio:>6.2f}x  {note}".rstrip())

    for name, fresh_url in databases.items():
        acked, stored, share, bare = await ingest(fresh_url())
        line(f"answers acked/s, 16 at a time ({name})", acked, bare, acked / bare)
        note = f"{share:.0%} of acked answers stored"
        line(f"answers stored/s, 16 at a time ({name})", stored, bare, stored / bare, note)
    for name, fresh_url in databases.items():
        ours, first, plain = await fanout(fresh_url())
        note = f"first post after {first:.2f} s"
        line(f"posts/s, 2,000 rounds due at once ({name})", ours, plain, ours / plain, note)
    for name, fresh_url in databases.items():
        all_due, base_all, none_due, base_none = await ticks(fresh_url())
        line(f"tick s, 10,000 rounds all due ({name})", all_due, base_all, all_due / base_all)
        line(
            f"tick ms, 10,000 rounds none due ({name})",
            none_due * 1000,
            base_none * 1000,
            none_due / base_none,
        )
        some, base_some, _n, _b = await ticks(fresh_url(), due=1_000)
        line(f"tick s, 10,000 rounds, 1,000 due ({name})", some, base_some, some / base_some)
    # how the tick grows with the number of rounds, all due
    print(f"\n{'tick growth, all due (s)':<50} {'100':>10} {'1,000':>10} {'10,000':>10}")
    for name, fresh_url in databases.items():
        grown = [(await ticks(fresh_url(), rounds=n))[0] for n in (100, 1_000, 10_000)]
        print(f"{name:<50} " + " ".join(f"{t:>10.3f}" for t in grown))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the benchmark process after the ticks: {rss:.0f} MB")
