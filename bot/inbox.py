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

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot import i18n
from bot.batching import GroupCommit
from bot.clock import Clock
from bot.i18n import _
from bot.model import InboundEvent
from bot.outbound import Reply, reply_posts
from bot.store import ConcurrentUpdate, InboxEntry, Store, Unit

log = logging.getLogger(__name__)

ATTEMPTS = 8
BATCH = 100
_RETRIES_IN_PLACE = 5


class NotYet(Exception):
    """The event refers to something that is on its way (a question being posted)."""


Apply = Callable[[Unit, InboxEntry, InboundEvent, datetime], Awaitable[int]]
"""Carry out one event inside the caller's transaction; returns how many messages it
queued. Raises NotYet to be tried again shortly."""

ApplyMany = Callable[[Unit, list[InboxEntry], datetime], Awaitable[tuple[int, set[int]]]]
"""Carry out many events of the common kind at once, set-based; returns how many messages
they queued and which entries it handled (the rest go one by one through ``Apply``)."""


class Inbox:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        apply: Apply,
        lease: timedelta,
        *,
        apply_many: ApplyMany | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.apply = apply
        self.apply_many = apply_many
        self.lease = lease
        self._keeping = GroupCommit(self._keep)

    async def receive(self, event: InboundEvent) -> int | None:
        """Keep ``event``; its inbox id, or None when this delivery was kept before.

        Raises when it cannot be kept (the database is away): the caller must then not
        acknowledge, so the platform delivers the event again.
        """
        return await self._keeping.submit(clean(event))

    async def _keep(self, events: Sequence[InboundEvent]) -> list[int | None]:
        now = self.clock.now()
        async with self.store.transaction() as repo:
            return await repo.receive_many(events, now)

    async def process(self, inbox_ids: list[int] | None = None) -> int:
        """Work off the given events (just received), or (None) whatever is due again.

        Returns how many messages the events queued, so the caller knows whether there
        is anything to deliver.
        """
        queued = 0
        while True:
            now = self.clock.now()
            async with self.store.transaction() as repo:
                entries = await repo.claim_inbox(now, self.lease, ids=inbox_ids, limit=BATCH)
                handled: set[int] = set()
                if self.apply_many is not None and len(entries) > 1:
                    many, handled = await self._many(repo, entries, now)
                    queued += many
                for entry in entries:
                    if entry.id not in handled:
                        queued += await self._one(repo, entry, now)
            if inbox_ids is not None or len(entries) < BATCH:
                return queued

    async def _many(
        self, repo: Unit, entries: list[InboxEntry], now: datetime
    ) -> tuple[int, set[int]]:
        """The set-based path, inside a savepoint: if it fails, every event goes the
        one-by-one way instead, so the batch costs time, never an event."""
        assert self.apply_many is not None
        try:
            async with repo.savepoint():
                return await self.apply_many(repo, entries, now)
        except Exception:
            log.warning(
                "a batch of events failed together; handling them one by one", exc_info=True
            )
            return 0, set()

    async def _one(self, repo: Unit, entry: InboxEntry, now: datetime) -> int:
        event = entry.event
        for attempt in range(_RETRIES_IN_PLACE):
            try:
                async with repo.savepoint():
                    queued = await self.apply(repo, entry, event, now)
                    await repo.inbox_done(entry.id, now, "ok")
                return queued
            except ConcurrentUpdate:
                # Someone changed the round, or started one in this channel, at the
                # same moment: read again and decide again.
                if attempt == _RETRIES_IN_PLACE - 1:
                    await self._later(repo, entry, now, "kept colliding with other writers")
            except NotYet:
                wait = timedelta(seconds=min(2**entry.attempts, 30))
                await repo.inbox_later(entry.id, now + wait, "waiting for the question's post")
                return 0
            except Exception as exc:
                log.exception(
                    "event %s (inbox %s) could not be handled",
                    event.event_id,
                    entry.id,
                    extra={
                        "event_id": event.event_id,
                        "platform": event.channel.platform,
                        "channel": event.channel.channel_id,
                    },
                )
                await self._later(repo, entry, now, repr(exc))
                return 0
        return 0

    async def _later(self, repo: Unit, entry: InboxEntry, now: datetime, why: str) -> None:
        if entry.attempts >= ATTEMPTS:
            # Given up: the event stays in the inbox with its error for an operator, and
            # the person hears that their message was not carried out, not silence.
            await repo.inbox_done(entry.id, now, f"failed: {why}")
            person = getattr(entry.event, "person", None)
            if person is not None:
                language = await repo.spoken(entry.event.channel, person)
                with i18n.speaking(language):
                    text = _(
                        "Je bericht kon niet worden verwerkt; het is bewaard voor de beheerder. "
                        "Probeer het later nog eens."
                    )
                replies = reply_posts(entry.event, None, [Reply(person, text)])
                await repo.enqueue(None, replies, now, language=language)
        else:
            wait = timedelta(seconds=min(2**entry.attempts, 300))
            await repo.inbox_later(entry.id, now + wait, f"retrying: {why}")


def clean(event: InboundEvent) -> InboundEvent:
    """The event with lone surrogates in its text replaced by U+FFFD.

    A JSON body may carry ``\\ud800`` on its own; Python accepts it, but no database can
    store it as UTF-8, and an event that can never be kept would be refused (and
    redelivered) for ever. One unreadable character is better than a lost answer.
    """
    changes: dict[str, Any] = {
        name: _valid(value)
        for name, value in dataclasses.asdict(event).items()
        if isinstance(value, str) and _valid(value) != value
    }
    person = getattr(event, "person", None)
    if person is not None and _valid(person.name) != person.name:
        changes["person"] = dataclasses.replace(person, name=_valid(person.name))
    return dataclasses.replace(event, **changes) if changes else event


def _valid(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
