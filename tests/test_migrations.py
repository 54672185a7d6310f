"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text

from bot import engine
from bot.model import ChannelRef, Person, RoundSettings
from dialogues.cards import get_card
from storage.db import Database, _foreign_keys, alembic_config
from storage.models import Base
from storage.repository import Repository


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection)
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as conn:
        diff = await conn.run_sync(differences)
    assert diff == []


async def test_migrating_again_is_harmless_and_ends_at_head(db: Database) -> None:
    await db.migrate()
    async with db.engine.connect() as conn:
        versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    assert [v[0] for v in versions] == ["0010"]


async def test_rounds_stored_as_json_come_through_the_upgrade_whole(database_url: str) -> None:
    """A database of the previous version, with a round in it, upgraded to today's."""
    old = Database(database_url)
    await old.migrate("0005")
    now = datetime(2026, 11, 23, 8, 0)  # stored naive, in UTC, as the UTCDateTime type does
    steps = [
        {"kind": "opening", "ref": "opening", "state": "posted",
         "posted_at": "2026-11-23T08:00:00+00:00"},
        {"kind": "question", "ref": "1.1", "state": "skipped", "posted_at": None},
        {"kind": "question", "ref": "1.2", "state": "pending", "posted_at": None},
    ]  # fmt: skip
    async with old.transaction() as session:
        await session.execute(
            text(
                "INSERT INTO rounds (id, platform, channel_id, thread_id, card_id, status, "
                "settings, steps, coordinators, started_by, created_at, quiet, version) VALUES "
                "(1, 'slack', 'C1', '', 'dialoogkaart', 'running', :settings, :steps, "
                ":coordinators, :started_by, :now, :quiet, 3)"
            ),
            {
                "settings": json.dumps(
                    {"roles": [1], "questions": [], "cadence": "1d", "time_of_day": "09:00",
                     "timezone": "Europe/Amsterdam", "weekdays": [0, 1, 2, 3, 4],
                     "skip_dates": [], "anonymous": False, "begin": None}
                ),
                "steps": json.dumps(steps),
                "coordinators": json.dumps(["slack:UANNA", "slack:UBOARD"]),
                "started_by": json.dumps(
                    {"platform": "slack", "user_id": "UANNA", "name": "Anna de Vries"}
                ),
                "quiet": json.dumps(["slack:USARA"]),
                "now": now,
            },
        )  # fmt: skip
        for n, (user, name) in enumerate([("UBRAM", "Bram"), ("UANNA", "Anna"), ("UBRAM", "B.")]):
            await session.execute(
                text(
                    "INSERT INTO answers (round_id, step_index, user_id, user_name, message_id, "
                    "text, private, given_at) VALUES (1, 0, :user, :name, :mid, :text, :private, "
                    ":now)"
                ),
                {"user": user, "name": name, "mid": f"m{n}", "text": f"antwoord {n}",
                 "private": n == 2, "now": now},
            )  # fmt: skip
    await old.close()

    db = Database(database_url)
    await db.migrate()
    async with db.transaction() as session:
        rnd = await Repository(session).get(1)
    await db.close()
    assert rnd is not None
    assert [(s.ref, s.state.value) for s in rnd.steps] == [
        ("opening", "posted"), ("1.1", "skipped"), ("1.2", "pending"),
    ]  # fmt: skip
    assert rnd.started_by.key == "slack:UANNA"  # named as last seen
    assert rnd.coordinators == {"slack:UANNA", "slack:UBOARD"}
    assert rnd.quiet == {"slack:USARA"}
    assert rnd.version == 3
    assert [(a.person.user_id, a.text, a.private) for a in rnd.answers] == [
        ("UBRAM", "antwoord 0", False), ("UANNA", "antwoord 1", False),
        ("UBRAM", "antwoord 2", True),
    ]  # fmt: skip
    assert {a.person.name for a in rnd.answers if a.person.user_id == "UBRAM"} == {"B."}


async def test_the_newest_migration_goes_back_as_well(db: Database) -> None:
    async with db.transaction() as session:
        rnd = engine.new_round(
            channel=ChannelRef("local", "team"), person=Person("local", "anna", "Anna"),
            settings=RoundSettings(card_id="dialoogkaart", roles=(1,)),
            card=get_card("dialoogkaart"), now=datetime(2026, 11, 23, 8, tzinfo=UTC),
        )  # fmt: skip
        await Repository(session).insert(rnd)

    def down(connection: Connection) -> None:
        cfg = alembic_config(db.url)
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0005")

    async with db.engine.connect() as conn:
        # as Database.migrate does: SQLite rebuilds a table by dropping it, which with
        # foreign keys on would delete every row that points to it
        if db.is_sqlite:
            await conn.run_sync(_foreign_keys, False)
        async with conn.begin():
            await conn.run_sync(down)
            row = (await conn.execute(text("SELECT started_by, steps FROM rounds"))).one()
    started_by = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    assert started_by["user_id"] == "anna"
    await db.migrate()
    async with db.transaction() as session:
        again = await Repository(session).get(1)
    assert again is not None
    assert again.started_by.name == "Anna"
    assert len(again.steps) == len(rnd.steps)
