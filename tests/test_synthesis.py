"""The synthesis on hand-written Dutch answers whose shared themes and differences are known."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.synthesis import Statement, Synthesis, Theme, synthesize
from dialogues.cards import get_card

TODAY = date(2026, 11, 27)
CARD = get_card("dialoogkaart")
CARD_TEXT = "\n".join(
    [
        CARD.opening.question,
        *(q.text for _role, q in CARD.questions()),
        CARD.droomvraag.text,
        *(e.text for e in CARD.evaluation),
    ]
)
DEMO = Path(__file__).resolve().parents[1] / "adapters" / "local" / "demo_answers.yaml"
EVALUATION = {"inzichten", "acties", "betrekken"}


def st(
    ref: str, person: str, text: str, *, author: str | None = "", section: str = ""
) -> Statement:
    """A statement; the author defaults to the person's name, the section to the ref's kind."""
    if not section:
        section = ref if ref in EVALUATION | {"opening", "droomvraag"} else "question"
    return Statement(
        ref=ref,
        label=ref,
        section=section,
        person=person,
        author=person if author == "" else author,
        text=text,
    )


def run(statements: list[Statement], card_text: str = CARD_TEXT) -> Synthesis:
    return synthesize(statements, card_text=card_text, today=TODAY)


def theme_with(result: Synthesis, term: str) -> Theme:
    found = [t for t in result.themes if term in t.terms]
    assert found, f"no theme with {term!r}: {[t.title for t in result.themes]}"
    return found[0]


# A round in which time and the timetable come back in different steps and words, next to
# answers about other things.
TIME_ROUND = [
    st("1.1", "anna", "Opleiden hoort bij goed onderwijs. Dat zeggen we vaak."),
    st("1.6", "fatima", "Graag meer tijd voor feedback. Dat schiet er vaak bij in."),
    st("1.6", "bram", "De studenten geven zelf een workshop op de studiedag."),
    st("2.4", "anna", "Deeltijders krijgen een ander rooster dan voltijders."),
    st("3.3", "fatima", "Een vast uur voor nabespreken, netjes in het rooster gezet."),
    st("4.4", "bram", "Er is geen nabespreektijd: het gebeurt in de pauze."),
    st("4.4", "anna", "Het rooster is de bottleneck. Volgend jaar plannen we anders."),
    st("inzichten", "fatima", "Iedereen loopt tegen de tijd aan."),
    st("acties", "anna", "De begeleiding eerst in het rooster zetten."),
]


def test_shared_theme_gathers_compounds_with_its_steps_and_sources() -> None:
    result = run(TIME_ROUND)
    assert result.enough
    assert result.note is None

    tijd = theme_with(result, "tijd")
    # "nabespreektijd" is time too: Bram joins Fatima, across three steps
    assert tijd.refs == ["1.6", "4.4", "inzichten"]
    assert tijd.people == 2
    assert [(s.ref, s.author) for s in tijd.sources] == [
        ("1.6", "fatima"),
        ("4.4", "bram"),
        ("inzichten", "fatima"),
    ]
    # the excerpt is the sentence that holds the term, not the whole answer
    assert tijd.sources[0].excerpt == "Graag meer tijd voor feedback."
    assert tijd.sources[1].excerpt == "Er is geen nabespreektijd: het gebeurt in de pauze."

    rooster = theme_with(result, "rooster")
    assert rooster.refs == ["2.4", "3.3", "4.4", "acties"]
    assert rooster.people == 2
    assert rooster.sources[2].excerpt == "Het rooster is de bottleneck."


def test_themes_rank_by_people_times_steps_and_keep_at_most_five() -> None:
    statements = []
    for n, word in enumerate(["vergadering", "schoolplan", "leesbeleid", "werkdruk", "ruimte"]):
        # the n-th word is used by 2 people in 2 + n steps
        for step in range(2 + n):
            statements.append(st(f"{n + 1}.{step + 1}", "anna", f"Het gaat om de {word}."))
        statements.append(st(f"{n + 1}.1", "bram", f"Ook de {word} telt."))
    # as many people and steps as "vergadering", but fewer answers: it loses the tie
    statements.append(st("4.6", "daan", "De carrousel was mooi."))
    statements.append(st("4.5", "bram", "Een carrousel helpt."))
    result = run(statements, card_text="")
    assert [t.title for t in result.themes] == [
        "ruimte",
        "werkdruk",
        "leesbeleid",
        "schoolplan",
        "vergadering",
    ]
    assert "carrousel" not in {term for t in result.themes for term in t.terms}


def test_words_of_the_card_are_no_theme_but_a_word_it_uses_once_can_be() -> None:
    card = (
        "Hoe werk je in je team aan Samen Opleiden met aanstaande leraren? "
        "Wat betekent Samen Opleiden voor aanstaande leraren in je team? "
        "Hoe regel je het rooster?"
    )
    statements = [
        st("1.1", "anna", "Opleiden van aanstaande leraren doen we met het hele team."),
        st("1.2", "bram", "Opleiden is bij ons een teamzaak: leraren leren mee."),
        st("1.3", "anna", "Het team leidt aanstaande leraren op, het rooster wringt."),
        st("1.4", "bram", "In het team bespreken we het rooster elke maand."),
        st("2.1", "fatima", "Opleiden kost tijd, en de leraren hebben die niet."),
        st("2.2", "fatima", "Het rooster laat weinig ruimte."),
    ]
    result = run(statements, card_text=card)
    terms = {term for theme in result.themes for term in theme.terms}
    assert not terms & {"opleiden", "team", "leraren", "aanstaande"}
    # "rooster" is in the card once, as the prompt of one question, and still a theme
    assert "rooster" in terms
    # without the card it is just a word, and "team" becomes a theme
    assert "team" in {term for t in run(statements, card_text="").themes for term in t.terms}


def test_compounds_are_found_conservatively() -> None:
    statements = [
        st("1.1", "anna", "Wij hebben te weinig lestijd."),
        st("1.2", "bram", "De roostertijd is krap."),
        st("1.3", "fatima", "De tijd vliegt."),
        st("1.4", "anna", "Het is tijdelijk zo, zei de directie."),
        st("1.5", "bram", "De cultuur van de school is open."),
        st("1.6", "fatima", "Altijd weer een uur te kort voor het overleg."),
        st("2.1", "daan", "Het uur is om."),
        st("2.2", "anna", "Meer begeleidingsuren graag."),
    ]
    result = run(statements, card_text="")
    tijd = theme_with(result, "tijd")
    assert tijd.refs == ["1.1", "1.2", "1.3"]  # lestijd, roostertijd, tijd
    # "tijdelijk", "altijd" are other words; "uur" is not found in "cultuur"
    assert theme_with(result, "uur").refs == ["1.6", "2.1", "2.2"]


def test_divergent_views_on_a_question_are_a_verschil() -> None:
    statements = [
        st(
            "1.4",
            "anna",
            "Bram schuift aan bij het MT-overleg als het over opleiden gaat. Dat kan vaker.",
        ),
        st(
            "1.4",
            "bram",
            "Nog te veel eenrichtingsverkeer: wat het MT leert komt zelden terug bij de opleiders.",
        ),
        st(
            "3.2",
            "anna",
            "Werkplekbegeleiders krijgen 40 uur per jaar. Of dat genoeg is? Ik hoor van niet.",
        ),
        st("3.2", "bram", "Ik krijg een dag per week. Voldoende, maar niet optimaal."),
        st("1.1", "anna", "Iedereen mag een student begeleiden, niet alleen de ervaren collega's."),
        st("1.1", "fatima", "Dat had ik niet verwacht: een warm welkom."),
    ]
    result = run(statements)
    kinds = {c.ref: c.kind for c in result.contrasts}
    assert kinds["1.4"] == "verschil"
    assert kinds["3.2"] == "verschil"
    # "niet alleen" and "niet verwacht" are no complaint, and nothing is shared: not reported
    assert "1.1" not in kinds
    verschil = next(c for c in result.contrasts if c.ref == "1.4")
    assert [s.author for s in verschil.sides] == ["anna", "bram"]
    assert verschil.sides[1].excerpt.startswith("Nog te veel eenrichtingsverkeer")


def test_shared_words_on_a_question_are_gedeeld() -> None:
    statements = [
        st("2.7", "anna", "Een welkomstochtend met een rondleiding door leerlingen."),
        st("2.7", "daan", "Leerlingen gaven me een rondleiding. Het leukste welkom ooit."),
        st("2.8", "anna", "Ik laat zien dat ik zelf ook leer."),
        st("2.8", "bram", "Ik verwacht dat collega's hun deur openzetten."),
        st("2.9", "bram", "Alleen ik."),
        st("3.1", "anna", "Maandelijks overleg."),
    ]
    result = run(statements)
    assert [(c.ref, c.kind) for c in result.contrasts] == [("2.7", "gedeeld")]
    shared = result.contrasts[0].shared_terms
    assert {"leerlingen", "rondleiding", "welkom"} <= set(shared)


def test_nothing_to_find_says_so() -> None:
    statements = [
        st("1.1", "anna", "Ons schoolplan is helder."),
        st("1.2", "bram", "Ik fiets elke dag naar de bibliotheek."),
        st("1.3", "fatima", "De kantine verkoopt soep."),
        st("2.1", "daan", "Mijn hond heet Bobbie."),
        st("2.2", "anna", "Vakantie in Frankrijk was mooi."),
        st("2.3", "bram", "De printer is kapot."),
    ]
    result = run(statements)
    assert result.enough
    assert result.themes == []
    assert result.note is not None
    assert "geen gedeeld thema" in result.note
    assert result.contrasts == []


def test_too_few_answers_says_so_and_still_lists_actions() -> None:
    one_person = [st(f"1.{n}", "anna", "Meer tijd voor het rooster.") for n in range(1, 7)]
    one_person.append(st("acties", "anna", "Het rooster aanpassen voor 1 maart 2027."))
    result = run(one_person)
    assert not result.enough
    assert result.note is not None
    assert "Te weinig antwoorden" in result.note
    assert result.themes == []
    assert result.contrasts == []
    assert result.dream is None
    assert [a.what for a in result.actions] == ["Het rooster aanpassen voor 1 maart 2027."]

    few = [
        st("1.1", "anna", "Meer tijd."),
        st("1.2", "bram", "Meer tijd."),
        st("1.3", "anna", "Tijd."),
        st("1.4", "bram", "Tijd!"),
    ]
    assert not run(few).enough


def test_a_private_answer_is_a_source_without_author() -> None:
    statements = [
        *TIME_ROUND,
        st("3.4", "fatima", "Ik heb geen tijd voor verdieping.", author=None),
    ]
    tijd = theme_with(run(statements), "tijd")
    private = [s for s in tijd.sources if s.ref == "3.4"]
    assert len(private) == 1
    assert private[0].author is None
    # the other sources of the same person keep her name
    assert any(s.author == "fatima" for s in tijd.sources)


def test_names_of_colleagues_are_no_theme() -> None:
    statements = [
        st("1.1", "anna", "Ik overleg met Bram over de plaatsing."),
        st("1.2", "fatima", "Bram helpt bij de plaatsing."),
        st("1.3", "anna", "Via Bram loopt alles."),
        st("1.4", "fatima", "Daarna belt Bram de pabo."),
        st("1.5", "daan", "Geen idee."),
        st("1.6", "daan", "Ook niet."),
    ]
    result = run(statements)
    terms = {term for t in result.themes for term in t.terms}
    assert "bram" not in {term.lower() for term in terms}
    assert "plaatsing" in terms


def test_dream_recurring_and_alone() -> None:
    statements = [
        st("droomvraag", "anna", "Elk leerteam heeft een student en er is tijd in het rooster."),
        st("droomvraag", "bram", "Een eigen opleidingsteam, met tijd voor begeleiding."),
        st("droomvraag", "fatima", "Oud-studenten blijven bij ons werken; elk leerteam doet mee."),
        st("droomvraag", "daan", "Misschien ben ik dan zelf werkplekbegeleider."),
        st("1.1", "anna", "Goed onderwijs."),
        st("1.2", "bram", "Leren van elkaar."),
    ]
    result = run(statements)
    assert result.dream is not None
    recurring = {t.title: t for t in result.dream.recurring}
    assert recurring["tijd"].people == 2
    assert [s.author for s in recurring["tijd"].sources] == ["anna", "bram"]
    # "leerteam" and "student" sit in the same two dreams: one theme
    assert recurring["leerteam · student"].people == 2
    assert [s.author for s in recurring["leerteam · student"].sources] == ["anna", "fatima"]
    assert [s.author for s in result.dream.alone] == ["daan"]
    assert result.dream.alone[0].excerpt == "Misschien ben ik dan zelf werkplekbegeleider."


def test_action_rows_split_whom_and_yield_and_read_dates() -> None:
    statements = [
        st("acties", "anna", "Begeleidingsuren als eerste in het rooster, voor 1 maart 2027."),
        st("acties", "bram", "Eind maart een plan voor de terugkoppeling in de teamvergadering."),
        st("acties", "fatima", "Nabesprekingen vooraf inplannen."),
        st("acties", "daan", "Vanaf januari meekijken in andere groepen."),
        st(
            "betrekken",
            "anna",
            "De programmaleider en HRM van het bestuur: ik wil dat begeleiding een plek krijgt.",
        ),
        st("betrekken", "bram", "De pabo-docent, zodat de formulieren beter aansluiten."),
        st("betrekken", "fatima", "De andere werkplekbegeleiders, om samen een voorstel te maken."),
        st("betrekken", "daan", "Mijn studieloopbaanbegeleider."),
        st("betrekken", "eva", "De IB'er. Dat moet een plan voor de zorg opleveren.", author=None),
    ]
    rows = run(statements).actions
    assert [r.author for r in rows] == ["anna", "bram", "fatima", "daan", None]

    anna, bram, fatima, daan, eva = rows
    assert anna.what == "Begeleidingsuren als eerste in het rooster, voor 1 maart 2027."
    assert anna.with_whom == "De programmaleider en HRM van het bestuur"
    assert anna.yields == "Begeleiding een plek krijgt"
    assert anna.by_when == date(2027, 3, 1)

    assert bram.with_whom == "De pabo-docent"
    assert bram.yields == "De formulieren beter aansluiten"
    assert bram.by_when == date(2027, 3, 31)  # the next end of March after 27 November 2026

    assert fatima.with_whom == "De andere werkplekbegeleiders"
    assert fatima.yields == "Samen een voorstel te maken"
    assert fatima.by_when is None

    # "vanaf januari" starts something; it is no deadline
    assert daan.by_when is None
    assert daan.starts == date(2027, 1, 1)
    assert daan.with_whom == "Mijn studieloopbaanbegeleider"
    assert daan.yields is None

    assert eva.what == ""
    assert eva.with_whom == "De IB'er"
    assert eva.yields == "Dat moet een plan voor de zorg opleveren"


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("Klaar op 2027-02-15.", TODAY, date(2027, 2, 15)),
        ("Klaar op 15-2-2027.", TODAY, date(2027, 2, 15)),
        ("Klaar op 3 december.", TODAY, date(2026, 12, 3)),
        ("Klaar op 3 november.", TODAY, date(2027, 11, 3)),
        ("Uiterlijk juni 2027 besproken.", TODAY, date(2027, 6, 30)),
        ("In februari bespreken we het.", TODAY, date(2027, 2, 28)),
        ("Voor maart rond.", TODAY, date(2027, 3, 1)),
        ("Eind maart.", date(2026, 2, 10), date(2026, 3, 31)),
        ("Eind november.", TODAY, date(2026, 11, 30)),
        ("Volgend schooljaar beter.", TODAY, None),
        ("Op 31-2-2027 klaar.", TODAY, None),
    ],
)
def test_by_when(text: str, today: date, expected: date | None) -> None:
    rows = synthesize([st("acties", "anna", text)], card_text="", today=today).actions
    assert rows[0].by_when == expected


def test_same_answers_same_draft_whatever_their_order() -> None:
    statements = [*TIME_ROUND, *demo_statements()]
    first = run(statements)
    assert run(statements) == first

    shuffled = list(statements)
    random.Random(8).shuffle(shuffled)
    again = run(shuffled)
    assert [(t.title, t.people, sorted(t.refs)) for t in again.themes] == [
        (t.title, t.people, sorted(t.refs)) for t in first.themes
    ]
    assert {(c.ref, c.kind, tuple(c.shared_terms)) for c in again.contrasts} == {
        (c.ref, c.kind, tuple(c.shared_terms)) for c in first.contrasts
    }


def demo_statements() -> list[Statement]:
    script = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    statements = [
        st(str(ref), name, text)
        for ref, by_name in script["answers"].items()
        for name, text in by_name.items()
    ]
    private = script["extras"]["private"]
    statements.append(st(private["step"], private["name"], private["text"], author=None))
    return statements


def test_demo_round() -> None:
    result = run(demo_statements())
    assert result.enough
    assert result.note is None

    titles = [t.title for t in result.themes]
    assert 1 <= len(titles) <= 5
    assert titles[0] == "studenten"
    assert "begeleider · werkplek" in titles
    for theme in result.themes:
        assert theme.people >= 2
        assert len(theme.refs) >= 2
        assert {s.ref for s in theme.sources} == set(theme.refs)

    kinds = {c.ref: c.kind for c in result.contrasts}
    assert kinds["1.4"] == "verschil"  # "Dat kan vaker" / "Nog te veel eenrichtingsverkeer"
    assert kinds["3.2"] == "verschil"  # "Ik hoor van niet" / "Voldoende, maar niet optimaal"
    assert kinds["2.7"] == "gedeeld"
    assert len(result.contrasts) < 24  # not every question is listed
    # Fatima's private answer to 3.4 is there, without her name
    sides = next(c for c in result.contrasts if c.ref == "3.4").sides
    assert None in [s.author for s in sides]
    assert "Fatima El Amrani" not in [s.author for s in sides if "basiscursus" in s.excerpt]

    assert result.dream is not None
    assert result.dream.recurring

    rows = {r.author: r for r in result.actions}
    assert list(rows) == ["Anna de Vries", "Bram Jansen", "Fatima El Amrani", "Daan Visser"]
    assert rows["Bram Jansen"].starts == date(2027, 1, 1)
    assert rows["Bram Jansen"].by_when is None
    assert rows["Fatima El Amrani"].yields == "Samen een voorstel voor nabespreektijd te maken"
    assert rows["Daan Visser"].with_whom == "Mijn studieloopbaanbegeleider op de pabo"


def test_a_big_round_still_finds_themes() -> None:
    """40 people × 31 steps; its speed is measured in ``make bench``, not here."""
    sentences = [
        sentence.strip() + "."
        for s in demo_statements()
        for sentence in s.text.split(".")
        if sentence.strip()
    ]
    rng = random.Random(3)
    refs = [f"{r}.{q}" for r in range(1, 5) for q in range(1, 7)] + ["opening", "droomvraag"]
    refs += sorted(EVALUATION)
    statements = [
        st(ref, f"p{p}", " ".join(rng.sample(sentences, 2))) for p in range(40) for ref in refs[:31]
    ]
    result = run(statements)
    assert result.enough
    assert result.themes


def test_a_long_excerpt_is_shortened_around_the_term() -> None:
    filler = "Wij bespreken veel zaken met elkaar en met de collega's van de andere scholen"
    long = f"{filler}, {filler}, {filler}, en daarna komt het rooster pas aan bod, helaas."
    statements = [
        st("1.1", "anna", long),
        st("1.2", "bram", "Het rooster is vol."),
        st("1.3", "fatima", "Het rooster wringt."),
        st("1.4", "daan", "Geen idee."),
        st("1.5", "daan", "Ook niet."),
        st("1.6", "daan", "Nee."),
    ]
    source = theme_with(run(statements, card_text=""), "rooster").sources[0]
    assert len(source.excerpt) <= 200
    assert source.excerpt.startswith("…")
    assert "het rooster pas aan bod" in source.excerpt
