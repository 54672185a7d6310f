"""What Slack and Telegram refuse, as pure checks: for tests and for the fake platforms.

Written apart from the adapters on purpose, from the platforms' published limits, so the
adapters' own arithmetic is checked rather than repeated. Where a platform does not say
how it counts, the count taken here is the strictest plausible one.

Slack (docs.slack.dev, Block Kit reference and chat.postMessage): at most 50 blocks per
message and 100 per modal; a text object (section text, context element) at most 3,000
characters and not blank; section fields at most 10 of 2,000; a context block 1 to 10
elements; a header's plain_text 150; a button's text 75, its ``value`` 2,000 and its
``url`` 3,000; ``block_id`` and ``action_id`` 255; a modal's title, submit and close 24,
its ``private_metadata`` 3,000 and ``callback_id`` 255; an input's label and hint 2,000, a
plain_text_input's ``max_length`` and initial value 3,000, a placeholder 150; block ids
unique within a message or view; the message's ``text`` 40,000 (``msg_too_long``
beyond). Not documented but enforced: all the
text in one message's blocks together, about 12,000 characters (``msg_blocks_too_long``;
slackapi/bolt-js issues 2509 and 2867, where a message of 11,341 was refused), taken here
as 10,000. Slack does not say what a "character" is, so a text counts in UTF-16 code
units and, in ``plain_text``, with ``&``, ``<`` and ``>`` at the length of the entities
Slack stores them as.

Telegram (Bot API, sendMessage and formatting options; /work/shared/specs): a message's
text 1 to 4,096 characters after entity parsing, a caption at most 1,024, counted on the
visible text (tags removed, entities decoded) in UTF-16 code units; HTML with only the
supported tags, balanced, and the entities ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` and
numeric ones; at most 100 entities; ``callback_data`` 1 to 64 bytes; the text answering a
callback query (answerCallbackQuery) at most 200 characters.
"""

from __future__ import annotations

import re
from typing import Any

SLACK_TEXT_LIMIT = 40_000
SLACK_FALLBACK_LIMIT = 3_000  # what our own messages keep to: far below Slack's limit
SLACK_BLOCKS = 50
SLACK_BLOCKS_TEXT = 10_000  # all text objects of one message together
SLACK_MODAL_BLOCKS = 100
SLACK_TEXT_OBJECT = 3_000
SLACK_FIELD = 2_000
SLACK_FIELDS = 10
SLACK_CONTEXT_ELEMENTS = 10
SLACK_HEADER = 150
SLACK_BUTTON_TEXT = 75
SLACK_BUTTON_VALUE = 2_000
SLACK_URL = 3_000
SLACK_ID = 255
SLACK_MODAL_TITLE = 24
SLACK_METADATA = 3_000
SLACK_INPUT_LABEL = 2_000
SLACK_ACTION_ELEMENTS = 25
SLACK_INPUT_VALUE = 3_000  # a plain_text_input's max_length, and its initial value
SLACK_PLACEHOLDER = 150

TELEGRAM_TEXT_LIMIT = 4_096
TELEGRAM_CAPTION_LIMIT = 1_024
TELEGRAM_ENTITIES = 100
TELEGRAM_CALLBACK_DATA = 64
TELEGRAM_ANSWER = 200  # answerCallbackQuery's text
TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "tg-emoji", "code", "pre", "blockquote",
}  # fmt: skip
TELEGRAM_ENTITIES_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update"}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- Slack -------------------------------------------------------------------------------


def slack_plain_length(text: str) -> int:
    """A ``plain_text`` text at its longest: UTF-16, ``&`` ``<`` ``>`` as stored entities."""
    return utf16(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def _length(obj: dict[str, Any]) -> int:
    text = str(obj.get("text"))
    return slack_plain_length(text) if obj.get("type") == "plain_text" else utf16(text)


def _text_objects(value: Any) -> list[dict[str, Any]]:
    """Every text object in a block or element, however deep."""
    if isinstance(value, list):
        return [o for item in value for o in _text_objects(item)]
    if not isinstance(value, dict):
        return []
    if value.get("type") in ("plain_text", "mrkdwn") and isinstance(value.get("text"), str):
        return [value]
    return [o for item in value.values() for o in _text_objects(item)]


def _text_object(obj: Any, where: str, limit: int) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"{where}: not a text object"]
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return [f"{where}: empty text"]
    length = _length(obj)
    if length > limit:
        return [f"{where}: {length} characters, more than {limit}"]
    return []


