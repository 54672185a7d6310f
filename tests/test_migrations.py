"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text

from storage.db import Database
from storage.models import Base


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
    assert [v[0] for v in versions] == ["0005"]
