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

from adapters.slack.translate import (
    ADDITION_ACTION,
    AGREE_ACTION,
    ANSWER_BLOCK,
    ANSWER_INPUT,
    DATE_INPUT,
    EDIT_ACTION,
    EDIT_VIEW,
    JOIN_ACTION,
    OBJECTION_ACTION,
    PRIVATE_ACTION,
    PRIVATE_VIEW,
    PROPOSE_ACTION,
    REMARK_BLOCK,
    REMARK_VIEW,
    REMARKS,
    TEXT_INPUT,
)
from adapters.text import ELLIPSIS, longest_fitting
from adapters.text import shorten as text_shorten
from adapters.text import split as text_split
from bot.brief import (
    ShortOutcome,
    action_line,
    editable,
    reconstructed_note,
    record_note,
    reviewing,
    short_outcome,
)
from bot.commands import MAX_REMARK
from bot.i18n import _
from bot.outbound import (
    AnswersPost,
    DraftPost,
    NoticePost,
    ProgressPost,
    QuestionPost,
    ReminderPost,
)
from bot.render import answers_text, progress_text, reminder_text
from bot.school_days import local
from bot.summary import Summary
from bot.texts import moment

Block = dict[str, Any]
Message = dict[str, Any]

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
PLACEHOLDER_LIMIT = 150  # an input's placeholder
THEME_LIMIT = 150  # a theme's title, typed in the edit modal
ACTION_LABEL_LIMIT = 300  # an action described above its date in the edit modal
# block ids that say what a message is (tests and people reading the payloads use them)
OUTCOME_BLOCK = "dialoog_uitkomst"
DRAFT_TITLE = "dialoog_concept"
VERDICT_BLOCK = "dialoog_reactie"
DRAFT_BLOCK = "dialoog_concept_knoppen"
JOIN_BLOCK = "dialoog_doe_mee"
PRIVATE_QUESTION_BLOCK = "dialoog_vraag_prive"
PROGRESS_BLOCK = "dialoog_voortgang"

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


def header(text: str, block_id: str | None = None) -> Block:
    block: Block = {
        "type": "header",
        "text": {"type": "plain_text", "text": shorten(text, HEADER_LIMIT)},
    }
    if block_id is not None:
        block["block_id"] = block_id
    return block


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


def fallback(text: str) -> str:
    """The notification text: escaped, and short."""
    return escape(shorten(text, FALLBACK_LIMIT))


def question(q: QuestionPost) -> dict[str, Any]:
    if q.user_id is not None:
        return private_question(q)
    title = f"{q.label} · {q.role}" if q.role and q.kind == "question" else q.label
    when = moment(q.answer_until, q.timezone) if q.answer_until else None
    meta = _("Stap {n} van {total}").format(n=q.step_number, total=q.step_count)
    if when:
        meta += " · " + _("antwoorden tellen mee tot {when}").format(when=when)
    notes = [reconstructed_note()] if q.reconstructed else []
    target: dict[str, Any] = {"round_id": q.round_id, "step_index": q.step_index}
    if q.own_first:
        # eerst zelf: the private answer is the way; the thread gets them all at the close
        target["own_first"] = True
        notes.append(own_first_note())
        button = _button(_("Antwoord (eerst zelf)"), PRIVATE_ACTION, json.dumps(target), "primary")
    else:
        meta += " · " + _("antwoord in de draad onder dit bericht")
        button = _button(_("Privé antwoorden"), PRIVATE_ACTION, json.dumps(target))
    # the card completed words its source lost: said wherever the question is shown
    about = contexts([*notes, meta])
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


def own_first_note() -> str:
    """Under an eerst-zelf round's question: how to answer, and when the others show."""
    return _(
        "Eerst zelf: antwoord met de knop; alle antwoorden komen in de draad als de stap sluit."
    )


