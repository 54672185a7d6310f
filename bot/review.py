"""The outcome's way from draft to what the group confirmed: pure rules, like the engine.

When the last step closes in a round with a check (``controle=2d``), nothing is posted as
the group's conclusion yet. The coordinator gets the draft privately and may edit it
(a key message, the shared dream, themes, the action table), then puts it to the group;
each participant answers *klopt*, *aanvulling* or *bezwaar*; after the window (or once
everyone answered) the coordinator publishes, and the published outcome says how many
confirmed and carries the additions. The card asks the group to *explore* together;
a synthesis nobody checked would put words in their mouths.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import texts
from bot.commands import ActionCommand, OutcomeEdit
from bot.i18n import _, ngettext
from bot.model import (
    Person,
    Review,
    ReviewPhase,
    Round,
    Status,
    Verdict,
    VerdictKind,
)
from bot.outbound import DirectNotice, DraftPost, NoticePost, Post, Reply, SummaryPost
from bot.school_days import next_due
from bot.summary import compile_summary, draft, reviewers
from bot.synthesis import Synthesis
from dialogues.cards import Card

Result = tuple[Round, tuple[Post, ...], tuple[Reply, ...]]


def open_review(rnd: Round, now: datetime, card: Card) -> tuple[Round, tuple[Post, ...]]:
    """Every step closed: draw the draft up and hand it to the coordinator."""
    review = Review(phase=ReviewPhase.DRAFT, opened_at=now, draft=draft(card, rnd, now))
    rnd = rnd.evolve(status=Status.REVIEWING, review=review, next_due=None, remind_at=None)
    notice = _(
        "Alle stappen zijn gesloten, dank jullie wel. {name} zet de uitkomst op een rij en "
        "legt die daarna aan jullie voor: klopt het, mist er iets?"
    ).format(name=rnd.started_by.name)
    return rnd, (
        Post(rnd.channel, NoticePost(round_id=rnd.id, text=notice)),
        draft_post(rnd, rnd.started_by, card, now),
    )


def draft_post(rnd: Round, person: Person, card: Card, now: datetime) -> Post:
    return Post(
        rnd.channel,
        DraftPost(
            round_id=rnd.id,
            platform=person.platform,
            user_id=person.user_id,
            name=person.name,
            summary=compile_summary(card, rnd, now),
        ),
    )


def window_over(rnd: Round, now: datetime) -> tuple[Round, tuple[Post, ...]]:
    """The check window closed: tell the coordinator where it stands, once."""
    rnd = rnd.evolve(next_due=None)
    counts = _counts(rnd)
    text = _(
        "De controle van ronde {id} is om: {counts}. Publiceer de uitkomst met /dialoog publiceer."
    ).format(id=rnd.id, counts=counts)
    person = rnd.started_by
    notice = DirectNotice(
        round_id=rnd.id,
        platform=person.platform,
        user_id=person.user_id,
        name=person.name,
        text=text,
    )
    return rnd, (Post(rnd.channel, notice, once=f"review-over:{rnd.id}"),)


def show(rnd: Round, person: Person, now: datetime, card: Card) -> Result:
    if rnd.review is None or rnd.review.phase is ReviewPhase.PUBLISHED:
        return rnd, (), (Reply(person, _no_draft(rnd)),)
    return rnd, (draft_post(rnd, person, card, now),), ()


def edit(rnd: Round, change: OutcomeEdit, person: Person) -> Result:
    """Change the draft while it is still the coordinator's; once the group checks it,
    the text they check must stay the text they checked."""
    review = rnd.review
    if review is None or review.phase is not ReviewPhase.DRAFT:
        return rnd, (), (Reply(person, _no_draft(rnd)),)
    try:
        review = _apply(review, change)
    except LookupError as exc:
        return rnd, (), (Reply(person, str(exc)),)
    text = _(
        "Aangepast. Bekijk het concept met /dialoog uitkomst, of leg het voor met "
        "/dialoog voorleggen."
    )
    return rnd.evolve(review=review), (), (Reply(person, text),)


def _apply(review: Review, change: OutcomeEdit) -> Review:
    value = change.value
    if change.field == "kern":
        return replace(review, kern=str(value) if value else None)
    if change.field == "droom":
        return replace(review, dream=str(value) if value else None)
    synthesis = review.draft
    assert change.index is not None
    index = change.index - 1
    if change.field == "thema":
        themes = list(synthesis.themes)
        if not 0 <= index < len(themes):
            raise LookupError(_nothing_at(_("thema"), change.index, len(themes)))
        if change.part == "remove":
            del themes[index]
        else:
            themes[index] = themes[index].model_copy(update={"title": str(value)})
        return replace(review, draft=_with(synthesis, themes=themes))
    actions = list(synthesis.actions)
    if not 0 <= index < len(actions):
        raise LookupError(_nothing_at(_("actie"), change.index, len(actions)))
    if change.part == "remove":
        del actions[index]
    else:
        assert change.part is not None
        actions[index] = actions[index].model_copy(update={change.part: value})
    return replace(review, draft=_with(synthesis, actions=actions))


def _with(synthesis: Synthesis, **changes: object) -> Synthesis:
    return synthesis.model_copy(update=changes)


def _nothing_at(what: str, number: int, count: int) -> str:
    if count == 0:
        return _("Het concept heeft geen {what}.").format(what=what)
    return _("Er is geen {what} {number}; kies 1 tot {count}.").format(
        what=what, number=number, count=count
    )


def propose(rnd: Round, person: Person, now: datetime, card: Card) -> Result:
    """Put the draft to the group, with the window the round was started with."""
    review = rnd.review
    if review is None or review.phase is not ReviewPhase.DRAFT:
        return rnd, (), (Reply(person, _no_draft(rnd)),)
    window = rnd.settings.review
    assert window is not None
    until = next_due(now, replace(rnd.settings, cadence=window))
    rnd = rnd.evolve(review=replace(review, phase=ReviewPhase.CHECK, until=until), next_due=until)
    summary = compile_summary(card, rnd, now)
    text = _("De uitkomst ligt nu bij de groep, tot {when}.").format(
        when=texts.moment(until, rnd.settings.timezone)
    )
    return (
        rnd,
        (Post(rnd.channel, SummaryPost(round_id=rnd.id, summary=summary)),),
        (Reply(person, text),),
    )


def verdict(rnd: Round, cmd: ActionCommand, person: Person, now: datetime) -> Result:
    """Anyone in the round may say klopt, aanvulling or bezwaar while the group checks."""
    review = rnd.review
    if review is None or review.phase is not ReviewPhase.CHECK:
        return rnd, (), (Reply(person, _("Er ligt nu geen uitkomst ter controle.")),)
    kind = VerdictKind(cmd.argument or VerdictKind.AGREE)
    given = Verdict(person=person, kind=kind, text=cmd.text, given_at=now)
    rnd = rnd.evolve(verdicts=(*rnd.verdicts, given))
    thanks = {
        VerdictKind.AGREE: _("Dank je: genoteerd dat de uitkomst voor jou klopt."),
        VerdictKind.ADDITION: _("Dank je: je aanvulling komt bij de uitkomst."),
        VerdictKind.OBJECTION: _(
            "Dank je: je bezwaar is genoteerd; de coördinator ziet het voor het publiceren."
        ),
    }[kind]
    return rnd, (), (Reply(person, thanks),)


def publish(rnd: Round, person: Person, now: datetime, card: Card) -> Result:
    review = rnd.review
    if review is None or review.phase is not ReviewPhase.CHECK:
        return rnd, (), (Reply(person, _no_check(rnd)),)
    answered = {v.person.key for v in rnd.verdicts}
    everyone = set(reviewers(rnd)) <= answered
    if review.until is not None and review.until > now and not everyone:
        text = _(
            "De controle loopt nog tot {when} ({counts}). Publiceren kan daarna, of zodra "
            "iedereen heeft gereageerd."
        ).format(when=texts.moment(review.until, rnd.settings.timezone), counts=_counts(rnd))
        return rnd, (), (Reply(person, text),)
    rnd = rnd.evolve(
        status=Status.FINISHED,
        finished_at=now,
        next_due=None,
        review=replace(review, phase=ReviewPhase.PUBLISHED, published_at=now),
    )
    summary = compile_summary(card, rnd, now)
    return rnd, (Post(rnd.channel, SummaryPost(round_id=rnd.id, summary=summary)),), ()


def _counts(rnd: Round) -> str:
    latest: dict[str, VerdictKind] = {}
    for v in sorted(rnd.verdicts, key=lambda v: v.given_at):
        latest[v.person.key] = v.kind
    asked = len(reviewers(rnd))
    agreed = sum(1 for kind in latest.values() if kind is VerdictKind.AGREE)
    additions = sum(1 for v in rnd.verdicts if v.kind is VerdictKind.ADDITION)
    objections = sum(1 for v in rnd.verdicts if v.kind is VerdictKind.OBJECTION)
    return ", ".join(
        [
            ngettext(
                "{agreed} van {asked} zegt dat het klopt",
                "{agreed} van {asked} zeggen dat het klopt",
                agreed,
            ).format(agreed=agreed, asked=asked),
            ngettext("{n} aanvulling", "{n} aanvullingen", additions).format(n=additions),
            ngettext("{n} bezwaar", "{n} bezwaren", objections).format(n=objections),
        ]
    )


def _no_draft(rnd: Round) -> str:
    review = rnd.review
    if review is None:
        if rnd.settings.review is None:
            return _("Deze ronde heeft geen controle van de uitkomst.")
        return _("De uitkomst komt na de laatste stap.")
    if review.phase is ReviewPhase.CHECK:
        return _("De uitkomst ligt al bij de groep; aanpassen kan niet meer.")
    return _("De uitkomst is al gepubliceerd.")


def _no_check(rnd: Round) -> str:
    review = rnd.review
    if review is not None and review.phase is ReviewPhase.DRAFT:
        return _("Leg de uitkomst eerst aan de groep voor met /dialoog voorleggen.")
    return _no_draft(rnd)


def status_phrase(rnd: Round) -> str | None:
    """Where the outcome stands, for ``/dialoog status``."""
    review = rnd.review
    if review is None or rnd.status is not Status.REVIEWING:
        return None
    if review.phase is ReviewPhase.DRAFT:
        return _("uitkomst: concept bij {name}").format(name=rnd.started_by.name)
    until = texts.moment(review.until, rnd.settings.timezone) if review.until else ""
    return _("uitkomst ter controle tot {when}: {counts}").format(when=until, counts=_counts(rnd))
