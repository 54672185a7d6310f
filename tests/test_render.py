"""Summary renderings: Markdown that cannot be hijacked, text that cannot hijack a terminal."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import engine
from bot.commands import Action, ActionCommand
from bot.model import AnswerGiven, ChannelRef, Person, RoundSettings, Status
from bot.outbound import SummaryPost
from bot.render import content_text, escape_markdown, summary_json, summary_markdown
from bot.summary import Summary
from dialogues.cards import get_card
from tests import summary_fixture as fixture
from tests.summary_fixture import assert_golden

CARD = get_card("dialoogkaart")
CHANNEL = ChannelRef("local", "team")
ANNA = Person("local", "anna", "Anna")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def summary_with(answers: list[tuple[Person, int, str]], *, anonymous: bool = False) -> Summary:
    rnd = engine.new_round(
        channel=CHANNEL,
        person=ANNA,
        settings=RoundSettings(card_id="dialoogkaart", anonymous=anonymous),
        card=CARD,
        now=NOW,
    ).evolve(id=7)
    out = engine.tick(rnd, NOW, CARD)
    assert out.round is not None
    rnd = out.round
    # post every step so every answer has a question to belong to
    while rnd.status is Status.RUNNING and rnd.next_step_index is not None:
        nxt = engine.command(rnd, ActionCommand(Action.NEXT), ANNA, NOW, CARD)
        assert nxt.round is not None
        rnd = nxt.round
    for n, (who, step, text) in enumerate(answers):
        given = engine.answer(rnd, AnswerGiven(CHANNEL, who, f"m{n}", text), step, NOW)
        assert given.round is not None
        rnd = given.round
    result = engine.command(rnd, ActionCommand(Action.SUMMARY), ANNA, NOW, CARD)
    content = result.posts[0].content
    assert isinstance(content, SummaryPost)
    return content.summary


def test_markdown_summary_sets_the_outcome_apart() -> None:
    bram = Person("local", "bram", "Bram")
    droom = 1 + 26
    summary = summary_with(
        [(bram, 0, "Beelden"), (bram, droom, "Over drie jaar..."), (ANNA, droom + 2, "Actie!")]
    )
    text = summary_markdown(summary)
    assert text.startswith("# Tussenstand: ")
    outcome = text.index("## Thema's")
    appendix = text.index("# Bijlage: alle antwoorden")
    assert outcome < text.index("## Droomvraag: over drie jaar") < text.index("## Acties")
    assert text.index("## Acties") < appendix < text.index("### Acties")
    assert "- **Bram**: Over drie jaar..." in text
    assert text.index("## Deelname") > appendix  # on paper, after the answers
    assert "| Bram | 2 van 31 |" in text
    # the role is a heading once, not repeated on every question
    assert text.count("Rol als visionair en verbinder") == 1


def test_markdown_escapes_user_text() -> None:
    mallory = Person("local", "m", "Mallory **admin**")
    summary = summary_with(
        [(mallory, 0, "# Kop\n[klik](http://x) <script>alert(1)</script> *vet*")]
    )
    text = summary_markdown(summary)
    assert "<script>" not in text
    assert "\\<script\\>" in text
    assert "\\[klik\\](http://x)" in text
    assert "**Mallory \\*\\*admin\\*\\***" in text
    assert escape_markdown("a_b|c") == "a\\_b\\|c"


def test_anonymous_markdown_names_nobody() -> None:
    bram = Person("local", "bram", "Bram Geheim")
    text = summary_markdown(summary_with([(bram, 0, "anoniem antwoord")], anonymous=True))
    assert "anoniem antwoord" in text
    assert "Bram" not in text
    assert "| deelnemer A | 1 van 31 |" in text
    assert "Bram" not in summary_json(summary_with([(bram, 0, "x")], anonymous=True))


def test_terminal_text_drops_escape_sequences_but_keeps_the_words() -> None:
    bram = Person("local", "bram", "Bram")
    summary = summary_with([(bram, 0, "\x1b[2J\x1b[31mrood\x1b[0m en\nnieuwe regel")])
    text = summary_markdown(summary, escape=False)
    assert "\x1b" not in text
    assert "[31mrood" in text
    assert "nieuwe regel" in text
    channel = content_text(SummaryPost(round_id=7, summary=summary))
    assert "\x1b" not in channel
    assert "dialoogbot summary 7 --format pdf" in channel


def test_the_fixed_round_as_markdown_and_json_matches_its_golden_files() -> None:
    """The record's two text formats, byte for byte (``UPDATE_GOLDEN=1`` rewrites)."""
    fixed = fixture.summary()
    assert_golden("record.md", summary_markdown(fixed))
    assert_golden("record.json", summary_json(fixed))
    assert_golden("record-anoniem.md", summary_markdown(fixture.anonymous_summary()))


def test_hostile_answers_are_inert_in_markdown() -> None:
    text = summary_markdown(fixture.summary())
    assert fixture.SCRIPT not in text  # escaped: \<script\>
    assert "\\<\\!channel\\>" in text or "<!channel>" not in text
    assert "\\*\\*b\\*\\*" in text
    assert fixture.LONG[:200] in text.replace("\\", "")  # kept whole, not cut


def test_the_anonymous_record_names_nobody_anywhere() -> None:
    text = summary_markdown(fixture.anonymous_summary())
    data = summary_json(fixture.anonymous_summary())
    for name in fixture.NAMES:
        for part in name.split():
            if len(part) > 3:
                assert part not in text
                assert part not in data
