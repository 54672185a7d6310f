"""Compile a round into its summary: the group's answers, the outcome and who took part.

The summary is a data model, not text: the channel post, the Markdown export and the
JSON export are renderings of the same value, so they can never disagree. Anonymity is
applied here, once, so no renderer can leak a name by accident.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.i18n import _
from bot.model import Answer, Round, Status, StepKind, StepState
from dialogues.cards import Card


class SummaryAnswer(BaseModel):
    author: str | None
    text: str
    private: bool = False
    edited: bool = False


class SummaryItem(BaseModel):
    step_index: int
    kind: StepKind
    ref: str
    label: str
    role: str | None = None
    question: str
    state: StepState
    answers: list[SummaryAnswer]
    respondents: list[str]
    respondent_count: int


class Participation(BaseModel):
    name: str
    answered: int
    asked: int


class Summary(BaseModel):
    round_id: int
    card_id: str
    card_title: str
    channel: str
    timezone: str
    status: Status
    final: bool
    anonymous: bool
    generated_at: datetime
    steps_asked: int
    participant_count: int
    opening: SummaryItem | None
    questions: list[SummaryItem]
    droomvraag: SummaryItem | None
    evaluation: list[SummaryItem]
    participation: list[Participation]
    private_withheld: int = 0
    stopped_early: bool = False


def step_label(card: Card, kind: StepKind, ref: str) -> tuple[str, str | None, str]:
    """(label, role title, question text) of a step, as the group sees it."""
    if kind is StepKind.OPENING:
        return _("Openingsvraag"), None, card.opening.question
    if kind is StepKind.DROOMVRAAG:
        return card.droomvraag.title, None, card.droomvraag.text
    if kind is StepKind.EVALUATION:
        item = next(e for e in card.evaluation if e.key == ref)
        return item.label, _("Evaluatie"), item.text
    found = card.question(ref)
    if found is None:
        raise KeyError(ref)
    role, question = found
    return ref, role.title, question.text


def compile_summary(card: Card, rnd: Round, now: datetime) -> Summary:
    """The summary as it stands now; private answers wait for the final one.

    A round that was stopped is final too: nothing more will be asked, so what was given,
    private answers included, is all there will be. A private answer never carries its
    author's name: the person asked for privacy, and the summary is read by the channel.
    """
    final = rnd.status in (Status.FINISHED, Status.CANCELLED)
    anonymous = rnd.settings.anonymous
    by_step: dict[int, list[Answer]] = {}
    for answer in sorted(rnd.answers, key=lambda a: (a.given_at, a.message_id)):
        by_step.setdefault(answer.step_index, []).append(answer)

    withheld = 0
    counted: set[str] = set()
    items: list[SummaryItem] = []
    for index, step in enumerate(rnd.steps):
        label, role, question = step_label(card, step.kind, step.ref)
        shown: list[SummaryAnswer] = []
        names: list[str] = []
        for answer in by_step.get(index, []):
            if answer.private and not final:
                withheld += 1
                continue
            shown.append(
                SummaryAnswer(
                    author=None if anonymous or answer.private else answer.person.name,
                    text=answer.text,
                    private=answer.private,
                    edited=answer.edited_at is not None,
                )
            )
            counted.add(answer.person.key)
            if not answer.private and answer.person.name not in names:
                names.append(answer.person.name)
        items.append(
            SummaryItem(
                step_index=index,
                kind=step.kind,
                ref=step.ref,
                label=label,
                role=role,
                question=question,
                state=step.state,
                answers=shown,
                respondents=[] if anonymous else names,
                respondent_count=len(names),
            )
        )

    asked = sum(1 for s in rnd.steps if s.state is StepState.POSTED)
    people: dict[str, tuple[str, set[int]]] = {}
    for answer in rnd.answers:
        if answer.private:
            continue  # counting it would say who gave the private answer
        _name, steps = people.setdefault(answer.person.key, (answer.person.name, set()))
        steps.add(answer.step_index)
    participation = (
        []
        if anonymous
        else sorted(
            (Participation(name=n, answered=len(s), asked=asked) for n, s in people.values()),
            key=lambda p: (-p.answered, p.name.casefold()),
        )
    )

    def first(kind: StepKind) -> SummaryItem | None:
        return next((i for i in items if i.kind is kind), None)

    return Summary(
        round_id=rnd.id,
        card_id=card.id,
        card_title=card.title,
        channel=str(rnd.channel),
        timezone=rnd.settings.timezone,
        status=rnd.status,
        final=final,
        anonymous=anonymous,
        generated_at=now,
        steps_asked=asked,
        participant_count=len(counted),
        opening=first(StepKind.OPENING),
        questions=[i for i in items if i.kind is StepKind.QUESTION],
        droomvraag=first(StepKind.DROOMVRAAG),
        evaluation=[i for i in items if i.kind is StepKind.EVALUATION],
        participation=participation,
        private_withheld=withheld,
        stopped_early=rnd.status is Status.CANCELLED,
    )
