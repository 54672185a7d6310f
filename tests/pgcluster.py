"""A throwaway PostgreSQL cluster for the test run, started from Debian's binaries.

pytest-postgresql's process fixture cannot be used here: these machines run as root and
``initdb`` refuses root, so the cluster is created and run as the ``postgres`` system user
(``runuser``) in a temporary directory, on a free port on 127.0.0.1, with durability off
for speed. It is stopped and removed when the session ends.

Set ``DIALOOGBOT_TEST_POSTGRES_URL`` (an asyncpg SQLAlchemy URL of a server where the user
may create databases) to use an existing server instead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

ENV_URL = "DIALOOGBOT_TEST_POSTGRES_URL"


def find_bindir() -> Path:
    """The directory with initdb and pg_ctl: pg_config, Debian's layout, or PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    candidates += [
        Path(p)
        for p in sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2])
        )[::-1]
    ]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    raise RuntimeError(
        "PostgreSQL server binaries not found: install Debian's 'postgresql' package "
        f"(apt-get install postgresql) or set {ENV_URL}"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """Context manager: ``with PgCluster() as pg: pg.dsn(dbname=pg.create_database("x"))``."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="dialoogbot-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"
        self.as_root = os.geteuid() == 0
        self.user = "postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [*args]
        if self.as_root:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                f"\n--- server log ---\n{self._log_tail()}"
            )
        return result

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return "(no log)"

    def start(self) -> PgCluster:
        self.socket_dir.mkdir()
        if self.as_root:
            pw = pwd.getpwnam(self.user)
            for path in (self.root, self.socket_dir):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def create_database(self, name: str) -> str:
        self._run(
            str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "postgres", name,
        )  # fmt: skip
        return name

    def dsn(self, driver: str = "postgresql+asyncpg", dbname: str = "postgres") -> URL:
        return URL.create(
            driver, username="postgres", host="127.0.0.1", port=self.port, database=dbname
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self._run(
                    str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"
                )
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ExistingServer:
    """The same surface as PgCluster, for a server named in DIALOOGBOT_TEST_POSTGRES_URL."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)

    def create_database(self, name: str) -> str:
        import asyncio

        import asyncpg

        async def create() -> None:
            conn = await asyncpg.connect(
                user=self.url.username, password=self.url.password,
                host=self.url.host, port=self.url.port, database=self.url.database or "postgres",
            )  # fmt: skip
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                await conn.execute(f'CREATE DATABASE "{name}"')
            finally:
                await conn.close()

        asyncio.run(create())
        return name

    def dsn(self, driver: str = "postgresql+asyncpg", dbname: str = "postgres") -> URL:
        return self.url.set(drivername=driver, database=dbname)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PgCluster | ExistingServer]:
    if os.environ.get(ENV_URL):
        yield ExistingServer(os.environ[ENV_URL])
        return
    with PgCluster() as cluster:
        yield cluster
