"""Message translation through gettext, with Dutch as the source language.

Every sentence the bot sends is written in Dutch in the code, because Dutch is what every
user reads by default and what reviewers of the texts need to see in context. Babel
extracts these strings (``make messages``) so a catalog for another language can be added
under ``bot/locale`` without touching code.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "dialoogbot"

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = "nl"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Catalog for ``language``; Dutch (the source) and unknown languages need none."""
    if language == "nl":
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


def activate(language: str) -> None:
    """Choose the language for this process; called once from the command line entry."""
    global _active, _language
    _active = translations(language)
    _language = language


def language() -> str:
    """The language messages are in: also the locale dates are written in."""
    return _language


def _(message: str) -> str:
    return _active.gettext(message)


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is used."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.ngettext(singular, plural, n)
