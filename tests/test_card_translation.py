"""Translated cards: the English Dialoogkaart matches the Dutch one question for question,
says it is a translation, and a card that claims to translate itself is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogues.cards import CARDS_DIR, Card, CardError, load_builtin_cards, load_card
from tests.test_cards import GOOD

ENGLISH = load_card(CARDS_DIR / "dialoogkaart-en.yaml")


def translations() -> list[tuple[Card, Card]]:
    """Every built-in translation with the card it translates; a source that does not exist
    is a KeyError here, so the test that asks for it fails."""
    cards = load_builtin_cards()
    return [
        (card, cards[card.translation_of])
        for card in cards.values()
        if card.translation_of is not None
    ]


def test_the_english_card_loads_as_a_translation_of_the_dialoogkaart() -> None:
    assert (ENGLISH.id, ENGLISH.language, ENGLISH.translation_of) == (
        "dialoogkaart-en",
        "en",
        "dialoogkaart",
    )
    assert load_builtin_cards()["dialoogkaart-en"] == ENGLISH
    assert load_builtin_cards()["dialoogkaart"].translation_of is None


def test_every_translation_names_a_card_that_exists_in_another_language() -> None:
    cards = load_builtin_cards()
    pairs = [(t.id, s.id) for t, s in translations()]
    assert ("dialoogkaart-en", "dialoogkaart") in pairs
    for translation in cards.values():
        if translation.translation_of is not None:
            assert translation.translation_of in cards, translation.id
            source = cards[translation.translation_of]
            assert source.language != translation.language
            assert source.translation_of is None  # translated from the original


def shape(card: Card) -> dict[str, object]:
    """What a translation must share with its source: everything but the words."""
    return {
        "role_word": card.role_word,
        "roles": [r.number for r in card.roles],
        "questions": {r.number: [q.number for q in r.questions] for r in card.roles},
        "reconstructed": [q.number for _r, q in card.questions() if q.reconstructed],
        "noted": [q.number for _r, q in card.questions() if q.note],
        "opening": card.opening is not None,
        "droomvraag": card.droomvraag is not None,
        "evaluation": [e.key for e in card.evaluation],
        "usage": card.usage is not None,
        "settings": len(card.usage.settings) if card.usage else 0,
        "footnotes": len(card.footnotes),
        "written_for_dialoogbot": card.written_for_dialoogbot,
    }


@pytest.mark.parametrize(
    ("translation", "source"), translations(), ids=lambda c: c.id if isinstance(c, Card) else ""
)
def test_a_translation_has_the_shape_of_its_source(translation: Card, source: Card) -> None:
    assert shape(translation) == shape(source)
    # the attribution is the source's, unchanged
    assert translation.source == source.source
    # every text is translated: none is the Dutch one left as it was
    pairs = [
        (q.text, s.text)
        for (_r, q), (_sr, s) in zip(translation.questions(), source.questions(), strict=True)
    ]
    pairs += [(r.title, s.title) for r, s in zip(translation.roles, source.roles, strict=True)]
    pairs += [(translation.title, source.title), (translation.purpose, source.purpose)]
    assert all(text != original for text, original in pairs)


def test_the_english_card_has_the_26_questions_and_4_4_stays_marked() -> None:
    numbers = [q.number for _r, q in ENGLISH.questions()]
    assert len(numbers) == 26
    assert numbers[0] == "1.1"
    assert numbers[-1] == "4.6"
    found = ENGLISH.question("4.4")
    assert found is not None
    question = found[1]
    assert question.reconstructed
    assert question.note is not None
    assert "missing in the Dutch source" in question.note
    assert question.text.endswith(
        "when it comes to the enabling conditions (including space, time, money and timetable)?"
    )


def test_the_english_card_uses_the_agreed_terms_and_says_it_is_a_translation() -> None:
    assert ENGLISH.title.startswith("Dialogue card:")
    assert "translation" in ENGLISH.purpose
    assert "not published by the Platform Samen Opleiden & Professionaliseren" in (ENGLISH.purpose)
    assert ENGLISH.droomvraag is not None
    assert ENGLISH.droomvraag.title == "Dream question"
    assert "three years" in ENGLISH.droomvraag.text
    assert [r.title for r in ENGLISH.roles] == [
        "Role as visionary and connector",
        "Role towards student teachers",
        "The facilitating role",
        "Role in development and implementation",
    ]
    assert [e.label for e in ENGLISH.evaluation] == ["Insights", "Actions", "Whom to involve"]
    assert ENGLISH.usage is not None
    assert any("training schools" in s for s in ENGLISH.usage.settings)
    assert [f.term for f in ENGLISH.footnotes] == ["Student teachers", "Leaders"]
    texts = " ".join(q.text for _r, q in ENGLISH.questions())
    assert "Samen Opleiden" in texts
    assert "student teachers" in texts
    for dutch in ("aanstaande", " jouw ", " je ", "leraren", "leidinggevende"):
        assert dutch not in texts, dutch
    for american in ("organization", "prioritize", "behavior", "program "):
        assert american not in ENGLISH.model_dump_json(), american


# --- the schema: what one file can check about itself -------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kaart.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def with_translation_of(value: str) -> str:
    """GOOD (id proef) as an English card translating ``value``; the field is on line 4."""
    return GOOD.replace(
        "title: Proefkaart\n", f"title: Proefkaart\nlanguage: en\ntranslation_of: {value}\n"
    )


def test_a_card_may_name_the_card_it_translates(tmp_path: Path) -> None:
    card = load_card(write(tmp_path, with_translation_of("dialoogkaart")))
    assert (card.language, card.translation_of) == ("en", "dialoogkaart")
    assert load_card(write(tmp_path, GOOD)).translation_of is None


def test_a_card_that_translates_itself_is_refused_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(CardError) as caught:
        load_card(write(tmp_path, with_translation_of("proef")))
    error = caught.value
    assert (error.line, error.field) == (4, "translation_of")
    assert error.message == (
        "kaart ‘proef’ kan geen vertaling van zichzelf zijn: "
        "noem de id van de kaart die deze kaart vertaalt"
    )
    assert str(error).startswith(f"{tmp_path / 'kaart.yaml'}:4: translation_of: kaart ‘proef’")
    assert len(error.problems) == 1


def test_translation_of_must_be_a_card_id(tmp_path: Path) -> None:
    with pytest.raises(CardError) as caught:
        load_card(write(tmp_path, with_translation_of("De Dialoogkaart")))
    error = caught.value
    assert (error.line, error.field) == (4, "translation_of")
    assert error.message == "alleen kleine letters, cijfers en streepjes, bijvoorbeeld mijn-kaart"
