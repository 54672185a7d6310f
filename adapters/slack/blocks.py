"""Neutral contents → Slack messages (Block Kit), with every piece of user text made inert.

User text goes into ``plain_text`` objects, which Slack neither formats nor resolves:
``<!channel>``, ``<@U123>`` and ``*bold*`` show as typed and ping nobody. Where mrkdwn is
unavoidable (the notification text), ``&``, ``<`` and ``>`` are escaped as Slack asks.
Long texts are cut into pieces below the limits: 3,000 characters per section and 50
blocks per message.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.translate import ANSWER_BLOCK, ANSWER_INPUT, PRIVATE_ACTION, PRIVATE_VIEW
from bot.i18n import _
from bot.outbound import NoticePost, QuestionPost, ReminderPost
from bot.render import reminder_text
from bot.summary import Summary, SummaryItem
from bot.texts import moment

Block = dict[str, Any]
SECTION_LIMIT = 3000
BLOCK_LIMIT = 50
HEADER_LIMIT = 150
FALLBACK_LIMIT = 3000


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: the three characters that start links and mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_sections(text: str) -> list[Block]:
    """Literal text, as many sections as it takes."""
    text = text or " "
    return [
        {"type": "section", "text": {"type": "plain_text", "text": text[i : i + SECTION_LIMIT]}}
        for i in range(0, len(text), SECTION_LIMIT)
    ]


def header(text: str) -> Block:
    clipped = text if len(text) <= HEADER_LIMIT else text[: HEADER_LIMIT - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": clipped}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "plain_text", "text": text}]}


def fallback(text: str) -> str:
    """The notification text: escaped, and short."""
    clipped = text if len(text) <= FALLBACK_LIMIT else text[: FALLBACK_LIMIT - 1] + "…"
    return escape(clipped)


def question(q: QuestionPost) -> dict[str, Any]:
    title = f"{q.label} · {q.role}" if q.role and q.kind == "question" else q.label
    when = moment(q.answer_until, q.timezone) if q.answer_until else None
    meta = _("Stap {n} van {total}").format(n=q.step_number, total=q.step_count)
    if when:
        meta += " · " + _("antwoorden tellen mee tot {when}").format(when=when)
    meta += " · " + _("antwoord in de draad onder dit bericht")
    body = q.text + (f"\n\n{q.invitation}" if q.invitation else "")
    button = {
        "type": "button",
        "action_id": PRIVATE_ACTION,
        "text": {"type": "plain_text", "text": _("Privé antwoorden")},
        "value": json.dumps({"round_id": q.round_id, "step_index": q.step_index}),
    }
    blocks = [header(title), *plain_sections(body), context(meta)]
    blocks.append({"type": "actions", "elements": [button]})
    return {"text": fallback(f"{title}: {q.text}"), "blocks": blocks}


def notice(n: NoticePost) -> list[dict[str, Any]]:
    return [
        {"text": fallback(n.text), "blocks": chunk} for chunk in _chunks(plain_sections(n.text))
    ]


def reminder(r: ReminderPost, channel_id: str) -> dict[str, Any]:
    text = reminder_text(r)
    where = {"type": "mrkdwn", "text": _("In <#{channel}>").format(channel=channel_id)}
    return {
        "text": fallback(text),
        "blocks": [*plain_sections(text), {"type": "context", "elements": [where]}],
    }


def private_modal(target: dict[str, Any], question_text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": PRIVATE_VIEW,
        "private_metadata": json.dumps(target),
        "title": {"type": "plain_text", "text": _("Privé antwoorden")},
        "submit": {"type": "plain_text", "text": _("Bewaren")},
        "close": {"type": "plain_text", "text": _("Annuleren")},
        "blocks": [
            *plain_sections(question_text)[:1],
            context(_("Je antwoord verschijnt pas in de eindsamenvatting.")),
            {
                "type": "input",
                "block_id": ANSWER_BLOCK,
                "label": {"type": "plain_text", "text": _("Jouw antwoord")},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ANSWER_INPUT,
                    "multiline": True,
                },
            },
        ],
    }


def summary(s: Summary) -> list[dict[str, Any]]:
    """The summary as one or more messages; the first goes to the channel, the rest below it."""
    title = (_("Samenvatting") if s.final else _("Tussenstand")) + f": {s.card_title}"
    meta = _("Ronde {id} · deelnemers: {n} · stappen gesteld: {asked}").format(
        id=s.round_id, n=s.participant_count, asked=s.steps_asked
    )
    if s.anonymous:
        meta += " · " + _("anoniem")
    if s.private_withheld:
        meta += " · " + _("privé-antwoorden volgen in de eindsamenvatting ({n})").format(
            n=s.private_withheld
        )
    blocks: list[Block] = [header(title), context(meta), header(_("Uitkomst van het gesprek"))]
    for item in [s.droomvraag, *s.evaluation]:
        if item is not None:
            blocks += _item(item, s.anonymous)
    blocks.append(header(_("Antwoorden per vraag")))
    for item in [s.opening, *s.questions]:
        if item is not None:
            blocks += _item(item, s.anonymous)
    if s.participation:
        lines = [
            _("{name}: {n} van {asked} stappen beantwoord").format(
                name=p.name, n=p.answered, asked=p.asked
            )
            for p in s.participation
        ]
        blocks += [header(_("Deelname")), *plain_sections("\n".join(lines))]
    return [{"text": fallback(title), "blocks": chunk} for chunk in _chunks(blocks)]


def _item(item: SummaryItem, anonymous: bool) -> list[Block]:
    title = f"{item.label} · {item.role}" if item.role and item.kind == "question" else item.label
    blocks: list[Block] = [{"type": "divider"}, header(title), context(item.question)]
    if item.state == "skipped":
        return [*blocks, context(_("Overgeslagen."))]
    if not item.answers:
        return [*blocks, context(_("Geen antwoorden."))]
    if not anonymous and item.respondents:
        blocks.append(context(_("Beantwoord door") + ": " + ", ".join(item.respondents)))
    for answer in item.answers:
        marks = (" " + _("(privé gegeven)") if answer.private else "") + (
            " " + _("(aangepast)") if answer.edited else ""
        )
        who = f"{answer.author}: " if answer.author else "• "
        blocks += plain_sections(who + answer.text + marks)
    return blocks


def _chunks(blocks: list[Block]) -> list[list[Block]]:
    return [blocks[i : i + BLOCK_LIMIT] for i in range(0, len(blocks), BLOCK_LIMIT)] or [[]]
