"""The ``dialoogbot`` command: the one place that wires settings, storage and adapters.

Errors a person can cause (a broken card, an unknown round, a bad setting, a database that
is not there, a file that cannot be written) end in a short message and a non-zero exit,
never a traceback; ``DIALOOGBOT_LOG_LEVEL=DEBUG`` shows one for unexpected errors.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import re
import sys
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from adapters.port import Adapter
from bot import i18n
from bot.clock import Clock, SystemClock
from bot.i18n import N_, _, ngettext
from bot.meter import NO_METER, Meter
from bot.paper import blank_html, blank_pdf, record_html, record_pdf
from bot.render import summary_json, summary_markdown
from bot.scheduler import Ticker
from bot.service import DialogueService
from bot.summary import Summary, compile_summary
from bot.texts import STATUS_WORDS, origin_line
from bot.values import CommandError, parse_cadence
from cli import logs
from cli.config import CardSettings, Settings, early_language
from dialogues.cards import Card, CardError, load_card
from dialogues.catalogue import Catalogue, check_id_is_free
from storage.db import Database, StartupError
from storage.repository import Repository
from storage.store import SqlStore

if TYPE_CHECKING:
    from aiohttp.web import RouteDef

# Every help text below is translated here, at import, when typer builds the commands:
# long before a command reads its settings (which activate the language once more).
i18n.activate(early_language())

app = typer.Typer(
    help=_("dialoogbot: de Dialoogkaart als dialoog in je teamkanaal."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
cards_app = typer.Typer(help=_("Kaarten bekijken en controleren."), no_args_is_help=True)
rounds_app = typer.Typer(help=_("Rondes bekijken."), no_args_is_help=True)
db_app = typer.Typer(help=_("De database beheren."), no_args_is_help=True)
run_app = typer.Typer(help=_("De bot verbinden met een chatplatform."), no_args_is_help=True)
app.add_typer(cards_app, name="cards")
app.add_typer(rounds_app, name="rounds")
app.add_typer(db_app, name="db")
person_app = typer.Typer(
    help=_("Wat er over één persoon bewaard is: inzien of wissen (AVG)."), no_args_is_help=True
)
app.add_typer(run_app, name="run")
app.add_typer(person_app, name="person")

T = TypeVar("T")
S = TypeVar("S")
A = TypeVar("A", bound=Adapter)
log = logging.getLogger("dialoogbot")

# What Telegram accepts as a webhook's secret_token; anything else fails at setWebhook.
_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
METRICS_PORT = typer.Option(
    "--metrics-port",
    help=_(
        "Poort voor /healthz en /metrics zonder HTTP-server van de bot "
        "(ook: DIALOOGBOT_METRICS_PORT)"
    ),
)
_NUMBER_PROBLEMS = {
    "float_parsing": N_("geef een getal, bijvoorbeeld 1.5"),
    "float_type": N_("geef een getal, bijvoorbeeld 1.5"),
    "finite_number": N_("geef een gewoon getal"),
}


class Fail(Exception):
    """A problem to tell the person in one line, then exit non-zero."""


def _settings() -> Settings:
    settings = _configured(Settings)
    logs.setup(settings.log_level, settings.log_format)
    i18n.activate(settings.language)
    return settings


def _configured(factory: Callable[[], S]) -> S:
    try:
        return factory()
    except ValidationError as exc:
        problems = "; ".join(
            f"DIALOOGBOT_{'_'.join(str(p) for p in e['loc']).upper()}: {_problem(e)}"
            for e in exc.errors()
        )
        typer.echo(_("Configuratie klopt niet: {problems}").format(problems=problems), err=True)
        raise typer.Exit(1) from None


def _catalogue() -> Catalogue:
    """The cards on offer, for the ``cards`` commands: only DIALOOGBOT_CARDS_DIR is read."""
    try:
        return _configured(CardSettings).catalogue()
    except CardError as exc:
        _fail(str(exc))


def _card(card_id: str) -> Card:
    try:
        return _catalogue().get(card_id)
    except KeyError as exc:
        _fail(str(exc.args[0]) if exc.args else str(exc))


def _problem(error: ErrorDetails) -> str:
    """The validator's own sentence, rather than pydantic's English wrapper."""
    cause = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and cause is not None:
        return str(cause)
    problem = _NUMBER_PROBLEMS.get(error["type"])
    return error["msg"] if problem is None else _(problem)


def _database(settings: Settings) -> Database:
    return Database(settings.database_url, patience=settings.database_wait_seconds)


@asynccontextmanager
async def _service(
    settings: Settings, clock: Clock | None = None, speed: float = 1.0, meter: Meter = NO_METER
) -> Any:
    """``clock`` and ``speed`` are for the network demo, whose days pass in seconds:
    its leases are as long in real time as everywhere else. ``meter`` counts for
    ``/metrics``."""
    catalogue = settings.catalogue()
    for problem in catalogue.problems:
        log.warning("Kaart niet geladen (de andere kaarten wel):\n%s", problem)
    db = _database(settings)
    try:
        await db.migrate()
        yield DialogueService(
            SqlStore(db),
            cards=catalogue.get,
            offered=catalogue.offered,
            clock=clock or SystemClock(),
            defaults=settings.round_defaults(),
            coordinators=frozenset(settings.coordinators),
            lease=timedelta(seconds=settings.lease_seconds * speed),
            meter=meter,
        )
    finally:
        await db.close()


async def _read(settings: Settings, query: Callable[[Repository], Awaitable[T]]) -> T:
    """Open the database (migrating it if needed), run one read, close it again."""
    db = _database(settings)
    try:
        await db.migrate()
        async with db.transaction() as session:
            return await query(Repository(session))
    finally:
        await db.close()


def _run(work: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(work())  # type: ignore[arg-type]
    except (Fail, StartupError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:
        if log.isEnabledFor(logging.DEBUG):
            raise
        typer.echo(
            _("Er ging iets mis: {error}\nMeer details: zet DIALOOGBOT_LOG_LEVEL=DEBUG.").format(
                error=f"{exc.__class__.__name__}: {exc}"
            ),
            err=True,
        )
        raise typer.Exit(2) from None


async def _network_demo(settings: Settings) -> None:
    from adapters.local.demo import FastClock, run_network_demo

    day = 1.5  # real seconds per simulated day
    clock = FastClock(factor=86_400 / day)
    async with _service(settings, clock, speed=clock.factor) as service:
        result = await run_network_demo(service, clock, day=day, tick=0.1)
    typer.echo(
        "\n"
        + _(
            "Klaar: netwerkronde {id} is gesloten en bewaard.\n"
            "Het verslag op papier: dialoogbot summary {id} --format pdf -o verslag.pdf"
        ).format(id=result.round_id)
    )


@app.command(
    help=_("Een volledige ronde van de Dialoogkaart in de terminal, met gesimuleerde collega's.")
)
def demo(
    tempo: Annotated[str, typer.Option(help=_("Tijd tussen stappen: 1s, 2s, 1m…"))] = "1s",
    netwerk: Annotated[
        bool, typer.Option("--netwerk", help=_("Een netwerkronde: ieder in eigen tempo, privé"))
    ] = False,
) -> None:
    from adapters.local.demo import run_demo

    try:
        parse_cadence(tempo, option="--tempo")
    except CommandError as exc:
        _fail(str(exc))
    settings = _settings()
    if netwerk:
        _run(lambda: _network_demo(settings))
        return

    async def work() -> None:
        async with _service(settings) as service:
            try:
                result = await run_demo(service, tempo=tempo)
            except ValueError as exc:
                raise Fail(str(exc)) from None
        typer.echo(
            "\n"
            + _(
                "Klaar: ronde {id} is afgerond en bewaard.\n"
                "Bekijk ze later met: dialoogbot rounds list\n"
                "Het verslag op papier: dialoogbot summary {id} --format pdf -o verslag.pdf"
            ).format(id=result.round_id)
        )

    _run(work)


@app.command(help=_("Zelf meedoen in een lokaal kanaal: typ als een of meer deelnemers."))
def console(
    channel: Annotated[str, typer.Option(help=_("Naam van het lokale kanaal"))] = "lokaal",
    name: Annotated[str, typer.Option("--as", help=_("Wie je bent"))] = "Coördinator",
) -> None:
    from adapters.local.console import run_console

    settings = _settings()

    async def work() -> None:
        async with _service(settings) as service:
            await run_console(service, channel_id=channel, name=name, tick=settings.tick_seconds)

    _run(work)


@cards_app.command("list", help=_("De kaarten: de ingebouwde en die in DIALOOGBOT_CARDS_DIR."))
def cards_list() -> None:
    catalogue = _catalogue()
    for card in catalogue.offered():
        count = len(card.questions())
        parts = card.role_words[1] if len(card.roles) > 1 else card.role_words[0]
        typer.echo(f"{card.id}\t{card.title}\t{len(card.roles)} {parts}, {count} vragen")
    for problem in catalogue.problems:
        typer.echo(_("Niet geladen:\n{problem}").format(problem=problem), err=True)


@cards_app.command("show", help=_("Een kaart helemaal tonen."))
def cards_show(card_id: Annotated[str, typer.Argument(help=_("Id van de kaart"))]) -> None:
    card = _card(card_id)
    typer.echo(f"# {card.title}\n\n{card.purpose}\n")
    if card.usage is not None:
        typer.echo(f"{card.usage.text}\n")
        for setting in card.usage.settings:
            typer.echo(f"  - {setting}")
        if card.usage.settings:
            typer.echo("")
    if card.opening is not None:
        opening = _("Opening: {question}").format(question=card.opening.question)
        typer.echo(f"{opening}\n  {card.opening.invitation}\n")
    for role in card.roles:
        typer.echo(f"## {role.number}. {role.title}\n{role.description}\n")
        for q in role.questions:
            mark = " " + _("(begin aangevuld door dialoogbot)") if q.reconstructed else ""
            typer.echo(f"  {q.number}{mark} {q.text}")
        typer.echo("")
    if card.droomvraag is not None:
        typer.echo(f"{card.droomvraag.title}: {card.droomvraag.text}\n")
    for item in card.evaluation:
        typer.echo(f"{item.label}: {item.text}")
    for note in card.footnotes:
        typer.echo(f"\n* {note.term}: {note.text}")
    typer.echo(f"\n{origin_line(card)}")


@cards_app.command(
    "print", help=_("Een leeg gespreksformat om te printen, voor een groep die elkaar treft.")
)
def cards_print(
    card_id: Annotated[str, typer.Argument(help=_("Id van de kaart"))] = "dialoogkaart",
    role: Annotated[
        int | None,
        typer.Option("--rol", "--role", help=_("Alleen deze rol of dit thema (standaard: alle)")),
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help=_("pdf of html"))] = "pdf",
    output: Annotated[Path | None, typer.Option("--output", "-o", help=_("Bestand"))] = None,
) -> None:
    if format not in ("pdf", "html"):
        typer.echo(
            _("Onbekend formaat ‘{format}’: kies pdf of html.").format(format=format), err=True
        )
        raise typer.Exit(2)
    card = _card(card_id)
    try:
        data = blank_pdf(card, role) if format == "pdf" else blank_html(card, role).encode()
    except ValueError as exc:
        _fail(str(exc))
    _write(data, output, binary=format == "pdf")


@cards_app.command("validate", help=_("Kaarten controleren; fouten noemen bestand, regel en veld."))
def cards_validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help=_("Kaartbestanden (standaard: alle, ook die in DIALOOGBOT_CARDS_DIR)")),
    ] = None,
) -> None:
    catalogue = _catalogue()
    problems: list[CardError] = []
    if files:
        for path in files:
            try:
                card = load_card(path)
                check_id_is_free(card, path, catalogue.paths)
            except CardError as exc:
                problems.append(exc)
            else:
                typer.echo(_valid(path, card))
    else:
        for card in catalogue.offered():
            typer.echo(_valid(catalogue.paths[card.id], card))
        problems += catalogue.problems
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        raise typer.Exit(1)


def _valid(path: Path, card: Card) -> str:
    n = len(card.questions())
    # Dutch has always said "vragen", also for one; the plural form lets English count.
    return ngettext(
        "{path}: in orde ({id}, {n} vragen)", "{path}: in orde ({id}, {n} vragen)", n
    ).format(path=path, id=card.id, n=n)


@rounds_app.command("list", help=_("Alle rondes: id, kanaal, kaart en status."))
def rounds_list() -> None:
    settings = _settings()

    async def work() -> None:
        rows = await _read(settings, lambda repo: repo.all())
        if not rows:
            typer.echo(_("Nog geen rondes."))
        for row in rows:
            thread = f"/{row.thread_id}" if row.thread_id else ""
            state = STATUS_WORDS.get(row.status, row.status)  # type: ignore[call-overload]
            created = row.created_at.strftime("%Y-%m-%d %H:%M")
            typer.echo(
                f"{row.id}\t{row.platform}:{row.channel_id}{thread}\t{row.card_id}\t{state}\t{created}"
            )

    _run(work)


@app.command(help=_("Het verslag van een ronde: de uitkomst, en alle antwoorden als bijlage."))
def summary(
    round_id: Annotated[int, typer.Argument(help=_("Id van de ronde (zie: rounds list)"))],
    format: Annotated[
        str, typer.Option("--format", "-f", help=_("md, json, html of pdf (A4, om te printen)"))
    ] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help=_("Bestand"))] = None,
) -> None:
    if format not in RECORD_FORMATS:
        typer.echo(
            _("Onbekend formaat ‘{format}’: kies md, json, html of pdf.").format(format=format),
            err=True,
        )
        raise typer.Exit(2)
    settings = _settings()

    async def work() -> bytes:
        rnd = await _read(settings, lambda repo: repo.get(round_id))
        if rnd is None:
            raise Fail(
                _("Ronde {id} bestaat niet. Zie: dialoogbot rounds list").format(id=round_id)
            )
        try:
            card = settings.catalogue().get(rnd.settings.card_id)
        except KeyError as exc:
            raise Fail(str(exc.args[0])) from None
        with i18n.speaking(rnd.settings.language):  # the record is the round's, in its words
            result = compile_summary(card, rnd, SystemClock().now())
            return RECORD_FORMATS[format](result)

    _write(_run(work), output, binary=format == "pdf")


RECORD_FORMATS: dict[str, Callable[[Summary], bytes]] = {
    "md": lambda s: summary_markdown(s).encode(),
    "json": lambda s: summary_json(s).encode(),
    "html": lambda s: record_html(s).encode(),
    "pdf": record_pdf,
}


def _write(data: bytes, output: Path | None, *, binary: bool) -> None:
    """To the file, or to standard output; a PDF only to a terminal-less stdout."""
    if output is None:
        if binary and sys.stdout.isatty():
            _fail(_("Een PDF schrijf je naar een bestand: voeg -o verslag.pdf toe."))
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        _fail(
            _("Kan {path} niet schrijven: {reason}.").format(
                path=output, reason=_why_not_written(exc, output)
            )
        )
    typer.echo(_("Geschreven: {path}").format(path=output))


def _why_not_written(exc: OSError, output: Path) -> str:
    if isinstance(exc, FileNotFoundError):
        return _("de map {folder} bestaat niet").format(folder=output.parent)
    if isinstance(exc, PermissionError):
        return _("geen toestemming om daar te schrijven")
    if isinstance(exc, IsADirectoryError):
        return _("dat is een map; geef een bestandsnaam")
    if isinstance(exc, NotADirectoryError):
        return _("een deel van het pad is geen map")
    if exc.errno == errno.ENOSPC:
        return _("de schijf is vol")
    if exc.errno == errno.EROFS:
        return _("dat bestandssysteem is alleen-lezen")
    return exc.strerror or exc.__class__.__name__


PERSON = typer.Argument(help=_("Wie: PLATFORM:GEBRUIKER, bijv. slack:U024BE7LH of telegram:12345"))


def _who(person: str) -> tuple[str, str]:
    platform, sep, user_id = person.partition(":")
    if not sep or not platform or not user_id:
        _fail(
            _("‘{person}’ klopt niet: schrijf PLATFORM:GEBRUIKER, bijv. slack:U024BE7LH.").format(
                person=person
            )
        )
    return platform, user_id


@person_app.command(
    "export",
    help=_("Alles wat er over iemand bewaard is, als JSON (wat /dialoog mijngegevens stuurt)."),
)
def person_export(
    person: Annotated[str, PERSON],
    output: Annotated[Path | None, typer.Option("--output", "-o", help=_("Bestand"))] = None,
) -> None:
    platform, user_id = _who(person)
    settings = _settings()

    async def work() -> dict[str, Any]:
        async with _service(settings) as service:
            data: dict[str, Any] | None = await service.personal_data(platform, user_id)
        if data is None:
            raise Fail(_("Over {person} is niets bewaard.").format(person=person))
        return data

    data = _run(work)
    _write(json.dumps(data, ensure_ascii=False, indent=2).encode() + b"\n", output, binary=False)


@person_app.command(
    "erase",
    help=_("Iemands antwoorden, naam en instellingen wissen (wat /dialoog vergeetmij doet)."),
)
def person_erase(
    person: Annotated[str, PERSON],
    yes: Annotated[bool, typer.Option("--yes", help=_("Niet meer vragen of het zeker is"))] = False,
) -> None:
    platform, user_id = _who(person)
    sure = _("Alles van {person} wissen? Dat kan niet ongedaan worden").format(person=person)
    if not yes and not typer.confirm(sure):
        raise typer.Exit(1)
    settings = _settings()

    async def work() -> None:
        async with _service(settings) as service:
            erased = await service.erase_person(platform, user_id)
        if erased is None:
            raise Fail(_("Over {person} is niets bewaard.").format(person=person))
        typer.echo(
            ngettext(
                "Gewist: {answers} antwoord in {rounds} ronde(s), {verdicts} reacties op een "
                "uitkomst, {messages} wachtende berichten.",
                "Gewist: {answers} antwoorden in {rounds} ronde(s), {verdicts} reacties op een "
                "uitkomst, {messages} wachtende berichten.",
                erased.answers,
            ).format(
                answers=erased.answers,
                rounds=erased.rounds,
                verdicts=erased.verdicts,
                messages=erased.messages,
            )
        )

    _run(work)


@app.command(
    help=_("Wissen wat langer bewaard is dan DIALOOGBOT_RETENTION_DAYS (de bot doet dit elk uur).")
)
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Alleen laten zien wat weg zou gaan"))
    ] = False,
) -> None:
    settings = _settings()

    async def work() -> None:
        async with _service(settings) as service:
            purged = await service.purge(dry_run=dry_run)
        # Two whole sentences rather than a verb in front: a translation may need to
        # change more than the first words.
        said = (
            _(
                "Zou wissen: {rounds} rondes die langer dan {days} dagen geleden eindigden, met "
                "{answers} antwoorden; {messages} berichten zonder ronde; {persons} personen "
                "naar wie niets meer verwijst."
            )
            if dry_run
            else _(
                "Gewist: {rounds} rondes die langer dan {days} dagen geleden eindigden, met "
                "{answers} antwoorden; {messages} berichten zonder ronde; {persons} personen "
                "naar wie niets meer verwijst."
            )
        )
        typer.echo(
            said.format(
                rounds=purged.rounds,
                days=settings.retention_days,
                answers=purged.answers,
                messages=purged.messages,
                persons=purged.persons,
            )
        )

    _run(work)


@db_app.command("upgrade", help=_("Het databaseschema bijwerken (gebeurt ook bij elke start)."))
def db_upgrade() -> None:
    settings = _settings()

    async def work() -> None:
        await _read(settings, lambda repo: asyncio.sleep(0))
        typer.echo(_("Database is bijgewerkt."))

    _run(work)


@run_app.command(
    "slack",
    help=_(
        "Verbinden met Slack: Socket Mode (standaard) of HTTP (--http, pad /slack/events).\n\n"
        "Met --http staan /healthz en /metrics op dezelfde poort; anders op --metrics-port."
    ),
)
def run_slack(
    http: Annotated[
        bool, typer.Option("--http", help=_("Events API over HTTP in plaats van Socket Mode"))
    ] = False,
    port: Annotated[int, typer.Option(help=_("Poort voor --http"))] = 3000,
    host: Annotated[str, typer.Option(help=_("Adres voor --http en --metrics-port"))] = "0.0.0.0",
    metrics_port: Annotated[int | None, METRICS_PORT] = None,
) -> None:
    try:
        from adapters.slack.app import SlackAdapter, SlackSettings
    except ImportError:
        _fail(_("Slack-ondersteuning is niet geïnstalleerd: pip install 'dialoogbot[slack]'"))
    _check_port(port)
    settings = _settings()
    slack_settings = _platform_settings(SlackSettings, "SLACK", "Slack")
    if not http and slack_settings.app_token is None:
        _fail(_("Socket Mode heeft SLACK_APP_TOKEN nodig (xapp-…); of gebruik --http."))

    metrics = _metrics_port(settings, metrics_port, port if http else None)

    async def serve(adapter: SlackAdapter, routes: list[RouteDef]) -> None:
        try:
            if http:
                await adapter.run_http(host, port, routes=routes)
            else:
                await adapter.run_socket_mode()
        finally:
            await adapter.idle()

    _serve(
        settings,
        lambda service: SlackAdapter(service, slack_settings),
        serve,
        metrics=(host, metrics) if metrics is not None else None,
    )


@run_app.command(
    "telegram",
    help=_(
        "Verbinden met Telegram: long polling (standaard) of een webhook (--webhook URL).\n\n"
        "Met een webhook staan /healthz en /metrics op dezelfde poort; anders op "
        "--metrics-port."
    ),
)
def run_telegram(
    webhook: Annotated[
        str | None,
        typer.Option(help=_("Publieke https-URL voor een webhook (anders long polling)")),
    ] = None,
    port: Annotated[int, typer.Option(help=_("Poort voor de webhook"))] = 8443,
    listen: Annotated[
        str, typer.Option(help=_("Adres voor de webhook en --metrics-port"))
    ] = "0.0.0.0",
    metrics_port: Annotated[int | None, METRICS_PORT] = None,
) -> None:
    try:
        from adapters.telegram.app import TelegramAdapter, TelegramSettings
    except ImportError:
        _fail(_("Telegram-ondersteuning is niet geïnstalleerd: pip install 'dialoogbot[telegram]'"))
    _check_port(port)
    if webhook is not None and not webhook.startswith("https://"):
        _fail(
            _("--webhook moet een https-adres zijn, bijvoorbeeld https://bot.example.org/telegram")
        )
    settings = _settings()
    telegram_settings = _platform_settings(TelegramSettings, "TELEGRAM", "Telegram")
    if webhook:
        secret = telegram_settings.webhook_secret
        if secret is None:
            _fail(_("Een webhook heeft TELEGRAM_WEBHOOK_SECRET nodig."))
        if not _TELEGRAM_SECRET.fullmatch(secret.get_secret_value()):
            _fail(
                _(
                    "TELEGRAM_WEBHOOK_SECRET mag alleen A-Z, a-z, 0-9, _ en - bevatten, 1 tot "
                    "256 tekens; Telegram weigert andere. Maak er een met: openssl rand -hex 32"
                )
            )

    metrics = _metrics_port(settings, metrics_port, port if webhook else None)

    async def serve(adapter: TelegramAdapter, routes: list[RouteDef]) -> None:
        if webhook:
            await adapter.run_webhook(webhook, listen, port, routes=routes)
        else:
            await adapter.run_polling()

    _serve(
        settings,
        lambda service: TelegramAdapter(service, telegram_settings),
        serve,
        metrics=(listen, metrics) if metrics is not None else None,
    )


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        _fail(_("--port {port} kan niet: kies een poort van 1 tot 65535.").format(port=port))


def _platform_settings(factory: Callable[[], S], prefix: str, label: str) -> S:
    """A platform's settings from its own environment variables, or a sentence naming them."""
    try:
        return factory()
    except ValidationError as exc:
        names = ", ".join(f"{prefix}_{str(e['loc'][0]).upper()}" for e in exc.errors())
        _fail(
            _("{platform}-instellingen ontbreken of kloppen niet: {names}").format(
                platform=label, names=names
            )
        )


