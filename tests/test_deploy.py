"""The deployment files: Dockerfile, compose.yaml and .env.example.

No Docker engine runs on the development machines, so the image is not built here. What
is checked instead: compose.yaml validates with Debian's ``docker-compose config`` and
holds the services and commands the README describes; every command the image and the
compose file run (and the alternatives compose.yaml names in comments) is a real
``dialoogbot`` command with real options; the image's HEALTHCHECK asks ``/healthz`` on the
port the process serves, and fails when that answer is not a 2xx; .env.example names every
setting the bot reads.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
DIALOOGBOT = Path(sys.executable).with_name("dialoogbot")
BOTS = ("slack", "telegram")
# variables from the environment that would change what docker-compose interpolates
_OURS = re.compile(r"^(POSTGRES_|SLACK_|TELEGRAM_|DIALOOGBOT_|COMPOSE_)")


# --- the Dockerfile, read simply ------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction: comments dropped, continuations joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, rest = (pending + line).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends in a line continuation"
    return instructions


def instruction(name: str) -> str:
    """The arguments of the last ``name`` instruction (the one that counts)."""
    found = [rest for keyword, rest in dockerfile() if keyword == name]
    assert found, f"the Dockerfile has no {name}"
    return found[-1]


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list), f"not the exec form: {arguments}"
    assert all(isinstance(item, str) for item in value)
    return value


def healthcheck_command() -> list[str]:
    options, _, command = instruction("HEALTHCHECK").partition("CMD ")
    assert "--interval" in options, "the HEALTHCHECK should say how often it runs"
    return exec_form(command)


# --- compose.yaml, through docker-compose config --------------------------------------------


def docker_compose() -> str:
    found = shutil.which("docker-compose")
    if found is None:
        pytest.fail(
            "docker-compose is not installed: Debian's package docker-compose provides it "
            "(apt-get install docker-compose); .ci/run installs it on a fresh machine."
        )
    return found


def compose_config(directory: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not _OURS.match(key)}
    return subprocess.run(
        [
            docker_compose(),
            "--project-directory",
            str(directory),
            "-f",
            str(directory / "compose.yaml"),
            "--env-file",
            str(directory / ".env"),
            "--profile",
            "slack",
            "--profile",
            "telegram",
            "config",
        ],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def example_env() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """compose.yaml as docker-compose resolves it, with .env.example copied to .env."""
    directory = tmp_path_factory.mktemp("compose")
    shutil.copy(COMPOSE, directory / "compose.yaml")
    shutil.copy(ENV_EXAMPLE, directory / ".env")
    result = compose_config(directory)
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}"
    resolved = yaml.safe_load(result.stdout)
    assert isinstance(resolved, dict)
    return resolved


def test_compose_has_postgres_migrate_and_one_service_per_platform(
    config: dict[str, Any],
) -> None:
    services = config["services"]
    assert set(services) == {"postgres", "migrate", *BOTS}

    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:16")
    assert any(
        str(volume).startswith("pgdata:/var/lib/postgresql/data") for volume in postgres["volumes"]
    )
    assert "pgdata" in config["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["restart"] == "unless-stopped"


def test_migrate_runs_once_after_postgres_is_healthy(config: dict[str, Any]) -> None:
    migrate = config["services"]["migrate"]
    assert migrate["command"] == ["db", "upgrade"]
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate["restart"] == "no"
    assert "profiles" not in migrate  # runs whichever platform is chosen


@pytest.mark.parametrize("platform", BOTS)
def test_each_bot_waits_for_the_migration_and_uses_postgres(
    config: dict[str, Any], platform: str
) -> None:
    services = config["services"]
    bot = services[platform]
    assert bot["command"][:2] == ["run", platform]
    assert bot["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert bot["restart"] == "unless-stopped"
    assert bot["profiles"] == [platform]
    assert bot["image"] == services["migrate"]["image"]

    password = example_env()["POSTGRES_PASSWORD"]
    for name in (platform, "migrate"):
        environment = services[name]["environment"]
        assert environment["DIALOOGBOT_DATABASE_URL"] == (
            f"postgresql://dialoogbot:{password}@postgres/dialoogbot"
        )
        assert environment["DIALOOGBOT_LOG_FORMAT"] == "json"


@pytest.mark.parametrize("platform", BOTS)
def test_the_healthcheck_port_is_the_port_the_bot_serves(
    config: dict[str, Any], platform: str
) -> None:
    bot = config["services"][platform]
    command = bot["command"]
    flag = "--port" if "--port" in command else "--metrics-port"
    assert flag in command, f"{platform} serves no HTTP port, so /healthz cannot answer"
    port = command[command.index(flag) + 1]
    assert bot["environment"]["DIALOOGBOT_HEALTH_PORT"] == port
    targets = [str(published).rsplit(":", 1)[-1].split("/")[0] for published in bot["ports"]]
    assert port in targets


def test_compose_refuses_to_start_without_a_database_password(tmp_path: Path) -> None:
    shutil.copy(COMPOSE, tmp_path / "compose.yaml")
    env = ENV_EXAMPLE.read_text(encoding="utf-8")
    (tmp_path / ".env").write_text(re.sub(r"(?m)^POSTGRES_PASSWORD=.*$", "", env))
    result = compose_config(tmp_path)
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def test_env_example_names_every_setting() -> None:
    from adapters.slack.app import SlackSettings
    from adapters.telegram.app import TelegramSettings

    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    names = [f"DIALOOGBOT_{field.upper()}" for field in Settings.model_fields]
    names += [f"SLACK_{field.upper()}" for field in SlackSettings.model_fields]
    names += [f"TELEGRAM_{field.upper()}" for field in TelegramSettings.model_fields]
    names += re.findall(r"\$\{(\w+)", COMPOSE.read_text(encoding="utf-8"))
    missing = sorted({name for name in names if not re.search(rf"\b{name}\b", text)})
    assert not missing, f".env.example does not mention {missing}"


# --- the commands are real -------------------------------------------------------------------


def test_the_image_runs_the_dialoogbot_console_script() -> None:
    assert exec_form(instruction("ENTRYPOINT")) == ["dialoogbot"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert "dialoogbot" in scripts
    assert instruction("USER") == "dialoogbot"
    assert instruction("WORKDIR") == "/app"
    assert any(
        keyword == "RUN" and "-c constraints.txt" in rest and "[slack,telegram]" in rest
        for keyword, rest in dockerfile()
    ), "the image should install both platforms with the pinned versions"
    port = exec_form(instruction("CMD"))[-1]
    assert port in instruction("EXPOSE").split()
    assert f"DIALOOGBOT_HEALTH_PORT={port}" in instruction("ENV")


def commented_commands() -> list[list[str]]:
    """The alternatives compose.yaml offers in comments (Socket Mode, a webhook)."""
    found = re.findall(r"(?m)^\s*#\s*command:\s*(\[.*\])\s*$", COMPOSE.read_text("utf-8"))
    return [exec_form(item) for item in found]


def run_help(command: list[str]) -> None:
    """``dialoogbot COMMAND… --help``: click parses every option before it answers --help,
    so an unknown command or option fails here, while the option values are not checked."""
    assert DIALOOGBOT.exists(), f"{DIALOOGBOT} is missing: make install"
    result = subprocess.run(
        [str(DIALOOGBOT), *command, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"dialoogbot {' '.join(command)}: {result.stderr}"
    path = []
    for word in command:
        if word.startswith("-"):
            break
        path.append(word)
    assert f"Usage: dialoogbot {' '.join(path)} [OPTIONS]" in result.stdout


@pytest.mark.parametrize("source", ["Dockerfile CMD", "migrate", *BOTS, "comments"])
def test_every_command_is_a_real_cli_command(config: dict[str, Any], source: str) -> None:
    if source == "Dockerfile CMD":
        commands = [exec_form(instruction("CMD"))]
    elif source == "comments":
        commands = commented_commands()
        assert commands, "compose.yaml names no alternative commands any more"
    else:
        commands = [config["services"][source]["command"]]
    for command in commands:
        run_help(command)


# --- the HEALTHCHECK ---------------------------------------------------------------------------


@pytest.fixture
def health_server() -> Iterator[tuple[int, list[int]]]:
    """A stand-in for the bot's HTTP port: /healthz answers with status[0], anything else 404."""
    status = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status[0] if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], status
    finally:
        server.shutdown()
        server.server_close()


def run_healthcheck(port: int) -> int:
    command = healthcheck_command()
    assert command[0] == "python", "the slim image has python, not curl"
    env = {**os.environ, "DIALOOGBOT_HEALTH_PORT": str(port)}
    result = subprocess.run(
        [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30, check=False
    )
    return result.returncode


def test_the_healthcheck_asks_healthz_on_the_health_port() -> None:
    command = " ".join(healthcheck_command())
    assert "/healthz" in command
    assert "DIALOOGBOT_HEALTH_PORT" in command
    assert "'3000'" in command  # the default, as in the README


def test_the_healthcheck_passes_on_200_and_fails_otherwise(
    health_server: tuple[int, list[int]],
) -> None:
    port, status = health_server
    assert run_healthcheck(port) == 0
    status[0] = 503
    assert run_healthcheck(port) != 0
    status[0] = 200
    assert run_healthcheck(port) == 0


def test_the_healthcheck_fails_when_nothing_listens() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert run_healthcheck(port) != 0
