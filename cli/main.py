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
from bot.commands import CommandError, parse_cadence
from bot.meter import NO_METER, Meter
from bot.paper import blank_html, blank_pdf, record_html, record_pdf
from bot.render import summary_json, summary_markdown
from bot.scheduler import Ticker
from bot.service import DialogueService
from bot.summary import Summary, compile_summary
from bot.texts import STATUS_WORDS, origin_line
from cli import logs
from cli.config import CardSettings, Settings
from dialogues.cards import Card, CardError, load_card
from dialogues.catalogue import Catalogue, check_id_is_free
from storage.db import Database, StartupError
from storage.repository import Repository
from storage.store import SqlStore

if TYPE_CHECKING:
    from aiohttp.web import RouteDef

app = typer.Typer(
    help="dialoogbot: de Dialoogkaart als dialoog in je teamkanaal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
cards_app = typer.Typer(help="Kaarten bekijken en controleren.", no_args_is_help=True)
rounds_app = typer.Typer(help="Rondes bekijken.", no_args_is_help=True)
db_app = typer.Typer(help="De database beheren.", no_args_is_help=True)
run_app = typer.Typer(help="De bot verbinden met een chatplatform.", no_args_is_help=True)
app.add_typer(cards_app, name="cards")
app.add_typer(rounds_app, name="rounds")
app.add_typer(db_app, name="db")
person_app = typer.Typer(
    help="Wat er over één persoon bewaard is: inzien of wissen (AVG).", no_args_is_help=True
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
    help="Poort voor /healthz en /metrics zonder HTTP-server van de bot "
    "(ook: DIALOOGBOT_METRICS_PORT)",
)
_NUMBER_PROBLEMS = {
    "float_parsing": "geef een getal, bijvoorbeeld 1.5",
    "float_type": "geef een getal, bijvoorbeeld 1.5",
    "finite_number": "geef een gewoon getal",
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
        typer.echo(f"Configuratie klopt niet: {problems}", err=True)
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
    """The validator's own Dutch sentence, rather than pydantic's English wrapper."""
    cause = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and cause is not None:
        return str(cause)
    return _NUMBER_PROBLEMS.get(error["type"], error["msg"])


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
            f"Er ging iets mis: {exc.__class__.__name__}: {exc}\n"
            "Meer details: zet DIALOOGBOT_LOG_LEVEL=DEBUG.",
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
        f"\nKlaar: netwerkronde {result.round_id} is gesloten en bewaard.\n"
        f"Het verslag op papier: dialoogbot summary {result.round_id} --format pdf "
        f"-o verslag.pdf"
    )


@app.command()
def demo(
    tempo: Annotated[str, typer.Option(help="Tijd tussen stappen: 1s, 2s, 1m…")] = "1s",
    netwerk: Annotated[
        bool, typer.Option("--netwerk", help="Een netwerkronde: ieder in eigen tempo, privé")
    ] = False,
) -> None:
    """Een volledige ronde van de Dialoogkaart in de terminal, met gesimuleerde collega's."""
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
            f"\nKlaar: ronde {result.round_id} is afgerond en bewaard.\n"
            f"Bekijk ze later met: dialoogbot rounds list\n"
            f"Het verslag op papier: dialoogbot summary {result.round_id} --format pdf "
            f"-o verslag.pdf"
        )

    _run(work)


@app.command()
def console(
    channel: Annotated[str, typer.Option(help="Naam van het lokale kanaal")] = "lokaal",
    name: Annotated[str, typer.Option("--as", help="Wie je bent")] = "Coördinator",
) -> None:
    """Zelf meedoen in een lokaal kanaal: typ als een of meer deelnemers."""
    from adapters.local.console import run_console

    settings = _settings()

    async def work() -> None:
        async with _service(settings) as service:
            await run_console(service, channel_id=channel, name=name, tick=settings.tick_seconds)

    _run(work)


@cards_app.command("list")
def cards_list() -> None:
    """De kaarten: de ingebouwde en die in DIALOOGBOT_CARDS_DIR."""
    catalogue = _catalogue()
    for card in catalogue.offered():
        count = len(card.questions())
        parts = card.role_words[1] if len(card.roles) > 1 else card.role_words[0]
        typer.echo(f"{card.id}\t{card.title}\t{len(card.roles)} {parts}, {count} vragen")
    for problem in catalogue.problems:
        typer.echo(f"Niet geladen:\n{problem}", err=True)


