from datetime import date, time

import pytest

from bot.commands import Action, ActionCommand, CommandError, StartCommand, help_text, parse
from bot.model import Cadence


def test_start_with_every_option() -> None:
    cmd = parse(
        "start dialoogkaart rollen=1,3 vragen=2.4,1.1 tempo=4h tijd=8:30 dagen=ma,wo,vr "
        "vrij=2026-12-24..2026-12-26,01-01-2027 begin=2026-12-01 zone=Europe/Brussels anoniem"
    )
    assert cmd == StartCommand(
        card_id="dialoogkaart",
        roles=(1, 3),
        questions=("2.4", "1.1"),
        cadence=Cadence(seconds=4 * 3600),
        time_of_day=time(8, 30),
        weekdays=frozenset({0, 2, 4}),
        skip_dates=(date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)),
        timezone="Europe/Brussels",
        begin=date(2026, 12, 1),
        anonymous=True,
    )


def test_english_aliases_and_case() -> None:
    cmd = parse("START roles=2 questions=4.4 pace=30s time=07:05 days=mon-fri anonymous")
    assert isinstance(cmd, StartCommand)
    assert cmd.roles == (2,)
    assert cmd.questions == ("4.4",)
    assert cmd.cadence == Cadence(seconds=30)
    assert cmd.weekdays == frozenset(range(5))
    assert cmd.anonymous
    assert parse("Pause") == ActionCommand(Action.PAUSE)
    assert parse("samenvatting") == ActionCommand(Action.SUMMARY)
    assert parse("overslaan 2.4") == ActionCommand(Action.SKIP, "2.4")
    assert parse("herinneringen UIT") == ActionCommand(Action.REMINDERS, "off")
    assert parse("reminders on") == ActionCommand(Action.REMINDERS, "on")


def test_day_ranges_wrap_around_the_weekend() -> None:
    cmd = parse("start dagen=vr-ma")
    assert isinstance(cmd, StartCommand)
    assert cmd.weekdays == frozenset({4, 5, 6, 0})


def test_empty_command_is_help() -> None:
    assert parse("") == ActionCommand(Action.HELP)
    assert "samenvatting" in help_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("begin", "Onbekend commando ‘begin’. Mogelijk: start, status"),
        ("start tempo=snel", "gebruik dagen (1d), uren (4h), minuten (30m) of seconden (30s)"),
        ("start tempo=0s", "‘tempo=0s’ klopt niet"),
        ("start rollen=een", "geef rolnummers, bijvoorbeeld rollen=1,3"),
        ("start vragen=1-1", "geef vraagnummers, bijvoorbeeld vragen=1.1,2.4"),
        ("start tijd=25:00", "gebruik uu:mm"),
        ("start dagen=maandag,feestdag", "gebruik ma, di, wo, do, vr, za, zo"),
        ("start vrij=2026-12-31..2026-12-01", "een periode loopt van vroeg naar laat"),
        ("start vrij=31-02-2026", "is geen datum"),
        ("start zone=Mars/Olympus", "is geen tijdzone"),
        ("start snel=ja", "Onbekende optie ‘snel=ja’. Mogelijk bij start"),
        ("start tempo=1d tempo=2d", "staat er twee keer in"),
        ("start tijd=", "heeft geen waarde"),
        ("start kaart1 kaart2", "Onbekende optie ‘kaart2’"),
        ("pauze nu", "‘pauze’ heeft geen opties"),
        ("overslaan morgen", "hooguit één vraagnummer"),
        ("herinneringen", "Gebruik: herinneringen uit, of: herinneringen aan"),
        ("herinneringen misschien", "Gebruik: herinneringen uit"),
    ],
)
def test_bad_commands_say_what_is_wrong_and_what_is_allowed(text: str, expected: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert expected in str(caught.value)


def test_hostile_input_is_clipped_in_the_error() -> None:
    with pytest.raises(CommandError) as caught:
        parse("start " + "x=" + "<!channel>" * 5000)
    message = str(caught.value)
    assert len(message) < 400
    assert "…" in message


@pytest.mark.parametrize("text", ["1d", "4h", "30m", "45s", "90s", "2d"])
def test_cadence_round_trips(text: str) -> None:
    assert Cadence.parse(str(Cadence.parse(text))) == Cadence.parse(text)
