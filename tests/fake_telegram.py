"""A fake Telegram Bot API on localhost, fed with updates that the bot fetches by getUpdates.

python-telegram-bot talks real HTTP to it (through TELEGRAM_API_URL). It answers the
methods the adapter uses with objects of the Bot API's shape, records every call, and can
answer a method with 429 and ``retry_after`` first, or whenever a call goes over
Telegram's published flood limits (``limits``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fake_limits import TelegramLimits
from tests.platform_limits import telegram_refusal

TOKEN = "123456:TEST-token"
BOT = {"id": 999, "is_bot": True, "first_name": "dialoogbot", "username": "dialoogbot_test_bot"}
USERS: dict[str, dict[str, Any]] = {
    "anna": {"id": 11, "is_bot": False, "first_name": "Anna", "last_name": "de Vries"},
    "bram": {"id": 12, "is_bot": False, "first_name": "Bram", "last_name": "Jansen"},
    "sara": {"id": 13, "is_bot": False, "first_name": "Sara", "last_name": "<b>Bakker</b>"},
}
GROUP = -100500
JSON_FIELDS = {
    "reply_markup", "commands", "allowed_updates", "offset", "timeout", "show_alert",
    "reply_parameters",
}  # fmt: skip


@dataclass
class FakeTelegram:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)
    admins: set[int] = field(default_factory=set)
    left: set[int] = field(default_factory=set)  # users no longer in the group
    # Faults on demand: this share of sends fails with 429 (retry_after) or 500.
    chaos: float = 0.0
    faults: list[str] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(11))
    blocked: set[int] = field(default_factory=set)  # users the bot may not write to
    limits: TelegramLimits | None = None  # the published flood limits, enforced if set
    # (chat, message id) -> the text it shows now, for what the bot sent (and edited)
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    deleted: set[tuple[int, int]] = field(default_factory=set)  # deleted since sent
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(f"/bot{TOKEN}/{{method}}", self._api)
        return app

    def fail(self, method: str, retry_after: int) -> None:
        self.failures.setdefault(method, []).append(retry_after)

    def of(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    def sent(self, chat: int = GROUP) -> list[dict[str, Any]]:
        return [a for a in self.of("sendMessage") if int(a["chat_id"]) == chat]

    def edits(self, chat: int = GROUP) -> list[dict[str, Any]]:
        """The editMessageText calls Telegram carried out, in order."""
        return [a for a in self.of("editMessageText") if int(a["chat_id"]) == chat]

    async def wait_for(self, check: Callable[[], bool], within: float = 10) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(check), within)

    # --- updates the bot will fetch ------------------------------------------------------

    async def message(
        self,
        user: str,
        text: str,
        *,
        chat: int = GROUP,
        reply_to: dict[str, Any] | None = None,
        topic: int | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Queue a message from ``user``; returns (update id, message)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": _chat(chat),
            "from": USERS[user],
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if topic is not None:
            message["message_thread_id"] = topic
            message["is_topic_message"] = True
            message["chat"]["is_forum"] = True
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return await self._queue("message", message), message

    async def press(self, user: str, message: dict[str, Any], data: str) -> int:
        """Queue a press by ``user`` on the inline button with ``data`` under ``message``
        (a message the bot sent: its ``_message``); returns the update id."""
        query = {
            "id": f"q{next(self._message_ids)}",
            "from": USERS[user],
            "message": message,
            "chat_instance": f"ci{message['chat']['id']}",
            "data": data,
        }
        return await self._queue("callback_query", query)

    async def edit(self, message: dict[str, Any], text: str) -> int:
        edited = {**message, "text": text, "edit_date": int(time.time())}
        return await self._queue("edited_message", edited)

    async def _queue(self, kind: str, message: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        async with self._changed:
            self.updates.append({"update_id": update_id, kind: message})
            self._changed.notify_all()
        return update_id

    # --- the Bot API ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type.startswith("multipart/"):
            args: dict[str, Any] = {}
            async for part in await request.multipart():
                assert isinstance(part, BodyPartReader)
                args[part.name or ""] = await part.read()
                if part.filename:
                    args[f"{part.name}:filename"] = part.filename
        elif request.content_type == "application/json":
            args = await request.json()
        else:
            args = dict(await request.post())
        args = {k: _decode(v) if k in JSON_FIELDS else v for k, v in args.items()}
        if method in ("sendMessage", "sendDocument") and self.rng.random() < self.chaos:
            fault = self.rng.choice(["429", "500"])
            self.faults.append(fault)
            if fault == "500":
                await self._record(f"{method}:500", args)
                body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
                return web.json_response(body, status=500)
            self.failures.setdefault(method, []).insert(0, 1)
        chat = args.get("chat_id")
        if self.limits and (wait := self.limits.retry_after(method, chat and str(chat))):
            self.failures.setdefault(method, []).insert(0, wait)
        if self.failures.get(method):
            retry_after = self.failures[method].pop(0)
            await self._record(f"{method}:429", args)
            body = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
            return web.json_response(body, status=429)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(args)})
        if method == "sendMessage" and int(args["chat_id"]) in self.blocked:
            await self._record(f"{method}:403", args)
            body = {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot can't initiate conversation with a user",
            }
            return web.json_response(body, status=403)
        if invalid := telegram_refusal(method, args):  # what Telegram refuses for its limits
            return web.json_response(invalid, status=400)
        if method == "editMessageText" and (refused := self._edit_refusal(args)):
            await self._record(f"{method}:400", args)
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {refused}"}
            return web.json_response(body, status=400)
        result = self._answer(method, args)
        await self._record(method, args)
        return web.json_response({"ok": True, "result": result})

    async def _record(self, method: str, args: dict[str, Any]) -> None:
        async with self._changed:
            self.calls.append((method, args))
            self._changed.notify_all()

    async def _get_updates(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(args.get("offset") or 0)

        def pending() -> list[dict[str, Any]]:
            return [u for u in self.updates if u["update_id"] >= offset]

        async with self._changed:
            try:  # long polling, kept short so the bot stops quickly
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())), 0.5)
            except TimeoutError:
                return []
            return pending()

    def _edit_refusal(self, args: dict[str, Any]) -> str | None:
        """What Telegram answers an edit of a message that is gone, or unchanged."""
        key = (int(args["chat_id"]), int(args["message_id"]))
        if key not in self.texts or key in self.deleted:
            return "message to edit not found"
        if self.texts[key] == str(args["text"]):
            return (
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        return None

    def _answer(self, method: str, args: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("deleteWebhook", "setWebhook", "setMyCommands", "answerCallbackQuery"):
            return True
        if method == "getChatMember":
            user = int(args["user_id"])
            status = "creator" if user in self.admins else "member"
            status = "left" if user in self.left else status
            who = next(u for u in USERS.values() if u["id"] == user)
            return {"status": status, "user": who, "is_anonymous": False}
        if method in ("sendMessage", "sendDocument"):
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": _chat(int(args["chat_id"])),
                "from": BOT,
            }
            if method == "sendMessage":
                message["text"] = args["text"]
                self.texts[(int(args["chat_id"]), message["message_id"])] = args["text"]
            else:
                message["document"] = {"file_id": "doc1", "file_unique_id": "u1"}
            if args.get("message_thread_id"):
                message["message_thread_id"] = int(args["message_thread_id"])
                message["is_topic_message"] = True
            args["_message"] = message
            return message
        if method == "editMessageText":
            chat, message_id = int(args["chat_id"]), int(args["message_id"])
            self.texts[(chat, message_id)] = args["text"]
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "edit_date": int(time.time()),
                "chat": _chat(chat),
                "from": BOT,
                "text": args["text"],
            }
        raise web.HTTPNotFound(text=json.dumps({"ok": False, "description": f"no {method}"}))


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Iemand"}
    return {"id": chat_id, "type": "supergroup", "title": "Netwerk schoolleiders"}


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
