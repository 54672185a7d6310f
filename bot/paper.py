"""The gespreksformat on paper: a round's record as HTML and A4 PDF, and blank forms.

The channel post is for a phone; paper is what a school leader brings to the meeting
where the group decides what to do next, and what a partnership files in its
kwaliteitscyclus. So the record follows the card's own order with the outcome first
(kern, themes, droomvraag, actions, the group's check) and the answers as an appendix.

Both documents are renderings of one view (``_record_view``), so HTML and PDF cannot
disagree, and participant text reaches each renderer as data, never as markup:

- HTML goes through Jinja2 with autoescape on for every template, so every value is
  escaped unless a template marks it safe (none does).
- The PDF is typeset by Typst, which reads the view as JSON from ``sys.inputs``. A string
  read from JSON is displayed as text, so an answer saying ``#set page(width: 1cm)`` is
  printed, not obeyed; no participant text is ever pasted into Typst source.

Who may be named was decided by ``bot.summary`` (private answers carry no author,
anonymous rounds say "deelnemer A"); this module prints authors only from those fields.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import typst
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot import i18n
from bot.brief import erased_line
from bot.i18n import _, ngettext
from bot.model import ReviewPhase, StepState
from bot.school_days import local
from bot.summary import Period, Remark, Summary, SummaryAnswer, SummaryItem
from bot.synthesis import ActionRow, Source, Theme
from dialogues.cards import Card, Role

__all__ = ["blank_html", "blank_pdf", "record_html", "record_pdf"]

TEMPLATES = Path(__file__).resolve().parent / "templates"

# A view is plain JSON-able data: the same dict feeds Jinja2 and Typst.
View = dict[str, Any]

# Participation bars in the HTML chart: the longest possible bar, in SVG user units.
_BAR = 380

# Control characters (terminal escapes, NUL) mean nothing on paper and make HTML invalid;
# lone surrogates cannot even be encoded. Newlines and tabs are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


# --- public surface ----------------------------------------------------------------------


def record_html(summary: Summary) -> str:
    """The round's record as one self-contained HTML page (inline CSS, no external assets)."""
    return _html("record.html.j2", _record_view(summary))


def record_pdf(summary: Summary) -> bytes:
    """The round's record as a printable A4 PDF, typeset by Typst from the same view."""
    return _typeset("record.typ", _record_view(summary), stamp=summary.generated_at)


def blank_html(card: Card, role: int | None = None) -> str:
    """A blank gespreksformat for a group meeting in person: one role, or the whole card.

    ``role`` is the role's number on the card; a number the card lacks is a ValueError
    whose message lists the roles there are.
    """
    return _html("blank.html.j2", _blank_view(card, role))


def blank_pdf(card: Card, role: int | None = None) -> bytes:
    """The blank gespreksformat as A4 PDF, with room to write under every question."""
    return _typeset("blank.typ", _blank_view(card, role), stamp=None)


# --- rendering ---------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    # autoescape=True rather than select_autoescape: every template here is HTML, and
    # escaping must not depend on a file name.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["_"] = _
    return env


def _html(template: str, view: View) -> str:
    return _environment().get_template(template).render(d=view, t=view["labels"])


def _clean_view(view: View) -> View:
    """The view as the renderers may receive it: see ``_clean``."""
    return {key: _clean(value) for key, value in view.items()}


def _clean(value: Any) -> Any:
    """Every string in a view without control characters or unencodable surrogates."""
    if isinstance(value, str):
        text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        return _SURROGATE.sub("\ufffd", text)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _typeset(template: str, view: View, *, stamp: datetime | None) -> bytes:
    """Compile a Typst template to PDF with the view as its only input.

    The JSON travels in ``sys.inputs``; the template decodes it with ``json(bytes(...))``.
    The embedded fonts (Libertinus Serif) are named first so the page looks the same on
    every machine; system fonts only fill in glyphs they lack (emoji, some scripts).
    ``stamp`` fixes the PDF's creation date, so one record always yields the same file.
    """
    return typst.compile(
        TEMPLATES / template,
        root=TEMPLATES,
        format="pdf",
        sys_inputs={"data": json.dumps(view, ensure_ascii=False)},
        timestamp=stamp.astimezone(UTC).replace(microsecond=0) if stamp is not None else None,
    )


