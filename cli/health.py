"""``/healthz`` and ``/metrics`` for a running bot.

Mounted on the HTTP server the process already has (Slack's HTTP mode, Telegram's
webhook), or served on ``--metrics-port`` by a small aiohttp server of its own (Socket
Mode, long polling).

``/healthz`` answers 200 with ``{"database": "ok", "scheduler": "ok", "outbox": "ok"}``
when a ``SELECT 1`` works within a short timeout, the scheduler finished a wake within a
few tick intervals, and no message for this process's platform has waited longer than
``DIALOOGBOT_HEALTH_OUTBOX_MINUTES`` without being sent or given up on; otherwise 503,
with the failing check saying what is wrong.

``/metrics`` is the Prometheus text format from a registry of our own. What happens in
this process (messages sent and failed, tick and ingest durations) is counted through
``bot.meter``; what the database holds (rounds by state, answers, dead letters, the age
of the oldest pending message) is read on each scrape, with a timeout, so the figures
are right across all processes and a slow database never hangs a scrape.

The probes use an engine of their own without a pool: a check never queues behind the
bot's own transactions (on SQLite those take the write lock) and never reuses a
connection that died with the server.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from bot.clock import Clock
from bot.model import Status
from bot.scheduler import Ticker
from storage.db import normalize_url
from storage.repository import Observed, Repository

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 2.0
# The scheduler is late when its last wake finished more than this many intervals ago
# (and at least this many seconds: a wake that delivers a busy minute takes a while) …
LATE_WAKES = 5
LATE_FLOOR = 60.0
# … unless a wake is under way that began less than this long ago: a Monday at 09:00
# that waits out the platforms' rate limits is busy, not stuck.
LONG_WAKE = 900.0
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
INGEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
TICK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """``bot.meter.Meter`` on Prometheus: the counters of this process, in its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.messages_sent = Counter(
            "dialoogbot_messages_sent",
            "Outbox messages the platform accepted and that were recorded as sent",
            ["platform"],
            registry=self.registry,
        )
        self.messages_failed = Counter(
            "dialoogbot_messages_failed",
            "Failed attempts to send an outbox message (retried, or given up: dead)",
            ["platform", "dead"],
            registry=self.registry,
        )
        self.tick_seconds = Histogram(
            "dialoogbot_tick_seconds",
            "Time a scheduler tick took to step the rounds that were due",
            buckets=TICK_BUCKETS,
            registry=self.registry,
        )
        self.ingest_seconds = Histogram(
            "dialoogbot_ingest_seconds",
            "Time from receiving a platform event to having it kept in the inbox",
            ["platform"],
            buckets=INGEST_BUCKETS,
            registry=self.registry,
        )

    def kept(self, platform: str, seconds: float) -> None:
        self.ingest_seconds.labels(platform).observe(seconds)

    def ticked(self, seconds: float) -> None:
        self.tick_seconds.observe(seconds)

    def sent(self, platform: str) -> None:
        self.messages_sent.labels(platform).inc()

    def failed(self, platform: str, *, dead: bool) -> None:
        self.messages_failed.labels(platform, "true" if dead else "false").inc()


class Observer:
    """The health checks and the scrape, for one process (one platform)."""

    def __init__(
        self,
        database_url: str,
        platform: str,
        metrics: Metrics,
        clock: Clock,
        *,
        ticker: Ticker | None = None,
        outbox_after: timedelta = timedelta(minutes=15),
        timeout: float = PROBE_TIMEOUT,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.platform = platform
        self.metrics = metrics
        self.clock = clock
        self.ticker = ticker
        self.outbox_after = outbox_after
        self.timeout = timeout
        self.monotonic = monotonic
        self.engine = _probe_engine(database_url, timeout)

    async def close(self) -> None:
        await self.engine.dispose()

    # --- /healthz ---------------------------------------------------------------------------

    async def health(self) -> tuple[bool, dict[str, str]]:
        database, outbox = await self._database_checks()
        checks = {"database": database, "scheduler": self._scheduler(), "outbox": outbox}
        return all(v == "ok" for v in checks.values()), checks

    async def _database_checks(self) -> tuple[str, str]:
        """``SELECT 1``, then one look for a stuck message, on one connection."""
        try:
            async with asyncio.timeout(self.timeout), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                try:
                    async with AsyncSession(bind=conn) as session:
                        before = self.clock.now() - self.outbox_after
                        stuck = await Repository(session).stuck_outbox(self.platform, before)
                except Exception as exc:
                    log.warning("health: the outbox could not be read: %s", _why(exc))
                    return "ok", f"unknown: {_why(exc)}"
        except Exception as exc:
            log.warning("health: the database did not answer: %s", _why(exc))
            return f"unreachable: {_why(exc)}", "unknown: no database"
        if stuck:
            minutes = self.outbox_after.total_seconds() / 60
            return "ok", f"stuck: a message has waited more than {minutes:g} min"
        return "ok", "ok"

    def _scheduler(self) -> str:
        ticker = self.ticker
        if ticker is None:
            return "ok"  # nothing in this process is supposed to tick
        now = self.monotonic()
        started = ticker.wake_started
        if started is not None and now - started < LONG_WAKE:
            return "ok"
        late = max(LATE_WAKES * ticker.interval, LATE_FLOOR)
        since = ticker.last_wake if ticker.last_wake is not None else ticker.created
        if now - since <= late:
            return "ok"
        if started is not None:
            return f"stale: a wake has been running for {now - started:.0f} s"
        what = "the last wake finished" if ticker.last_wake is not None else "started, no wake"
        return f"stale: {what} {now - since:.0f} s ago"

    # --- /metrics ---------------------------------------------------------------------------

    async def scrape(self) -> bytes:
        """The process's own metrics, then what the database says, read just now."""
        observed: Observed | None = None
        try:
            async with (
                asyncio.timeout(self.timeout),
                self.engine.connect() as conn,
                AsyncSession(bind=conn) as session,
            ):
                observed = await Repository(session).observed()
        except Exception as exc:
            log.warning("metrics: the database did not answer: %s", _why(exc))
        snapshot = _Snapshot(observed, self)
        return generate_latest(self.metrics.registry) + generate_latest(snapshot)

    # --- HTTP -------------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/healthz", self._healthz), web.get("/metrics", self._metrics)]

    async def _healthz(self, request: web.Request) -> web.Response:
        healthy, checks = await self.health()
        return web.Response(
            status=200 if healthy else 503,
            text=json.dumps(checks, ensure_ascii=False),
            content_type="application/json",
        )

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=await self.scrape(), headers={"Content-Type": CONTENT_TYPE})


