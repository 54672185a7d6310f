"""``make bench``: how the engine, the service and the summary scale with a busy round.

Each measurement stands next to a baseline taken in the same run on the same machine,
so the numbers say something about our code rather than about the machine:

- an answer through the whole service (load round, engine, diff, save) against a bare
  INSERT of the same row: what the functional core and its safety cost per answer;
- compiling and rendering the summary of a big round against ``json.dumps`` of the same
  answers: what shaping the summary costs over merely touching the data;
- a tick of the pure engine that posts the next step, against computing when that step
  is due (the school-day calendar), which every tick needs: what the rest of the tick costs.

Memory is the peak traced allocation (tracemalloc) while loading a round with many answers,
next to the size of the raw answer texts.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import TextIO

from sqlalchemy import insert

from benchmarks import platforms, record
from bot import engine
from bot.model import (
    AnswerGiven,
    ChannelRef,
    CommandGiven,
    Person,
    RoundSettings,
    Status,
    StepState,
)
from bot.outbound import Content, Parts, QuestionPost
from bot.paper import record_pdf
from bot.render import summary_markdown
from bot.school_days import next_due
from bot.service import DialogueService
from bot.summary import compile_summary
from bot.summary import draft as summary_draft
from dialogues.cards import get_card
from storage.db import Database
from storage.models import AnswerRow
from storage.repository import Repository
from storage.store import SqlStore
from tests.pgcluster import PgCluster

PEOPLE = 30
ANSWER = "Een antwoord van een gemiddelde lengte over Samen Opleiden in ons team. " * 4


class Clock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


def timed(label: str, runs: int, work: Callable[[], object]) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def atimed(runs: int, work: Callable[[int], Awaitable[object]]) -> float:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        await work(i)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def row(name: str, ours: float, base: float, unit: str = "ms") -> str:
    scale = 1000 if unit == "ms" else 1_000_000
    return f"{name:<44} {ours * scale:>10.3f} {base * scale:>10.3f} {ours / base:>8.1f}x"


async def busy_round(directory: Path) -> tuple[DialogueService, ChannelRef, Database]:
    db = Database(f"sqlite+aiosqlite:///{directory / 'bench.db'}")
    await db.migrate()
    clock = Clock()
    service = DialogueService(
        SqlStore(db), cards=get_card, clock=clock, defaults=RoundSettings(card_id="dialoogkaart")
    )
    channel = ChannelRef("bench", "team")
    coordinator = Person("bench", "coord", "Coördinator")
    await service.handle(CommandGiven(channel, coordinator, "start tempo=1s"))

    async def posted(channel: ChannelRef, content: Content, parts: Parts) -> str:
        return f"p{clock.current.timestamp()}-{content.type}-{id(content)}"

    await service.deliver("bench", posted)
    for _ in range(30):
        clock.current += timedelta(seconds=1)
        await service.tick()
        await service.deliver("bench", posted)  # a round waits until its channel has it
    return service, channel, db


async def main() -> None:
    card = get_card("dialoogkaart")
    print(f"{'measurement (median)':<44} {'ours ms':>10} {'base ms':>10} {'ratio':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        service, channel, db = await busy_round(Path(tmp))
        async with db.transaction() as session:
            rnd = await Repository(session).active(channel)
        assert rnd is not None

        # Fill the round: every person answers every step.
        n = 0
        for step in range(len(rnd.steps)):
            for person in range(PEOPLE):
                n += 1
                event = AnswerGiven(
                    channel,
                    Person("bench", f"u{person}", f"Deelnemer {person}"),
                    f"m{n}",
                    ANSWER,
                    round_id=rnd.id,
                    step_index=step,
                )
                await service.handle(event)

        async def one_answer(i: int) -> None:
            event = AnswerGiven(
                channel,
                Person("bench", "extra", "Extra"),
                f"x{i}",
                ANSWER,
                round_id=rnd.id,
                step_index=i % len(rnd.steps),
            )
            await service.handle(event)

        async with db.transaction() as session:
            someone = await Repository(session).person_id(
                Person("bench", "b", "B"), datetime.now(UTC)
            )

        async def bare_insert(i: int) -> None:
            async with db.transaction() as session:
                await session.execute(
                    insert(AnswerRow).values(
                        round_id=rnd.id,
                        step_index=0,
                        person_id=someone,
                        message_id=f"b{i}",
                        text=ANSWER,
                        private=False,
                        given_at=datetime.now(UTC),
                    )
                )

        ours = await atimed(50, one_answer)
        base = await atimed(50, bare_insert)
        print(row(f"answer via service ({n} answers in round)", ours, base))

        async with db.transaction() as session:
            full = await Repository(session).active(channel)
        assert full is not None
        now = datetime.now(UTC)
        ours = timed("summary", 20, lambda: summary_markdown(compile_summary(card, full, now)))
        texts = [(a.person.name, a.text) for a in full.answers]
        base = timed("json", 20, lambda: json.dumps(texts))
        print(row(f"summary compile+render ({len(full.answers)} answers)", ours, base))

        # the synthesis alone, against the least any reading of the words costs
        ours = timed("synthesis", 5, lambda: summary_draft(card, full, now))
        words = [a.text.casefold().split() for a in full.answers]
        base = timed("split", 5, lambda: sorted({w for ws in words for w in ws}))
        print(
            row(
                f"synthesis: themes, differences, actions ({len(full.answers)} answers)", ours, base
            )
        )

        # the printable record, against the Markdown of the same summary
        record = compile_summary(card, full, now)
        ours = timed("pdf", 3, lambda: record_pdf(record))
        base = timed("markdown", 3, lambda: summary_markdown(record))
        print(row("record as A4 PDF (Typst)", ours, base))

        # The round as it was before its last step, due at a fixed moment of its own
        # calendar: the tick posts that step (and only that), on any date it is run.
        last = len(full.steps) - 1
        posted = full.steps[last - 1].posted_at or full.created_at
        due = next_due(posted, full.settings)
        before = full.evolve(
            status=Status.RUNNING,
            steps=(*full.steps[:last], replace(full.steps[last], state=StepState.PENDING)),
            next_due=due,
            remind_at=None,
            finished_at=None,
            review=None,
        )
        assert isinstance(engine.tick(before, due, card).posts[0].content, QuestionPost)
        ours = timed("tick", 200, lambda: engine.tick(before, due, card))
        base = timed("calendar", 200, lambda: next_due(due, before.settings))
        print(row("engine tick posting the next step", ours, base))

        tracemalloc.start()
        async with db.transaction() as session:
            loaded = await Repository(session).active(channel)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert loaded is not None
        raw = sum(len(a.text.encode()) for a in loaded.answers)
        print(
            f"{'memory: load round (peak traced)':<44} {peak / 1e6:>9.2f}M {raw / 1e6:>9.2f}M "
            f"{peak / raw:>8.1f}x   (base: raw answer text)"
        )
        await db.close()

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        names = itertools.count(1)
        databases: dict[str, platforms.Fresh] = {
            "SQLite": lambda: f"sqlite+aiosqlite:///{tmp}/platform{next(names)}.db"
        }
        try:
            cluster = stack.enter_context(PgCluster())
        except RuntimeError as exc:
            print(f"(PostgreSQL figures skipped: {exc})")
        else:

            def on_postgres() -> str:
                name = cluster.create_database(f"bench{next(names)}")
                return str(cluster.dsn(dbname=name).render_as_string(hide_password=False))

            databases["PostgreSQL"] = on_postgres
        await platforms.report(databases)


class _Tee(io.TextIOBase):
    """Print as usual, and keep a copy for the report."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.kept = io.StringIO()

    def write(self, text: str) -> int:
        self.stream.write(text)
        self.stream.flush()
        return self.kept.write(text)


def _machine() -> str:
    versions = ", ".join(
        f"{name} {_version(name)}"
        for name in ("sqlalchemy", "asyncpg", "aiosqlite", "slack-bolt", "python-telegram-bot",
                     "typst", "simplemma")
    )  # fmt: skip
    return (
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
        f"- machine: {platform.platform()}, {os.cpu_count()} cores, {platform.machine()}\n"
        f"- Python {platform.python_version()}; {versions}\n"
    )


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def run() -> None:
    """Run every benchmark and write ``benchmarks/REPORT.md``: the README's figures come
    from it, with the machine and versions they were measured on."""
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        asyncio.run(main())
        record.report(get_card("dialoogkaart"), print)
    REPORT.write_text(
        "# Benchmark report\n\n"
        "Written by `make bench` (`python -m benchmarks`). Every figure stands next to a "
        "baseline measured in the same run, on the same machine.\n\n"
        f"{_machine()}\n```\n{tee.kept.getvalue().strip()}\n```\n",
        encoding="utf-8",
    )
    print(f"\nWritten: {REPORT}")


REPORT = Path(__file__).resolve().parent / "REPORT.md"

if __name__ == "__main__":
    run()
