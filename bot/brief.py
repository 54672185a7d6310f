"""The outcome as a member reads it on a phone: what every channel shows, composed once.

Slack (Block Kit), Telegram (HTML) and the local channel (plain text, ``bot.render``)
lay it out in their own way, but what it says is
put together here from the ``Summary``, so the two cannot drift apart: a title that says
where the outcome stands, the round and its period, the group's confirmation or how to
react, the key message, the themes numbered with the steps they came from, where views
differ, the dream, one line per action, the additions and what changed since the
previous round. The dream and the actions only where the card asks for them: a reaction
round has neither, and an empty heading would read as something the group failed to do.
The answers themselves are not here: they are in the full record, which goes with the
post as a document.

Nothing here names anyone the ``Summary`` does not name: authors come only from its
fields (a private answer's action has none, an anonymous round carries "deelnemer A"),
and nothing counts or ranks what each person answered. Participants' free text is
clipped to a line (the record holds it whole); the coordinator's key message and dream
are shown whole, and the platform splits them if it must.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import texts
from bot.i18n import _, ngettext
from bot.model import ReviewPhase
from bot.school_days import local
from bot.summary import Summary
from bot.synthesis import ActionRow

ACTION_LIMIT = 200  # what someone will do, in the channel; the record has it whole
PART_LIMIT = 100  # with whom, what it should yield, a theme's title
NAME_LIMIT = 80  # Slack's and Telegram's own names are at most 80 and 129 characters
REMARK_LIMIT = 300  # an addition or objection, in the channel
LIST_LIMIT = 12  # theme titles listed in one line of the comparison


@dataclass(frozen=True, slots=True)
class Part:
    """A heading and its lines."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShortOutcome:
    title: str
    meta: str
    notes: tuple[str, ...]  # where the outcome stands: confirmed, or how to react
    parts: tuple[Part, ...]
    footer: tuple[str, ...]  # where the full record is; the commands a coordinator edits with


def step_names(summary: Summary) -> dict[str, str]:
    """A step's label by its card reference: themes name the steps they came from."""
    items = [summary.opening, *summary.questions, summary.droomvraag, *summary.evaluation]
    return {item.ref: item.label for item in items if item is not None}


def erased_line(summary: Summary) -> str:
    """What is left of answers erased at their authors' request: that they were there."""
    return ngettext(
        "Antwoorden van {n} deelnemer zijn op hun verzoek verwijderd.",
        "Antwoorden van {n} deelnemers zijn op hun verzoek verwijderd.",
        summary.erased,
    ).format(n=summary.erased)


def confirmed_line(summary: Summary) -> str:
    o = summary.outcome
    when = texts.day(o.published_at.date()) if o.published_at else ""
    line = ngettext(
        "Bevestigd door de groep ({when}): {agreed} van {asked} deelnemers zegt dat het klopt",
        "Bevestigd door de groep ({when}): {agreed} van {asked} deelnemers zeggen dat het klopt",
        o.agreed,
    ).format(when=when, agreed=o.agreed, asked=o.asked)
    extra = []
    if o.additions:
        extra.append(
            ngettext("{n} aanvulling", "{n} aanvullingen", len(o.additions)).format(
                n=len(o.additions)
            )
        )
    if o.objections:
        extra.append(
            ngettext("{n} bezwaar", "{n} bezwaren", len(o.objections)).format(n=len(o.objections))
        )
    return line + ("; " + ", ".join(extra) if extra else "") + "."


def _line(text: str, limit: int) -> str:
    """Free text on one line, shortened with an ellipsis where it is longer."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _people(n: int) -> str:
    return ngettext("{n} deelnemer", "{n} deelnemers", n).format(n=n)


def reviewing(s: Summary) -> bool:
    """The group is checking this outcome now: klopt, aanvulling or bezwaar."""
    return s.outcome.phase == ReviewPhase.CHECK


def editable(s: Summary) -> bool:
    """The outcome is still the coordinator's draft, to edit and put to the group."""
    return s.outcome.phase == ReviewPhase.DRAFT


