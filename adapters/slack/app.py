"""The Slack adapter: slack-bolt's async app wired to the dialogue service.

Every listener translates the payload into a neutral event and keeps it in the inbox
*before* Slack is acknowledged (bolt runs with ``process_before_response``, so Slack's
answer waits for the listener); working the event off and delivering what it queued
happen after the acknowledgement, in the background. Slack wants its answer within
three seconds, and keeping an event is one small INSERT.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.document import data_document, record_document
from adapters.port import Adapter
from adapters.slack import blocks, translate
from bot import i18n
from bot.i18n import _
from bot.model import ChannelRef, InboundEvent
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
from bot.summary import Summary

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Job = Callable[[], Awaitable[None]] | None
METADATA_TYPE = "dialoogbot_outbox"

# Slack errors no retry will cure: the message goes to the dead letters at once.
REFUSALS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "user_not_found",
        "user_not_in_channel",
        "cannot_dm_bot",
        "user_disabled",
        "account_inactive",
        "restricted_action",
        "ekm_access_denied",
    }
)
# chat.update's answers when the message to edit is gone (deleted, or never ours to edit):
# the progress is posted anew instead.
GONE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


class SlackSettings(BaseSettings):
    """Slack's own variable names, as in Slack's documentation and bolt's examples."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", env_file=".env", extra="ignore")

    bot_token: SecretStr
    signing_secret: SecretStr
    app_token: SecretStr | None = None
    api_url: str = "https://slack.com/api/"
    timeout: float = 30.0


