"""Pacing to the platforms' limits: the windows alone, and a Telegram round in one group
against a fake that refuses whatever goes over Telegram's published limits."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from adapters.pace import MARGIN, Pace, Window
from storage.db import Database
from tests.fake_limits import SlidingWindow, TelegramLimits
from tests.fake_telegram import GROUP
from tests.fakes import FakeClock
from tests.telegram_harness import open_telegram


class Virtual:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_window_lets_a_burst_through_then_waits_for_the_oldest_to_leave() -> None:
    window = Window(20, 60)
    assert [window.reserve("g", 0.0) for _ in range(20)] == [0.0] * 20
    assert window.reserve("g", 1.0) == pytest.approx(60 + MARGIN)
    assert window.reserve("other", 1.0) == 1.0  # each group has its own window
    assert window.reserve("g", 200.0) == 200.0  # long quiet: no wait


def test_reservations_never_put_more_than_the_limit_in_any_window() -> None:
    """Random arrivals (as concurrent senders make them): what was reserved, counted over
    every sliding window the way the fake platform counts arrivals, never goes over."""
    rng = random.Random(5)
    window = Window(30, 1)
    now, reserved = 0.0, []
    for _ in range(2_000):
        now += rng.expovariate(60)  # twice the rate the window allows
        reserved.append(window.reserve(None, now))
    assert reserved == sorted(reserved)
    counter = SlidingWindow(30, 1.0)
    assert all(counter.wait(None, at) == 0 for at in reserved)
    # and it is not slower than it must be: the limit's own pace, give or take the margin
    assert reserved[-1] <= 2_000 / 30 * (1 + MARGIN) + 1


async def test_a_message_waits_for_its_group_first_then_for_the_bot_overall() -> None:
    virtual = Virtual()
    group = Window(1, 60)
    pace = Pace(
        Window(2, 1),
        lambda chat: group if chat == "-1" else None,
        sleep=virtual.sleep,
        clock=lambda: virtual.now,
    )
    await asyncio.gather(*(pace.wait("5") for _ in range(3)))  # private chats: overall only
    assert virtual.slept == [pytest.approx(1 + MARGIN)]
    virtual.slept.clear()
    await pace.wait("-1")  # the group's first: the overall window has room again
    await pace.wait("-1")  # its second: a minute later
    assert virtual.slept == [pytest.approx(60 + MARGIN)]


async def test_a_round_in_one_group_keeps_to_telegrams_limits(
    db: Database, clock: FakeClock
) -> None:
    """More than 20 messages in one group within the fake minute: each goes once, none is
    refused, and the 21st waited for a minute (on the harness's recorded, unslept waits)."""
    async with open_telegram(db, clock) as t:
        t.fake.limits = TelegramLimits(clock=lambda: time.monotonic() + sum(t.waits))
        await t.say("anna", "/dialoog start tempo=5s")
        while not t.fake.of("sendDocument"):
            await t.step()
        sent = [m for m, args in t.fake.calls if str(args.get("chat_id")) == str(GROUP)]
        assert len([m for m in sent if m.startswith("send")]) > 20
        assert not [m for m in sent if m.endswith(":429")]
        assert t.fake.limits.refused == 0
        assert max(t.waits) > 55  # the 21st message in the group waited out the minute


async def test_without_pacing_the_fake_refuses_the_21st_message() -> None:
    """The fake's count is the check on the pacing above: it does refuse a burst."""
    limits = TelegramLimits(clock=lambda: 0.0)
    answers = [limits.retry_after("sendMessage", str(GROUP)) for _ in range(21)]
    assert answers[:20] == [None] * 20
    assert answers[20] == 60
