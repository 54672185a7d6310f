"""Cards of a school's own, in DIALOOGBOT_CARDS_DIR: offered without code, and one broken
file refused with its place while every other card still loads."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.local.channel import LocalChannel, person
from bot.model import RoundSettings
from bot.service import DialogueService
from cli.config import Settings
from cli.main import _service, app
from dialogues.catalogue import load_catalogue
from storage.db import Database
from storage.store import SqlStore
from tests.fakes import FakeClock
from tests.test_cards import GOOD

ANNA = person("Anna")
BUILT_IN = ["dialoogkaart", "dialoogkaart-en", "leercultuur", "reactieronde"]
# GOOD with a typo in the field of question 1.1, which is on line 13
BROKEN = GOOD.replace("id: proef", "id: kapot").replace(
    "        text: Eerste", "        txt: Eerste"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A school's folder: one good card, one broken, one taking a built-in id, one not a card."""
    cards = tmp_path / "kaarten"
    cards.mkdir()
    (cards / "eigen.yaml").write_text(GOOD.replace("id: proef", "id: eigen"), encoding="utf-8")
    (cards / "kapot.yaml").write_text(BROKEN, encoding="utf-8")
    (cards / "dubbel.yml").write_text(GOOD.replace("id: proef", "id: dialoogkaart"), "utf-8")
    (cards / "lees-mij.txt").write_text("geen kaart", encoding="utf-8")
    return cards


def test_the_folder_s_cards_join_the_built_in_ones(folder: Path) -> None:
    catalogue = load_catalogue(folder)
    assert list(catalogue.cards) == [*BUILT_IN, "eigen"]
    assert catalogue.get("eigen").title == "Proefkaart"
    assert catalogue.paths["eigen"] == folder / "eigen.yaml"
    with pytest.raises(
        KeyError, match="beschikbaar: dialoogkaart, dialoogkaart-en, eigen, leercultuur"
    ):
        catalogue.get("kapot")


def test_a_broken_card_and_a_taken_id_are_refused_with_their_place(folder: Path) -> None:
    problems = {p.path.name: p for p in load_catalogue(folder).problems}
    assert set(problems) == {"kapot.yaml", "dubbel.yml"}
    assert str(problems["kapot.yaml"]).splitlines()[-1] == (
        f"{folder / 'kapot.yaml'}:13: roles[0].questions[0].txt: onbekend veld "
        "(controleer de spelling)"
    )
    taken = problems["dubbel.yml"]
    assert (taken.line, taken.field) == (1, "id")
    assert "kaart-id ‘dialoogkaart’ bestaat al" in taken.message
    assert "dialoogkaart.yaml" in taken.message


def test_settings_read_the_folder_and_may_default_to_its_card(folder: Path) -> None:
    settings = Settings(_env_file=None, cards_dir=folder, card="eigen")
    assert settings.round_defaults().card_id == "eigen"
    assert "eigen" in settings.catalogue().cards


def test_a_default_card_that_was_refused_says_why(folder: Path) -> None:
    refused = r"Kaart ‘kapot’ bestaat niet.*Niet geladen: .*kapot\.yaml:13: roles"
    with pytest.raises(ValueError, match=refused):
        Settings(_env_file=None, cards_dir=folder, card="kapot")


def test_a_cards_dir_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["cards", "list"], env={"DIALOOGBOT_CARDS_DIR": str(tmp_path / "nergens")}
    )
    assert result.exit_code == 1
    assert "DIALOOGBOT_CARDS_DIR: ‘" in result.stderr
    assert "is geen map" in result.stderr


