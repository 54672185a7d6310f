"""Structured logs: JSON lines with the round's ids, text in a terminal, and never what
people wrote (nor their names) at INFO or above."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest

from adapters.local.channel import LocalChannel, person
from bot.model import ChannelRef, Status
from bot.scheduler import Ticker
from bot.service import DialogueService
from cli import logs
from cli.config import Settings
from tests.fakes import FakeClock

# Names and answers no log line may carry: distinctive, so a hit is never a coincidence.
ANNA = person("Annabel Zonnebloem")
BRAM = person("Bram Vlierbes")
ANSWERS = ("Mijn geheime zorg over Kwetterdam", "Wij zouden Pimpelmees moeten bellen")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, logging.Logger]]:
    """A logger writing through the JSON formatter to a buffer, as in a container."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("auto", stream))  # not a terminal: JSON
    logger = logging.getLogger("dialoogbot.test_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield stream, logger
    finally:
        logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_has_time_level_logger_message_and_the_ids(
    captured: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, logger = captured
    logger.info(
        "outbox message %s refused",
        7,
        extra={"round_id": 3, "platform": "slack", "channel": "C1", "event_id": "Ev1"},
    )
    logger.warning("no ids here")
    first, second = lines(stream)
    assert first["message"] == "outbox message 7 refused"
    assert first["level"] == "INFO"
    assert first["logger"] == "dialoogbot.test_logs"
    assert str(first["time"]).endswith("+00:00")
    assert (first["round_id"], first["platform"], first["channel"], first["event_id"]) == (
        3,
        "slack",
        "C1",
        "Ev1",
    )
    assert set(second) == {"time", "level", "logger", "message"}


def test_only_the_known_ids_are_taken_from_extra(
    captured: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, logger = captured
    logger.info("kept", extra={"round_id": 1, "text": ANSWERS[0]})
    (line,) = lines(stream)
    assert ANSWERS[0] not in json.dumps(line)


def test_an_exception_stays_inside_its_one_line(
    captured: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, logger = captured
    try:
        raise RuntimeError("kapot")
    except RuntimeError:
        logger.exception("scheduler run failed", extra={"round_id": 9})
    assert len(stream.getvalue().splitlines()) == 1
    (line,) = lines(stream)
    assert "RuntimeError: kapot" in str(line["exception"])
    assert line["round_id"] == 9


def test_text_in_a_terminal_with_the_ids_after_the_message() -> None:
    stream = Tty()
    assert logs.choose("auto", stream) == "text"
    assert logs.choose("auto", io.StringIO()) == "json"
    assert logs.choose("text", io.StringIO()) == "text"
    assert logs.choose("json", stream) == "json"
    record = logging.LogRecord("dialoogbot", logging.INFO, __file__, 1, "hallo", None, None)
    record.round_id = 4
    record.platform = "telegram"
    text = logs.formatter("auto", stream).format(record)
    assert text.endswith("INFO dialoogbot: hallo [round_id=4 platform=telegram]")


def test_the_format_is_a_setting() -> None:
    assert Settings(log_format="JSON").log_format == "json"
    with pytest.raises(ValueError, match="kies auto, text, json"):
        Settings(log_format="xml")
    with pytest.raises(ValueError, match="poort"):
        Settings(metrics_port=70000)


def test_setup_writes_json_lines_when_not_on_a_terminal() -> None:
    """In a process of its own, as the container runs it: stderr is a pipe."""
    script = (
        "import logging; from cli import logs; logs.setup('INFO', 'auto'); "
        "logging.getLogger('dialoogbot').info('klaar', extra={'round_id': 5, 'platform': 'slack'});"
        "logging.getLogger('httpx').info('HTTP Request: POST https://api.telegram.org/bot123:x/')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    (line,) = [json.loads(raw) for raw in done.stderr.splitlines()]  # httpx is quiet
    assert line["message"] == "klaar"
    assert (line["round_id"], line["platform"]) == (5, "slack")


async def test_a_round_logs_no_answer_texts_nor_names_at_info(
    service: DialogueService, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A short round through the local channel, with a delivery that fails on the way
    (the path that logs most); every INFO+ line, as JSON, is free of what people wrote."""
    channel = LocalChannel(service, "team", out=lambda _line: None)
    ticker = Ticker(service, channel.deliver, interval=1.0)
    team = ChannelRef("local", "team")
    with caplog.at_level(logging.INFO):
        await channel.say(ANNA, "/dialoog start rollen=2 tempo=1d")
        given = await channel.say(BRAM, ANSWERS[0])
        await channel.say(ANNA, ANSWERS[1])
        await channel.edit(BRAM, given, ANSWERS[0] + "!", confirm=True)
        clock.advance(timedelta(days=1, hours=2))
        await service.tick()  # the next question is queued …

        async def unreachable(*_args: object) -> str:
            raise ConnectionError("platform away")

        await service.deliver("local", unreachable)  # … and fails once (logged) …
        clock.advance(timedelta(minutes=5))
        await ticker.run_once()  # … then goes out
        await channel.say(BRAM, ANSWERS[1] + " ook")
        await channel.say(ANNA, "/dialoog stop")
    async with service.store.transaction() as repo:
        rnd = await repo.latest(team)
    assert rnd is not None
    assert rnd.status in (Status.FINISHED, Status.REVIEWING, Status.CANCELLED)
    assert len(rnd.answers) == 3

    formatter = logs.JsonFormatter()
    shown = [formatter.format(r) for r in caplog.records if r.levelno >= logging.INFO]
    failures = [json.loads(s) for s in shown if "failed (attempt" in s]
    assert failures, "the failed delivery was logged"
    assert all(f["round_id"] == rnd.id and f["platform"] == "local" for f in failures)
    forbidden = (*ANSWERS, ANNA.name, BRAM.name, "Annabel", "Vlierbes")
    for line in shown:
        for word in forbidden:
            assert word not in line
