"""``bot.store.Store`` on a database: each transaction a ``Repository``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from storage.db import Database
from storage.repository import Repository


class SqlStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repository]:
        async with self.db.transaction() as session:
            yield Repository(session)
