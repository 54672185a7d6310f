"""Whatever a group and its coordinator do, in any order, the engine keeps its promises.

Hypothesis plays random sequences of commands, answers, edits, deletions and clock moves
against the pure engine and checks after every step: no step is posted twice, steps come
in card order, a finished or stopped round says nothing more, and every answer given is
kept exactly as last edited unless its author deleted it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import engine
from bot.commands import Action, ActionCommand
from bot.model import (
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    Cadence,
    ChannelRef,
    Person,
    RoundSettings,
    Status,
    StepState,
)
from bot.outbound import QuestionPost, ReminderPost, SummaryPost
from dialogues.cards import get_card

CARD = get_card("dialoogkaart")
CHANNEL = ChannelRef("local", "team")
PEOPLE = [Person("local", n, n.title()) for n in ("anna", "bram", "sara")]
START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

actions = st.one_of(
    st.tuples(st.just("wait"), st.integers(min_value=0, max_value=3 * 24 * 3600)),
    st.tuples(st.just("command"), st.sampled_from(list(Action)), st.sampled_from(PEOPLE)),
    st.tuples(st.just("answer"), st.sampled_from(PEOPLE), st.integers(0, 40), st.text(max_size=20)),
    st.tuples(st.just("edit"), st.integers(0, 60), st.text(max_size=20)),
    st.tuples(st.just("delete"), st.integers(0, 60)),
)


@settings(max_examples=150, deadline=None)
@given(
    cadence=st.sampled_from([Cadence(days=1), Cadence(seconds=3600)]),
    roles=st.sets(st.integers(1, 4), max_size=2),
    script=st.lists(actions, max_size=80),
)
def test_random_rounds_keep_their_promises(
    cadence: Cadence, roles: set[int], script: list[tuple[object, ...]]
) -> None:
    now = START
    rnd = engine.new_round(
        channel=CHANNEL,
        person=PEOPLE[0],
        settings=RoundSettings(card_id="dialoogkaart", cadence=cadence, roles=tuple(sorted(roles))),
        card=CARD,
        now=now,
    ).evolve(id=1)
    posted: list[int] = []
    reminded: set[tuple[int, str]] = set()
    quiet: set[str] = set()
    finals = 0
    expected: dict[str, tuple[str, str]] = {}  # message id -> (author key, text)
    counter = 0

    def absorb(outcome: engine.Outcome) -> None:
        nonlocal rnd, finals
        assert outcome.round is not None
        ended_before = not rnd.status.active
        for post in outcome.posts:
            if isinstance(post.content, QuestionPost):
                assert not ended_before, "a finished or stopped round posted a question"
                posted.append(post.content.step_index)
            if isinstance(post.content, SummaryPost) and post.content.summary.final:
                finals += 1
            if isinstance(post.content, ReminderPost):
                assert rnd.status is Status.RUNNING, "a reminder outside a running round"
                key = (post.content.step_index, post.content.user_id)
                assert key not in reminded, "reminded twice for one question"
                assert post.content.user_id not in quiet
                reminded.add(key)
        rnd = outcome.round

    absorb(engine.tick(rnd, now, CARD))
    for action in script:
        kind = action[0]
        if kind == "wait":
            now += timedelta(seconds=int(action[1]))  # type: ignore[call-overload]
            absorb(engine.tick(rnd, now, CARD))
        elif kind == "command":
            cmd = ActionCommand(action[1])  # type: ignore[arg-type]
            if action[1] is Action.REMINDERS:
                cmd = ActionCommand(Action.REMINDERS, "off")
                if rnd.status.active:
                    quiet.add(action[2].user_id)  # type: ignore[attr-defined]
            absorb(engine.command(rnd, cmd, action[2], now, CARD))  # type: ignore[arg-type]
        elif kind == "answer":
            who, step, text = action[1], int(action[2]), str(action[3])  # type: ignore[call-overload]
            counter += 1
            message_id = f"m{counter}"
            event = AnswerGiven(CHANNEL, who, message_id, text)  # type: ignore[arg-type]
            absorb(engine.answer(rnd, event, step, now))
            if step < len(rnd.steps) and rnd.steps[step].state is StepState.POSTED:
                expected[message_id] = (who.key, text)  # type: ignore[attr-defined]
        elif kind == "edit":
            message_id = f"m{action[1]}"
            if message_id in expected:
                author_key, _old = expected[message_id]
                author = next(p for p in PEOPLE if p.key == author_key)
                absorb(
                    engine.edit(rnd, AnswerEdited(CHANNEL, author, message_id, str(action[2])), now)
                )
                expected[message_id] = (author_key, str(action[2]))
        elif kind == "delete":
            message_id = f"m{action[1]}"
            absorb(engine.delete(rnd, AnswerDeleted(CHANNEL, message_id)))
            expected.pop(message_id, None)

        assert len(posted) == len(set(posted)), "a step was posted twice"
        assert posted == sorted(posted), "steps left card order"
        assert finals <= 1
        assert (finals == 1) == (rnd.status is Status.FINISHED)
        kept = {a.message_id: (a.person.key, a.text) for a in rnd.answers}
        assert kept == expected
        if rnd.status.active:
            assert rnd.next_due is not None
