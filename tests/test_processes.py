"""Real bot processes (``dialoogbot run slack --http``) against the fake Slack: several on
one database at once, and one killed with SIGKILL again and again during a fan-out.

These wait on real subprocesses, so they take seconds of real time; the rounds run at
the smallest cadence a coordinator may choose (one second).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp import ClientSession

from dialogues.cards import get_card
from tests.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack, SlackSender
from tests.slack_harness import fake_slack, kind

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 20
# opening, 1.1, the droomvraag and the three evaluation questions
STEPS = [
    "Openingsvraag",
    "1.1",
    "Droomvraag",
    *(e.label for e in get_card("dialoogkaart").evaluation),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bot:
    """One ``dialoogbot run slack --http`` process on a port of its own."""

    def __init__(self, database_url: str, api_url: str, log: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "DIALOOGBOT_DATABASE_URL": database_url,
            "DIALOOGBOT_TICK_SECONDS": "0.2",
            "DIALOOGBOT_LEASE_SECONDS": "3",
            "DIALOOGBOT_LOG_LEVEL": "WARNING",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
            "SLACK_TIMEOUT": "5",
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "cli", "run", "slack", "--http"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    async def ready(self, within: float = 30) -> None:
        """Until the process accepts connections (it migrates the database first)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"bot exited: {self.log.read_text()[-3000:]}")
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.1)
                continue
            writer.close()
            return

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"


@contextmanager
def bots(count: int, database_url: str, api_url: str, logs: Path) -> Iterator[list[Bot]]:
    running = [Bot(database_url, api_url, logs / f"bot{n}.log") for n in range(count)]
    try:
        yield running
    finally:
        for bot in running:
            bot.stop()


def channel(n: int) -> str:
    return f"C{n:02d}"


async def start_rounds(senders: list[SlackSender]) -> None:
    for n in range(ROUNDS):
        sender = senders[n % len(senders)]
        for _attempt in range(50):  # as Slack does: try again when the bot is not there
            try:
                status = await sender.command(
                    "UANNA", channel(n), "start vragen=1.1 tempo=1s controle=uit"
                )
            except OSError:
                status = 0
            if status == 200:
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError(f"round {n} could not be started")


def finished(fake: FakeSlack) -> bool:
    return all(any(kind(p) == "summary" for p in fake.posts(channel(n))) for n in range(ROUNDS))


def label(text: str) -> str:
    return next((s for s in STEPS if s in text), text)


def check_every_round(fake: FakeSlack) -> Counter[str]:
    """Every step of every round posted, in order; returns what was posted twice."""
    twice: Counter[str] = Counter()
    for n in range(ROUNDS):
        posts = fake.posts(channel(n))
        questions = [str(p["blocks"][0]["text"]["text"]) for p in posts if kind(p) == "question"]
        in_order = list(dict.fromkeys(questions))  # each distinct question, first time seen
        assert [label(q) for q in in_order] == STEPS, (channel(n), in_order)
        twice.update({f"{channel(n)} {label(q)}": c - 1 for q, c in Counter(questions).items()})
        welcomes = sum("Welkom bij de dialoog" in str(p.get("text")) for p in posts)
        summaries = sum(kind(p) == "summary" for p in posts)
        twice[f"{channel(n)} welkom"] += welcomes - 1
        twice[f"{channel(n)} samenvatting"] += summaries - 1
    return +twice


@pytest.mark.postgres
async def test_three_processes_on_one_postgresql_post_every_step_once(
    postgres_url: str, tmp_path: Path
) -> None:
    database_url = postgres_url
    async with fake_slack() as (fake, api_url), ClientSession() as session:
        with bots(3, database_url, api_url, tmp_path) as running:
            for bot in running:  # started together, on a fresh database
                bot.start()
            await asyncio.gather(*(bot.ready() for bot in running))
            senders = [SlackSender(bot.url, session) for bot in running]
            await start_rounds(senders)
            await fake.wait_for(lambda: finished(fake), within=90)
    assert check_every_round(fake) == Counter()


async def test_kill_minus_nine_during_a_fan_out_loses_nothing_and_posts_nothing_twice(
    database_url: str, tmp_path: Path
) -> None:
    chance = random.Random(2026)
    kills = 0
    async with fake_slack() as (fake, api_url), ClientSession() as session:
        with bots(1, database_url, api_url, tmp_path) as (bot,):
            bot.start()
            await bot.ready()
            await start_rounds([SlackSender(bot.url, session)])
            for _kill in range(4):
                await asyncio.sleep(chance.uniform(0.3, 2.0))  # a random moment of the fan-out
                bot.kill()
                kills += 1
                bot.start()
                await bot.ready()
            await fake.wait_for(lambda: finished(fake), within=120)
    twice = check_every_round(fake)
    looked = len(fake.of("conversations.history")) + len(fake.of("conversations.replies"))
    print(f"kill -9 x{kills}: posted twice {sum(twice.values())}, looked before resending {looked}")
    assert twice == Counter()
