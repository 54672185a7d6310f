"""``dialoogbot demo``: a complete round in the terminal, with simulated colleagues.

It runs the real thing end to end (scheduler, database, outbox, local channel) on the
real clock at a fast pace; only the people are simulated. Their answers come from
``demo_answers.yaml``, including a late answer, an edit and a private answer, so the
summary at the end shows every feature a real round has.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import yaml

from adapters.local.channel import LocalChannel, person
from bot.i18n import _
from bot.model import Cadence, Person
from bot.outbound import Content, DraftPost, QuestionPost, ReminderPost, SummaryPost
from bot.scheduler import Ticker
from bot.service import DialogueService

ANSWERS = Path(__file__).resolve().parent / "demo_answers.yaml"
COORDINATOR = person("Coördinator (jij)")


@dataclass
class DemoResult:
    round_id: int
    summary: SummaryPost


class Colleagues:
    """Answers each question as it appears, after a short, varied pause."""

    def __init__(self, channel: LocalChannel, script: dict[str, Any], pace: float) -> None:
        self.channel = channel
        self.script = script
        self.pace = pace
        self.people = {p["name"]: person(p["name"]) for p in script["participants"]}
        self.tasks: set[asyncio.Task[None]] = set()
        self.random = random.Random(7)
        self.done = asyncio.Event()
        self.summary: SummaryPost | None = None
        self.reminded: dict[str, int] = {}
        self.drafted = False

    async def on_post(self, message_id: str, content: Content) -> None:
        if isinstance(content, SummaryPost) and content.summary.final:
            self.summary = content
            self.done.set()
        if isinstance(content, DraftPost) and not self.drafted:
            self.drafted = True
            self._schedule(self._edit_outcome())
        if isinstance(content, SummaryPost) and content.summary.outcome.phase == "controle":
            self._schedule(self._check())
        if isinstance(content, ReminderPost):
            # Like real people, a colleague who keeps getting reminders switches them off.
            self.reminded[content.name] = self.reminded.get(content.name, 0) + 1
            if self.reminded[content.name] == 3 and content.name in self.people:
                self._command(self.people[content.name], "/dialoog herinneringen uit")
        if not isinstance(content, QuestionPost):
            return
        ref = content.ref
        for name, text in (self.script["answers"].get(ref) or {}).items():
            self._later(self.people[name], text, reply_to=message_id)
        extras = self.script.get("extras", {})
        private = extras.get("private")
        if private and private["step"] == ref:
            self._later(
                self.people[private["name"]], private["text"], reply_to=message_id, private=True
            )
        late = extras.get("late_answer")
        if late and late["after"] == ref:
            target = self.channel.question_id(late["step"])
            self._later(self.people[late["name"]], late["text"], reply_to=target)
        edit = extras.get("edit")
        if edit and edit["after"] == ref:
            self._schedule(self._edit(self.people[edit["name"]], edit["step"], edit["text"]))

    async def _edit_outcome(self) -> None:
        """You, the coordinator: a key message, the shared dream, a date, then to the group."""
        review = self.script.get("extras", {}).get("review", {})
        commands = [f"uitkomst kern {review['kern']}"] if review.get("kern") else []
        if review.get("dream"):
            commands.append(f"uitkomst droom {review['dream']}")
        commands += [f"uitkomst {edit}" for edit in review.get("edits", [])]
        for text in [*commands, "voorleggen"]:
            await self._pause()
            await self.channel.say(COORDINATOR, f"/dialoog {text.strip()}")

    async def _check(self) -> None:
        """Everyone gives their word; once all have, you publish."""
        verdicts = self.script.get("extras", {}).get("review", {}).get("verdicts", {})
        words = [(self.people[name], str(text).strip()) for name, text in verdicts.items()]
        await asyncio.gather(*(self._say_later(who, f"/dialoog {text}") for who, text in words))
        await self._pause()
        await self.channel.say(COORDINATOR, "/dialoog klopt")
        await self._pause()
        await self.channel.say(COORDINATOR, "/dialoog publiceer")

    async def _say_later(self, who: Person, text: str) -> None:
        await self._pause()
        await self.channel.say(who, text)

    def _command(self, who: Person, text: str) -> None:
        async def say() -> None:
            await self._pause()
            await self.channel.say(who, text)

        self._schedule(say())

    def _later(
        self, who: Person, text: str, *, reply_to: str | None, private: bool = False
    ) -> None:
        async def answer() -> None:
            await self._pause()
            await self.channel.say(who, text.strip(), reply_to=reply_to, private=private)

        self._schedule(answer())

    async def _edit(self, who: Person, ref: str, text: str) -> None:
        await self._pause()
        question = self.channel.question_id(ref)
        mine = [
            mid
            for mid, (author, target) in self.channel.said.items()
            if author == who.key and target == question
        ]
        if mine:
            await self.channel.edit(who, mine[0], text.strip())

    async def _pause(self) -> None:
        await asyncio.sleep(self.pace * self.random.uniform(0.15, 0.6))

    def _schedule(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


async def run_demo(
    service: DialogueService,
    *,
    tempo: str = "1s",
    tick: float = 0.2,
    out: Callable[[str], None] = print,
    channel_id: str | None = None,
) -> DemoResult:
    cadence = Cadence.parse(tempo)
    if cadence.days:
        raise ValueError("de demo draait in seconden of minuten, niet in dagen")
    script = yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))
    channel = LocalChannel(service, channel_id or f"demo-{random.randrange(10**6):06d}", out=out)
    colleagues = Colleagues(channel, script, pace=cadence.seconds)
    channel.listeners.append(colleagues.on_post)
    ticker = Ticker(service, channel.deliver, interval=tick)
    names = ", ".join(colleagues.people)
    out(
        _("Demo: {names} doen mee; jij bent de coördinator. Eén stap per {tempo}.").format(
            names=names, tempo=tempo
        )
        + "\n"
    )
    ticker.start()
    try:
        # the group gets a few steps' time to check the outcome
        window = Cadence(seconds=cadence.seconds * 3)
        await channel.say(COORDINATOR, f"/dialoog start tempo={tempo} controle={window}")
        await channel.say(COORDINATOR, "/dialoog herinneringen uit")
        await colleagues.done.wait()
        if colleagues.tasks:
            await asyncio.gather(*colleagues.tasks)
    finally:
        await ticker.stop()
    assert colleagues.summary is not None
    return DemoResult(colleagues.summary.round_id, colleagues.summary)


# --- a network round, on an accelerated clock ----------------------------------------------


class FastClock:
    """The real clock, sped up: a network round of three weeks plays in half a minute."""

    def __init__(self, factor: float, start: datetime | None = None) -> None:
        self.factor = factor
        self.start = start or datetime.now(UTC)
        self.real = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.real) * self.factor)


class NetworkColleagues(Colleagues):
    """School leaders of different schools: each joins when it suits them and answers
    the questions privately, at their own pace; one stops halfway and goes on after a
    reminder."""

    PACES: ClassVar[dict[str, tuple[float, float]]] = {
        # name: (joins after this many simulated days, days per answer)
        "Anna de Vries": (0.0, 0.3),
        "Bram Jansen": (1.0, 0.6),
        "Fatima El Amrani": (4.0, 0.4),
        "Daan Visser": (2.0, 1.5),
    }

    def __init__(self, channel: LocalChannel, script: dict[str, Any], day: float) -> None:
        super().__init__(channel, script, pace=0.05 if day else 0)
        self.day = day  # real seconds per simulated day
        self.asked: dict[str, int] = {}
        self.stopped: set[str] = set()

    def join_all(self) -> None:
        for name, (after, _speed) in self.PACES.items():
            self._schedule(self._join(self.people[name], after))

    async def _join(self, who: Person, after_days: float) -> None:
        await asyncio.sleep(after_days * self.day)
        await self.channel.say(who, "/dialoog doe-mee")

    async def on_post(self, message_id: str, content: Content) -> None:
        if isinstance(content, QuestionPost) and content.name in self.people:
            who = self.people[content.name]
            text = (self.script["answers"].get(content.ref) or {}).get(content.name)
            self._schedule(self._answer_privately(who, content, text))
            return
        if isinstance(content, ReminderPost) and content.name in self.stopped:
            self.stopped.discard(content.name)  # reminded: goes on where they were
            self._schedule(self._say_later(self.people[content.name], "/dialoog verder"))
            return
        await super().on_post(message_id, content)

    async def _answer_privately(self, who: Person, q: QuestionPost, text: str | None) -> None:
        _joins, speed = self.PACES[who.name]
        await asyncio.sleep(speed * self.day * self.random.uniform(0.5, 1.5))
        if (
            who.name == "Daan Visser"
            and q.step_number == q.step_count // 2
            and (who.name not in self.asked)
        ):
            self.asked[who.name] = q.step_number
            self.stopped.add(who.name)  # stops halfway; a reminder brings him back
            return
        if text is None:
            await self.channel.say(who, "/dialoog overslaan")
        else:
            await self.channel.say(who, text.strip(), direct=True)


async def run_network_demo(
    service: DialogueService,
    clock: FastClock,
    *,
    day: float,
    tick: float = 0.2,
    out: Callable[[str], None] = print,
    channel_id: str | None = None,
) -> DemoResult:
    """A network round of three school weeks, each colleague at their own pace."""
    script = yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))
    channel = LocalChannel(service, channel_id or f"netwerk-{random.randrange(10**6):06d}", out=out)
    colleagues = NetworkColleagues(channel, script, day)
    channel.listeners.append(colleagues.on_post)
    ticker = Ticker(service, channel.deliver, interval=tick)
    closes = (clock.now() + timedelta(days=21)).date()
    names = ", ".join(colleagues.PACES)
    out(
        _(
            "Demo netwerkronde: {names} doen mee, ieder in eigen tempo; één dag duurt "
            "{day} s. De ronde sluit {closes}."
        ).format(names=names, day=f"{day:g}", closes=closes.isoformat())
        + "\n"
    )
    ticker.start()
    try:
        await channel.say(
            COORDINATOR,
            f"/dialoog start netwerk rollen=1 sluit={closes.isoformat()} herinner=2d controle=1d",
        )
        colleagues.join_all()
        await colleagues.done.wait()
        if colleagues.tasks:
            await asyncio.gather(*colleagues.tasks)
    finally:
        await ticker.stop()
    assert colleagues.summary is not None
    return DemoResult(colleagues.summary.round_id, colleagues.summary)
