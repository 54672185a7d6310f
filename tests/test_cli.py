"""The ``dialoogbot`` command as a person runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from adapters.local.channel import LocalChannel, person
from bot.model import Cadence, RoundSettings
from bot.service import DialogueService
from cli.config import Settings
from cli.main import app
from dialogues.cards import get_card
from storage.db import Database
from storage.store import SqlStore
from tests.fakes import FakeClock


def dialoogbot(
    *args: str, db: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))},
        "DIALOOGBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "DIALOOGBOT_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def test_cards_list_and_show(tmp_path: Path) -> None:
    listed = dialoogbot("cards", "list", db=tmp_path / "x.db")
    assert listed.returncode == 0
    assert "dialoogkaart" in listed.stdout
    assert "26 vragen" in listed.stdout
    shown = dialoogbot("cards", "show", "dialoogkaart", db=tmp_path / "x.db")
    assert "4.4 (begin aangevuld door dialoogbot)" in shown.stdout
    assert "kwaliteitscyclus" in shown.stdout  # how the card is used
    assert "Droomvraag" in shown.stdout
    missing = dialoogbot("cards", "show", "bestaat-niet", db=tmp_path / "x.db")
    assert missing.returncode == 1
    assert "dialoogkaart" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_validate_names_file_line_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "kapot.yaml"
    broken.write_text(
        "id: kapot\n"
        "title: Kapotte kaart\n"
        "purpose: Testen\n"
        "opening:\n"
        "  question: Wat?\n"
        "  invitation: Vertel.\n"
        "roles:\n"
        "  - number: 1\n"
        "    title: Rol\n"
        "    description: Een rol\n"
        "    questions:\n"
        "      - number: '1.1'\n"
        "        txt: Tikfout in het veld\n",
        encoding="utf-8",
    )
    result = dialoogbot("cards", "validate", str(broken), db=tmp_path / "x.db")
    assert result.returncode == 1
    assert f"{broken}:13" in result.stderr
    assert "txt" in result.stderr
    assert "Traceback" not in result.stderr
    ok = dialoogbot("cards", "validate", db=tmp_path / "x.db")
    assert ok.returncode == 0
    assert "in orde" in ok.stdout


async def test_rounds_list_and_summary_export(tmp_path: Path) -> None:
    db_path = tmp_path / "rondes.db"
    await a_round(db_path, "/dialoog start anoniem", "Mijn beeld: <b>samen</b> leren & opleiden")

    listed = dialoogbot("rounds", "list", db=db_path)
    assert listed.returncode == 0
    assert listed.stdout.split("\t")[:4] == ["1", "local:team", "dialoogkaart", "loopt"]

    md = dialoogbot("summary", "1", "--format", "md", db=db_path)
    assert md.returncode == 0
    assert "Mijn beeld: \\<b\\>samen\\</b\\> leren & opleiden" in md.stdout
    assert "Bram" not in md.stdout

    out = tmp_path / "samenvatting.json"
    exported = dialoogbot("summary", "1", "-f", "json", "-o", str(out), db=db_path)
    assert exported.returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["anonymous"] is True
    assert data["opening"]["answers"][0]["text"] == "Mijn beeld: <b>samen</b> leren & opleiden"
    assert data["opening"]["answers"][0]["author"] == "deelnemer A"

    # on paper: a real round's times carry microseconds, which a PDF date cannot
    pdf = tmp_path / "verslag.pdf"
    printed = dialoogbot("summary", "1", "-f", "pdf", "-o", str(pdf), db=db_path)
    assert printed.returncode == 0, printed.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Mijn beeld: <b>samen</b> leren & opleiden" in text
    assert "Bram" not in text
    html = dialoogbot("summary", "1", "-f", "html", db=db_path)
    assert "Mijn beeld: &lt;b&gt;samen&lt;/b&gt; leren &amp; opleiden" in html.stdout


def test_a_blank_gespreksformat_per_role(tmp_path: Path) -> None:
    out = tmp_path / "rol2.pdf"
    printed = dialoogbot("cards", "print", "--rol", "2", "-o", str(out), db=tmp_path / "x.db")
    assert printed.returncode == 0, printed.stderr
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Welk gedrag laat je zien" in " ".join(text.split())  # question 2.8
    wrong = dialoogbot("cards", "print", "--rol", "9", db=tmp_path / "x.db")
    assert wrong.returncode == 1
    assert "kies uit 1, 2, 3, 4" in wrong.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("summary", "42"), "Ronde 42 bestaat niet"),
        (("summary", "1", "--format", "docx"), "kies md, json, html of pdf"),
        (("run", "slack"), "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET"),
        (("run", "telegram"), "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_mistakes_get_a_sentence_not_a_traceback(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = dialoogbot(*args, db=tmp_path / "leeg.db")
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_configuration_is_reported_by_variable(tmp_path: Path) -> None:
    result = dialoogbot(
        "rounds", "list", db=tmp_path / "x.db", env={"DIALOOGBOT_CADENCE": "elke dag"}
    )
    assert result.returncode == 1
    assert "DIALOOGBOT_CADENCE" in result.stderr
    assert "Traceback" not in result.stderr


async def a_round(
    db_path: Path, start: str = "/dialoog start", answer: str = "Samen leren."
) -> None:
    """A database with round 1 in it, started and answered once."""
    db = Database(f"sqlite+aiosqlite:///{db_path}")
    await db.migrate()
    service = DialogueService(
        SqlStore(db),
        cards=get_card,
        clock=FakeClock(datetime.now(UTC)),
        defaults=RoundSettings(card_id="dialoogkaart"),
    )
    channel = LocalChannel(service, "team", out=lambda _: None)
    await channel.say(person("Anna"), start)
    await channel.say(person("Bram"), answer)
    await db.close()


async def test_a_summary_that_cannot_be_written_gets_one_dutch_line(tmp_path: Path) -> None:
    db_path = tmp_path / "rondes.db"
    await a_round(db_path)
    missing = dialoogbot("summary", "1", "-o", "/nonexistent/dir/x.md", db=db_path)
    assert missing.returncode == 1
    assert missing.stderr == (
        "Kan /nonexistent/dir/x.md niet schrijven: de map /nonexistent/dir bestaat niet.\n"
    )
    folder = dialoogbot("summary", "1", "-o", str(tmp_path), db=db_path)
    assert folder.returncode == 1
    assert (
        folder.stderr == f"Kan {tmp_path} niet schrijven: dat is een map; geef een bestandsnaam.\n"
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CADENCE", "800d", "‘800d’ is te lang: kies 1d tot 20d (schooldagen), of op de klok"),
        ("CADENCE", "1000000h", "‘1000000h’ is te lang"),
        ("TIME_OF_DAY", "9 uur", "‘9 uur’ klopt niet: gebruik uu:mm, bijvoorbeeld 09:00"),
        ("TIMEZONE", "Mars/Olympus", "‘Mars/Olympus’ is geen tijdzone"),
        ("WEEKDAYS", "feestdag", "‘feestdag’ klopt niet: gebruik ma, di, wo, do, vr, za, zo"),
        ("TICK_SECONDS", "0", "kies meer dan 0 en hooguit 60 seconden"),
        ("TICK_SECONDS", "snel", "geef een getal, bijvoorbeeld 1.5"),
        ("LOG_LEVEL", "luid", "‘luid’ is geen logniveau; kies DEBUG, INFO, WARNING"),
        ("DATABASE_WAIT_SECONDS", "9999", "kies 0 tot 600 seconden"),
        (
            "DATABASE_URL",
            "postgresql+psycopg2://dialoog:geheim@db/dialoog",
            "het stuurprogramma ‘psycopg2’ kan niet, want dialoogbot werkt asynchroon: "
            "schrijf postgresql+asyncpg://dialoog:***@db/dialoog",
        ),
        ("COORDINATORS", "slack:U1,anna", "‘anna’ klopt niet: schrijf platform:gebruikers-id"),
        ("CARD", "bestaat-niet", "Kaart ‘bestaat-niet’ bestaat niet; beschikbaar: dialoogkaart"),
        ("LANGUAGE", "xx", "‘xx’ heeft geen vertaling; beschikbaar: en, nl"),
    ],
)
def test_every_setting_is_bounded_and_says_so_in_dutch(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    env = {
        "DIALOOGBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        f"DIALOOGBOT_{variable}": value,
    }
    result = CliRunner().invoke(app, ["rounds", "list"], env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Configuratie klopt niet: DIALOOGBOT_{variable}: ")
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1
    assert "geheim" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_settings_within_the_bounds_become_the_round_defaults() -> None:
    settings = Settings(
        _env_file=None,
        database_url="postgres://dialoog:geheim@db/dialoog",
        cadence="20d",
        time_of_day="8.30",
        timezone="europe/brussels",
        weekdays="ma,wo",
        log_level="debug",
        coordinators="slack:U1, telegram:42",
    )
    assert settings.log_level == "DEBUG"
    assert settings.coordinators == ["slack:U1", "telegram:42"]
    assert settings.round_defaults() == RoundSettings(
        card_id="dialoogkaart",
        cadence=Cadence(days=20),
        time_of_day=time(8, 30),
        timezone="Europe/Brussels",
        weekdays=frozenset({0, 2}),
        review=Cadence(days=2),  # the group checks the outcome unless told otherwise
        language="nl",  # what the installation speaks, unless a round says otherwise
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_database_is_one_line_with_the_password_masked(tmp_path: Path) -> None:
    url = f"postgresql://dialoog:geheim@127.0.0.1:{closed_port()}/dialoog"
    result = dialoogbot(
        "rounds",
        "list",
        db=tmp_path / "x.db",
        env={"DIALOOGBOT_DATABASE_URL": url, "DIALOOGBOT_DATABASE_WAIT_SECONDS": "0"},
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        "De database in DIALOOGBOT_DATABASE_URL (postgresql+asyncpg://dialoog:***@127.0.0.1:"
    )
    assert "/dialoog) is niet bereikbaar (" in result.stderr
    assert "Connect call failed" in result.stderr
    assert result.stderr.endswith("Draait hij, en kloppen host en poort?\n")
    assert result.stderr.count("\n") == 1
    assert "geheim" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgres
def test_a_postgres_url_without_a_driver_works(tmp_path: Path, postgres_cluster: Any) -> None:
    name = postgres_cluster.create_database("zonder_driver")
    url = postgres_cluster.dsn(dbname=name).set(drivername="postgres")
    result = dialoogbot(
        "db",
        "upgrade",
        db=tmp_path / "x.db",
        env={"DIALOOGBOT_DATABASE_URL": url.render_as_string(hide_password=False)},
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "Database is bijgewerkt.\n", "")


TELEGRAM_SECRET_RULE = "TELEGRAM_WEBHOOK_SECRET mag alleen A-Z, a-z, 0-9, _ en - bevatten"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ("run", "telegram", "--webhook", "https://bot.example.org/telegram"),
            {"TELEGRAM_BOT_TOKEN": "123:ABC", "TELEGRAM_WEBHOOK_SECRET": "geheim met spaties!"},
            TELEGRAM_SECRET_RULE,
        ),
        (
            ("run", "telegram", "--webhook", "https://bot.example.org/telegram"),
            {"TELEGRAM_BOT_TOKEN": "123:ABC", "TELEGRAM_WEBHOOK_SECRET": "a" * 257},
            "1 tot 256 tekens",
        ),
        (
            ("run", "telegram", "--webhook", "http://bot.example.org/telegram"),
            {"TELEGRAM_BOT_TOKEN": "123:ABC", "TELEGRAM_WEBHOOK_SECRET": "geheim"},
            "--webhook moet een https-adres zijn",
        ),
        (
            ("run", "slack", "--http", "--port", "70000"),
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"},
            "--port 70000 kan niet: kies een poort van 1 tot 65535.",
        ),
        (("demo", "--tempo", "800d"), {}, "‘--tempo=800d’ is te lang"),
        (("demo", "--tempo", "snel"), {}, "‘--tempo=snel’ klopt niet"),
    ],
)
def test_options_that_cannot_work_are_refused_before_anything_starts(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    result = dialoogbot(*args, db=tmp_path / "x.db", env=env)
    assert result.returncode == 1
    assert message in result.stderr
    assert "geheim" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()


async def test_an_administrator_exports_and_erases_a_person_and_purges(tmp_path: Path) -> None:
    db_path = tmp_path / "rondes.db"
    await a_round(db_path, "/dialoog start", "Bram zijn beeld")
    bram = person("Bram")

    exported = dialoogbot("person", "export", f"local:{bram.user_id}", db=db_path)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["person"]["name"] == "Bram"
    assert data["rounds"][0]["answers"][0]["text"] == "Bram zijn beeld"

    wrong = dialoogbot("person", "export", "zonderdubbelepunt", db=db_path)
    assert wrong.returncode == 1
    assert "PLATFORM:GEBRUIKER" in wrong.stderr

    erased = dialoogbot("person", "erase", f"local:{bram.user_id}", "--yes", db=db_path)
    assert erased.returncode == 0, erased.stderr
    assert "Gewist: 1 antwoord in 1 ronde(s)" in erased.stdout
    gone = dialoogbot("person", "export", f"local:{bram.user_id}", db=db_path)
    assert gone.returncode == 1
    assert "niets bewaard" in gone.stderr
    md = dialoogbot("summary", "1", db=db_path)
    assert "Bram" not in md.stdout

    planned = dialoogbot("purge", "--dry-run", db=db_path)
    assert planned.returncode == 0, planned.stderr
    assert "Zou wissen: 0 rondes" in planned.stdout  # round 1 still runs
