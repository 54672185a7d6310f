"""The pure engine on a clock we move by hand: weeks of a round in milliseconds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import engine
from bot.commands import Action, ActionCommand
from bot.model import (
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    Cadence,
    ChannelRef,
    Person,
    Round,
    RoundSettings,
    Status,
    StepKind,
    StepState,
)
from bot.outbound import NoticePost, Post, QuestionPost, ReminderPost, SummaryPost
from bot.values import CommandError
from dialogues.cards import get_card

AMS = ZoneInfo("Europe/Amsterdam")
CARD = get_card("dialoogkaart")
CHANNEL = ChannelRef("local", "team")
ANNA = Person("local", "anna", "Anna")
BRAM = Person("local", "bram", "Bram")
START = datetime(2026, 11, 23, 8, 0, tzinfo=AMS).astimezone(UTC)


def started(now: datetime = START, **settings: object) -> tuple[Round, list[Post]]:
    rnd = engine.new_round(
        channel=CHANNEL,
        person=ANNA,
        settings=RoundSettings(card_id="dialoogkaart", **settings),  # type: ignore[arg-type]
        card=CARD,
        now=now,
    ).evolve(id=1)
    out = engine.tick(rnd, now, CARD)
    assert out.round is not None
    return out.round, list(out.posts)


def run_until_due(rnd: Round) -> tuple[Round, list[Post], datetime]:
    assert rnd.next_due is not None
    now = rnd.next_due
    out = engine.tick(rnd, now, CARD)
    assert out.round is not None
    return out.round, list(out.posts), now


def act(
    rnd: Round, action: Action, who: Person = ANNA, now: datetime = START, arg: str | None = None
) -> engine.Outcome:
    return engine.command(rnd, ActionCommand(action, arg), who, now, CARD)


def give(
    rnd: Round,
    step: int,
    who: Person,
    message_id: str,
    text: str,
    now: datetime,
    private: bool = False,
) -> Round:
    event = AnswerGiven(CHANNEL, who, message_id, text, private=private)
    out = engine.answer(rnd, event, step, now)
    assert out.round is not None
    return out.round


def test_plan_has_opening_all_26_questions_droomvraag_and_evaluation() -> None:
    steps = engine.plan_steps(CARD, RoundSettings(card_id="dialoogkaart"))
    assert [s.kind for s in steps[:2]] == [StepKind.OPENING, StepKind.QUESTION]
    assert [s.ref for s in steps if s.kind is StepKind.QUESTION][:3] == ["1.1", "1.2", "1.3"]
    assert len(steps) == 1 + 26 + 1 + 3
    assert [s.ref for s in steps[-4:]] == ["droomvraag", "inzichten", "acties", "betrekken"]


def test_plan_selects_roles_and_questions_in_card_order() -> None:
    settings = RoundSettings(card_id="dialoogkaart", roles=(3,), questions=("4.4", "1.2"))
    refs = [s.ref for s in engine.plan_steps(CARD, settings) if s.kind is StepKind.QUESTION]
    assert refs == ["1.2", "3.1", "3.2", "3.3", "3.4", "3.5", "4.4"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"roles": (7,)}, "Rol 7 bestaat niet"), ({"questions": ("2.10",)}, "Vraag 2.10 staat niet")],
)
def test_unknown_roles_and_questions_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        engine.plan_steps(CARD, RoundSettings(card_id="dialoogkaart", **settings))  # type: ignore[arg-type]


def test_a_daily_round_runs_on_school_days_to_the_summary() -> None:
    rnd, posts = started()
    assert isinstance(posts[0].content, NoticePost)
    opening = posts[1].content
    assert isinstance(opening, QuestionPost)
    assert opening.kind is StepKind.OPENING
    assert opening.invitation == CARD.opening.invitation
    assert (opening.step_number, opening.step_count) == (1, 31)
    assert opening.answer_until == datetime(2026, 11, 24, 9, 0, tzinfo=AMS)

    posted_on: list[date] = []
    summary: SummaryPost | None = None
    while rnd.status is Status.RUNNING:
        rnd, posts, now = run_until_due(rnd)
        assert len(posts) == 1
        content = posts[0].content
        local = now.astimezone(AMS)
        assert (local.hour, local.minute) == (9, 0)
        posted_on.append(local.date())
        if isinstance(content, SummaryPost):
            summary = content

    assert summary is not None
    assert summary.summary.final
    assert rnd.status is Status.FINISHED
    assert len(posted_on) == 30 + 1  # 30 steps after the opening, then the summary
    assert all(d.weekday() < 5 for d in posted_on)
    assert date(2026, 12, 25) not in posted_on
    assert date(2027, 1, 1) not in posted_on
    assert posted_on[-1] == date(2027, 1, 7)


def test_nothing_is_posted_before_its_time_and_one_step_per_tick_after_downtime() -> None:
    rnd, _ = started()
    early = engine.tick(rnd.evolve(remind_at=None), datetime(2026, 11, 24, 8, 59, tzinfo=AMS), CARD)
    assert early.posts == ()
    much_later = datetime(2026, 12, 2, 10, 0, tzinfo=AMS)  # the bot was down for a week
    out = engine.tick(rnd, much_later, CARD)
    assert out.round is not None
    assert [p.content.ref for p in out.posts if isinstance(p.content, QuestionPost)] == ["1.1"]
    assert out.round.next_due == datetime(2026, 12, 3, 9, 0, tzinfo=AMS)


def test_a_round_can_begin_later() -> None:
    rnd, posts = started(begin=date(2026, 12, 1))
    assert rnd.status is Status.SCHEDULED
    assert posts == []
    assert rnd.next_due == datetime(2026, 12, 1, 9, 0, tzinfo=AMS)
    rnd, posts, _ = run_until_due(rnd)
    assert rnd.status is Status.RUNNING
    assert isinstance(posts[1].content, QuestionPost)


def test_pause_holds_the_round_and_resume_goes_on() -> None:
    rnd, _ = started()
    out = act(rnd, Action.PAUSE)
    assert out.round is not None
    assert out.round.status is Status.PAUSED
    paused = out.round
    assert isinstance(out.posts[0].content, NoticePost)
    assert "gepauzeerd" in out.posts[0].content.text
    later = datetime(2026, 11, 26, 9, 0, tzinfo=AMS)
    assert engine.tick(paused, later, CARD).posts == ()
    assert act(paused, Action.PAUSE).replies[0].text.startswith("De ronde staat al op pauze")
    # answers still count while paused
    paused = give(paused, 0, BRAM, "m1", "Tijdens de pauze", later)
    resumed = act(paused, Action.RESUME, now=later)
    assert resumed.round is not None
    assert resumed.round.status is Status.RUNNING
    refs = [p.content.ref for p in resumed.posts if isinstance(p.content, QuestionPost)]
    assert refs == ["1.1"]  # overdue during the pause: posted at once on resume
    assert len(resumed.round.answers) == 1


def test_next_posts_now_and_skip_leaves_a_step_out() -> None:
    rnd, _ = started()
    out = act(rnd, Action.SKIP)
    assert out.round is not None
    assert "Overgeslagen: 1.1" in out.replies[0].text
    out = act(out.round, Action.SKIP, arg="2.4")
    assert out.round is not None
    assert out.round.steps[1].state is StepState.SKIPPED
    out = act(out.round, Action.NEXT, now=START + timedelta(minutes=5))
    assert out.round is not None
    question = out.posts[0].content
    assert isinstance(question, QuestionPost)
    assert question.ref == "1.2"
    assert question.step_count == 29
    again = act(out.round, Action.SKIP, arg="1.2")
    assert "al gesteld of overgeslagen" in again.replies[0].text
    assert "hoort niet bij deze ronde" in act(out.round, Action.SKIP, arg="9.9").replies[0].text


def test_only_coordinators_change_a_round_but_anyone_asks_status() -> None:
    rnd, _ = started()
    for action in (Action.PAUSE, Action.NEXT, Action.SKIP, Action.SUMMARY, Action.STOP):
        out = act(rnd, action, who=BRAM)
        assert out.round is rnd
        assert out.posts == ()
        assert "Alleen een coördinator" in out.replies[0].text
    assert "Ronde 1" in act(rnd, Action.STATUS, who=BRAM).replies[0].text
    admin = engine.command(rnd, ActionCommand(Action.PAUSE), BRAM, START, CARD, is_admin=True)
    assert admin.round is not None
    assert admin.round.status is Status.PAUSED


def test_stop_cancels_and_a_stopped_round_takes_no_commands() -> None:
    rnd, _ = started()
    out = act(rnd, Action.STOP)
    assert out.round is not None
    assert out.round.status is Status.CANCELLED
    assert out.round.next_due is None
    assert "al afgelopen" in act(out.round, Action.PAUSE).replies[0].text
    assert act(out.round, Action.SUMMARY).posts  # the coordinator can still get the answers


def test_answers_edits_deletions_and_late_answers() -> None:
    rnd, _ = started()
    rnd = give(rnd, 0, BRAM, "m1", "Eerste gedachte", START)
    rnd = give(rnd, 0, BRAM, "m2", "En nog iets", START)
    rnd = give(rnd, 0, BRAM, "m2", "En nog iets", START)  # redelivered: kept once
    rnd, _, now = run_until_due(rnd)  # question 1.1 is out
    rnd = give(rnd, 0, ANNA, "m3", "Laat, maar telt mee", now)
    out = engine.edit(rnd, AnswerEdited(CHANNEL, BRAM, "m1", "Eerste gedachte, aangevuld"), now)
    assert out.round is not None
    rnd = out.round
    not_hers = engine.edit(
        rnd, AnswerEdited(CHANNEL, ANNA, "m1", "Anna schrijft over Bram heen"), now
    )
    assert not_hers.round is not None
    assert not_hers.round.answers == rnd.answers
    out = engine.delete(rnd, AnswerDeleted(CHANNEL, "m2"))
    assert out.round is not None
    rnd = out.round
    assert [(a.message_id, a.text) for a in rnd.answers] == [
        ("m1", "Eerste gedachte, aangevuld"),
        ("m3", "Laat, maar telt mee"),
    ]
    assert rnd.answers[0].edited_at == now
    refused = engine.answer(rnd, AnswerGiven(CHANNEL, BRAM, "m9", "te vroeg"), 5, now)
    assert refused.round is rnd
    assert "niet antwoorden" in refused.replies[0].text


def test_partial_summary_withholds_private_answers_and_anonymous_hides_names() -> None:
    rnd, _ = started(anonymous=True)
    rnd = give(rnd, 0, BRAM, "m1", "openbaar", START)
    rnd = give(rnd, 0, ANNA, "m2", "geheim", START, private=True)
    out = act(rnd, Action.SUMMARY)
    summary = out.posts[0].content
    assert isinstance(summary, SummaryPost)
    s = summary.summary
    assert not s.final
    assert s.private_withheld == 1
    assert s.opening is not None
    assert [a.text for a in s.opening.answers] == ["openbaar"]
    # an anonymous round letters its people; the private answer is not counted at all
    assert [a.author for a in s.opening.answers] == ["deelnemer A"]
    assert [(p.author, p.answered) for p in s.participation] == [("deelnemer A", 1)]
    dumped = s.model_dump_json()
    assert "Anna" not in dumped
    assert "Bram" not in dumped


def test_private_answer_gets_a_private_thank_you() -> None:
    rnd, _ = started()
    out = engine.answer(
        rnd, AnswerGiven(CHANNEL, BRAM, "p1", "liever privé", private=True), 0, START
    )
    assert out.replies[0].private
    assert "eindsamenvatting" in out.replies[0].text


def test_cadence_in_seconds_for_a_fast_round() -> None:
    rnd, _ = started(cadence=Cadence(seconds=5))
    assert rnd.next_due == START + timedelta(seconds=5)


def test_reminders_go_once_to_participants_who_have_not_answered() -> None:
    sara = Person("local", "sara", "Sara")
    rnd, _ = started()
    rnd = give(rnd, 0, BRAM, "m1", "opening", START)
    rnd = give(rnd, 0, sara, "m2", "opening", START)
    rnd, _, now = run_until_due(rnd)  # 1.1, Tuesday 09:00
    assert rnd.remind_at == datetime(2026, 11, 24, 15, 0, tzinfo=AMS)  # end of the school day
    rnd = give(rnd, 1, BRAM, "m3", "1.1", now)
    quiet = act(rnd, Action.REMINDERS, who=ANNA, arg="off")
    assert quiet.round is not None
    assert "geen herinneringen" in quiet.replies[0].text
    rnd = quiet.round

    before = engine.tick(rnd, datetime(2026, 11, 24, 14, 59, tzinfo=AMS), CARD)
    assert before.posts == ()
    out = engine.tick(rnd, datetime(2026, 11, 24, 15, 0, tzinfo=AMS), CARD)
    reminders = [p.content for p in out.posts]
    assert [(r.name, r.label) for r in reminders] == [("Sara", "vraag 1.1")]  # type: ignore[union-attr]
    assert isinstance(reminders[0], ReminderPost)
    assert reminders[0].answer_until == datetime(2026, 11, 25, 9, 0, tzinfo=AMS)
    assert out.round is not None
    again = engine.tick(out.round, datetime(2026, 11, 24, 16, 0, tzinfo=AMS), CARD)
    assert again.posts == ()  # once per question


def test_no_reminders_while_paused_or_after_the_end() -> None:
    rnd, _ = started()
    rnd = give(rnd, 0, BRAM, "m1", "opening", START)
    rnd, _, _now = run_until_due(rnd)
    paused = act(rnd, Action.PAUSE).round
    assert paused is not None
    assert engine.tick(paused, datetime(2026, 11, 24, 15, 0, tzinfo=AMS), CARD).posts == ()
    stopped = act(rnd, Action.STOP).round
    assert stopped is not None
    assert stopped.remind_at is None


def test_a_fast_round_reminds_three_quarters_of_the_way() -> None:
    rnd, _ = started(cadence=Cadence(seconds=40))
    assert rnd.remind_at == START + timedelta(seconds=30)
