"""The figures of a school board's Monday morning, each next to a baseline of the same run.

- **Answer ingest over Slack's HTTP mode**: signed thread replies to a posted question into
  the real adapter (slack-bolt, the inbox written before the ack), 4, 16 and 64 at a time,
  against a bare slack-bolt app that verifies the signature and only acknowledges (the
  ceiling on this machine). Reported: acknowledged per second, p50 and p99 of the time to
  the ack, and the share of acknowledged answers that were stored; and how the ack time
  grows with the answers already in the round (10, 100, 1,000).
- **Fan-out**: 2,000 rounds fall due at once, each in its own channel, against fakes that
  enforce the platforms' published limits (``tests/fake_limits.py``): time until the last
  question is posted, against the least time those limits allow, and how often the fake
  refused. Slack's limits (one message per second per channel, bursts) allow one message
  in each of 2,000 channels at once, so its least time is what a plain slack_sdk client
  needs to post them against the same fake; Telegram's 30 per second overall make it
  ``ceil(2000 / 30) - 1`` seconds.
- **The scheduler's tick** over 10,000 rounds (all due, none due, 1,000 due) against one
  set-based UPDATE of the same rows and an empty transaction; and its growth over 100,
  1,000 and 10,000 rounds.
- **One bot process holding 10,000 rounds** (``benchmarks/hold.py``, a process of its
  own): its resident memory after an idle tick and a tick with 1,000 due, against the same
  process over an empty database.

The PostgreSQL figures use the tests' throwaway cluster (durability switched off there,
as in the tests), so they compare code paths, not disks.
"""

from __future__ import annotations

import asyncio
import json
import math
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import ClientSession
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, insert, select, text, update

from adapters.slack.app import SlackAdapter, SlackSettings
from adapters.telegram.app import TelegramAdapter, TelegramSettings
from bot.model import ChannelRef, CommandGiven, Person, RoundSettings
from bot.scheduler import wake
from bot.service import DialogueService
from dialogues.cards import get_card
from storage.db import Database
from storage.models import AnswerRow, ParticipantRow, RoundRow, RoundStepRow
from storage.store import SqlStore
from tests.fake_limits import SlackLimits, TelegramLimits
from tests.fake_slack import SIGNING_SECRET, TOKEN, SlackSender
from tests.fake_telegram import TOKEN as TELEGRAM_TOKEN
from tests.fake_telegram import FakeTelegram
from tests.slack_harness import fake_slack, serve

CONCURRENCY = 16
ANSWERS = 1500
ROUNDS_DUE = 2000
WARM_UP = 300  # answers in another round before a growth measurement
ROUNDS_TICK = 10_000
TELEGRAM_OVERALL = 30  # messages per second, the limit the fake enforces


class Clock:
    def __init__(self, current: datetime | None = None) -> None:
        self.current = current or datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

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


async def bounded(
    count: int, work: Callable[[int], Awaitable[object]], concurrency: int = CONCURRENCY
) -> None:
    limit = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with limit:
            await work(i)

    await asyncio.gather(*(one(i) for i in range(count)))


def reply(thread_ts: str, i: int, people: int = 200, channel: str = "C1") -> dict[str, Any]:
    return {
        "type": "message", "channel": channel, "user": f"U{i % people:03d}",
        "text": f"Antwoord {i}: " + "samen opleiden in ons team " * 6,
        "ts": f"{1_800_000_000 + i}.000100", "thread_ts": thread_ts,
    }  # fmt: skip


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


# --- answer ingest ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ingest:
    per_second: float  # acknowledged per second
    p50: float  # seconds to the ack
    p99: float
    stored_share: float = 1.0  # of the acknowledged answers, stored (1.0 for the bare app)


async def _send_all(
    sender: SlackSender,
    opening: str,
    count: int,
    concurrency: int,
    first: int = 0,
    people: int = 200,
    channel: str = "C1",
) -> tuple[Ingest, int]:
    """Answers ``first`` … ``first + count`` from ``people`` people; the figures, and how
    many were acked."""
    times: list[float] = []
    statuses: list[int] = []

    async def answer(i: int) -> None:
        started = time.perf_counter()
        event = reply(opening, first + i, people, channel)
        statuses.append(await sender.event(event, event_id=f"Ev{first + i}"))
        times.append(time.perf_counter() - started)

    started = time.perf_counter()
    await bounded(count, answer, concurrency)
    elapsed = time.perf_counter() - started
    acked = statuses.count(200)
    return Ingest(acked / elapsed, quantile(times, 0.5), quantile(times, 0.99)), acked


