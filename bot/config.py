"""Settings from the environment (and an optional ``.env``), validated once at start.

Built by ``get_settings()`` from the command line entry point only, never at import, so
tests construct ``Settings(...)`` directly instead of patching module globals.
"""

from __future__ import annotations

from datetime import time
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.commands import CommandError, StartCommand
from bot.commands import parse as parse_command
from bot.model import Cadence, RoundSettings

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///dialoogbot.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DIALOOGBOT_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: a SQLite file by default, or postgresql+asyncpg://…",
    )
    language: str = Field("nl", description="Language of the bot's messages (nl is the source)")
    card: str = Field("dialoogkaart", description="Card used when start names none")
    cadence: str = Field("1d", description="Default time between steps: 1d, 4h, 30m, 30s")
    time_of_day: str = Field("09:00", description="Default time of day for daily steps")
    timezone: str = Field("Europe/Amsterdam", description="Default time zone of rounds")
    weekdays: str = Field("ma-vr", description="Default school days, e.g. ma-vr or ma,di,do")
    coordinators: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Extra coordinators of every round: platform:user_id, comma-separated",
    )
    tick_seconds: float = Field(1.0, gt=0, le=60, description="How often the scheduler wakes")
    log_level: str = Field("INFO", description="Python logging level")

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("cadence")
    @classmethod
    def _cadence(cls, value: str) -> str:
        Cadence.parse(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("time_of_day")
    @classmethod
    def _time(cls, value: str) -> str:
        time.fromisoformat(value)
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: str) -> str:
        try:
            parse_command(f"start dagen={value}")
        except CommandError as exc:
            raise ValueError(str(exc)) from None
        return value

    def round_defaults(self) -> RoundSettings:
        """The settings a round gets for everything its start command leaves out."""
        days = parse_command(f"start dagen={self.weekdays}")
        assert isinstance(days, StartCommand)
        assert days.weekdays is not None
        return RoundSettings(
            card_id=self.card,
            cadence=Cadence.parse(self.cadence),
            time_of_day=time.fromisoformat(self.time_of_day),
            timezone=self.timezone,
            weekdays=days.weekdays,
        )


@cache
def get_settings() -> Settings:
    return Settings()
