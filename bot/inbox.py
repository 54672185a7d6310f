"""The inbox: events kept before they are acknowledged, then worked off in batches.

Keeping an event must be durable before the platform hears "got it", and that costs a
commit (on SQLite a sync to disk). Events that arrive together are therefore kept
together, in one commit (``bot.batching``). Working them off is batched the same
way, each event inside its own savepoint, so one bad event rolls back alone and the
others of its batch still count.

An event that cannot be worked off now stays in the inbox with a time to try again:
its question is still being posted, the database had a hiccup, or a bug. After a number
of attempts it is closed with the error kept beside it, for an operator to look at.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from bot.batching import GroupCommit
from bot.clock import Clock
from bot.model import InboundEvent
from storage.db import Database
from storage.events import decode, encode
from storage.repository import ConcurrentUpdate, InboxEntry, Repository

log = logging.getLogger(__name__)

ATTEMPTS = 8
BATCH = 100
_RETRIES_IN_PLACE = 5


class NotYet(Exception):
    """The event refers to something that is on its way (a question being posted)."""


Apply = Callable[[Repository, InboxEntry, InboundEvent, datetime], Awaitable[int]]
"""Carry out one event inside the caller's transaction; returns how many messages it
queued. Raises NotYet to be tried again shortly."""


class Inbox:
    def __init__(self, db: Database, clock: Clock, apply: Apply, lease: timedelta) -> None:
        self.db = db
        self.clock = clock
        self.apply = apply
        self.lease = lease
        self._keeping = GroupCommit(self._keep)

    async def receive(self, event: InboundEvent) -> int | None:
        """Keep ``event``; its inbox id, or None when this delivery was kept before.

        Raises when it cannot be kept (the database is away): the caller must then not
        acknowledge, so the platform delivers the event again.
        """
        return await self._keeping.submit(event)

    async def _keep(self, events: Sequence[InboundEvent]) -> list[int | None]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = Repository(session)
            return [
                await repo.receive(e.channel.platform, e.event_id, encode(e), now) for e in events
            ]

    async def process(self, inbox_ids: list[int] | None = None) -> int:
        """Work off the given events (just received), or (None) whatever is due again.

        Returns how many messages the events queued, so the caller knows whether there
        is anything to deliver.
        """
        queued = 0
        while True:
            now = self.clock.now()
            async with self.db.transaction() as session:
                repo = Repository(session)
                entries = await repo.claim_inbox(now, self.lease, ids=inbox_ids, limit=BATCH)
                for entry in entries:
                    queued += await self._one(repo, entry, now)
            if inbox_ids is not None or len(entries) < BATCH:
                return queued

    async def _one(self, repo: Repository, entry: InboxEntry, now: datetime) -> int:
        event = decode(entry.payload)
        for attempt in range(_RETRIES_IN_PLACE):
            try:
                async with repo.session.begin_nested():
                    queued = await self.apply(repo, entry, event, now)
                    await repo.inbox_done(entry.id, now, "ok")
                return queued
            except (ConcurrentUpdate, IntegrityError):
                # Someone changed the round, or started one in this channel, at the
                # same moment: read again and decide again.
                if attempt == _RETRIES_IN_PLACE - 1:
                    await self._later(repo, entry, now, "kept colliding with other writers")
            except NotYet:
                wait = timedelta(seconds=min(2**entry.attempts, 30))
                await repo.inbox_later(entry.id, now + wait, "waiting for the question's post")
                return 0
            except Exception as exc:
                log.exception("event %s (inbox %s) could not be handled", event.event_id, entry.id)
                await self._later(repo, entry, now, repr(exc))
                return 0
        return 0

    async def _later(self, repo: Repository, entry: InboxEntry, now: datetime, why: str) -> None:
        if entry.attempts >= ATTEMPTS:
            await repo.inbox_done(entry.id, now, f"failed: {why}")
        else:
            wait = timedelta(seconds=min(2**entry.attempts, 300))
            await repo.inbox_later(entry.id, now + wait, f"retrying: {why}")