async def ingest(
    url: str,
    concurrency: int,
    *,
    before: int = 0,
    count: int = ANSWERS,
    people: int = 200,
    warm: bool = False,
) -> Ingest:
    """``count`` answers from ``people`` people into our adapter, ``concurrency`` at a
    time, after ``before`` answers (not measured) of the same people are in the round.
    ``warm``: first ``WARM_UP`` answers in another channel's round, so connections, statement
    caches and the database's pages are as warm whatever ``before`` is."""
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
        if warm:
            await sender.command("UANNA", "C2", "start")
            await adapter.idle()
            other = str(fake.posts("C2")[1]["_ts"])
            await _send_all(sender, other, WARM_UP, CONCURRENCY, first=10**6, channel="C2")
            await adapter.idle()
        if before:
            await _send_all(sender, opening, before, CONCURRENCY, first=count, people=people)
            await adapter.idle()
        figures, acked = await _send_all(sender, opening, count, concurrency, people=people)
        await adapter.idle()
        async with db.transaction() as tx:
            stored = await tx.scalar(select(func.count()).select_from(AnswerRow)) or 0
        await runner.cleanup()
        await db.close()
    earlier = before + (WARM_UP if warm else 0)
    return Ingest(figures.per_second, figures.p50, figures.p99, (stored - earlier) / acked)


async def bare_ingest(concurrency: int, count: int = ANSWERS) -> Ingest:
    """The same signed requests into a bolt app that verifies the signature and acks."""
    async with fake_slack() as (_fake, api_url), ClientSession() as session:
        bare = AsyncApp(
            client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SIGNING_SECRET
        )

        @bare.event("message")
        async def only_ack(ack: Any) -> None:
            await ack()

        runner, bare_url = await serve(bare.server(port=0).web_app)
        sender = SlackSender(bare_url + "slack/events", session)
        figures, _acked = await _send_all(sender, "1.0", count, concurrency)
        await runner.cleanup()
    return figures


# --- fan-out --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fanout:
    seconds: float  # until the last question was posted
    least: float  # the least time the limits allow (Slack: a plain client's time)
    refused: int  # 429s the fake answered


async def slack_fanout(url: str) -> Fanout:
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
        fake.limits = SlackLimits()  # an hour later: every channel's bucket is full

        started = time.perf_counter()
        await wake(service, adapter.deliver, asyncio.Lock())  # what the scheduler runs
        while await adapter.deliver():
            pass
        elapsed = time.perf_counter() - started
        posted = fake.posts()[before:]
        refused = fake.limits.refused
        await db.close()
        assert len(posted) == ROUNDS_DUE, len(posted)

        fake.limits = SlackLimits()
        client = AsyncWebClient(token=TOKEN, base_url=api_url)
        message = {key: posted[0][key] for key in ("text", "blocks")}
        started = time.perf_counter()
        await bounded(ROUNDS_DUE, lambda i: client.chat_postMessage(channel=f"C{i:04d}", **message))
        plain = time.perf_counter() - started
    return Fanout(elapsed, plain, refused)


async def telegram_fanout(url: str) -> Fanout:
    fake = FakeTelegram()
    runner, served = await serve(fake.app())
    api_url = served.rstrip("/")
    db = await fresh(url)
    clock = Clock()
    service = service_on(db, clock)
    adapter = TelegramAdapter(service, TelegramSettings(bot_token=TELEGRAM_TOKEN, api_url=api_url))
    await adapter.start()
    coordinator = Person("telegram", "11", "Anna")

    async def start(i: int) -> None:
        group = ChannelRef("telegram", str(-1_000_000 - i))
        await service.handle(CommandGiven(group, coordinator, "start tempo=1h"))

    await bounded(ROUNDS_DUE, start)
    async with db.transaction() as tx:  # as if the openings had been delivered last week
        await tx.execute(text("DELETE FROM outbox"))
    clock.current += timedelta(hours=1)
    fake.limits = TelegramLimits()

    started = time.perf_counter()
    await wake(service, adapter.deliver, asyncio.Lock())
    while await adapter.deliver():
        pass
    elapsed = time.perf_counter() - started
    posted = [args for method, args in fake.calls if method == "sendMessage"]
    assert len(posted) == ROUNDS_DUE, len(posted)
    await adapter.stop()
    await runner.cleanup()
    await db.close()
    least = math.ceil(ROUNDS_DUE / TELEGRAM_OVERALL) - 1
    return Fanout(elapsed, least, fake.limits.refused)


# --- the tick -------------------------------------------------------------------------------


async def seed(url: str, rounds: int, due: int | None = None) -> tuple[Database, Clock]:
    """``rounds`` running rounds of which ``due`` (default: all) fall due an hour after the
    returned clock's time; the others wait a day. Their openings count as delivered."""
    db = await fresh(url)
    clock = Clock()
    service = service_on(db, clock)
    await service.handle(
        CommandGiven(ChannelRef("bench", "C0"), Person("bench", "a", "A"), "start tempo=1h")
    )
    async with db.transaction() as tx:
        # copies of that round, with its steps and people, in other channels
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
    return db, clock


async def ticks(
    url: str, rounds: int = ROUNDS_TICK, due: int | None = None
) -> tuple[float, float, float, float]:
    """(due s, set-based UPDATE s, none due s, empty transaction s) for ``rounds`` rounds
    of which ``due`` (default: all) fall due at once."""
    db, clock = await seed(url, rounds, due)
    service = service_on(db, clock)
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


