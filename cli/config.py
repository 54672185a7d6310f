"""Settings from the environment (and an optional ``.env``), validated once at start.

Built by ``get_settings()`` from the command line entry point only, never at import, so
tests construct ``Settings(...)`` directly instead of patching module globals.

The defaults for rounds go through the same parsers, with the same bounds, as the options
of ``/dialoog start``: a setting is a start option typed once for every round, and a
mistake in it should be refused at start-up in the same words, not by the first round.
Every error message is marked for translation (Dutch in the source); ``cli`` puts the
variable's name in front of it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import i18n
from bot.i18n import _
from bot.model import Cadence, RoundSettings
from bot.values import parse_cadence, parse_review, parse_time, parse_weekdays, parse_zone
from dialogues.cards import CardError
from dialogues.catalogue import Catalogue, load_catalogue
from storage.db import DEFAULT_PATIENCE, DatabaseUrlError, normalize_url

MAX_LEASE_SECONDS = 3600
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///dialoogbot.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("auto", "text", "json")
MAX_OUTBOX_MINUTES = 24 * 60.0
MAX_DATABASE_WAIT = 600.0
MAX_TICK_SECONDS = 60.0
_COORDINATOR = re.compile(r"^[a-z][a-z0-9_-]*:\S+$")
# Where every setting comes from; shared, so the early look at the language below can
# never read a different place than the settings that are validated later.
_SOURCES = SettingsConfigDict(
    env_prefix="DIALOOGBOT_", env_file=".env", extra="ignore", frozen=True
)


class _Language(BaseSettings):
    model_config = _SOURCES

    language: str = i18n.SOURCE


def early_language() -> str:
    """The language of ``DIALOOGBOT_LANGUAGE``, or Dutch, without validating anything else.

    Typer evaluates help texts when the command line is built, at import, before any
    command has read (and validated) its settings; this lets ``--help`` speak the
    configured language too. A broken configuration is not reported here: the command
    that reads ``Settings`` says what is wrong, in the language found here.
    """
    try:
        language = _Language().language
    except (ValueError, OSError):  # an unreadable .env: reading Settings reports it
        return i18n.SOURCE
    return language if language in i18n.available() else i18n.SOURCE


class CardSettings(BaseSettings):
    """Where the cards are: all ``dialoogbot cards …`` needs, so a mistake elsewhere in
    the configuration never stops a coordinator from checking a card."""

    model_config = _SOURCES

    cards_dir: Path | None = Field(
        None, description="Folder with cards of your own, offered next to the built-in ones"
    )

    @field_validator("cards_dir")
    @classmethod
    def _cards_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(_("‘{path}’ is geen map (of bestaat niet)").format(path=value))
        return value

    def catalogue(self) -> Catalogue:
        """The built-in cards and those in ``cards_dir``; broken ones in ``problems``."""
        return load_catalogue(self.cards_dir)


class Settings(CardSettings):
    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: a SQLite file by default, or postgresql://…",
    )
    database_wait_seconds: float = Field(
        DEFAULT_PATIENCE,
        description="How long start-up waits for a database that is not reachable yet",
    )
    language: str = Field("nl", description="Language of the bot's messages (nl is the source)")
    card: str = Field("dialoogkaart", description="Card used when start names none")
    cadence: str = Field("1d", description="Default time between steps: 1d, 4h, 30m, 30s")
    time_of_day: str = Field("09:00", description="Default time of day for daily steps")
    timezone: str = Field("Europe/Amsterdam", description="Default time zone of rounds")
    weekdays: str = Field("ma-vr", description="Default school days, e.g. ma-vr or ma,di,do")
    review: str = Field(
        "2d",
        description="Default time the group has to check the outcome (2d: two school days), "
        "or uit: publish the summary at once",
    )
    retention_days: int = Field(
        365,
        ge=1,
        le=3650,
        description="Days after a round ends that its answers are kept; then it is deleted "
        "with everything on it",
    )
    coordinators: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Extra coordinators of every round: platform:user_id, comma-separated",
    )
    tick_seconds: float = Field(1.0, description="How often the scheduler wakes")
    lease_seconds: float = Field(
        60.0,
        description="How long a claim on a round, event or message holds: how soon the work "
        "of a process that died is taken over",
    )
    log_level: str = Field("INFO", description="Python logging level")
    log_format: str = Field(
        "auto", description="auto (text in a terminal, JSON lines otherwise), text or json"
    )
    metrics_port: int | None = Field(
        None,
        description="Port for /healthz and /metrics when no HTTP server runs (Socket Mode, "
        "long polling); the same as --metrics-port",
    )
    health_outbox_minutes: float = Field(
        15.0,
        description="/healthz reports the outbox stuck when a message waits longer than this",
    )

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            normalize_url(value)
        except DatabaseUrlError as exc:
            raise ValueError(exc.reason) from None
        return value

    @field_validator("database_wait_seconds")
    @classmethod
    def _database_wait(cls, value: float) -> float:
        if not 0 <= value <= MAX_DATABASE_WAIT:
            raise ValueError(
                _("kies 0 tot {most} seconden (0: niet wachten op de database)").format(
                    most=f"{MAX_DATABASE_WAIT:g}"
                )
            )
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        available = i18n.available()
        if value not in available:
            raise ValueError(
                _("‘{language}’ heeft geen vertaling; beschikbaar: {available}").format(
                    language=value, available=", ".join(available)
                )
            )
        return value

    @field_validator("card")
    @classmethod
    def _card(cls, value: str, info: ValidationInfo) -> str:
        """The default card may be one of the folder's (``cards_dir`` is read first)."""
        try:
            catalogue = load_catalogue(info.data.get("cards_dir"))
        except CardError as exc:
            raise ValueError(str(exc)) from None
        try:
            catalogue.get(value)
        except KeyError as exc:
            refused = "; ".join(str(p).replace("\n", "; ") for p in catalogue.problems)
            said = str(exc.args[0])
            if refused:
                said += " " + _("Niet geladen: {problems}").format(problems=refused)
            raise ValueError(said) from None
        return value

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("coordinators")
    @classmethod
    def _coordinators(cls, value: list[str]) -> list[str]:
        for item in value:
            if not _COORDINATOR.match(item):
                raise ValueError(
                    _(
                        "‘{item}’ klopt niet: schrijf platform:gebruikers-id, "
                        "bijvoorbeeld slack:U012AB3CD of telegram:123456789"
                    ).format(item=item[:40])
                )
        return value

    @field_validator("cadence")
    @classmethod
    def _cadence(cls, value: str) -> str:
        parse_cadence(value, option="")
        return value

    @field_validator("review")
    @classmethod
    def _review(cls, value: str) -> str:
        parse_review(value, option="")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return parse_zone(value, option="")

    @field_validator("time_of_day")
    @classmethod
    def _time(cls, value: str) -> str:
        parse_time(value, option="")
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: str) -> str:
        parse_weekdays(value, option="")
        return value

    @field_validator("tick_seconds")
    @classmethod
    def _tick(cls, value: float) -> float:
        if not 0 < value <= MAX_TICK_SECONDS:
            raise ValueError(
                _("kies meer dan 0 en hooguit {most} seconden").format(most=f"{MAX_TICK_SECONDS:g}")
            )
        return value

    @field_validator("lease_seconds")
    @classmethod
    def _lease(cls, value: float) -> float:
        if not 1 <= value <= MAX_LEASE_SECONDS:
            raise ValueError(_("kies 1 tot {most} seconden").format(most=f"{MAX_LEASE_SECONDS:g}"))
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(
                _("‘{value}’ is geen logniveau; kies {levels}").format(
                    value=value[:40], levels=", ".join(LOG_LEVELS)
                )
            )
        return level

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        chosen = value.strip().lower()
        if chosen not in LOG_FORMATS:
            raise ValueError(
                _("‘{value}’ kan niet; kies {formats}").format(
                    value=value[:40], formats=", ".join(LOG_FORMATS)
                )
            )
        return chosen

    @field_validator("metrics_port")
    @classmethod
    def _metrics_port(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 65535:
            raise ValueError(_("kies een poort van 1 tot 65535"))
        return value

    @field_validator("health_outbox_minutes")
    @classmethod
    def _outbox_minutes(cls, value: float) -> float:
        if not 1 <= value <= MAX_OUTBOX_MINUTES:
            raise ValueError(_("kies 1 tot {most} minuten").format(most=f"{MAX_OUTBOX_MINUTES:g}"))
        return value

    def round_defaults(self) -> RoundSettings:
        """The settings a round gets for everything its start command leaves out."""
        return RoundSettings(
            card_id=self.card,
            cadence=parse_cadence(self.cadence),
            time_of_day=parse_time(self.time_of_day),
            timezone=self.timezone,
            weekdays=parse_weekdays(self.weekdays),
            review=_window(parse_review(self.review)),
            retention_days=self.retention_days,
            language=self.language,
        )


def _window(review: Cadence | str) -> Cadence | None:
    return review if isinstance(review, Cadence) else None


@cache
def get_settings() -> Settings:
    return Settings()