@cards_app.command("show")
def cards_show(card_id: Annotated[str, typer.Argument(help="Id van de kaart")]) -> None:
    """Een kaart helemaal tonen."""
    card = _card(card_id)
    typer.echo(f"# {card.title}\n\n{card.purpose}\n")
    if card.usage is not None:
        typer.echo(f"{card.usage.text}\n")
        for setting in card.usage.settings:
            typer.echo(f"  - {setting}")
        if card.usage.settings:
            typer.echo("")
    if card.opening is not None:
        typer.echo(f"Opening: {card.opening.question}\n  {card.opening.invitation}\n")
    for role in card.roles:
        typer.echo(f"## {role.number}. {role.title}\n{role.description}\n")
        for q in role.questions:
            mark = " (begin aangevuld door dialoogbot)" if q.reconstructed else ""
            typer.echo(f"  {q.number}{mark} {q.text}")
        typer.echo("")
    if card.droomvraag is not None:
        typer.echo(f"{card.droomvraag.title}: {card.droomvraag.text}\n")
    for item in card.evaluation:
        typer.echo(f"{item.label}: {item.text}")
    for note in card.footnotes:
        typer.echo(f"\n* {note.term}: {note.text}")
    typer.echo(f"\n{origin_line(card)}")


@cards_app.command("print")
def cards_print(
    card_id: Annotated[str, typer.Argument(help="Id van de kaart")] = "dialoogkaart",
    role: Annotated[
        int | None,
        typer.Option("--rol", "--role", help="Alleen deze rol of dit thema (standaard: alle)"),
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="pdf of html")] = "pdf",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Bestand")] = None,
) -> None:
    """Een leeg gespreksformat om te printen, voor een groep die elkaar treft."""
    if format not in ("pdf", "html"):
        typer.echo(f"Onbekend formaat ‘{format}’: kies pdf of html.", err=True)
        raise typer.Exit(2)
    card = _card(card_id)
    try:
        data = blank_pdf(card, role) if format == "pdf" else blank_html(card, role).encode()
    except ValueError as exc:
        _fail(str(exc))
    _write(data, output, binary=format == "pdf")


@cards_app.command("validate")
def cards_validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Kaartbestanden (standaard: alle, ook die in DIALOOGBOT_CARDS_DIR)"),
    ] = None,
) -> None:
    """Kaarten controleren; fouten noemen bestand, regel en veld."""
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
                typer.echo(f"{path}: in orde ({card.id}, {len(card.questions())} vragen)")
    else:
        for card in catalogue.offered():
            path = catalogue.paths[card.id]
            typer.echo(f"{path}: in orde ({card.id}, {len(card.questions())} vragen)")
        problems += catalogue.problems
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        raise typer.Exit(1)


@rounds_app.command("list")
def rounds_list() -> None:
    """Alle rondes: id, kanaal, kaart en status."""
    settings = _settings()

    async def work() -> None:
        rows = await _read(settings, lambda repo: repo.all())
        if not rows:
            typer.echo("Nog geen rondes.")
        for row in rows:
            thread = f"/{row.thread_id}" if row.thread_id else ""
            state = STATUS_WORDS.get(row.status, row.status)  # type: ignore[call-overload]
            created = row.created_at.strftime("%Y-%m-%d %H:%M")
            typer.echo(
                f"{row.id}\t{row.platform}:{row.channel_id}{thread}\t{row.card_id}\t{state}\t{created}"
            )

    _run(work)