# --- one process holding 10,000 rounds -----------------------------------------------------


async def hold(url: str, rounds: int, due: int) -> dict[str, float]:
    """Seed the database here, then let a bot process of its own tick over it."""
    db, clock = await seed(url, rounds, due) if rounds else (await fresh(url), Clock())
    await db.close()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.hold", url, clock.current.isoformat(),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await process.communicate()
    assert process.returncode == 0, process.returncode
    figures: dict[str, float] = json.loads(out.decode().strip().splitlines()[-1])
    return figures


Fresh = Callable[[], str]
"""Makes a new, empty database and returns its URL."""


async def report(databases: dict[str, Fresh]) -> None:
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f}"

    print(
        "\nanswer ingest over Slack HTTP mode: answers acked per second, ms to the ack "
        f"({ANSWERS:,} per run)"
    )
    print(
        f"{'':<28}{'ours/s':>8}{'p50':>7}{'p99':>7}{'stored':>8}"
        f"{'bare/s':>9}{'p50':>7}{'p99':>7}{'ratio':>7}"
    )
    for concurrency in (4, 16, 64):
        bare = await bare_ingest(concurrency)
        for name, fresh_url in databases.items():
            ours = await ingest(fresh_url(), concurrency)
            print(
                f"{f'{name}, {concurrency} at a time':<28}{ours.per_second:>8.0f}"
                f"{ms(ours.p50):>7}{ms(ours.p99):>7}{ours.stored_share:>8.0%}"
                f"{bare.per_second:>9.0f}{ms(bare.p50):>7}{ms(bare.p99):>7}"
                f"{ours.per_second / bare.per_second:>6.2f}x"
            )

    print(
        "\ningest growth: p50 ms to the ack (and answers/s) of 500 answers by 10 people, "
        "16 at a time, with 10, 100 or 1,000 of their answers already in the round "
        "(after 300 in another round, to warm up)"
    )
    print(f"{'':<28}{'10':>18}{'100':>18}{'1,000':>18}")
    for name, fresh_url in databases.items():
        grown = [
            await ingest(fresh_url(), 16, before=n, count=500, people=10, warm=True)
            for n in (10, 100, 1_000)
        ]
        print(
            f"{name:<28}" + "".join(f"{f'{ms(g.p50)} ({g.per_second:.0f}/s)':>18}" for g in grown)
        )

    print(
        f"\nfan-out: {ROUNDS_DUE:,} rounds due at once, one per channel, "
        "against fakes enforcing the published limits"
    )
    print(f"{'':<28}{'seconds':>9}{'least':>9}{'ratio':>8}{'429s':>7}")
    for platform, run in (("Slack", slack_fanout), ("Telegram", telegram_fanout)):
        for name, fresh_url in databases.items():
            f = await run(fresh_url())
            print(
                f"{f'{platform} ({name})':<28}{f.seconds:>9.2f}{f.least:>9.2f}"
                f"{f.seconds / f.least:>7.2f}x{f.refused:>7}"
            )

    print(f"\n{'the tick':<50} {'ours':>10} {'baseline':>10} {'ratio':>7}")

    def line(label: str, ours: float, base: float) -> None:
        print(f"{label:<50} {ours:>10.2f} {base:>10.2f} {ours / base:>6.2f}x")

    for name, fresh_url in databases.items():
        all_due, base_all, none_due, base_none = await ticks(fresh_url())
        line(f"tick s, 10,000 rounds all due ({name})", all_due, base_all)
        line(f"tick ms, 10,000 rounds none due ({name})", none_due * 1000, base_none * 1000)
        some, base_some, _n, _b = await ticks(fresh_url(), due=1_000)
        line(f"tick s, 10,000 rounds, 1,000 due ({name})", some, base_some)
    print(f"\n{'tick growth, all due (s)':<50} {'100':>10} {'1,000':>10} {'10,000':>10}")
    for name, fresh_url in databases.items():
        grown = [(await ticks(fresh_url(), rounds=n))[0] for n in (100, 1_000, 10_000)]
        print(f"{name:<50} " + " ".join(f"{t:>10.3f}" for t in grown))

    print(
        "\none bot process holding 10,000 rounds (a process of its own), "
        "against the same process over an empty database"
    )
    print(f"{'':<28}{'RSS MB':>9}{'empty MB':>10}{'idle tick ms':>14}{'1,000 due s':>13}")
    for name, fresh_url in databases.items():
        empty = await hold(fresh_url(), 0, 0)
        full = await hold(fresh_url(), ROUNDS_TICK, 1_000)
        assert full["advanced"] == 1_000, full
        print(
            f"{name:<28}{full['rss_mb']:>9.0f}{empty['rss_mb']:>10.0f}"
            f"{full['idle_s'] * 1000:>14.1f}{full['due_s']:>13.2f}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(the benchmark process itself, fakes and all, peaked at {rss:.0f} MB)")
