"""Compile a round into its record: the outcome first, then the answers that support it.

The summary is a data model, not text: the channel post, the Markdown, JSON, HTML and PDF
exports are renderings of the same value, so they can never disagree. Who may be named
is decided here, once (``Labels``), so no renderer can leak a name by accident: a
private answer never carries its author, and an anonymous round shows "deelnemer A"
wherever a name would stand, the action table and the participation chart included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel

from bot.i18n import N_, _
from bot.model import (
    Answer,
    Person,
    Previous,
    ReviewPhase,
    Round,
    Status,
    StepKind,
    StepState,
    Verdict,
    VerdictKind,
)
from bot.school_days import local
from bot.synthesis import ActionRow, Statement, Synthesis, synthesize
from dialogues.cards import Card


class SummaryAnswer(BaseModel):
    author: str | None
    text: str
    private: bool = False
    edited: bool = False
    given_at: datetime | None = None


class SummaryItem(BaseModel):
    step_index: int
    kind: StepKind
    ref: str
    label: str
    question: str
    state: StepState
    # the card completes words its source lost; the record says so wherever it is shown
    reconstructed: bool = False
    answers: list[SummaryAnswer]
    respondent_count: int


class RoleSection(BaseModel):
    number: int
    title: str
    items: list[SummaryItem]


class Participation(BaseModel):
    """How many steps one person answered: for a chart in the paper record, never a
    ranking in the channel (a student answering less is no news to post)."""

    author: str
    answered: int


class Remark(BaseModel):
    author: str | None
    text: str
    given_at: datetime


class Outcome(BaseModel):
    """What the group found, dreams and will do; ``phase`` None: a round without a check."""

    phase: ReviewPhase | None
    kern: str | None = None
    dream: str | None = None
    synthesis: Synthesis
    until: datetime | None = None
    published_at: datetime | None = None
    asked: int = 0
    agreed: int = 0
    additions: list[Remark] = []
    objections: list[Remark] = []

    @property
    def confirmed(self) -> bool:
        return self.phase is ReviewPhase.PUBLISHED


class Period(BaseModel):
    start: date | None
    end: date | None


class Comparison(BaseModel):
    """The previous round of this channel beside this one: the kwaliteitscyclus."""

    previous_round_id: int
    previous_period: Period
    participants_before: int
    participants_now: int
    themes_new: list[str]
    themes_gone: list[str]
    themes_kept: list[str]
    actions_before: list[ActionRow]
    # how many told in the terugblik how their action went
    followed_up: int = 0


class AddendumEntry(BaseModel):
    ref: str
    label: str
    answer: SummaryAnswer


class Summary(BaseModel):
    round_id: int
    card_id: str
    card_title: str
    card_purpose: str
    card_usage: str | None = None
    # the card's own invitation to explore similarities and differences
    card_invitation: str | None = None
    channel: str
    timezone: str
    status: Status
    final: bool
    anonymous: bool
    generated_at: datetime
    period: Period
    steps_asked: int
    participant_count: int
    answer_count: int
    outcome: Outcome
    opening: SummaryItem | None
    roles: list[RoleSection]
    droomvraag: SummaryItem | None
    evaluation: list[SummaryItem]
    # weeks later: how the actions went (``/dialoog terugblik``)
    followup: SummaryItem | None = None
    participation: list[Participation]
    private_withheld: int = 0
    stopped_early: bool = False
    comparison: Comparison | None = None
    addendum: list[AddendumEntry] = []
    # participants whose answers were erased at their request: only how many
    erased: int = 0

    @property
    def questions(self) -> list[SummaryItem]:
        return [item for section in self.roles for item in section.items]

    @property
    def has_actions(self) -> bool:
        """Whether the outcome has an actions part: the round asks who will do what, or
        actions were drawn up all the same. A reaction round has none."""
        asked = any(item.ref == "acties" for item in self.evaluation)
        return asked or bool(self.outcome.synthesis.actions)

    @property
    def has_dream(self) -> bool:
        """Whether the outcome has a dream part: the round asks the droomvraag, or there
        is a dream all the same (the coordinator's, or drawn from answers)."""
        drawn = self.outcome.synthesis.dream
        found = drawn is not None and bool(drawn.recurring or drawn.alone)
        return self.droomvraag is not None or bool(self.outcome.dream) or found


FOLLOWUP_QUESTION = N_(
    "Terugblik: een tijd geleden noemden we acties. Hoe is het met de jouwe gegaan? Wat "
    "heeft het opgeleverd, wie heb je erbij betrokken, en wat is de volgende stap?"
)


def step_label(card: Card, kind: StepKind, ref: str) -> tuple[str, str | None, str]:
    """(label, role title, question text) of a step, as the group sees it."""
    if kind is StepKind.OPENING and card.opening is not None:
        return _("Openingsvraag"), None, card.opening.question
    if kind is StepKind.DROOMVRAAG and card.droomvraag is not None:
        return card.droomvraag.title, None, card.droomvraag.text
    if kind is StepKind.EVALUATION:
        item = next(e for e in card.evaluation if e.key == ref)
        return item.label, _("Evaluatie"), item.text
    if kind is StepKind.FOLLOWUP:
        return _("Terugblik"), None, _(FOLLOWUP_QUESTION)
    found = card.question(ref) if kind is StepKind.QUESTION else None
    if found is None:
        raise KeyError(ref)  # a step the card no longer has
    role, question = found
    return ref, role.title, question.text


def invitation(card: Card, kind: StepKind) -> str | None:
    """The card's invitation to compare answers, said with its opening question."""
    if kind is StepKind.OPENING and card.opening is not None:
        return card.opening.invitation
    return None


def reconstructed(card: Card, kind: StepKind, ref: str) -> bool:
    """Whether the card completed words its source lost (4.4): said wherever it is shown."""
    found = card.question(ref) if kind is StepKind.QUESTION else None
    return found is not None and found[1].reconstructed


@dataclass(frozen=True, slots=True)
class Labels:
    """Who the group may see as the author of something: the one place names are decided.

    In an anonymous round everyone who speaks gets a letter in order of first word,
    stable for the whole record ("deelnemer A"), so a reader can still see that two
    remarks came from one person without learning who. A private answer is nobody's.
    """

    anonymous: bool
    letters: dict[str, str]

    @classmethod
    def of(cls, rnd: Round) -> Labels:
        letters: dict[str, str] = {}
        if rnd.settings.anonymous:
            speakers = [a for a in rnd.answers if not a.private] + list(rnd.verdicts)
            for thing in sorted(speakers, key=lambda t: t.given_at):
                key = thing.person.key
                if key not in letters:
                    letters[key] = _("deelnemer {letter}").format(letter=_letter(len(letters)))
        return cls(rnd.settings.anonymous, letters)

    def author(self, person: Person, *, private: bool = False) -> str | None:
        if private:
            return None
        if self.anonymous:
            return self.letters.get(person.key, _("een deelnemer"))
        return person.name


def _letter(n: int) -> str:
    """A, B, …, Z, AA, AB, …: enough letters for a board with all its leaders."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def compile_summary(card: Card, rnd: Round, now: datetime) -> Summary:
    """The record as it stands now; private answers wait until every step has closed.

    A round that was stopped is final too: nothing more will be asked, so what was given,
    private answers included, is all there will be.
    """
    final = rnd.status in (Status.FINISHED, Status.CANCELLED)
    # Once every step closed, private answers may join the outcome the group checks:
    # that is the "eindsamenvatting" their authors were promised, still without a name.
    closed = final or rnd.status is Status.REVIEWING
    labels = Labels.of(rnd)
    review = rnd.review
    # after this, an answer is late: it joins the record as a dated addendum
    published_at = review.published_at if review is not None else rnd.finished_at

    by_step: dict[int, list[Answer]] = {}
    addendum: list[AddendumEntry] = []
    withheld = 0
    for answer in sorted(rnd.answers, key=lambda a: (a.given_at, a.message_id)):
        if answer.private and not closed:
            withheld += 1
            continue
        by_step.setdefault(answer.step_index, []).append(answer)

    items: list[SummaryItem] = []
    for index, step in enumerate(rnd.steps):
        label, _role, question = step_label(card, step.kind, step.ref)
        shown: list[SummaryAnswer] = []
        people: set[str] = set()
        for answer in by_step.get(index, []):
            entry = SummaryAnswer(
                author=labels.author(answer.person, private=answer.private),
                text=answer.text,
                private=answer.private,
                edited=answer.edited_at is not None,
                given_at=answer.given_at,
            )
            late = published_at is not None and answer.given_at > published_at
            if late and step.kind is not StepKind.FOLLOWUP:  # the terugblik is meant to be late
                addendum.append(AddendumEntry(ref=step.ref, label=label, answer=entry))
                continue
            shown.append(entry)
            people.add(answer.person.key)
        items.append(
            SummaryItem(
                step_index=index,
                kind=step.kind,
                ref=step.ref,
                label=label,
                question=question,
                state=step.state,
                reconstructed=reconstructed(card, step.kind, step.ref),
                answers=shown,
                respondent_count=len(people),
            )
        )

    def first(kind: StepKind) -> SummaryItem | None:
        return next((i for i in items if i.kind is kind), None)

    visible = [a for answers in by_step.values() for a in answers]
    outcome = _outcome(card, rnd, labels, visible, now)
    return Summary(
        round_id=rnd.id,
        card_id=card.id,
        card_title=card.title,
        card_purpose=card.purpose,
        card_usage=card.usage.text if card.usage else None,
        card_invitation=card.opening.invitation if card.opening else None,
        channel=str(rnd.channel),
        timezone=rnd.settings.timezone,
        status=rnd.status,
        final=final,
        anonymous=rnd.settings.anonymous,
        erased=rnd.erased,
        generated_at=now,
        period=period_of(rnd, now),
        steps_asked=sum(1 for s in rnd.steps if s.state is StepState.POSTED),
        participant_count=len({a.person.key for a in visible}),
        answer_count=len(visible),
        outcome=outcome,
        opening=first(StepKind.OPENING),
        roles=_roles(card, items),
        droomvraag=first(StepKind.DROOMVRAAG),
        evaluation=[i for i in items if i.kind is StepKind.EVALUATION],
        followup=first(StepKind.FOLLOWUP),
        participation=_participation(rnd, labels),
        private_withheld=withheld,
        stopped_early=rnd.status is Status.CANCELLED,
        comparison=_comparison(rnd, outcome.synthesis),
        addendum=addendum,
    )


def draft(card: Card, rnd: Round, now: datetime) -> Synthesis:
    """The synthesis the coordinator starts from when the last step closes."""
    return _synthesize(card, rnd, Labels.of(rnd), list(rnd.answers), now)


def _synthesize(
    card: Card, rnd: Round, labels: Labels, answers: list[Answer], now: datetime
) -> Synthesis:
    statements = []
    for answer in sorted(answers, key=lambda a: (a.step_index, a.given_at, a.message_id)):
        step = rnd.steps[answer.step_index]
        if step.kind is StepKind.FOLLOWUP:
            continue  # said weeks later, about the outcome: not part of drawing it up
        label, _role, _question = step_label(card, step.kind, step.ref)
        section = step.ref if step.kind is StepKind.EVALUATION else step.kind.value
        statements.append(
            Statement(
                ref=step.ref,
                label=label,
                section=section,
                # a private answer counts as someone, but as no one in particular
                person=f"private:{answer.message_id}" if answer.private else answer.person.key,
                author=labels.author(answer.person, private=answer.private),
                text=answer.text,
            )
        )
    found = synthesize(
        statements,
        card_text=card_words(card),
        today=local(now, rnd.settings.timezone).date(),
        language=card.language,
    )
    # a table reads by name; private rows (no name) last
    rows = sorted(found.actions, key=lambda a: (a.author is None, (a.author or "").casefold()))
    return found.model_copy(update={"actions": rows})


def card_words(card: Card) -> str:
    """The card's own words, which say what the round is about rather than what it found."""
    parts = [card.title, card.purpose]
    parts += [card.opening.question] if card.opening else []
    parts += [card.droomvraag.text] if card.droomvraag else []
    parts += [role.description for role in card.roles]
    parts += [q.text for _role, q in card.questions()]
    parts += [e.text for e in card.evaluation]
    parts += [f"{note.term}: {note.text}" for note in card.footnotes]
    return "\n".join(parts)


def _outcome(
    card: Card, rnd: Round, labels: Labels, visible: list[Answer], now: datetime
) -> Outcome:
    review = rnd.review
    if review is None:
        return Outcome(phase=None, synthesis=_synthesize(card, rnd, labels, visible, now))
    latest: dict[str, Verdict] = {}
    additions: list[Remark] = []
    objections: list[Remark] = []
    for verdict in sorted(rnd.verdicts, key=lambda v: v.given_at):
        latest[verdict.person.key] = verdict
        remark = Remark(
            author=labels.author(verdict.person), text=verdict.text, given_at=verdict.given_at
        )
        if verdict.kind is VerdictKind.ADDITION:
            additions.append(remark)
        elif verdict.kind is VerdictKind.OBJECTION:
            objections.append(remark)
    return Outcome(
        phase=review.phase,
        kern=review.kern,
        dream=review.dream,
        synthesis=review.draft,
        until=review.until,
        published_at=review.published_at,
        asked=len(reviewers(rnd)),
        agreed=sum(1 for v in latest.values() if v.kind is VerdictKind.AGREE),
        additions=additions,
        objections=objections,
    )


def reviewers(rnd: Round) -> dict[str, Person]:
    """Who checks the outcome: everyone who took part or started it, and anyone else in
    the channel who gave their word (so "klopt" is never counted beyond who was asked)."""
    people = rnd.participants()
    for verdict in rnd.verdicts:
        people.setdefault(verdict.person.key, verdict.person)
    return people


def _roles(card: Card, items: list[SummaryItem]) -> list[RoleSection]:
    """Questions under a heading per role, so the role is said once, not on every question."""
    sections: list[RoleSection] = []
    for role in card.roles:
        numbers = {q.number for q in role.questions}
        chosen = [i for i in items if i.kind is StepKind.QUESTION and i.ref in numbers]
        if chosen:
            sections.append(RoleSection(number=role.number, title=role.title, items=chosen))
    return sections


def _participation(rnd: Round, labels: Labels) -> list[Participation]:
    """Steps answered per person, private answers left out: counting them would say who
    gave one. In name order, never ranked."""
    steps: dict[str, tuple[str, set[int]]] = {}
    for answer in rnd.answers:
        if answer.private:
            continue
        author = labels.author(answer.person) or ""
        steps.setdefault(answer.person.key, (author, set()))[1].add(answer.step_index)
    rows = [Participation(author=a, answered=len(s)) for a, s in steps.values()]
    return sorted(rows, key=lambda p: p.author.casefold())


def period_of(rnd: Round, now: datetime) -> Period:
    """From the first question posted to the round's end (or today, while it runs)."""
    zone = rnd.settings.timezone
    posted = [s.posted_at for s in rnd.steps if s.posted_at is not None]
    start = local(min(posted), zone).date() if posted else None
    end_at = rnd.finished_at or (rnd.review.opened_at if rnd.review else None)
    end = local(end_at or now, zone).date() if start is not None else None
    return Period(start=start, end=end)


def _comparison(rnd: Round, now: Synthesis) -> Comparison | None:
    before = rnd.previous
    if before is None:
        return None
    terms_before = {t for _title, terms in before.themes for t in terms}
    terms_now = {t for theme in now.themes for t in theme.terms}
    return Comparison(
        previous_round_id=before.round_id,
        previous_period=Period(start=before.start, end=before.end),
        participants_before=before.participants,
        participants_now=len({a.person.key for a in rnd.answers}),
        themes_new=[t.title for t in now.themes if not set(t.terms) & terms_before],
        themes_gone=[title for title, terms in before.themes if not set(terms) & terms_now],
        themes_kept=[t.title for t in now.themes if set(t.terms) & terms_before],
        actions_before=list(before.actions),
        followed_up=before.followed_up,
    )


def previous_of(card: Card, rnd: Round, now: datetime) -> Previous:
    """What a next round in the channel keeps of this one: its confirmed outcome if the
    group confirmed one, else what its answers show."""
    synthesis = rnd.review.draft if rnd.review is not None else draft(card, rnd, now)
    period = period_of(rnd, now)
    return Previous(
        round_id=rnd.id,
        start=period.start,
        end=period.end,
        participants=len({a.person.key for a in rnd.answers}),
        themes=tuple((t.title, tuple(t.terms)) for t in synthesis.themes),
        actions=tuple(synthesis.actions),
        followed_up=len(
            {a.person.key for a in rnd.answers if rnd.steps[a.step_index].kind is StepKind.FOLLOWUP}
        ),
    )
