"""The ``dialoogbot`` command in English (``DIALOOGBOT_LANGUAGE=en``): help, output, errors.

Typer builds its help texts at import, before any command has read its settings, so
``--help`` can only be English when the language is known that early: these run the
command as a separate process, as a person would, not in this test process.

The expected English is looked up in the catalogue rather than written out here: what is
tested is that the command speaks it, not the wording of one translation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import i18n
from cli.config import early_language
from tests.test_cli import a_round, dialoogbot

ENGLISH = {"DIALOOGBOT_LANGUAGE": "en", "COLUMNS": "200"}


def english(dutch: str) -> str:
    """The English catalogue's translation of ``dutch``, which must have one."""
    translated = i18n.translations("en").gettext(dutch)
    assert translated != dutch, f"no English translation of {dutch!r}"
    return translated


def test_help_speaks_english(tmp_path: Path) -> None:
    shown = dialoogbot("--help", db=tmp_path / "x.db", env=ENGLISH)
    assert shown.returncode == 0, shown.stderr
    assert english("dialoogbot: de Dialoogkaart als dialoog in je teamkanaal.") in shown.stdout
    assert english("Kaarten bekijken en controleren.") in shown.stdout
    assert "Kaarten bekijken" not in shown.stdout

    cards = dialoogbot("cards", "print", "--help", db=tmp_path / "x.db", env=ENGLISH)
    assert english("Alleen deze rol of dit thema (standaard: alle)") in cards.stdout
    assert "standaard" not in cards.stdout


def test_a_reconstructed_question_is_marked_in_english(tmp_path: Path) -> None:
    shown = dialoogbot("cards", "show", "dialoogkaart-en", db=tmp_path / "x.db", env=ENGLISH)
    assert shown.returncode == 0, shown.stderr
    assert f"4.4 {english('(begin aangevuld door dialoogbot)')} " in shown.stdout
    assert "aangevuld" not in shown.stdout


def test_mistakes_are_english(tmp_path: Path) -> None:
    wrong = dialoogbot("cards", "print", "-f", "docx", db=tmp_path / "x.db", env=ENGLISH)
    assert wrong.returncode == 2
    assert wrong.stderr == (
        english("Onbekend formaat ‘{format}’: kies pdf of html.").format(format="docx") + "\n"
    )

    # the settings' own sentences too: they are checked after the language is known
    setting = dialoogbot(
        "rounds", "list", db=tmp_path / "x.db", env={**ENGLISH, "DIALOOGBOT_TICK_SECONDS": "0"}
    )
    assert setting.returncode == 1
    problem = english("kies meer dan 0 en hooguit {most} seconden").format(most="60")
    assert setting.stderr == (
        english("Configuratie klopt niet: {problems}").format(
            problems=f"DIALOOGBOT_TICK_SECONDS: {problem}"
        )
        + "\n"
    )


def test_a_language_without_a_catalogue_leaves_the_command_dutch(tmp_path: Path) -> None:
    """The setting itself is wrong: said in Dutch, the source, not as a traceback."""
    result = dialoogbot("rounds", "list", db=tmp_path / "x.db", env={"DIALOOGBOT_LANGUAGE": "xx"})
    assert result.returncode == 1
    assert "‘xx’ heeft geen vertaling" in result.stderr


@pytest.mark.parametrize(
    ("environment", "dotenv", "expected"),
    [
        (None, None, "nl"),
        ("en", None, "en"),
        (None, "DIALOOGBOT_LANGUAGE=en\n", "en"),
        ("nl", "DIALOOGBOT_LANGUAGE=en\n", "nl"),  # the environment wins, as for Settings
        ("xx", None, "nl"),
        (None, "DIALOOGBOT_LANGUAGE=en\nDIALOOGBOT_CADENCE=elke dag\n", "en"),  # not validated
    ],
)
def test_the_language_is_known_before_the_settings_are_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: str | None,
    dotenv: str | None,
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIALOOGBOT_LANGUAGE", raising=False)
    if environment is not None:
        monkeypatch.setenv("DIALOOGBOT_LANGUAGE", environment)
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
    assert early_language() == expected


async def test_a_rounds_record_is_in_the_rounds_language(tmp_path: Path) -> None:
    """The installation speaks Dutch, the round English: its record does too."""
    db_path = tmp_path / "rondes.db"
    await a_round(db_path, "/dialoog start taal=en", "We learn together.")
    md = dialoogbot("summary", "1", "--format", "md", db=db_path)
    assert md.returncode == 0, md.stderr
    assert english("Bijlage: alle antwoorden") in md.stdout
    assert "Bijlage" not in md.stdout
    assert "We learn together." in md.stdout