def _pages(template: str, view: View, ppi: float = 110) -> list[bytes]:
    """Every page as PNG: for looking at a layout while working on the templates."""
    result = typst.compile(
        TEMPLATES / template,
        root=TEMPLATES,
        format="png",
        ppi=ppi,
        sys_inputs={"data": json.dumps(view, ensure_ascii=False)},
    )
    return result if isinstance(result, list) else [result]


# --- words and dates ---------------------------------------------------------------------


def _labels() -> dict[str, str]:
    """Every fixed word on paper, translated once per document, for both renderers.

    One table rather than words spread over an HTML and a Typst template, so the two
    documents say the same things and a translator finds them in one place.
    """
    return {
        "record": _("Verslag van de dialoog"),
        "round": _("Ronde"),
        "period": _("Periode"),
        "participants": _("Deelnemers"),
        "anonymous": _("Anoniem"),
        "status": _("Status"),
        "kern": _("Kernboodschap"),
        "themes": _("Gedeelde thema’s"),
        "contrasts": _("Waar de beelden overeenkomen of verschillen"),
        "gedeeld": _("Gedeeld beeld"),
        "verschil": _("Verschillende beelden"),
        "shared_terms": _("Gemeenschappelijke woorden"),
        "dream": _("Droomvraag: het gezamenlijke beeld"),
        "dream_coordinator": _("Zoals de groep het samenvatte"),
        "recurring": _("Wat terugkomt"),
        "alone": _("Wat op zichzelf staat"),
        "actions": _("Acties"),
        "who": _("Wie"),
        "what": _("Wat"),
        "with_whom": _("Met wie"),
        "yields": _("Wat het moet opleveren"),
        "by_when": _("Wanneer"),
        "no_actions": _("Er zijn (nog) geen acties genoemd."),
        "confirmation": _("Controle door de groep"),
        "additions": _("Aanvullingen"),
        "objections": _("Bezwaren"),
        "comparison": _("Vergeleken met de vorige ronde"),
        "themes_new": _("Nieuwe thema’s"),
        "themes_gone": _("Thema’s die niet meer terugkomen"),
        "themes_kept": _("Thema’s die blijven"),
        "actions_before": _("Acties uit de vorige ronde"),
        "followup": _("Terugblik"),
        "addendum": _("Aanvulling na publicatie"),
        "addendum_note": _(
            "Deze antwoorden kwamen binnen nadat de uitkomst was gepubliceerd; ze staan "
            "hier met hun datum en zijn niet in de uitkomst verwerkt."
        ),
        "appendix": _("Bijlage: alle antwoorden"),
        "appendix_note": _(
            "De antwoorden in de volgorde van de kaart. Privé gegeven antwoorden staan zonder naam."
        ),
        "participation": _("Deelname"),
        "private": _("privé"),
        "page": _("pagina"),
        "of": _("van"),
        # the blank gespreksformat
        "format": _("Gespreksformat"),
        "purpose": _("Doel van de kaart"),
        "usage": _("Zo gebruik je de kaart"),
        "settings": _("Bijvoorbeeld"),
        "date": _("Datum"),
        "names": _("Deelnemers"),
        "agreed_actions": _("Afgesproken acties"),
        "evaluation": _("Evaluatie"),
        "terms": _("Begrippen"),
    }


def _day(day: date) -> str:
    """ "3 maart 2026": a record is kept for years, so a date always carries its year."""
    return format_date(day, "d MMMM y", locale=i18n.language())


def _period(period: Period) -> str | None:
    """ "2–13 maart 2026", "23 februari – 6 maart 2026", "15 december 2025 – 9 januari 2026"."""
    start, end = period.start, period.end
    if start is None:
        return None
    if end is None or end == start:
        return _day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{_day(end)}"
    if start.year == end.year:
        return f"{format_date(start, 'd MMMM', locale=i18n.language())} – {_day(end)}"
    return f"{_day(start)} – {_day(end)}"


def _people(n: int) -> str:
    return ngettext("{n} deelnemer", "{n} deelnemers", n).format(n=n)


# --- the record --------------------------------------------------------------------------


def _record_view(s: Summary) -> View:
    """Everything the record shows, in the order it shows it, as JSON-able data."""
    return _clean_view(_record_data(s))


