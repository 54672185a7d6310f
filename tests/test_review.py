"""The outcome a group confirms, end to end on the local channel with a real database:
draft to the coordinator, edits, the check by the group, publication, the addendum, and
the comparison when the channel runs the card again."""

from __future__ import annotations

import asyncio
from datetime import date

from adapters.local.channel import LocalChannel, person
from bot.model import CommandGiven, ReviewPhase, Status
from bot.render import outcome_text, summary_markdown
from bot.service import DialogueService
from tests.fakes import FakeClock
from tests.test_service import round_state, run_due

ANNA = person("Anna")
BRAM = person("Bram")
SARA = person("Sara")

ANSWERS = {
    "opening": {
        ANNA: "Samen opleiden kost tijd, en die tijd staat niet in het rooster.",
        BRAM: "Een opleidingsschool met ruimte voor studenten in elk leerteam.",
        SARA: "Ik merk dat er te weinig tijd is voor nabesprekingen met studenten.",
    },
    "1.1": {
        ANNA: "Dat kan vaker: studenten doen mee in de leerteams.",
        BRAM: "Nog te veel eenrichtingsverkeer tussen opleiders en het team.",
    },
    "droomvraag": {
        ANNA: "Elk leerteam heeft een student en begeleiden heeft tijd in het rooster.",
        BRAM: "Studenten blijven na hun opleiding bij ons werken.",
        SARA: "Nabespreektijd staat vast in het rooster van elke begeleider.",
    },
    "inzichten": {ANNA: "De tijd voor begeleiding blijft achter.", BRAM: "Meer samen doen."},
    "acties": {
        ANNA: "Begeleidingsuren als eerste in het rooster zetten.",
        SARA: "Nabesprekingen vooraf inplannen.",
    },
    "betrekken": {
        ANNA: "HRM van het bestuur, zodat begeleiding in de gesprekscyclus komt.",
        SARA: "De andere werkplekbegeleiders, om samen een voorstel te maken.",
    },
}


async def _run_steps(channel: LocalChannel, service: DialogueService, clock: FakeClock) -> None:
    """A short round (question 1.1 only) answered as in ANSWERS, up to its last step."""
    await channel.say(ANNA, "/dialoog start vragen=1.1 controle=2d")
    await channel.say(ANNA, "/dialoog herinneringen uit")
    while True:
        _mid, question = channel.questions()[-1]
        for who, text in ANSWERS.get(question.ref, {}).items():
            await channel.say(who, text)
        rnd = await round_state(service, channel)
        assert rnd is not None
        if rnd.next_step_index is None:
            break
        await run_due(service, channel, clock)
    await run_due(service, channel, clock)  # the last step closes


