"""The Telegram side of the end-to-end tests: the bot's real python-telegram-bot adapter
polling a fake Bot API on localhost, and a few ways to read what it sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.telegram.app import TelegramAdapter, TelegramSettings
from bot.service import DialogueService
from storage.db import Database
from tests.conftest import make_service
from tests.fake_telegram import GROUP, TOKEN, FakeTelegram
from tests.fakes import FakeClock


@dataclass
class Harness:
    fake: FakeTelegram
    adapter: TelegramAdapter
    service: DialogueService
    clock: FakeClock
    waits: list[float]

    async def say(self, user: str, text: str, **kwargs: Any) -> dict[str, Any]:
        """Send a message through getUpdates and wait until the bot has worked on it."""
        update_id, message = await self.fake.message(user, text, **kwargs)
        await self.adapter.handled(update_id)
        return message

    async def step(self) -> None:
        self.clock.advance(seconds=5)
        await self.service.tick()
        await self.adapter.deliver()

    def questions(self, chat: int = GROUP) -> list[dict[str, Any]]:
        """The questions: the messages with a "Privé antwoorden" link under them."""
        return [m for m in self.fake.sent(chat) if any("url" in b for b in buttons(m))]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline buttons under a message the bot sent."""
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard") or [] for b in row]


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@asynccontextmanager
async def open_telegram(db: Database, clock: FakeClock) -> AsyncIterator[Harness]:
    """The bot's Telegram adapter polling a fake Bot API on localhost."""
    fake = FakeTelegram()
    runner, url = await serve(fake.app())
    waits: list[float] = []

    async def no_real_wait(seconds: float) -> None:
        waits.append(seconds)

    service = make_service(db, clock)
    adapter = TelegramAdapter(
        service, TelegramSettings(bot_token=TOKEN, webhook_secret="geheim", api_url=url),
        sleep=no_real_wait,
    )  # fmt: skip
    await adapter.start()
    polling = asyncio.get_running_loop().create_task(adapter.poll(long_poll=0))
    try:
        yield Harness(fake, adapter, service, clock, waits)
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        await adapter.stop()
        await runner.cleanup()
