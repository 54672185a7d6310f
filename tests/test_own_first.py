"""Eerst zelf in a team round: answer out of sight; when the step closes, everyone's
answers go into its thread, with names (or letters, in an anonymous round)."""

from __future__ import annotations

from adapters.local.channel import LocalChannel, person
from bot.outbound import AnswersPost
from bot.render import content_text
from bot.service import DialogueService
from tests.fakes import FakeClock
from tests.test_service import round_state, run_due

ANNA = person("Anna")
BRAM = person("Bram")
SARA = person("Sara")


def shown(channel: LocalChannel) -> list[tuple[str, AnswersPost]]:
    return [(p.message_id, p.content) for p in channel.posted if isinstance(p.content, AnswersPost)]


async def test_answers_appear_in_the_thread_when_the_step_closes(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, "/dialoog start vragen=1.1 eerst-zelf controle=uit")
    welcome = content_text(channel.posted[0].content)
    assert "Eerst zelf" in welcome
    opening, question = channel.questions()[-1]
    assert question.own_first
    await channel.say(BRAM, "Mijn beeld: <b>samen</b> @iedereen", private=True)
    assert "zet ik alle antwoorden in de draad" in channel.replies[-1].text
    await channel.say(SARA, "Opleiden is teamwerk.", private=True)
    assert shown(channel) == []  # nothing shown while the step is open
    await run_due(service, channel, clock)
    [(_mid, post)] = shown(channel)
    assert post.thread == opening  # in the question's thread
    assert [(a.author, a.text) for a in post.answers] == [
        ("Bram", "Mijn beeld: <b>samen</b> @iedereen"),
        ("Sara", "Opleiden is teamwerk."),
    ]
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert not any(a.private for a in rnd.answers)  # held back, not anonymous


async def test_a_step_nobody_answered_posts_nothing_and_anonymous_rounds_letter(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, "/dialoog start vragen=1.1 eerst-zelf anoniem controle=uit")
    await run_due(service, channel, clock)  # the opening closes unanswered
    assert shown(channel) == []
    await channel.say(BRAM, "Een antwoord", private=True)
    await run_due(service, channel, clock)
    [(_mid, post)] = shown(channel)
    assert [a.author for a in post.answers] == ["deelnemer A"]
