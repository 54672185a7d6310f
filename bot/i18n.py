"""Message translation through gettext, with Dutch as the source language.

Every sentence the bot sends is written in Dutch in the code, because Dutch is what every
user reads by default and what reviewers of the texts need to see in context. Babel
extracts these strings (``make messages``) so a catalog for another language can be added
under ``bot/locale`` without touching code.

The language is chosen twice: once for the installation (``activate``, from
``DIALOOGBOT_LANGUAGE``) and per round (``/dialoog start taal=en``). One process serves
rounds in several languages at once, concurrently, so the language being spoken is a
context variable: ``speaking(language)`` sets it for the work on one round (an event, a
tick, a delivery) and every ``_()`` inside reads it, in that task only.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "dialoogbot"
SOURCE = "nl"


@dataclass(frozen=True, slots=True)
class _Speaker:
    language: str
    catalog: gettext.NullTranslations


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Catalog for ``language``; Dutch (the source) and unknown languages need none."""
    if language == SOURCE:
        return gettext.NullTranslations()
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


@cache
def available() -> tuple[str, ...]:
    """Dutch, the source, and every language with a catalog under ``bot/locale``."""
    found = {po.parent.parent.name for po in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted({SOURCE, *found}))


def _speaker(language: str) -> _Speaker:
    return _Speaker(language, translations(language))


_installation = _speaker(SOURCE)
_current: ContextVar[_Speaker | None] = ContextVar("dialoogbot_language", default=None)


def activate(language: str) -> None:
    """Choose the installation's language: what is spoken where no round says otherwise.
    Called once from the command line entry."""
    global _installation
    _installation = _speaker(language)


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Speak ``language`` in this block (None: the installation's language)."""
    token = _current.set(None if language is None else _speaker(language))
    try:
        yield
    finally:
        _current.reset(token)


def _now() -> _Speaker:
    return _current.get() or _installation


def language() -> str:
    """The language messages are in: also the locale dates are written in."""
    return _now().language


def installed() -> str:
    """The installation's language, whatever is being spoken right now."""
    return _installation.language


def _(message: str) -> str:
    return _now().catalog.gettext(message)


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is used."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _now().catalog.ngettext(singular, plural, n)
