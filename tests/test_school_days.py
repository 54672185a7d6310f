from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.model import Cadence, RoundSettings
from bot.school_days import NoSchoolDay, first_due, is_school_day, next_due
from bot.values import CommandError

AMS = ZoneInfo("Europe/Amsterdam")
DAILY = RoundSettings(card_id="dialoogkaart")


def test_friday_is_followed_by_monday() -> None:
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=AMS)
    assert next_due(friday, DAILY) == datetime(2026, 11, 30, 9, 0, tzinfo=AMS)


def test_dutch_public_holidays_are_not_school_days() -> None:
    assert not is_school_day(date(2026, 12, 25), DAILY)  # Eerste Kerstdag
    assert not is_school_day(date(2027, 4, 27), DAILY)  # Koningsdag
    thursday = datetime(2026, 12, 24, 9, 0, tzinfo=AMS)
    assert next_due(thursday, DAILY) == datetime(2026, 12, 28, 9, 0, tzinfo=AMS)


def test_skipped_dates_and_weekdays_count() -> None:
    settings = RoundSettings(
        card_id="dialoogkaart",
        weekdays=frozenset({0, 2}),  # Monday and Wednesday
        skip_dates=(date(2026, 11, 25),),
        time_of_day=time(13, 15),
    )
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=AMS)
    assert next_due(monday, settings) == datetime(2026, 11, 30, 13, 15, tzinfo=AMS)


def test_every_other_school_day() -> None:
    settings = RoundSettings(card_id="dialoogkaart", cadence=Cadence(days=2))
    thursday = datetime(2026, 11, 26, 9, 0, tzinfo=AMS)
    assert next_due(thursday, settings) == datetime(2026, 11, 30, 9, 0, tzinfo=AMS)


def test_time_of_day_holds_across_daylight_saving() -> None:
    friday = datetime(2026, 3, 27, 9, 0, tzinfo=AMS)  # clocks go forward on Sunday 29 March
    due = next_due(friday, DAILY)
    assert due.astimezone(AMS).time() == time(9, 0)
    assert due - friday == timedelta(days=3, hours=-1)


def test_short_cadences_run_on_the_clock_through_weekends() -> None:
    settings = RoundSettings(card_id="dialoogkaart", cadence=Cadence(seconds=30))
    saturday = datetime(2026, 11, 28, 23, 59, 50, tzinfo=AMS)
    assert next_due(saturday, settings) == saturday + timedelta(seconds=30)


def test_first_due_moves_a_begin_on_a_holiday_to_the_next_school_day() -> None:
    assert first_due(date(2026, 12, 25), DAILY) == datetime(2026, 12, 28, 9, 0, tzinfo=AMS)


def test_the_longest_allowed_cadence_always_finds_its_day() -> None:
    # The worst a start command may ask: 20 school days, Mondays only, and a year of
    # skipped dates right after the step (the most vrij= allows in all).
    start = date(2026, 11, 23)
    settings = RoundSettings(
        card_id="dialoogkaart",
        cadence=Cadence(days=Cadence.MAX_DAYS),
        weekdays=frozenset({0}),
        skip_dates=tuple(start + timedelta(days=n) for n in range(367)),
    )
    due = next_due(datetime.combine(start, time(9), AMS), settings)
    assert due.astimezone(AMS).weekday() == 0
    assert due.date() > start + timedelta(days=366)


def test_no_school_day_in_reach_is_a_sentence_for_the_person_who_chose_it() -> None:
    mondays = RoundSettings(card_id="dialoogkaart", weekdays=frozenset({0}))
    with pytest.raises(NoSchoolDay) as caught:
        first_due(date(9999, 12, 30), mondays)
    assert str(caught.value) == (
        "Binnen twee jaar na 30-12-9999 vallen te weinig schooldagen: kijk tempo=, dagen=, "
        "vrij= en begin= na."
    )
    assert isinstance(caught.value, CommandError)
    stored_before_the_bounds = RoundSettings(card_id="dialoogkaart", cadence=Cadence(days=800))
    with pytest.raises(NoSchoolDay):
        next_due(datetime(2026, 11, 23, 9, 0, tzinfo=AMS), stored_before_the_bounds)
