"""The record of a big round: 200 participants × 31 steps (about 6,000 answers).

A board that runs the card with all its school leaders gets a record this size. Each
format is timed, and its peak traced memory measured, next to the least any rendering
costs: ``json.dumps`` of the same answers.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import cycle

import yaml

from adapters.local.demo import ANSWERS
from bot.model import Answer, ChannelRef, Person, Round, RoundSettings, Status, StepState
from bot.paper import record_html, record_pdf
from bot.render import summary_markdown
from bot.summary import Summary, compile_summary
from dialogues.cards import Card

PEOPLE = 200


def big_round(card: Card, people: int = PEOPLE) -> Round:
    """A finished round in which everyone answered every step, with the demo's words."""
    from bot.engine import plan_steps

    script = yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))
    texts = cycle([t for answers in script["answers"].values() for t in answers.values()])
    start = datetime(2026, 11, 23, 8, tzinfo=UTC)
    settings = RoundSettings(card_id=card.id)
    steps = tuple(
        replace(s, state=StepState.POSTED, posted_at=start + timedelta(days=i))
        for i, s in enumerate(plan_steps(card, settings))
    )
    persons = [Person("bench", f"u{n}", f"Deelnemer {n:03d}") for n in range(people)]
    answers = tuple(
        Answer(i, p, f"m{i}-{n}", next(texts).strip(), start + timedelta(days=i, minutes=n))
        for i in range(len(steps))
        for n, p in enumerate(persons)
    )
    return Round(
        id=1,
        channel=ChannelRef("bench", "C1"),
        settings=settings,
        status=Status.FINISHED,
        steps=steps,
        coordinators=frozenset({persons[0].key}),
        created_at=start,
        started_by=persons[0],
        finished_at=start + timedelta(days=len(steps)),
        answers=answers,
    )


def measured(work: Callable[[], object]) -> tuple[float, float]:
    """Seconds and peak traced megabytes of one run (after one to warm up)."""
    work()
    tracemalloc.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6


def report(card: Card, out: Callable[[str], None]) -> None:
    rnd = big_round(card)
    now = rnd.finished_at or datetime.now(UTC)
    summary: Summary = compile_summary(card, rnd, now)
    pairs = [(a.person.name, a.text) for a in rnd.answers]
    base_s, base_mb = measured(lambda: json.dumps(pairs))
    out(f"\nrecord of {PEOPLE} participants x {len(rnd.steps)} steps ({len(rnd.answers)} answers)")
    out(
        f"{'':<34} {'seconds':>9} {'peak MB':>9}   baseline json.dumps: {base_s:.3f} s, "
        f"{base_mb:.1f} MB"
    )
    for name, work in (
        ("compile (synthesis included)", lambda: compile_summary(card, rnd, now)),
        ("Markdown", lambda: summary_markdown(summary)),
        ("HTML", lambda: record_html(summary)),
        ("PDF (Typst, A4)", lambda: record_pdf(summary)),
    ):
        seconds, peak = measured(work)
        out(f"{name:<34} {seconds:>9.2f} {peak:>9.1f}")
