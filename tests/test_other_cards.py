"""The reaction round and the leercultuur card, end to end on the local channel: every step
asked once, and an outcome and a record that show only what the card asks for."""

from __future__ import annotations

import io
from collections.abc import Callable

from pypdf import PdfReader
from typer.testing import CliRunner

from adapters.local.channel import LocalChannel, person
from bot.model import Person, Status
from bot.outbound import NoticePost, QuestionPost
from bot.paper import blank_html, blank_pdf, record_html, record_pdf
from bot.render import outcome_text, summary_markdown
from bot.service import DialogueService
from bot.summary import Summary
from cli.main import app
from dialogues.cards import get_card
from tests.fakes import FakeClock
from tests.test_service import round_state, run_due

ANNA = person("Anna")
BRAM = person("Bram")
SARA = person("Sara")

Answers = Callable[[QuestionPost], list[tuple[Person, str]]]


async def play(
    channel: LocalChannel, service: DialogueService, clock: FakeClock, start: str, say: Answers
) -> list[str]:
    """Start a round and answer every step as it comes, moving the clock to each next step
    until the round leaves RUNNING; returns the references of the steps asked."""
    await channel.say(ANNA, start)
    while True:
        content = channel.posted[-1].content
        if isinstance(content, QuestionPost):
            for who, text in say(content):
                await channel.say(who, text)
        rnd = await round_state(service, channel)
        assert rnd is not None
        if rnd.status is not Status.RUNNING:
            return [q.ref for _mid, q in channel.questions()]
        await run_due(service, channel, clock)


def intro(channel: LocalChannel) -> str:
    notice = channel.posted[0].content
    assert isinstance(notice, NoticePost)
    return notice.text


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def two_say(question: QuestionPost) -> list[tuple[Person, str]]:
    return [(BRAM, f"Bram over {question.ref}."), (SARA, f"Sara over {question.ref}.")]