def _plain_text(obj: Any, where: str, limit: int) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") != "plain_text":
        return [f"{where}: must be plain_text"]
    return _text_object(obj, where, limit)


def _element(element: Any, where: str) -> list[str]:
    if not isinstance(element, dict):
        return [f"{where}: not an element"]
    problems: list[str] = []
    if len(str(element.get("action_id", ""))) > SLACK_ID:
        problems.append(f"{where}: action_id longer than {SLACK_ID}")
    if element.get("type") == "plain_text_input":
        most = element.get("max_length", SLACK_INPUT_VALUE)
        if not isinstance(most, int) or not 1 <= most <= SLACK_INPUT_VALUE:
            problems.append(f"{where}: max_length 1 to {SLACK_INPUT_VALUE}")
            most = SLACK_INPUT_VALUE
        initial = element.get("initial_value")
        if initial is not None and utf16(str(initial)) > most:
            problems.append(f"{where}: initial_value longer than max_length {most}")
    date = element.get("initial_date") if element.get("type") == "datepicker" else None
    if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
        problems.append(f"{where}: initial_date is not YYYY-MM-DD")
    if "placeholder" in element:
        problems += _plain_text(element["placeholder"], f"{where}.placeholder", SLACK_PLACEHOLDER)
    if element.get("type") == "button":
        if element.get("style") not in (None, "primary", "danger"):
            problems.append(f"{where}: style must be primary or danger")
        problems += _plain_text(element.get("text"), f"{where}.text", SLACK_BUTTON_TEXT)
        if len(str(element.get("value", ""))) > SLACK_BUTTON_VALUE:
            problems.append(f"{where}: value longer than {SLACK_BUTTON_VALUE}")
        if len(str(element.get("url", ""))) > SLACK_URL:
            problems.append(f"{where}: url longer than {SLACK_URL}")
    return problems


def _block(block: Any, where: str) -> list[str]:
    if not isinstance(block, dict):
        return [f"{where}: not a block"]
    problems: list[str] = []
    if len(str(block.get("block_id", ""))) > SLACK_ID:
        problems.append(f"{where}: block_id longer than {SLACK_ID}")
    match block.get("type"):
        case "section":
            if "text" in block:
                problems += _text_object(block["text"], f"{where}.text", SLACK_TEXT_OBJECT)
            fields = block.get("fields")
            if fields is not None:
                if not isinstance(fields, list) or not 1 <= len(fields) <= SLACK_FIELDS:
                    problems.append(f"{where}: 1 to {SLACK_FIELDS} fields")
                else:
                    for n, field in enumerate(fields):
                        problems += _text_object(field, f"{where}.fields[{n}]", SLACK_FIELD)
            if "text" not in block and fields is None:
                problems.append(f"{where}: a section needs text or fields")
            if "accessory" in block:
                problems += _element(block["accessory"], f"{where}.accessory")
        case "header":
            problems += _plain_text(block.get("text"), f"{where}.text", SLACK_HEADER)
        case "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= SLACK_CONTEXT_ELEMENTS:
                problems.append(f"{where}: 1 to {SLACK_CONTEXT_ELEMENTS} elements")
            else:
                for n, element in enumerate(elements):
                    if isinstance(element, dict) and element.get("type") == "image":
                        continue
                    problems += _text_object(element, f"{where}.elements[{n}]", SLACK_TEXT_OBJECT)
        case "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= SLACK_ACTION_ELEMENTS:
                problems.append(f"{where}: 1 to {SLACK_ACTION_ELEMENTS} elements")
            else:
                for n, element in enumerate(elements):
                    problems += _element(element, f"{where}.elements[{n}]")
        case "divider":
            pass
        case "input":
            problems += _plain_text(block.get("label"), f"{where}.label", SLACK_INPUT_LABEL)
            if "hint" in block:
                problems += _plain_text(block["hint"], f"{where}.hint", SLACK_INPUT_LABEL)
            problems += _element(block.get("element"), f"{where}.element")
        case other:
            problems.append(f"{where}: unknown block type {other!r}")
    return problems


