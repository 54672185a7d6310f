from datetime import UTC, date, datetime, time

import pytest

from adapters.local.channel import LocalChannel, person
from bot.commands import (
    Action,
    ActionCommand,
    OutcomeEdit,
    StartCommand,
    help_text,
    parse,
)
from bot.model import Cadence
from bot.values import CommandError


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


def test_the_outcome_is_edited_with_english_words_as_well() -> None:
    """An English round shows ``outcome action 1 when <date>``: those words work."""
    dutch = parse("uitkomst actie 2 wanneer 1-3-2027")
    english = parse("outcome action 2 when 1-3-2027")
    assert (
        dutch
        == english
        == ActionCommand(Action.OUTCOME, edit=OutcomeEdit("actie", 2, "by_when", date(2027, 3, 1)))
    )
    assert parse("outcome theme 1 remove") == parse("uitkomst thema 1 weg")
    assert parse("outcome core Time first.") == ActionCommand(
        Action.OUTCOME, edit=OutcomeEdit("kern", value="Time first.")
    )
    assert parse("outcome action 1 with the board") == parse("uitkomst actie 1 met the board")


def test_a_round_chooses_its_language_from_those_there_are() -> None:
    assert parse("start taal=EN") == StartCommand(language="en")
    assert parse("start language=nl") == StartCommand(language="nl")
    with pytest.raises(CommandError, match="Beschikbaar: taal=en, taal=nl"):
        parse("start taal=fr")


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


def test_a_card_is_chosen_by_kaart_or_by_its_bare_id() -> None:
    assert parse("start kaart=reactieronde tempo=1d") == StartCommand(
        card_id="reactieronde", cadence=Cadence(days=1)
    )
    assert parse("start card=Leercultuur") == StartCommand(card_id="leercultuur")
    assert parse("start reactieronde") == StartCommand(card_id="reactieronde")
    for twice in ("start reactieronde kaart=leercultuur", "start kaart=a kaart=b"):
        with pytest.raises(CommandError, match="staat er twee keer in"):
            parse(twice)
    with pytest.raises(CommandError, match="een kaart-id heeft kleine letters"):
        parse("start kaart=mijn_kaart")


def test_kaarten_lists_the_cards_and_help_says_so() -> None:
    assert parse("kaarten") == ActionCommand(Action.CARDS)
    assert parse("cards") == ActionCommand(Action.CARDS)
    assert "• kaarten — de kaarten die je kunt gebruiken" in help_text()
    assert "start [kaart=ID]" in help_text()
    with pytest.raises(CommandError, match="‘kaarten’ heeft geen opties"):
        parse("kaarten alle")


def test_hostile_input_is_clipped_in_the_error() -> None:
    with pytest.raises(CommandError) as caught:
        parse("start " + "x=" + "<!channel>" * 5000)
    message = str(caught.value)
    assert len(message) < 400
    assert "…" in message


@pytest.mark.parametrize("text", ["1d", "4h", "30m", "45s", "90s", "2d"])
def test_cadence_round_trips(text: str) -> None:
    assert Cadence.parse(str(Cadence.parse(text))) == Cadence.parse(text)


TOO_LONG = "is te lang: kies 1d tot 20d (schooldagen), of op de klok 1s tot 720h (30 dagen)"


@pytest.mark.parametrize("tempo", ["800d", "21d", "721h", "1000000h", "43201m", "2592001s"])
def test_a_cadence_beyond_the_bounds_says_what_is_allowed(tempo: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(f"start tempo={tempo}")
    assert str(caught.value) == f"‘tempo={tempo}’ {TOO_LONG}."


@pytest.mark.parametrize(
    ("tempo", "expected"),
    [
        ("20d", Cadence(days=20)),
        ("720h", Cadence(seconds=30 * 86400)),
        ("43200m", Cadence(seconds=30 * 86400)),
        ("1s", Cadence(seconds=1)),
    ],
)
def test_the_bounds_themselves_are_allowed(tempo: str, expected: Cadence) -> None:
    cmd = parse(f"start tempo={tempo}")
    assert isinstance(cmd, StartCommand)
    assert cmd.cadence == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("start tempo=" + "9" * 5000 + "d", "gebruik dagen (1d)"),
        ("start rollen=" + "9" * 5000, "geef rolnummers"),
        ("start rollen=1000", "geef rolnummers"),
        ("start rollen=²", "geef rolnummers"),
        ("start tijd=9", "gebruik uu:mm, bijvoorbeeld 09:00"),
        ("start dagen=,", "gebruik ma, di, wo, do, vr, za, zo"),
        ("start zone=localtime", "gebruik een naam als Europe/Amsterdam"),
        ("start vrij=2026-01-01..2027-01-03", "hooguit een jaar"),
        (
            "start vrij=2026-12-21..2027-01-01,2027-12-24",
            "alle vrije dagen samen liggen binnen een jaar; van 21-12-2026 tot 24-12-2027",
        ),
    ],
)
def test_out_of_bounds_values_get_a_sentence_not_an_exception(text: str, expected: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert expected in str(caught.value)
    assert len(str(caught.value)) < 400


def test_zones_are_known_iana_names_in_any_case() -> None:
    cmd = parse("start zone=europe/brussels")
    assert isinstance(cmd, StartCommand)
    assert cmd.timezone == "Europe/Brussels"


# 23:30 in UTC is already the next day in Amsterdam, and still the same day in New York.
LATE = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "begin"),
    [
        ("start begin=2026-11-24", date(2026, 11, 24)),
        ("start begin=24-11-2027", date(2027, 11, 24)),
        ("start begin=2026-11-23 zone=America/New_York", date(2026, 11, 23)),
    ],
)
def test_begin_may_be_today_up_to_a_year_ahead_in_the_rounds_zone(text: str, begin: date) -> None:
    cmd = parse(text, now=LATE)
    assert isinstance(cmd, StartCommand)
    assert cmd.begin == begin


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("start begin=2026-11-23", "Europe/Amsterdam"),
        ("start begin=2027-11-25", "Europe/Amsterdam"),
        ("start begin=2026-11-22 zone=America/New_York", "Europe/Amsterdam"),
        ("start begin=2026-11-23", "Asia/Tokyo"),
    ],
)
def test_begin_in_the_past_or_beyond_a_year_is_refused(text: str, zone: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text, now=LATE, timezone=zone)
    message = str(caught.value)
    assert "kan niet: kies een datum van vandaag (" in message
    assert "tot hooguit een jaar vooruit (" in message


def test_without_a_clock_begin_is_only_read() -> None:
    cmd = parse("start begin=2001-01-01")
    assert isinstance(cmd, StartCommand)
    assert cmd.begin == date(2001, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/dialoog start tempo=800d", f"‘tempo=800d’ {TOO_LONG}"),
        ("/dialoog start tempo=1000000h", f"‘tempo=1000000h’ {TOO_LONG}"),
        ("/dialoog start begin=9999-12-30 dagen=ma", "kies een datum van vandaag"),
    ],
)
async def test_a_start_beyond_the_bounds_is_answered_and_starts_nothing(
    channel: LocalChannel, text: str, expected: str
) -> None:
    await channel.say(person("Anna"), text)
    assert expected in channel.replies[-1].text
    assert channel.posted == []
