"""Sentences the engine composes from a round: schedules, moments, status lines.

Kept apart from the engine's decisions so the state machine reads as rules, and so the
wording can be reviewed in one place. Dates use Babel's Dutch calendar names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from babel.dates import format_date, format_datetime

from bot import i18n
from bot.i18n import N_, _, ngettext
from bot.model import Cadence, Round, Status, Step, StepKind, StepState
from bot.school_days import local
from dialogues.cards import Card


def moment(when: datetime, timezone: str) -> str:
    """ "dinsdag 24 november om 09:00" in the round's time zone."""
    pattern = _("EEEE d MMMM 'om' HH:mm")  # a Babel date pattern; 'om' is literal text
    return format_datetime(local(when, timezone), pattern, locale=i18n.language())


def moment_with_year(when: datetime, timezone: str) -> str:
    """ "28 april 2026, 11:30": for paper, read long after."""
    return format_datetime(local(when, timezone), "d MMMM y, HH:mm", locale=i18n.language())


def day(when: date, this_year: int | None = None) -> str:
    """ "24 november 2026"; without the year when it is ``this_year`` (a chat message read
    this year needs none; paper, read later, always has it)."""
    pattern = "d MMMM" if when.year == this_year else "d MMMM y"
    return format_date(when, pattern, locale=i18n.language())


def period(start: date | None, end: date | None, this_year: int | None = None) -> str:
    """ "12 januari – 6 februari 2027", the year said once when both share it."""
    if start is None:
        return _("nog niet begonnen")
    if end is None or end == start:
        return day(start, this_year)
    if start.year == end.year:
        return f"{format_date(start, 'd MMMM', locale=i18n.language())} – {day(end, this_year)}"
    return f"{day(start)} – {day(end)}"


def cadence_phrase(cadence: Cadence, time_text: str) -> str:
    if cadence.days == 1:
        return _("elke schooldag om {time}").format(time=time_text)
    if cadence.days:
        return _("om de {n} schooldagen om {time}").format(n=cadence.days, time=time_text)
    seconds = cadence.seconds
    if seconds % 3600 == 0:
        n = seconds // 3600
        return ngettext("elk uur", "elke {n} uur", n).format(n=n)
    if seconds % 60 == 0:
        n = seconds // 60
        return ngettext("elke minuut", "elke {n} minuten", n).format(n=n)
    return ngettext("elke seconde", "elke {n} seconden", seconds).format(n=seconds)


def schedule_phrase(rnd: Round) -> str:
    settings = rnd.settings
    return cadence_phrase(settings.cadence, settings.time_of_day.strftime("%H:%M"))


def intro(rnd: Round, card: Card) -> str:
    steps = sum(1 for s in rnd.steps if s.state is not StepState.SKIPPED)
    lines = [
        _("Welkom bij de dialoog ‘{title}’.").format(title=card.title),
        card.purpose,
        _(
            "We nemen {steps} stappen, {schedule}; na de laatste volgt de uitkomst. "
            "Antwoord in de draad onder elke vraag. Aanpassen of verwijderen mag altijd, "
            "en ook op eerdere vragen kun je nog reageren."
        ).format(steps=steps, schedule=schedule_phrase(rnd)),
    ]
    if rnd.settings.review is not None:
        lines.append(
            _(
                "Na de laatste stap zet {name} de uitkomst op een rij: {parts}. Die leggen we "
                "aan jullie voor voordat hij als uitkomst van de groep verschijnt."
            ).format(name=rnd.started_by.name, parts=_outcome_parts(card))
        )
    if rnd.settings.own_first:
        lines.append(
            _(
                "Eerst zelf: antwoord privé (met de knop bij de vraag), zodat niemand zich op "
                "het eerste antwoord richt. Als een stap sluit, zet ik alle antwoorden in de "
                "draad."
            )
        )
    if rnd.settings.anonymous:
        lines.append(_("Deze ronde is anoniem: in de samenvatting staan geen namen."))
    lines.extend(f"{note.term}: {note.text}" for note in card.footnotes)
    if card.written_for_dialoogbot:
        lines.append(origin_line(card))
    lines.append(kept_line(rnd))
    lines.append(_("Coördinator: {name}.").format(name=rnd.started_by.name))
    return "\n\n".join(lines)


