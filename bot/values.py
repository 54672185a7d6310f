"""What a value in a command or a setting may be: dates, times, cadences, time zones,
role and question numbers, and the rest of what ``/dialoog start`` takes.

The start options, the verbs that take a value (``sluit``, ``vrij``, ``actie … wanneer``)
and the ``DIALOOGBOT_*`` defaults all read their values here, so a value is refused in
the same words wherever it is typed. Every value is bounded, because a value no one means
(a step every 800 school days, a round beginning in ten years) would otherwise surface
much later as an error nobody can connect to what was typed.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from functools import cache
from zoneinfo import available_timezones

from bot import i18n
from bot.i18n import _
from bot.model import Cadence

# reminders in a network round: at most one per this many school days
MAX_REMIND_EVERY = 20
ONOFF = {"aan": "on", "on": "on", "uit": "off", "off": "off"}

DAY_NAMES: dict[str, int] = {
    "ma": 0, "maandag": 0, "mon": 0, "monday": 0,
    "di": 1, "dinsdag": 1, "tue": 1, "tuesday": 1,
    "wo": 2, "woensdag": 2, "wed": 2, "wednesday": 2,
    "do": 3, "donderdag": 3, "thu": 3, "thursday": 3,
    "vr": 4, "vrijdag": 4, "fri": 4, "friday": 4,
    "za": 5, "zaterdag": 5, "sat": 5, "saturday": 5,
    "zo": 6, "zondag": 6, "sun": 6, "sunday": 6,
}  # fmt: skip

_QUESTION = re.compile(r"^[1-9][0-9]*\.[1-9][0-9]*$")
CARD_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_ROLE = re.compile(r"^[1-9][0-9]{0,2}$")
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
# One school year's holidays fit in a year. Keeping every skipped date of a round within
# one year also leaves each two-year window enough school days for any allowed cadence.
_MAX_SKIP_SPAN = timedelta(days=366)
DEFAULT_TIMEZONE = "Europe/Amsterdam"
# Files in the zone database that are not zones a school is in.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


class CommandError(ValueError):
    """A command that cannot be carried out; ``str()`` is the message for the user."""


REVIEW_OFF = "off"


def check_closes(closes: date, today: date, begin: object = None) -> None:
    """A closing date lies after today (and after the beginning), within a year."""
    first = begin if isinstance(begin, date) and begin > today else today
    last = _a_year_after(today)
    if not first < closes <= last:
        raise CommandError(
            _(
                "‘sluit={value}’ kan niet: kies een datum na {first} en hooguit een jaar "
                "vooruit ({last})."
            ).format(value=_dutch_date(closes), first=_dutch_date(first), last=_dutch_date(last))
        )


def check_begin(begin: date, today: date) -> None:
    last = _a_year_after(today)
    if not today <= begin <= last:
        raise CommandError(
            _(
                "‘begin={value}’ kan niet: kies een datum van vandaag ({today}) tot hooguit een "
                "jaar vooruit ({last})."
            ).format(value=_dutch_date(begin), today=_dutch_date(today), last=_dutch_date(last))
        )


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _dutch_date(day: date) -> str:
    return f"{day.day}-{day.month}-{day.year}"


def _shown(option: str, value: str) -> str:
    """How to echo a value: as typed in a command (``tempo=4h``), or bare for a setting."""
    return clip(f"{option}={value}" if option else value)


def parse_roles(value: str) -> tuple[int, ...]:
    parts = [p for p in value.split(",") if p]
    if not parts or not all(_ROLE.match(p) for p in parts):
        raise CommandError(
            _("‘rollen={value}’ klopt niet: geef rolnummers, bijvoorbeeld rollen=1,3").format(
                value=clip(value)
            )
        )
    return tuple(dict.fromkeys(int(p) for p in parts))


def parse_questions(value: str) -> tuple[str, ...]:
    parts = [p for p in value.split(",") if p]
    if not parts or not all(_QUESTION.match(p) for p in parts):
        raise CommandError(
            _("‘vragen={value}’ klopt niet: geef vraagnummers, bijvoorbeeld vragen=1.1,2.4").format(
                value=clip(value)
            )
        )
    return tuple(dict.fromkeys(parts))


def parse_cadence(value: str, option: str = "tempo") -> Cadence:
    """``tempo=``, bounded by ``Cadence.allowed``; ``option=""`` for a setting's messages."""
    try:
        cadence = Cadence.parse(value)
    except ValueError:
        raise CommandError(
            _(
                "‘{value}’ klopt niet: gebruik dagen (1d), uren (4h), minuten (30m) "
                "of seconden (30s)."
            ).format(value=_shown(option, value))
        ) from None
    if not cadence.allowed:
        raise CommandError(
            _(
                "‘{value}’ is te lang: kies 1d tot {days}d (schooldagen), of op de klok 1s "
                "tot {hours}h ({clock_days} dagen)."
            ).format(
                value=_shown(option, value),
                days=Cadence.MAX_DAYS,
                hours=Cadence.MAX_SECONDS // 3600,
                clock_days=Cadence.MAX_SECONDS // 86400,
            )
        )
    return cadence


