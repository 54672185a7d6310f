"""A fixed, finished round as a ``Summary`` value, for the exports' golden files.

Built directly from the pydantic models rather than through the engine, so the paper
formats can be tested (and their goldens kept stable) independently of how the engine
and the synthesis arrive at an outcome. The round is small but realistic: four people
in one school's team, roles 3 and 4, question 4.4 reconstructed, a confirmed outcome
with one addition, a terugblik weeks later, a comparison with the previous round and
one late answer.

Some answers are hostile on purpose: HTML, Typst markup, Markdown, chat mentions, a
40,000-character answer, an unbroken 300-character word, emoji and right-to-left text.
``anonymous_summary`` is the same round as an anonymous one: every name replaced by
"deelnemer A" and so on, the way ``bot.summary.Labels`` would.
"""

from __future__ import annotations

import difflib
import itertools
import os
from datetime import UTC, date, datetime
from pathlib import Path

from bot.model import ReviewPhase, Status, StepKind, StepState
from bot.summary import (
    FOLLOWUP_QUESTION,
    AddendumEntry,
    Comparison,
    Outcome,
    Participation,
    Period,
    Remark,
    RoleSection,
    Summary,
    SummaryAnswer,
    SummaryItem,
)
from bot.synthesis import ActionRow, Contrast, Dream, Source, Synthesis, Theme
from dialogues.cards import get_card

CARD = get_card("dialoogkaart")

ANNA = "Anna de Vries"  # schoolleider, the coordinator
BRAM = "Bram Jansen"  # schoolopleider
FATIMA = "Fatima El Amrani"  # leraar en werkplekbegeleider
DAAN = "Daan Visser"  # aanstaande leraar

NAMES = (ANNA, BRAM, FATIMA, DAAN)

KERN = (
    "Tijd en rooster zijn de knelpunten: begeleiding van aanstaande leraren moet in het "
    "rooster staan, niet erbij komen. We willen dat het hele team opleidt, niet alleen "
    "de schoolopleider."
)
SCRIPT = "<script>alert(1)</script>"
TYPST = "#set page(width: 1cm)"
MARKUP = "Haakjes ] en ) en $x$ wiskunde, @mention en <!channel>, en **b** vet?"
EMOJI_RTL = "Top idee 🎉👍🏽 — en voor de ouders: שלום, مرحبا بكم في مدرستنا"
LONG_WORD = "https://intranet.example.nl/" + "roosterplanning" * 20
# 40,000 characters of a real-looking, very long answer
LONG = (
    "Ik wil hier uitgebreid op ingaan, want dit speelt al jaren. "
    "De schoolopleider heeft twee uur per week, maar dat gaat op aan overleg met de "
    "instituutsopleider en aan de beoordelingen; voor het echte begeleiden op de "
    "werkvloer blijft weinig over. "
) * 200
LONG = LONG[:40_000]

START = date(2026, 3, 2)
END = date(2026, 3, 13)


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in March 2026 (UTC), when the round ran."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def answer(author: str | None, text: str, day: int, **kw: bool) -> SummaryAnswer:
    return SummaryAnswer(author=author, text=text, given_at=at(day), **kw)


def question_item(index: int, ref: str, answers: list[SummaryAnswer]) -> SummaryItem:
    found = CARD.question(ref)
    assert found is not None
    _role, question = found
    return SummaryItem(
        step_index=index,
        kind=StepKind.QUESTION,
        ref=ref,
        label=ref,
        question=question.text,
        state=StepState.POSTED,
        reconstructed=question.reconstructed,
        answers=answers,
        respondent_count=len({a.author for a in answers}),
    )


