"""Starting up: several processes on one fresh database, and a database that is not there yet.

The tests about sharing a database run real processes, released together through a pipe
barrier, because the races they guard against (two Alembic runs creating the same tables,
two read-then-write transactions on one SQLite file) only exist between processes. The
tests about waiting for a database inject the sleep, so they wait for nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import (
    Database,
    DatabaseUnreachable,
    DatabaseUrlError,
    alembic_config,
    backoff,
    normalize_url,
)

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 4
_names = itertools.count(1)

# Each process imports everything, says it is ready, and migrates when told to go, so the
# four upgrades really start at the same moment instead of one per interpreter start-up.
MIGRATE = """
import asyncio, sys
from storage.db import Database
database = Database(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
asyncio.run(database.migrate())
"""


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


# Read, then write what was read plus one: a lost update, or a "database is locked" on the
# upgrade from reader to writer, shows up as a wrong total or a failed process.
INCREMENT = """
import asyncio, sys
from sqlalchemy import text
from storage.db import Database

async def main() -> None:
    database = Database(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        async with database.transaction() as session:
            n = (await session.execute(text("SELECT n FROM counter"))).scalar_one()
            await session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
    await database.close()

print("ready", flush=True)
sys.stdin.readline()
asyncio.run(main())
"""


def together(script: str, *args: str) -> list[subprocess.CompletedProcess[str]]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
        return results
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'vers.db'}"
    cluster: Any = request.getfixturevalue("postgres_cluster")
    name = cluster.create_database(f"startup_{next(_names)}")
    return str(cluster.dsn(dbname=name).render_as_string(hide_password=False))


async def test_processes_starting_together_migrate_once(fresh_url: str) -> None:
    results = together(MIGRATE, fresh_url)
    assert [r.returncode for r in results] == [0] * PROCESSES, [r.stderr for r in results]
    db = Database(fresh_url)
    try:
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    finally:
        await db.close()
    assert [row[0] for row in rows] == [head_revision()]


async def test_read_then_write_in_processes_sharing_a_sqlite_file_loses_nothing(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'teller.db'}"
    db = Database(url)
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        await session.execute(text("INSERT INTO counter VALUES (0)"))
    results = together(INCREMENT, url, "25")
    assert [r.returncode for r in results] == [0] * PROCESSES, [r.stderr for r in results]
    async with db.transaction() as session:
        total = (await session.execute(text("SELECT n FROM counter"))).scalar_one()
    await db.close()
    assert total == 25 * PROCESSES


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgresql://dialoog:geheim@db/dialoog",
            "postgresql+asyncpg://dialoog:geheim@db/dialoog",
        ),
        (
            "postgres://dialoog:geheim@db:5433/dialoog?ssl=require",
            "postgresql+asyncpg://dialoog:geheim@db:5433/dialoog?ssl=require",
        ),
        ("postgresql+asyncpg://d@db/dialoog", "postgresql+asyncpg://d@db/dialoog"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite:////var/lib/dialoogbot/x.db", "sqlite+aiosqlite:////var/lib/dialoogbot/x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_urls_without_an_async_driver_get_one(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_a_password_with_url_characters_survives_normalizing() -> None:
    url = normalize_url("postgresql://dialoog:p%40ss%2Fw%3Ard@db/dialoog")
    assert make_url(url).password == "p@ss/w:rd"
    assert Database(url).engine.dialect.driver == "asyncpg"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgresql+psycopg2://dialoog:geheim@db/dialoog",
            "schrijf postgresql+asyncpg://dialoog:***@db/dialoog",
        ),
        ("sqlite+pysqlite:///x.db", "schrijf sqlite+aiosqlite:///x.db"),
        (
            "mysql://dialoog:geheim@db/dialoog",
            "‘mysql’ kan niet; dialoogbot werkt met SQLite (sqlite:///dialoogbot.db) of",
        ),
        ("dialoogbot.db", "DIALOOGBOT_DATABASE_URL: dit is geen database-URL. Schrijf"),
    ],
)
def test_a_url_that_cannot_work_says_what_to_write(given: str, expected: str) -> None:
    with pytest.raises(DatabaseUrlError) as caught:
        Database(given)
    assert expected in str(caught.value)
    assert "geheim" not in str(caught.value)


def test_waits_double_up_to_ten_seconds_and_add_up_to_the_patience() -> None:
    assert backoff(60) == [0.5, 1, 2, 4, 8, 10, 10, 10, 10, 4.5]
    assert backoff(3) == [0.5, 1, 1.5]
    assert backoff(0) == []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recording(
    waits: list[float], after: Callable[[int], Awaitable[None]] | None = None
) -> Callable[[float], Awaitable[None]]:
    """A sleep that returns at once, remembers each wait and may act after the n-th."""

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if after is not None:
            await after(len(waits))

    return sleep


async def test_an_unreachable_database_is_named_with_its_password_masked() -> None:
    waits: list[float] = []
    url = f"postgresql://dialoog:geheim@127.0.0.1:{closed_port()}/dialoog"
    db = Database(url, sleep=recording(waits))
    with pytest.raises(DatabaseUnreachable) as caught:
        await db.migrate()
    await db.close()
    message = str(caught.value)
    assert waits == backoff(60)
    assert "ook niet na 11 pogingen in 60 s" in message
    assert "DIALOOGBOT_DATABASE_URL (postgresql+asyncpg://dialoog:***@127.0.0.1:" in message
    assert "geheim" not in message
    assert "\n" not in message


@pytest.mark.postgres
async def test_a_refusal_that_waiting_cannot_mend_ends_at_once(postgres_cluster: Any) -> None:
    waits: list[float] = []
    url = postgres_cluster.dsn(dbname="bestaat_niet").render_as_string(hide_password=False)
    db = Database(url, sleep=recording(waits))
    with pytest.raises(DatabaseUnreachable) as caught:
        await db.migrate()
    await db.close()
    assert waits == []
    assert 'weigert: database "bestaat_niet" does not exist' in str(caught.value)


def forward_to(host: str, port: int) -> Callable[..., Awaitable[None]]:
    """A TCP relay: what a database looks like from here once its port opens."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
        await asyncio.gather(
            pipe(reader, upstream_writer), pipe(upstream_reader, writer), return_exceptions=True
        )

    return handle


@pytest.mark.postgres
async def test_a_database_that_comes_up_while_we_wait_is_used(postgres_cluster: Any) -> None:
    target = postgres_cluster.dsn(dbname=postgres_cluster.create_database("komt_later"))
    port = closed_port()
    servers: list[asyncio.Server] = []

    async def open_port_after_third_wait(waited: int) -> None:
        if waited == 3:
            relay = forward_to(target.host, target.port)
            servers.append(await asyncio.start_server(relay, "127.0.0.1", port))

    waits: list[float] = []
    url = target.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    db = Database(url, sleep=recording(waits, open_port_after_third_wait))
    try:
        await db.migrate()
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    finally:
        await db.close()
        for server in servers:
            server.close()
    assert waits == [0.5, 1, 2]
    assert [row[0] for row in rows] == [head_revision()]
