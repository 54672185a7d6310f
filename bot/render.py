"""Plain-text and Markdown renderings of what the engine says, via Jinja2 templates.

Used by the local channel and the ``summary`` export; Slack and Telegram build their own
native formats from the same contents. Every value a template prints passes through the
environment's ``finalize`` hook, so user text is neutralised by construction rather than
by remembering a filter: Markdown gets its control characters escaped, plain text loses
terminal control sequences.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bot import i18n
from bot.outbound import (
    Content,
    DirectNotice,
    NoticePost,
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
    env.globals["_"] = lambda text: Markup(i18n._(text))
    return env


def summary_markdown(summary: Summary, *, escape: bool = True) -> str:
    """The summary as a Markdown document; ``escape=False`` for a terminal."""
    template = _environment(escape).get_template("summary.md.j2")
    generated = moment(summary.generated_at, summary.timezone)
    text = template.render(s=summary, generated=generated)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


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
        case NoticePost() | ReplyPost() | DirectNotice():
            return str(plain(content.text))
        case SummaryPost():
            return summary_markdown(content.summary, escape=False)
        case ReminderPost():
            return reminder_text(content)


def reminder_text(reminder: ReminderPost) -> str:
    until = moment(reminder.answer_until, reminder.timezone) if reminder.answer_until else ""
    template = _environment(False).get_template("reminder.txt.j2")
    return template.render(r=reminder, until=until).strip()