def answers(p: AnswersPost) -> list[Message]:
    """Eerst zelf: everyone's answers to a step that closed, for its question's thread.

    Plain text throughout, so nothing anyone typed pings or formats; a line per answer,
    as many sections and messages as it takes."""
    return _messages([_section(text) for text in flow(answers_text(p).split("\n"))])


def private_question(q: QuestionPost) -> dict[str, Any]:
    """A network round's question, in the participant's direct message with the bot:
    where they stand, until when, and that a plain message answers it. No thread and no
    private-answer button: the whole conversation is theirs."""
    title = f"{q.label} · {q.role}" if q.role and q.kind == "question" else q.label
    where = _("Vraag {n} van {total}").format(n=q.step_number, total=q.step_count)
    meta = where
    if q.answer_until:
        meta += " · " + _("de ronde sluit {when}").format(when=moment(q.answer_until, q.timezone))
    how = _(
        "Antwoord gewoon hier met een bericht; dan komt de volgende vraag. Overslaan: "
        "/dialoog overslaan · later verder: /dialoog verder · een antwoord aanpassen: "
        "wijzig je bericht."
    )
    about = contexts([*([reconstructed_note()] if q.reconstructed else []), meta, how])

    def blocks(body: str) -> list[Block]:
        return [header(title, block_id=PRIVATE_QUESTION_BLOCK), *plain_sections(body), *about]

    body = longest_fitting(
        q.text + (f"\n\n{q.invitation}" if q.invitation else ""),
        lambda text: _fits(blocks(text)),
    )
    return {"text": fallback(f"{where} · {title}: {q.text}"), "blocks": blocks(body)}


def notice(n: NoticePost) -> list[dict[str, Any]]:
    """A notice; a network round's announcement gets Doe mee under its first message,
    the one the channel shows."""
    if not n.join:
        return _messages(plain_sections(n.text))
    value = json.dumps({"round_id": n.round_id})
    button = _actions(JOIN_BLOCK, [_button(_("Doe mee"), JOIN_ACTION, value, "primary")])
    chunks = _chunks(plain_sections(n.text))
    first = chunks[0]
    rest = [block for chunk in chunks[1:] for block in chunk]
    while len(first) > 1 and not _fits([*first, button]):
        rest.insert(0, first.pop())
    chunks = [[*first, button], *(_chunks(rest) if rest else [])]
    return [{"text": fallback("\n".join(_texts(chunk))), "blocks": chunk} for chunk in chunks]


def progress(p: ProgressPost) -> dict[str, Any]:
    """A network round's progress in its channel: counts, never names."""
    text = shorten(progress_text(p), SECTION_LIMIT)
    return {"text": fallback(text), "blocks": [{**_section(text), "block_id": PROGRESS_BLOCK}]}


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
    if target.get("own_first"):
        shown_when = _("Je antwoord verschijnt met je naam in de draad als de stap sluit.")
    else:
        shown_when = _("Je antwoord verschijnt pas in de eindsamenvatting.")
    note = contexts([shown_when])
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


def outcome(s: Summary) -> list[dict[str, Any]]:
    """The outcome in the round's channel, short enough for a phone; the first message
    goes to the channel, any rest below it. While the group checks it, Klopt,
    Aanvulling and Bezwaar buttons sit under it."""
    view = short_outcome(s, respond=_("met de knoppen hieronder"), footer=[record_note()])
    buttons = None
    if reviewing(s):
        value = json.dumps({"round_id": s.round_id})
        buttons = _actions(
            VERDICT_BLOCK,
            [
                _button(_("Klopt"), AGREE_ACTION, value, "primary"),
                _button(_("Aanvulling"), ADDITION_ACTION, value),
                _button(_("Bezwaar"), OBJECTION_ACTION, value),
            ],
        )
    return _outcome_messages(view, OUTCOME_BLOCK, buttons)


