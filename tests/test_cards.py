"""The card as data: faithful to the source, and broken cards that explain themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogues.cards import CARDS_DIR, CardError, card_paths, get_card, load_card

CARD = get_card("dialoogkaart")
COUNTS = ((1, 6), (2, 9), (3, 5), (4, 6))
EXPECTED_NUMBERS = [f"{role}.{n}" for role, count in COUNTS for n in range(1, count + 1)]


def test_the_card_holds_all_26_numbered_questions_in_order() -> None:
    numbers = [q.number for _role, q in CARD.questions()]
    assert numbers == EXPECTED_NUMBERS
    assert all(q.text.strip().endswith("?") or q.number == "1.2" for _r, q in CARD.questions())
    assert [r.title for r in CARD.roles] == [
        "Rol als visionair en verbinder",
        "Rol richting aanstaande leraren",
        "De faciliterende rol",
        "Rol in ontwikkeling en uitvoering",
    ]


@pytest.mark.parametrize(
    ("number", "start", "end"),
    [
        ("1.1", "Wat is voor jou kenmerkend", "van het team op jouw school?"),
        ("2.9", "Hoe zorg je ervoor dat alle collega’s", "aanstaande leraren?"),
        ("3.2", "Hoe faciliteer jij lerarenopleiders", "Is dit voldoende en optimaal?"),
        ("3.3", "Hoe ondersteun en stimuleer jij", "vanuit jouw rol kunt realiseren?"),
        ("4.6", "Hoe monitor je de uitvoering", "aan jouw eigen leidinggevende?"),
    ],
)
def test_question_texts_match_the_source(number: str, start: str, end: str) -> None:
    found = CARD.question(number)
    assert found is not None
    text = found[1].text
    assert text.startswith(start)
    assert text.endswith(end)


def test_ocr_slips_are_mended() -> None:
    lines = (CARDS_DIR / "dialoogkaart.yaml").read_text(encoding="utf-8").splitlines()
    raw = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    for slip in ("Rolals", "Rolin", "rolin ", "coérd", "ideeén", "Detool"):
        assert slip not in raw
    found = CARD.question("3.2")
    assert found is not None
    assert "coördinatoren" in found[1].text
    assert "ideeën" in CARD.evaluation[0].text


def test_question_4_4_is_completed_and_marked() -> None:
    found = CARD.question("4.4")
    assert found is not None
    question = found[1]
    assert question.reconstructed
    assert question.note
    assert question.text.endswith(
        "als het gaat om de randvoorwaarden (o.a. ruimte, tijd, geld en rooster)?"
    )
    assert sum(q.reconstructed for _r, q in CARD.questions()) == 1


def test_outcome_evaluation_and_footnote() -> None:
    assert "drie jaar verder" in CARD.droomvraag.text
    assert [e.key for e in CARD.evaluation] == ["inzichten", "acties", "betrekken"]
    assert CARD.evaluation[1].text == "Waar ga je actie op ondernemen?"
    assert any(
        "aanstaande leraren" in f.text and "zij-instromers" in f.text for f in CARD.footnotes
    )
    assert CARD.source.publisher == "Platform Samen Opleiden & Professionaliseren"


GOOD = """\
id: proef
title: Proefkaart
purpose: Testen
opening:
  question: Wat?
  invitation: Vertel.
roles:
  - number: 1
    title: Rol
    description: Een rol
    questions:
      - number: 1.1
        text: Eerste vraag?
droomvraag:
  title: Droomvraag
  text: Stel je voor?
evaluation:
  - key: acties
    label: Acties
    text: Wat ga je doen?
source:
  publisher: Iemand
  author: Iemand
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kaart.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_card_loads_and_numbers_stay_labels(tmp_path: Path) -> None:
    card = load_card(write(tmp_path, GOOD.replace("number: 1.1", "number: 1.10")))
    assert card.roles[0].questions[0].number == "1.10"  # not the float 1.1


def broken(tmp_path: Path, text: str) -> CardError:
    with pytest.raises(CardError) as caught:
        load_card(write(tmp_path, text))
    return caught.value


def test_missing_field_points_at_its_question(tmp_path: Path) -> None:
    error = broken(tmp_path, GOOD.replace("        text: Eerste vraag?\n", ""))
    assert (error.line, error.field) == (12, "roles[0].questions[0].text")
    assert error.message == "verplicht veld ontbreekt"
    assert str(error).startswith(f"{tmp_path / 'kaart.yaml'}:12: roles[0].questions[0].text:")


def test_unknown_field_points_at_the_key(tmp_path: Path) -> None:
    error = broken(tmp_path, GOOD.replace("purpose: Testen\n", "purpose: Testen\npurpse: typo\n"))
    assert (error.line, error.field) == (4, "purpse")
    assert "onbekend veld" in error.message