@app.command()
def summary(
    round_id: Annotated[int, typer.Argument(help="Id van de ronde (zie: rounds list)")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="md, json, html of pdf (A4, om te printen)")
    ] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Bestand")] = None,
) -> None:
    """Het verslag van een ronde: de uitkomst, en alle antwoorden als bijlage."""
    if format not in RECORD_FORMATS:
        typer.echo(f"Onbekend formaat ‘{format}’: kies md, json, html of pdf.", err=True)
        raise typer.Exit(2)
    settings = _settings()

    async def work() -> bytes:
        rnd = await _read(settings, lambda repo: repo.get(round_id))
        if rnd is None:
            raise Fail(f"Ronde {round_id} bestaat niet. Zie: dialoogbot rounds list")
        try:
            card = settings.catalogue().get(rnd.settings.card_id)
        except KeyError as exc:
            raise Fail(str(exc.args[0])) from None
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
            _fail("Een PDF schrijf je naar een bestand: voeg -o verslag.pdf toe.")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        _fail(f"Kan {output} niet schrijven: {_why_not_written(exc, output)}.")
    typer.echo(f"Geschreven: {output}")


def _why_not_written(exc: OSError, output: Path) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"de map {output.parent} bestaat niet"
    if isinstance(exc, PermissionError):
        return "geen toestemming om daar te schrijven"
    if isinstance(exc, IsADirectoryError):
        return "dat is een map; geef een bestandsnaam"
    if isinstance(exc, NotADirectoryError):
        return "een deel van het pad is geen map"
    if exc.errno == errno.ENOSPC:
        return "de schijf is vol"
    if exc.errno == errno.EROFS:
        return "dat bestandssysteem is alleen-lezen"
    return exc.strerror or exc.__class__.__name__


PERSON = typer.Argument(help="Wie: PLATFORM:GEBRUIKER, bijv. slack:U024BE7LH of telegram:12345")


def _who(person: str) -> tuple[str, str]:
    platform, sep, user_id = person.partition(":")
    if not sep or not platform or not user_id:
        _fail(f"‘{person}’ klopt niet: schrijf PLATFORM:GEBRUIKER, bijv. slack:U024BE7LH.")
    return platform, user_id


@person_app.command("export")
def person_export(
    person: Annotated[str, PERSON],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Bestand")] = None,
) -> None:
    """Alles wat er over iemand bewaard is, als JSON (wat /dialoog mijngegevens stuurt)."""
    platform, user_id = _who(person)
    settings = _settings()

    async def work() -> dict[str, Any]:
        async with _service(settings) as service:
            data: dict[str, Any] | None = await service.personal_data(platform, user_id)
        if data is None:
            raise Fail(f"Over {person} is niets bewaard.")
        return data

    data = _run(work)
    _write(json.dumps(data, ensure_ascii=False, indent=2).encode() + b"\n", output, binary=False)


@person_app.command("erase")
def person_erase(
    person: Annotated[str, PERSON],
    yes: Annotated[bool, typer.Option("--yes", help="Niet meer vragen of het zeker is")] = False,
) -> None:
    """Iemands antwoorden, naam en instellingen wissen (wat /dialoog vergeetmij doet)."""
    platform, user_id = _who(person)
    if not yes and not typer.confirm(f"Alles van {person} wissen? Dat kan niet ongedaan worden"):
        raise typer.Exit(1)
    settings = _settings()

    async def work() -> None:
        async with _service(settings) as service:
            erased = await service.erase_person(platform, user_id)
        if erased is None:
            raise Fail(f"Over {person} is niets bewaard.")
        answers = "antwoord" if erased.answers == 1 else "antwoorden"
        typer.echo(
            f"Gewist: {erased.answers} {answers} in {erased.rounds} ronde(s), "
            f"{erased.verdicts} reacties op een uitkomst, {erased.messages} wachtende berichten."
        )

    _run(work)


