"""The Telegram adapter: python-telegram-bot's Application wired to the dialogue service.

Updates come by long polling (the default) or by webhook, with Telegram's secret token
checked on every request. Handlers translate, call the service once and deliver what the
outbox holds. Flood limits are kept by a rate limiter that paces messages to Telegram's
published limits (30 per second overall, 20 per minute in a group) and, should Telegram
still refuse, waits out ``RetryAfter`` and sends the message once.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
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
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.document import data_document, record_document
from adapters.pace import Pace, Window
from adapters.port import Adapter
from adapters.telegram import format as fmt
from adapters.telegram import translate
from bot import i18n
from bot.brief import edit_commands, editable, record_note, reviewing
from bot.commands import verdict_word
from bot.i18n import _
from bot.model import ChannelRef, CommandGiven, InboundEvent, StepKind
from bot.outbound import (
    AnswersPost,
    Content,
    DeliveryRefused,
    DirectNotice,
    DraftPost,
    NoticePost,
    Parts,
    ProgressPost,
    QuestionPost,
    ReminderPost,
    ReplyPost,
    SummaryPost,
)
from bot.service import DialogueService

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Kept = Callable[[], Awaitable[None]]
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# editMessageText's refusals when the message to edit is gone (deleted, or not the bot's
# to edit): the progress is posted anew instead
OVERALL_MESSAGES = 30  # per second, all chats together
GROUP_MESSAGES = 20  # per minute, in one group
PACED = ("send", "edit", "copy", "forward")
GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")
NOT_MODIFIED = "message is not modified"


class TelegramSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TELEGRAM_", env_file=".env", extra="ignore")

    bot_token: SecretStr
    webhook_secret: SecretStr | None = None
    api_url: str = "https://api.telegram.org"


class WaitOutFloodLimits(BaseRateLimiter[None]):
    """Pace messages to Telegram's limits; wait as long as ``retry_after`` says if refused.

    Telegram (Bot API FAQ): about 30 messages per second overall, at most 20 per minute
    in one group. Only calls that put a message in a chat are paced: sends and edits.
    The wait is injectable, so tests check it without waiting.
    """

    def __init__(self, sleep: Sleep = asyncio.sleep, max_retries: int = 5) -> None:
        self.sleep = sleep
        self.max_retries = max_retries
        per_group = Window(GROUP_MESSAGES, 60)
        self.pace = Pace(
            # evenly spaced rather than 30 at once: a burst that leaves together arrives
            # bunched, and the first of the next burst then lands inside the same second
            Window(1, 1 / OVERALL_MESSAGES, margin=0.002),
            lambda chat: per_group if _is_group(chat) else None,
            sleep=sleep,
        )

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
        if endpoint.startswith(PACED) and "chat_id" in data:
            await self.pace.wait(data["chat_id"])
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


def _is_group(chat: object) -> bool:
    """Groups and channels: negative ids, or a public ``@name``; private chats are not."""
    if isinstance(chat, str):
        return chat.startswith("@") or chat.startswith("-")
    return isinstance(chat, int) and chat < 0


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
        self.application.add_handler(CallbackQueryHandler(self._on_button))
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
        message = update.message
        asked: list[str] = []
        if message is not None and message.chat.type == Chat.PRIVATE and message.reply_to_message:
            # a reply in a private chat: to a team round's question asked here, or not
            try:
                asked = await self.service.message_ids(translate.channel(message))
            except Exception:
                log.exception(
                    "could not look at Telegram update %s; it comes again", update.update_id
                )
                self._unkept.add(update.update_id)
                return
        event = translate.answer(update, asked)
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
                  "herinneringen. Gebruik de knop ‘Privé antwoorden’ onder een vraag. Doe je "
                  "mee aan een netwerkronde? Typ hier /dialoog verder.")
            )  # fmt: skip
            return
        if words == [translate.CONTINUE_START]:
            # from "I cannot write to you": the private chat is open now, go on here
            event = CommandGiven(
                translate.channel(message),
                translate.person(user),
                "verder",
                event_id=str(update.update_id),
                message_id=str(message.message_id),
            )
            await self._handle(event, update.update_id)
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
        with i18n.speaking(await self.service.round_language(target[0])):
            if translate.own_first_start(words):
                how = _(
                    "Antwoord op dit bericht. Als de stap sluit, komt je antwoord met je naam "
                    "in de draad onder de vraag in de groep."
                )
            else:
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
        return await self._in_chat(int(channel.channel_id), user_id)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press on one of the outcome's buttons.

        Klopt under the outcome in the group is ``/dialoog klopt`` there; Aanvulling and
        Bezwaar need words, so the button says what to type. Voorleggen under the draft in
        the coordinator's private chat is ``/dialoog voorleggen`` in the round's group,
        where the engine checks that a coordinator says it. The event is the update, so a
        redelivered update is kept once; the press is answered once the event is kept.
        """
        query = update.callback_query
        if query is None:
            return
        target = translate.callback_target(query.data)
        if target is None:
            await self._answer_button(query, _("Deze knop ken ik niet (meer)."))
            return
        verb, round_id = target
        channel = await self.service.round_channel(round_id)
        if channel is None or channel.platform != self.platform:
            await self._answer_button(query, _("Deze ronde ken ik niet."))
            return
        with i18n.speaking(await self.service.round_language(round_id)):
            await self._on_round_button(update, query, verb, round_id, channel)

    async def _on_round_button(
        self,
        update: Update,
        query: CallbackQuery,
        verb: str,
        round_id: int,
        channel: ChannelRef,
    ) -> None:
        user = query.from_user
        chat = int(channel.channel_id)
        pressed_in = query.message.chat.id if query.message is not None else None
        if verb == translate.JOIN:
            # under a network round's announcement in its group: only its members join
            if pressed_in != chat or not await self._in_chat(chat, user.id):
                await self._answer_button(query, _("Alleen leden van de groep kunnen meedoen."))
                return
            event = CommandGiven(
                channel, translate.person(user), "doe-mee", event_id=str(update.update_id)
            )
            done = _("Je doet mee! De vragen komen in je privégesprek met @{bot}.").format(
                bot=self.bot.username
            )
        elif verb in translate.VERDICTS:
            # the button sits under the outcome in the round's group: only its members
            if pressed_in != chat or not await self._in_chat(chat, user.id):
                await self._answer_button(query, _("Alleen leden van de groep kunnen reageren."))
                return
            if verb != "klopt":
                how = _("Typ in de groep: /dialoog {kind} <je {kind}>").format(
                    kind=verdict_word(verb)
                )
                await self._answer_button(query, how, alert=True)
                return
            event = CommandGiven(
                channel, translate.person(user), "klopt", event_id=str(update.update_id)
            )
            done = _("Ontvangen: klopt. Dank je!")
        else:
            is_admin = await self._is_admin(chat, user.id)
            event = CommandGiven(
                channel,
                translate.person(user),
                "voorleggen",
                is_admin=is_admin,
                event_id=str(update.update_id),
            )
            done = _("Ontvangen: de uitkomst gaat naar de groep.")

        async def kept() -> None:
            await self._answer_button(query, done)

        if not await self._handle(event, update.update_id, kept=kept):
            await self._answer_button(query, _("Dat lukte nu niet; probeer het zo nog eens."))

    async def _answer_button(self, query: CallbackQuery, text: str, *, alert: bool = False) -> None:
        """Stop the button's spinner with a short word; the press is kept either way."""
        try:
            await query.answer(fmt.shorten(text, fmt.CALLBACK_ANSWER_LIMIT), show_alert=alert)
        except TelegramError as exc:  # answered before (a redelivery), or too late
            log.info("could not answer a button press: %s", exc)

    async def _in_chat(self, chat_id: int, user_id: int) -> bool:
        """Whether the person belongs to the chat (and has not left it or been banned)."""
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except Exception:
            log.warning("could not check whether %s is a member of %s", user_id, chat_id)
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

    async def _handle(
        self, event: InboundEvent, update_id: int, *, kept: Kept | None = None
    ) -> bool:
        """Keep the event, work it off, deliver what it queued; False if it was not kept.

        An update whose event cannot be kept is remembered as such, so the polling loop
        (or the webhook) does not confirm it to Telegram and it comes again. A failure
        after the event was kept leaves it in the inbox; the scheduler works it off.
        ``kept`` runs once the event is kept (or was kept before), before it is worked off.
        """
        try:
            inbox_id = await self.service.receive(event)
        except Exception:
            log.exception("could not keep Telegram update %s; it will come again", update_id)
            self._unkept.add(update_id)
            return False
        if kept is not None:
            await kept()
        if inbox_id is None:
            return True
        try:
            if await self.service.process(inbox_id):
                await self.deliver()
        except Exception:
            log.exception("working off a Telegram update failed; the inbox keeps it")
        return True

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
            case QuestionPost() if content.user_id is not None:
                return await self._send_private_question(chat, topic, content, parts)
            case QuestionPost():
                hint = None
                if content.kind is StepKind.OPENING:
                    hint = _("Voor privé antwoorden en herinneringen: start één keer een "
                             "privégesprek met @{bot}.").format(bot=self.bot.username)  # fmt: skip
                start = translate.private_start(
                    content.round_id, content.step_index, self._link_key,
                    own_first=content.own_first,
                )  # fmt: skip
                link = f"https://t.me/{self.bot.username}?start={start}"
                label = _("Antwoord (eerst zelf)") if content.own_first else _("Privé antwoorden")
                button = InlineKeyboardButton(label, url=link)
                sent = await self.bot.send_message(
                    chat, fmt.question(content, dm_hint=hint), parse_mode=ParseMode.HTML,
                    message_thread_id=topic, reply_markup=InlineKeyboardMarkup([[button]]),
                )  # fmt: skip
                return str(sent.message_id)
            case NoticePost():
                markup = None
                if content.join:  # a network round's announcement: Doe mee under it
                    join = _button(_("Doe mee"), translate.JOIN, content.round_id)
                    markup = InlineKeyboardMarkup([[join]])
                return await self._send_all(chat, topic, fmt.notice(content), parts, markup=markup)
            case ProgressPost():
                return await self._send_progress(chat, topic, content)
            case ReminderPost():
                sent = await self.bot.send_message(
                    int(content.user_id), fmt.reminder(content), parse_mode=ParseMode.HTML
                )
                return str(sent.message_id)
            case DirectNotice():
                user = int(content.user_id)
                texts = fmt.pack(fmt.text_units(content.text))
                first = await self._send_all(user, None, texts, parts)
                if content.data is not None:  # someone's own data, as a file for them
                    own = data_document(content.data)

                    async def send_data() -> str:
                        sent = await self.bot.send_document(
                            user, InputFile(own.data, filename=own.filename), caption=own.title
                        )
                        return str(sent.message_id)

                    await parts.part("file", send_data)
                return first
            case ReplyPost():
                texts = fmt.pack(fmt.text_units(content.text))
                if content.private and content.reply_to is None:
                    # the answer to a button press: there is no message of theirs to answer
                    # in the group, and the press itself was answered already, so the rest
                    # is said privately (or not at all, if they never started a chat)
                    return await self._send_all(int(content.user_id), None, texts, parts)
                # Telegram has no messages visible to one person; answer the message itself.
                reply_to = int(content.reply_to) if content.reply_to else None
                return await self._send_all(chat, topic, texts, parts, reply_to=reply_to)
            case SummaryPost():
                summary = content.summary
                markup = None
                if reviewing(summary):
                    markup = InlineKeyboardMarkup(
                        [
                            [
                                _button(_("Klopt"), "klopt", summary.round_id),
                                _button(_("Aanvulling"), "aanvulling", summary.round_id),
                                _button(_("Bezwaar"), "bezwaar", summary.round_id),
                            ]
                        ]
                    )
                texts = fmt.outcome(summary, footer=[record_note()])
                first = await self._send_all(chat, topic, texts, parts, markup=markup)

                async def document() -> str:
                    record = await record_document(summary)
                    sent = await self.bot.send_document(
                        chat,
                        InputFile(record.data, filename=record.filename),
                        caption=record.title,
                        message_thread_id=topic,
                    )
                    return str(sent.message_id)

                await parts.part("file", document)
                return first
            case DraftPost():
                return await self._send_draft(chat, topic, content, parts)
            case AnswersPost():
                # eerst zelf: as replies to the step's question, in the round's topic if any
                thread = int(content.thread) if content.thread else None
                return await self._send_all(
                    chat, topic, fmt.answers(content), parts, reply_to=thread,
                    without_reply=True,
                )  # fmt: skip

    async def _send_private_question(
        self, chat: int, topic: int | None, question: QuestionPost, parts: Parts
    ) -> str:
        """A network round's question in the participant's private chat (the chat id is
        the user id). Telegram lets a bot write only to people who started a chat with it;
        to anyone else the group is told, without the question, with a button that opens
        the private chat, where ``/start verder`` asks it again."""
        assert question.user_id is not None
        assert question.name is not None
        texts = [fmt.private_question(question)]
        try:
            return await self._send_all(int(question.user_id), None, texts, parts)
        except Forbidden:
            text = _(
                "{name}, ik kan je de vragen van de netwerkronde niet privé sturen. Start een "
                "privégesprek met mij met de knop hieronder; daar gaan we verder."
            ).format(name=fmt.name(question.name))
            link = f"https://t.me/{self.bot.username}?start={translate.CONTINUE_START}"
            button = InlineKeyboardButton(_("Privégesprek starten"), url=link)
            hint = fmt.pack(fmt.text_units(text))
            markup = InlineKeyboardMarkup([[button]])
            return await self._send_all(chat, topic, hint, parts, markup=markup, start=len(texts))

    async def _send_progress(self, chat: int, topic: int | None, progress: ProgressPost) -> str:
        """The round's progress message, edited in place; posted anew when there is none
        yet, or when the one there was is gone. Unchanged counts are no failure."""
        text = fmt.progress(progress)
        if progress.edit_of is not None:
            try:
                await self.bot.edit_message_text(
                    text, chat_id=chat, message_id=int(progress.edit_of), parse_mode=ParseMode.HTML
                )
            except BadRequest as exc:
                reason = exc.message.lower()
                if NOT_MODIFIED in reason:
                    return progress.edit_of
                if not any(gone in reason for gone in GONE):
                    raise
                log.info("progress message %s is gone; posting it anew", progress.edit_of)
            else:
                return progress.edit_of
        sent = await self.bot.send_message(
            chat, text, parse_mode=ParseMode.HTML, message_thread_id=topic
        )
        return str(sent.message_id)

    async def _send_draft(
        self, chat: int, topic: int | None, draft: DraftPost, parts: Parts
    ) -> str:
        """The draft in the coordinator's private chat, with the commands to edit it and
        a button that puts it to the group. A coordinator who never started a private
        chat with the bot is told so in the group, without the draft."""
        summary = draft.summary
        markup = None
        footer: tuple[str, ...] = ()
        if editable(summary):
            label = _("Voorleggen aan de groep")
            markup = InlineKeyboardMarkup([[_button(label, translate.PROPOSE, summary.round_id)]])
            footer = edit_commands(button=label)
        texts = fmt.outcome(summary, draft=True, footer=footer)
        try:
            return await self._send_all(int(draft.user_id), None, texts, parts, markup=markup)
        except Forbidden:
            text = _(
                "{name}, ik kan je het concept van de uitkomst niet privé sturen. Start een "
                "privégesprek met @{bot} en typ daar /dialoog uitkomst."
            ).format(name=fmt.name(draft.name), bot=self.bot.username)
            hint = fmt.pack(fmt.text_units(text))
            return await self._send_all(chat, topic, hint, parts, start=len(texts))

    async def _send_all(
        self,
        chat: int,
        topic: int | None,
        texts: list[str],
        parts: Parts,
        *,
        reply_to: int | None = None,
        markup: InlineKeyboardMarkup | None = None,
        start: int = 0,
        without_reply: bool | None = None,
    ) -> str:
        """Several messages, each sent once even if delivery is interrupted between them.
        ``markup`` (buttons) goes under the last; ``start`` numbers the parts on;
        ``without_reply`` sends them even if ``reply_to`` is gone (deleted)."""
        ids = []
        for number, text in enumerate(texts, start=start):
            buttons = markup if number == start + len(texts) - 1 else None

            async def one(text: str = text, buttons: InlineKeyboardMarkup | None = buttons) -> str:
                sent = await self.bot.send_message(
                    chat, text, parse_mode=ParseMode.HTML, message_thread_id=topic,
                    reply_to_message_id=reply_to, reply_markup=buttons,
                    allow_sending_without_reply=without_reply,
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
            [BotCommand("dialoog", "Dialoog: start, samenvatting, kaarten, mijngegevens, help")],
            language_code="nl",
        )
        await self.bot.set_my_commands(
            [BotCommand("dialoog", "Dialogue: start, status, summary, cards, my-data, help")]
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

    def webhook(self, routes: Sequence[web.RouteDef] = ()) -> web.Application:
        """The webhook endpoint: Telegram's secret checked, 200 only for a kept update.

        Telegram delivers an update again when it does not get a 2xx; a body that can
        never be read is answered 200 and logged, since sending it again cannot help.
        ``routes`` (``/healthz``, ``/metrics``: GET) are served beside it; the webhook
        takes every POST.
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
        app.add_routes(routes)
        app.router.add_post("/{path:.*}", receive)
        return app

    async def run_polling(self) -> None:
        await self.start()
        await self.bot.delete_webhook(drop_pending_updates=False)
        try:
            await self.poll()
        finally:
            await self.stop()

    async def run_webhook(
        self, url: str, listen: str, port: int, *, routes: Sequence[web.RouteDef] = ()
    ) -> None:
        secret = self.settings.webhook_secret
        if secret is None:
            raise RuntimeError("TELEGRAM_WEBHOOK_SECRET is needed for webhooks")
        await self.start()
        runner = web.AppRunner(self.webhook(routes), access_log=None)
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


def _button(label: str, verb: str, round_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=translate.callback_data(verb, round_id))


_fits_the_port: type[Adapter] = TelegramAdapter  # checked by mypy
