"""Neutral contents → Telegram HTML messages, escaped and split below Telegram's limit.

Every piece of user text passes through ``html.escape``, so no answer can inject markup
or break a message ("can't parse entities"). Telegram refuses a message of more than
4,096 characters "after entities parsing" (Bot API, sendMessage): what is left once the
tags are taken out and the entities decoded, counted in UTF-16 code units, so an emoji
outside the Basic Multilingual Plane counts twice. Messages are packed by that visible
length, with a margin; a long text is split before escaping, so never inside a tag or an
entity, and over several messages rather than cut. Only labels (a step's title, a name)
are shortened, with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from adapters.text import ELLIPSIS, longest_fitting
from adapters.text import shorten as text_shorten
from adapters.text import split as text_split
from bot.brief import reconstructed_note, short_outcome
from bot.i18n import _
from bot.outbound import AnswersPost, NoticePost, ProgressPost, QuestionPost, ReminderPost
from bot.render import answers_text, progress_text, reminder_text
from bot.summary import Summary
from bot.texts import moment

LIMIT = 4000  # visible UTF-16 code units per message: Telegram's 4,096, with a margin
PIECE = 3000  # the most one unit's text holds, so a name in front of it still fits
ENTITY_LIMIT = 100  # Telegram formats at most 100 entities (here: tags) per message
NAME_LIMIT = 130  # characters of a person's name where it labels an answer
LABEL_LIMIT = 200  # a title: a step's label and role, the card's title
NOTE_LIMIT = 1000  # a line in italics under a question: the invitation, a hint
CALLBACK_ANSWER_LIMIT = 200  # the text answering a button press (answerCallbackQuery)


Unit = tuple[str, int]  # (html, visible length in UTF-16 code units)


def utf16(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _weight(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def split_text(text: str, limit: int = PIECE) -> list[str]:
    """Consecutive pieces of ``text`` of at most ``limit`` visible units, none of them blank.

    A piece ends after a line break, else after a space, in its second half when there is
    one, so words stay whole; only a word longer than half the limit is cut, and never
    inside a character sequence (combining accent, emoji joined with U+200D). A line
    break where a piece ends is left out, because ``pack`` joins units with one. Blank
    pieces carry nothing to see (Telegram refuses an empty message), so they are dropped.
    """
    return text_split(text, limit, _weight)


def shorten(text: str, limit: int) -> str:
    """A label that fits ``limit``: whole, or cut with an ellipsis."""
    return text_shorten(text, limit, _weight)


def name(person: str) -> str:
    """A name labels an answer, so a very long one is shortened rather than split.

    Counted in characters as typed, not in UTF-16 units, so that any full name Telegram
    allows (a first and a last name of up to 64 characters each) stays whole.
    """
    if len(person) <= NAME_LIMIT:
        return person
    return person[: NAME_LIMIT - 1].rstrip() + ELLIPSIS


def text_units(text: str, style: str | None = None) -> list[Unit]:
    """``text`` as units of at most ``PIECE`` visible units each; a blank text is a blank line."""
    pieces = split_text(text)
    if not pieces:
        return [("", 0)]
    if style is None:
        return [(escape(p), utf16(p)) for p in pieces]
    return [(f"<{style}>{escape(p)}</{style}>", utf16(p)) for p in pieces]


def pack(units: list[Unit]) -> list[str]:
    """Join units with newlines into as few messages as fit.

    A message holds at most ``LIMIT`` visible units, newlines included, and
    ``ENTITY_LIMIT`` tags; it never starts with a blank unit, so no message is blank.
    """
    messages: list[str] = []
    current: list[str] = []
    size = entities = 0
    for html, visible in units:
        if not current and not html.strip():
            continue
        tags = html.count("</")
        if current and (size + 1 + visible > LIMIT or entities + tags > ENTITY_LIMIT):
            messages.append("\n".join(current))
            current, size, entities = [], 0, 0
            if not html.strip():
                continue
        size += visible + (1 if current else 0)
        entities += tags
        current.append(html)
    if current:
        messages.append("\n".join(current))
    return messages


def question(q: QuestionPost, *, dm_hint: str | None = None) -> str:
    title = shorten(
        f"{q.label} · {q.role}" if q.role and q.kind == "question" else q.label, LABEL_LIMIT
    )
    meta = _("Stap {n} van {total}").format(n=q.step_number, total=q.step_count)
    if q.answer_until:
        meta += " · " + _("antwoorden tellen mee tot {when}").format(
            when=moment(q.answer_until, q.timezone)
        )
    if not q.own_first:  # eerst zelf: the button is the way, not a reply in the group
        meta += " · " + _("antwoord met ‘beantwoorden’ op dit bericht")

    def units(text: str) -> list[Unit]:
        made = [*text_units(title, "b"), *text_units(text)]
        if q.reconstructed:  # the card completed words its source lost
            made += text_units(reconstructed_note(), "i")
        if q.invitation:
            made += text_units(shorten(q.invitation, NOTE_LIMIT), "i")
        if q.own_first:
            made += text_units(own_first_note(), "i")
        made += text_units(meta, "i")
        if dm_hint:
            made += text_units(shorten(dm_hint, NOTE_LIMIT), "i")
        return made

    # A card's question is a few sentences; one too long for a message loses its end to
    # an ellipsis rather than the whole question to a refusal.
    body = longest_fitting(q.text, lambda text: len(pack(units(text))) == 1)
    return pack(units(body))[0]


def own_first_note() -> str:
    """Under an eerst-zelf round's question: how to answer, and when the others show."""
    return _(
        "Eerst zelf: antwoord met de knop; alle antwoorden komen in de draad als de stap sluit."
    )