def _record_data(s: Summary) -> View:
    outcome = s.outcome
    synthesis = outcome.synthesis
    zone = s.timezone
    items = [i for i in (s.opening, *s.questions, s.droomvraag, *s.evaluation) if i]
    steps = {i.ref: i.label for i in items}
    questions = {i.ref: i.question for i in items}
    status = _status(s)
    period = _period(s.period)
    t = _labels()

    meta = [{"label": t["round"], "value": str(s.round_id)}]
    if period:
        meta.append({"label": t["period"], "value": period})
    meta.append({"label": t["participants"], "value": str(s.participant_count)})
    anonymous = _("ja, er staan geen namen in") if s.anonymous else _("nee")
    meta.append({"label": t["anonymous"], "value": anonymous})
    meta.append({"label": t["status"], "value": status})

    notes: list[str] = []
    if s.stopped_early:
        notes.append(_("De ronde is voortijdig gestopt; dit is alles wat gegeven is."))
    if s.erased:
        notes.append(erased_line(s))
    if s.private_withheld:
        notes.append(
            ngettext(
                "{n} privé-antwoord verschijnt pas als alle stappen gesloten zijn.",
                "{n} privé-antwoorden verschijnen pas als alle stappen gesloten zijn.",
                s.private_withheld,
            ).format(n=s.private_withheld)
        )
    if not outcome.confirmed:
        notes.append(
            _(
                "Concept: deze uitkomst is door dialoogbot uit de antwoorden samengesteld "
                "en (nog) niet door de groep bevestigd."
            )
        )

    def source(src: Source) -> View:
        return {"label": src.label, "author": src.author, "excerpt": src.excerpt}

    def theme(th: Theme) -> View:
        origin = ", ".join(dict.fromkeys(steps.get(r, r) for r in th.refs))
        meta = _people(th.people) + (
            " · " + _("uit {steps}").format(steps=origin) if origin else ""
        )
        return {"title": th.title, "meta": meta, "sources": [source(x) for x in th.sources]}

    dream: View | None = None
    if outcome.dream or (synthesis.dream and (synthesis.dream.recurring or synthesis.dream.alone)):
        dream = {
            "text": outcome.dream,
            "recurring": [theme(x) for x in synthesis.dream.recurring] if synthesis.dream else [],
            "alone": [source(x) for x in synthesis.dream.alone] if synthesis.dream else [],
        }

    return {
        "title": s.card_title,
        "running_head": " · ".join(x for x in (_("Ronde {n}").format(n=s.round_id), period) if x),
        "status": status,
        "meta": meta,
        "notes": notes,
        "purpose": s.card_purpose,
        "outcome": {
            "heading": _("Uitkomst, bevestigd door de groep")
            if outcome.confirmed
            else _("Uitkomst (concept)"),
            "kern": outcome.kern,
            "enough": synthesis.enough,
            "note": synthesis.note
            or (
                None
                if synthesis.enough
                else _("Te weinig antwoorden om er gedeelde thema’s uit af te leiden.")
            ),
            "themes": [theme(x) for x in synthesis.themes],
            "contrasts": [
                {
                    "label": c.label,
                    "question": questions.get(c.ref),
                    "kind": c.kind,
                    "kind_label": t[c.kind],
                    "shared": ", ".join(c.shared_terms) or None,
                    "sides": [source(x) for x in c.sides],
                }
                for c in synthesis.contrasts
            ],
            "dream": dream,
            # None: the card asks for no actions, so the record has no such part
            "actions": [_action(a) for a in synthesis.actions] if s.has_actions else None,
        },
        "followup": _followup(s),
        "confirmation": _confirmation(s),
        "comparison": _comparison(s),
        "addendum": [
            {
                "label": e.label,
                "question": questions.get(e.ref),
                **_answer(e.answer, zone),
            }
            for e in s.addendum
        ],
        "appendix": {
            "opening": _item(s.opening, zone) if s.opening else None,
            "roles": [
                {
                    "heading": f"{r.number}. {r.title}",
                    "questions": [_item(i, zone) for i in r.items],
                }
                for r in s.roles
            ],
            "droomvraag": _item(s.droomvraag, zone) if s.droomvraag else None,
            "evaluation": [_item(i, zone) for i in s.evaluation],
        },
        "participation": _participation(s),
        "colophon": _("Samengesteld door dialoogbot op {date}.").format(
            date=_day(local(s.generated_at, zone).date())
        ),
        "labels": t,
    }


