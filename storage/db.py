"""Engines, sessions and migrations, created by factories so nothing connects at import.

Start-up is where a bot meets a database it does not control: a server that is still
starting, several copies of the bot starting at once, a URL copied from another tool.
Each of those ends here in one Dutch sentence for the person starting the bot, or in a
short wait, never in a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
URL_SETTING = "DIALOOGBOT_DATABASE_URL"

Sleep = Callable[[float], Awaitable[None]]

FIRST_WAIT = 0.5
LONGEST_WAIT = 10.0
DEFAULT_PATIENCE = 60.0
# asyncpg waits 60 s for a host that does not answer; one attempt should not eat the
# whole patience, so a silent host counts as one failed attempt after this long.
CONNECT_TIMEOUT = 10.0
# Every dialoogbot process uses the same key, so their schema upgrades take turns.
# The value is "dialoog" in ASCII: fixed, and unlikely to collide with another app's key.
MIGRATION_LOCK_KEY = 0x6469616C6F6F67

# PostgreSQL refuses now but may accept soon: connection failures (class 08), "the
# database system is starting up", too many connections.
_TRANSIENT_SQLSTATES = ("08", "57P03", "53300")

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The database cannot be used; ``str()`` is one Dutch line for the person starting it."""


class DatabaseUrlError(StartupError, ValueError):
    """The URL names no database dialoogbot can talk to, or is no URL at all.

    ``reason`` is the sentence without the variable's name, for callers (the settings)
    that already put the name in front.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{URL_SETTING}: {reason}")


class DatabaseUnreachable(StartupError):
    """The database did not answer within the patience, or refused for good."""


def normalize_url(url: str) -> str:
    """The URL with the async driver filled in, or a sentence saying what to write instead.

    Hosting panels and other tools hand out ``postgres://…`` or ``postgresql://…``, and
    SQLite users write ``sqlite:///x.db``; those mean exactly one thing here, so they are
    completed rather than refused. A synchronous driver (psycopg2, pysqlite) would block
    the event loop, so it is refused with the spelling that works.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            "dit is geen database-URL. Schrijf bijvoorbeeld sqlite:///dialoogbot.db of "
            "postgresql://gebruiker:wachtwoord@host/database."
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        wanted, example = "postgresql+asyncpg", "postgresql://gebruiker:wachtwoord@host/database"
    elif backend == "sqlite":
        wanted, example = "sqlite+aiosqlite", "sqlite:///dialoogbot.db"
    else:
        raise DatabaseUrlError(
            f"‘{parsed.drivername}’ kan niet; dialoogbot werkt met SQLite "
            "(sqlite:///dialoogbot.db) of PostgreSQL "
            "(postgresql://gebruiker:wachtwoord@host/database)."
        )
    if driver not in ("", wanted.partition("+")[2]):
        raise DatabaseUrlError(
            f"het stuurprogramma ‘{driver}’ kan niet, want dialoogbot werkt asynchroon: "
            f"schrijf {_masked(parsed.set(drivername=wanted))} "
            f"(of zonder stuurprogramma, zoals {example})."
        )
    return parsed.set(drivername=wanted).render_as_string(hide_password=False)


def _masked(url: URL | str) -> str:
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


def backoff(
    patience: float, first: float = FIRST_WAIT, longest: float = LONGEST_WAIT
) -> list[float]:
    """The waits between attempts: doubling from ``first`` up to ``longest``, ``patience`` in all.

    Counting planned waits instead of reading a clock keeps the number of attempts the
    same on every machine, so a test can check it with a sleep that returns at once.
    """
    waits: list[float] = []
    left, wait = max(patience, 0.0), first
    while left > 1e-9:
        waits.append(min(wait, left))
        left -= waits[-1]
        wait = min(wait * 2, longest)
    return waits


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Hand transactions to SQLAlchemy's "begin" event, then set the pragmas.

    The driver's own implicit BEGIN is deferred: a transaction that reads first holds
    only a snapshot and fails or acts on stale data when it later writes while another
    process wrote. Turning it off lets ``_sqlite_begin`` start every transaction as a
    writer. The busy timeout comes first so the WAL switch on a fresh file waits for a
    process doing the same instead of failing at once.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Take the file's write lock when a transaction starts, not at its first write.

    Waiting for the lock (up to the busy timeout) at BEGIN is what makes a
    read-then-write transaction see the newest data of every process sharing the file.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _transient(exc: BaseException) -> bool:
    """Whether the database may accept a connection if we ask again a little later."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):  # refused, no route, name not (yet) known, timeout
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_TRANSIENT_SQLSTATES):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def _reason(exc: BaseException, password: str | None) -> str:
    """The driver's own words about a failure, on one line and without the password."""
    orig = getattr(exc, "orig", None) or exc
    words = " ".join(str(orig).split()) or orig.__class__.__name__
    if password:
        words = words.replace(password, "***")
    return words if len(words) <= 200 else words[:199] + "…"