def _blocks(blocks: Any, limit: int) -> list[str]:
    if not isinstance(blocks, list):
        return ["blocks: not a list"]
    problems = [f"blocks: {len(blocks)}, more than {limit}"] if len(blocks) > limit else []
    for n, block in enumerate(blocks):
        problems += _block(block, f"blocks[{n}]")
    ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and "block_id" in b]
    if len(ids) != len(set(ids)):
        problems.append("blocks: a block_id used twice")
    return problems


def _slack_text_problems(message: dict[str, Any], limit: int) -> list[str]:
    text = message.get("text")
    if text is not None and utf16(str(text)) > limit:
        return [f"text: {utf16(str(text))} characters, more than {limit}"]
    return []


def _cumulative_problems(blocks: Any) -> list[str]:
    total = sum(map(_length, _text_objects(blocks)))
    if total > SLACK_BLOCKS_TEXT:
        return [f"blocks: {total} characters of text together, more than {SLACK_BLOCKS_TEXT}"]
    return []


def slack_message_problems(
    message: dict[str, Any], *, text_limit: int = SLACK_TEXT_LIMIT
) -> list[str]:
    """Why Slack would refuse this chat.postMessage (or postEphemeral, update); [] if not.

    ``text_limit`` is Slack's own; our tests ask for ``SLACK_FALLBACK_LIMIT``.
    """
    problems = _slack_text_problems(message, text_limit)
    blocks = message.get("blocks")
    if blocks is not None:
        problems += _blocks(blocks, SLACK_BLOCKS) + _cumulative_problems(blocks)
    if not str(message.get("text") or "").strip() and not blocks:
        problems.append("neither text nor blocks")
    return problems


def slack_view_problems(view: dict[str, Any]) -> list[str]:
    """Why Slack would refuse this modal view; [] if not."""
    problems = _plain_text(view.get("title"), "title", SLACK_MODAL_TITLE)
    for key in ("submit", "close"):
        if key in view:
            problems += _plain_text(view[key], key, SLACK_MODAL_TITLE)
    if len(str(view.get("private_metadata", ""))) > SLACK_METADATA:
        problems.append(f"private_metadata longer than {SLACK_METADATA}")
    if len(str(view.get("callback_id", ""))) > SLACK_ID:
        problems.append(f"callback_id longer than {SLACK_ID}")
    return problems + _blocks(view.get("blocks"), SLACK_MODAL_BLOCKS)


def slack_refusal(method: str, args: dict[str, Any]) -> str | None:
    """The error Slack answers this call with for breaking a limit, or None."""
    if method in _MESSAGE_METHODS:
        if _slack_text_problems(args, SLACK_TEXT_LIMIT):
            return "msg_too_long"
        if _cumulative_problems(args.get("blocks") or []):
            return "msg_blocks_too_long"
        if slack_message_problems(args):
            return "no_text" if not args.get("blocks") else "invalid_blocks"
    if method in ("views.open", "views.update", "views.push") and isinstance(
        args.get("view"), dict
    ):
        return "invalid_arguments" if slack_view_problems(args["view"]) else None
    return None


# --- Telegram ----------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*)?)\s*>")
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]+));")
_PLAIN = re.compile(r"[^<>&]+")
_NO_NESTING = {"code", "pre"}  # hold no other entity (but pre may hold one code)


