"""When the next step is due: school days, the round's time of day and its time zone.

A school team answers one question a day, so a daily cadence counts school days: the
round's weekdays, minus Dutch public holidays and the dates the coordinator skips
(holidays). Shorter cadences (hours, minutes, seconds) are for a study day or a demo
and simply run on the clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from bot.i18n import _
from bot.model import RoundSettings
from bot.values import CommandError

_SEARCH_LIMIT_DAYS = 366 * 2


class NoSchoolDay(CommandError):
    """The cadence, weekdays and skipped dates leave too few school days within reach.

    Only a start command's choices can cause this (the parser's bounds make it
    unreachable for sensible dates), so it is a ``CommandError``: the person who typed
    them gets a sentence instead of the round failing silently.
    """

    def __init__(self, after: date) -> None:
        super().__init__(
            _(
                "Binnen twee jaar na {day} vallen te weinig schooldagen: kijk tempo=, dagen=, "
                "vrij= en begin= na."
            ).format(day=f"{after.day}-{after.month}-{after.year}")
        )


@cache
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_school_day(day: date, settings: RoundSettings) -> bool:
    return (
        day.weekday() in settings.weekdays
        and day not in settings.skip_dates
        and day not in _public_holidays(day.year)
    )


def next_due(after: datetime, settings: RoundSettings) -> datetime:
    """The moment one cadence after ``after`` (aware), in UTC."""
    cadence = settings.cadence
    if cadence.seconds:
        return after + timedelta(seconds=cadence.seconds)
    zone = ZoneInfo(settings.timezone)
    start = day = after.astimezone(zone).date()
    remaining = cadence.days
    try:
        for _n in range(_SEARCH_LIMIT_DAYS):
            day += timedelta(days=1)
            if is_school_day(day, settings):
                remaining -= 1
                if remaining == 0:
                    return datetime.combine(day, settings.time_of_day, zone).astimezone(UTC)
    except OverflowError:  # the end of the calendar
        pass
    raise NoSchoolDay(start)


REMINDER_TIME = time(15, 0)


def reminder_due(posted: datetime, closes: datetime, settings: RoundSettings) -> datetime:
    """When to remind people who have not answered a question that closes at ``closes``.

    With a daily cadence: at the end of the school day (15:00) on the last school day
    before it closes, when people can still answer the same day. Otherwise, or when that
    moment is not between posting and closing: three quarters of the way.
    """
    three_quarters = posted + (closes - posted) * 3 / 4
    if not settings.cadence.days:
        return three_quarters
    zone = ZoneInfo(settings.timezone)
    day = closes.astimezone(zone).date()
    for _n in range(_SEARCH_LIMIT_DAYS):
        day -= timedelta(days=1)
        if is_school_day(day, settings):
            break
    candidate = datetime.combine(day, REMINDER_TIME, zone).astimezone(UTC)
    return candidate if posted < candidate < closes else three_quarters


def first_due(begin: date, settings: RoundSettings) -> datetime:
    """The first school day on or after ``begin``, at the round's time of day."""
    zone = ZoneInfo(settings.timezone)
    day = begin
    try:
        for _n in range(_SEARCH_LIMIT_DAYS):
            if is_school_day(day, settings):
                return datetime.combine(day, settings.time_of_day, zone).astimezone(UTC)
            day += timedelta(days=1)
    except OverflowError:  # the end of the calendar
        pass
    raise NoSchoolDay(begin)


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))