def test_cards_commands_see_the_folder(folder: Path, tmp_path: Path) -> None:
    env = {"DIALOOGBOT_CARDS_DIR": str(folder)}
    runner = CliRunner()
    listed = runner.invoke(app, ["cards", "list"], env=env)
    assert listed.exit_code == 0
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [*BUILT_IN, "eigen"]
    assert "kapot.yaml:13" in listed.stderr
    shown = runner.invoke(app, ["cards", "show", "eigen"], env=env)
    assert shown.exit_code == 0
    assert "Eerste vraag?" in shown.stdout
    assert "Bron: Iemand; Iemand." in shown.stdout

    checked = runner.invoke(app, ["cards", "validate"], env=env)
    assert checked.exit_code == 1
    assert f"{folder / 'eigen.yaml'}: in orde (eigen, 1 vragen)" in checked.stdout
    assert "leercultuur.yaml: in orde" in checked.stdout
    assert f"{folder / 'kapot.yaml'}:13: roles[0].questions[0].txt" in checked.stderr
    assert f"{folder / 'dubbel.yml'}:1: id: kaart-id ‘dialoogkaart’ bestaat al" in checked.stderr

    # a card checked before it goes into the folder: its id must be free
    new = tmp_path / "nieuw.yaml"
    new.write_text(GOOD.replace("id: proef", "id: eigen"), encoding="utf-8")
    taken = runner.invoke(app, ["cards", "validate", str(new)], env=env)
    assert taken.exit_code == 1
    assert f"{new}:1: id: kaart-id ‘eigen’ bestaat al" in taken.stderr
    same = runner.invoke(app, ["cards", "validate", str(folder / "eigen.yaml")], env=env)
    assert same.exit_code == 0


async def test_the_bot_says_at_start_which_cards_it_refused(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        _env_file=None,
        cards_dir=folder,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
    )
    with caplog.at_level(logging.WARNING, logger="dialoogbot"):
        async with _service(settings) as service:
            offered = [card.id for card in service.offered()]
            assert service.cards("eigen").id == "eigen"
    assert offered == [*BUILT_IN, "eigen"]
    refused = [r.getMessage() for r in caplog.records if "Kaart niet geladen" in r.getMessage()]
    assert len(refused) == 2
    assert any(f"{folder / 'kapot.yaml'}:13" in message for message in refused)


@pytest.fixture
async def own_channel(folder: Path, db: Database, clock: FakeClock) -> LocalChannel:
    catalogue = load_catalogue(folder)
    service = DialogueService(
        SqlStore(db),
        cards=catalogue.get,
        offered=catalogue.offered,
        clock=clock,
        defaults=RoundSettings(card_id="dialoogkaart"),
    )
    return LocalChannel(service, "team", out=lambda _: None)


async def test_kaarten_lists_every_card_privately_with_how_to_start_it(
    own_channel: LocalChannel,
) -> None:
    await own_channel.say(ANNA, "/dialoog kaarten")
    reply = own_channel.replies[-1]
    assert reply.private
    lines = reply.text.splitlines()
    assert lines[0] == "Deze kaarten kun je gebruiken:"
    assert lines[1].startswith(
        "• Dialoogkaart: Schoolleider versterkt in beeld bij Samen Opleiden (standaard) — "
        "De dialoogkaart helpt bij het bewust maken"
    )
    assert lines[1].endswith("in het partnerschap. Start: /dialoog start kaart=dialoogkaart")
    # a translation right after its source
    assert lines[2].startswith("• Dialogue card: Putting the school leader firmly in the picture")
    assert lines[2].endswith("Start: /dialoog start kaart=dialoogkaart-en")
    assert lines[3].startswith("• Reflectiekaart: professionele leercultuur — Deze kaart helpt")
    assert "Start: /dialoog start kaart=reactieronde" in lines[4]
    assert lines[5] == "• Proefkaart — Testen. Start: /dialoog start kaart=eigen"
    assert lines[6] == "/dialoog start zonder kaart= begint met de standaardkaart."
    assert own_channel.posted == []  # nothing in the channel
    await own_channel.say(ANNA, "/dialoog cards")
    assert own_channel.replies[-1].text == reply.text


async def test_a_card_from_the_folder_starts_by_its_id(own_channel: LocalChannel) -> None:
    await own_channel.say(ANNA, "/dialoog start kaart=eigen")
    assert "Ronde 1 is gestart" in own_channel.replies[-1].text
    assert [q.ref for _, q in own_channel.questions()] == ["opening"]


async def test_an_unknown_card_names_the_ones_there_are(own_channel: LocalChannel) -> None:
    await own_channel.say(ANNA, "/dialoog start kaart=onbekend")
    assert own_channel.replies[-1].text == (
        "Kaart ‘onbekend’ bestaat niet; beschikbaar: dialoogkaart, dialoogkaart-en, eigen, "
        "leercultuur, reactieronde. Welke kaarten er zijn: /dialoog kaarten"
    )
    await own_channel.say(ANNA, "/dialoog start kaart=Kapot_Ding")
    assert "‘kaart=Kapot_Ding’ klopt niet" in own_channel.replies[-1].text
    assert own_channel.posted == []