def _metrics_port(settings: Settings, option: int | None, http_port: int | None) -> int | None:
    """The port of a server of its own for /healthz and /metrics: --metrics-port, else
    DIALOOGBOT_METRICS_PORT; None when there is none (with an HTTP server the routes are
    on its port anyway)."""
    chosen = option if option is not None else settings.metrics_port
    if chosen is None:
        return None
    if not 1 <= chosen <= 65535:
        _fail(
            _("--metrics-port {port} kan niet: kies een poort van 1 tot 65535.").format(port=chosen)
        )
    if chosen == http_port:
        _fail(
            _(
                "--metrics-port {port} is de poort van de bot zelf; /healthz en /metrics staan "
                "daar al. Laat --metrics-port weg of kies een andere poort."
            ).format(port=chosen)
        )
    return chosen


def _serve(
    settings: Settings,
    make: Callable[[DialogueService], A],
    serve: Callable[[A, list[RouteDef]], Awaitable[None]],
    *,
    metrics: tuple[str, int] | None = None,
) -> None:
    """Run an adapter with the scheduler beside it until stopped, with /healthz and
    /metrics handed to the adapter's HTTP server and, given ``metrics`` (host, port),
    on a server of their own."""
    from cli.health import Metrics, Observer
    from cli.health import serve as serve_health

    async def work() -> None:
        meter = Metrics()
        async with _service(settings, meter=meter) as service:
            adapter = make(service)
            ticker = Ticker(service, adapter.deliver, interval=settings.tick_seconds)
            observer = Observer(
                settings.database_url,
                adapter.platform,
                meter,
                service.clock,
                ticker=ticker,
                outbox_after=timedelta(minutes=settings.health_outbox_minutes),
            )
            runner = None
            ticker.start()
            try:
                if metrics is not None:
                    runner = await serve_health(observer.routes(), *metrics)
                await serve(adapter, observer.routes())
            finally:
                await ticker.stop()
                if runner is not None:
                    await runner.cleanup()
                await observer.close()

    _run(work)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