def short_outcome(
    s: Summary, *, draft: bool = False, respond: str = "", footer: Sequence[str] = ()
) -> ShortOutcome:
    """The outcome's parts. ``respond`` says how to react while the group checks it
    ("met de knoppen hieronder"); ``footer`` is what the platform adds at the end."""
    o = s.outcome
    syn = o.synthesis
    year = local(s.generated_at, s.timezone).year

    if draft:
        word = _("Concept-uitkomst, alleen voor jou")
    elif reviewing(s):
        word = _("Klopt dit? De uitkomst van onze dialoog")
    elif s.final:
        word = _("Uitkomst")
    else:
        word = _("Tussenstand")
    title = f"{word}: {s.card_title}"
    meta = " · ".join(
        [
            _("Ronde {id}").format(id=s.round_id),
            texts.period(s.period.start, s.period.end, year),
            _people(s.participant_count),
            *([_("anoniem")] if s.anonymous else []),
        ]
    )

    notes: list[str] = []
    if o.published_at is not None:
        notes.append(confirmed_line(s))
    elif reviewing(s) and o.until is not None:
        when = texts.moment(o.until, s.timezone)
        if draft:
            notes.append(
                _("Dit concept ligt bij de groep tot {when}; aanpassen kan niet meer.").format(
                    when=when
                )
            )
        else:
            if respond:  # "met de knoppen hieronder": how, on this platform
                ask = _("Klopt dit voor jou, mist er iets? Reageer vóór {when} {respond}.")
            else:
                ask = _("Klopt dit voor jou, mist er iets? Reageer vóór {when}.")
            notes.append(ask.format(when=when, respond=respond))
    if s.stopped_early:
        notes.append(_("De ronde is voortijdig gestopt."))
    if s.erased:
        notes.append(erased_line(s))

    parts: list[Part] = []
    if o.kern:
        parts.append(Part(_("Kern"), (o.kern,)))
    elif draft and editable(s):
        parts.append(Part(_("Kern"), (_("Nog leeg: wat deelt de groep, in een paar zinnen?"),)))
    names = step_names(s)
    themes = [
        _("{n}. {title} ({refs}; {people})").format(
            n=n,
            title=_line(theme.title, PART_LIMIT),
            refs=", ".join(names.get(ref, ref) for ref in theme.refs),
            people=_people(theme.people),
        )
        for n, theme in enumerate(syn.themes, start=1)
    ]
    parts.append(
        Part(_("Wat terugkomt"), tuple(themes or [syn.note or _("Geen gedeeld thema gevonden.")]))
    )
    differ = [c for c in syn.contrasts if c.kind == "verschil"]
    if differ:
        lines = [
            c.label + (f" ({', '.join(c.shared_terms[:3])})" if c.shared_terms else "")
            for c in differ
        ]
        parts.append(Part(_("Waar beelden verschillen"), (" · ".join(lines),)))
    if s.has_dream:
        if o.dream:
            dream = o.dream
        elif syn.dream is not None and syn.dream.recurring:
            dream = _("Wat in de droom terugkomt: {themes}").format(
                themes="; ".join(_line(t.title, PART_LIMIT) for t in syn.dream.recurring)
            )
        else:
            dream = _("Zie het verslag.")
        parts.append(Part(_("Droom"), (dream,)))
    if s.has_actions:
        actions = [f"{n}. {action_line(row, year)}" for n, row in enumerate(syn.actions, start=1)]
        parts.append(Part(_("Acties"), tuple(actions or [_("Nog geen acties genoemd.")])))
    if o.additions:
        parts.append(Part(_("Aanvullingen"), tuple(_remark(r.author, r.text) for r in o.additions)))
    if draft and o.objections:
        parts.append(Part(_("Bezwaren"), tuple(_remark(r.author, r.text) for r in o.objections)))
    if s.followup is not None and s.followup.state == "posted":
        said = [_remark(a.author, a.text) for a in s.followup.answers]
        parts.append(Part(_("Terugblik"), tuple(said or [_("Nog geen antwoorden.")])))
    if s.comparison is not None:
        c = s.comparison
        before = c.previous_period
        lines = [
            _("{period}: {before} → {now} deelnemers").format(
                period=texts.period(before.start, before.end, year),
                before=c.participants_before,
                now=c.participants_now,
            )
        ]
        if c.themes_new:
            lines.append(_("Nieuw: {themes}").format(themes=_titles(c.themes_new)))
        if c.themes_kept:
            lines.append(_("Gebleven: {themes}").format(themes=_titles(c.themes_kept)))
        if c.themes_gone:
            lines.append(_("Niet meer: {themes}").format(themes=_titles(c.themes_gone)))
        if c.actions_before:
            lines.append(
                ngettext(
                    "{n} actie van toen: zie het verslag",
                    "{n} acties van toen: zie het verslag",
                    len(c.actions_before),
                ).format(n=len(c.actions_before))
            )
        parts.append(Part(_("Sinds ronde {id}").format(id=c.previous_round_id), tuple(lines)))
    if s.addendum:
        parts.append(
            Part(
                _("Na de publicatie"),
                (
                    ngettext(
                        "{n} antwoord kwam later; het staat in het verslag.",
                        "{n} antwoorden kwamen later; ze staan in het verslag.",
                        len(s.addendum),
                    ).format(n=len(s.addendum)),
                ),
            )
        )
    return ShortOutcome(title, meta, tuple(notes), tuple(parts), tuple(footer))


