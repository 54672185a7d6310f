"""Neutral types shared by the engine, the service, storage and every adapter.

These are the only shapes that cross the boundary between a chat platform and the engine,
which is what keeps Slack and Telegram types out of ``bot/``. Everything is immutable:
the engine returns new values instead of changing old ones, so a step can be replayed
or compared in a test without hidden state.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import StrEnum

from bot.synthesis import ActionRow, Synthesis


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """Where a round lives: a channel, or one topic/thread inside it.

    A round is keyed by the channel, never by a person: the whole group shares one round.
    ``thread_id`` is a Telegram forum topic; ``None`` means the channel itself.
    """

    platform: str
    channel_id: str
    thread_id: str | None = None

    def __str__(self) -> str:
        topic = f"/{self.thread_id}" if self.thread_id else ""
        return f"{self.platform}:{self.channel_id}{topic}"


@dataclass(frozen=True, slots=True)
class Person:
    """A participant, keyed by platform and user id; the name is only for display."""

    platform: str
    user_id: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}"


class Status(StrEnum):
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    # every step closed; the group checks the outcome before it is published
    REVIEWING = "reviewing"
    FINISHED = "finished"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        return self in (Status.SCHEDULED, Status.RUNNING, Status.PAUSED, Status.REVIEWING)


class StepKind(StrEnum):
    OPENING = "opening"
    QUESTION = "question"
    DROOMVRAAG = "droomvraag"
    EVALUATION = "evaluation"
    # asked weeks after the round: how did the actions go? (``/dialoog terugblik``)
    FOLLOWUP = "terugblik"


class StepState(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the group is asked. ``ref`` is the card item: "1.1", or an evaluation key."""

    kind: StepKind
    ref: str
    state: StepState = StepState.PENDING
    posted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Cadence:
    """Time between steps: whole school days, or a fixed number of seconds.

    ``parse`` reads any well-formed cadence, so a round stored before the bounds existed
    still loads. What a coordinator may choose is bounded (``allowed``): 31 steps at 20
    school days already span three school years, and beyond that a round is a mistake,
    not a plan. One second is the floor because the demo runs at that pace.
    """

    MAX_DAYS = 20
    MAX_SECONDS = 30 * 24 * 3600

    days: int = 0
    seconds: int = 0

    def __post_init__(self) -> None:
        if (self.days > 0) == (self.seconds > 0):
            raise ValueError("a cadence is either days or seconds, and positive")

    @classmethod
    def parse(cls, text: str) -> Cadence:
        """Read ``1d``, ``4h``, ``30m`` or ``30s``; raises ValueError on anything else."""
        text = text.strip().lower()
        units = {"d": 0, "h": 3600, "m": 60, "s": 1}
        if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
            raise ValueError(text)
        amount = int(text[:-1])
        if amount <= 0:
            raise ValueError(text)
        if text[-1] == "d":
            return cls(days=amount)
        return cls(seconds=amount * units[text[-1]])

    @property
    def allowed(self) -> bool:
        """Asked here, not in the parsers, so a command and DIALOOGBOT_CADENCE agree."""
        return self.days <= self.MAX_DAYS and self.seconds <= self.MAX_SECONDS

    def __str__(self) -> str:
        if self.days:
            return f"{self.days}d"
        for suffix, size in (("h", 3600), ("m", 60)):
            if self.seconds % size == 0:
                return f"{self.seconds // size}{suffix}"
        return f"{self.seconds}s"


WEEKDAYS_MON_FRI: frozenset[int] = frozenset(range(5))


@dataclass(frozen=True, slots=True)
class RoundSettings:
    """Everything a coordinator chose when starting a round."""

    card_id: str
    roles: tuple[int, ...] = ()
    questions: tuple[str, ...] = ()
    cadence: Cadence = field(default_factory=lambda: Cadence(days=1))
    time_of_day: time = time(9, 0)
    timezone: str = "Europe/Amsterdam"
    weekdays: frozenset[int] = WEEKDAYS_MON_FRI
    skip_dates: tuple[date, ...] = ()
    anonymous: bool = False
    begin: date | None = None
    # How long the group has to check the outcome; None publishes the summary at once.
    review: Cadence | None = None
    # A network round: each participant goes through the card privately, at their own
    # pace, until ``closes``; reminders at most every ``remind_every`` school days,
    # only between ``hours``.
    network: bool = False
    closes: date | None = None
    remind_every: int = 3
    hours: tuple[time, time] = (time(8, 0), time(18, 0))
    # a participant sees the others' answers to a question only after giving their own
    own_first: bool = False
    # how long after the round ends its answers are kept (the installation's retention
    # when the round started: what its welcome promised)
    retention_days: int = 365
    # the language the round speaks (``taal=``); None: the installation's, for rounds
    # started before rounds had one
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """One message of one person to one step. A person may give several, kept in order."""

    step_index: int
    person: Person
    message_id: str
    text: str
    given_at: datetime
    private: bool = False
    edited_at: datetime | None = None


class ReviewPhase(StrEnum):
    DRAFT = "concept"  # with the coordinator, who may edit it
    CHECK = "controle"  # with the group: klopt, aanvulling or bezwaar
    PUBLISHED = "gepubliceerd"


class VerdictKind(StrEnum):
    AGREE = "klopt"
    ADDITION = "aanvulling"
    OBJECTION = "bezwaar"