def _status(s: Summary) -> str:
    """Where the outcome stands, in the words of the group's check."""
    outcome = s.outcome
    zone = s.timezone
    match outcome.phase:
        case ReviewPhase.PUBLISHED:
            text = _("bevestigd door {agreed} van {asked}").format(
                agreed=outcome.agreed, asked=outcome.asked
            )
            if outcome.published_at is not None:
                when = _day(local(outcome.published_at, zone).date())
                text += ", " + _("gepubliceerd op {date}").format(date=when)
            return text
        case ReviewPhase.CHECK:
            text = _("ter controle bij de groep")
            if outcome.until is not None:
                text += " " + _("tot {date}").format(date=_day(local(outcome.until, zone).date()))
            return text
        case ReviewPhase.DRAFT:
            return _("concept, bij de coördinator")
        case None:
            if s.stopped_early:
                return _("voortijdig gestopt, niet door de groep gecontroleerd")
            if s.final:
                return _("afgerond, niet door de groep gecontroleerd")
            return _("tussenstand, de ronde loopt nog")


def _action(row: ActionRow) -> View:
    return {
        "who": row.author,
        "what": row.what,
        "with_whom": row.with_whom,
        "yields": row.yields,
        "by_when": _day(row.by_when) if row.by_when else None,
    }


def _remark(remark: Remark, zone: str) -> View:
    return {
        "who": remark.author,
        "text": remark.text,
        "date": _day(local(remark.given_at, zone).date()),
    }


def _confirmation(s: Summary) -> View | None:
    """How the group checked the outcome; None for a round without a check step."""
    outcome = s.outcome
    if outcome.phase is None:
        return None
    if outcome.phase is ReviewPhase.DRAFT:
        summary = _("De coördinator werkt het concept nog bij; de groep heeft het nog niet gezien.")
    elif outcome.phase is ReviewPhase.CHECK:
        summary = ngettext(
            "Tot nu toe zegt {agreed} van {asked} gevraagde deelnemers: klopt.",
            "Tot nu toe zeggen {agreed} van {asked} gevraagde deelnemers: klopt.",
            outcome.agreed,
        ).format(agreed=outcome.agreed, asked=outcome.asked)
    else:
        summary = ngettext(
            "{agreed} van {asked} gevraagde deelnemers zei: klopt.",
            "{agreed} van {asked} gevraagde deelnemers zeiden: klopt.",
            outcome.agreed,
        ).format(agreed=outcome.agreed, asked=outcome.asked)
    zone = s.timezone
    return {
        "summary": summary,
        "additions": [_remark(r, zone) for r in outcome.additions],
        "objections": [_remark(r, zone) for r in outcome.objections],
    }


def _followup(s: Summary) -> View | None:
    """The terugblik weeks later: how the actions went, each reply with its date.

    Shown beside the actions it is about, and only once it has been asked.
    """
    item = s.followup
    if item is None or item.state is not StepState.POSTED:
        return None
    return {
        "question": item.question,
        "answers": [_answer(a, s.timezone) for a in item.answers],
        "empty": None if item.answers else _("Nog geen antwoorden op de terugblik."),
    }


def _comparison(s: Summary) -> View | None:
    c = s.comparison
    if c is None:
        return None
    period = _period(c.previous_period)
    intro = _("Ronde {id}").format(id=c.previous_round_id) + (f" ({period})" if period else "")
    return {
        "intro": intro,
        "participants": _("Deelnemers: {before} toen, {now} nu.").format(
            before=c.participants_before, now=c.participants_now
        ),
        "new": c.themes_new,
        "gone": c.themes_gone,
        "kept": c.themes_kept,
        "actions": [_action(a) for a in c.actions_before],
        "followed_up": ngettext(
            "{n} deelnemer vertelde in de terugblik hoe het ging.",
            "{n} deelnemers vertelden in de terugblik hoe het ging.",
            c.followed_up,
        ).format(n=c.followed_up)
        if c.actions_before and c.followed_up
        else None,
    }


