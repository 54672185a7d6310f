"""The synthesis reads answers in the card's language: hand-written English answers whose
shared themes and differences are known, and Dutch answers that read as they always did."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

import pytest

from bot.model import Answer as RoundAnswer
from bot.model import ChannelRef, Person, Round, RoundSettings, Status, Step, StepKind
from bot.summary import card_words, draft
from bot.synthesis import Statement, Synthesis, synthesize
from dialogues.cards import get_card
from tests.test_synthesis import CARD_TEXT as DUTCH_CARD_TEXT
from tests.test_synthesis import EVALUATION, TIME_ROUND, demo_statements, st, theme_with

TODAY = date(2026, 11, 27)
CARD = get_card("dialoogkaart-en")
CARD_TEXT = card_words(CARD)


def run(statements: list[Statement], card_text: str = CARD_TEXT) -> Synthesis:
    return synthesize(statements, card_text=card_text, today=TODAY, language="en")


def terms(result: Synthesis) -> set[str]:
    return {term for theme in result.themes for term in theme.terms}


# Time and the timetable come back in different steps and words, next to other things.
TIME_ROUND_EN = [
    st("1.1", "anna", "Training teachers belongs to good education. We say that often."),
    st("1.6", "fatima", "I would like more time for feedback. It often gets squeezed out."),
    st("1.6", "bram", "The pupils give a workshop on the study day."),
    st("2.4", "anna", "Part-time pupils get a different timetable from full-time ones."),
    st("3.3", "fatima", "A fixed hour for debriefing, neatly put in the timetable."),
    st("4.4", "bram", "There are no times set aside for debriefing: it happens during the break."),
    st("4.4", "anna", "The timetable is the bottleneck. Next year we will plan differently."),
    st("inzichten", "fatima", "Everyone runs out of time."),
    st("acties", "anna", "Put debriefing in the timetable first, by the end of March."),
]


def test_an_english_theme_gathers_its_forms_steps_and_sources() -> None:
    result = run(TIME_ROUND_EN)
    assert result.enough
    assert result.note is None

    time = theme_with(result, "time")
    # "times" is "time"; "timetable", "part-time" and "full-time" are other words
    assert time.refs == ["1.6", "4.4", "inzichten"]
    assert time.people == 2
    assert [(s.ref, s.author) for s in time.sources] == [
        ("1.6", "fatima"),
        ("4.4", "bram"),
        ("inzichten", "fatima"),
    ]
    assert time.sources[0].excerpt == "I would like more time for feedback."

    timetable = theme_with(result, "timetable")
    assert timetable.refs == ["2.4", "3.3", "4.4", "acties"]
    assert timetable.sources[2].excerpt == "The timetable is the bottleneck."
    # a gerund is a noun: Fatima, Bram and Anna bring up "debriefing"
    assert theme_with(result, "debriefing").refs == ["3.3", "4.4", "acties"]


def test_the_english_cards_words_and_stop_words_are_no_theme() -> None:
    statements = [
        st("1.1", "anna", "As leaders we would really like to do something about it."),
        st("1.2", "bram", "Leaders in the school would really like something like that."),
        st("1.3", "anna", "The school leaders should do something about it, really."),
        st("1.4", "bram", "Really, the school has to do something about it."),
        st("1.5", "fatima", "Nothing else."),
        st("1.6", "daan", "Nothing else."),
    ]
    result = run(statements)
    assert result.themes == []
    assert result.note is not None
    # without the card, "school" and "leaders" are just words the group shares
    assert {"school", "leaders"} <= terms(run(statements, card_text=""))


def test_english_compounds_are_not_split() -> None:
    """English writes compounds apart: "timetable" is no time, and "planning time" is two
    words, the second of which is the time."""
    statements = [
        st("1.1", "anna", "The timetable is full."),
        st("1.2", "bram", "A new timetable, please."),
        st("1.3", "fatima", "We need planning time."),
        st("1.4", "anna", "There is no time for it."),
        st("2.1", "daan", "Our timeframe is tight."),
        st("2.2", "bram", "Not now."),
    ]
    result = run(statements, card_text="")
    assert theme_with(result, "timetable").refs == ["1.1", "1.2"]
    assert theme_with(result, "time").refs == ["1.3", "1.4"]
    assert "timeframe" not in terms(result)


def test_a_verb_does_not_make_a_theme_but_the_noun_does() -> None:
    """ "It costs" and "we planned" are verbs: they do not count towards "costs" or "plan"."""
    verbs = [
        st("1.1", "anna", "It costs a lot of energy."),
        st("1.2", "bram", "This costs us every break."),
        st("1.3", "fatima", "The costs are for the school board."),
        st("1.4", "anna", "We planned the debriefs carefully."),
        st("1.5", "bram", "Everything was planned in advance."),
        st("1.6", "fatima", "The plan is ready."),
    ]
    result = run(verbs, card_text="")
    assert result.themes == []
    nouns = [
        st("1.1", "anna", "The costs are high."),
        st("1.2", "bram", "Who pays the costs?"),
        st("1.4", "anna", "We have a plan."),
        st("1.5", "bram", "The plan works."),
        st("1.3", "fatima", "Nothing to add."),
        st("1.6", "fatima", "Nothing else."),
    ]
    assert {"costs", "plan"} <= terms(run(nouns, card_text=""))


def test_a_plural_before_a_verb_is_a_noun() -> None:
    """English modifiers are singular ("student teachers"): "pupils notice" is a subject
    and its verb, so "pupils" is a noun there, and a theme."""
    statements = [
        st("1.1", "anna", "Pupils notice the difference."),
        st("1.2", "bram", "Pupils notice everything."),
        st("1.3", "anna", "Nothing to add."),
        st("1.4", "bram", "Nothing else."),
        st("1.5", "fatima", "No."),
        st("1.6", "daan", "No."),
    ]
    assert terms(run(statements, card_text="")) == {"pupils"}


def test_divergent_and_shared_views_in_english() -> None:
    statements = [
        st("1.4", "anna", "Bram joins the MT meeting when it is about training. It could be more."),
        st("1.4", "bram", "Still too much one-way traffic: what the MT learns rarely gets back."),
        st("3.2", "anna", "Mentors get 40 hours a year. Is that enough? I hear it is not enough."),
        st("3.2", "bram", "I get one day a week, and a few colleagues help out."),
        st("1.1", "anna", "Anyone may mentor a student, not just the experienced colleagues."),
        st("1.1", "fatima", "I hadn't expected that: a warm welcome."),
        st("2.7", "anna", "A welcome morning with a tour given by pupils."),
        st("2.7", "daan", "Pupils gave me a tour. The nicest welcome ever."),
    ]
    result = run(statements)
    kinds = {c.ref: c.kind for c in result.contrasts}
    assert kinds["1.4"] == "verschil"
    assert kinds["3.2"] == "verschil"  # "a few colleagues" is no shortfall
    # "not just" and "hadn't expected" are no complaint, and nothing is shared
    assert "1.1" not in kinds
    assert kinds["2.7"] == "gedeeld"
    shared = next(c for c in result.contrasts if c.ref == "2.7").shared_terms
    assert {"pupils", "tour"} <= set(shared)


def test_english_action_rows_split_whom_and_yield_and_read_dates() -> None:
    statements = [
        st("acties", "anna", "Mentoring hours first in the timetable, before 1 March 2027."),
        st("acties", "bram", "By the end of March a plan for feedback in the team meeting."),
        st("acties", "fatima", "Schedule debriefs in advance."),
        st("acties", "daan", "From January, sit in on other classes."),
        st(
            "betrekken",
            "anna",
            "The programme leader and HR of the board: I want mentoring to get a place.",
        ),
        st("betrekken", "bram", "The pabo lecturer, so that the forms fit better."),
        st("betrekken", "fatima", "The other mentors, in order to draw up a proposal together."),
        st("betrekken", "daan", "I will talk to my study career counsellor."),
        st("betrekken", "eva", "The IB'er. That should yield a plan for care.", author=None),
        st("betrekken", "femke", "The deputy head, to get the timetable right."),
    ]
    rows = run(statements).actions
    assert [r.author for r in rows] == ["anna", "bram", "fatima", "daan", None, "femke"]

    anna, bram, fatima, daan, eva, femke = rows
    assert anna.with_whom == "The programme leader and HR of the board"
    assert anna.yields == "Mentoring to get a place"
    assert anna.by_when == date(2027, 3, 1)

    assert bram.with_whom == "The pabo lecturer"
    assert bram.yields == "The forms fit better"
    assert bram.by_when == date(2027, 3, 31)  # the next end of March after 27 November 2026

    assert fatima.with_whom == "The other mentors"
    assert fatima.yields == "Draw up a proposal together"
    assert fatima.by_when is None

    # "from January" starts something; it is no deadline. "talk to" opens no yield.
    assert daan.by_when is None
    assert daan.starts == date(2027, 1, 1)
    assert daan.with_whom == "I will talk to my study career counsellor"
    assert daan.yields is None

    assert eva.with_whom == "The IB'er"
    assert eva.yields == "That should yield a plan for care"

    assert femke.with_whom == "The deputy head"
    assert femke.yields == "Get the timetable right"


@pytest.mark.parametrize(
    ("text", "today", "by_when", "starts"),
    [
        ("Done by the end of March.", TODAY, date(2027, 3, 31), None),
        ("Before 1 April.", TODAY, date(2027, 4, 1), None),
        ("In May 2027.", TODAY, date(2027, 5, 31), None),
        ("From September.", TODAY, None, date(2027, 9, 1)),
        ("As of 1 February.", TODAY, None, date(2027, 2, 1)),
        ("Starting in January.", TODAY, None, date(2027, 1, 1)),
        ("By March.", TODAY, date(2027, 3, 31), None),
        ("Before March.", TODAY, date(2027, 3, 1), None),
        ("Early in the year, at the beginning of June.", TODAY, date(2027, 6, 1), None),
        ("Ready on the 3rd of December.", TODAY, date(2026, 12, 3), None),
        ("Ready on December 3rd, 2027.", TODAY, date(2027, 12, 3), None),
        ("Ready on 3 November.", TODAY, date(2027, 11, 3), None),
        ("Late November.", TODAY, date(2026, 11, 30), None),
        ("End of March.", date(2026, 2, 10), date(2026, 3, 31), None),
        ("Ready on 15/3/2027.", TODAY, date(2027, 3, 15), None),
        ("Ready on 2027-02-15.", TODAY, date(2027, 2, 15), None),
        # "may" and "march" are verbs too
        ("We may need more time.", TODAY, None, None),
        ("May I suggest we finish in June?", TODAY, date(2027, 6, 30), None),
        ("Next school year.", TODAY, None, None),
        ("Ready on 31-2-2027.", TODAY, None, None),
        # Dutch month names are no English dates
        ("Eind maart.", TODAY, None, None),
    ],
)
def test_english_dates(text: str, today: date, by_when: date | None, starts: date | None) -> None:
    rows = synthesize(
        [st("acties", "anna", text)], card_text="", today=today, language="en"
    ).actions
    assert (rows[0].by_when, rows[0].starts) == (by_when, starts)


# --- Dutch as before -------------------------------------------------------------------

DUTCH_CARD = get_card("dialoogkaart")


def dutch(statements: list[Statement], language: Literal["nl", "en"] | None = None) -> Synthesis:
    """As tests/test_synthesis.py runs it, with ``language`` or without."""
    if language is None:
        return synthesize(statements, card_text=DUTCH_CARD_TEXT, today=TODAY)
    return synthesize(statements, card_text=DUTCH_CARD_TEXT, today=TODAY, language=language)


def test_dutch_answers_read_as_dutch_give_what_they_gave_before() -> None:
    """The demo round through ``language="nl"``: the themes and contrasts the synthesis
    found before it read English, word for word."""
    result = dutch(demo_statements(), language="nl")
    assert result == dutch(demo_statements())
    assert [(t.title, t.terms, t.people) for t in result.themes] == [
        ("studenten", ["studenten"], 4),
        ("begeleider · werkplek", ["begeleider", "werkplek", "werkplekbegeleiders"], 4),
        ("pabo", ["pabo"], 3),
        ("plannen", ["plannen"], 3),
        ("groep", ["groep"], 4),
    ]
    assert theme_with(result, "plannen").refs == ["1.1", "2.2", "2.4", "2.9", "3.4", "4.1", "4.4"]
    assert [(c.ref, c.kind, c.shared_terms) for c in result.contrasts] == [
        ("1.2", "gedeeld", ["studenten"]),
        ("1.3", "gedeeld", ["leerteam"]),
        ("1.4", "verschil", []),
        ("1.6", "gedeeld", ["studiedag", "studenten"]),
        ("2.2", "gedeeld", ["begeleider"]),
        ("2.4", "gedeeld", ["dagen"]),
        ("2.6", "gedeeld", ["groep"]),
        ("2.7", "gedeeld", ["leerlingen", "rondleiding", "welkom"]),
        ("3.1", "verschil", ["overleg"]),
        ("3.2", "verschil", []),
        ("3.4", "verschil", ["begeleiders", "werkplekbegeleiders"]),
        ("3.5", "verschil", []),
        ("4.1", "gedeeld", ["studenten"]),
        ("4.2", "gedeeld", ["praktijk"]),
        ("4.3", "gedeeld", ["carrousel"]),
        ("4.5", "gedeeld", ["studenten"]),
        ("4.6", "gedeeld", ["plaatsingen"]),
    ]
    assert result.dream is not None
    assert [(t.title, t.people) for t in result.dream.recurring] == [
        ("begeleiders", 2),
        ("studenten", 2),
    ]
    assert [(r.author, r.starts, r.yields) for r in result.actions] == [
        ("Anna de Vries", None, "Begeleiding een plek krijgt in de gesprekscyclus"),
        ("Bram Jansen", date(2027, 1, 1), "De beoordelingsformulieren beter aansluiten"),
        ("Fatima El Amrani", None, "Samen een voorstel voor nabespreektijd te maken"),
        ("Daan Visser", None, "Mijn werkplek en opleiding beter op elkaar aansluiten"),
    ]


def test_dutch_answers_read_as_english_lose_what_is_dutch() -> None:
    """The language matters: read as English, "nabespreektijd" is no time, "eind maart" no
    date and "zodat" no yield."""
    as_dutch = dutch(TIME_ROUND)
    as_english = dutch(TIME_ROUND, language="en")
    assert theme_with(as_dutch, "tijd").refs == ["1.6", "4.4", "inzichten"]
    assert not [t for t in as_english.themes if "tijd" in t.terms and "4.4" in t.refs]

    actions = [
        st("acties", "anna", "Eind maart een plan."),
        st("betrekken", "anna", "De pabo-docent, zodat de formulieren aansluiten."),
    ]
    [nl] = dutch(actions, language="nl").actions
    [en] = dutch(actions, language="en").actions
    assert (nl.by_when, nl.yields) == (date(2027, 3, 31), "De formulieren aansluiten")
    assert (en.by_when, en.yields) == (None, None)


# --- through the summary ------------------------------------------------------------------


def english_round(card_id: str) -> Round:
    """A finished round on ``card_id`` with the English answers of TIME_ROUND_EN."""
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    refs = list(dict.fromkeys(s.ref for s in TIME_ROUND_EN))
    kinds = {r: StepKind.EVALUATION if r in EVALUATION else StepKind.QUESTION for r in refs}
    people = {name: Person("local", name, name.title()) for name in ("anna", "bram", "fatima")}
    answers = tuple(
        RoundAnswer(
            step_index=refs.index(s.ref),
            person=people[s.person],
            message_id=f"m{n}",
            text=s.text,
            given_at=start,
        )
        for n, s in enumerate(TIME_ROUND_EN)
    )
    return Round(
        id=1,
        channel=ChannelRef("local", "team"),
        settings=RoundSettings(card_id=card_id),
        status=Status.FINISHED,
        steps=tuple(Step(kinds[r], r) for r in refs),
        coordinators=frozenset({people["anna"].key}),
        created_at=start,
        started_by=people["anna"],
        answers=answers,
    )


def test_the_summary_reads_a_round_in_its_cards_language() -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    english = draft(CARD, english_round(CARD.id), now)
    assert "time" in terms(english)
    [anna] = [r for r in english.actions if r.author == "Anna"]
    assert anna.by_when == date(2027, 3, 31)

    # the same answers on the Dutch card are read as Dutch: no English date
    dutch_card = draft(DUTCH_CARD, english_round(DUTCH_CARD.id), now)
    [anna] = [r for r in dutch_card.actions if r.author == "Anna"]
    assert anna.by_when is None
