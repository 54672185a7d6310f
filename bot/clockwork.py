"""The clock's side of the service: step the rounds that are due, and let a round count
from when its question actually arrived.

The scheduler calls ``tick`` on every wake. Due rounds are claimed in one statement and
stepped in chunks, one transaction per chunk, so a Monday morning with thousands of
rounds due costs tens of commits, not thousands; a chunk that fails is stepped round by
round, so one broken round never holds the others.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from bot import engine, i18n
from bot.clock import Clock
from bot.delivery import resolve
from bot.model import Round
from bot.outbound import Post
from bot.store import ConcurrentUpdate, Purged, Store
from dialogues.cards import Card

log = logging.getLogger(__name__)
T = TypeVar("T")

EVENT_MEMORY = timedelta(days=2)
# replies to commands (no round) and people no round refers to any more
MESSAGE_MEMORY = timedelta(days=30)
PURGE_EVERY = timedelta(hours=1)
LAGGING_RETRY = timedelta(seconds=2)
TICK_CHUNK = 50
_ATTEMPTS = 5


class Clockwork:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        cards: Callable[[str], Card],
        lease: timedelta,
        *,
        retention: timedelta = timedelta(days=365),
    ) -> None:
        """``retention``: the installation's; a round is kept no longer than it (nor than
        the retention its own welcome stated) after it ends, with all its answers."""
        self.store = store
        self.clock = clock
        self.cards = cards
        self.lease = lease
        self.retention = retention
        self._purged_at: datetime | None = None

    async def tick(self) -> int:
        """Advance every round with something due; returns how many said something."""
        now = self.clock.now()
        async with self.store.transaction() as repo:
            due = await repo.claim_due(now, self.lease)
            await repo.forget_events(now - EVENT_MEMORY)
        advanced = 0
        for start in range(0, len(due), TICK_CHUNK):
            chunk = due[start : start + TICK_CHUNK]
            try:
                advanced += await self._tick_rounds(chunk)
                continue
            except Exception:
                log.info("a chunk of due rounds failed; stepping them one by one")
            for round_id in chunk:
                try:
                    advanced += await retrying(partial(self._tick_rounds, [round_id]))
                except Exception:
                    # Its lease expires and the next tick tries it again.
                    log.exception(
                        "round %s could not be advanced", round_id, extra={"round_id": round_id}
                    )
        await self._purge_hourly(now)
        return advanced

    async def _purge_hourly(self, now: datetime) -> None:
        """After the rounds are stepped, and never in their way: a purge that fails is
        tried again an hour later, and deleting late loses nothing."""
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = now
        try:
            purged = await self.purge()
        except Exception:
            log.exception("retention: the purge failed; it runs again in an hour")
            return
        if purged.rounds or purged.messages or purged.persons:
            log.info(
                "retention: deleted %s ended rounds, %s messages, %s people",
                purged.rounds, purged.messages, purged.persons,
            )  # fmt: skip

    async def purge(self, *, dry_run: bool = False) -> Purged:
        """Delete ended rounds whose welcome's retention is over (or the installation's, if
        it was lowered since), with everything on them, and round-less messages and people
        nothing refers to after ``MESSAGE_MEMORY``."""
        async with self.store.transaction() as repo:
            return await repo.purge(
                self.clock.now(),
                rounds_after=self.retention,
                messages_after=min(MESSAGE_MEMORY, self.retention),
                dry_run=dry_run,
            )

    async def _tick_rounds(self, round_ids: list[int]) -> int:
        """Step a chunk of rounds in one transaction, written set-based."""
        now = self.clock.now()
        saved: list[tuple[Round, Round]] = []
        # by the language each round speaks: adapters render the messages in it
        queued: dict[str | None, list[tuple[int | None, Post]]] = defaultdict(list)
        async with self.store.transaction() as repo:
            rounds = await repo.get_many(round_ids)
            lagging = await repo.undelivered_many(list(rounds.values()))
            for round_id in round_ids:
                if round_id in lagging:
                    # The round follows its delivery: nothing new while the channel lags.
                    await repo.release_round(round_id, now + LAGGING_RETRY)
                elif round_id in rounds:
                    rnd = rounds[round_id]
                    if engine.needs_answers(rnd, now):
                        full = await repo.get(round_id)
                        assert full is not None
                        rnd = full
                    language = rnd.settings.language
                    with i18n.speaking(language):
                        outcome = engine.tick(rnd, now, self.cards(rnd.settings.card_id))
                    if outcome.round is not None and outcome.round is not rnd:
                        saved.append((rnd, outcome.round))
                    posts = await resolve(repo, list(outcome.posts))
                    queued[language] += [(round_id, post) for post in posts]
            await repo.save_many(saved)
            for language, batch in queued.items():
                await repo.enqueue_many(batch, now, language=language)
        return len({round_id for batch in queued.values() for round_id, _post in batch})

    async def question_sent(self, round_id: int, step_index: int, at: datetime) -> None:
        """The question reached its channel at ``at``: count the step's window from there."""

        async def rebase() -> None:
            async with self.store.transaction() as repo:
                rnd = await repo.get(round_id, message_id="")
                if rnd is None:
                    return
                after = engine.delivered(rnd, step_index, at)
                if after is not rnd:
                    await repo.save(rnd, after)

        await retrying(rebase)


async def retrying(work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` again when another writer changed the round first."""
    for attempt in range(_ATTEMPTS):
        try:
            return await work()
        except ConcurrentUpdate:
            if attempt == _ATTEMPTS - 1:
                raise
            log.info("round changed underneath us; trying again")
    raise AssertionError("unreachable")
