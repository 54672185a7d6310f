"""Every sentence the bot says can be found by Babel, from code and templates alike."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from bot import i18n

ROOT = Path(__file__).resolve().parent.parent
METHOD_MAP = [("bot/**.py", "python"), ("bot/templates/**.j2", "jinja2")]


def test_babel_extracts_messages_from_code_and_templates() -> None:
    found = {
        (filename.split("/")[0], message)
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), METHOD_MAP
        )
    }
    messages = {m for _where, m in found}
    assert "Geen antwoorden." in messages  # summary template
    assert "Er loopt hier geen ronde. Start er een met: /dialoog start" in messages  # engine
    assert "Welkom bij de dialoog ‘{title}’." in messages  # texts
    assert "gepauzeerd" in messages  # marked with N_ where it is defined
    assert len(messages) > 60


def test_dutch_is_the_source_and_unknown_languages_fall_back_to_it() -> None:
    try:
        i18n.activate("xx")
        assert i18n._("Geen antwoorden.") == "Geen antwoorden."
    finally:
        i18n.activate("nl")