class _Snapshot:
    """The database's figures as metric families, collected once per scrape."""

    def __init__(self, observed: Observed | None, observer: Observer) -> None:
        self.observed = observed
        self.observer = observer

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "dialoogbot_database_up",
            "Whether the database answered the metrics' queries within the timeout",
            value=0 if self.observed is None else 1,
        )
        yield up
        ticker = self.observer.ticker
        if ticker is not None and ticker.last_wake is not None:
            yield GaugeMetricFamily(
                "dialoogbot_scheduler_last_wake_age_seconds",
                "Seconds since the scheduler's last wake finished",
                value=self.observer.monotonic() - ticker.last_wake,
            )
        observed = self.observed
        if observed is None:
            return
        rounds = GaugeMetricFamily(
            "dialoogbot_rounds", "Rounds in the database, by state", labels=["state"]
        )
        for state in Status:
            rounds.add_metric([state.value], observed.rounds.get(state.value, 0))
        for other in sorted(set(observed.rounds) - {s.value for s in Status}):
            rounds.add_metric([other], observed.rounds[other])
        yield rounds
        yield GaugeMetricFamily(
            "dialoogbot_answers_stored",
            "Answers kept in the database (all rounds)",
            value=observed.answers,
        )
        dead = GaugeMetricFamily(
            "dialoogbot_dead_letters",
            "Outbox messages given up on (refused for good, or out of attempts), by platform",
            labels=["platform"],
        )
        age = GaugeMetricFamily(
            "dialoogbot_outbox_oldest_pending_seconds",
            "Age of the oldest outbox message neither sent nor dead, by platform (0: none)",
            labels=["platform"],
        )
        now = self.observer.clock.now()
        platforms = {self.observer.platform, *observed.dead_letters, *observed.oldest_pending}
        for platform in sorted(platforms):
            dead.add_metric([platform], observed.dead_letters.get(platform, 0))
            oldest = observed.oldest_pending.get(platform)
            seconds = 0.0 if oldest is None else max((now - oldest).total_seconds(), 0.0)
            age.add_metric([platform], seconds)
        yield dead
        yield age


def _probe_engine(database_url: str, timeout: float) -> AsyncEngine:
    """An engine for the checks: no pool, short timeouts, and for SQLite no new file:
    a database file that is gone is an error here, not a fresh empty database."""
    url = make_url(normalize_url(database_url))
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        connect_args["timeout"] = timeout
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            url = url.set(database=f"file:{url.database}", query={"mode": "rw", "uri": "true"})
    else:
        connect_args.update(timeout=timeout, command_timeout=timeout)
    return create_async_engine(url, poolclass=NullPool, connect_args=connect_args)


def _why(exc: BaseException) -> str:
    """A failure in a few words, without the driver's full text (it may carry the URL)."""
    if isinstance(exc, TimeoutError):
        return "no answer within the timeout"
    return exc.__class__.__name__


async def serve(routes: Sequence[web.RouteDef], host: str, port: int) -> web.AppRunner:
    """A small HTTP server of its own for ``routes``; cleaned up by the caller."""
    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health and metrics on http://%s:%s/healthz and /metrics", host, port)
    return runner