class Database:
    """One engine and its session factory.

    SQLite allows a single writer; rather than retry "database is locked", transactions in
    this process take turns through an asyncio lock, and every transaction begins as a
    writer (BEGIN IMMEDIATE) so other processes on the same file wait at its start.
    PostgreSQL needs no such lock: there the round's version column settles conflicting
    writers.
    """

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        patience: float = DEFAULT_PATIENCE,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.url = normalize_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.patience = patience
        self.sleep = sleep
        connect_args: dict[str, Any] = {}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                folder = Path(parsed.database).parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseUnreachable(
                        f"De map {folder} voor {URL_SETTING} kan niet gemaakt worden: "
                        f"{exc.strerror or exc.__class__.__name__}"
                    ) from None
        elif "timeout" not in parsed.query:
            connect_args["timeout"] = CONNECT_TIMEOUT
        # A server that restarted leaves dead connections in the pool; checking each one
        # as it is taken costs a round trip and saves a failed event per dead connection.
        self.engine: AsyncEngine = create_async_engine(
            self.url, echo=echo, connect_args=connect_args, pool_pre_ping=not self.is_sqlite
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock()

    @property
    def masked_url(self) -> str:
        return _masked(self.url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        if self.is_sqlite:
            async with self._write_lock, self.sessions() as session, session.begin():
                yield session
        else:
            async with self.sessions() as session, session.begin():
                yield session

    async def connect(self) -> AsyncConnection:
        """A connection, waiting with growing pauses while the database is not there yet.

        A bot started beside its database (one compose file, one boot) often comes up
        first; waiting a minute is kinder than dying and leaving the restart to someone.
        A refusal that waiting cannot mend (wrong password, unknown database) ends at once.
        """
        waits = backoff(self.patience)
        password = make_url(self.url).password
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self.engine.connect()
            except Exception as exc:
                reason = _reason(exc, password)
                if not _transient(exc):
                    raise DatabaseUnreachable(
                        f"De database in {URL_SETTING} ({self.masked_url}) weigert: {reason}"
                    ) from None
                if attempt > len(waits):
                    tried = f", ook niet na {attempt} pogingen in {self.patience:g} s"
                    raise DatabaseUnreachable(
                        f"De database in {URL_SETTING} ({self.masked_url}) is niet bereikbaar"
                        f"{tried if attempt > 1 else ''} ({reason}). "
                        "Draait hij, en kloppen host en poort?"
                    ) from None
                wait = waits[attempt - 1]
                log.warning(
                    "Database nog niet bereikbaar (%s); nieuwe poging over %g s.", reason, wait
                )
                await self.sleep(wait)

    async def migrate(self, revision: str = "head") -> None:
        """Bring the schema to the newest revision (safe to call on every start).

        Processes that start together on a fresh database would each create the same
        tables; the loser dies on a duplicate key. So the upgrade runs under a lock that
        every process takes on its migration connection: PostgreSQL's advisory lock, or
        SQLite's write lock (BEGIN IMMEDIATE). Whoever comes second finds the schema at
        head and has nothing to do.
        """
        conn = await self.connect()
        try:
            if self.is_sqlite:
                async with self._write_lock:
                    # SQLite changes a table by copying it and dropping the old one, and a
                    # DROP TABLE with foreign keys on deletes every row that refers to it
                    # (answers, steps, participants). The pragma only works outside a
                    # transaction, so it is set before BEGIN and set back after COMMIT.
                    await conn.run_sync(_foreign_keys, False)
                    try:
                        await conn.begin()
                        await conn.run_sync(_upgrade, self.url, revision)
                        await conn.commit()
                    finally:
                        await conn.run_sync(_foreign_keys, True)
            else:
                await self._migrate_postgresql(conn, revision)
        finally:
            await conn.close()

    async def _migrate_postgresql(self, conn: AsyncConnection, revision: str) -> None:
        key = {"key": MIGRATION_LOCK_KEY}
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
        await conn.commit()  # the lock is the session's; the upgrade gets its own transaction
        try:
            await conn.begin()
            await conn.run_sync(_upgrade, self.url, revision)
            await conn.commit()
        finally:
            await _unlock(conn, key)

    async def close(self) -> None:
        await self.engine.dispose()


async def _unlock(conn: AsyncConnection, key: dict[str, int]) -> None:
    """Give the migration lock back before the connection returns to the pool.

    A connection that cannot unlock (it broke during the upgrade) is closed for real
    instead: the lock belongs to its session and ends with it, and the upgrade's own
    error is the one worth reporting.
    """
    try:
        if conn.in_transaction():
            await conn.rollback()
        await conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
        await conn.commit()
    except Exception:
        log.debug("migration lock not released; closing its connection", exc_info=True)
        await conn.invalidate()


def _foreign_keys(connection: Connection, on: bool) -> None:
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    finally:
        cursor.close()


def _upgrade(connection: Connection, url: str, revision: str = "head") -> None:
    cfg = alembic_config(url)
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)