def _summary() -> Summary:
    opening = SummaryItem(
        step_index=0,
        kind=StepKind.OPENING,
        ref="opening",
        label="Openingsvraag",
        question=CARD.opening.question,
        state=StepState.POSTED,
        answers=[
            answer(ANNA, "Samen Opleiden is voor mij: het hele team leidt op.", 2),
            answer(BRAM, f"Opleiden is het tweede primaire proces. {SCRIPT}", 2),
            answer(DAAN, EMOJI_RTL, 3),
        ],
        respondent_count=3,
    )
    q32 = question_item(
        1,
        "3.2",
        [
            answer(ANNA, "Werkplekbegeleiders krijgen taakuren; voldoende, maar niet optimaal.", 3),
            answer(BRAM, "Of dat genoeg is? Ik hoor van niet.\n\nDe uren worden opgeslokt.", 4),
            answer(FATIMA, TYPST, 4, edited=True),
        ],
    )
    q33 = question_item(
        2,
        "3.3",
        [
            answer(BRAM, LONG, 5),
            answer(
                None, "Ik voel me niet gesteund, maar durf dat niet te zeggen.", 5, private=True
            ),
        ],
    )
    q44 = question_item(
        3,
        "4.4",
        [
            answer(
                ANNA, "Rooster eerst: begeleidingsuren staan vanaf nu vast in de jaarplanning.", 6
            ),
            answer(FATIMA, MARKUP, 6),
            answer(DAAN, LONG_WORD, 9),
        ],
    )
    droom = SummaryItem(
        step_index=4,
        kind=StepKind.DROOMVRAAG,
        ref="droomvraag",
        label="Droomvraag",
        question=CARD.droomvraag.text,
        state=StepState.POSTED,
        answers=[
            answer(
                ANNA,
                "Over drie jaar leidt het hele team op en staat begeleiding in het rooster.",
                9,
            ),
            answer(
                FATIMA,
                "Aanstaande leraren geven samen met ons lessen; het rooster maakt dat mogelijk.",
                10,
            ),
            answer(DAAN, "Ik werk hier zelf, en begeleid de volgende student.", 10),
        ],
        respondent_count=3,
    )
    evaluation = [
        SummaryItem(
            step_index=5 + n,
            kind=StepKind.EVALUATION,
            ref=e.key,
            label=e.label,
            question=e.text,
            state=StepState.POSTED,
            answers=answers,
            respondent_count=len(answers),
        )
        for n, (e, answers) in enumerate(
            zip(
                CARD.evaluation,
                [
                    [
                        answer(
                            BRAM,
                            "Dat we allemaal over tijd praten, maar ieder iets anders bedoelen.",
                            11,
                        )
                    ],
                    [
                        answer(ANNA, "Begeleidingsuren in de jaarplanning zetten.", 11),
                        answer(FATIMA, "Een intervisie voor werkplekbegeleiders starten.", 12),
                    ],
                    [
                        answer(
                            ANNA,
                            "De instituutsopleider van de pabo, voor een gedeelde planning.",
                            12,
                        )
                    ],
                ],
                strict=True,
            )
        )
    ]

    followup = SummaryItem(
        step_index=8,
        kind=StepKind.FOLLOWUP,
        ref="terugblik",
        label="Terugblik",
        question=FOLLOWUP_QUESTION,
        state=StepState.POSTED,
        answers=[
            SummaryAnswer(
                author=ANNA,
                text="De uren staan in de jaarplanning; de pabo plant mee.",
                given_at=datetime(2026, 4, 28, 9, 30, tzinfo=UTC),
            )
        ],
        respondent_count=1,
    )

    def src(ref: str, label: str, author: str | None, excerpt: str) -> Source:
        return Source(ref=ref, label=label, author=author, excerpt=excerpt)

    rooster = Theme(
        title="Tijd en rooster",
        terms=["tijd", "rooster", "uur"],
        refs=["3.2", "4.4", "droomvraag", "inzichten"],
        people=4,
        sources=[
            src(
                "3.2",
                "3.2",
                ANNA,
                "Werkplekbegeleiders krijgen taakuren; voldoende, maar niet optimaal.",
            ),
            src("3.2", "3.2", BRAM, "Of dat genoeg is? Ik hoor van niet."),
            src("4.4", "4.4", ANNA, "Rooster eerst: begeleidingsuren staan vanaf nu vast …"),
            src("inzichten", "Inzichten", BRAM, "Dat we allemaal over tijd praten …"),
        ],
    )
    team = Theme(
        title="Het hele team leidt op",
        terms=["team", "opleiden"],
        refs=["opening", "droomvraag"],
        people=3,
        sources=[
            src(
                "opening",
                "Openingsvraag",
                ANNA,
                "Samen Opleiden is voor mij: het hele team leidt op.",
            ),
            src(
                "opening",
                "Openingsvraag",
                BRAM,
                f"Opleiden is het tweede primaire proces. {SCRIPT}",
            ),
            src("3.3", "3.3", None, "Ik voel me niet gesteund …"),
        ],
    )
    synthesis = Synthesis(
        enough=True,
        themes=[rooster, team],
        contrasts=[
            Contrast(
                ref="3.2",
                label="3.2",
                kind="verschil",
                shared_terms=["uren"],
                sides=[
                    src("3.2", "3.2", ANNA, "voldoende, maar niet optimaal"),
                    src("3.2", "3.2", BRAM, "Of dat genoeg is? Ik hoor van niet."),
                    src("3.2", "3.2", FATIMA, TYPST),
                ],
            )
        ],
        dream=Dream(
            recurring=[
                Theme(
                    title="Begeleiding in het rooster",
                    terms=["rooster", "begeleiding"],
                    refs=["droomvraag"],
                    people=2,
                    sources=[
                        src(
                            "droomvraag", "Droomvraag", ANNA, "… staat begeleiding in het rooster."
                        ),
                        src(
                            "droomvraag", "Droomvraag", FATIMA, "… het rooster maakt dat mogelijk."
                        ),
                    ],
                )
            ],
            alone=[
                src(
                    "droomvraag",
                    "Droomvraag",
                    DAAN,
                    "Ik werk hier zelf, en begeleid de volgende student.",
                )
            ],
        ),
        actions=[
            ActionRow(
                author=ANNA,
                what="Begeleidingsuren in de jaarplanning zetten.",
                with_whom="De instituutsopleider van de pabo",
                yields="Een gedeelde planning voor volgend schooljaar.",
                by_when=date(2026, 6, 1),
            ),
            ActionRow(
                author=FATIMA,
                what=f"Een intervisie voor werkplekbegeleiders starten. {SCRIPT}",
                with_whom="De andere werkplekbegeleiders",
            ),
            ActionRow(author=None, what="Met mijn leidinggevende praten over steun."),
        ],
    )
    outcome = Outcome(
        phase=ReviewPhase.PUBLISHED,
        kern=KERN,
        dream=(
            "Over drie jaar leidt het hele team op: begeleiding staat in het rooster en "
            "aanstaande leraren geven samen met ons les."
        ),
        synthesis=synthesis,
        until=at(18, 16),
        published_at=at(19, 10),
        asked=4,
        agreed=3,
        additions=[
            Remark(
                author=FATIMA,
                text="Klopt, maar noem ook de intervisie als eerste stap. <b>echt</b>",
                given_at=at(17, 14),
            )
        ],
    )
    previous = [
        ActionRow(
            author=ANNA, what="Studiedag over Samen Opleiden plannen.", by_when=date(2025, 11, 14)
        ),
        ActionRow(author=BRAM, what="Rol van werkplekbegeleiders beschrijven."),
    ]
    return Summary(
        round_id=7,
        card_id=CARD.id,
        card_title=CARD.title,
        card_purpose=CARD.purpose,
        card_usage=CARD.usage.text if CARD.usage else None,
        channel="local:team",
        timezone="Europe/Amsterdam",
        status=Status.FINISHED,
        final=True,
        anonymous=False,
        generated_at=at(20, 9),
        period=Period(start=START, end=END),
        steps_asked=8,
        participant_count=4,
        answer_count=20,
        outcome=outcome,
        opening=opening,
        roles=[
            RoleSection(number=3, title="De faciliterende rol", items=[q32, q33]),
            RoleSection(number=4, title="Rol in ontwikkeling en uitvoering", items=[q44]),
        ],
        droomvraag=droom,
        evaluation=evaluation,
        followup=followup,
        participation=[
            Participation(author=ANNA, answered=6),
            Participation(author=BRAM, answered=4),
            Participation(author=DAAN, answered=3),
            Participation(author=FATIMA, answered=5),
        ],
        comparison=Comparison(
            previous_round_id=3,
            previous_period=Period(start=date(2025, 10, 6), end=date(2025, 10, 17)),
            participants_before=3,
            participants_now=4,
            themes_new=["Het hele team leidt op"],
            themes_gone=["Studiedagen"],
            themes_kept=["Tijd en rooster"],
            actions_before=previous,
            followed_up=1,
        ),
        addendum=[
            AddendumEntry(
                ref="4.4",
                label="4.4",
                answer=SummaryAnswer(
                    author=BRAM,
                    text="Nog een gedachte: het rooster voor volgend jaar is al bijna klaar.",
                    given_at=at(23, 15),
                ),
            )
        ],
    )


def summary() -> Summary:
    """The fixed round, with names."""
    return _summary()


def anonymous_summary() -> Summary:
    """The same round as an anonymous one: letters in order of first word, as Labels does."""
    letters = {ANNA: "deelnemer A", BRAM: "deelnemer B", DAAN: "deelnemer C", FATIMA: "deelnemer D"}
    text = _summary().model_dump_json()
    for name, letter in letters.items():
        text = text.replace(f'"{name}"', f'"{letter}"')
    anonymous = Summary.model_validate_json(text)
    chart = sorted(anonymous.participation, key=lambda p: p.author.casefold())
    return anonymous.model_copy(update={"anonymous": True, "participation": chart})


# --- golden files ------------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``tests/golden/<name>``; ``UPDATE_GOLDEN=1`` rewrites it.

    The failure shows a short unified diff rather than two 50 kB strings side by side.
    """
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing; create it with UPDATE_GOLDEN=1 pytest"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), "golden", "now", lineterm="", n=2
        )
        shown = "\n".join(line[:200] for line in itertools.islice(diff, 60))
        raise AssertionError(
            f"{name} differs from its golden file (UPDATE_GOLDEN=1 pytest rewrites it):\n{shown}"
        )