def test_bad_question_number_says_the_format(tmp_path: Path) -> None:
    error = broken(tmp_path, GOOD.replace("number: 1.1", "number: 1-1"))
    assert error.line == 12
    assert "vraagnummer als 1.1" in error.message


def test_question_in_the_wrong_role(tmp_path: Path) -> None:
    error = broken(tmp_path, GOOD.replace("number: 1.1", "number: 2.1"))
    assert error.line == 8
    assert "hoort niet bij rol 1" in error.message


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    text = GOOD.replace("id: proef", "id: Proef Kaart").replace("key: acties", "key: doen")
    error = broken(tmp_path, text)
    assert [(p.line, p.field) for p in error.problems] == [(1, "id"), (18, "evaluation[0].key")]
    assert "kies uit" in error.problems[1].message
    assert len(str(error).splitlines()) == 2


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: proef\ntitle: [niet gesloten\n", 2, "geen geldige YAML"),
        ("- een\n- lijst\n", 1, "een kaart is een YAML-mapping"),
        ("", 1, "een kaart is een YAML-mapping"),
    ],
)
def test_files_that_are_not_cards(tmp_path: Path, text: str, line: int, message: str) -> None:
    error = broken(tmp_path, text)
    assert error.line is not None
    assert abs(error.line - line) <= 1
    assert message in error.message


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(CardError, match="bestand bestaat niet"):
        load_card(tmp_path / "nergens.yaml")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(CardError, match="geen UTF-8"):
        load_card(path)


def test_unknown_card_id_lists_the_available_ones() -> None:
    with pytest.raises(KeyError, match="beschikbaar: dialoogkaart"):
        get_card("bestaat-niet")


# --- the other cards, and what every card may leave out ----------------------------------


@pytest.mark.parametrize("path", card_paths(), ids=lambda p: p.stem)
def test_every_built_in_card_validates(path: Path) -> None:
    assert load_card(path).id == path.stem


def test_the_reaction_round_quotes_its_four_questions() -> None:
    card = get_card("reactieronde")
    assert [q.text for _r, q in card.questions()] == [
        "Wat vind je positief?",
        "Waar twijfel je over?",
        "Welke suggesties heb je?",
        "Wat zijn, naast de maatschappelijke belangen, de organisatie- of individuele "
        "belangen van doorlopend samen professionaliseren?",
    ]
    assert (card.opening, card.droomvraag, card.evaluation) == (None, None, [])
    assert not card.written_for_dialoogbot
    assert card.source.document is not None
    assert "Groot denken, klein starten" in card.source.document
    assert "bijlage 2" in card.source.document


def test_the_leercultuur_card_has_the_seven_themes_and_says_who_wrote_it() -> None:
    card = get_card("leercultuur")
    assert [r.title for r in card.roles] == [
        "De basis voor professionalisering",
        "Instrumenten voor competentieontwikkeling",
        "Loopbaanontwikkeling",
        "Begeleiding van starters",
        "Leiderschap",
        "Beleidsvorming",
        "Borging in de organisatie",
    ]
    assert (card.role_word, card.role_words) == ("thema", ("thema", "thema’s"))
    assert card.written_for_dialoogbot
    assert card.source.publisher == "Arbeidsmarktplatform PO"
    assert all(len(r.questions) >= 3 for r in card.roles)
    assert all("?" in q.text for _r, q in card.questions())
    assert card.droomvraag is not None
    assert [e.key for e in card.evaluation] == ["inzichten", "acties", "betrekken"]
    assert card.asks_actions


def test_a_card_needs_only_its_questions(tmp_path: Path) -> None:
    text = GOOD.split("droomvraag:")[0].replace(
        "opening:\n  question: Wat?\n  invitation: Vertel.\n", ""
    )
    card = load_card(write(tmp_path, text + "source:\n  publisher: Iemand\n"))
    assert (card.opening, card.droomvraag, card.evaluation) == (None, None, [])
    assert not card.asks_actions
    assert card.first_sentence() == "Testen."


def test_an_evaluation_key_twice_is_refused(tmp_path: Path) -> None:
    twice = "  - key: acties\n    label: Nog eens\n    text: En nu?\nsource:"
    error = broken(tmp_path, GOOD.replace("source:", twice, 1))
    assert error.message == "evaluatievraag ‘acties’ komt twee keer voor"


def test_the_example_in_the_cards_readme_validates(tmp_path: Path) -> None:
    readme = (CARDS_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    card = load_card(write(tmp_path, example))
    assert card.id == "startgesprek"
    assert card.written_for_dialoogbot
