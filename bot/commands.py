"""One grammar for ``/dialoog …`` on every platform, with errors that teach the grammar.

Coordinators type these in a chat box, often on a phone, so parsing is forgiving where it
can be (Dutch and English words, any case, ``ma-vr`` or ``ma,di,wo``) and precise where it
cannot: every error says what was wrong and what is allowed, in one short message.

This module is the grammar: the verbs, the options of ``start``, and how they combine.
What each value may be (a date, a cadence, a zone, role numbers) is ``bot.values``, which
the ``DIALOOGBOT_*`` defaults read as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.i18n import N_, _
from bot.model import Cadence
from bot.values import (
    CARD_ID,
    DEFAULT_TIMEZONE,
    ONOFF,
    CommandError,
    check_begin,
    check_closes,
    clip,
    is_step_ref,
    parse_cadence,
    parse_card_id,
    parse_date,
    parse_hours,
    parse_language,
    parse_questions,
    parse_remind_every,
    parse_review,
    parse_roles,
    parse_skip_dates,
    parse_time,
    parse_weekdays,
    parse_zone,
)


class Action(StrEnum):
    STATUS = "status"
    PAUSE = "pause"
    RESUME = "resume"
    NEXT = "next"
    SKIP = "skip"
    SUMMARY = "summary"
    STOP = "stop"
    REMINDERS = "reminders"
    HELP = "help"
    OUTCOME = "outcome"
    PROPOSE = "propose"
    PUBLISH = "publish"
    VERDICT = "verdict"
    FOLLOWUP = "followup"
    JOIN = "join"
    CONTINUE = "continue"
    CLOSE = "close"
    FREE = "free"
    CARDS = "cards"
    MY_DATA = "my-data"
    FORGET_ME = "forget-me"


VERBS: dict[str, Action | None] = {
    "start": None,
    "status": Action.STATUS,
    "pauze": Action.PAUSE,
    "pause": Action.PAUSE,
    "hervat": Action.RESUME,
    "resume": Action.RESUME,
    "volgende": Action.NEXT,
    "next": Action.NEXT,
    "overslaan": Action.SKIP,
    "skip": Action.SKIP,
    "samenvatting": Action.SUMMARY,
    "summary": Action.SUMMARY,
    "stop": Action.STOP,
    "herinneringen": Action.REMINDERS,
    "reminders": Action.REMINDERS,
    "help": Action.HELP,
    "hulp": Action.HELP,
    "uitkomst": Action.OUTCOME,
    "outcome": Action.OUTCOME,
    "voorleggen": Action.PROPOSE,
    "propose": Action.PROPOSE,
    "publiceer": Action.PUBLISH,
    "publish": Action.PUBLISH,
    "klopt": Action.VERDICT,
    "agree": Action.VERDICT,
    "aanvulling": Action.VERDICT,
    "addition": Action.VERDICT,
    "bezwaar": Action.VERDICT,
    "objection": Action.VERDICT,
    "terugblik": Action.FOLLOWUP,
    "followup": Action.FOLLOWUP,
    "doe-mee": Action.JOIN,
    "doemee": Action.JOIN,
    "join": Action.JOIN,
    "verder": Action.CONTINUE,
    "continue": Action.CONTINUE,
    "sluit": Action.CLOSE,
    "close": Action.CLOSE,
    "vrij": Action.FREE,
    "days-off": Action.FREE,
    "kaarten": Action.CARDS,
    "cards": Action.CARDS,
    "mijngegevens": Action.MY_DATA,
    "my-data": Action.MY_DATA,
    "mydata": Action.MY_DATA,
    "vergeetmij": Action.FORGET_ME,
    "forget-me": Action.FORGET_ME,
    "forgetme": Action.FORGET_ME,
}
# the word that confirms ``vergeetmij``: erasing cannot be undone, so it is asked for twice
CONFIRM = "zeker"
CONFIRM_WORDS = frozenset({CONFIRM, "bevestig", "sure", "confirm"})
# verdict words -> VerdictKind values
VERDICT_WORDS = {
    "klopt": "klopt",
    "agree": "klopt",
    "aanvulling": "aanvulling",
    "addition": "aanvulling",
    "bezwaar": "bezwaar",
    "objection": "bezwaar",
}
# what a coordinator may change in the outcome's draft, and the parts of an action row
OUTCOME_FIELDS = {
    "kern": "kern", "droom": "droom", "thema": "thema", "actie": "actie",
    "core": "kern", "dream": "droom", "theme": "thema", "action": "actie",
}  # fmt: skip
ACTION_PARTS = {
    "wat": "what", "met": "with_whom", "oplevert": "yields", "wanneer": "by_when",
    "what": "what", "with": "with_whom", "yields": "yields", "when": "by_when",
}  # fmt: skip
REMOVE_WORDS = frozenset({"weg", "remove"})
NONE_WORDS = frozenset({"", "geen", "none"})
# Free text the coordinator or a participant writes is kept as typed, up to this length;
# an outcome is read on a phone, and a paragraph is what a field of it can hold.
MAX_REMARK = 2000

# option word -> StartCommand field
OPTIONS: dict[str, str] = {
    "kaart": "card_id",
    "card": "card_id",
    "rollen": "roles",
    "roles": "roles",
    "vragen": "questions",
    "questions": "questions",
    "tempo": "cadence",
    "pace": "cadence",
    "cadence": "cadence",
    "tijd": "time_of_day",
    "time": "time_of_day",
    "dagen": "weekdays",
    "days": "weekdays",
    "vrij": "skip_dates",
    "skip": "skip_dates",
    "zone": "timezone",
    "tz": "timezone",
    "begin": "begin",
    "from": "begin",
    "controle": "review",
    "review": "review",
    "sluit": "closes",
    "closes": "closes",
    "herinner": "remind_every",
    "remind": "remind_every",
    "uren": "hours",
    "hours": "hours",
    "taal": "language",
    "language": "language",
    "lang": "language",
}
ANONYMOUS_WORDS = {"anoniem", "anonymous"}
NETWORK_WORDS = {"netwerk", "network"}
OWN_FIRST_WORDS = {"eerst-zelf", "own-first"}


@dataclass(frozen=True, slots=True)
class StartCommand:
    card_id: str | None = None
    roles: tuple[int, ...] = ()
    questions: tuple[str, ...] = ()
    cadence: Cadence | None = None
    time_of_day: time | None = None
    weekdays: frozenset[int] | None = None
    skip_dates: tuple[date, ...] = ()
    timezone: str | None = None
    begin: date | None = None
    anonymous: bool = False
    # the check window; REVIEW_OFF for a round whose summary is published at once
    review: Cadence | str | None = None
    network: bool = False
    closes: date | None = None
    remind_every: int | None = None
    hours: tuple[time, time] | None = None
    own_first: bool = False
    # the round's language (``taal=en``); None: the card's when one is named, else the
    # installation's
    language: str | None = None


@dataclass(frozen=True, slots=True)
class OutcomeEdit:
    """One change to the outcome's draft: ``uitkomst kern …``, ``uitkomst actie 2 wanneer …``.

    ``field`` is kern, droom, thema or actie; ``index`` counts from 1 as shown;
    ``part`` is an action row's field (what, with_whom, yields, by_when) or "remove";
    ``value`` is the new text (a date for by_when), None to clear.
    """

    field: str
    index: int | None = None
    part: str | None = None
    value: str | date | None = None


@dataclass(frozen=True, slots=True)
class ActionCommand:
    action: Action
    argument: str | None = None
    text: str = ""
    edit: OutcomeEdit | None = None


Command = StartCommand | ActionCommand


def parse(text: str, *, now: datetime | None = None, timezone: str = DEFAULT_TIMEZONE) -> Command:
    """Read one command; ``CommandError`` says what was wrong and what is allowed.

    ``now`` (aware) lets ``begin=`` be checked against today in the round's zone: the
    zone the command names, else ``timezone`` (the default rounds get). Without it the
    parser stays clock-free and ``begin=`` is only checked for being a date.
    """
    words = text.split()
    if not words:
        return ActionCommand(Action.HELP)
    verb, rest = words[0].casefold(), words[1:]
    if verb not in VERBS:
        raise CommandError(
            _("Onbekend commando ‘{verb}’. Mogelijk: {verbs}.").format(
                verb=clip(words[0]), verbs=_verb_list()
            )
        )
    action = VERBS[verb]
    if action is None:
        return _parse_start(rest, now=now, timezone=timezone)
    if action is Action.VERDICT:
        return _parse_verdict(verb, _after_verb(text))
    if action is Action.FOLLOWUP:
        return _parse_followup(rest)
    if action is Action.CLOSE:
        if len(rest) > 1:
            raise CommandError(_("Gebruik: sluit (nu), of sluit JJJJ-MM-DD (een andere datum)."))
        return ActionCommand(action, parse_date(rest[0]).isoformat() if rest else None)
    if action is Action.FREE:
        if len(rest) != 1:
            raise CommandError(
                _("Gebruik: vrij JJJJ-MM-DD of vrij JJJJ-MM-DD..JJJJ-MM-DD (en met komma's).")
            )
        days = parse_skip_dates(rest[0])
        return ActionCommand(action, ",".join(d.isoformat() for d in days))
    if action is Action.OUTCOME:
        return ActionCommand(action, edit=_parse_edit(_after_verb(text)) if rest else None)
    if action is Action.REMINDERS:
        switch = rest[0].casefold() if len(rest) == 1 else ""
        if switch not in ONOFF:
            raise CommandError(_("Gebruik: herinneringen uit, of: herinneringen aan"))
        return ActionCommand(action, ONOFF[switch])
    if action is Action.FORGET_ME and rest:
        if len(rest) > 1 or rest[0].casefold() not in CONFIRM_WORDS:
            raise CommandError(
                _(
                    "Gebruik: vergeetmij (dan zeg ik eerst wat er gewist wordt), daarna "
                    "vergeetmij {confirm}."
                ).format(confirm=confirm_word())
            )
        return ActionCommand(action, CONFIRM)
    if action is Action.SKIP:
        if len(rest) > 1 or (rest and not is_step_ref(rest[0])):
            raise CommandError(
                _("‘overslaan’ neemt hooguit één vraagnummer, bijvoorbeeld: overslaan 2.4")
            )
        return ActionCommand(action, rest[0].casefold() if rest else None)
    if rest:
        raise CommandError(
            _("‘{verb}’ heeft geen opties; laat ‘{extra}’ weg.").format(
                verb=verb, extra=clip(" ".join(rest))
            )
        )
    return ActionCommand(action)


def _parse_start(words: list[str], *, now: datetime | None, timezone: str) -> StartCommand:
    values: dict[str, object] = {}
    card_id: str | None = None
    anonymous = False
    flags: dict[str, bool] = {}
    for word in words:
        key, sep, value = word.partition("=")
        folded = key.casefold()
        if not sep:
            if folded in ANONYMOUS_WORDS:
                anonymous = True
            elif folded in NETWORK_WORDS:
                flags["network"] = True
            elif folded in OWN_FIRST_WORDS:
                flags["own_first"] = True
            elif card_id is None and "card_id" not in values and CARD_ID.fullmatch(folded):
                card_id = folded
            else:
                raise CommandError(_unknown_option(word))
            continue
        if folded not in OPTIONS:
            raise CommandError(_unknown_option(word))
        name = OPTIONS[folded]
        if name in values or (name == "card_id" and card_id is not None):
            raise CommandError(_("De optie ‘{key}’ staat er twee keer in.").format(key=key))
        if not value:
            raise CommandError(_("De optie ‘{key}’ heeft geen waarde.").format(key=key))
        values[name] = _PARSERS[name](value)
    if "card_id" in values:
        card_id = str(values.pop("card_id"))
    begin = values.get("begin")
    zone = values.get("timezone", timezone)
    assert isinstance(zone, str)
    if now is not None and isinstance(begin, date):
        check_begin(begin, now.astimezone(ZoneInfo(zone)).date())
    network = flags.get("network", False)
    closes = values.get("closes")
    if network and closes is None:
        raise CommandError(
            _(
                "Een netwerkronde sluit op een datum: voeg sluit=JJJJ-MM-DD toe, "
                "bijvoorbeeld sluit=2026-12-18."
            )
        )
    if not network:
        for option in ("closes", "remind_every", "hours"):
            if option in values:
                raise CommandError(
                    _("‘{key}=’ hoort bij een netwerkronde: zet ‘netwerk’ erbij.").format(
                        key={"closes": "sluit", "remind_every": "herinner", "hours": "uren"}[option]
                    )
                )
    if now is not None and isinstance(closes, date):
        check_closes(closes, now.astimezone(ZoneInfo(zone)).date(), begin)
    return StartCommand(
        card_id=card_id,
        anonymous=anonymous,
        network=network,
        own_first=flags.get("own_first", False),
        **values,  # type: ignore[arg-type]
    )


# A follow-up is asked within half a year: later, the actions belong to another round.
FOLLOWUP_DEFAULT = timedelta(weeks=6)
_MAX_FOLLOWUP = timedelta(weeks=26)


def _parse_followup(words: list[str]) -> ActionCommand:
    """``terugblik`` (in six weeks) or ``terugblik over=6w`` / ``over=10d`` (calendar)."""
    if not words:
        return ActionCommand(Action.FOLLOWUP, str(FOLLOWUP_DEFAULT.days))
    key, sep, value = words[0].partition("=")
    match = re.fullmatch(r"([1-9][0-9]{0,2})([wd])", value.casefold())
    if len(words) > 1 or not sep or key.casefold() not in ("over", "in") or match is None:
        raise CommandError(
            _("Gebruik: terugblik, of terugblik over=6w (weken) of over=10d (dagen).")
        )
    days = int(match[1]) * (7 if match[2] == "w" else 1)
    if days > _MAX_FOLLOWUP.days:
        raise CommandError(
            _("‘over={value}’ is te lang: kies hooguit 26 weken (een half jaar).").format(
                value=clip(value)
            )
        )
    return ActionCommand(Action.FOLLOWUP, str(days))


def _after_verb(text: str) -> str:
    """What follows the verb, as typed: free text keeps its own spacing and lines."""
    stripped = text.strip()
    return stripped[len(stripped.split(maxsplit=1)[0]) :].strip()


def _parse_verdict(verb: str, text: str) -> ActionCommand:
    kind = VERDICT_WORDS[verb]
    if kind == "klopt":
        return ActionCommand(Action.VERDICT, "klopt", text=text[:MAX_REMARK])
    if not text:
        raise CommandError(
            _("Zet je {kind} erachter, bijvoorbeeld: /dialoog {kind} <wat je mist>").format(
                kind=verb
            )
        )
    return ActionCommand(Action.VERDICT, kind, text=_remark(text))


def _remark(text: str) -> str:
    if len(text) > MAX_REMARK:
        raise CommandError(
            _("Dat is te lang ({n} tekens); houd het bij hooguit {max} tekens.").format(
                n=len(text), max=MAX_REMARK
            )
        )
    return text


_EDIT_USAGE = N_(
    "Zo pas je de uitkomst aan: uitkomst kern <tekst> · uitkomst droom <tekst> · "
    "uitkomst thema <nr> <nieuwe titel> · uitkomst thema <nr> weg · "
    "uitkomst actie <nr> wat|met|oplevert <tekst> · uitkomst actie <nr> wanneer <datum> · "
    "uitkomst actie <nr> weg"
)


def _parse_edit(text: str) -> OutcomeEdit:
    words = text.split()
    field = OUTCOME_FIELDS.get(words[0].casefold())
    if field is None:
        raise CommandError(_(_EDIT_USAGE))
    rest = text[len(words[0]) :].strip()
    if field in ("kern", "droom"):
        return OutcomeEdit(field, value=_remark(rest) if rest else None)
    if len(words) < 3 or not words[1].isdigit() or int(words[1]) < 1:
        raise CommandError(_(_EDIT_USAGE))
    index = int(words[1])
    rest = rest[len(words[1]) :].strip()
    if words[2].casefold() in REMOVE_WORDS and len(words) == 3:
        return OutcomeEdit(field, index, "remove")
    if field == "thema":
        return OutcomeEdit(field, index, "title", _remark(rest))
    part = ACTION_PARTS.get(words[2].casefold())
    if part is None:
        raise CommandError(_(_EDIT_USAGE))
    value_text = rest[len(words[2]) :].strip()
    if part == "by_when":
        if value_text.casefold() in NONE_WORDS:
            return OutcomeEdit(field, index, part, None)
        return OutcomeEdit(field, index, part, parse_date(value_text))
    return OutcomeEdit(field, index, part, _remark(value_text) if value_text else None)


_PARSERS: dict[str, Callable[[str], object]] = {
    "card_id": parse_card_id,
    "language": parse_language,
    "roles": parse_roles,
    "questions": parse_questions,
    "cadence": parse_cadence,
    "time_of_day": parse_time,
    "weekdays": parse_weekdays,
    "skip_dates": parse_skip_dates,
    "timezone": parse_zone,
    "begin": parse_date,
    "review": parse_review,
    "closes": parse_date,
    "remind_every": parse_remind_every,
    "hours": parse_hours,
}


def _verb_list() -> str:
    # the command words in the language spoken; both languages' words always work
    return _(
        "start, status, pauze, hervat, volgende, overslaan, samenvatting, stop, herinneringen, "
        "uitkomst, voorleggen, publiceer, klopt, aanvulling, bezwaar, terugblik, doe-mee, "
        "verder, sluit, vrij, kaarten, mijngegevens, vergeetmij, help"
    )


def confirm_word() -> str:
    """The word that confirms ``vergeetmij``, as the language spoken says it."""
    return _("zeker")


def verdict_word(kind: str) -> str:
    """A verdict's command word (``klopt``, ``aanvulling``, ``bezwaar``) in the language
    spoken: what a button tells people to type."""
    words = {"klopt": _("klopt"), "aanvulling": _("aanvulling"), "bezwaar": _("bezwaar")}
    return words[kind]


def _unknown_option(word: str) -> str:
    return _(
        "Onbekende optie ‘{word}’. Mogelijk bij start: kaart=ID (zie /dialoog kaarten), "
        "rollen=1,3 · vragen=1.1,2.4 · tempo=1d · tijd=09:00 · dagen=ma-vr · "
        "vrij=JJJJ-MM-DD..JJJJ-MM-DD · begin=JJJJ-MM-DD · zone=Europe/Amsterdam · "
        "controle=2d|uit · taal=en · anoniem · netwerk sluit=JJJJ-MM-DD herinner=3d "
        "uren=08:00-18:00 eerst-zelf"
    ).format(word=clip(word))


def help_text() -> str:
    return _(
        "Zo werkt de dialoog (typ /dialoog gevolgd door):\n"
        "• start [kaart=ID] [rollen=1,3] [vragen=1.1,2.4] [tempo=1d] [tijd=09:00] "
        "[dagen=ma-vr] [vrij=JJJJ-MM-DD..JJJJ-MM-DD] [begin=JJJJ-MM-DD] "
        "[zone=Europe/Amsterdam] [controle=2d|uit] [taal=en] [anoniem]"
        " — start een ronde; wie start is coördinator\n"
        "• kaarten — de kaarten die je kunt gebruiken, en hoe je er een start\n"
        "• mijngegevens — wat er over jou bewaard is, privé en als bestand\n"
        "• vergeetmij — je antwoorden, naam en instellingen laten wissen\n"
        "• status — waar staat de ronde?\n"
        "• pauze / hervat — ronde stilzetten en weer verder laten gaan\n"
        "• volgende — de volgende stap nu plaatsen\n"
        "• overslaan [2.4] — de volgende (of genoemde) vraag niet stellen\n"
        "• samenvatting — tussenstand, of de eindsamenvatting als de ronde klaar is\n"
        "• stop — de ronde beëindigen\n"
        "• herinneringen uit / aan — wel of geen herinnering als je een vraag nog open hebt\n"
        "Na de laatste stap (als de ronde een controle heeft):\n"
        "• uitkomst — het concept bekijken; uitkomst kern <tekst>, uitkomst actie 1 wanneer "
        "<datum> … — aanpassen (coördinator)\n"
        "• voorleggen — het concept aan de groep voorleggen; publiceer — na de controle "
        "publiceren (coördinator)\n"
        "• klopt / aanvulling <tekst> / bezwaar <tekst> — je reactie op de voorgelegde "
        "uitkomst\n"
        "• terugblik [over=6w] — na afloop: wie een actie noemde krijgt dan persoonlijk de "
        "vraag hoe het ging (coördinator)\n"
        "• vrij JJJJ-MM-DD..JJJJ-MM-DD — vrije dagen toevoegen aan een lopende ronde "
        "(coördinator)\n"
        "Netwerkronde (ieder in eigen tempo, privé): start netwerk sluit=JJJJ-MM-DD "
        "[herinner=3d] [uren=08:00-18:00] [eerst-zelf]\n"
        "• doe-mee — meedoen; de vragen komen in je privégesprek met mij\n"
        "• verder — de vraag waar je was; overslaan — je huidige vraag overslaan\n"
        "• sluit [JJJJ-MM-DD] — nu sluiten, of op een andere datum (coördinator)\n"
        "eerst-zelf (bij start, elke ronde): je ziet de antwoorden van anderen pas na je eigen "
        "antwoord\n"
        "Antwoorden doe je in de draad onder een vraag. Een antwoord aanpassen of "
        "verwijderen mag altijd; ook op eerdere vragen kun je nog reageren.\n"
        "Engelse woorden werken ook: pause, resume, next, skip, summary, cards, my-data, "
        "forget-me, card=, roles=, "
        "questions=, pace=, time=, language=, anonymous."
    )