def draft(d: DraftPost, round_channel: str) -> list[dict[str, Any]]:
    """The coordinator's draft, in a direct message: Bewerken opens the edit modal,
    Voorleggen puts it to the group. Once with the group, it is only to read."""
    s = d.summary
    footer = []
    buttons = None
    if editable(s):
        footer.append(
            _(
                "Pas het aan met ‘Bewerken’ (of met /dialoog uitkomst … in het kanaal) en leg "
                "het voor aan de groep als het klaar is."
            )
        )
        value = json.dumps({"round_id": s.round_id, "channel": round_channel})
        buttons = _actions(
            DRAFT_BLOCK,
            [
                _button(_("Bewerken"), EDIT_ACTION, value),
                _button(_("Voorleggen aan de groep"), PROPOSE_ACTION, value, "primary"),
            ],
        )
    return _outcome_messages(short_outcome(s, draft=True, footer=footer), DRAFT_TITLE, buttons)


def _outcome_messages(view: ShortOutcome, title_id: str, buttons: Block | None) -> list[Message]:
    blocks: list[Block] = [header(view.title, block_id=title_id), *contexts([view.meta])]
    blocks += [_section(text) for text in flow(view.notes)]
    for part in view.parts:
        blocks += [header(part.heading), *map(_section, flow(part.lines))]
    if view.footer:
        blocks += contexts(list(view.footer))
    chunks = _chunks(blocks)
    if buttons is not None:
        # under the first message, which is the one the channel shows
        first = chunks[0]
        rest = [block for chunk in chunks[1:] for block in chunk]
        while len(first) > 1 and not _fits([*first, buttons]):
            rest.insert(0, first.pop())
        chunks = [[*first, buttons], *(_chunks(rest) if rest else [])]
    return [{"text": fallback(view.title), "blocks": chunk} for chunk in chunks]


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": shorten(label, BUTTON_LIMIT)},
        "value": value,
    }
    if style is not None:
        button["style"] = style
    return button