class RetryTransient(AsyncRetryHandler):
    """Retry 429 after the Retry-After Slack asks for, and 5xx after a short backoff.

    slack_sdk's own handlers do the same but sleep on the real clock; this one takes the
    wait as a parameter so tests can check it without waiting.
    """

    def __init__(self, max_retry_count: int = 5, sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and (
            response.status_code == 429 or response.status_code in (500, 502, 503, 504)
        )

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        assert response is not None
        headers = {k.lower(): v for k, v in response.headers.items()}
        if response.status_code == 429:
            try:
                wait = float(headers.get("retry-after", ["1"])[0])
            except ValueError:
                wait = 1.0
        else:
            wait = 0.5 * 2**state.current_attempt
        state.next_attempt_requested = True
        await self.sleep(wait + random.random() / 10)
        state.increment_current_attempt()


class SlackAdapter:
    platform = translate.PLATFORM

    def __init__(
        self, service: DialogueService, settings: SlackSettings, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.service = service
        self.settings = settings
        api_url = settings.api_url if settings.api_url.endswith("/") else settings.api_url + "/"
        self.client = AsyncWebClient(
            token=settings.bot_token.get_secret_value(),
            base_url=api_url,
            timeout=settings.timeout,  # type: ignore[arg-type]  # aiohttp takes a float
            retry_handlers=[
                RetryTransient(sleep=sleep),
                AsyncConnectionErrorRetryHandler(max_retry_count=2),
            ],
        )
        self.app = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret.get_secret_value(),
            process_before_response=True,
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._received: list[int] = []
        self._working_off = False
        self._delivering = False
        self._deliver_again = False
        self._names: dict[str, str] = {}
        self._busy = 0
        self._quiet = asyncio.Condition()
        self._bot_user_id: str | None = None
        self._register()

    # --- Slack → service ----------------------------------------------------------------

    def _register(self) -> None:
        app = self.app
        app.command("/dialoog")(self._acked(self._command))
        app.event("app_mention")(self._acked(self._mention))
        app.event("message")(self._acked(self._message))
        app.action(translate.PRIVATE_ACTION)(self._acked(self._private_button))
        app.view(translate.PRIVATE_VIEW)(self._acked(self._private_submit))
        app.action(translate.AGREE_ACTION)(self._acked(self._agree_button))
        app.action(translate.ADDITION_ACTION)(self._acked(self._remark_button))
        app.action(translate.OBJECTION_ACTION)(self._acked(self._remark_button))
        app.view(translate.REMARK_VIEW)(self._acked(self._remark_submit))
        app.action(translate.EDIT_ACTION)(self._acked(self._edit_button))
        app.action(translate.PROPOSE_ACTION)(self._acked(self._propose_button))
        app.action(translate.JOIN_ACTION)(self._acked(self._join_button))
        app.view(translate.EDIT_VIEW)(self._acked(self._edit_submit))

    def _acked(
        self, work: Callable[[dict[str, Any]], Awaitable[Job]]
    ) -> Callable[[Any, dict[str, Any]], Awaitable[None]]:
        """A bolt listener that keeps the event, then acknowledges, then works it off.

        The app runs with ``process_before_response``, so Slack gets its answer only when
        this listener returns: after ``work`` has written the event to the inbox. If that
        fails (the database is down), the listener raises, bolt answers 500 and Slack
        delivers the event again; an acknowledged event is always kept. What ``work``
        returns runs after the acknowledgement, in the background.
        """

        async def listener(ack: Any, body: dict[str, Any]) -> None:
            after = await work(body)
            await ack()
            if after is not None:
                self._background(after)

        return listener

    def _background(self, job: Callable[[], Awaitable[None]]) -> None:
        async def run() -> None:
            async with self.working():
                try:
                    await job()
                except Exception:
                    log.exception("working off a Slack event failed; the inbox keeps it")

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _command(self, body: dict[str, Any]) -> Job:
        name = await self.name_of(body["user_id"])
        return await self._keep(translate.slash_command(body, name))

    async def _mention(self, body: dict[str, Any]) -> Job:
        event = body["event"]
        name = await self.name_of(event["user"])
        command = translate.mention_command(body, await self.bot_user_id(), name)
        return None if command is None else await self._keep(command)

    async def _message(self, body: dict[str, Any]) -> Job:
        event = body["event"]
        user = event.get("user") or (event.get("message") or {}).get("user") or ""
        name = await self.name_of(user) if user else ""
        translated = translate.message(body, await self.bot_user_id(), name)
        return None if translated is None else await self._keep(translated)

    async def _private_button(self, body: dict[str, Any]) -> Job:
        target = translate.private_target(body)
        message_blocks = (body.get("message") or {}).get("blocks") or []
        question = next(
            (b["text"]["text"] for b in message_blocks if b.get("type") == "section"), ""
        )

        async def open_modal() -> None:
            with i18n.speaking(await self.service.round_language(int(target["round_id"]))):
                view = blocks.private_modal(target, question)
            await self.client.views_open(trigger_id=body["trigger_id"], view=view)

        return open_modal

    async def _private_submit(self, body: dict[str, Any]) -> Job:
        name = await self.name_of(body["user"]["id"])
        return await self._keep(translate.private_answer(body, name))

    # --- the outcome: the group's check, the coordinator's draft --------------------------

    async def _agree_button(self, body: dict[str, Any]) -> Job:
        """Klopt, under the outcome in the round's channel: ``/dialoog klopt``."""
        name = await self.name_of(body["user"]["id"])
        return await self._keep(translate.button_command(body, name, "klopt"))

    async def _remark_button(self, body: dict[str, Any]) -> Job:
        """Aanvulling or Bezwaar: a modal to write it in; the submission is the command."""
        kind = translate.REMARKS[body["actions"][0]["action_id"]]
        target = translate.button_target(body)

        async def open_modal() -> None:
            with i18n.speaking(await self.service.round_language(int(target["round_id"]))):
                view = blocks.remark_modal(kind, target)
            await self.client.views_open(trigger_id=body["trigger_id"], view=view)

        return open_modal

    async def _remark_submit(self, body: dict[str, Any]) -> Job:
        name = await self.name_of(body["user"]["id"])
        return await self._keep(translate.remark(body, name))

    async def _propose_button(self, body: dict[str, Any]) -> Job:
        """Voorleggen aan de groep, under the draft: ``/dialoog voorleggen`` in the round's
        channel, where the engine checks that it comes from a coordinator."""
        name = await self.name_of(body["user"]["id"])
        return await self._keep(translate.button_command(body, name, "voorleggen"))

    async def _edit_button(self, body: dict[str, Any]) -> Job:
        """Bewerken, under the draft: the edit modal, filled with the draft as it is now
        (it may have changed since the message was sent)."""
        target = translate.button_target(body)
        user = body["user"]["id"]

        async def open_modal() -> None:
            round_id = int(target["round_id"])
            summary = await self.service.outcome_draft(
                self.platform, round_id, translate.person(user, "")
            )
            with i18n.speaking(await self.service.round_language(round_id)):
                view = _edit_view(summary, target)
            await self.client.views_open(trigger_id=body["trigger_id"], view=view)

        return open_modal

    async def _edit_submit(self, body: dict[str, Any]) -> Job:
        """The edit modal, submitted: one command per field that changed, all kept before
        Slack hears back, so a submission Slack got an answer to is never half lost."""
        name = await self.name_of(body["user"]["id"])
        return await self._keep(*translate.outcome_edits(body, name))

    # --- a network round: joining -------------------------------------------------------

    async def _join_button(self, body: dict[str, Any]) -> Job:
        """Doe mee, under a network round's announcement: ``/dialoog doe-mee`` in the
        round's channel, kept before Slack hears back. The first question follows in the
        person's direct message with the bot, the word that they joined as an ephemeral."""
        name = await self.name_of(body["user"]["id"])
        return await self._keep(translate.join_command(body, name))

    async def _keep(self, *events: InboundEvent) -> Job:
        """Write the events to the inbox (before the ack), in order; work them off after
        the ack. Raises if one cannot be kept: Slack then hears of a failure."""
        kept = False
        for event in events:
            inbox_id = await self.service.receive(event)
            if inbox_id is None:
                continue  # a redelivery of an event kept before
            self._received.append(inbox_id)
            kept = True
        return self._work_off if kept else None

    async def _work_off(self) -> None:
        """Work off what was received, in batches: one runs at a time, and events that
        arrive meanwhile are taken by the running one (no await between its last look
        and its end, so none is left behind)."""
        if self._working_off:
            return
        self._working_off = True
        try:
            while self._received:
                batch, self._received = self._received, []
                if await self.service.process(*batch):
                    self._background(self._deliver_now)
        finally:
            self._working_off = False

    async def _deliver_now(self) -> None:
        """Deliver, at most one run at a time; a request during a run asks for one more."""
        if self._delivering:
            self._deliver_again = True
            return
        self._delivering = True
        try:
            again = True
            while again:
                self._deliver_again = False
                await self.deliver()
                again = self._deliver_again
        finally:
            self._delivering = False

    @asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        """Count work that continues after the ack, so shutdown (and tests) can wait for it."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            async with self._quiet:
                self._quiet.notify_all()

    async def idle(self) -> None:
        """Until no Slack request is being worked on, nor any work it started after the
        ack (a delivery it asked for may not have begun when the request's work ended)."""
        while True:
            async with self._quiet:
                await self._quiet.wait_for(lambda: self._busy == 0)
            if not self._tasks:
                return
            await asyncio.wait(set(self._tasks))

    async def name_of(self, user_id: str) -> str:
        """The name people see in Slack, looked up once per user."""
        if user_id not in self._names:
            try:
                info = await self.client.users_info(user=user_id)
                user = info["user"]
                profile = user.get("profile") or {}
                self._names[user_id] = (
                    profile.get("display_name")
                    or user.get("real_name")
                    or user.get("name")
                    or user_id
                )
            except Exception:
                log.warning("could not look up Slack user %s", user_id)
                return user_id
        return self._names[user_id]

    async def bot_user_id(self) -> str:
        if self._bot_user_id is None:
            self._bot_user_id = str((await self.client.auth_test())["user_id"])
        return self._bot_user_id

    # --- service → Slack ----------------------------------------------------------------

    async def deliver(self) -> int:
        return await self.service.deliver(self.platform, self.send)

    async def send(self, channel: ChannelRef, content: Content, parts: Parts) -> str:
        """One outbox message to Slack; a refusal no retry cures raises DeliveryRefused."""
        try:
            return await self._send(channel, content, parts)
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error in REFUSALS:
                raise DeliveryRefused(error) from exc
            raise

    async def _send(self, channel: ChannelRef, content: Content, parts: Parts) -> str:
        posted = _Poster(self.client, parts)
        match content:
            case QuestionPost() if content.user_id is not None:
                # a network round asks each participant in their direct message
                direct = await self._direct_channel(content.user_id)
                return await posted.one(direct, blocks.private_question(content))
            case QuestionPost():
                return await posted.one(channel.channel_id, blocks.question(content))
            case NoticePost():
                return await posted.all(channel.channel_id, blocks.notice(content))
            case ProgressPost():
                return await self._progress(channel.channel_id, content, posted)
            case ReminderPost():
                direct = await self._direct_channel(content.user_id)
                return await posted.one(direct, blocks.reminder(content, channel.channel_id))
            case DirectNotice():
                direct = await self._direct_channel(content.user_id)
                notice = {"text": blocks.fallback(content.text)}
                first = await parts.part("0", lambda: posted.one(direct, notice))
                if content.data is not None:  # someone's own data, as a file for them
                    own = data_document(content.data)

                    async def upload_data() -> str:
                        response = await self.client.files_upload_v2(
                            channel=direct, filename=own.filename, title=own.title, file=own.data
                        )
                        return str((response.get("file") or {}).get("id") or "file")

                    await parts.part("file", upload_data)
                return first
            case ReplyPost():
                text = blocks.fallback(content.text)
                if translate.is_direct(channel.channel_id):
                    # said in a direct message (an answer, a command there): the reply is
                    # a message of its own there, not an ephemeral that vanishes
                    direct = await self._direct_channel(content.user_id)
                    return await posted.one(direct, {"text": text})
                if content.private:
                    response = await self.client.chat_postEphemeral(
                        channel=channel.channel_id, user=content.user_id, text=text
                    )
                    return str(response.get("message_ts") or "ephemeral")
                return await posted.one(channel.channel_id, {"text": text})
            case SummaryPost():
                # In the round's thread (under its welcome), and also shown in the channel;
                # the full record goes with it as a document, in the same thread.
                first = await posted.all(
                    channel.channel_id, blocks.outcome(content.summary), thread=content.thread
                )

                async def upload() -> str:
                    document = await record_document(content.summary)
                    response = await self.client.files_upload_v2(
                        channel=channel.channel_id,
                        thread_ts=content.thread or first,
                        filename=document.filename,
                        title=document.title,
                        file=document.data,
                    )
                    file = response.get("file") or {}
                    return str(file.get("id") or "file")

                await parts.part("file", upload)
                return first
            case DraftPost():
                # For the coordinator alone, like a reminder: in a direct message.
                direct = await self._direct_channel(content.user_id)
                return await posted.all(direct, blocks.draft(content, channel.channel_id))
            case AnswersPost():
                # Eerst zelf: in the thread of the step's question, not shown in the channel
                # (without that question, in the channel, any rest in its thread)
                return await posted.all(
                    channel.channel_id,
                    blocks.answers(content),
                    thread=content.thread,
                    broadcast=False,
                )

    async def _progress(self, channel_id: str, progress: ProgressPost, posted: _Poster) -> str:
        """The round's progress message, edited in place (chat.update); posted anew when
        there is none yet, or when the one there was is gone."""
        message = blocks.progress(progress)
        if progress.edit_of is not None:
            try:
                await self.client.chat_update(channel=channel_id, ts=progress.edit_of, **message)
            except SlackApiError as exc:
                if str(exc.response.get("error", "")) not in GONE:
                    raise
                log.info("progress message %s is gone; posting it anew", progress.edit_of)
            else:
                return progress.edit_of
        return await posted.one(channel_id, message)

    async def _direct_channel(self, user_id: str) -> str:
        opened = await self.client.conversations_open(users=user_id)
        return str(opened["channel"]["id"])

    # --- running ------------------------------------------------------------------------

    def http_app(
        self,
        path: str = "/slack/events",
        *,
        routes: Sequence[web.RouteDef] = (),
        host: str = "0.0.0.0",
        port: int = 3000,
    ) -> web.Application:
        """bolt's aiohttp application for the Events API on ``path``, with ``routes``."""
        app = self.app.server(port=port, path=path, host=host).web_app
        app.add_routes(routes)
        return app

    async def run_http(
        self,
        host: str,
        port: int,
        path: str = "/slack/events",
        *,
        routes: Sequence[web.RouteDef] = (),
    ) -> None:
        """Serve the Events API on ``path``, and ``routes`` (``/healthz``, ``/metrics``)
        beside it on the same port."""
        from aiohttp import web

        runner = web.AppRunner(self.http_app(path, routes=routes, host=host, port=port))
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        log.info("listening for Slack on http://%s:%s%s", host, port, path)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    async def run_socket_mode(self) -> None:
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        if self.settings.app_token is None:
            raise RuntimeError("SLACK_APP_TOKEN is needed for Socket Mode")
        handler = AsyncSocketModeHandler(self.app, self.settings.app_token.get_secret_value())
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected to Slack in Socket Mode")
        try:
            await asyncio.Event().wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]


class _Poster:
    """chat.postMessage for one outbox message: each part once, and looked for first.

    Every post carries message metadata naming its outbox message and part. When an
    earlier attempt may have reached Slack without our hearing back (a timeout, a lost
    connection, a crash), the channel (or thread) is searched for that metadata before
    posting again, so such an attempt does not show up twice.
    """

    def __init__(self, client: AsyncWebClient, parts: Parts) -> None:
        self.client = client
        self.parts = parts

    async def one(
        self, channel_id: str, message: dict[str, Any], part: str = "0", **extra: Any
    ) -> str:
        thread = extra.get("thread_ts")
        if self.parts.retry:
            found = await self._find(channel_id, thread, part)
            if found is not None:
                return found
        metadata = {
            "event_type": METADATA_TYPE,
            "event_payload": {"outbox": self.parts.key, "part": part},
        }
        response = await self.client.chat_postMessage(
            channel=channel_id, **message, metadata=metadata, **extra
        )
        return str(response["ts"])

    async def all(
        self,
        channel_id: str,
        messages: list[dict[str, Any]],
        thread: str | None = None,
        *,
        broadcast: bool = True,
    ) -> str:
        """A message that may need several parts, each recorded once confirmed.

        Without a thread: the first part in the channel, the rest in its thread. In a
        thread: every part there, the first also sent to the channel (unless not
        ``broadcast``).
        """
        if thread is None:
            first = await self.parts.part("0", lambda: self.one(channel_id, messages[0]))
            thread = first
        else:
            where = thread
            shown: dict[str, Any] = {"reply_broadcast": True} if broadcast else {}
            first = await self.parts.part(
                "0", lambda: self.one(channel_id, messages[0], thread_ts=where, **shown)
            )
        for number, message in enumerate(messages[1:], start=1):
            key = str(number)
            await self.parts.part(
                key,
                lambda message=message, key=key: self.one(  # type: ignore[misc]
                    channel_id, message, key, thread_ts=thread
                ),
            )
        return first

    async def _find(self, channel_id: str, thread: str | None, part: str) -> str | None:
        try:
            if thread is None:
                response = await self.client.conversations_history(
                    channel=channel_id, include_all_metadata=True, limit=100
                )
            else:
                response = await self.client.conversations_replies(
                    channel=channel_id, ts=thread, include_all_metadata=True, limit=200
                )
        except SlackApiError as exc:
            log.warning("could not look for an earlier attempt in %s: %s", channel_id, exc)
            return None
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == METADATA_TYPE
                and payload.get("outbox") == self.parts.key
                and payload.get("part") == part
            ):
                return str(message["ts"])
        return None


_fits_the_port: type[Adapter] = SlackAdapter  # checked by mypy


def _edit_view(summary: Summary | None, target: dict[str, Any]) -> dict[str, Any]:
    """The draft's edit modal, or why it cannot be edited (any more)."""
    if summary is None:
        return blocks.info_modal(
            _("Uitkomst"),
            _(
                "Dit concept kun je niet meer aanpassen: het ligt al bij de groep of is "
                "gepubliceerd, of je bent geen coördinator van deze ronde."
            ),
        )
    metadata = {"round_id": summary.round_id, "channel": str(target["channel"])}
    return blocks.edit_modal(summary, metadata)
