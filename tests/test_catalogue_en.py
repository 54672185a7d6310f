"""The English catalogue translates every message the code marks, with its placeholders.

The messages are extracted from the source when the test runs, with the project's own
``babel.cfg``, so a new ``_("…")`` that nobody translated fails here rather than
reaching an English-speaking school team in Dutch. The committed ``.pot`` is not trusted:
it is only as fresh as the last ``make messages``.
"""

from __future__ import annotations

import ast
import re
import tokenize
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "babel.cfg"
ENGLISH = ROOT / "bot" / "locale" / "en" / "LC_MESSAGES" / "dialoogbot.po"
UPDATE = (
    "make messages && .venv/bin/pybabel update -i bot/locale/dialoogbot.pot "
    "-d bot/locale -D dialoogbot -l en, then translate the new entries"
)

MsgId = str | tuple[str, ...]
# ``_("…")`` / ``N_("…")`` with one plain literal, as written inside an f-string
_CALL_IN_FSTRING = re.compile(r"(?<![\w.])N?_\(\s*('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\s*\)")


@cache
def source_messages() -> dict[MsgId, tuple[str, ...]]:
    """Every marked message in the code and templates, with where it is marked."""
    with CONFIG.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[MsgId, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        msgid = tuple(message) if isinstance(message, (tuple, list)) else message
        singular = msgid[0] if isinstance(msgid, tuple) else msgid
        if singular:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    for msgid, where in _marked_in_fstrings(method_map):
        found.setdefault(msgid, []).append(where)
    return {msgid: tuple(where) for msgid, where in found.items()}


def _marked_in_fstrings(method_map: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """``f"{_('…')}"``: before Python 3.12 an f-string is one token, and Babel does not
    look inside it. Found here so the test asks the same on every Python version."""
    patterns = [pattern for pattern, method in method_map if method == "python"]
    files = {path for pattern in patterns for path in ROOT.glob(pattern.replace("**", "**/*"))}
    for path in sorted(files):
        with tokenize.open(path) as fh:
            tokens = list(tokenize.generate_tokens(fh.readline))
        for token in tokens:
            prefix = token.string[: len(token.string) - len(token.string.lstrip("rRbBuUfF"))]
            if token.type != tokenize.STRING or "f" not in prefix.lower():
                continue
            for literal in _CALL_IN_FSTRING.findall(token.string):
                where = f"{path.relative_to(ROOT)}:{token.start[0]}"
                yield ast.literal_eval(literal), where


@cache
def english() -> Catalog:
    with ENGLISH.open("rb") as fh:
        return read_po(fh, locale="en", domain="dialoogbot")


def _translated(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _show(msgid: MsgId, detail: str = "") -> str:
    text = msgid[0] if isinstance(msgid, tuple) else msgid
    return f"  - {text!r}" + (f" ({detail})" if detail else "")


def _fields(text: str) -> set[str]:
    """The ``{placeholders}`` of a message, with any conversion and format spec."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as exc:  # a stray brace
        return {f"<unparsable: {exc}>"}
    return {
        "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        for _literal, name, spec, conv in parsed
        if name is not None
    }


def _edges(text: str) -> tuple[str, str]:
    """The whitespace a message starts and ends with."""
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def _forms(message: Message) -> list[tuple[str, str]]:
    """(source, translation) pairs: the singular's form against msgid, every other
    plural form against msgid_plural."""
    if not message.pluralizable:
        assert isinstance(message.id, str)
        return [(message.id, message.string if isinstance(message.string, str) else "")]
    singular, plural = message.id[0], message.id[1]
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return [(singular if n == 0 else plural, s or "") for n, s in enumerate(strings)]


def test_every_message_in_the_source_is_in_the_english_catalogue() -> None:
    found = source_messages()
    assert len(found) > 300, "extraction found too little; is babel.cfg still right?"
    assert any(isinstance(m, tuple) for m in found), "no ngettext plurals were extracted"
    catalog = english()
    missing = []
    for msgid, where in sorted(found.items(), key=lambda item: item[1]):
        entry = catalog.get(msgid)
        if entry is None:
            missing.append(_show(msgid, ", ".join(where)))
        elif isinstance(msgid, tuple) and (not entry.pluralizable or tuple(entry.id) != msgid):
            missing.append(_show(msgid, "plural form changed: " + ", ".join(where)))
        elif isinstance(msgid, str) and entry.pluralizable:
            missing.append(_show(msgid, "no longer a plural: " + ", ".join(where)))
    assert not missing, (
        f"{len(missing)} marked message(s) have no English translation in "
        f"{ENGLISH.relative_to(ROOT)} ({UPDATE}):\n" + "\n".join(missing)
    )


def test_no_english_translation_is_fuzzy_or_empty() -> None:
    catalog = english()
    bad = []
    for message in _translated(catalog):
        forms = [s for _src, s in _forms(message)]
        if message.fuzzy:
            bad.append(_show(message.id, "fuzzy"))
        elif not all(s.strip() for s in forms):
            bad.append(_show(message.id, "empty"))
        elif message.pluralizable and len(forms) != catalog.num_plurals:
            bad.append(_show(message.id, f"{len(forms)} of {catalog.num_plurals} plural forms"))
    assert not bad, "English entries that are fuzzy or not translated:\n" + "\n".join(bad)


def test_every_english_translation_keeps_the_placeholders() -> None:
    bad = []
    for message in _translated(english()):
        for source, translation in _forms(message):
            want, got = _fields(source), _fields(translation)
            if want != got:
                bad.append(_show(message.id, f"wants {sorted(want)}, has {sorted(got)}"))
    assert not bad, "English translations whose placeholders differ:\n" + "\n".join(bad)


def test_every_english_translation_keeps_the_leading_and_trailing_whitespace() -> None:
    """Fragments are joined in code and templates (``"Voortgang: " + …``): the spaces and
    newlines at their edges are part of the layout."""
    bad = []
    for message in _translated(english()):
        for source, translation in _forms(message):
            if _edges(source) != _edges(translation):
                bad.append(_show(message.id, f"edges {_edges(source)}, has {_edges(translation)}"))
    assert not bad, "English translations whose edges differ:\n" + "\n".join(bad)
