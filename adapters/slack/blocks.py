"""Neutral contents → Slack messages (Block Kit), with every piece of user text made inert.

User text goes into ``plain_text`` objects, which Slack neither formats nor resolves:
``<!channel>``, ``<@U123>`` and ``*bold*`` show as typed and ping nobody. Where mrkdwn is
unavoidable (the notification text), ``&``, ``<`` and ``>`` are escaped as Slack asks.

Slack refuses a whole message (``invalid_blocks``) when one part is over a limit, so every
text is measured before it is placed and split over several blocks and messages rather
than cut; only short labels (headers, names, button texts) are shortened, with an
ellipsis. The limits are Slack's published ones (docs.slack.dev, Block Kit reference:
blocks, text object, context, header, button, modal view; chat.postMessage for ``text``),
plus one Slack enforces without documenting it: chat.postMessage answers
``msg_blocks_too_long`` when all the text in a message's blocks together passes about
12,000 characters (slackapi/bolt-js issues 2509 and 2867, one refused at 11,341), so a
message holds at most 10,000 by our strict count.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from adapters.slack.translate import ANSWER_BLOCK, ANSWER_INPUT, PRIVATE_ACTION, PRIVATE_VIEW
from adapters.text import ELLIPSIS, longest_fitting
from adapters.text import shorten as text_shorten
from adapters.text import split as text_split
from bot.i18n import _
from bot.outbound import NoticePost, QuestionPost, ReminderPost
from bot.render import reminder_text
from bot.summary import Summary, SummaryItem
from bot.texts import moment

Block = dict[str, Any]

SECTION_LIMIT = 3000  # a text object: section text, context element
BLOCK_LIMIT = 50  # blocks in one message
MODAL_BLOCK_LIMIT = 100  # blocks in one modal view
CONTEXT_ELEMENTS = 10  # elements in one context block
HEADER_LIMIT = 150  # a header's plain_text
BUTTON_LIMIT = 75  # a button's text
MODAL_TITLE_LIMIT = 24  # a modal's title, submit and close texts
INPUT_LABEL_LIMIT = 2000  # an input block's label
FALLBACK_LIMIT = 3000  # the message's own ``text``: Slack takes 40,000, nobody reads that
MESSAGE_TEXT_LIMIT = 10_000  # all text in one message's blocks together (undocumented)
NAME_LIMIT = 100  # characters of a name where it labels something; Slack's are at most 80

_ESCAPED = {"&": 5, "<": 4, ">": 4}  # the length of "&amp;", "&lt;", "&gt;"


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: the three characters that start links and mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def weight(char: str) -> int:
    """What one character may count for against Slack's limits, taken at its worst.

    Slack does not say what its "characters" are. We count UTF-16 code units (an emoji
    outside the Basic Multilingual Plane is two) and ``&``, ``<`` and ``>`` at the length
    of the entities Slack stores them as: the strictest of the plausible counts, so an
    answer full of emoji or ``<!channel>`` cannot tip a block over.
    """
    return _ESCAPED.get(char, 2 if ord(char) > 0xFFFF else 1)


def slack_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2 + sum(
        (size - 1) * text.count(char) for char, size in _ESCAPED.items()
    )


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Consecutive pieces of ``text`` of at most ``limit``, none of them blank.

    A piece ends after a line break, else after a space, in its second half when there is
    one, so words stay whole; only a word longer than half the limit is cut, and never
    inside a character sequence (combining accent, emoji joined with U+200D). A line
    break where a piece ends is left out: the next block or message starts a new line
    anyway. Blank pieces carry nothing to see and Slack refuses them, so they are
    dropped; a blank text gives no pieces at all.
    """
    return text_split(text, limit, weight)


def shorten(text: str, limit: int) -> str:
    """A label that fits ``limit``: whole, or cut with an ellipsis."""
    return text_shorten(text, limit, weight)


def flow(paragraphs: Iterable[str], separator: str = "\n", limit: int = SECTION_LIMIT) -> list[str]:
    """Paragraphs joined into as few texts of at most ``limit`` as they fit in.

    A paragraph that fits in the current text joins it; one that does not starts the
    next; one longer than a text is split over several.
    """
    texts: list[str] = []
    size = 0
    gap = slack_length(separator)
    for paragraph in paragraphs:
        length = slack_length(paragraph)
        if texts and size + gap + length <= limit and paragraph.strip():
            texts[-1] += separator + paragraph
            size += gap + length
            continue
        pieces = split_text(paragraph, limit)
        if pieces:
            texts += pieces
            size = slack_length(pieces[-1])
    return texts


