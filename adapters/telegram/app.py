"""The Telegram adapter: python-telegram-bot's Application wired to the dialogue service.

Updates come by long polling (the default) or by webhook, with Telegram's secret token
checked on every request. Handlers translate, call the service once and deliver what the
outbox holds. Flood limits are respected by a rate limiter that waits out ``RetryAfter``
and sends the message once.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from telegram import (
    BotCommand,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.port import Adapter
from adapters.telegram import format as fmt
from adapters.telegram import translate
from bot.i18n import _
from bot.model import ChannelRef, Event, StepKind
from bot.outbound import (
    Content,
    NoticePost,
    QuestionPost,
    ReminderPost,
    Reply,
    SummaryPost,
)
from bot.render import summary_markdown
from bot.service import DialogueService

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
UNREACHABLE = "unreachable"


class TelegramSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TELEGRAM_", env_file=".env", extra="ignore")

    bot_token: SecretStr
    webhook_secret: SecretStr | None = None
    api_url: str = "https://api.telegram.org"


class WaitOutFloodLimits(BaseRateLimiter[None]):
    """Wait as long as Telegram's ``retry_after`` says, then send once more.

    The wait is injectable, so tests check it without waiting.
    """

    def __init__(self, sleep: Sleep = asyncio.sleep, max_retries: int = 5) -> None:
        self.sleep = sleep
        self.max_retries = max_retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for attempt in range(self.max_retries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == self.max_retries:
                    raise
                with warnings.catch_warnings():  # int now, timedelta in PTB's next major version
                    warnings.simplefilter("ignore", PTBDeprecationWarning)
                    wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.info("Telegram asks to wait %.0f s before %s", seconds, endpoint)
                await self.sleep(seconds)
        raise AssertionError("unreachable")


class TelegramAdapter:
    platform = translate.PLATFORM

    def __init__(
        self,
        service: DialogueService,
        settings: TelegramSettings,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.service = service
        self.settings = settings
        api = settings.api_url.rstrip("/")
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(settings.bot_token.get_secret_value())
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .rate_limiter(WaitOutFloodLimits(sleep))
            .build()
        )
        self.application.add_handler(CommandHandler("dialoog", self._on_command))
        self.application.add_handler(
            CommandHandler("start", self._on_start, filters=filters.ChatType.PRIVATE)
        )
        self.application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGES & ~filters.COMMAND, self._on_message)
        )
        self.application.add_handler(TypeHandler(Update, self._on_done), group=99)
        # the latest update ids worked on, for shutdown and tests to wait for
        self._handled: deque[int] = deque(maxlen=1000)
        self._progress = asyncio.Condition()

    @property
    def bot(self) -> Any:
        return self.application.bot

    # --- Telegram → service -------------------------------------------------------------

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None:
            return
        event = translate.command(
            update, context.args or [], await self._is_admin(message.chat.id, user.id)
        )
        if event is not None:
            await self._handle(
                event, message.chat.id, message.message_thread_id, message.message_id
            )

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        event = translate.answer(update)
        message = update.effective_message
        if event is not None and message is not None:
            await self._handle(
                event, message.chat.id, message.message_thread_id, message.message_id
            )

    async def _on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/start p12_3`` in a private chat: ask that question here, for a private answer."""
        message = update.effective_message
        if message is None:
            return
        target = translate.private_target(context.args or [])
        if target is None:
            await message.reply_text(
                _("Hallo! Via mij kun je privé antwoorden op vragen uit je groep, en krijg je "
                  "herinneringen. Gebruik de knop ‘Privé antwoorden’ onder een vraag.")
            )  # fmt: skip
            return
        question = await self.service.private_question(*target)
        if question is None:
            await message.reply_text(_("Op deze vraag kun je (nog) niet antwoorden."))
            return
        how = _("Antwoord op dit bericht; alleen de eindsamenvatting toont je antwoord.")
        asked = await message.reply_text(
            fmt.pack(fmt.text_units(question) + fmt.text_units(how, "i"))[0],
            parse_mode=ParseMode.HTML,
            reply_markup=ForceReply(selective=True),
        )  # fmt: skip
        chat = ChannelRef(self.platform, str(message.chat.id))
        await self.service.asked_privately(chat, str(asked.message_id), *target)

    async def _on_done(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        async with self._progress:
            self._handled.append(update.update_id)
            self._progress.notify_all()

    async def handled(self, update_id: int, times: int = 1) -> None:
        """Until the update with this id has been worked on (``times`` deliveries of it)."""
        async with self._progress:
            await self._progress.wait_for(lambda: self._handled.count(update_id) >= times)

    async def _is_admin(self, chat_id: int, user_id: int) -> bool:
        if chat_id == user_id:
            return False
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except Exception:
            log.warning("could not check whether %s is an admin of %s", user_id, chat_id)
            return False
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    async def _handle(self, event: Event, chat_id: int, topic: int | None, message_id: int) -> None:
        try:
            for reply in await self.service.handle(event):
                await self._reply(chat_id, topic, message_id, reply)
            await self.deliver()
        except Exception:
            log.exception("handling a Telegram update failed")

    async def _reply(self, chat_id: int, topic: int | None, message_id: int, reply: Reply) -> None:
        """Telegram has no messages visible to one person; answer the message itself."""
        for text in fmt.pack(fmt.text_units(reply.text)):
            await self.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, message_thread_id=topic,
                reply_to_message_id=message_id,
            )  # fmt: skip

    # --- service → Telegram -------------------------------------------------------------

    async def deliver(self) -> int:
        return await self.service.deliver(self.platform, self.send)

    async def send(self, channel: ChannelRef, content: Content) -> str:
        chat = int(channel.channel_id)
        topic = int(channel.thread_id) if channel.thread_id else None
        match content:
            case QuestionPost():
                hint = None
                if content.kind is StepKind.OPENING:
                    hint = _("Voor privé antwoorden en herinneringen: start één keer een "
                             "privégesprek met @{bot}.").format(bot=self.bot.username)  # fmt: skip
                link = f"https://t.me/{self.bot.username}?start=p{content.round_id}_{content.step_index}"
                button = InlineKeyboardButton(_("Privé antwoorden"), url=link)
                sent = await self.bot.send_message(
                    chat, fmt.question(content, dm_hint=hint), parse_mode=ParseMode.HTML,
                    message_thread_id=topic, reply_markup=InlineKeyboardMarkup([[button]]),
                )  # fmt: skip
                return str(sent.message_id)
            case NoticePost():
                return await self._send_all(chat, topic, fmt.notice(content))
            case ReminderPost():
                try:
                    sent = await self.bot.send_message(
                        int(content.user_id), fmt.reminder(content), parse_mode=ParseMode.HTML
                    )
                except Forbidden:
                    # never started a private chat with the bot: nothing to deliver to
                    return UNREACHABLE
                return str(sent.message_id)
            case SummaryPost():
                first = await self._send_all(chat, topic, fmt.summary(content.summary))
                document = InputFile(
                    summary_markdown(content.summary).encode(),
                    filename=f"samenvatting-ronde-{content.round_id}.md",
                )
                await self.bot.send_document(chat, document, message_thread_id=topic)
                return first

    async def _send_all(self, chat: int, topic: int | None, texts: list[str]) -> str:
        ids = [
            (await self.bot.send_message(
                chat, text, parse_mode=ParseMode.HTML, message_thread_id=topic
            )).message_id
            for text in texts
        ]  # fmt: skip
        return str(ids[0])

    # --- running ------------------------------------------------------------------------

    async def start(self) -> None:
        await self.application.initialize()
        await self._register_commands()
        await self.application.start()

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _register_commands(self) -> None:
        """So /dialoog shows in the menu, described in Dutch and in English."""
        await self.bot.set_my_commands(
            [BotCommand("dialoog", "Dialoogronde: start, status, samenvatting, help")],
            language_code="nl",
        )
        await self.bot.set_my_commands(
            [BotCommand("dialoog", "Dialogue round: start, status, summary, help")]
        )

    async def run_polling(self) -> None:
        await self.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            allowed_updates=["message", "edited_message"], drop_pending_updates=False
        )
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()

    async def run_webhook(self, url: str, listen: str, port: int) -> None:
        secret = self.settings.webhook_secret
        if secret is None:
            raise RuntimeError("TELEGRAM_WEBHOOK_SECRET is needed for webhooks")
        await self.start()
        assert self.application.updater is not None
        path = urlparse(url).path.strip("/") or "telegram"
        await self.application.updater.start_webhook(
            listen=listen, port=port, url_path=path, webhook_url=url,
            secret_token=secret.get_secret_value(), allowed_updates=["message", "edited_message"],
        )  # fmt: skip
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()


_fits_the_port: type[Adapter] = TelegramAdapter  # checked by mypy
