"""The console as a person types in it: switching people, answering earlier questions."""

from __future__ import annotations

from adapters.local.channel import LocalChannel
from adapters.local.console import CONSOLE_HELP, Console
from bot.service import DialogueService
from storage.db import Database
from storage.repository import Repository


async def test_a_typed_session(service: DialogueService, db: Database) -> None:
    lines: list[str] = []
    channel = LocalChannel(service, "console", out=lines.append)
    console = Console(channel, "Anna", lines.append)
    for typed in [
        "/hulp",
        "/dialoog start tempo=1h",
        "Mijn beeld van samen opleiden",
        "/als Bram",
        "/privé Liever niet in het openbaar",
        "/dialoog volgende",
        "/op opening Toch nog iets over de opening",
        "/wijzig u2 Bram mag Anna's antwoord niet aanpassen",
        "/als Anna",
        "/wijzig u2 Mijn beeld, aangepast",
        "/op 9.9 bestaat niet",
        "/verwijder",
        "",
    ]:
        assert await console.line(typed)
    assert not await console.line("/klaar")

    assert CONSOLE_HELP in lines
    assert "Je typt nu als Bram." in lines
    assert any("Alleen een coördinator" in line for line in lines)  # Bram may not skip ahead
    assert "Gebruik: /op VRAAG TEKST, voor een vraag die al gesteld is." in lines
    assert "Gebruik: /verwijder u3" in lines
    async with db.transaction() as session:
        rnd = await Repository(session).active(channel.channel)
    assert rnd is not None
    assert [(a.person.name, a.text, a.private) for a in rnd.answers] == [
        ("Anna", "Mijn beeld, aangepast", False),
        ("Bram", "Liever niet in het openbaar", True),
        ("Bram", "Toch nog iets over de opening", False),
    ]
