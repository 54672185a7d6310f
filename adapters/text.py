"""Cutting user text to a platform's size, for every platform with a character limit.

Slack and Telegram count characters differently (each renderer passes its own
``weight``: what one character may count for), but text is cut the same way: after a
line break, else after a space, so words stay whole; only a word longer than half the
limit is cut, and never inside a character sequence (a combining accent, an emoji
joined with U+200D, a skin tone). Blank pieces carry nothing to see, so none is made.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

ELLIPSIS = "…"
Weight = Callable[[str], int]


def split(text: str, limit: int, weight: Weight) -> list[str]:
    """Consecutive pieces of ``text`` weighing at most ``limit`` each, none blank.

    A line break where a piece ends is left out: the next piece starts a new line anyway.
    """
    totals = list(accumulate(map(weight, text)))
    pieces: list[str] = []
    start = 0
    while start < len(text):
        base = totals[start - 1] if start else 0
        end = max(bisect_right(totals, base + limit), start + 1)
        piece_end = end
        if end < len(text):
            end = piece_end = _break(text, start, end)
            if text[end - 1] == "\n":
                piece_end = end - 1
        piece = text[start:piece_end]
        if piece.strip():
            pieces.append(piece)
        start = end
    return pieces


def _break(text: str, start: int, end: int) -> int:
    half = start + (end - start) // 2
    for separator in ("\n", " "):
        at = text.rfind(separator, half, end)
        if at >= 0:
            return at + 1
    cut = end
    while cut > half and _joins(text, cut):
        cut -= 1
    return cut if cut > half else end


def _joins(text: str, at: int) -> bool:
    """Whether ``text[at]`` belongs to the character before it."""
    char = text[at]
    return (
        bool(unicodedata.combining(char))
        or char in "\u200d\ufe0f\ufe0e"
        or text[at - 1] == "\u200d"
        or 0x1F3FB <= ord(char) <= 0x1F3FF  # skin tone
    )


def shorten(text: str, limit: int, weight: Weight) -> str:
    """A label that fits ``limit``: whole, or cut with an ellipsis."""
    totals = list(accumulate(map(weight, text)))
    if not totals or totals[-1] <= limit:
        return text
    return text[: bisect_right(totals, limit - 1)].rstrip() + ELLIPSIS


def longest_fitting(text: str, fits: Callable[[str], bool]) -> str:
    """``text`` whole if it fits, else its longest beginning (with an ellipsis) that does.

    For a text that has to stay within one message; the reader sees the ellipsis.
    """
    if fits(text):
        return text
    low, high = 0, len(text)  # text[:low] + … fits (or low is 0); text[:high] + … does not
    while high - low > 1:
        middle = (low + high) // 2
        if fits(text[:middle].rstrip() + ELLIPSIS):
            low = middle
        else:
            high = middle
    return text[:low].rstrip() + ELLIPSIS
