"""What a person may ask about their own data: to see all of it, and to have it erased.

Answers are personal reflections of named professionals, so each person can see what is
kept about them (``/dialoog mijngegevens``: privately, in words and as a JSON file) and
have it erased (``/dialoog vergeetmij``, asked twice, because it cannot be undone). The
finding and removing is storage's (``Unit.personal_data``, ``Unit.erase_person``); this
module says it in the person's language and brings waiting messages in line: a summary
or a step's answers that was decided before the erasure but not yet sent is composed again
from what is left, so it does not post what was just erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot import engine
from bot.commands import confirm_word
from bot.i18n import _, ngettext
from bot.model import Person, Previous, Round
from bot.outbound import AnswersPost, Content, DirectNotice, DraftPost, SummaryPost
from bot.store import Erased
from bot.summary import compile_summary
from bot.synthesis import ActionRow, Source, Synthesis, Theme
from dialogues.cards import Card


def export_notice(person: Person, data: dict[str, Any]) -> DirectNotice:
    """Everything kept about ``person``, for them alone: a short account, and the file."""
    rounds = data["rounds"]
    answers = sum(len(r["answers"]) for r in rounds)
    lines = [
        _("Dit is alles wat dialoogbot over je bewaart op {platform}, als ‘{name}’:").format(
            platform=person.platform, name=data["person"]["name"]
        ),
        ngettext(
            "{answers} antwoord in {rounds} ronde(s).",
            "{answers} antwoorden in {rounds} ronde(s).",
            answers,
        ).format(answers=answers, rounds=len(rounds)),
    ]
    for r in rounds:
        quiet = (r["participation"] or {}).get("reminders") == "uit"
        line = _("• Ronde {id} ({card}, {channel}, gestart {started}): {answers}; {reminders}.")
        lines.append(
            line.format(
                id=r["round"],
                card=r["card"],
                channel=r["channel"],
                started=r["started"][:10],
                answers=_answers(len(r["answers"])),
                reminders=_("herinneringen uit") if quiet else _("herinneringen aan"),
            )
        )
    lines.append(
        _(
            "Je antwoorden zelf, met datum en tijd, staan in het bestand hierbij. Laten wissen "
            "kan met /dialoog vergeetmij."
        )
    )
    return DirectNotice(
        platform=person.platform,
        user_id=person.user_id,
        name=person.name,
        text="\n".join(lines),
        data=data,
    )


def nothing_kept() -> str:
    return _("Er is niets over je bewaard: geen antwoorden, geen naam, geen instellingen.")


def export_sent() -> str:
    return _(
        "Ik stuur je wat er over je bewaard is in een privébericht, met een bestand erbij. "
        "Krijg je niets? Begin dan eerst een privégesprek met mij en vraag het opnieuw."
    )


def erase_prompt(data: dict[str, Any]) -> str:
    """Before erasing: what will go, that it cannot be undone, and how to go on."""
    answers = sum(len(r["answers"]) for r in data["rounds"])
    return _(
        "Hiermee wis ik je {answers} in {rounds} ronde(s), je naam en je instellingen, ook "
        "uit uitkomsten die nog verstuurd moeten worden. In een uitkomst staat dan alleen dat "
        "de antwoorden van een deelnemer op verzoek zijn verwijderd. Dit kan niet ongedaan "
        "worden gemaakt. Zeker weten? Typ: /dialoog vergeetmij {confirm}"
    ).format(answers=_answers(answers), rounds=len(data["rounds"]), confirm=confirm_word())


def erased_text(erased: Erased) -> str:
    return _(
        "Gewist: {answers} in {rounds} ronde(s), je naam en je instellingen. Berichten die "
        "al in een kanaal staan, kan ik niet terughalen; vraag de beheerder van het kanaal "
        "als je die weg wilt hebben."
    ).format(answers=_answers(erased.answers), rounds=erased.rounds)


def _answers(n: int) -> str:
    return ngettext("{n} antwoord", "{n} antwoorden", n).format(n=n)


def recompose(content: Content, rnd: Round, card: Card, now: datetime) -> Content | None:
    """A waiting message about ``rnd`` composed again from what the round holds now; None
    when nothing of it is left to say."""
    match content:
        case SummaryPost() | DraftPost():
            return content.model_copy(update={"summary": compile_summary(card, rnd, now)})
        case AnswersPost():
            shown = engine.answers_shown(rnd, content.step_index, card)
            if not shown:
                return None
            assert isinstance(shown[0].content, AnswersPost)
            return shown[0].content.model_copy(update={"thread": content.thread})
    return content


class Traces:
    """How the erased person shows in a synthesis that was fixed before their erasure (a
    draft under review, a published outcome, the previous round's actions): their name,
    and excerpts of their answers."""

    def __init__(self, name: str, texts: Sequence[str]) -> None:
        self.name = name
        self.texts = [" ".join(t.split()) for t in texts]

    def theirs(self, author: str | None, excerpt: str) -> bool:
        if author is not None and author == self.name:
            return True
        words = " ".join(excerpt.replace("…", " ").split())
        return bool(words) and any(words in text for text in self.texts)

    def source(self, source: Source) -> bool:
        return self.theirs(source.author, source.excerpt)

    def action(self, row: ActionRow) -> bool:
        return self.theirs(row.author, row.what)


def scrub(synthesis: Synthesis, traces: Traces) -> Synthesis:
    """The synthesis without the findings that came from the erased person: their sources
    leave every theme, contrast and dream, their actions go, and a finding left without
    sources (or a contrast with one side) goes with them."""

    def themes(found: list[Theme]) -> list[Theme]:
        kept = []
        for theme in found:
            sources = [s for s in theme.sources if not traces.source(s)]
            if sources:
                gone = len(theme.sources) - len(sources)
                people = max(1, theme.people - (1 if gone else 0))
                kept.append(theme.model_copy(update={"sources": sources, "people": people}))
        return kept

    contrasts = []
    for contrast in synthesis.contrasts:
        sides = [s for s in contrast.sides if not traces.source(s)]
        if len(sides) >= 2:
            contrasts.append(contrast.model_copy(update={"sides": sides}))
    dream = synthesis.dream
    if dream is not None:
        alone = [s for s in dream.alone if not traces.source(s)]
        dream = dream.model_copy(update={"recurring": themes(dream.recurring), "alone": alone})
    return synthesis.model_copy(
        update={
            "themes": themes(synthesis.themes),
            "contrasts": contrasts,
            "dream": dream,
            "actions": [a for a in synthesis.actions if not traces.action(a)],
        }
    )


def scrub_round(rnd: Round, traces: Traces) -> Round:
    """A round as it must be kept once the person is erased: its fixed outcome, and what
    it keeps of the round before it, without them."""
    review = rnd.review
    if review is not None:
        review = replace(review, draft=scrub(review.draft, traces))
    previous: Previous | None = rnd.previous
    if previous is not None:
        actions = tuple(a for a in previous.actions if not traces.action(a))
        previous = replace(previous, actions=actions)
    return rnd.evolve(review=review, previous=previous)