def _actions(block_id: str, buttons: list[Block]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": buttons}


def _modal(
    callback_id: str, title: str, metadata: dict[str, Any], blocks: list[Block], submit: bool
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps(metadata),
        "title": {"type": "plain_text", "text": shorten(title, MODAL_TITLE_LIMIT)},
        "close": {
            "type": "plain_text",
            "text": shorten(_("Annuleren") if submit else _("Sluiten"), MODAL_TITLE_LIMIT),
        },
        "blocks": blocks,
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": shorten(_("Bewaren"), MODAL_TITLE_LIMIT)}
    return view


def _text_input(
    block_id: str,
    label: str,
    initial: str | None,
    *,
    multiline: bool = False,
    limit: int = MAX_REMARK,
    optional: bool = True,
    hint: str | None = None,
    placeholder: str | None = None,
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": TEXT_INPUT,
        "multiline": multiline,
        "max_length": limit,
    }
    if initial:
        # shortened only if it could not be typed here anyway; the submission compares
        # with this value, so an untouched field still changes nothing
        element["initial_value"] = _first_units(initial, limit)
    if placeholder:
        element["placeholder"] = {
            "type": "plain_text",
            "text": shorten(placeholder, PLACEHOLDER_LIMIT),
        }
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": shorten(label, INPUT_LABEL_LIMIT)},
        "element": element,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": shorten(hint, INPUT_LABEL_LIMIT)}
    return block


def _first_units(text: str, limit: int) -> str:
    """The longest beginning of ``text`` of at most ``limit`` UTF-16 code units: how an
    input's ``max_length`` may be counted, at its strictest."""
    size = 0
    for at, char in enumerate(text):
        size += 2 if ord(char) > 0xFFFF else 1
        if size > limit:
            return text[:at]
    return text


def remark_modal(kind: str, target: dict[str, Any]) -> dict[str, Any]:
    """Aanvulling or Bezwaar: one text, which becomes ``/dialoog aanvulling <tekst>``."""
    if kind == REMARKS[ADDITION_ACTION]:
        title, label = _("Aanvulling"), _("Wat mist er in de uitkomst?")
        note = _("Je aanvulling komt bij de uitkomst die de groep publiceert.")
    else:
        title, label = _("Bezwaar"), _("Wat klopt er voor jou niet?")
        note = _("Je bezwaar gaat naar de coördinator, die het ziet voor het publiceren.")
    blocks = [
        *contexts([note]),
        _text_input(REMARK_BLOCK, label, None, multiline=True, optional=False),
    ]
    return _modal(REMARK_VIEW, title, {**target, "kind": kind}, blocks, submit=True)


def edit_modal(s: Summary, target: dict[str, Any]) -> dict[str, Any]:
    """The coordinator's edit modal, filled with the draft as it stands.

    The key message and the dream, a title per theme ("weg" removes it), and per action
    its date and, while the modal has room, with whom and what it should yield. A round
    with more actions than fit (a modal holds 100 blocks) gets dates only, then a note on
    the commands for the rest.
    """
    o = s.outcome
    syn = o.synthesis
    recurring = syn.dream.recurring if syn.dream is not None else []
    blocks: list[Block] = [
        _text_input(
            "kern",
            _("Kern: wat de groep deelt, in een paar zinnen"),
            o.kern,
            multiline=True,
        ),
    ]
    if s.has_dream:  # a card without a droomvraag (a reaction round) has no dream to edit
        blocks.append(
            _text_input(
                "droom",
                _("Droom: het gedeelde beeld over drie jaar"),
                o.dream,
                multiline=True,
                placeholder="; ".join(t.title for t in recurring) or None,
            )
        )
    for n, theme in enumerate(syn.themes, start=1):
        blocks.append(
            _text_input(
                f"thema:{n}",
                _("Thema {n} ({refs})").format(n=n, refs=", ".join(theme.refs)),
                theme.title,
                limit=THEME_LIMIT,
                optional=False,
                hint=_("Typ ‘weg’ om dit thema te schrappen."),
            )
        )
    room = MODAL_BLOCK_LIMIT - len(blocks) - 2  # a heading and a note
    rows = syn.actions
    per_row = 3 if 3 * len(rows) <= room else 1
    shown = rows[: room // per_row]
    if shown:
        blocks.append(header(_("Acties")))
    year = local(s.generated_at, s.timezone).year
    for n, row in enumerate(shown, start=1):
        picker: Block = {"type": "datepicker", "action_id": DATE_INPUT}
        if row.by_when is not None:
            picker["initial_date"] = row.by_when.isoformat()
        label = shorten(f"{n}. {action_line(row, year)}", ACTION_LABEL_LIMIT)
        blocks.append(
            {
                "type": "input",
                "block_id": f"actie:{n}:wanneer",
                "optional": True,
                "label": {"type": "plain_text", "text": label + " — " + _("wanneer?")},
                "element": picker,
            }
        )
        if per_row == 3:
            blocks.append(
                _text_input(f"actie:{n}:met", _("{n}. Met wie").format(n=n), row.with_whom)
            )
            blocks.append(
                _text_input(
                    f"actie:{n}:oplevert", _("{n}. Wat het moet opleveren").format(n=n), row.yields
                )
            )
    if len(shown) < len(rows):
        blocks += contexts(
            [
                _(
                    "Acties {first} tot {last} pas je aan met /dialoog uitkomst actie <nr> "
                    "wanneer|wat|met|oplevert …"
                ).format(first=len(shown) + 1, last=len(rows))
            ]
        )
    elif per_row == 1 and rows:
        blocks += contexts(
            [_("Met wie en wat het oplevert: /dialoog uitkomst actie <nr> met|oplevert …")]
        )
    return _modal(EDIT_VIEW, _("Uitkomst bewerken"), target, blocks, submit=True)


def info_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something: the draft cannot be edited any more."""
    return _modal(EDIT_VIEW, title, {}, plain_sections(text), submit=False)


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
