"""/healthz and /metrics over real HTTP, on a real database, with a scheduler that ran."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from adapters.local.channel import LocalChannel, person
from adapters.slack.app import SlackAdapter, SlackSettings
from adapters.telegram.app import TelegramAdapter, TelegramSettings
from bot.model import ChannelRef, CommandGiven
from bot.scheduler import Ticker
from bot.service import DialogueService
from cli.health import Metrics, Observer
from storage.db import Database
from tests.conftest import make_service
from tests.dbproxy import CuttableProxy
from tests.fake_slack import SIGNING_SECRET
from tests.fake_slack import TOKEN as SLACK_TOKEN
from tests.fake_telegram import TOKEN as TELEGRAM_TOKEN
from tests.fake_telegram import FakeTelegram
from tests.fakes import FakeClock
from tests.slack_harness import fake_slack
from tests.test_processes import ROOT, free_port

ANNA = person("Anna")
BRAM = person("Bram")
HEALTHY = {"database": "ok", "scheduler": "ok", "outbox": "ok"}


@dataclass
class Running:
    service: DialogueService
    channel: LocalChannel
    ticker: Ticker
    observer: Observer
    http: ClientSession
    url: str

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.url + path) as response:
            return response.status, await response.text()

    async def health(self) -> tuple[int, dict[str, str]]:
        async with self.http.get(self.url + "/healthz") as response:
            return response.status, await response.json()

    async def metrics(self) -> dict[str, float]:
        """Every sample as ``name{label="value",…}`` → value."""
        status, body = await self.get("/metrics")
        assert status == 200
        samples = {}
        for family in text_string_to_metric_families(body):
            for sample in family.samples:
                labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
                samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
        return samples


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@contextlib.asynccontextmanager
async def running(
    db: Database, clock: FakeClock, probe_url: str | None = None, **observer: Any
) -> AsyncIterator[Running]:
    """The service with the Prometheus meter, a local channel, a Ticker that woke once,
    and /healthz and /metrics on a real port (as ``--metrics-port`` serves them)."""
    metrics = Metrics()
    service = make_service(db, clock)
    service.meter = metrics
    service.delivery.meter = metrics
    channel = LocalChannel(service, "team", out=lambda _line: None)
    ticker = Ticker(service, channel.deliver, interval=1.0)
    await ticker.run_once()
    watch = Observer(
        probe_url or db.url, channel.platform, metrics, clock, ticker=ticker, **observer
    )
    app = web.Application()
    app.add_routes(watch.routes())
    runner, url = await serve(app)
    try:
        async with ClientSession() as http:
            yield Running(service, channel, ticker, watch, http, url)
    finally:
        await runner.cleanup()
        await watch.close()


async def test_healthz_is_200_on_a_healthy_service(db: Database, clock: FakeClock) -> None:
    async with running(db, clock) as bot:
        await bot.channel.say(ANNA, "/dialoog start")
        assert await bot.health() == (200, HEALTHY)


async def test_healthz_is_503_when_the_sqlite_file_is_gone(
    tmp_path: Path, clock: FakeClock
) -> None:
    folder = tmp_path / "volume"
    db = Database(f"sqlite+aiosqlite:///{folder / 'dialoogbot.db'}")
    await db.migrate()
    try:
        async with running(db, clock) as bot:
            assert await bot.health() == (200, HEALTHY)
            shutil.rmtree(folder)  # the volume went away: no new empty database appears
            status, checks = await bot.health()
            assert status == 503
            assert checks["database"].startswith("unreachable")
            assert checks["outbox"].startswith("unknown")
            assert checks["scheduler"] == "ok"
            assert not folder.exists()
    finally:
        await db.close()


@pytest.mark.postgres
async def test_healthz_follows_postgresql_going_away_and_coming_back(
    postgres_url: str, clock: FakeClock
) -> None:
    db = Database(postgres_url)
    await db.migrate()
    target = make_url(postgres_url)
    assert target.host is not None
    assert target.port is not None
    proxy = await CuttableProxy(target.host, target.port).start()
    relayed = target.set(port=proxy.port).render_as_string(hide_password=False)
    try:
        async with running(db, clock, probe_url=relayed) as bot:
            assert await bot.health() == (200, HEALTHY)
            await proxy.cut()
            status, checks = await bot.health()
            assert status == 503
            assert checks["database"].startswith("unreachable")
            assert (await bot.metrics())["dialoogbot_database_up"] == 0
            await proxy.start()
            assert await bot.health() == (200, HEALTHY)
    finally:
        await proxy.cut()
        await db.close()


async def test_healthz_and_metrics_do_not_hang_on_a_database_that_never_answers(
    db: Database, clock: FakeClock
) -> None:
    """A server that accepts the connection and then says nothing: the checks give up
    after their timeout instead of holding the request."""
    silent: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        silent.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"postgresql://bot:secret@127.0.0.1:{port}/dialoogbot"
    try:
        async with running(db, clock, probe_url=url, timeout=0.2) as bot:
            status, checks = await asyncio.wait_for(bot.health(), timeout=10)
            assert status == 503
            assert checks["database"] == "unreachable: no answer within the timeout"
            samples = await asyncio.wait_for(bot.metrics(), timeout=10)
            assert samples["dialoogbot_database_up"] == 0
            assert "dialoogbot_answers_stored" not in samples
            assert "secret" not in str(checks)
    finally:
        for writer in silent:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_healthz_is_503_when_the_outbox_is_stuck(db: Database, clock: FakeClock) -> None:
    async with running(db, clock, outbox_after=timedelta(minutes=15)) as bot:
        # a start whose messages are queued but not delivered (the platform is away)
        team = ChannelRef("local", "team")
        await bot.service.handle(CommandGiven(team, ANNA, "start", message_id="u1"))
        clock.advance(minutes=14)
        assert await bot.health() == (200, HEALTHY)
        clock.advance(minutes=2)
        status, checks = await bot.health()
        assert status == 503
        assert checks["outbox"].startswith("stuck")
        assert checks["database"] == "ok"
        assert checks["scheduler"] == "ok"
        samples = await bot.metrics()
        assert samples['dialoogbot_outbox_oldest_pending_seconds{platform="local"}'] == 16 * 60
        await bot.channel.deliver()  # the platform is back
        assert await bot.health() == (200, HEALTHY)
        samples = await bot.metrics()
        assert samples['dialoogbot_outbox_oldest_pending_seconds{platform="local"}'] == 0


async def test_healthz_is_503_when_the_scheduler_stopped_waking(
    db: Database, clock: FakeClock
) -> None:
    async with running(db, clock) as bot:
        last = bot.ticker.last_wake
        assert last is not None
        bot.observer.monotonic = lambda: last + 61  # a minute without a finished wake
        status, checks = await bot.health()
        assert status == 503
        assert checks["scheduler"].startswith("stale")
        bot.ticker.wake_started = last + 30  # a long wake under way is busy, not stuck
        assert await bot.health() == (200, HEALTHY)
        bot.observer.monotonic = lambda: last + 30 + 3600  # … unless it hangs
        assert (await bot.health())[0] == 503


async def test_metrics_count_what_a_round_does(db: Database, clock: FakeClock) -> None:
    async with running(db, clock) as bot:
        before = await bot.metrics()
        assert before["dialoogbot_database_up"] == 1
        assert before["dialoogbot_answers_stored"] == 0
        assert before['dialoogbot_rounds{state="running"}'] == 0
        assert before["dialoogbot_tick_seconds_count"] == 1  # the Ticker woke once
        assert "dialoogbot_scheduler_last_wake_age_seconds" in before

        await bot.channel.say(ANNA, "/dialoog start tempo=1d")
        await bot.channel.say(BRAM, "Samen leren.")
        await bot.channel.say(ANNA, "Elkaar opzoeken.")
        await bot.ticker.run_once()
        after = await bot.metrics()

        assert after["dialoogbot_answers_stored"] == 2
        assert after['dialoogbot_rounds{state="running"}'] == 1
        sent = after['dialoogbot_messages_sent_total{platform="local"}']
        assert sent == len(bot.channel.posted) + len(bot.channel.replies)
        assert after['dialoogbot_ingest_seconds_count{platform="local"}'] == 3
        assert after["dialoogbot_tick_seconds_count"] == 2
        assert after['dialoogbot_dead_letters{platform="local"}'] == 0
        assert after['dialoogbot_outbox_oldest_pending_seconds{platform="local"}'] == 0


async def test_failed_and_dead_messages_are_counted(db: Database, clock: FakeClock) -> None:
    from bot.outbound import DeliveryRefused

    async with running(db, clock) as bot:
        team = ChannelRef("local", "team")
        await bot.service.handle(CommandGiven(team, ANNA, "start", message_id="u1"))

        async def refuse(*_args: object) -> str:
            raise DeliveryRefused("channel_not_found")

        await bot.service.deliver("local", refuse)
        samples = await bot.metrics()
        failed = samples['dialoogbot_messages_failed_total{dead="true",platform="local"}']
        assert failed >= 1
        assert samples['dialoogbot_dead_letters{platform="local"}'] == failed


async def test_slack_http_mode_serves_the_routes_beside_its_events(
    db: Database, clock: FakeClock
) -> None:
    metrics = Metrics()
    service = make_service(db, clock)
    settings = SlackSettings(bot_token="xoxb-test", signing_secret="s", api_url="http://x/")
    adapter = SlackAdapter(service, settings)
    watch = Observer(db.url, adapter.platform, metrics, clock)
    runner, url = await serve(adapter.http_app(routes=watch.routes()))
    try:
        async with ClientSession() as http:
            async with http.get(url + "/healthz") as response:
                assert response.status == 200
                assert await response.json() == HEALTHY
            async with http.get(url + "/metrics") as response:
                assert "dialoogbot_rounds" in await response.text()
            async with http.post(url + "/slack/events", data=b"{}") as response:
                assert response.status == 401  # bolt's own route, signature checked
    finally:
        await runner.cleanup()
        await watch.close()


async def test_the_telegram_webhook_serves_the_routes_beside_its_updates(
    db: Database, clock: FakeClock
) -> None:
    metrics = Metrics()
    service = make_service(db, clock)
    settings = TelegramSettings(bot_token="1:x", webhook_secret="geheim", api_url="http://x")
    adapter = TelegramAdapter(service, settings)
    watch = Observer(db.url, adapter.platform, metrics, clock)
    runner, url = await serve(adapter.webhook(watch.routes()))
    try:
        async with ClientSession() as http:
            async with http.get(url + "/healthz") as response:
                assert response.status == 200
                assert await response.json() == HEALTHY
            async with http.get(url + "/metrics") as response:
                assert "dialoogbot_database_up 1.0" in await response.text()
            async with http.post(url + "/telegram", json={}) as response:
                assert response.status == 403  # the webhook, secret checked
    finally:
        await runner.cleanup()
        await watch.close()


# --- the real command, in a process of its own ------------------------------------------


def json_lines(log: Path) -> list[dict[str, Any]]:
    """The process's log: every line one JSON object (DIALOOGBOT_LOG_FORMAT=json)."""
    return [json.loads(line) for line in log.read_text().splitlines()]