def plain_sections(text: str) -> list[Block]:
    """Literal text, as many sections as it takes."""
    return [_section(piece) for piece in split_text(text) or [ELLIPSIS]]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "plain_text", "text": text}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": shorten(text, HEADER_LIMIT)}}


def contexts(texts: list[str]) -> list[Block]:
    """Context blocks showing ``texts`` one after another, each split to fit an element.

    A block holds at most 10 elements and no more text than a section, so that any
    block fits in a message next to others.
    """
    blocks: list[Block] = []
    elements: list[dict[str, str]] = []
    size = 0
    for text in texts:
        for piece in split_text(text) or [ELLIPSIS]:
            length = slack_length(piece)
            if elements and (len(elements) == CONTEXT_ELEMENTS or size + length > SECTION_LIMIT):
                blocks.append({"type": "context", "elements": elements})
                elements, size = [], 0
            elements.append({"type": "plain_text", "text": piece})
            size += length
    return [*blocks, {"type": "context", "elements": elements}]


def name(person: str) -> str:
    """A name labels an answer, so a very long one is shortened rather than split.

    Counted in characters as typed, not as Slack counts, so that a name of the length
    Slack allows (80 characters) stays whole whatever it contains.
    """
    if len(person) <= NAME_LIMIT:
        return person
    return person[: NAME_LIMIT - 1].rstrip() + ELLIPSIS


def fallback(text: str) -> str:
    """The notification text: escaped, and short."""
    return escape(shorten(text, FALLBACK_LIMIT))


def question(q: QuestionPost) -> dict[str, Any]:
    title = f"{q.label} · {q.role}" if q.role and q.kind == "question" else q.label
    when = moment(q.answer_until, q.timezone) if q.answer_until else None
    meta = _("Stap {n} van {total}").format(n=q.step_number, total=q.step_count)
    if when:
        meta += " · " + _("antwoorden tellen mee tot {when}").format(when=when)
    meta += " · " + _("antwoord in de draad onder dit bericht")
    button = {
        "type": "button",
        "action_id": PRIVATE_ACTION,
        "text": {"type": "plain_text", "text": shorten(_("Privé antwoorden"), BUTTON_LIMIT)},
        "value": json.dumps({"round_id": q.round_id, "step_index": q.step_index}),
    }
    about = contexts([meta])
    actions = {"type": "actions", "elements": [button]}

    def blocks(body: str) -> list[Block]:
        return [header(title), *plain_sections(body), *about, actions]

    # A card's question is a few sentences; one too long for a message loses its end
    # to an ellipsis rather than the whole question to a refusal.
    body = longest_fitting(
        q.text + (f"\n\n{q.invitation}" if q.invitation else ""),
        lambda text: _fits(blocks(text)),
    )
    return {"text": fallback(f"{title}: {q.text}"), "blocks": blocks(body)}


def notice(n: NoticePost) -> list[dict[str, Any]]:
    return _messages(plain_sections(n.text))


def reminder(r: ReminderPost, channel_id: str) -> dict[str, Any]:
    # The reminder quotes the question, which stands in full in the channel it points to;
    # a quote too long for one message ends in an ellipsis.
    where = {"type": "mrkdwn", "text": _("In <#{channel}>").format(channel=channel_id)}

    def blocks(quote: str) -> list[Block]:
        text = reminder_text(r.model_copy(update={"text": quote}))
        return [*plain_sections(text), {"type": "context", "elements": [where]}]

    quoted = longest_fitting(r.text, lambda quote: _fits(blocks(quote)))
    return {
        "text": fallback(reminder_text(r.model_copy(update={"text": quoted}))),
        "blocks": blocks(quoted),
    }