def telegram_parse(html: str) -> tuple[str, list[str], int]:
    """(visible text, problems, entity count) of a text with ``parse_mode=HTML``.

    Parsed the way Telegram does: only its tags, each closed by the same tag in order;
    ``<``, ``>`` and ``&`` only as part of a tag or an entity (stricter than Telegram
    about ``>``, which our renderers always escape).
    """
    visible: list[str] = []
    problems: list[str] = []
    stack: list[str] = []
    entities = 0
    at = 0
    while at < len(html):
        char = html[at]
        if char == "<":
            tag = _TAG.match(html, at)
            if tag is None:
                problems.append(f"unescaped '<' at {at}")
                at += 1
                continue
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if name not in TELEGRAM_TAGS:
                problems.append(f"unsupported tag <{name}> at {at}")
            elif closing:
                if not stack or stack[-1] != name:
                    problems.append(f"</{name}> at {at} closes nothing open")
                else:
                    stack.pop()
            else:
                if stack and stack[-1] in _NO_NESTING and (stack[-1], name) != ("pre", "code"):
                    problems.append(f"<{name}> inside <{stack[-1]}> at {at}")
                if name == "blockquote" and "blockquote" in stack:
                    problems.append(f"nested <blockquote> at {at}")
                stack.append(name)
                entities += 1
            at = tag.end()
        elif char == "&":
            entity = _ENTITY.match(html, at)
            if entity is None:
                problems.append(f"unescaped '&' at {at}")
                visible.append(char)
                at += 1
                continue
            decimal, hexadecimal, named = entity.groups()
            if named is not None:
                if named not in TELEGRAM_ENTITIES_NAMED:
                    problems.append(f"unsupported entity &{named}; at {at}")
                visible.append(TELEGRAM_ENTITIES_NAMED.get(named, "?"))
            else:
                code = int(decimal) if decimal is not None else int(hexadecimal, 16)
                if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    problems.append(f"invalid entity at {at}")
                    code = ord("?")
                visible.append(chr(code))
            at = entity.end()
        elif char == ">":
            problems.append(f"unescaped '>' at {at}")
            visible.append(char)
            at += 1
        else:
            run = _PLAIN.match(html, at)
            assert run is not None
            visible.append(run.group())
            at = run.end()
    problems += [f"<{name}> never closed" for name in stack]
    return "".join(visible), problems, entities


def telegram_text_problems(html: str) -> list[str]:
    """Why Telegram would refuse this message text, sent with ``parse_mode=HTML``; [] if not."""
    text, problems, entities = telegram_parse(html)
    length = utf16(text)
    if length > TELEGRAM_TEXT_LIMIT:
        problems.append(
            f"{length} UTF-16 code units after parsing, more than {TELEGRAM_TEXT_LIMIT}"
        )
    if not text.strip():
        problems.append("empty text")
    if entities > TELEGRAM_ENTITIES:
        problems.append(f"{entities} entities, more than {TELEGRAM_ENTITIES}")
    return problems


def _keyboard_problems(markup: Any) -> list[str]:
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    problems: list[str] = []
    for row in rows or []:
        for button in row:
            if not str(button.get("text", "")).strip():
                problems.append("button without text")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= TELEGRAM_CALLBACK_DATA:
                problems.append(f"callback_data of 1 to {TELEGRAM_CALLBACK_DATA} bytes")
    return problems


def telegram_refusal(method: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """Telegram's 400 answer to this call for breaking a limit, or None."""

    def bad(description: str) -> dict[str, Any]:
        return {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}

    mode = args.get("parse_mode")
    html = (mode.decode() if isinstance(mode, bytes) else mode) == "HTML"
    if method in ("sendMessage", "editMessageText"):
        text = str(args.get("text") or "")
        shown, syntax, _entities = telegram_parse(text) if html else (text, [], 0)
        if syntax:
            return bad(f"can't parse entities: {syntax[0]}")
        if not shown.strip():
            return bad("message text is empty")
        if utf16(shown) > TELEGRAM_TEXT_LIMIT:
            return bad("message is too long")
    caption = args.get("caption")
    if caption is not None:
        caption = caption.decode() if isinstance(caption, bytes) else str(caption)
        shown, syntax, _entities = telegram_parse(caption) if html else (caption, [], 0)
        if syntax:
            return bad(f"can't parse entities: {syntax[0]}")
        if utf16(shown) > TELEGRAM_CAPTION_LIMIT:
            return bad("message caption is too long")
    if _keyboard_problems(args.get("reply_markup")):
        return bad("BUTTON_DATA_INVALID")
    if method == "answerCallbackQuery" and utf16(str(args.get("text") or "")) > TELEGRAM_ANSWER:
        return bad("MESSAGE_TOO_LONG")
    return None
