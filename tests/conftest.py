"""Shared fixtures: a real database (SQLite file, and PostgreSQL started for the run),
the service on a movable clock, and a local channel to talk through."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from adapters.local.channel import LocalChannel
from bot.model import RoundSettings
from bot.service import DialogueService
from dialogues.cards import get_card
from storage.db import Database
from storage.store import SqlStore
from tests.fakes import FakeClock
from tests.pgcluster import postgres_cluster

if TYPE_CHECKING:
    from tests.slack_harness import Harness as SlackHarness
    from tests.telegram_harness import Harness as TelegramHarness

__all__ = ["postgres_cluster"]

AMS = ZoneInfo("Europe/Amsterdam")
# A Monday morning before the usual 09:00, in an ordinary school week.
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=AMS)

_db_names = itertools.count(1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'dialoogbot.db'}"
    cluster: Any = request.getfixturevalue("postgres_cluster")
    name = f"test_{next(_db_names)}"
    cluster.create_database(name)
    return str(cluster.dsn(dbname=name))


@pytest.fixture
def postgres_url(postgres_cluster: Any) -> str:
    """A fresh database on the throwaway PostgreSQL, for tests only PostgreSQL can run."""
    name = f"test_{next(_db_names)}"
    postgres_cluster.create_database(name)
    return str(postgres_cluster.dsn(dbname=name).render_as_string(hide_password=False))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.migrate()
    yield database
    await database.close()


def make_service(db: Database, clock: FakeClock, **defaults: Any) -> DialogueService:
    return DialogueService(
        SqlStore(db),
        cards=get_card,
        clock=clock,
        defaults=RoundSettings(card_id="dialoogkaart", **defaults),
    )


@pytest.fixture
def service(db: Database, clock: FakeClock) -> DialogueService:
    return make_service(db, clock)


@pytest.fixture
async def slack(db: Database, clock: FakeClock) -> AsyncIterator[SlackHarness]:
    """The bot's real slack-bolt adapter against the fake Slack on localhost."""
    from tests.slack_harness import open_slack  # it builds its service with make_service

    async with open_slack(db, clock) as harness:
        yield harness


@pytest.fixture
async def telegram(db: Database, clock: FakeClock) -> AsyncIterator[TelegramHarness]:
    """The bot's real python-telegram-bot adapter polling the fake Bot API on localhost."""
    from tests.telegram_harness import open_telegram  # as open_slack

    async with open_telegram(db, clock) as harness:
        yield harness


@pytest.fixture
def transcript() -> list[str]:
    return []


@pytest.fixture
def channel(service: DialogueService, transcript: list[str]) -> LocalChannel:
    return LocalChannel(service, "team", out=transcript.append)