def private_modal(target: dict[str, Any], question_text: str) -> dict[str, Any]:
    note = contexts([_("Je antwoord verschijnt pas in de eindsamenvatting.")])
    shown = longest_fitting(
        question_text,
        lambda text: _fits([*plain_sections(text), *note], MODAL_BLOCK_LIMIT - 1),  # and input
    )
    return {
        "type": "modal",
        "callback_id": PRIVATE_VIEW,
        "private_metadata": json.dumps(target),
        "title": {"type": "plain_text", "text": shorten(_("Privé antwoorden"), MODAL_TITLE_LIMIT)},
        "submit": {"type": "plain_text", "text": shorten(_("Bewaren"), MODAL_TITLE_LIMIT)},
        "close": {"type": "plain_text", "text": shorten(_("Annuleren"), MODAL_TITLE_LIMIT)},
        "blocks": [
            *plain_sections(shown),
            *note,
            {
                "type": "input",
                "block_id": ANSWER_BLOCK,
                "label": {
                    "type": "plain_text",
                    "text": shorten(_("Jouw antwoord"), INPUT_LABEL_LIMIT),
                },
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
    if s.stopped_early:
        meta += " · " + _("voortijdig gestopt; dit is alles wat gegeven is")
    if s.private_withheld:
        meta += " · " + _("privé-antwoorden volgen in de eindsamenvatting ({n})").format(
            n=s.private_withheld
        )
    blocks: list[Block] = [header(title), *contexts([meta]), header(_("Uitkomst van het gesprek"))]
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
                name=name(p.name), n=p.answered, asked=p.asked
            )
            for p in s.participation
        ]
        blocks += [header(_("Deelname")), *map(_section, flow(lines))]
    return [{"text": fallback(title), "blocks": chunk} for chunk in _chunks(blocks)]


def _item(item: SummaryItem, anonymous: bool) -> list[Block]:
    title = f"{item.label} · {item.role}" if item.role and item.kind == "question" else item.label
    blocks: list[Block] = [{"type": "divider"}, header(title), *contexts([item.question])]
    if item.state == "skipped":
        return [*blocks, *contexts([_("Overgeslagen.")])]
    if not item.answers:
        return [*blocks, *contexts([_("Geen antwoorden.")])]
    if not anonymous and item.respondents:
        blocks += _respondents(item.respondents)
    answers = []
    for answer in item.answers:
        marks = (" " + _("(privé gegeven)") if answer.private else "") + (
            " " + _("(aangepast)") if answer.edited else ""
        )
        who = f"{name(answer.author)}: " if answer.author else "• "
        answers.append(who + answer.text + marks)
    return blocks + [_section(text) for text in flow(answers, "\n\n")]


def _respondents(names: list[str]) -> list[Block]:
    """“Beantwoord door: …” over as many context elements and blocks as the names need.

    Names are kept whole: an element ends after a name's comma, and the next goes on.
    """
    parts = [name(n) for n in names]
    parts[0] = _("Beantwoord door") + ": " + parts[0]
    parts = [part + "," for part in parts[:-1]] + parts[-1:]
    return contexts(flow(parts, " "))


def _messages(blocks: list[Block]) -> list[dict[str, Any]]:
    """Blocks as messages, each with its own words as notification text."""
    return [
        {"text": fallback("\n".join(_texts(chunk))), "blocks": chunk} for chunk in _chunks(blocks)
    ]


def _texts(blocks: list[Block]) -> list[str]:
    return [b["text"]["text"] for b in blocks if "text" in b]


def _chunks(blocks: list[Block]) -> list[list[Block]]:
    """Blocks in messages of at most 50 blocks and ``MESSAGE_TEXT_LIMIT`` of text.

    A message does not end on a divider, heading or caption when moving those on to the
    next message keeps them with the answers they introduce.
    """
    chunks: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        length = _size(block)
        current = chunks[-1]
        if current and (len(current) == BLOCK_LIMIT or size + length > MESSAGE_TEXT_LIMIT):
            keep = len(current)
            while keep > len(current) // 2 and current[keep - 1]["type"] != "section":
                keep -= 1
            carried = current[keep:]
            if len(carried) >= BLOCK_LIMIT or not _fits([*carried, block]):
                carried = []
            del current[len(current) - len(carried) :]
            chunks.append(carried)
            size = sum(map(_size, carried))
        chunks[-1].append(block)
        size += length
    return chunks


def _size(block: Block) -> int:
    """The text a block adds to its message, counted as for the cumulative limit."""
    elements = block.get("elements", [])
    objects = [block.get("text"), *elements, *(element.get("text") for element in elements)]
    return sum(
        slack_length(o["text"])
        for o in objects
        if isinstance(o, dict) and isinstance(o.get("text"), str)
    )


def _fits(blocks: list[Block], limit: int = BLOCK_LIMIT) -> bool:
    return len(blocks) <= limit and sum(map(_size, blocks)) <= MESSAGE_TEXT_LIMIT
