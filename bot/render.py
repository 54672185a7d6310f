"""Plain-text and Markdown renderings of what the engine says, via Jinja2 templates.

Used by the local channel and the ``summary`` export; Slack and Telegram build their own
native formats from the same contents. Every value a template prints passes through the
environment's ``finalize`` hook, so user text is neutralised by construction rather than
by remembering a filter: Markdown gets its control characters escaped, plain text loses
terminal control sequences.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bot import brief, i18n, texts
from bot.brief import confirmed_line, step_names
from bot.i18n import _, ngettext
from bot.outbound import (
    AnswersPost,
    Content,
    DirectNotice,
    DraftPost,
    NoticePost,
    ProgressPost,
    QuestionPost,
    ReminderPost,
    ReplyPost,
    SummaryPost,
)
from bot.summary import Summary
from bot.texts import moment

TEMPLATES = Path(__file__).resolve().parent / "templates"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")


def escape_markdown(value: Any) -> Any:
    if isinstance(value, Markup):  # our own words, from the templates' _()
        return value
    if isinstance(value, str):
        return _MARKDOWN_SPECIAL.sub(r"\\\1", plain(value))
    return "" if value is None else value


def plain(value: Any) -> Any:
    """Drop control characters (terminal escape sequences) but keep newlines and tabs."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    return "" if value is None else value


@cache
def _environment(markdown: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        finalize=escape_markdown if markdown else plain,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    said = escape_markdown if markdown else plain
    env.globals["_"] = lambda text, **values: _ours(i18n._(text), values, said)
    env.globals["ngettext"] = lambda singular, plural, n, **values: _ours(
        i18n.ngettext(singular, plural, n), {"n": n, **values}, said
    )
    env.filters["oneline"] = lambda text: " ".join(str(text).split())
    env.filters["day"] = lambda value: texts.day(value) if value else ""
    return env


def _ours(translated: str, values: dict[str, Any], said: Callable[[Any], Any]) -> Markup:
    """A whole translated sentence with its values in place: the sentence is our own
    words, the values are escaped as anything else a template shows."""
    if values:
        translated = translated.format(**{k: said(v) for k, v in values.items()})
    return Markup(translated)


def summary_markdown(summary: Summary, *, escape: bool = True) -> str:
    """The whole record as a Markdown document: the outcome, then every answer as its
    appendix. ``escape=False`` for a terminal."""
    env = _environment(escape)
    zone = summary.timezone
    template = env.get_template("summary.md.j2")
    text = template.render(
        s=summary,
        at=lambda when: texts.moment_with_year(when, zone) if when else "",
        step_names=step_names(summary),
        **record_values(summary),
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def record_values(summary: Summary) -> dict[str, str]:
    """The sentences every rendering of the record shares, composed once."""
    o = summary.outcome
    p = summary.period
    values = {
        "period": texts.period(p.start, p.end),
        "until": moment(o.until, summary.timezone) if o.until else "",
        "confirmed": "",
        "previous_period": "",
        "erased": brief.erased_line(summary) if summary.erased else "",
    }
    if o.published_at is not None:
        values["confirmed"] = confirmed_line(summary)
    if summary.comparison is not None:
        before = summary.comparison.previous_period
        values["previous_period"] = texts.period(before.start, before.end)
    return values


def outcome_text(summary: Summary, *, draft: bool = False, record_hint: str = "") -> str:
    """The outcome as the local channel shows it: ``bot.brief`` laid out as plain text,
    the same parts Slack and Telegram lay out in their own way. ``draft`` adds the
    commands a coordinator edits with."""
    footer = [*(brief.edit_commands() if draft else ()), *([record_hint] if record_hint else [])]
    short = brief.short_outcome(summary, draft=draft, footer=footer)
    blocks = ["\n".join([short.title, short.meta, *short.notes])]
    blocks += [f"{part.heading}:\n" + "\n".join(part.lines) for part in short.parts]
    if short.footer:
        blocks.append("\n".join(short.footer))
    return str(plain("\n\n".join(blocks)))


def summary_json(summary: Summary) -> str:
    return summary.model_dump_json(indent=2) + "\n"


def question_text(q: QuestionPost) -> str:
    until = moment(q.answer_until, q.timezone) if q.answer_until else ""
    return _environment(False).get_template("question.txt.j2").render(q=q, until=until).strip()


def content_text(content: Content) -> str:
    """Any content as plain text, for the local channel."""
    match content:
        case QuestionPost():
            return question_text(content)
        case DirectNotice() if content.data is not None:
            data = json.dumps(content.data, ensure_ascii=False, indent=2)
            return str(plain(f"{content.text}\n\nmijngegevens.json:\n{data}"))
        case NoticePost() | ReplyPost() | DirectNotice():
            return str(plain(content.text))
        case SummaryPost():
            hint = _("Het volledige verslag: dialoogbot summary {id} --format pdf").format(
                id=content.summary.round_id
            )
            return outcome_text(content.summary, record_hint=hint)
        case DraftPost():
            return outcome_text(content.summary, draft=True)
        case ReminderPost():
            return reminder_text(content)
        case ProgressPost():
            return progress_text(content)
        case AnswersPost():
            return answers_text(content)


def answers_text(p: AnswersPost) -> str:
    """Eerst zelf: everyone's answers to a step that closed, as plain lines."""
    lines = [_("De antwoorden op {label}, nu de stap gesloten is:").format(label=p.label)]
    lines += [f"• {a.author or _('(privé)')}: {a.text}" for a in p.answers]
    return str(plain("\n".join(lines)))


def progress_text(p: ProgressPost) -> str:
    """Counts only: who is behind is nobody's business in the channel."""
    if p.joined == 0:
        first = _("Nog niemand doet mee.")
        if not p.open:
            return _("Netwerkronde gesloten.") + " " + first
        return first + _closes(p) + " " + _("Meedoen: /dialoog doe-mee")
    parts = [
        ngettext(
            "{done} van {joined} deelnemer is klaar",
            "{done} van {joined} deelnemers zijn klaar",
            p.joined,
        ).format(done=p.done, joined=p.joined),
        ngettext("{n} is onderweg", "{n} zijn onderweg", p.underway).format(n=p.underway),
    ]
    if not p.open:
        return _("Netwerkronde gesloten: ") + ", ".join(parts) + "."
    progress = _("Voortgang: ") + ", ".join(parts) + "."
    return progress + _closes(p) + " " + _("Meedoen: /dialoog doe-mee")


def _closes(p: ProgressPost) -> str:
    if p.closes is None:
        return ""
    return " " + _("De ronde sluit {when}.").format(when=moment(p.closes, p.timezone))


def reminder_text(reminder: ReminderPost) -> str:
    until = moment(reminder.answer_until, reminder.timezone) if reminder.answer_until else ""
    template = _environment(False).get_template("reminder.txt.j2")
    return template.render(r=reminder, until=until).strip()