def _answer(answer: SummaryAnswer, zone: str) -> View:
    marks = []
    if answer.private:
        marks.append(_("privé gegeven"))
    if answer.edited:
        marks.append(_("aangepast"))
    return {
        # private answers carry no author in the Summary; this keeps it that way even
        # if a future Summary filled one in
        "who": None if answer.private else answer.author,
        "text": answer.text,
        "marks": ", ".join(marks) or None,
        "date": _day(local(answer.given_at, zone).date()) if answer.given_at else None,
    }


def _item(item: SummaryItem, zone: str) -> View:
    state_note = None
    if item.state is StepState.SKIPPED:
        state_note = _("Overgeslagen.")
    elif item.state is StepState.PENDING:
        state_note = _("Nog niet gesteld.")
    elif not item.answers:
        state_note = _("Geen antwoorden.")
    return {
        "label": item.label,
        "question": item.question,
        "reconstructed": _(
            "Het begin van deze vraag ontbreekt in de bron en is aangevuld door dialoogbot."
        )
        if item.reconstructed
        else None,
        "state_note": state_note,
        "answers": [_answer(a, zone) for a in item.answers],
    }


def _participation(s: Summary) -> View | None:
    """Steps answered per person as a chart, in the order the summary gives (by name).

    Never sorted by count: the chart shows who took part, it does not rank colleagues.
    """
    if not s.participation:
        return None
    most = max(s.steps_asked, *(p.answered for p in s.participation), 1)
    rows = [
        {
            "label": p.author,
            "answered": p.answered,
            "count": _("{n} van {of}").format(n=p.answered, of=s.steps_asked),
            "fraction": round(p.answered / most, 4),
            "width": round(_BAR * p.answered / most, 1),
        }
        for p in s.participation
    ]
    return {
        "caption": _("Beantwoorde stappen per deelnemer (van {n} gestelde stappen)").format(
            n=s.steps_asked
        ),
        "note": _("Op naam, niet als rangorde. Privé-antwoorden tellen niet mee."),
        "rows": rows,
        "height": 30 * len(rows) + 4,
    }


# --- the blank gespreksformat ------------------------------------------------------------


def _blank_view(card: Card, role: int | None) -> View:
    """The card as a form: its words, and room to write the group's own."""
    return _clean_view(_blank_data(card, role))


def _blank_data(card: Card, role: int | None) -> View:
    roles: list[Role]
    word, words = card.role_words
    if role is None:
        roles = list(card.roles)
        scope = _("Alle {parts}").format(parts=words)
    else:
        found = card.role(role)
        if found is None:
            options = ", ".join(str(r.number) for r in card.roles)
            raise ValueError(
                _("{word} {n} staat niet op deze kaart; kies uit {options}.").format(
                    word=word.capitalize(), n=role, options=options
                )
            )
        roles = [found]
        scope = f"{found.number}. {found.title}"
    return {
        "title": card.title,
        "scope": scope,
        "running_head": _("Gespreksformat") + " · " + scope,
        "purpose": card.purpose,
        "usage": card.usage.text if card.usage else None,
        "settings": list(card.usage.settings) if card.usage else [],
        "footnotes": [{"term": f.term, "text": f.text} for f in card.footnotes],
        "opening": {
            "label": _("Openingsvraag"),
            "question": card.opening.question,
            "invitation": card.opening.invitation,
        }
        if card.opening
        else None,
        "roles": [
            {
                "heading": f"{r.number}. {r.title}",
                "description": r.description,
                "questions": [
                    {
                        "number": q.number,
                        "text": q.text,
                        "reconstructed": _(
                            "Het begin van deze vraag ontbreekt in de bron en is aangevuld "
                            "door dialoogbot."
                        )
                        if q.reconstructed
                        else None,
                    }
                    for q in r.questions
                ],
            }
            for r in roles
        ],
        "droomvraag": {"label": card.droomvraag.title, "text": card.droomvraag.text}
        if card.droomvraag
        else None,
        "evaluation": [{"label": e.label, "text": e.text} for e in card.evaluation],
        # a table for the actions the group agrees on, if the card asks for actions
        "action_rows": 5 if card.asks_actions else 0,
        "labels": _labels(),
    }
