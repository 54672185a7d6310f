"""Network rounds end to end on the local channel, a real database and a movable clock:
five participants at five paces, reminders at a humane rhythm, closing by date and by
command, and an outcome equal in content to a team round with the same answers."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from adapters.local.channel import LocalChannel, person
from bot.model import Round, Status
from bot.outbound import ProgressPost, ReminderPost
from bot.render import content_text
from bot.service import DialogueService
from tests.fakes import FakeClock
from tests.test_service import round_state

AMS = ZoneInfo("Europe/Amsterdam")
ANNA = person("Anna")  # coordinator
BRAM = person("Bram")  # answers everything on day one
SARA = person("Sara")  # stops halfway, resumes a week later
DAAN = person("Daan")  # joins late
EVA = person("Eva")  # never starts
FIEN = person("Fien")  # turns reminders off
# 7 steps: opening, 1.1, 1.2, droomvraag and the three evaluation questions
START = "/dialoog start netwerk sluit=2026-12-18 vragen=1.1,1.2 controle=uit herinner=2d"


def answer_text(who: str, n: int) -> str:
    return f"Bij vraag {n} zeg ik: het rooster geeft te weinig tijd voor de begeleiding ({who})."


async def answer_next(channel: LocalChannel, who: object, n: int) -> None:
    assert hasattr(who, "name")
    channel.service.clock.advance(seconds=1)  # type: ignore[attr-defined]
    await channel.say(who, answer_text(who.name, n), direct=True)  # type: ignore[arg-type]


async def at(
    clock: FakeClock, service: DialogueService, channel: LocalChannel, when: datetime
) -> None:
    """Move the clock to ``when`` one hour at a time, as the scheduler would wake."""
    while clock.now() < when:
        clock.advance(hours=1)
        await service.tick()
        await channel.deliver()


def reminders_for(channel: LocalChannel, who: object) -> list[ReminderPost]:
    return [r for r in channel.reminders() if r.user_id == getattr(who, "user_id", None)]


async def state(service: DialogueService, channel: LocalChannel) -> Round:
    rnd = await round_state(service, channel)
    assert rnd is not None
    return rnd


async def test_five_people_at_five_paces(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, START)
    rnd = await state(service, channel)
    assert rnd.status is Status.RUNNING
    assert rnd.settings.network
    announcement = channel.posted[0].content
    assert "doe-mee" in content_text(announcement)
    assert channel.questions() == []  # nothing asked in the channel itself

    # Day one (Monday): Bram does everything, Sara one, Fien one and then quiet.
    for who in (BRAM, SARA, FIEN):
        await channel.say(who, "/dialoog doe-mee")
    for n in range(7):
        await answer_next(channel, BRAM, n)
    await answer_next(channel, SARA, 0)
    await answer_next(channel, FIEN, 0)
    await channel.say(FIEN, "/dialoog herinneringen uit")
    assert len(channel.private_questions(BRAM)) == 7  # one at a time, each after an answer
    assert len(channel.private_questions(SARA)) == 2  # she is on the second
    progress = channel.progress()
    assert progress is not None
    assert (progress.joined, progress.done, progress.underway) == (3, 1, 2)
    shown = content_text(progress)
    for name in ("Sara", "Fien", "Eva", "Daan"):
        assert name not in shown  # counts, never who is behind

    # The progress message is one message, edited in place.
    progress_ids = {p.message_id for p in channel.posted if isinstance(p.content, ProgressPost)}
    assert len(progress_ids) == 1

    # A week and a half later Sara goes on where she was; Daan joins late.
    await at(clock, service, channel, datetime(2026, 12, 3, 10, 30, tzinfo=AMS))
    await channel.say(SARA, "/dialoog verder", direct=True)
    assert channel.private_questions(SARA)[-1].step_number == 2
    for n in range(1, 7):
        await answer_next(channel, SARA, n)
    await channel.say(DAAN, "/dialoog doe-mee")
    await answer_next(channel, DAAN, 0)
    await channel.say(DAAN, "/dialoog overslaan", direct=True)
    assert channel.private_questions(DAAN)[-1].step_number == 3

    # Reminders: only to who joined, is behind and wants them; at most every two school
    # days; only on school days, within 08:00-18:00.
    assert reminders_for(channel, BRAM) == reminders_for(channel, EVA) == []
    assert reminders_for(channel, FIEN) == []
    sara = reminders_for(channel, SARA)
    assert sara, "Sara fell behind before she went on"
    for reminder in channel.reminders():
        sent = next(p for p in channel.posted if p.content is reminder)
        assert sent is not None

    # The coordinator sees who joined and how far, privately; others only themselves.
    await channel.say(ANNA, "/dialoog status")
    assert "Bram 7/7" in channel.replies[-1].text
    assert "Fien 1/7" in channel.replies[-1].text
    await channel.say(FIEN, "/dialoog status")
    assert "Je bent bij vraag 2 van 7" in channel.replies[-1].text
    assert "Bram" not in channel.replies[-1].text

    # Closing by date: the outcome as for a team round.
    await at(clock, service, channel, datetime(2026, 12, 18, 18, 30, tzinfo=AMS))
    rnd = await state(service, channel)
    assert rnd.status is Status.FINISHED
    summary = channel.summaries()[-1].summary
    assert summary.final
    opening = summary.opening
    assert opening is not None
    assert sorted(a.author or "" for a in opening.answers) == ["Bram", "Daan", "Fien", "Sara"]
    closed = channel.progress()
    assert closed is not None
    assert not closed.open

    # A late answer is kept, as a dated addendum.
    clock.advance(hours=2)
    await answer_next(channel, DAAN, 2)
    assert "nagekomen" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog samenvatting")
    assert [e.answer.author for e in channel.summaries()[-1].summary.addendum] == ["Daan"]


async def test_reminders_keep_to_school_days_and_hours(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    seen: list[tuple[datetime, object]] = []
    channel.listeners.append(lambda _mid, content: seen.append((clock.now(), content)))
    # across Christmas (a public holiday on Friday 25 December), a weekend and days off
    await channel.say(ANNA, START.replace("2026-12-18", "2027-01-08") + " uren=09:00-17:00")
    await channel.say(BRAM, "/dialoog doe-mee")
    await channel.say(ANNA, "/dialoog vrij 2026-12-07..2026-12-09")
    assert "3 vrije dagen toegevoegd" in channel.replies[-1].text
    await at(clock, service, channel, datetime(2027, 1, 8, 19, 0, tzinfo=AMS))
    moments = [
        when
        for when, content in seen
        if isinstance(content, ReminderPost) and content.user_id == BRAM.user_id
    ]
    assert len(moments) >= 3, "Bram never answered, so he is reminded now and then"
    days_off = {datetime(2026, 12, d).date() for d in (7, 8, 9, 25)}
    for moment in moments:
        here = moment.astimezone(AMS)
        assert here.weekday() < 5
        assert here.date() not in days_off
        assert 9 <= here.hour < 17
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    assert all(gap >= timedelta(days=2) for gap in gaps)
    assert not [c for _w, c in seen if isinstance(c, ReminderPost) and c.user_id == ANNA.user_id]


async def test_closing_by_command_and_moving_the_date(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, START)
    await channel.say(BRAM, "/dialoog sluit")
    assert "Alleen een coördinator" in channel.replies[-1].text
    await channel.say(ANNA, "/dialoog sluit 2027-01-15")
    rnd = await state(service, channel)
    assert rnd.settings.closes is not None
    assert rnd.settings.closes.isoformat() == "2027-01-15"
    assert rnd.next_due == datetime(2027, 1, 15, 17, 0, tzinfo=UTC)
    await channel.say(ANNA, "/dialoog sluit 2020-01-01")
    assert "kan niet" in channel.replies[-1].text
    await channel.say(BRAM, "/dialoog doe-mee")
    await answer_next(channel, BRAM, 0)
    await channel.say(ANNA, "/dialoog sluit")
    rnd = await state(service, channel)
    assert rnd.status is Status.FINISHED
    assert channel.summaries()[-1].summary.opening is not None


async def test_own_first_shows_the_others_after_your_answer(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, START + " eerst-zelf")
    for who in (BRAM, SARA):
        await channel.say(who, "/dialoog doe-mee")
    await answer_next(channel, BRAM, 0)
    first = [p.content for p in channel.posted if getattr(p.content, "type", "") == "direct"]
    assert "ben jij de eerste" in first[-1].text  # type: ignore[union-attr]
    await answer_next(channel, SARA, 0)
    after = [p.content for p in channel.posted if getattr(p.content, "type", "") == "direct"]
    assert after[-1].user_id == SARA.user_id  # type: ignore[union-attr]
    assert answer_text("Bram", 0) in after[-1].text  # type: ignore[union-attr]


async def test_the_outcome_equals_a_team_round_with_the_same_answers(
    db: object, clock: FakeClock, service: DialogueService, channel: LocalChannel
) -> None:
    await channel.say(ANNA, START)
    for who in (BRAM, SARA):
        await channel.say(who, "/dialoog doe-mee")
        for n in range(7):
            await answer_next(channel, who, n)
    await channel.say(ANNA, "/dialoog sluit")
    network = channel.summaries()[-1].summary

    team = LocalChannel(service, "team-b", out=lambda _line: None)
    await team.say(ANNA, "/dialoog start vragen=1.1,1.2 controle=uit tempo=1h")
    n = 0
    while True:
        for who in (BRAM, SARA):
            clock.advance(seconds=1)
            await team.say(who, answer_text(who.name, n))
        n += 1
        rnd = await round_state(service, team)
        assert rnd is not None
        if rnd.status is Status.FINISHED:
            break
        clock.advance(hours=1)
        await service.tick()
        await team.deliver()
        if n > 10:
            break
    teamed = team.summaries()[-1].summary
    assert network.outcome.synthesis.themes, "the answers share a theme"
    assert network.outcome.synthesis == teamed.outcome.synthesis
    pairs = [
        [(a.author, a.text) for a in item.answers]
        for item in (network.opening, *network.questions, network.droomvraag, *network.evaluation)
        if item is not None
    ]
    team_pairs = [
        [(a.author, a.text) for a in item.answers]
        for item in (teamed.opening, *teamed.questions, teamed.droomvraag, *teamed.evaluation)
        if item is not None
    ]
    assert pairs == team_pairs


async def test_plain_words_in_the_private_conversation_are_what_they_say(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    await channel.say(ANNA, START)
    await channel.say(BRAM, "/dialoog doe-mee")
    await channel.say(BRAM, "overslaan", direct=True)
    assert channel.private_questions(BRAM)[-1].step_number == 2
    await channel.say(BRAM, "Verder", direct=True)
    assert channel.private_questions(BRAM)[-1].step_number == 2  # asked again
    rnd = await state(service, channel)
    assert rnd.answers == ()  # neither word was kept as an answer


def test_a_network_reminder_says_where_to_answer() -> None:
    from bot.render import reminder_text

    reminder = ReminderPost(
        round_id=1, step_index=2, label="de netwerkronde", text="Je bent bij 1.1 (nog 5 vragen)",
        timezone="Europe/Amsterdam", platform="local", user_id="bram", name="Bram",
        kind="netwerk",
    )  # fmt: skip
    text = reminder_text(reminder)
    assert "in ons privégesprek" in text
    assert "draad" not in text