@dataclass(frozen=True, slots=True)
class Review:
    """The outcome of a round on its way from draft to what the group confirmed.

    ``draft`` is the synthesis as it stood when the last step closed, with the
    coordinator's edits applied: what the group checks is a fixed text, not one that
    shifts under them while late answers arrive (those join the record, and after
    publication an addendum).
    """

    phase: ReviewPhase
    opened_at: datetime
    draft: Synthesis
    kern: str | None = None
    dream: str | None = None
    until: datetime | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """One person's word on the outcome; a later one of the same person counts instead."""

    person: Person
    kind: VerdictKind
    text: str
    given_at: datetime


@dataclass(frozen=True, slots=True)
class Previous:
    """The channel's round before this one, as it stood when this one began.

    Kept with the round (not looked up when the summary is made) so the comparison the
    kwaliteitscyclus asks for is part of the round's own record and the engine stays pure.
    """

    round_id: int
    start: date | None
    end: date | None
    participants: int
    themes: tuple[tuple[str, tuple[str, ...]], ...]  # (title, terms)
    actions: tuple[ActionRow, ...]
    followed_up: int = 0


@dataclass(frozen=True, slots=True)
class Member:
    """Someone who joined a network round, and how far they are.

    ``position`` is the index of the step they are on: the next one they will be asked;
    ``len(steps)`` means done. ``reminded_at`` keeps reminders at a humane rhythm.
    """

    person: Person
    joined_at: datetime
    position: int = 0
    reminded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Round:
    """The whole state of one round; the engine maps (Round, event, now) to a new Round.

    ``answers`` holds every answer, except when the service hands the engine an event
    about one message (an answer, edit or deletion): then it holds just the answers with
    that message id, which is all such an event can read or change.
    """

    id: int
    channel: ChannelRef
    settings: RoundSettings
    status: Status
    steps: tuple[Step, ...]
    coordinators: frozenset[str]
    created_at: datetime
    started_by: Person
    next_due: datetime | None = None
    remind_at: datetime | None = None
    quiet: frozenset[str] = frozenset()
    paused_at: datetime | None = None
    finished_at: datetime | None = None
    answers: tuple[Answer, ...] = ()
    review: Review | None = None
    verdicts: tuple[Verdict, ...] = ()
    previous: Previous | None = None
    members: tuple[Member, ...] = ()
    # participants whose answers were removed at their request; only the count is kept,
    # so the outcome can say so (written by the erasure, never by the engine)
    erased: int = 0
    version: int = 0

    def participants(self) -> dict[str, Person]:
        """Everyone known to take part: whoever started the round or answered in it."""
        people = {self.started_by.key: self.started_by}
        for answer in self.answers:
            people.setdefault(answer.person.key, answer.person)
        return people

    def member(self, person: Person) -> Member | None:
        return next((m for m in self.members if m.person.key == person.key), None)

    def evolve(self, **changes: object) -> Round:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def next_step_index(self) -> int | None:
        """The first step still to post, or None when only the summary is left."""
        return next((i for i, s in enumerate(self.steps) if s.state is StepState.PENDING), None)

    @property
    def current_step_index(self) -> int | None:
        """The step posted last: the one the group is answering now."""
        posted = [i for i, s in enumerate(self.steps) if s.state is StepState.POSTED]
        return posted[-1] if posted else None


# --- inputs -------------------------------------------------------------------------
# ``event_id`` is the platform's id for one delivery of an event (Slack's event_id,
# Telegram's update_id). Platforms deliver again when unsure; the service handles a
# given id once, in the same transaction as its effects.


@dataclass(frozen=True, slots=True)
class CommandGiven:
    """``/dialoog …`` typed by someone. ``is_admin`` is the platform's own say (chat admin)."""

    channel: ChannelRef
    person: Person
    text: str
    is_admin: bool = False
    event_id: str | None = None
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerGiven:
    """A reply to a posted question. ``reply_to`` is the platform id of the question's message.

    A private answer (given outside the channel, e.g. in a modal or a direct chat) names
    the round and step itself instead, because it has no message in the channel to reply to.
    """

    channel: ChannelRef
    person: Person
    message_id: str
    text: str
    reply_to: str | None = None
    round_id: int | None = None
    step_index: int | None = None
    private: bool = False
    event_id: str | None = None
    # said in a private conversation with the bot: in a network round, the answer to the
    # question that person is on
    direct: bool = False


@dataclass(frozen=True, slots=True)
class AnswerEdited:
    """``confirm`` asks for a word back either way (the console); platforms' own edit
    events pass silently when they concern a message that is not an answer."""

    channel: ChannelRef
    person: Person
    message_id: str
    text: str
    event_id: str | None = None
    confirm: bool = False


@dataclass(frozen=True, slots=True)
class AnswerDeleted:
    """``person`` is who deletes, where the platform says (Slack's deletion event does not;
    Slack only lets authors and admins delete). Given, only their own answer goes."""

    channel: ChannelRef
    message_id: str
    event_id: str | None = None
    person: Person | None = None
    confirm: bool = False


@dataclass(frozen=True, slots=True)
class Tick:
    """The clock moved: post whatever is due."""


InboundEvent = CommandGiven | AnswerGiven | AnswerEdited | AnswerDeleted
"""What people do on a platform: the events an adapter keeps in the inbox."""

Event = InboundEvent | Tick
