"""The Telegram adapter: python-telegram-bot's Application wired to the dialogue service.

Updates come by long polling (the default) or by webhook, with Telegram's secret token
checked on every request. Handlers translate, call the service once and deliver what the
outbox holds. Flood limits are respected by a rate limiter that waits out ``RetryAfter``
and sends the message once.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
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
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
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
from bot.model import ChannelRef, InboundEvent, StepKind
from bot.outbound import (
    Content,
    DeliveryRefused,
    DirectNotice,
    NoticePost,
    Parts,
    QuestionPost,
    ReminderPost,
    ReplyPost,
    SummaryPost,
)
from bot.render import summary_markdown
from bot.service import DialogueService

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
ALLOWED_UPDATES = ["message", "edited_message"]


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
        self._link_key = translate.link_key(settings.bot_token.get_secret_value())
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
        self._unkept: set[int] = set()
        self.sleep = sleep
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
            await self._handle(event, update.update_id)

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        event = translate.answer(update)
        if event is not None:
            await self._handle(event, update.update_id)

    async def _on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/start p12_3_<signature>`` in a private chat: ask that question here.

        The link is signed (see ``translate.sign``), so nobody can make up a link to a
        round they were never shown; and the person must be a member of the round's chat.
        """
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None:
            return
        words = context.args or []
        if not words:
            await message.reply_text(
                _("Hallo! Via mij kun je privé antwoorden op vragen uit je groep, en krijg je "
                  "herinneringen. Gebruik de knop ‘Privé antwoorden’ onder een vraag.")
            )  # fmt: skip
            return
        target = translate.private_target(words, self._link_key)
        question = None
        if target is not None and await self._is_member(target[0], user.id):
            question = await self.service.private_question(self.platform, *target)
        if target is None or question is None:
            await message.reply_text(
                _("Deze link hoort niet bij een vraag waarop jij nu privé kunt antwoorden.")
            )
            return
        how = _("Antwoord op dit bericht; alleen de eindsamenvatting toont je antwoord.")
        asked = await message.reply_text(
            fmt.pack(fmt.text_units(question) + fmt.text_units(how, "i"))[0],
            parse_mode=ParseMode.HTML,
            reply_markup=ForceReply(selective=True),
        )  # fmt: skip
        chat = ChannelRef(self.platform, str(message.chat.id))
        await self.service.asked_privately(chat, str(asked.message_id), *target)

    async def _is_member(self, round_id: int, user_id: int) -> bool:
        """Whether the person still belongs to the chat the round lives in."""
        channel = await self.service.round_channel(round_id)
        if channel is None or channel.platform != self.platform:
            return False
        try:
            member = await self.bot.get_chat_member(int(channel.channel_id), user_id)
        except Exception:
            log.warning("could not check whether %s is a member of %s", user_id, channel)
            return False
        return member.status not in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)

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

    async def _handle(self, event: InboundEvent, update_id: int) -> None:
        """Keep the event, work it off, deliver what it queued.

        An update whose event cannot be kept is remembered as such, so the polling loop
        (or the webhook) does not confirm it to Telegram and it comes again. A failure
        after the event was kept leaves it in the inbox; the scheduler works it off.
        """
        try:
            inbox_id = await self.service.receive(event)
        except Exception:
            log.exception("could not keep Telegram update %s; it will come again", update_id)
            self._unkept.add(update_id)
            return
        if inbox_id is None:
            return
        try:
            if await self.service.process(inbox_id):
                await self.deliver()
        except Exception:
            log.exception("working off a Telegram update failed; the inbox keeps it")

    # --- service → Telegram -------------------------------------------------------------

    async def deliver(self) -> int:
        return await self.service.deliver(self.platform, self.send)

    async def send(self, channel: ChannelRef, content: Content, parts: Parts) -> str:
        """One outbox message to Telegram; a refusal no retry cures raises DeliveryRefused."""
        try:
            return await self._send(channel, content, parts)
        except (Forbidden, BadRequest) as exc:
            # blocked by the person, never started a private chat, removed from a group,
            # or a request Telegram will never accept: no retry cures these
            raise DeliveryRefused(str(exc)) from exc

    async def _send(self, channel: ChannelRef, content: Content, parts: Parts) -> str:
        chat = int(channel.channel_id)
        topic = int(channel.thread_id) if channel.thread_id else None
        match content:
            case QuestionPost():
                hint = None
                if content.kind is StepKind.OPENING:
                    hint = _("Voor privé antwoorden en herinneringen: start één keer een "
                             "privégesprek met @{bot}.").format(bot=self.bot.username)  # fmt: skip
                start = translate.private_start(
                    content.round_id, content.step_index, self._link_key
                )
                link = f"https://t.me/{self.bot.username}?start={start}"
                button = InlineKeyboardButton(_("Privé antwoorden"), url=link)
                sent = await self.bot.send_message(
                    chat, fmt.question(content, dm_hint=hint), parse_mode=ParseMode.HTML,
                    message_thread_id=topic, reply_markup=InlineKeyboardMarkup([[button]]),
                )  # fmt: skip
                return str(sent.message_id)
            case NoticePost():
                return await self._send_all(chat, topic, fmt.notice(content), parts)
            case ReminderPost():
                sent = await self.bot.send_message(
                    int(content.user_id), fmt.reminder(content), parse_mode=ParseMode.HTML
                )
                return str(sent.message_id)
            case DirectNotice():
                text = fmt.pack(fmt.text_units(content.text))[0]
                sent = await self.bot.send_message(
                    int(content.user_id), text, parse_mode=ParseMode.HTML
                )
                return str(sent.message_id)
            case ReplyPost():
                # Telegram has no messages visible to one person; answer the message itself.
                reply_to = int(content.reply_to) if content.reply_to else None
                texts = fmt.pack(fmt.text_units(content.text))
                return await self._send_all(chat, topic, texts, parts, reply_to=reply_to)
            case SummaryPost():
                first = await self._send_all(chat, topic, fmt.summary(content.summary), parts)

                async def document() -> str:
                    file = InputFile(
                        summary_markdown(content.summary).encode(),
                        filename=f"samenvatting-ronde-{content.round_id}.md",
                    )
                    sent = await self.bot.send_document(chat, file, message_thread_id=topic)
                    return str(sent.message_id)

                await parts.part("file", document)
                return first

    async def _send_all(
        self,
        chat: int,
        topic: int | None,
        texts: list[str],
        parts: Parts,
        *,
        reply_to: int | None = None,
    ) -> str:
        """Several messages, each sent once even if delivery is interrupted between them."""
        ids = []
        for number, text in enumerate(texts):

            async def one(text: str = text) -> str:
                sent = await self.bot.send_message(
                    chat, text, parse_mode=ParseMode.HTML, message_thread_id=topic,
                    reply_to_message_id=reply_to,
                )  # fmt: skip
                return str(sent.message_id)

            ids.append(await parts.part(str(number), one))
        return ids[0]

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

    async def take(self, update: Update) -> bool:
        """Work on one update; False if its event could not be kept (do not confirm it)."""
        await self.application.process_update(update)
        if update.update_id in self._unkept:
            self._unkept.discard(update.update_id)
            return False
        return True

    async def poll(self, *, long_poll: int = 30) -> None:
        """Long polling that confirms an update to Telegram only once it is kept.

        python-telegram-bot's Updater confirms updates (by asking for the next offset)
        before they are handled, so one that arrives while the database is away would be
        gone. Here the offset moves past an update only after ``take`` kept it; an
        update that could not be kept is fetched again after a pause.
        """
        offset: int | None = None
        pause = 1.0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=long_poll, allowed_updates=ALLOWED_UPDATES
                )
            except TelegramError as exc:
                log.warning("fetching updates failed (%s); trying again in %.0f s", exc, pause)
                await self.sleep(pause)
                pause = min(pause * 2, 60)
                continue
            for update in updates:
                if not await self.take(update):
                    log.warning("update %s not kept; fetching it again", update.update_id)
                    await self.sleep(pause)
                    pause = min(pause * 2, 60)
                    break
                offset = update.update_id + 1
            else:
                pause = 1.0

    def webhook(self) -> web.Application:
        """The webhook endpoint: Telegram's secret checked, 200 only for a kept update.

        Telegram delivers an update again when it does not get a 2xx; a body that can
        never be read is answered 200 and logged, since sending it again cannot help.
        """
        secret = self.settings.webhook_secret
        if secret is None:
            raise RuntimeError("TELEGRAM_WEBHOOK_SECRET is needed for webhooks")
        expected = secret.get_secret_value()

        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given.encode(), expected.encode()):
                return web.Response(status=403)
            try:
                update = Update.de_json(await request.json(), self.bot)
            except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
                log.warning("unreadable webhook update, answered and dropped: %r", exc)
                return web.Response(status=200)
            if update is None or await self.take(update):
                return web.Response(status=200)
            return web.Response(status=500)

        app = web.Application()
        app.router.add_post("/{path:.*}", receive)
        return app

    async def run_polling(self) -> None:
        await self.start()
        await self.bot.delete_webhook(drop_pending_updates=False)
        try:
            await self.poll()
        finally:
            await self.stop()

    async def run_webhook(self, url: str, listen: str, port: int) -> None:
        secret = self.settings.webhook_secret
        if secret is None:
            raise RuntimeError("TELEGRAM_WEBHOOK_SECRET is needed for webhooks")
        await self.start()
        runner = web.AppRunner(self.webhook(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, listen, port).start()
        await self.bot.set_webhook(
            url, secret_token=secret.get_secret_value(), allowed_updates=ALLOWED_UPDATES
        )
        log.info("listening for Telegram on %s:%s (%s)", listen, port, urlparse(url).path)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
            await self.stop()


_fits_the_port: type[Adapter] = TelegramAdapter  # checked by mypy