@app.command()
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Alleen laten zien wat weg zou gaan")
    ] = False,
) -> None:
    """Wissen wat langer bewaard is dan DIALOOGBOT_RETENTION_DAYS (de bot doet dit elk uur)."""
    settings = _settings()

    async def work() -> None:
        async with _service(settings) as service:
            purged = await service.purge(dry_run=dry_run)
        verb = "Zou wissen" if dry_run else "Gewist"
        typer.echo(
            f"{verb}: {purged.rounds} rondes die langer dan {settings.retention_days} dagen "
            f"geleden eindigden, met {purged.answers} antwoorden; {purged.messages} berichten "
            f"zonder ronde; {purged.persons} personen naar wie niets meer verwijst."
        )

    _run(work)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Het databaseschema bijwerken (gebeurt ook bij elke start)."""
    settings = _settings()

    async def work() -> None:
        await _read(settings, lambda repo: asyncio.sleep(0))
        typer.echo("Database is bijgewerkt.")

    _run(work)


@run_app.command("slack")
def run_slack(
    http: Annotated[
        bool, typer.Option("--http", help="Events API over HTTP in plaats van Socket Mode")
    ] = False,
    port: Annotated[int, typer.Option(help="Poort voor --http")] = 3000,
    host: Annotated[str, typer.Option(help="Adres voor --http en --metrics-port")] = "0.0.0.0",
    metrics_port: Annotated[int | None, METRICS_PORT] = None,
) -> None:
    """Verbinden met Slack: Socket Mode (standaard) of HTTP (--http, pad /slack/events).

    Met --http staan /healthz en /metrics op dezelfde poort; anders op --metrics-port."""
    try:
        from adapters.slack.app import SlackAdapter, SlackSettings
    except ImportError:
        _fail("Slack-ondersteuning is niet geïnstalleerd: pip install 'dialoogbot[slack]'")
    _check_port(port)
    settings = _settings()
    slack_settings = _platform_settings(SlackSettings, "SLACK", "Slack")
    if not http and slack_settings.app_token is None:
        _fail("Socket Mode heeft SLACK_APP_TOKEN nodig (xapp-…); of gebruik --http.")

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


@run_app.command("telegram")
def run_telegram(
    webhook: Annotated[
        str | None, typer.Option(help="Publieke https-URL voor een webhook (anders long polling)")
    ] = None,
    port: Annotated[int, typer.Option(help="Poort voor de webhook")] = 8443,
    listen: Annotated[
        str, typer.Option(help="Adres voor de webhook en --metrics-port")
    ] = "0.0.0.0",
    metrics_port: Annotated[int | None, METRICS_PORT] = None,
) -> None:
    """Verbinden met Telegram: long polling (standaard) of een webhook (--webhook URL).

    Met een webhook staan /healthz en /metrics op dezelfde poort; anders op --metrics-port."""
    try:
        from adapters.telegram.app import TelegramAdapter, TelegramSettings
    except ImportError:
        _fail("Telegram-ondersteuning is niet geïnstalleerd: pip install 'dialoogbot[telegram]'")
    _check_port(port)
    if webhook is not None and not webhook.startswith("https://"):
        _fail("--webhook moet een https-adres zijn, bijvoorbeeld https://bot.example.org/telegram")
    settings = _settings()
    telegram_settings = _platform_settings(TelegramSettings, "TELEGRAM", "Telegram")
    if webhook:
        secret = telegram_settings.webhook_secret
        if secret is None:
            _fail("Een webhook heeft TELEGRAM_WEBHOOK_SECRET nodig.")
        if not _TELEGRAM_SECRET.fullmatch(secret.get_secret_value()):
            _fail(
                "TELEGRAM_WEBHOOK_SECRET mag alleen A-Z, a-z, 0-9, _ en - bevatten, 1 tot 256 "
                "tekens; Telegram weigert andere. Maak er een met: openssl rand -hex 32"
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
        _fail(f"--port {port} kan niet: kies een poort van 1 tot 65535.")


def _platform_settings(factory: Callable[[], S], prefix: str, label: str) -> S:
    """A platform's settings from its own environment variables, or a sentence naming them."""
    try:
        return factory()
    except ValidationError as exc:
        names = ", ".join(f"{prefix}_{str(e['loc'][0]).upper()}" for e in exc.errors())
        _fail(f"{label}-instellingen ontbreken of kloppen niet: {names}")


def _metrics_port(settings: Settings, option: int | None, http_port: int | None) -> int | None:
    """The port of a server of its own for /healthz and /metrics: --metrics-port, else
    DIALOOGBOT_METRICS_PORT; None when there is none (with an HTTP server the routes are
    on its port anyway)."""
    chosen = option if option is not None else settings.metrics_port
    if chosen is None:
        return None
    if not 1 <= chosen <= 65535:
        _fail(f"--metrics-port {chosen} kan niet: kies een poort van 1 tot 65535.")
    if chosen == http_port:
        _fail(
            f"--metrics-port {chosen} is de poort van de bot zelf; /healthz en /metrics staan "
            "daar al. Laat --metrics-port weg of kies een andere poort."
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
