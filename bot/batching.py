"""Group commit: writes that arrive together share one transaction.

A commit costs a round trip and, on SQLite, a sync to disk; sixteen answers arriving at
once should not pay sixteen times. Whoever finds no write under way starts one; what
arrives while it runs waits for the next one, which starts as soon as the first ends.
Each caller still gets its own result, or the batch's error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    def __init__(
        self, write: Callable[[Sequence[Item]], Awaitable[Sequence[Result]]], limit: int = 100
    ) -> None:
        """``write`` stores a batch in one transaction and returns a result per item."""
        self.write = write
        self.limit = limit
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Result] = loop.create_future()
        self._waiting.append((item, done))
        if self._writing is None:
            self._writing = loop.create_task(self._write_all())
        return await done

    async def _write_all(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self.limit]
                self._waiting = self._waiting[self.limit :]
                try:
                    results = await self.write([item for item, _done in batch])
                except Exception as exc:
                    for _item, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                for (_item, done), result in zip(batch, results, strict=True):
                    if not done.done():
                        done.set_result(result)
        finally:
            self._writing = None
