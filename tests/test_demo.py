"""The demo's simulated colleagues play a whole round, on the movable clock."""

from __future__ import annotations

import asyncio

import yaml

from adapters.local.channel import LocalChannel
from adapters.local.demo import ANSWERS, COORDINATOR, Colleagues, NetworkColleagues
from bot.render import content_text
from bot.service import DialogueService
from tests.fakes import FakeClock


async def test_the_demo_script_plays_a_whole_round(
    service: DialogueService, clock: FakeClock, transcript: list[str]
) -> None:
    script = yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))
    channel = LocalChannel(service, "demo", out=transcript.append)
    colleagues = Colleagues(channel, script, pace=0)
    channel.listeners.append(colleagues.on_post)
    await channel.say(COORDINATOR, "/dialoog start tempo=1s controle=3s")
    for _ in range(100):
        if colleagues.done.is_set():
            break
        while colleagues.tasks:
            await asyncio.gather(*list(colleagues.tasks))
        clock.advance(seconds=1)
        await service.tick()
        await channel.deliver()
    assert colleagues.summary is not None
    summary = colleagues.summary.summary
    assert summary.final
    names = [p["name"] for p in script["participants"]]
    assert summary.droomvraag is not None
    assert sorted(a.author or "" for a in summary.droomvraag.answers) == sorted(names)
    assert {p.author for p in summary.participation} == set(names)
    # the group confirmed the outcome the coordinator edited, with Fatima's addition
    review = script["extras"]["review"]
    outcome = summary.outcome
    assert outcome.phase == "gepubliceerd"
    assert outcome.kern == review["kern"].strip()
    assert (outcome.agreed, outcome.asked) == (4, 5)  # four said klopt, one added
    assert [r.author for r in outcome.additions] == ["Fatima El Amrani"]
    assert outcome.synthesis.themes, "the demo's answers share a theme"

    extras = script["extras"]
    by_ref = {item.ref: item for item in [*summary.questions, *summary.evaluation]}
    edited = [a for a in by_ref[extras["edit"]["step"]].answers if a.edited]
    assert [a.text for a in edited] == [extras["edit"]["text"].strip()]
    assert summary.opening is not None
    assert extras["late_answer"]["text"].strip() in [a.text for a in summary.opening.answers]
    private = [a for a in by_ref[extras["private"]["step"]].answers if a.private]
    assert [a.author for a in private] == [None]  # given privately: never with a name
    assert any("Droomvraag" in line for line in transcript)


async def test_the_network_demo_plays_a_whole_round(
    service: DialogueService, clock: FakeClock, transcript: list[str]
) -> None:
    """Each colleague at their own pace, privately; Daan stops halfway until reminded."""
    script = yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))
    channel = LocalChannel(service, "netwerk", out=transcript.append)
    colleagues = NetworkColleagues(channel, script, day=0)
    channel.listeners.append(colleagues.on_post)
    await channel.say(COORDINATOR, "/dialoog start netwerk rollen=1 sluit=2026-12-18 herinner=2d")
    colleagues.join_all()
    for _ in range(24 * 40):
        if colleagues.done.is_set():
            break
        while colleagues.tasks:
            await asyncio.gather(*list(colleagues.tasks))
        clock.advance(hours=1)
        await service.tick()
        await channel.deliver()
    assert colleagues.summary is not None
    summary = colleagues.summary.summary
    assert summary.final
    names = sorted(NetworkColleagues.PACES)
    assert summary.opening is not None
    assert sorted(a.author or "" for a in summary.opening.answers) == names
    daan = [r for r in channel.reminders() if r.name == "Daan Visser"]
    assert daan, "Daan stopped halfway and was reminded"
    progress = [content_text(p.content) for p in channel.posted if p.content.type == "progress"]
    assert progress
    assert not any(name.split()[0] in text for text in progress for name in names)
