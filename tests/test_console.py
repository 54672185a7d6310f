"""The console as a person types in it: switching people, answering earlier questions."""

from __future__ import annotations

from adapters.local.channel import LocalChannel
from adapters.local.console import CONSOLE_HELP, Console
from bot.model import ChannelRef
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


async def test_a_restarted_console_goes_on_where_it_was_and_never_reuses_an_id(
    service: DialogueService, db: Database
) -> None:
    first: list[str] = []
    before = LocalChannel(service, "team", out=first.append)
    console = Console(before, "Anna", first.append)
    for line in ["/dialoog start tempo=1h", "Eerste antwoord", "Tweede antwoord"]:
        assert await console.line(line)

    later: list[str] = []  # the same channel, after the process was restarted
    after = LocalChannel(service, "team", out=later.append)
    again = Console(after, "Anna", later.append)
    assert await again.line("/dialoog volgende")
    assert await again.line("Na de herstart")
    assert [p.message_id for p in after.posted] == ["b3"]  # b1, b2 were posted before
    assert any("[u4]" in line for line in later)  # u1 to u3 were said before
    async with db.transaction() as session:
        rnd = await Repository(session).active(after.channel)
    assert rnd is not None
    assert [a.text for a in rnd.answers] == ["Eerste antwoord", "Tweede antwoord", "Na de herstart"]


async def test_a_console_sees_only_its_own_channel(service: DialogueService) -> None:
    team: list[str] = []
    other: list[str] = []
    here = Console(LocalChannel(service, "team", out=team.append), "Anna", team.append)
    there = Console(LocalChannel(service, "elders", out=other.append), "Bram", other.append)
    assert await here.line("/dialoog start")
    assert await here.line("Iets persoonlijks over ons team")
    assert await here.line("/dialoog samenvatting")
    assert await there.line("/dialoog status")
    assert not any("persoonlijks" in line for line in other)
    assert any("Er loopt hier geen ronde" in line for line in other)


async def test_changes_act_only_on_your_own_answers_and_say_so(service: DialogueService) -> None:
    lines: list[str] = []
    console = Console(LocalChannel(service, "team", out=lines.append), "Anna", lines.append)
    for line in ["/dialoog start", "Van Anna", "/als Bram", "/wijzig u2 overgenomen door Bram"]:
        assert await console.line(line)
    assert any("Er is niets veranderd: u2 is geen antwoord van jou." in line for line in lines)
    assert await console.line("/verwijder u2")
    assert sum("Er is niets veranderd" in line for line in lines) == 2
    assert await console.line("/als Anna")
    assert await console.line("/verwijder u2")
    assert any("Je antwoord u2 is verwijderd." in line for line in lines)


async def test_a_mistyped_command_is_refused_not_kept_as_an_answer(
    service: DialogueService, db: Database
) -> None:
    lines: list[str] = []
    channel = LocalChannel(service, "team", out=lines.append)
    console = Console(channel, "Anna", lines.append)
    assert await console.line("/dialoog start")
    assert await console.line("/dialog status")
    assert any("Onbekend commando ‘/dialog’" in line for line in lines)
    async with db.transaction() as session:
        rnd = await Repository(session).active(channel.channel)
    assert rnd is not None
    assert rnd.answers == ()


async def test_the_console_says_where_the_round_stands_when_it_opens(
    service: DialogueService,
) -> None:
    lines: list[str] = []
    await Console(LocalChannel(service, "team", out=lines.append), "Anna", lines.append).line(
        "/dialoog start"
    )
    assert await service.where_we_are(ChannelRef("local", "team")) is not None
    assert await service.where_we_are(ChannelRef("local", "leeg")) is None
