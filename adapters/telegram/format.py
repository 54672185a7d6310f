"""Neutral contents → Telegram HTML messages, escaped and cut below 4,096 characters.

Every piece of user text passes through ``html.escape``, so no answer can inject markup
or break a message ("can't parse entities"). Telegram counts the limit after entity
parsing, so messages are packed by visible length; a long answer is cut before escaping,
never inside an entity.
"""

from __future__ import annotations

from html import escape

from bot.i18n import _
from bot.outbound import NoticePost, QuestionPost, ReminderPost
from bot.render import reminder_text
from bot.summary import Summary, SummaryItem
from bot.texts import moment

LIMIT = 4000  # below Telegram's 4,096, leaving room for the tags' own characters
PIECE = 3000

Unit = tuple[str, int]  # (html, visible length)


def text_units(text: str, style: str | None = None) -> list[Unit]:
    pieces = [text[i : i + PIECE] for i in range(0, len(text), PIECE)] or [""]
    if style is None:
        return [(escape(p), len(p)) for p in pieces]
    return [(f"<{style}>{escape(p)}</{style}>", len(p)) for p in pieces]


def pack(units: list[Unit]) -> list[str]:
    """Join units with newlines into as few messages as fit."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for html, visible in units:
        if current and size + visible + 1 > LIMIT:
            messages.append("\n".join(current))
            current, size = [], 0
        current.append(html)
        size += visible + 1
    if current:
        messages.append("\n".join(current))
    return messages


def question(q: QuestionPost, *, dm_hint: str | None = None) -> str:
    title = f"{q.label} · {q.role}" if q.role and q.kind == "question" else q.label
    meta = _("Stap {n} van {total}").format(n=q.step_number, total=q.step_count)
    if q.answer_until:
        meta += " · " + _("antwoorden tellen mee tot {when}").format(
            when=moment(q.answer_until, q.timezone)
        )
    meta += " · " + _("antwoord met ‘beantwoorden’ op dit bericht")
    units = [*text_units(title, "b"), *text_units(q.text)]
    if q.invitation:
        units += text_units(q.invitation, "i")
    units += text_units(meta, "i")
    if dm_hint:
        units += text_units(dm_hint, "i")
    return pack(units)[0]


def notice(n: NoticePost) -> list[str]:
    return pack(text_units(n.text))


def reminder(r: ReminderPost) -> str:
    return pack(text_units(reminder_text(r)))[0]


def summary(s: Summary) -> list[str]:
    title = (_("Samenvatting") if s.final else _("Tussenstand")) + f": {s.card_title}"
    meta = _("Ronde {id} · deelnemers: {n} · stappen gesteld: {asked}").format(
        id=s.round_id, n=s.participant_count, asked=s.steps_asked
    )
    if s.anonymous:
        meta += " · " + _("anoniem")
    units = [*text_units(title, "b"), *text_units(meta, "i"), ("", 0)]
    units += text_units(_("Uitkomst van het gesprek"), "b")
    for item in [s.droomvraag, *s.evaluation]:
        if item is not None:
            units += _item(item)
    units += [("", 0), *text_units(_("Antwoorden per vraag"), "b")]
    for item in [s.opening, *s.questions]:
        if item is not None:
            units += _item(item)
    if s.participation:
        units += [("", 0), *text_units(_("Deelname"), "b")]
        for p in s.participation:
            units += text_units(
                _("{name}: {n} van {asked} stappen beantwoord").format(
                    name=p.name, n=p.answered, asked=p.asked
                )
            )
    return pack(units)


def _item(item: SummaryItem) -> list[Unit]:
    title = f"{item.label} · {item.role}" if item.role and item.kind == "question" else item.label
    units: list[Unit] = [("", 0), *text_units(title, "b"), *text_units(item.question, "i")]
    if item.state == "skipped":
        return [*units, *text_units(_("Overgeslagen."))]
    if not item.answers:
        return [*units, *text_units(_("Geen antwoorden."))]
    for answer in item.answers:
        marks = (" " + _("(privé gegeven)") if answer.private else "") + (
            " " + _("(aangepast)") if answer.edited else ""
        )
        prefix = text_units(f"{answer.author}: ", "b") if answer.author else [("• ", 2)]
        body = text_units(answer.text + marks)
        first_html, first_len = body[0]
        units.append((prefix[0][0] + first_html, prefix[0][1] + first_len))
        units += body[1:]
    return units
