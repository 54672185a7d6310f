"""A fake Slack for tests: the Web API on localhost, and a signed-request sender for bolt.

The real slack_sdk and slack-bolt talk real HTTP to it. It implements the methods the
adapter uses, checks the bot token, records every call, and can be told to answer a
method with 429 or 5xx first, or enforce chat.postMessage's rate limit (``limits``).
Tests wait for calls with ``wait_for`` instead of sleeping.
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
from urllib.parse import urlencode

from aiohttp import ClientSession, WSMsgType, web
from slack_sdk.signature import SignatureVerifier

from tests.fake_limits import SlackLimits
from tests.platform_limits import slack_refusal

TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
SIGNING_SECRET = "test-signing-secret"
BOT_USER = "UBOT"
USERS = {
    "UANNA": "Anna de Vries",
    "UBRAM": "Bram Jansen",
    "USARA": "Sara <!channel> Bakker",
}


CHAOS_METHODS = frozenset({"chat.postMessage", "conversations.open", "chat.postEphemeral"})


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    # Faults on demand: this share of calls to CHAOS_METHODS fails with 429 (Retry-After),
    # 500, or is carried out but answered only after ``late`` seconds (the client's
    # timeout is shorter, so the bot never hears that its post went through).
    chaos: float = 0.0
    late: float = 0.5
    faults: list[str] = field(default_factory=list)
    # Refusals for good, as Slack gives them: (method, channel or user) -> error code.
    refusals: dict[tuple[str, str], str] = field(default_factory=dict)
    limits: SlackLimits | None = None  # chat.postMessage's rate limit, enforced if set
    post_times: list[float] = field(default_factory=list)  # perf_counter() of each post
    deleted: set[str] = field(default_factory=set)  # ts of messages deleted since posted
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        return app

    def fail(self, method: str, status: int, headers: dict[str, str] | None = None) -> None:
        """Answer the next call of ``method`` with ``status`` (e.g. 429 with Retry-After)."""
        self.failures.setdefault(method, []).append((status, headers or {}))

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        return [
            a for a in self.of("chat.postMessage") if channel is None or a["channel"] == channel
        ]

    def updates(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The chat.update calls Slack carried out, in order."""
        return [a for a in self.of("chat.update") if channel is None or a["channel"] == channel]

    def shown(self, channel: str, ts: str) -> dict[str, Any]:
        """A message as it shows now: as posted, with the latest update applied."""
        message = next(p for p in self.posts(channel) if p["_ts"] == ts)
        for update in self.updates(channel):
            if update["ts"] == ts:
                message = {**message, **update}
        return message

    async def wait_for(self, check: Callable[[], bool], within: float = 10) -> None:
        """Until ``check()`` holds: the adapter works after its ack, in the background."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(check), within)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        token = APP_TOKEN if method == "apps.connections.open" else TOKEN
        if request.headers.get("Authorization") != f"Bearer {token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        args: dict[str, Any] = dict(request.query)  # some methods send query parameters
        if request.method == "POST" and request.content_type == "application/json":
            args.update(await request.json())
        elif request.method == "POST":
            args.update(await request.post())
        for key in ("blocks", "files", "view", "metadata"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        if invalid := slack_refusal(method, args):  # what Slack refuses for its limits
            return web.json_response({"ok": False, "error": invalid})
        target = str(args.get("channel") or args.get("users") or "")
        if (method, target) in self.refusals:
            async with self._changed:
                self.calls.append(Call(f"{method}:refused", args))
                self._changed.notify_all()
            return web.json_response({"ok": False, "error": self.refusals[(method, target)]})
        fault = self._fault(method)
        if self.limits and (wait := self.limits.retry_after(method, target)):
            self.failures.setdefault(method, []).insert(0, (429, {"Retry-After": str(wait)}))
        if fault in ("429", "500"):
            self.failures.setdefault(method, []).insert(
                0, (int(fault), {"Retry-After": "1"} if fault == "429" else {})
            )
        if self.failures.get(method):
            status, headers = self.failures[method].pop(0)
            async with self._changed:
                self.calls.append(Call(f"{method}:{status}", args))
                self._changed.notify_all()
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=status, headers=headers
            )
        result = self._answer(method, args)
        if "ts" in result:
            args["_ts"] = result["ts"]  # what Slack answered, so tests can reply in threads
        name = method if result.get("ok") or method != "chat.update" else f"{method}:refused"
        async with self._changed:
            self.calls.append(Call(name, args))
            self._changed.notify_all()
        if fault == "late":
            await asyncio.sleep(self.late)  # carried out, but the answer comes too late
        return web.json_response(result)

    def _fault(self, method: str) -> str | None:
        if method not in CHAOS_METHODS or self.rng.random() >= self.chaos:
            return None
        fault = self.rng.choice(["429", "500", "late"])
        self.faults.append(fault)
        return fault

    def _history(self, channel: str, thread: str | None) -> list[dict[str, Any]]:
        """What conversations.history / .replies return: newest first, with metadata."""
        found = []
        for args in self.posts(channel):
            in_thread = args.get("thread_ts")
            if (thread is None and in_thread and not args.get("reply_broadcast")) or (
                thread is not None and in_thread != thread and args["_ts"] != thread
            ):
                continue
            message = {"type": "message", "ts": args["_ts"], "text": args.get("text", "")}
            if args.get("metadata"):
                message["metadata"] = args["metadata"]
            found.append(message)
        return found[::-1]

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "apps.connections.open":
            return {**ok, "url": self.base_url.replace("http://", "ws://") + "socket"}
        if method == "auth.test":
            return {
                **ok,
                "user_id": BOT_USER,
                "bot_id": "BBOT",
                "team_id": "T1",
                "user": "dialoogbot",
            }
        if method == "users.info":
            user = args["user"]
            return {
                **ok,
                "user": {
                    "id": user,
                    "name": user.lower(),
                    "real_name": USERS.get(user, user),
                    "profile": {},
                },
            }
        if method == "chat.postMessage":
            self.post_times.append(time.perf_counter())
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            return {**ok, "channel": args["channel"], "ts": ts, "message": {"ts": ts}}
        if method in ("conversations.history", "conversations.replies"):
            return {**ok, "messages": self._history(args["channel"], args.get("ts"))}
        if method == "chat.update":
            known = {p["_ts"] for p in self.posts(str(args.get("channel")))}
            if args.get("ts") not in known or args["ts"] in self.deleted:
                return {"ok": False, "error": "message_not_found"}
            return {**ok, "channel": args["channel"], "ts": args["ts"], "text": args.get("text")}
        if method == "chat.postEphemeral":
            return {**ok, "message_ts": f"e{next(self._ts)}"}
        if method == "conversations.open":
            return {**ok, "channel": {"id": f"D{args['users']}"}}
        if method in ("views.open", "views.push"):
            return {**ok, "view": {**args["view"], "id": f"V{next(self._ts)}"}}
        if method == "views.update":
            return {**ok, "view": {**args["view"], "id": args.get("view_id") or "V0"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            return {**ok, "file_id": file_id, "upload_url": f"{self.base_url}upload/{file_id}"}
        if method == "files.completeUploadExternal":
            return {
                **ok,
                "files": [{"id": f["id"], "title": f.get("title")} for f in args["files"]],
            }
        return {"ok": False, "error": "unknown_method"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then record the envelope acknowledgements that come back."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        async with self._changed:
            self.sockets.append(ws)
            self._changed.notify_all()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                async with self._changed:
                    self.acks.append(json.loads(message.data))
                    self._changed.notify_all()
        return ws

    async def push(self, envelope: dict[str, Any]) -> None:
        """Deliver an event over the open Socket Mode connection."""
        await self.sockets[-1].send_json(envelope)

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")


class SlackSender:
    """Sends requests to the bolt app the way Slack does: signed, over HTTP."""

    def __init__(self, url: str, session: ClientSession, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.session = session
        self.verifier = SignatureVerifier(secret)
        self._events = itertools.count(1)

    async def _send(
        self, body: str, content_type: str, signature: str | None = None, **headers: str
    ) -> int:
        timestamp = str(int(time.time()))
        signed = signature or str(self.verifier.generate_signature(timestamp=timestamp, body=body))
        async with self.session.post(
            self.url,
            data=body.encode(),
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signed,
                **headers,
            },
        ) as response:
            return response.status

    async def command(self, user: str, channel: str, text: str, **extra: str) -> int:
        body = urlencode(
            {
                "command": "/dialoog", "text": text, "user_id": user, "user_name": user.lower(),
                "channel_id": channel, "team_id": "T1", "trigger_id": "trig",
                "response_url": "http://127.0.0.1:9/unused",
            }
        )  # fmt: skip
        return await self._send(body, "application/x-www-form-urlencoded", **extra)

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, **headers: str
    ) -> int:
        body = json.dumps(
            {
                "type": "event_callback", "team_id": "T1", "api_app_id": "A1",
                "event": event, "event_id": event_id or f"Ev{next(self._events)}",
                "event_time": int(time.time()),
            }
        )  # fmt: skip
        return await self._send(body, "application/json", **headers)

    async def interaction(self, payload: dict[str, Any]) -> int:
        body = urlencode({"payload": json.dumps(payload)})
        return await self._send(body, "application/x-www-form-urlencoded")

    async def click(
        self, user: str, channel: str, message: dict[str, Any], action_id: str, **extra: Any
    ) -> int:
        """A click on the button ``action_id`` in ``message``, as Slack sends it."""
        return await self.interaction(
            self.click_payload(user, channel, message, action_id, **extra)
        )

    def click_payload(
        self, user: str, channel: str, message: dict[str, Any], action_id: str, **extra: Any
    ) -> dict[str, Any]:
        """The block_actions payload of a click on the button ``action_id`` in ``message``:
        the button's value, the message, a fresh trigger and the click's own time."""
        button = next(
            element
            for block in message.get("blocks") or []
            if block.get("type") == "actions"
            for element in block["elements"]
            if element.get("action_id") == action_id
        )
        n = next(self._events)
        action = {
            **button,
            "block_id": next(
                b.get("block_id", "") for b in message["blocks"] if button in b.get("elements", [])
            ),
            "action_ts": f"{int(time.time())}.{n:06d}",
        }
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": "T1"},
            "api_app_id": "A1",
            "team": {"id": "T1"},
            "trigger_id": f"trig{n}",
            "container": {
                "type": "message",
                "message_ts": message.get("_ts"),
                "channel_id": channel,
            },
            "channel": {"id": channel},
            "message": {k: v for k, v in message.items() if not k.startswith("_")},
            "actions": [action],
            **extra,
        }
        return payload

    async def submit(
        self, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]], **extra: Any
    ) -> int:
        """A view_submission of ``view`` (as views.open answered it) with these input
        states: {block_id: {action_id: {"type": …, "value" or "selected_date": …}}}."""
        payload = {
            "type": "view_submission",
            "user": {"id": user, "username": user.lower(), "team_id": "T1"},
            "api_app_id": "A1",
            "team": {"id": "T1"},
            "view": {**view, "state": {"values": values}, "hash": "h1"},
            **extra,
        }
        return await self.interaction(payload)

    async def forged(self, text: str) -> int:
        body = urlencode({"command": "/dialoog", "text": text, "user_id": "UX", "channel_id": "C1"})
        return await self._send(body, "application/x-www-form-urlencoded", signature="v0=forged")
