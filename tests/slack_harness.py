"""The Slack test harness: the real adapter (slack-bolt, slack_sdk) over real HTTP, and a
fake Slack on localhost, on the service with a movable clock."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, web
from pypdf import PdfReader

from adapters.slack import blocks as blocks_module
from adapters.slack import translate
from adapters.slack.app import SlackAdapter, SlackSettings
from bot.service import DialogueService
from storage.db import Database
from tests.conftest import make_service
from tests.fake_slack import SIGNING_SECRET, TOKEN, FakeSlack, SlackSender
from tests.fakes import FakeClock

CHANNEL = "C1"


@dataclass
class Harness:
    fake: FakeSlack
    adapter: SlackAdapter
    service: DialogueService
    send: SlackSender
    clock: FakeClock
    waits: list[float]

    async def step(self) -> None:
        """What the scheduler does when the next step is due: tick, then deliver."""
        self.clock.advance(seconds=5)
        await self.service.tick()
        await self.adapter.deliver()

    def questions(self) -> list[dict[str, Any]]:
        return [p for p in self.fake.posts(CHANNEL) if kind(p) == "question"]


def kind(post: dict[str, object]) -> str:
    """What a post is: "question", "summary" (an outcome), "draft", a network round's
    "announcement", "progress" or "private question", or "other"."""
    blocks = post.get("blocks") or []
    assert isinstance(blocks, list)
    ids = {b.get("block_id") for b in blocks}
    if blocks_module.OUTCOME_BLOCK in ids:
        return "summary"
    if blocks_module.DRAFT_TITLE in ids:
        return "draft"
    if blocks_module.JOIN_BLOCK in ids:
        return "announcement"
    if blocks_module.PROGRESS_BLOCK in ids:
        return "progress"
    if blocks_module.PRIVATE_QUESTION_BLOCK in ids:
        return "private question"
    actions = [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]
    if any(e.get("action_id") == translate.PRIVATE_ACTION for e in actions):
        return "question"
    return "other"


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/"


@asynccontextmanager
async def fake_slack() -> AsyncIterator[tuple[FakeSlack, str]]:
    """A fake Slack on localhost, and the Web API URL to give a client."""
    fake = FakeSlack()
    runner, url = await serve(fake.app())
    fake.base_url = url
    try:
        yield fake, url + "api/"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def open_slack(
    db: Database, clock: FakeClock, *, client_timeout: float = 30.0
) -> AsyncIterator[Harness]:
    """The bot's Slack adapter over HTTP, and a fake Slack, both on localhost."""
    fake = FakeSlack()
    fake_runner, fake_url = await serve(fake.app())
    fake.base_url = fake_url
    service = make_service(db, clock)
    waits: list[float] = []

    async def no_real_wait(seconds: float) -> None:
        waits.append(seconds)

    settings = SlackSettings(
        bot_token=TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=fake_url + "api/",
        timeout=client_timeout,
    )
    adapter = SlackAdapter(service, settings, sleep=no_real_wait)
    bolt_runner, bolt_url = await serve(adapter.app.server(port=0).web_app)
    try:
        async with ClientSession() as session:
            yield Harness(
                fake, adapter, service, SlackSender(bolt_url + "slack/events", session), clock,
                waits,
            )  # fmt: skip
            await adapter.idle()
    finally:
        await bolt_runner.cleanup()
        await fake_runner.cleanup()


def reply(user: str, thread_ts: str, text: str, ts: str) -> dict[str, object]:
    return {
        "type": "message",
        "channel": CHANNEL,
        "user": user,
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
    }


def direct_channel(user: str) -> str:
    """The direct message between ``user`` and the bot (what the fake's conversations.open
    answers)."""
    return f"D{user}"


def direct(user: str, text: str, ts: str) -> dict[str, object]:
    """A message ``user`` writes in their direct message with the bot (``message.im``)."""
    return {
        "type": "message",
        "channel": direct_channel(user),
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }


def direct_edit(user: str, ts: str, text: str, edited_at: str) -> dict[str, object]:
    """``user`` edits their message ``ts`` in their direct message with the bot."""
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel": direct_channel(user),
        "channel_type": "im",
        "hidden": True,
        "ts": edited_at,
        "event_ts": edited_at,
        "message": {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "edited": {"user": user, "ts": edited_at},
        },
        "previous_message": {"type": "message", "user": user, "text": "…", "ts": ts},
    }


def pdf_text(data: bytes) -> str:
    """The text of a PDF as a reader's tools see it, whitespace made single spaces."""
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def view_values(view: dict[str, Any], changes: dict[str, str | None]) -> dict[str, Any]:
    """The state of a submitted ``view`` whose inputs hold what they opened with, except
    ``changes`` (block id -> new value; an ISO date for a date picker, None for empty)."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        block_id = block["block_id"]
        action = element["action_id"]
        if element["type"] == "datepicker":
            date = changes.get(block_id, element.get("initial_date"))
            values[block_id] = {action: {"type": "datepicker", "selected_date": date}}
        else:
            text = changes.get(block_id, element.get("initial_value"))
            values[block_id] = {action: {"type": "plain_text_input", "value": text}}
    return values