def kept_line(rnd: Round) -> str:
    """What is kept, who sees it and for how long: said before anyone answers."""
    who = (
        _("iedereen in dit kanaal ziet ze daarin, zonder namen")
        if rnd.settings.anonymous
        else _("iedereen in dit kanaal ziet ze daarin")
    )
    return _(
        "Je antwoorden worden bewaard voor de uitkomst van deze ronde; {who}. Ze worden "
        "{days} dagen na het einde van de ronde gewist. Wat er over jou bewaard is: "
        "/dialoog mijngegevens; laten wissen: /dialoog vergeetmij."
    ).format(who=who, days=rnd.settings.retention_days)


def _outcome_parts(card: Card) -> str:
    """What the outcome will hold: only the dream and the actions the card asks for."""
    parts = [_("wat we delen"), _("waar we verschillen")]
    if card.droomvraag is not None:
        parts.append(_("onze droom"))
    if card.asks_actions:
        parts.append(_("wie wat gaat doen"))
    return _("{first} en {last}").format(first=", ".join(parts[:-1]), last=parts[-1])


def origin_line(card: Card) -> str:
    """Where the card comes from; a card whose questions were written for dialoogbot
    says so, so nobody takes them for the source's own words."""
    if card.written_for_dialoogbot:
        return _(
            "De vragen op deze kaart zijn voor dialoogbot geschreven op basis van: {origin}. "
            "Ze zijn geen citaat uit de bron."
        ).format(origin=card.origin())
    return _("Bron: {origin}.").format(origin=card.origin())


def card_list(cards: Sequence[Card], default: str) -> str:
    """``/dialoog kaarten``: each card in one line, and how to start it."""
    lines = [_("Deze kaarten kun je gebruiken:")]
    for card in cards:
        mark = " " + _("(standaard)") if card.id == default else ""
        lines.append(
            _("• {title}{mark} — {purpose} Start: /dialoog start kaart={id}").format(
                title=card.title, mark=mark, purpose=card.first_sentence(), id=card.id
            )
        )
    lines.append(_("/dialoog start zonder kaart= begint met de standaardkaart."))
    return "\n".join(lines)


STATUS_WORDS = {
    Status.SCHEDULED: N_("gepland"),
    Status.RUNNING: N_("loopt"),
    Status.PAUSED: N_("gepauzeerd"),
    Status.REVIEWING: N_("uitkomst in controle"),
    Status.FINISHED: N_("afgerond"),
    Status.CANCELLED: N_("gestopt"),
}


def status_line(rnd: Round, card: Card, outcome: str | None = None) -> str:
    """``outcome`` says where the outcome stands while the group checks it."""
    active = [i for i, s in enumerate(rnd.steps) if s.state is not StepState.SKIPPED]
    posted = [i for i in active if rnd.steps[i].state is StepState.POSTED]
    people = {a.person.key for a in rnd.answers}
    parts = [
        _("Ronde {id} ({title}): {state}").format(
            id=rnd.id, title=card.title, state=_(STATUS_WORDS[rnd.status])
        ),
        _("stap {done} van {total}").format(done=len(posted), total=len(active)),
    ]
    current = rnd.current_step_index
    if current is not None:
        parts.append(_("nu: {ref}").format(ref=step_name(card, rnd.steps[current])))
    upcoming = rnd.next_step_index
    if rnd.status.active and rnd.next_due is not None:
        what = (
            step_name(card, rnd.steps[upcoming]) if upcoming is not None else _("de samenvatting")
        )
        when = moment(rnd.next_due, rnd.settings.timezone)
        if rnd.status is Status.PAUSED:
            parts.append(_("daarna: {what} (na hervatten)").format(what=what))
        else:
            parts.append(_("daarna: {what} op {when}").format(what=what, when=when))
    if outcome:
        parts.append(outcome)
    parts.append(
        ngettext("{n} deelnemer", "{n} deelnemers", len(people)).format(n=len(people))
        + ", "
        + ngettext("{n} antwoord", "{n} antwoorden", len(rnd.answers)).format(n=len(rnd.answers))
    )
    parts.append(_("tempo: {schedule}").format(schedule=schedule_phrase(rnd)))
    return " · ".join(parts)


def step_name(card: Card, step: Step) -> str:
    """How a sentence names a step: "vraag 1.1", "de droomvraag"."""
    if step.kind is StepKind.OPENING:
        return _("de openingsvraag")
    if step.kind is StepKind.DROOMVRAAG:
        return _("de droomvraag")
    if step.kind is StepKind.EVALUATION:
        label = next((e.label for e in card.evaluation if e.key == step.ref), step.ref)
        return _("de evaluatievraag ‘{label}’").format(label=label)
    return _("vraag {ref}").format(ref=step.ref)