def answers(p: AnswersPost) -> list[str]:
    """Eerst zelf: everyone's answers to a step that closed, a line each, escaped, in as
    many messages as it takes."""
    units: list[Unit] = []
    for line in answers_text(p).split("\n"):
        units += text_units(line)
    return pack(units) or [ELLIPSIS]


def private_question(q: QuestionPost) -> str:
    """A network round's question, in the participant's private chat with the bot: where
    they stand, until when, and that a plain message answers it."""
    title = shorten(
        f"{q.label} · {q.role}" if q.role and q.kind == "question" else q.label, LABEL_LIMIT
    )
    meta = _("Vraag {n} van {total}").format(n=q.step_number, total=q.step_count)
    if q.answer_until:
        meta += " · " + _("de ronde sluit {when}").format(when=moment(q.answer_until, q.timezone))
    how = _(
        "Antwoord gewoon hier met een bericht; dan komt de volgende vraag. Overslaan: "
        "/dialoog overslaan · later verder: /dialoog verder · een antwoord aanpassen: "
        "bewerk je bericht."
    )

    def units(text: str) -> list[Unit]:
        made = [*text_units(title, "b"), *text_units(text)]
        if q.reconstructed:  # the card completed words its source lost
            made += text_units(reconstructed_note(), "i")
        if q.invitation:
            made += text_units(shorten(q.invitation, NOTE_LIMIT), "i")
        return [*made, *text_units(meta, "i"), *text_units(how, "i")]

    body = longest_fitting(q.text, lambda text: len(pack(units(text))) == 1)
    return pack(units(body))[0]


def progress(p: ProgressPost) -> str:
    """A network round's progress in its group: counts, never names."""
    return pack(text_units(shorten(progress_text(p), PIECE)))[0]


def notice(n: NoticePost) -> list[str]:
    return pack(text_units(n.text)) or [ELLIPSIS]


def reminder(r: ReminderPost) -> str:
    def units(text: str) -> list[Unit]:
        return text_units(reminder_text(r.model_copy(update={"text": text})))

    # The reminder quotes the question, which stands in full in the group; a quote too
    # long for one message ends in an ellipsis.
    quoted = longest_fitting(r.text, lambda text: len(pack(units(text))) == 1)
    return pack(units(quoted))[0]


def outcome(s: Summary, *, draft: bool = False, footer: Sequence[str] = ()) -> list[str]:
    """The outcome as messages short enough for a phone: bold headings, every piece of
    text escaped. While the group checks it, the buttons go under the last message."""
    view = short_outcome(
        s,
        draft=draft,
        respond=_("met de knoppen hieronder, of typ /dialoog aanvulling <tekst>"),
        footer=footer,
    )
    units = [
        *text_units(shorten(view.title, LABEL_LIMIT), "b"),
        *text_units(view.meta, "i"),
    ]
    for note in view.notes:
        units += text_units(note)
    for part in view.parts:
        units += [("", 0), *text_units(shorten(part.heading, LABEL_LIMIT), "b")]
        for line in part.lines:
            units += text_units(line)
    if view.footer:
        units.append(("", 0))
        for line in view.footer:
            units += text_units(line, "i")
    return pack(units) or [ELLIPSIS]