async def test_the_draft_goes_to_the_coordinator_alone(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.status is Status.REVIEWING
    assert rnd.review is not None
    assert rnd.review.phase is ReviewPhase.DRAFT
    drafts = channel.drafts()
    assert [d.user_id for d in drafts] == [ANNA.user_id]
    assert channel.summaries() == []  # nothing presented as the group's conclusion yet
    text = outcome_text(drafts[0].summary, draft=True)
    assert "Concept-uitkomst" in text
    assert "/dialoog voorleggen" in text
    assert any(
        "zet de uitkomst op een rij" in str(getattr(p.content, "text", "")) for p in channel.posted
    )


async def test_only_the_coordinator_edits_and_proposes(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    await channel.say(BRAM, "/dialoog uitkomst kern Alles is prima.")
    assert "Alleen een coördinator" in channel.replies[-1].text
    await channel.say(BRAM, "/dialoog voorleggen")
    assert "Alleen een coördinator" in channel.replies[-1].text
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.review is not None
    assert rnd.review.kern is None


async def test_edits_shape_the_outcome_the_group_checks(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    await channel.say(ANNA, "/dialoog uitkomst kern Tijd voor begeleiding gaat voor.")
    await channel.say(ANNA, "/dialoog uitkomst droom Elk team een student, met tijd ervoor.")
    await channel.say(ANNA, "/dialoog uitkomst actie 1 wanneer 1-3-2027")
    await channel.say(ANNA, "/dialoog uitkomst actie 9 wanneer 1-3-2027")
    assert "Er is geen actie 9; kies 1 tot 2." in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog uitkomst actie 1 wanneer gisteren")
    assert "geen datum" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog uitkomst kern")  # clears, then set again
    await channel.say(ANNA, "/dialoog uitkomst kern Tijd voor begeleiding gaat voor.")
    await channel.say(ANNA, "/dialoog voorleggen")
    checks = channel.summaries()
    assert len(checks) == 1
    outcome = checks[0].summary.outcome
    assert outcome.phase is ReviewPhase.CHECK
    assert outcome.kern == "Tijd voor begeleiding gaat voor."
    assert outcome.dream == "Elk team een student, met tijd ervoor."
    assert outcome.synthesis.actions[0].by_when == date(2027, 3, 1)
    assert outcome.asked == 3  # everyone who answered; Anna started the round
    # once with the group, the text they check stays the text they checked
    await channel.say(ANNA, "/dialoog uitkomst kern Iets anders.")
    assert "ligt al bij de groep" in channel.replies[-1].text


async def test_the_group_confirms_and_the_coordinator_publishes(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    await channel.say(ANNA, "/dialoog voorleggen")
    await channel.say(BRAM, "/dialoog klopt")
    await channel.say(SARA, "/dialoog aanvulling Ook de nabespreektijd hoort erbij.")
    await channel.say(ANNA, "/dialoog publiceer")
    assert "De controle loopt nog tot" in channel.replies[-1].text  # Anna herself is missing
    await channel.say(ANNA, "/dialoog klopt")
    await channel.say(ANNA, "/dialoog publiceer")
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.status is Status.FINISHED
    published = channel.summaries()[-1].summary
    assert published.final
    assert published.outcome.phase is ReviewPhase.PUBLISHED
    assert (published.outcome.agreed, published.outcome.asked) == (2, 3)
    assert [r.text for r in published.outcome.additions] == ["Ook de nabespreektijd hoort erbij."]
    text = outcome_text(published)
    assert "Bevestigd door de groep" in text
    assert "2 van 3" in text
    assert "Ook de nabespreektijd hoort erbij." in text
    record = summary_markdown(published)
    assert record.index("## Thema") < record.index("# Bijlage: alle antwoorden")


async def test_a_later_word_of_the_same_person_counts_instead(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    await channel.say(ANNA, "/dialoog voorleggen")
    await channel.say(BRAM, "/dialoog bezwaar De droom is te rooskleurig.")
    await channel.say(BRAM, "/dialoog klopt")
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert len(rnd.verdicts) == 2  # both words are kept
    await channel.say(ANNA, "/dialoog status")
    assert "1 van 3 zegt dat het klopt" in channel.replies[-1].text
    assert "1 bezwaar" in channel.replies[-1].text


async def test_the_window_closing_tells_the_coordinator_once(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    await channel.say(ANNA, "/dialoog voorleggen")
    await run_due(service, channel, clock)
    notices = [p.content for p in channel.posted if getattr(p.content, "type", "") == "direct"]
    assert len(notices) == 1
    assert "De controle van ronde 1 is om" in notices[0].text  # type: ignore[union-attr]
    await service.tick()
    await channel.deliver()
    assert len([p for p in channel.posted if getattr(p.content, "type", "") == "direct"]) == 1
    await channel.say(ANNA, "/dialoog publiceer")  # after the window: allowed
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.status is Status.FINISHED


async def test_verdicts_outside_the_check_are_refused_kindly(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, "/dialoog start vragen=1.1")
    await channel.say(BRAM, "/dialoog klopt")
    assert "Er ligt nu geen uitkomst ter controle." in channel.replies[-1].text
    await channel.say(BRAM, "/dialoog aanvulling")
    assert "Zet je aanvulling erachter" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog uitkomst thema twee weg")
    assert "Zo pas je de uitkomst aan" in channel.replies[-1].text


async def test_answers_after_publication_become_a_dated_addendum(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    await channel.say(ANNA, "/dialoog voorleggen")
    for who in (ANNA, BRAM, SARA):
        await channel.say(who, "/dialoog klopt")
    await channel.say(ANNA, "/dialoog publiceer")
    late = "Nog een gedachte over de droom: ook ouders zien dat wij opleiden."
    clock.advance(hours=20)
    await channel.say(BRAM, late, reply_to=channel.question_id("droomvraag"))
    await channel.say(ANNA, "/dialoog samenvatting")
    summary = channel.summaries()[-1].summary
    assert [e.answer.text for e in summary.addendum] == [late]
    droom = summary.droomvraag
    assert droom is not None
    assert late not in [a.text for a in droom.answers]
    assert "Addendum" in summary_markdown(summary)


async def test_a_round_without_check_publishes_at_once(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, "/dialoog start vragen=1.1 controle=uit")
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.settings.review is None
    while rnd is not None and rnd.status is not Status.FINISHED:
        await run_due(service, channel, clock)
        rnd = await round_state(service, channel)
    assert channel.drafts() == []
    assert channel.summaries()[-1].summary.outcome.phase is None


async def test_a_second_round_compares_with_the_first(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    await channel.say(ANNA, "/dialoog voorleggen")
    for who in (ANNA, BRAM, SARA):
        await channel.say(who, "/dialoog klopt")
    await channel.say(ANNA, "/dialoog publiceer")
    first = channel.summaries()[-1].summary
    await _run_steps(channel, service, clock)
    second_draft = channel.drafts()[-1].summary
    comparison = second_draft.comparison
    assert comparison is not None
    assert comparison.previous_round_id == first.round_id
    assert comparison.participants_before == 3
    assert [a.what for a in comparison.actions_before] == [
        a.what for a in first.outcome.synthesis.actions
    ]
    assert "Sinds ronde 1" in outcome_text(second_draft, draft=True)


async def test_private_chat_commands_find_the_round_in_review(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    """Telegram's private chat has no round of its own: the round in review is meant."""
    await _run_steps(channel, service, clock)
    private = LocalChannel(service, "anna-privé", out=lambda _line: None)
    await private.say(ANNA, "/dialoog uitkomst kern Vanuit de privéchat.")
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert rnd.review is not None
    assert rnd.review.kern == "Vanuit de privéchat."
    outsider = person("Onbekend")
    await private.say(outsider, "/dialoog klopt")
    assert "geen ronde" in private.replies[-1].text.lower()


async def test_the_terugblik_asks_who_named_an_action_and_joins_the_record(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await _run_steps(channel, service, clock)
    await channel.say(ANNA, "/dialoog terugblik over=6w")
    assert "als de ronde is afgerond" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog voorleggen")
    for who in (ANNA, BRAM, SARA):
        await channel.say(who, "/dialoog klopt")
    await channel.say(ANNA, "/dialoog publiceer")
    await channel.say(BRAM, "/dialoog terugblik over=2w")
    assert "Alleen een coördinator" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog terugblik over=99w")
    assert "hooguit 26 weken" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog terugblik over=6w")
    assert "Terugblik gepland" in channel.replies[-1].text
    before = len(channel.posted)
    await service.tick()  # not yet due: nothing happens
    await channel.deliver()
    assert len(channel.posted) == before
    await run_due(service, channel, clock)
    question = channel.question_id("terugblik")
    assert question is not None
    asked = [r for r in channel.reminders() if r.kind == "terugblik"]
    assert sorted(r.name for r in asked) == ["Anna", "Sara"]  # who named an action
    anna = next(r for r in asked if r.name == "Anna")
    assert "Begeleidingsuren als eerste in het rooster zetten." in anna.text
    await channel.say(SARA, "Nabesprekingen staan nu vast in de planning.", reply_to=question)
    await channel.say(ANNA, "/dialoog terugblik")
    assert "al gesteld" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog samenvatting")
    summary = channel.summaries()[-1].summary
    assert summary.followup is not None
    assert [(a.author, a.text) for a in summary.followup.answers] == [
        ("Sara", "Nabesprekingen staan nu vast in de planning.")
    ]
    assert summary.addendum == []  # a terugblik is meant to come later
    assert "## Terugblik (1)" in summary_markdown(summary)
    # the next round in the channel knows how many followed up
    await _run_steps(channel, service, clock)
    comparison = channel.drafts()[-1].summary.comparison
    assert comparison is not None
    assert comparison.followed_up == 1


async def test_a_group_saying_klopt_at_once_is_kept_whole(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    """Verdicts are facts, like answers: simultaneous ones never wait on the round."""
    await _run_steps(channel, service, clock)
    await channel.say(ANNA, "/dialoog voorleggen")
    proposed = await round_state(service, channel)
    assert proposed is not None
    people = [person(f"Collega {n}") for n in range(20)]
    await asyncio.gather(
        *(
            service.handle(CommandGiven(channel.channel, who, "klopt", event_id=f"v{n}"))
            for n, who in enumerate(people)
        )
    )
    rnd = await round_state(service, channel)
    assert rnd is not None
    assert sorted(v.person.name for v in rnd.verdicts) == sorted(p.name for p in people)
    assert rnd.version == proposed.version  # twenty words, and the round never changed
    await channel.say(ANNA, "/dialoog status")
    assert "20 van 23 zeggen dat het klopt" in channel.replies[-1].text


def test_the_channel_shows_the_terugblik_in_the_outcome() -> None:
    from tests import summary_fixture

    text = outcome_text(summary_fixture.summary())
    assert "Terugblik:\nAnna de Vries: De uren staan in de jaarplanning" in text
