"""The record and the blank gespreksformat on paper: HTML and A4 PDF.

The PDF is checked through its text as a reader's tools see it (pypdf), which is what
proves that participant text was set as text: ``#set page(width: 1cm)`` must come out
of the PDF literally, and every page must still be A4.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from bot.model import ReviewPhase, Status
from bot.paper import blank_html, blank_pdf, record_html, record_pdf
from bot.summary import Outcome, Summary
from bot.synthesis import Synthesis
from dialogues.cards import get_card
from tests import summary_fixture as fx

CARD = get_card("dialoogkaart")
A4 = (595.2756, 841.8898)  # points
HOSTILE = [fx.SCRIPT, fx.TYPST, fx.MARKUP, "<b>echt</b>"]
FIRST_AND_LAST = {word for name in fx.NAMES for word in name.split() if word[0].isupper()}


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with whitespace normalised, as one line."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u200b", "").split())


def flat(text: str) -> str:
    return " ".join(text.split())


def has(text: str, needle: str) -> bool:
    """``needle`` in ``text`` whatever the whitespace: a line may wrap after any "/"."""
    return re.sub(r"\s+", "", needle) in re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def summary() -> Summary:
    return fx.summary()


@pytest.fixture(scope="module")
def html(summary: Summary) -> str:
    return record_html(summary)


@pytest.fixture(scope="module")
def pdf(summary: Summary) -> bytes:
    return record_pdf(summary)


@pytest.fixture(scope="module")
def text(pdf: bytes) -> str:
    return pdf_text(pdf)


# --- HTML --------------------------------------------------------------------------------


def test_record_html_matches_its_golden_file(html: str) -> None:
    fx.assert_golden("record.html", html)


def test_blank_html_matches_its_golden_file() -> None:
    fx.assert_golden("blank-rol-3.html", blank_html(CARD, 3))


def test_html_is_one_self_contained_dutch_document(html: str) -> None:
    assert html.startswith('<!DOCTYPE html>\n<html lang="nl">')
    assert "<style>" in html
    # no external assets: nothing is fetched when the file is opened or printed
    assert not re.search(r"<(link|img|script|iframe)\b", html, re.IGNORECASE)
    assert not re.search(r"\b(src|href)=", html)
    assert "url(" not in html


def test_html_escapes_every_hostile_answer(html: str) -> None:
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;!channel&gt;" in html
    assert "&lt;b&gt;echt&lt;/b&gt;" in html
    assert "<b>" not in html
    # Markdown is not interpreted either: the stars stay stars
    assert "**b**" in html
    assert fx.TYPST in html
    assert fx.LONG_WORD in html
    assert "שלום" in html
    assert "🎉👍🏽" in html


def test_control_characters_and_broken_unicode_do_not_reach_paper(summary: Summary) -> None:
    kern = "\x1b[31mrood\x1b[0m, NUL\x00 en een halve \ud800 emoji"
    broken = summary.model_copy(
        update={"outcome": summary.outcome.model_copy(update={"kern": kern})}
    )
    html = record_html(broken)
    assert "[31mrood[0m, NUL en een halve \ufffd emoji" in html
    assert "\x1b" not in html
    assert "\x00" not in html
    assert has(pdf_text(record_pdf(broken)), "[31mrood[0m, NUL en een halve")


def test_html_keeps_the_long_answer_whole(html: str) -> None:
    assert len(fx.LONG) == 40_000
    assert fx.LONG.replace("'", "&#39;") in html


def test_html_puts_the_outcome_first_and_the_answers_in_an_appendix(html: str) -> None:
    order = [
        "Uitkomst, bevestigd door de groep",
        "Kernboodschap",
        "Gedeelde thema’s",
        "Waar de beelden overeenkomen of verschillen",
        "Droomvraag: het gezamenlijke beeld",
        "<h3>Acties</h3>",
        "<h3>Terugblik</h3>",
        "Controle door de groep",
        "Vergeleken met de vorige ronde",
        "Aanvulling na publicatie",
        "Bijlage: alle antwoorden",
        "<h3>Openingsvraag</h3>",
        "3. De faciliterende rol",
        "4. Rol in ontwikkeling en uitvoering",
        "<h3>Droomvraag</h3>",
        "<h3>Evaluatie</h3>",
        "<h2>Deelname</h2>",
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_html_header_says_round_period_with_year_and_status(html: str) -> None:
    header = html[: html.index("</header>")]
    assert "<dt>Ronde</dt><dd>7</dd>" in header
    assert "2–13 maart 2026" in header
    assert "<dt>Deelnemers</dt><dd>4</dd>" in header
    assert "bevestigd door 3 van 4, gepubliceerd op 19 maart 2026" in header
    assert "<dt>Anoniem</dt><dd>nee</dd>" in header


def test_html_themes_show_where_they_came_from(html: str) -> None:
    assert "4 deelnemers · uit 3.2, 4.4, Droomvraag, Inzichten" in html
    assert '<span class="ref">Inzichten</span> · <span class="who">Bram Jansen</span>' in html
    # a private source is marked private, without a name
    assert '<span class="ref">3.3</span> · <span class="private">privé</span>' in html


def test_html_action_table_has_one_row_per_person(html: str) -> None:
    table = html[html.index("<h3>Acties</h3>") : html.index("Controle door de groep")]
    rows = re.findall(r"<tr><td>(.*?)</td>", table)
    assert rows == [
        '<span class="who">Anna de Vries</span>',
        '<span class="who">Fatima El Amrani</span>',
        '<span class="private">privé</span>',
    ]
    assert "<td>1 juni 2026</td>" in table
    assert "De instituutsopleider van de pabo" in table
    assert "Een gedeelde planning voor volgend schooljaar." in table


def test_html_shows_the_terugblik_beside_the_actions(html: str) -> None:
    followup = html[html.index("<h3>Terugblik</h3>") : html.index("Controle door de groep")]
    assert "Hoe is het met de jouwe gegaan?" in followup
    assert '<span class="who">Anna de Vries</span> <span class="small muted">· 28 april 2026' in (
        followup
    )
    assert "De uren staan in de jaarplanning; de pabo plant mee." in followup
    assert "1 deelnemer vertelde in de terugblik hoe het ging." in html


def test_html_private_answer_has_no_author(html: str) -> None:
    end = html.index("Ik voel me niet gesteund, maar durf dat niet te zeggen.")
    start = html.rindex('<div class="answer">', 0, end)
    block = html[start:end]
    assert 'class="who"' not in block
    assert "privé gegeven" in block


def test_html_marks_question_4_4_as_completed_by_dialoogbot(html: str) -> None:
    appendix = html[html.index("Bijlage: alle antwoorden") :]
    q44 = appendix[appendix.index("<h4>4.4</h4>") :]
    q44 = q44[: q44.index("<h3>")]  # up to the droomvraag, the next heading
    assert '<p class="note small">Het begin van deze vraag ontbreekt' in q44
    assert appendix.count("aangevuld door dialoogbot") == 1


def test_html_participation_is_a_chart_in_name_order(html: str) -> None:
    chart = html[html.index("<svg") : html.index("</svg>")]
    labels = re.findall(r"<text x=\"0\"[^>]*>([^<]*)</text>", chart)
    assert labels == ["Anna de Vries", "Bram Jansen", "Daan Visser", "Fatima El Amrani"]
    assert "6 van 8" in chart
    assert "5 van 8" in chart


def test_html_dates_carry_the_year(html: str) -> None:
    for when in ("17 maart 2026", "23 maart 2026", "6–17 oktober 2025", "14 november 2025"):
        assert when in html
    assert "Samengesteld door dialoogbot op 20 maart 2026." in html


def test_anonymous_record_names_nobody() -> None:
    anonymous = fx.anonymous_summary()
    html = record_html(anonymous)
    text = pdf_text(record_pdf(anonymous))
    for document in (html, text):
        for word in FIRST_AND_LAST:
            assert not re.search(rf"\b{re.escape(word)}\b", document), word
        assert "deelnemer A" in document
        assert "deelnemer D" in document
    assert "ja, er staan geen namen in" in html


def test_a_round_without_check_says_its_outcome_is_a_draft() -> None:
    base = fx.summary()
    thin = base.model_copy(
        update={
            "status": Status.RUNNING,
            "final": False,
            "outcome": Outcome(phase=None, synthesis=Synthesis(enough=False)),
            "comparison": None,
            "addendum": [],
            "participation": [],
            "private_withheld": 2,
            "followup": None,
        }
    )
    html = record_html(thin)
    assert "Uitkomst (concept)" in html
    assert "niet door de groep bevestigd" in html
    assert "Te weinig antwoorden" in html
    assert "tussenstand, de ronde loopt nog" in html
    assert "2 privé-antwoorden verschijnen pas" in html
    assert "Controle door de groep" not in html
    assert "<svg" not in html
    text = pdf_text(record_pdf(thin))
    assert "Uitkomst (concept)" in text
    assert "Er zijn (nog) geen acties genoemd." in text


def test_a_round_under_check_says_until_when() -> None:
    base = fx.summary()
    outcome = base.outcome.model_copy(update={"phase": ReviewPhase.CHECK})
    html = record_html(base.model_copy(update={"outcome": outcome}))
    assert "ter controle bij de groep tot 18 maart 2026" in html
    assert "Uitkomst (concept)" in html


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_is_an_a4_document(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 3  # the 40,000 characters take pages; that is fine
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)


def test_pdf_is_the_same_for_the_same_record(summary: Summary, pdf: bytes) -> None:
    assert record_pdf(summary) == pdf


def test_pdf_carries_the_outcome(text: str) -> None:
    assert has(text, fx.KERN)
    assert "Tijd en rooster" in text
    assert "Het hele team leidt op" in text
    assert "Anna de Vries Begeleidingsuren in de jaarplanning zetten." in text
    assert "1 juni 2026" in text
    assert "bevestigd door 3 van 4" in text
    assert has(text, "Terugblik Terugblik: een tijd geleden noemden we acties.")
    assert has(text, "Anna de Vries · 28 april 2026 De uren staan in de jaarplanning")
    assert "pagina 1 van" in text


def test_pdf_prints_hostile_text_literally(text: str) -> None:
    # If Typst had read any of this as markup, the page would be 1 cm wide and the
    # text would be gone; instead it is there, character for character.
    for hostile in HOSTILE:
        assert has(text, hostile), hostile
    # the long answer runs over pages (with running heads between); its ends are there
    assert has(text, fx.LONG[:300])
    assert has(text, fx.LONG[-300:])


def test_pdf_marks_question_4_4_and_keeps_private_answers_nameless(text: str) -> None:
    assert "aangevuld door dialoogbot" in text
    private = text.index("Ik voel me niet gesteund, maar durf dat niet te zeggen.")
    assert text[private - 40 : private].rstrip().endswith("(privé gegeven)")


# --- the blank gespreksformat -----------------------------------------------------------


def test_blank_pdf_for_one_role_has_its_questions() -> None:
    pdf = blank_pdf(CARD, 3)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    role = CARD.role(3)
    assert role is not None
    for q in role.questions:
        assert has(text, q.text), q.number
    assert has(text, role.description)
    assert has(text, CARD.droomvraag.text)
    for e in CARD.evaluation:
        assert has(text, e.text)
    assert CARD.usage is not None
    assert has(text, CARD.usage.text)
    assert "Afgesproken acties" in text
    assert "Wat het moet opleveren" in text
    other = CARD.role(4)
    assert other is not None
    assert not has(text, other.questions[0].text)


def test_blank_for_the_whole_card_has_every_role() -> None:
    html = blank_html(CARD, None)
    for role in CARD.roles:
        assert f"{role.number}. {role.title}" in html
    assert html.count('class="lines"') == 1 + len(CARD.questions()) + 1 + len(CARD.evaluation)
    assert "aangevuld door dialoogbot" in html


def test_blank_for_an_unknown_role_says_which_exist() -> None:
    with pytest.raises(ValueError, match="kies uit 1, 2, 3, 4"):
        blank_pdf(CARD, 9)
