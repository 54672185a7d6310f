"""The ``dialoogbot`` command as a person runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.local.channel import LocalChannel, person
from bot.model import RoundSettings
from bot.service import DialogueService
from dialogues.cards import get_card
from storage.db import Database
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
        [sys.executable, "-m", "bot", *args],
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
    assert "4.4 (aangevuld)" in shown.stdout
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
    db = Database(f"sqlite+aiosqlite:///{db_path}")
    await db.migrate()
    service = DialogueService(
        db,
        cards=get_card,
        clock=FakeClock(datetime.now(UTC)),
        defaults=RoundSettings(card_id="dialoogkaart"),
    )
    channel = LocalChannel(service, "team", out=lambda _: None)
    await channel.say(person("Anna"), "/dialoog start anoniem")
    await channel.say(person("Bram"), "Mijn beeld: <b>samen</b> leren & opleiden")
    await db.close()

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
    assert data["opening"]["answers"][0]["author"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("summary", "42"), "Ronde 42 bestaat niet"),
        (("summary", "1", "--format", "pdf"), "kies md of json"),
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