def action_line(row: ActionRow, year: int | None = None) -> str:
    """One person's action on one line: who, what, with whom, what it yields, by when."""
    who = _line(row.author, NAME_LIMIT) if row.author else _("(privé)")
    line = f"{who}: {_line(row.what, ACTION_LIMIT)}"
    if row.with_whom:
        line += " · " + _("met {who}").format(who=_line(row.with_whom, PART_LIMIT))
    if row.yields:
        line += " · " + _("levert op: {what}").format(what=_line(row.yields, PART_LIMIT))
    if row.by_when:
        line += " · " + _("vóór {day}").format(day=texts.day(row.by_when, year))
    elif row.starts:
        line += " · " + _("vanaf {day}").format(day=texts.day(row.starts, year))
    return line


def _remark(author: str | None, text: str) -> str:
    said = _line(text, REMARK_LIMIT)
    return f"{_line(author, NAME_LIMIT)}: {said}" if author else f"• {said}"


def _titles(titles: list[str]) -> str:
    shown = [_line(t, PART_LIMIT) for t in titles[:LIST_LIMIT]]
    more = len(titles) - len(shown)
    return ", ".join(shown) + (f" (+{more})" if more else "")


def edit_commands(*, button: str | None = None) -> tuple[str, ...]:
    """How a coordinator changes the draft by typing, numbered as the draft shows.
    ``button`` names the platform's button that puts it to the group."""
    done = _("Klaar? Leg het voor aan de groep met /dialoog voorleggen")
    if button:
        done = _("Klaar? Gebruik ‘{button}’, of typ /dialoog voorleggen").format(button=button)
    # whole commands, so a translation can use its own command words (core, theme, when)
    return (
        _("Aanpassen (nummers zoals hierboven):"),
        _("/dialoog uitkomst kern <tekst> · /dialoog uitkomst droom <tekst>"),
        _("/dialoog uitkomst thema <nr> <nieuwe titel> · /dialoog uitkomst thema <nr> weg"),
        _("/dialoog uitkomst actie <nr> wanneer <datum>"),
        _("/dialoog uitkomst actie <nr> wat|met|oplevert <tekst>"),
        done,
    )


def record_note() -> str:
    return _(
        "Het volledige verslag, met alle antwoorden per rol en vraag, staat in het "
        "bijgevoegde document."
    )


def reconstructed_note() -> str:
    """Under question 4.4, whose opening words the card had to complete."""
    return _("(begin van de vraag aangevuld door dialoogbot)")