def tail(log: Path) -> str:
    return log.read_text()[-3000:]


async def wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Until the process accepts connections on ``port`` (it migrates the database first)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while True:
        if process.poll() is not None:
            raise AssertionError(f"bot exited: {tail(log)}")
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            assert loop.time() < deadline, tail(log)
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return


@contextlib.contextmanager
def bot_process(
    args: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", *args],
            cwd=ROOT,
            env={**os.environ, "DIALOOGBOT_LOG_FORMAT": "json", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


async def check_routes(url: str) -> None:
    async with ClientSession() as http:
        async with http.get(url + "/healthz") as response:
            assert (response.status, await response.json()) == (200, HEALTHY)
        async with http.get(url + "/metrics") as response:
            body = await response.text()
    names = {family.name for family in text_string_to_metric_families(body)}
    assert {
        "dialoogbot_rounds",
        "dialoogbot_answers_stored",
        "dialoogbot_messages_sent",
        "dialoogbot_messages_failed",
        "dialoogbot_dead_letters",
        "dialoogbot_outbox_oldest_pending_seconds",
        "dialoogbot_tick_seconds",
        "dialoogbot_ingest_seconds",
        "dialoogbot_database_up",
    } <= names


async def test_run_slack_http_serves_healthz_and_metrics_on_its_port(tmp_path: Path) -> None:
    port = free_port()
    async with fake_slack() as (_fake, api_url):
        env = {
            "DIALOOGBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
        }
        args = ["run", "slack", "--http", "--host", "127.0.0.1", "--port", str(port)]
        log = tmp_path / "bot.log"
        with bot_process(args, env, log) as process:
            await wait_for_port(process, port, log)
            await check_routes(f"http://127.0.0.1:{port}")
    assert any(line["message"].startswith("listening for Slack") for line in json_lines(log))


async def test_run_telegram_polling_serves_them_on_the_metrics_port(tmp_path: Path) -> None:
    fake = FakeTelegram()
    runner, api_url = await serve(fake.app())
    port = free_port()
    env = {
        "DIALOOGBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "DIALOOGBOT_METRICS_PORT": str(port),
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_URL": api_url,
    }
    log = tmp_path / "bot.log"
    try:
        with bot_process(["run", "telegram", "--listen", "127.0.0.1"], env, log) as process:
            await wait_for_port(process, port, log)
            await check_routes(f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()
    assert any(line["message"].startswith("health and metrics on") for line in json_lines(log))