async def test_the_reaction_round_from_start_to_published_outcome(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    refs = await play(
        channel, service, clock, "/dialoog start kaart=reactieronde controle=2d", two_say
    )
    assert refs == ["1.1", "1.2", "1.3", "2.1"]
    welcome = intro(channel)
    assert "Welkom bij de dialoog ‘Reactieronde: positief, twijfels" in welcome
    assert "We nemen 4 stappen" in welcome
    assert "de uitkomst op een rij: wat we delen en waar we verschillen. Die leggen" in welcome
    assert "voor dialoogbot geschreven" not in welcome  # the questions are quoted
    first = channel.questions()[0][1]
    assert (first.label, first.role, first.text) == (
        "1.1",
        "Reacties op het voorstel",
        "Wat vind je positief?",
    )
    assert first.invitation is None

    # the coordinator's draft: no dream, no actions, as the card asks for neither
    draft = outcome_text(channel.drafts()[-1].summary, draft=True)
    assert "Wat terugkomt:" in draft
    assert "Droom:" not in draft
    assert "Acties:" not in draft

    await channel.say(ANNA, "/dialoog voorleggen")
    for who in (ANNA, BRAM, SARA):
        await channel.say(who, "/dialoog klopt")
    await channel.say(ANNA, "/dialoog publiceer")
    summary = channel.summaries()[-1].summary
    assert summary.final
    assert (summary.opening, summary.droomvraag, summary.evaluation) == (None, None, [])
    assert [s.title for s in summary.roles] == ["Reacties op het voorstel", "De belangen"]
    assert [i.respondent_count for i in summary.questions] == [2, 2, 2, 2]
    assert [(p.author, p.answered) for p in summary.participation] == [("Bram", 4), ("Sara", 4)]
    shown = outcome_text(summary)
    assert "Bevestigd door de groep" in shown
    assert "Droom:" not in shown
    assert "Acties:" not in shown
    nothing_empty(summary)


def nothing_empty(summary: Summary) -> None:
    """The record in every format has no heading for what the card does not ask."""
    markdown = summary_markdown(summary)
    assert "## Reacties op het voorstel" in markdown
    assert "Sara over 2.1." in markdown
    for absent in ("Droom", "## Acties", "## Evaluatie", "Openingsvraag", "acties genoemd"):
        assert absent not in markdown, absent
    html = record_html(summary)
    assert "Bram over 1.3." in html
    for absent in ("Droomvraag", ">Acties<", ">Evaluatie<", "acties genoemd"):
        assert absent not in html, absent
    text = pdf_text(record_pdf(summary))
    assert "Sara over 1.1." in text
    for absent in ("Droomvraag", "Acties", "Evaluatie", "acties genoemd"):
        assert absent not in text, absent


def test_the_reaction_round_on_paper_is_its_four_questions() -> None:
    card = get_card("reactieronde")
    html = blank_html(card)
    assert "Gespreksformat · Alle onderdelen" in html
    assert html.count('class="lines"') == 4
    for absent in ("Openingsvraag", "droomvraag", "Evaluatie", "Afgesproken acties"):
        assert absent not in html, absent
    text = pdf_text(blank_pdf(card, 2))
    assert "organisatie- of individuele belangen" in text
    assert "Afgesproken acties" not in text


async def test_the_leercultuur_card_from_start_to_summary(
    channel: LocalChannel, service: DialogueService, clock: FakeClock
) -> None:
    def say(question: QuestionPost) -> list[tuple[Person, str]]:
        if question.ref == "acties":
            return [
                (BRAM, "Ik start vóór 1 maart 2027 een leernetwerk voor starters."),
                (SARA, "Ik ga elke maand bij een collega in de klas kijken."),
            ]
        if question.ref == "droomvraag":
            return [
                (BRAM, "Over drie jaar kijken we wekelijks bij elkaar in de klas."),
                (SARA, "Over drie jaar leren starters en ervaren collega's samen in de klas."),
            ]
        return two_say(question)

    refs = await play(channel, service, clock, "/dialoog start kaart=leercultuur", say)
    card = get_card("leercultuur")
    assert refs == [
        "opening",
        *(q.number for _r, q in card.questions()),
        "droomvraag",
        "inzichten",
        "acties",
        "betrekken",
    ]
    assert len(refs) == 1 + 22 + 1 + 3
    welcome = intro(channel)
    assert (
        "De vragen op deze kaart zijn voor dialoogbot geschreven op basis van: Kenniskaart "
        "‘Professionele leercultuur’; Arbeidsmarktplatform PO. Ze zijn geen citaat uit de bron."
    ) in welcome
    assert "Professionele leercultuur: Een klimaat waarin" in welcome  # the footnote
    questions = dict((q.ref, q) for _mid, q in channel.questions())
    assert questions["5.2"].role == "Leiderschap"
    assert questions["opening"].invitation is not None

    summary = channel.summaries()[-1].summary
    assert summary.final
    assert [s.title for s in summary.roles] == [r.title for r in card.roles]
    assert summary.droomvraag is not None
    assert len(summary.droomvraag.answers) == 2
    actions = summary.outcome.synthesis.actions
    assert [a.author for a in actions] == ["Bram", "Sara"]
    assert "leernetwerk voor starters" in actions[0].what
    shown = outcome_text(summary)
    assert "\nDroom:\n" in shown
    assert "\nActies:\n1. Bram: " in shown
    markdown = summary_markdown(summary)
    assert "## Droomvraag: over drie jaar" in markdown
    assert "## Acties" in markdown
    assert "## Leiderschap" in markdown


async def test_a_theme_the_card_lacks_is_called_a_theme(channel: LocalChannel) -> None:
    await channel.say(ANNA, "/dialoog start kaart=leercultuur rollen=9")
    assert channel.replies[-1].text == (
        "Thema 9 bestaat niet op deze kaart; kies uit 1, 2, 3, 4, 5, 6, 7."
    )
    await channel.say(ANNA, "/dialoog start kaart=leercultuur rollen=5")
    assert [q.ref for _mid, q in channel.questions()] == ["opening"]
    rnd = channel.questions()[0][1]
    assert rnd.step_count == 1 + 3 + 1 + 3  # opening, theme 5, droomvraag, evaluation


def test_cards_list_and_show_name_themes_sections_and_sources() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["cards", "list"], env={"DIALOOGBOT_CARDS_DIR": None})
    assert listed.exit_code == 0
    assert "leercultuur\tReflectiekaart: professionele leercultuur\t7 thema’s, 22 vragen" in (
        listed.stdout
    )
    assert "\t2 onderdelen, 4 vragen" in listed.stdout
    reaction = runner.invoke(app, ["cards", "show", "reactieronde"])
    assert reaction.exit_code == 0
    assert "  2.1 Wat zijn, naast de maatschappelijke belangen" in reaction.stdout
    for absent in ("Opening:", "Droomvraag", "Acties:"):
        assert absent not in reaction.stdout
    assert reaction.stdout.rstrip().endswith(
        "Bron: Groot denken, klein starten. Scenario’s voor pilots voor doorlopend Samen "
        "Professionaliseren in Amsterdam (april 2021), bijlage 2; Leraar in Amsterdam, een "
        "kleurrijk beroep (Taskforce Lerarentekort Amsterdam)."
    )
    reflection = runner.invoke(app, ["cards", "show", "leercultuur"])
    assert "De vragen op deze kaart zijn voor dialoogbot geschreven" in reflection.stdout
    wrong = runner.invoke(app, ["cards", "print", "leercultuur", "--rol", "8"])
    assert wrong.exit_code == 1
    assert "Thema 8 staat niet op deze kaart; kies uit 1, 2, 3, 4, 5, 6, 7." in wrong.stderr
