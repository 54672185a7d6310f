"""Every sentence the bot says can be found by Babel, from code and templates alike."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir

from adapters.local.channel import LocalChannel, person
from bot import i18n
from bot.model import RoundSettings
from bot.service import DialogueService
from bot.texts import moment
from dialogues.cards import get_card
from storage.db import Database
from storage.store import SqlStore
from tests.fakes import FakeClock

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


async def test_an_installation_in_english_speaks_english_with_english_dates(
    tmp_path: Path,
) -> None:
    """DIALOOGBOT_LANGUAGE=en with the English Dialoogkaart: the bot's own words, its
    dates and the card's questions are English."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'en.db'}")
    await db.migrate()
    said: list[str] = []
    try:
        i18n.activate("en")
        service = DialogueService(
            SqlStore(db),
            cards=get_card,
            clock=FakeClock(datetime(2026, 11, 23, 8, tzinfo=UTC)),
            defaults=RoundSettings(card_id="dialoogkaart"),
        )
        channel = LocalChannel(service, "team", out=said.append)
        await channel.say(person("Anna"), "/dialoog start kaart=dialoogkaart-en")
        await channel.say(person("Bram"), "/dialoog bestaat-niet")
        assert moment(datetime(2026, 11, 24, 8, tzinfo=UTC), "Europe/Amsterdam") == (
            "Tuesday 24 November at 09:00"
        )
    finally:
        i18n.activate("nl")
        await db.close()
    text = "\n".join(said)
    assert "Welcome to the dialogue ‘Dialogue card" in text
    assert "Welkom" not in text
    assert "kept" in text  # what is kept, and for how long, in English too
    opening = get_card("dialoogkaart").opening
    assert opening is not None
    assert opening.question not in text
    assert "Unknown command" in text