def parse_time(value: str, option: str = "tijd") -> time:
    match = _TIME.match(value)
    if not match:
        raise CommandError(
            _("‘{value}’ klopt niet: gebruik uu:mm, bijvoorbeeld 09:00").format(
                value=_shown(option, value)
            )
        )
    return time(int(match[1]), int(match[2]))


def parse_weekdays(value: str, option: str = "dagen") -> frozenset[int]:
    days: set[int] = set()
    for part in value.casefold().split(","):
        first, dash, last = part.partition("-")
        if first not in DAY_NAMES or (dash and last not in DAY_NAMES):
            raise CommandError(
                _(
                    "‘{value}’ klopt niet: gebruik ma, di, wo, do, vr, za, zo, "
                    "bijvoorbeeld ma-vr of ma,wo,vr"
                ).format(value=_shown(option, value))
            )
        start = DAY_NAMES[first]
        end = DAY_NAMES[last] if dash else start
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
    return frozenset(days)


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{4})", value)
    if match:
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            pass
    raise CommandError(
        _("‘{value}’ is geen datum: gebruik jjjj-mm-dd of dd-mm-jjjj.").format(value=clip(value))
    )


def parse_skip_dates(value: str) -> tuple[date, ...]:
    dates: list[date] = []
    for part in (p for p in value.split(",") if p):
        first, dots, last = part.partition("..")
        start = parse_date(first)
        end = parse_date(last) if dots else start
        if end < start or end - start > _MAX_SKIP_SPAN:
            raise CommandError(
                _(
                    "‘vrij={value}’ klopt niet: een periode loopt van vroeg naar laat en duurt "
                    "hooguit een jaar, bijvoorbeeld vrij=2026-12-21..2027-01-01"
                ).format(value=clip(part))
            )
        dates.extend(start + timedelta(days=n) for n in range((end - start).days + 1))
        if max(dates) - min(dates) > _MAX_SKIP_SPAN:
            raise CommandError(
                _(
                    "‘vrij={value}’ klopt niet: alle vrije dagen samen liggen binnen een jaar; "
                    "van {first} tot {last} is langer."
                ).format(
                    value=clip(value), first=_dutch_date(min(dates)), last=_dutch_date(max(dates))
                )
            )
    return tuple(sorted(set(dates)))


@cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones() - _NOT_ZONES}


def parse_zone(value: str, option: str = "zone") -> str:
    """An IANA zone name, in its own spelling whatever the case it was typed in."""
    name = _zones().get(value.casefold())
    if name is None:
        raise CommandError(
            _(
                "‘{value}’ is geen tijdzone; gebruik een naam als Europe/Amsterdam of "
                "Europe/Brussels"
            ).format(value=_shown(option, value))
        )
    return name


def parse_review(value: str, option: str = "controle") -> Cadence | str:
    """``controle=2d`` (school days for the group to check), or ``controle=uit``."""
    if ONOFF.get(value.casefold()) == "off":
        return REVIEW_OFF
    return parse_cadence(value, option)


def parse_card_id(value: str) -> str:
    """A card's id as cards spell it; whether the card exists, the card list decides."""
    folded = value.casefold()
    if not CARD_ID.fullmatch(folded):
        raise CommandError(
            _(
                "‘kaart={value}’ klopt niet: een kaart-id heeft kleine letters, cijfers en "
                "streepjes, bijvoorbeeld kaart=reactieronde. De kaarten: /dialoog kaarten"
            ).format(value=clip(value))
        )
    return folded


def parse_language(value: str) -> str:
    folded = value.casefold()
    if folded not in i18n.available():
        raise CommandError(
            _("‘taal={value}’ ken ik niet. Beschikbaar: {languages}.").format(
                value=clip(value),
                languages=", ".join(f"taal={code}" for code in i18n.available()),
            )
        )
    return folded


def parse_remind_every(value: str) -> int:
    match = re.fullmatch(r"([1-9][0-9]?)d", value.casefold())
    if match is None or int(match[1]) > MAX_REMIND_EVERY:
        raise CommandError(
            _(
                "‘herinner={value}’ klopt niet: om de hoeveel schooldagen hooguit een "
                "herinnering, 1d tot {max}d, bijvoorbeeld herinner=3d"
            ).format(value=clip(value), max=MAX_REMIND_EVERY)
        )
    return int(match[1])


def parse_hours(value: str) -> tuple[time, time]:
    first, dash, last = value.partition("-")
    try:
        if not dash:
            raise CommandError("")
        start, end = parse_time(first), parse_time(last)
    except CommandError:
        raise CommandError(
            _("‘uren={value}’ klopt niet: gebruik van-tot, bijvoorbeeld uren=08:00-18:00").format(
                value=clip(value)
            )
        ) from None
    if not start < end:
        raise CommandError(
            _("‘uren={value}’ klopt niet: het begin ligt voor het eind.").format(value=clip(value))
        )
    return start, end


def is_step_ref(word: str) -> bool:
    return bool(_QUESTION.match(word))


def clip(text: str, limit: int = 40) -> str:
    """Keep echoed user input short; adapters escape it, this keeps replies readable."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
